#!/usr/bin/python3
"""The explorer in a real browser against a real kgd with the demo graph.

Starts kgd (port 0 for gRPC and HTTP, temp data dir, token auth), imports
tools/demo/idlib.jsonl as an admin, installs puppeteer-core from
tests/e2e/explorer/package-lock.json into the build directory (`npm ci`, no
browser download: Debian's /usr/bin/chromium is driven), and runs
tests/e2e/explorer/browse.mjs with a reader's token. What the page must show
is taken from the demo data itself (the air attacks' perpetrator statement,
its quoted excerpt checked against the article's span, its document, a
statement a source denies), never from kgd's answers. Screenshots land in
BUILD/artifacts/explorer/.

Usage: explorer_test.py --kg KG --kgd KGD --root REPO --build BUILD_DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kgd_fixture import Kgd, load_demo  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
NPM_GUARD_S = 300  # hang guard for npm ci
BROWSER_GUARD_S = 300  # hang guard for the walk-through (it takes seconds)
GET_GUARD_S = 30  # hang guard for each GET
# The nodes the walk-through expands, from the search hit to the air attacks'
# perpetrator: actor/nusra -clashes_with- actor/syrian-army -part_of-
# actor/syria-government <-perpetrated_by- inc/idlib-air-attacks.
WALK = ["actor/nusra", "actor/syrian-army", "actor/syria-government"]
AIR_ATTACKS = ("inc/idlib-air-attacks", "perpetrated_by")


def install_puppeteer(root, build):
    """npm ci into BUILD/tests/e2e/explorer_npm unless that lock is installed."""
    src = os.path.join(root, "tests", "e2e", "explorer")
    dest = os.path.join(build, "tests", "e2e", "explorer_npm")
    lock = os.path.join(src, "package-lock.json")
    installed = os.path.join(dest, "package-lock.json")
    marker = os.path.join(dest, "node_modules", "puppeteer-core", "package.json")
    if (os.path.exists(marker) and os.path.exists(installed)
            and open(lock, "rb").read() == open(installed, "rb").read()):
        return os.path.join(dest, "node_modules")
    os.makedirs(dest, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copyfile(os.path.join(src, name), os.path.join(dest, name))
    env = dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1")
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts",
                    "--loglevel=error"], cwd=dest, env=env, check=True, timeout=NPM_GUARD_S)
    return os.path.join(dest, "node_modules")


def expectations(root):
    """What the page must show, from tools/demo/idlib.jsonl and the article."""
    demo = os.path.join(root, "tools", "demo")
    article = open(os.path.join(demo, "idlib-article.txt"), encoding="utf-8").read()
    entities, statements = {}, []
    for line in open(os.path.join(demo, "idlib.jsonl"), encoding="utf-8"):
        record = json.loads(line)
        for e in record.get("entities", []):
            entities[e["id"]] = e
        statements.extend(record.get("statements", []))

    air = [s for s in statements if (s["subject"], s["predicate"]) == AIR_ATTACKS
           and "entity" in s["object"]]
    assert len(air) == 1, "the demo has one air-attacks perpetrator statement: %r" % air
    air = air[0]
    evidence = []
    for ev in air["evidence"]:
        # The quote is the article's text at its span (code points).
        assert article[ev["spanBegin"]:ev["spanEnd"]] == ev["excerpt"], ev
        evidence.append({k: ev[k] for k in ("excerpt", "stance", "publisher", "claimant",
                                            "reliability", "credibility", "confidence")})
    docs = {ev["document"] for ev in air["evidence"]}
    assert len(docs) == 1, docs
    doc = entities[docs.pop()]["attributes"]

    drawn = set(WALK)
    denied = [s for s in statements if "entity" in s["object"]
              and any(ev.get("stance") == "DENIES" for ev in s["evidence"])
              and (s["subject"] in drawn or s["object"]["entity"] in drawn)]
    assert denied, "the demo denies a statement next to %r" % WALK

    incidents = {s["subject"] for s in statements
                 if s["predicate"] in ("perpetrated_by", "targeted", "participant")
                 and s["object"].get("entity") == WALK[0]}
    dated = sorted(i for i in incidents if "date" in entities[i].get("attributes", {}))
    assert dated, "the demo has a dated incident of %s" % WALK[0]

    # Denying the air attacks' publisher leaves only statements that another
    # publisher's evidence also supports.
    deny = air["evidence"][0]["publisher"]
    surviving = sorted({"%s %s %s" % (s["subject"], s["predicate"], s["object"]["entity"])
                        for s in statements if "entity" in s["object"]
                        and any(ev.get("publisher") != deny for ev in s["evidence"])})

    return {
        "walk": WALK,
        "publisherDeny": deny,
        "survivingDeny": surviving,
        "airAttacks": {"subject": air["subject"], "predicate": air["predicate"],
                       "object": air["object"]["entity"], "evidence": evidence},
        "document": {"title": doc["title"]["string"], "date": doc["date"]["date"]},
        "disputed": {"subject": denied[0]["subject"], "object": denied[0]["object"]["entity"]},
        "timelineIncident": entities[dated[0]]["label"],
    }


def check_static_files(root, port):
    """GET of the page's files over the wire: bodies and content types, 404s."""
    failures = 0

    def check(ok, what):
        nonlocal failures
        print("%s %s" % ("ok  " if ok else "FAIL", what))
        failures += 0 if ok else 1

    base = "http://127.0.0.1:%d" % port
    page = open(os.path.join(root, "web", "src", "index.html"), "rb").read()
    for path, ctype, body in (("/", "text/html", page), ("/index.html", "text/html", page),
                              ("/explorer.css", "text/css", None),
                              ("/explorer.js", "text/javascript", None)):
        with urllib.request.urlopen(base + path, timeout=GET_GUARD_S) as r:
            got = r.read()
            check(r.status == 200 and r.headers.get_content_type() == ctype and got
                  and (body is None or got == body),
                  "GET %s: %d %s, %d bytes" % (path, r.status, r.headers["Content-Type"],
                                               len(got)))
    for path in ("/nope", "/explorer.js/", "/web/src/main.js"):
        try:
            urllib.request.urlopen(base + path, timeout=GET_GUARD_S)
            check(False, "GET %s is not served" % path)
        except urllib.error.HTTPError as e:
            check(e.code == 404, "GET %s: %d" % (path, e.code))
    return failures


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kg", required=True)
    parser.add_argument("--kgd", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--build", required=True)
    args = parser.parse_args()
    if not os.access(CHROMIUM, os.X_OK):
        print("FAIL %s is missing: scripts/setup.sh installs Debian's chromium" % CHROMIUM)
        return 1
    node_modules = install_puppeteer(args.root, args.build)
    expect = expectations(args.root)
    artifacts = os.path.join(args.build, "artifacts", "explorer")
    shutil.rmtree(artifacts, ignore_errors=True)
    os.makedirs(artifacts)

    with tempfile.TemporaryDirectory(prefix="kg-explorer-") as tmp, \
            Kgd(args.kgd, args.kg, roles={"e2e": "admin", "explorer": "reader"},
                extra_flags=["--http_listen=127.0.0.1:0",
                             "--http_port_file=" + os.path.join(tmp, "http.port")]) as kgd:
        # kgd writes the HTTP port before the gRPC one: it is there once the
        # fixture has read the latter.
        http_port = int(open(os.path.join(tmp, "http.port")).read().strip())
        failures = check_static_files(args.root, http_port)
        expect["importStartMicros"] = time.time_ns() // 1000
        load_demo(args.kg, kgd.addr, args.root, kgd.tokens["e2e"])
        expect_path = os.path.join(artifacts, "expect.json")
        with open(expect_path, "w", encoding="utf-8") as f:
            json.dump(expect, f, ensure_ascii=False, indent=1)
        out = subprocess.run(
            ["node", os.path.join(args.root, "tests", "e2e", "explorer", "browse.mjs"),
             "--node_modules", node_modules, "--url", "http://127.0.0.1:%d/" % http_port,
             "--token", kgd.tokens["explorer"], "--artifacts", artifacts,
             "--expect", expect_path], timeout=BROWSER_GUARD_S)
        return 1 if failures or out.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
