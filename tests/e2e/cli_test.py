#!/usr/bin/python3
"""End-to-end test of the kg CLI against a real kgd loaded with the demo graph.

Starts kgd (port 0, temp data dir, --auth_tokens with a token per role made
by `kg token new`), loads tools/demo/idlib.jsonl with `kg import` as the admin
principal "e2e", runs every subcommand, and compares its --json output with
the golden files in tests/e2e/golden/<case>.jsonl. Also checks exit codes (not
found 1, usage 2, rejected 3, server down 4, unauthenticated 6, permission
denied 7), bad flags, a server that is down (bounded by --timeout, never a
hang), DOT output rendering with graphviz, an export / re-import round trip,
tokens from --token, --token-file and $KG_TOKEN, each role's whoami and
limits, delegation, backups under --backup_dir, purges, and the audit log.

Normalisation (so goldens hold across runs): each output line is parsed as JSON
and re-dumped with sorted keys; the values of transaction times and other
volatile fields (VOLATILE below: ingestedAt, committedAt, updatedAt,
retractedAt, purgedAt, at, diskBytes, bytes, directory, commits, walSyncs) become
"<volatile>".
Statement ids (assigned in import order) and evidence ids (content digests)
are stable and kept.

Usage: cli_test.py --kg KG --kgd KGD --root REPO   (REGENERATE=1 rewrites the goldens)
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kgd_fixture import Kgd, load_demo  # noqa: E402

VOLATILE = {"ingestedAt", "committedAt", "updatedAt", "retractedAt", "purgedAt", "at",
            "diskBytes", "bytes", "directory", "commits", "walSyncs"}
REGENERATE = os.environ.get("REGENERATE") == "1"
CALL_GUARD_S = 60  # a hang guard for each kg run, far above any --timeout used here
# The principals of the authenticated kgd and their roles.
ROLES = {"e2e": "admin", "reader": "reader", "writer": "writer", "gw": "gateway"}
DEFAULT = object()  # kg_run's token: the run's own (Run.token)


def normalise(value):
    if isinstance(value, dict):
        return {k: "<volatile>" if k in VOLATILE else normalise(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalise(v) for v in value]
    return value


def normalise_output(text):
    lines = []
    for line in text.splitlines():
        if line.strip():
            lines.append(json.dumps(normalise(json.loads(line)), sort_keys=True,
                                    ensure_ascii=False))
    return "\n".join(lines) + ("\n" if lines else "")


class Run:
    def __init__(self, args):
        self.kg = args.kg
        self.root = args.root
        self.golden_dir = os.path.join(args.root, "tests", "e2e", "golden")
        self.failures = []
        self.checks = 0
        self.addr = None
        self.token = None

    def kg_run(self, *argv, addr=None, stdin=None, timeout_flag=True, token=DEFAULT, env=None):
        """Runs kg with --token (self.token unless given; None = no flag) and
        an environment without KG_TOKEN or KG_ADDR, plus `env`."""
        cmd = [self.kg, "--addr", addr or self.addr]
        token = self.token if token is DEFAULT else token
        if token:
            cmd += ["--token", token]
        if timeout_flag:
            cmd += ["--timeout", "20"]
        cmd += list(argv)
        run_env = {k: v for k, v in os.environ.items() if k not in ("KG_TOKEN", "KG_ADDR")}
        run_env.update(env or {})
        return subprocess.run(cmd, capture_output=True, text=True, input=stdin,
                              timeout=CALL_GUARD_S, env=run_env)

    def json_lines(self, argv, code=0, **kw):
        out = self.expect(list(argv) + ["--json"], code, **kw)
        return [json.loads(l) for l in out.stdout.splitlines() if l.strip()]

    def check(self, ok, what):
        self.checks += 1
        if not ok:
            self.failures.append(what)
            print("FAIL", what)

    def expect(self, argv, code, stderr_has=None, **kw):
        out = self.kg_run(*argv, **kw)
        self.check(out.returncode == code, "kg %s: exit %d, want %d; stderr: %s"
                   % (" ".join(argv), out.returncode, code, out.stderr.strip()))
        if stderr_has is not None:
            self.check(stderr_has in out.stderr, "kg %s: stderr %r lacks %r"
                       % (" ".join(argv), out.stderr.strip(), stderr_has))
            self.check(out.stderr.count("\n") == 1, "kg %s: error is not one line: %r"
                       % (" ".join(argv), out.stderr))
        return out

    def golden(self, case, argv, code=0, **kw):
        out = self.expect(list(argv) + ["--json"], code, **kw)
        got = normalise_output(out.stdout)
        path = os.path.join(self.golden_dir, case + ".jsonl")
        if REGENERATE:
            with open(path, "w", encoding="utf-8") as f:
                f.write(got)
            return out
        want = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        self.check(want == got, "golden %s differs (kg %s); got:\n%s" % (case, " ".join(argv), got))
        return out

    def statement_id(self, subject, predicate, obj=None):
        argv = ["match", "--subject", subject, "--predicate", predicate, "--json"]
        if obj:
            argv += ["--object", obj]
        out = self.kg_run(*argv)
        lines = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
        if out.returncode != 0 or not lines:
            raise RuntimeError("no statement %s %s %s: %s" % (subject, predicate, obj, out.stderr))
        return lines[0]["id"]


def auth_checks(r, kgd, tmp, write, evidence, air):
    """Tokens, roles and delegation against the kgd running with ROLES."""
    tokens = kgd.tokens
    # Each role's view of itself; only a gateway (or admin) acts for --principal.
    for who in sorted(ROLES):
        r.golden("whoami_" + who, ["whoami"], token=tokens[who])
    r.golden("whoami_delegated", ["whoami", "--principal", "alice"], token=tokens["gw"])
    me = r.json_lines(["whoami", "--principal", "alice"], token=tokens["writer"])[0]
    r.check("onBehalfOf" not in me, "a writer's --principal was honoured: %r" % me)
    out = r.expect(["whoami"], 0, token=tokens["reader"])
    rows = [l.split(None, 1) for l in out.stdout.splitlines()]
    r.check(rows[:1] == [["FIELD", "VALUE"]] and ["principal", "reader"] in rows
            and ["role", "reader"] in rows, "whoami table: %r" % out.stdout)

    # No token, or one kgd does not know: exit 6. Health checks need none.
    out = r.expect(["stats"], 6, stderr_has="UNAUTHENTICATED", token=None)
    r.check("--token-file" in out.stderr, "no-token hint: %r" % out.stderr)
    r.expect(["entity", "actor/nusra"], 6, stderr_has="did not accept the token", token="stale")
    r.expect(["health"], 0, token=None)

    # The token: --token, else --token-file (whitespace trimmed), else $KG_TOKEN.
    token_file = os.path.join(tmp, "reader.token")
    with open(token_file, "w") as f:
        f.write("\n  %s \n" % tokens["reader"])

    def principal(argv, **kw):
        return r.json_lines(["whoami"] + argv, **kw)[0].get("principal")
    r.check(principal(["--token-file", token_file], token=None) == "reader", "--token-file")
    r.check(principal([], token=None, env={"KG_TOKEN": tokens["writer"]}) == "writer",
            "$KG_TOKEN")
    r.check(principal(["--token-file", token_file], token=None,
                      env={"KG_TOKEN": tokens["writer"]}) == "reader",
            "--token-file does not beat $KG_TOKEN")
    r.check(principal(["--token-file", token_file], token=tokens["e2e"],
                      env={"KG_TOKEN": tokens["writer"]}) == "e2e",
            "--token does not beat --token-file and $KG_TOKEN")
    r.expect(["whoami"], 6, stderr_has="UNAUTHENTICATED", token=None, env={"KG_TOKEN": "stale"})

    # A reader reads but may not write: exit 7, and nothing is written.
    russia_un = {"subject": "actor/russia", "predicate": "opposes",
                 "object": {"entity": "actor/un"}}

    def statement(name, excerpt):
        return write(name, {"statements": [
            dict(russia_un, evidence=[dict(evidence, excerpt=excerpt)])]})
    r.expect(["assert", statement("reader.json", "a reader's note")], 7,
             stderr_has="PERMISSION_DENIED", token=tokens["reader"])
    match = ["match", "--subject", "actor/russia", "--predicate", "opposes", "--object",
             "actor/un"]
    r.check(r.json_lines(match, token=tokens["reader"]) == [], "a reader's write was applied")

    # A writer writes and retracts its own evidence, not anyone else's, and
    # has no admin rpc.
    wrote = r.json_lines(["assert", statement("writer.json", "a writer's note")],
                         token=tokens["writer"])[0]["statements"][0]
    r.expect(["retract", air, "--reason", "not mine"], 7, stderr_has="PERMISSION_DENIED",
             token=tokens["writer"])
    r.expect(["retract", wrote["id"], "--evidence", wrote["evidenceIds"][0], "--reason",
              "mine"], 0, token=tokens["writer"])
    for argv in (["merge", "actor/al-nusra-front-dup", "actor/nusra"],
                 ["split", "actor/al-nusra-front-dup"], ["backup", "by-writer"], ["audit"],
                 ["purge", "--document", "doc/e2e-note", "--reason", "x"]):
        r.expect(argv, 7, stderr_has="PERMISSION_DENIED", token=tokens["writer"])

    # A gateway writes for --principal, and the evidence says so.
    delegated = r.json_lines(["assert", statement("gateway.json", "alice's note"),
                              "--principal", "alice"], token=tokens["gw"])[0]["statements"][0]
    by = {e.get("id"): e.get("ingestedBy")
          for e in r.json_lines(["explain", wrote["id"]])[0]["statement"]["evidence"]}
    r.check(by.get(delegated["evidenceIds"][0]) == "alice via gw"
            and by.get(wrote["evidenceIds"][0]) == "writer", "ingested by: %r" % by)


def purge_checks(r, write, evidence, air, opposes):
    """Purge deletes evidence for good: from explain, as-of reads and history."""
    doc = "doc/e2e-purge"
    st = r.json_lines(["explain", air])[0]["statement"]
    ingested = r.json_lines(["ingest", write("purge.json", {
        "document": {"id": doc, "kind": "Document", "label": "A note to purge"},
        "statements": [{"subject": st["subject"], "predicate": st["predicate"],
                        "object": st["object"],
                        "evidence": [dict(evidence, document=doc,
                                          excerpt="content that must go")]}]})])[0]
    r.check(ingested["statements"][0]["id"] == air, "purge fixture: %r" % ingested)
    r.golden("purge_document", ["purge", "--document", doc, "--reason", "e2e purge"])
    out = r.golden("explain_purged", ["explain", air])
    with open(os.path.join(r.golden_dir, "explain.jsonl"), encoding="utf-8") as f:
        r.check(normalise_output(out.stdout) == f.read(),
                "explain after the purge differs from explain before the ingest")
    then = r.json_lines(["explain", air, "--as-of", ingested["committedAt"]])[0]
    r.check(all(e.get("document") != doc for e in then["statement"]["evidence"]),
            "an as-of read still shows purged evidence")
    r.golden("history_purged", ["history", air])
    out = r.expect(["history", air], 0)
    r.check(any(l.split()[2:3] == ["purged"] and re.search(r" 1 +e2e purge$", l)
                for l in out.stdout.splitlines()), "history table: %r" % out.stdout)

    # One record; the statement it leaves without evidence goes too.
    records = r.json_lines(["explain", opposes])[0]["statement"]["evidence"]
    r.check(len(records) == 1, "opposes has %d evidence records" % len(records))
    one = ["purge", "--statement", opposes, "--evidence", records[0]["id"], "--reason",
           "e2e purge"]
    r.golden("purge_evidence", one)
    r.expect(["explain", opposes], 1)
    r.expect(one, 1)
    r.expect(["purge", "--document", "doc/never-ingested", "--reason", "x"], 1)


def audit_checks(r):
    """The audit log: every write, admin call and denied call, filtered and paged."""
    entries = r.json_lines(["audit", "--principal", "e2e", "--limit", "0"])
    rpcs = {e["rpc"] for e in entries}
    want = {"kg.v1.IngestService/" + m for m in ("Import", "UpsertEntities",
                                                 "IngestDocument", "Assert", "Retract",
                                                 "Merge", "Split", "Purge")}
    want.add("kg.v1.AdminService/Backup")
    r.check(want <= rpcs, "audit lacks %r" % sorted(want - rpcs))
    r.check(all(e["principal"] == "e2e" and e["role"] == "admin"
                and e["authenticatedBy"] == "token" and "127.0.0.1" in e.get("peer", "")
                for e in entries), "audit entries: %r" % entries[:3])
    writes = [e for e in entries if e["rpc"].startswith("kg.v1.IngestService/")]
    r.check(all(int(e.get("requestBytes", 0)) > 0
                and re.fullmatch(r"[0-9a-f]{64}", e.get("requestSha256", "")) for e in writes),
            "audit request size and digest: %r" % writes[:3])
    r.check(all(e.get("message") for e in entries if e.get("code", 0) != 0),
            "failed calls without a message")
    times = [int(e["at"]) for e in entries]
    r.check(times == sorted(times), "audit not in time order")

    denied = r.json_lines(["audit", "--code", "PERMISSION_DENIED", "--limit", "0"])
    r.check(all(e.get("code") == 7 for e in denied), "--code: %r" % denied)
    r.check(any(e["principal"] == "reader" and e["role"] == "reader"
                and e["rpc"] == "kg.v1.IngestService/Assert" and e.get("message")
                for e in denied), "the reader's denied write is not audited: %r" % denied)
    merges = r.json_lines(["audit", "--rpc", "IngestService/Merge", "--limit", "0"])
    r.check(merges != [] and all(e["rpc"] == "kg.v1.IngestService/Merge" for e in merges)
            and {"e2e", "writer"} <= {e["principal"] for e in merges}, "--rpc: %r" % merges)
    at = merges[0]["at"]
    window = r.json_lines(["audit", "--from", at, "--to", at, "--limit", "0"])
    r.check([e["at"] for e in window] == [at], "--from/--to %s: %r" % (at, window))

    # Pages of one entry give the same listing; --limit stops it.
    asserts = r.json_lines(["audit", "--rpc", "IngestService/Assert", "--limit", "0"])
    paged = r.json_lines(["audit", "--rpc", "IngestService/Assert", "--limit", "0",
                          "--page-size", "1"])
    r.check(len(asserts) >= 3 and paged == asserts, "paged audit: %r vs %r" % (paged, asserts))
    out = r.expect(["audit", "--rpc", "IngestService/Assert", "--limit", "1"], 0)
    r.check(len(out.stdout.splitlines()) == 2 and "more results" in out.stderr,
            "audit --limit 1: %r %r" % (out.stdout, out.stderr))

    # The table names a delegated call "alice via gw".
    lines = r.expect(["audit", "--principal", "alice"], 0).stdout.splitlines()
    r.check(lines[:1] != [] and lines[0].split() == ["TIME", "PRINCIPAL", "ROLE", "AUTH", "RPC",
                                                     "PEER", "BYTES", "CODE"],
            "audit table header: %r" % lines[:1])
    r.check(any("alice via gw" in l and "IngestService/Assert" in l and l.endswith("OK")
                for l in lines[1:]), "audit table: %r" % lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kg", required=True)
    parser.add_argument("--kgd", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--shared-data", required=True)
    args = parser.parse_args()
    r = Run(args)
    os.makedirs(r.golden_dir, exist_ok=True)

    # Usage errors need no server (exit 2 before anything is sent).
    r.addr = "127.0.0.1:1"
    r.expect(["--help"], 0)
    r.expect([], 2)
    r.expect(["frobnicate"], 2, stderr_has="unknown command")
    r.expect(["entity"], 2, stderr_has="expected ID")
    r.expect(["entity", "a", "b"], 2)
    r.expect(["entity", "x", "--bogus"], 2, stderr_has="unknown flag '--bogus'")
    r.expect(["entity", "x", "--format", "dot"], 2, stderr_has="--format")
    r.expect(["path", "a", "b", "--depth", "zero"], 2, stderr_has="--depth")
    r.expect(["match", "--min-confidence", "1.5"], 2, stderr_has="--min-confidence")
    r.expect(["match", "--min-reliability", "Z"], 2, stderr_has="--min-reliability")
    r.expect(["explain", "abc"], 2, stderr_has="STATEMENT")
    r.expect(["timeline"], 2, stderr_has="--actor or --place")
    r.expect(["claims", "outlet", "x"], 2)
    r.expect(["retract", "5"], 2, stderr_has="--reason")
    r.expect(["stats", "--timeout", "-1"], 2, stderr_has="--timeout")
    r.expect(["traverse", "--help"], 0)
    r.expect(["purge", "--reason", "x"], 2, stderr_has="--document")
    r.expect(["purge", "--document", "d", "--statement", "1", "--evidence", "e", "--reason", "x"],
             2, stderr_has="--document")
    r.expect(["purge", "--statement", "1", "--reason", "x"], 2, stderr_has="--evidence")
    r.expect(["purge", "--document", "d"], 2, stderr_has="--reason")
    r.expect(["audit", "--code", "NOPE"], 2, stderr_has="--code")
    r.expect(["audit", "--from", "yesterday"], 2, stderr_has="--from")
    r.expect(["stats", "--token-file", "/nonexistent/token"], 2, stderr_has="--token-file")
    r.expect(["stats"], 2, stderr_has="$KG_TOKEN", env={"KG_TOKEN": "two words"})

    # kg token new needs no server: 127.0.0.1:1 is never dialled.
    made = r.json_lines(["token", "new", "alice@example.org", "writer"])[0]
    r.check(sorted(made) == ["line", "principal", "role", "token"], "token new fields: %r" % made)
    r.check(re.fullmatch(r"[A-Za-z0-9_-]{43}", made["token"]) is not None,
            "token is not 32 bytes of base64url: %r" % made["token"])
    r.check(made["line"] == "alice@example.org writer "
            + hashlib.sha256(made["token"].encode()).hexdigest(), "token file line: %r" % made)
    again = r.json_lines(["token", "new", "alice@example.org", "writer"])[0]
    r.check(again["token"] != made["token"], "kg token new made the same token twice")
    out = r.expect(["token", "new", "svc/ingest:1", "gateway"], 0)
    words = [l.split() for l in out.stdout.splitlines()]
    r.check(len(words) == 2 and words[0][0] == "token" and words[0][1:2] != []
            and words[1][:3] == ["line", "svc/ingest:1", "gateway"]
            and words[1][3] == hashlib.sha256(words[0][1].encode()).hexdigest(),
            "kg token new table: %r" % out.stdout)
    r.expect(["token", "new", "bad name", "reader"], 2, stderr_has="PRINCIPAL")
    r.expect(["token", "new", "alice", "root"], 2, stderr_has="ROLE")
    r.expect(["token", "old", "alice", "reader"], 2, stderr_has="new PRINCIPAL ROLE")
    r.expect(["token", "new", "alice"], 2)

    # A server that is down: exit 4 with one clear line, within the timeout.
    with tempfile.TemporaryDirectory() as tmp:
        # A port nothing listens on: take one from a kgd that has stopped.
        down = Kgd(args.kgd)
        down_addr = down.addr
        down.stop()
    for argv in (["stats"], ["entity", "actor/nusra"], ["import", os.devnull], ["health"]):
        r.expect(argv, 4, stderr_has="kg: cannot reach kgd at %s" % down_addr, addr=down_addr,
                 timeout_flag=False)
    r.expect(["--timeout", "1", "stats"], 4, stderr_has="cannot reach kgd", addr=down_addr,
             timeout_flag=False)

    with Kgd(args.kgd, args.kg, roles=ROLES) as kgd:
        r.addr = kgd.addr
        r.token = kgd.tokens["e2e"]
        imported = json.loads(load_demo(args.kg, kgd.addr, args.root, r.token))
        r.check(imported.get("counts", {}).get("messagesApplied") == "13",
                "import applied %r" % imported)
        r.golden("stats", ["stats"])
        r.golden("health", ["health"])
        r.golden("entity", ["entity", "actor/nusra"])
        r.golden("search", ["search", "nusra"])
        r.golden("search_alias", ["search", "al-nus"])
        r.golden("search_kind", ["search", "k", "--kind", "Location"])
        r.golden("match_perpetrated_by", ["match", "--predicate", "perpetrated_by"])
        r.golden("match_literal", ["match", "--predicate", "count", "--object", "integer:31"])
        r.golden("match_filtered", ["match", "--subject", "actor/turkey", "--min-confidence",
                                    "0.5"])
        r.golden("neighbors", ["neighbors", "actor/nusra"])
        r.golden("neighbors_in_kind", ["neighbors", "loc/idlib", "--direction", "in", "--kind",
                                       "Location"])
        r.golden("traverse", ["traverse", "actor/nusra", "--direction", "both", "--depth", "2"])
        r.golden("traverse_capped", ["traverse", "loc/syria", "--direction", "in", "--depth", "3",
                                     "--max-nodes", "5"])
        r.golden("path", ["path", "actor/turkey", "actor/nusra", "--direction", "both"])
        r.golden("path_k", ["path", "actor/turkey", "actor/nusra", "--direction", "both", "--k",
                            "3"])
        r.golden("subgraph", ["subgraph", "inc/idlib-air-attacks", "--direction", "both"])
        r.golden("timeline_place", ["timeline", "--place", "loc/idlib"])
        r.golden("timeline_actor", ["timeline", "--actor", "actor/syrian-army"])
        air = r.statement_id("inc/idlib-air-attacks", "perpetrated_by")
        r.golden("explain", ["explain", air])
        chem = r.statement_id("inc/possible-chemical-attack", "perpetrated_by",
                              "actor/syria-government")
        r.golden("explain_denied", ["explain", chem])
        # Explain reads every evidence page: a page per record gives the same answer.
        supplies = r.statement_id("actor/turkey", "supplies", "actor/opposition")
        whole = r.json_lines(["explain", supplies])
        r.check(len(whole[0]["statement"]["evidence"]) == 2, "supplies has two records")
        r.check(r.json_lines(["explain", supplies, "--evidence-page-size", "1"]) == whole,
                "explain page by page differs from one page")
        r.expect(["explain", supplies, "--evidence-page-size", "0"], 2,
                 stderr_has="--evidence-page-size")
        r.golden("claims_claimant", ["claims", "claimant", "outlet/sana"])
        r.golden("claims_description", ["claims", "claimant",
                                        "senior opposition and rebel sources"])
        r.golden("claims_document", ["claims", "document", "doc/demo-gazetteer", "--limit", "3"])
        r.golden("disputes", ["disputes"])
        r.golden("history_statement", ["history", air])
        r.golden("history_entity", ["history", "actor/nusra", "--entity"])

        # Human tables work too.
        for argv in (["entity", "actor/nusra"], ["search", "nusra"], ["traverse", "actor/nusra"],
                     ["path", "actor/turkey", "actor/nusra", "--direction", "both"],
                     ["explain", air], ["stats"], ["timeline", "--place", "loc/idlib"],
                     ["subgraph", "actor/nusra"], ["disputes"], ["history", air]):
            out = r.expect(argv, 0)
            r.check(out.stdout.strip() != "", "kg %s printed nothing" % " ".join(argv))
        out = r.expect(["search", "nusra"], 0)
        r.check(out.stdout.splitlines()[0].split() == ["ID", "KIND", "LABEL", "ALIASES"],
                "search table header: %r" % out.stdout.splitlines()[0])

        # Pictures: DOT renders with graphviz; GraphML is XML.
        for argv in (["path", "actor/turkey", "actor/nusra", "--direction", "both"],
                     ["traverse", "actor/nusra", "--direction", "both"],
                     ["subgraph", "loc/idlib", "--direction", "in"]):
            dot = r.expect(argv + ["--format", "dot"], 0)
            png = subprocess.run(["dot", "-Tpng"], input=dot.stdout.encode(), capture_output=True,
                                 timeout=CALL_GUARD_S)
            r.check(png.returncode == 0 and png.stdout[:8] == b"\x89PNG\r\n\x1a\n",
                    "dot -Tpng of kg %s failed: %s" % (" ".join(argv), png.stderr[:200]))
            gml = r.expect(argv + ["--format", "graphml"], 0)
            r.check("<graphml" in gml.stdout and "</graphml>" in gml.stdout,
                    "graphml of kg %s" % " ".join(argv))

        # Not found / empty -> 1.
        r.expect(["entity", "actor/atlantis"], 1, stderr_has="actor/atlantis")
        r.expect(["explain", "999999"], 1)
        r.expect(["search", "zzzz"], 1, stderr_has="no entity matches")
        r.expect(["path", "loc/raqqa", "outlet/memo"], 1, stderr_has="no path")

        # Writes: upsert, assert, ingest, retract, merge, split.
        with tempfile.TemporaryDirectory() as tmp:
            def write(name, obj):
                p = os.path.join(tmp, name)
                with open(p, "w") as f:
                    json.dump(obj, f)
                return p
            doc = "doc/e2e-note"
            evidence = {"document": doc, "claimantDescription": "an e2e test", "stance": "ASSERTS",
                        "confidence": 0.9, "excerpt": "a note", "extractor": "analyst:e2e"}
            r.golden("upsert", ["upsert", write("upsert.json", {"entities": [
                {"id": "actor/al-nusra-front-dup", "kind": "ArmedGroup",
                 "label": "al-Nusra Front (duplicate record)"}]})])
            r.golden("ingest", ["ingest", write("ingest.json", {
                "document": {"id": doc, "kind": "Document", "label": "An e2e note",
                             "attributes": {"date": {"date": "2019-05-12"}}},
                "statements": [{"subject": "actor/al-nusra-front-dup", "predicate": "opposes",
                                "object": {"entity": "actor/syria-government"},
                                "evidence": [evidence]}]})])
            r.golden("assert", ["assert", write("assert.json", {"statements": [
                {"subject": "actor/turkey", "predicate": "opposes",
                 "object": {"entity": "actor/nusra"}, "evidence": [evidence]}]})])
            # The same evidence again is stored once (idempotent).
            r.golden("assert_again", ["assert", os.path.join(tmp, "assert.json")])
            bad = dict(evidence, confidence=1.5)
            out = r.expect(["assert", write("bad.json", {"statements": [
                {"subject": "actor/turkey", "predicate": "opposes",
                 "object": {"entity": "actor/nusra"}, "evidence": [bad]}]})], 3,
                stderr_has="confidence")
            r.expect(["assert", write("badkind.json", {"statements": [
                {"subject": "loc/idlib", "predicate": "supplies",
                 "object": {"entity": "actor/nusra"}, "evidence": [evidence]}]})], 3,
                stderr_has="supplies")
            r.expect(["assert", write("notjson.json", {"statements": 5})], 3)
            r.expect(["assert", "-"], 3, stdin="{not json")
            opposes = r.statement_id("actor/turkey", "opposes", "actor/nusra")
            r.golden("retract", ["retract", opposes, "--reason", "e2e retraction"])
            r.golden("explain_retracted", ["explain", opposes])
            r.expect(["retract", "999999", "--reason", "x"], 1)
            r.golden("merge", ["merge", "actor/al-nusra-front-dup", "actor/nusra"])
            r.golden("entity_merged", ["entity", "actor/al-nusra-front-dup"])
            r.golden("split", ["split", "actor/al-nusra-front-dup"])
            r.expect(["split", "actor/turkey"], 3)

            # Import errors name the line; earlier batches stay committed.
            lines = open(os.path.join(args.root, "tools", "demo", "idlib.jsonl")).readlines()
            p = write("bad.jsonl", {})
            with open(p, "w") as f:
                f.write(lines[0] + "{oops\n")
            r.expect(["import", p], 3, stderr_has="bad.jsonl: line 2, column 1: not a kg.v1.AssertRequest")
            with open(p, "w") as f:
                f.write(lines[0] + "\n" + json.dumps({"statements": [
                    {"subject": "loc/idlib", "predicate": "supplies",
                     "object": {"entity": "actor/nusra"}, "evidence": [evidence]}]}) + "\n")
            # The failed batch's status names it; the details say what the
            # batches before it committed.
            r.expect(["import", p], 3,
                     stderr_has="bad.jsonl: batch 1 (input up to line 3): statements[0]")
            r.expect(["import", p], 3, stderr_has="the 1 batch(es) before it are committed")

            # Export, then import into a second kgd: the same statements, in
            # kgd's JSON Lines and in N-Quads (format from the extension, or named).
            exported = os.path.join(tmp, "export.jsonl")
            r.expect(["export", "--out", exported], 0)
            quads = os.path.join(tmp, "export.rdf")
            r.expect(["export", "--to", "nquads", "--out", quads], 0)
            r.check("<urn:kgd:vocab:Evidence>" in open(quads).read(), "no evidence nodes in N-Quads")
            for path, extra in ((exported, []), (quads, ["--from", "nquads"])):
                with Kgd(args.kgd, args.kg, roles={"e2e": "admin"}) as second:
                    out = r.expect(["import", path] + extra, 0, addr=second.addr,
                                   token=second.tokens["e2e"])
                    a = r.kg_run("match", "--limit", "0", "--json")
                    b = r.kg_run("match", "--limit", "0", "--json", addr=second.addr,
                                 token=second.tokens["e2e"])

                    def triples(text):
                        rows = []
                        for l in text.splitlines():
                            s = json.loads(l)
                            rows.append((s["subject"], s["predicate"], json.dumps(s["object"]),
                                         len(s.get("evidence", []))))
                        return sorted(rows)
                    r.check(triples(a.stdout) == triples(b.stdout) and a.stdout,
                            "export round trip differs")

            # STIX 2.1: a bundle in by its extension, out with --to stix, and
            # back into an empty kgd with the same statements.
            apt1 = os.path.join(args.shared_data, "stix2", "cti-documentation", "apt1.json")
            bundle = json.load(open(apt1))
            relationships = {(o["source_ref"], o["relationship_type"], o["target_ref"])
                             for o in bundle["objects"] if o["type"] == "relationship"}
            # A report mentions every object it lists besides relationships.
            ids = {o["id"]: o["type"] for o in bundle["objects"]}
            mentions = {(o["id"], ref) for o in bundle["objects"] if o["type"] == "report"
                        for ref in o["object_refs"]
                        if ids.get(ref) not in (None, "relationship", "marking-definition")}
            stix_out = os.path.join(tmp, "apt1-export.json")
            with Kgd(args.kgd, args.kg, roles={"e2e": "admin"}) as third:
                out = r.expect(["import", apt1], 0, addr=third.addr, token=third.tokens["e2e"])
                r.check("%d statements created" % (len(relationships) + len(mentions))
                        in out.stdout,
                        "kg import apt1.json: %r" % out.stdout)
                r.expect(["export", "--to", "stix", "--out", stix_out], 0, addr=third.addr,
                         token=third.tokens["e2e"])
                a = r.kg_run("match", "--limit", "0", "--json", addr=third.addr,
                             token=third.tokens["e2e"])
            exported = json.load(open(stix_out))
            r.check(exported["type"] == "bundle" and len(exported["objects"]) > len(relationships),
                    "kg export --to stix wrote no bundle")
            with Kgd(args.kgd, args.kg, roles={"e2e": "admin"}) as fourth:
                r.expect(["import", stix_out, "--from", "stix"], 0, addr=fourth.addr,
                         token=fourth.tokens["e2e"])
                b = r.kg_run("match", "--limit", "0", "--json", addr=fourth.addr,
                             token=fourth.tokens["e2e"])
            r.check(triples(a.stdout) == triples(b.stdout) and a.stdout,
                    "STIX export round trip differs")

            # Event tables: GDELT mentions attach to the events imported
            # before them; an ACLED export synced twice retracts the row the
            # newer export dropped.
            gdelt = os.path.join(args.shared_data, "gdelt", "spark-gdelt")
            with Kgd(args.kgd, args.kg, roles={"e2e": "admin"}) as fifth:
                def kg5(*argv):
                    return r.expect(list(argv), 0, addr=fifth.addr, token=fifth.tokens["e2e"])
                kg5("import", os.path.join(gdelt, "events.csv"), "--mapping", "gdelt_events")
                with open(os.path.join(gdelt, "events.csv")) as f:
                    events = {l.split("\t")[0] for l in f if l.strip()}
                with open(os.path.join(gdelt, "mentions.csv")) as f:
                    outside = sum(1 for l in f if l.strip() and l.split("\t")[0] not in events)
                out = kg5("import", os.path.join(gdelt, "mentions.csv"), "--mapping",
                          "gdelt_mentions")
                r.check("%d unmapped item(s) skipped" % outside in out.stdout,
                        "kg import mentions: %r, want %d skipped" % (out.stdout, outside))
                header = ("event_id_cnty,event_date,year,time_precision,disorder_type,event_type,"
                          "sub_event_type,actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,"
                          "interaction,civilian_targeting,iso,region,country,admin1,admin2,admin3,"
                          "location,latitude,longitude,geo_precision,source,source_scale,notes,"
                          "fatalities,tags,timestamp\n")
                rows = ["SYR%d,2020-01-0%d,2020,1,Political violence,Battles,Armed clash,"
                        "Military Forces of Syria (2000-),,1,HTS,,2,12,,760,Middle East,Syria,"
                        "Idlib,Ariha,,Ariha,35.81,36.61,1,SOHR,National,notes,%d,,1600000000\n"
                        % (n, n, n) for n in (1, 2)]
                for name, body in (("older.csv", rows), ("newer.csv", rows[:1])):
                    with open(os.path.join(tmp, name), "w") as f:
                        f.write(header + "".join(body))
                kg5("import", os.path.join(tmp, "older.csv"), "--mapping", "acled", "--sync",
                    "acled/syria")
                out = kg5("import", os.path.join(tmp, "newer.csv"), "--mapping", "acled", "--sync",
                          "acled/syria")
                # SYR2's occurred_in, two roles, deaths and description.
                r.check("5 evidence retracted by the sync" in out.stdout,
                        "kg import --sync: %r" % out.stdout)

            auth_checks(r, kgd, tmp, write, evidence, air)

            # Backups go under --backup_dir, named relative to it.
            out = r.golden("backup", ["backup", "nightly/1", "--checkpoint"])
            backup = os.path.join(kgd.backup_dir, "nightly", "1")
            r.check(os.path.isdir(backup), "backup directory missing")
            r.check(json.loads(out.stdout).get("directory") == backup,
                    "backup wrote %r, want %r" % (out.stdout, backup))
            r.expect(["backup", "nightly/1", "--checkpoint"], 3)  # exists already
            r.expect(["backup", os.path.join(tmp, "elsewhere")], 3)
            r.expect(["backup", "../escape"], 3)
            # Repository backups: incremental, listed, pruned.
            for n in (1, 2, 3):
                out = r.expect(["backup", "repo", "--json"] + (["--keep", "2"] if n == 3 else []), 0)
                r.check(json.loads(out.stdout).get("id") == n, "backup id %r, want %d" % (out.stdout, n))
            out = r.expect(["backups", "repo", "--json"], 0)
            ids = [json.loads(l)["id"] for l in out.stdout.splitlines()]
            r.check(ids == [2, 3], "kg backups lists %r, want [2, 3]" % ids)
            out = r.expect(["backups", "repo"], 0)
            r.check(out.stdout.startswith("ID"), "kg backups table: %r" % out.stdout)
            r.expect(["backups", "no-such-repo"], 1)
            r.expect(["backup", "repo", "--keep", "-1"], 2)

            purge_checks(r, write, evidence, air, opposes)

        audit_checks(r)
        r.golden("stats_after", ["stats"])

    print("%d checks, %d failure(s)%s" % (r.checks, len(r.failures),
                                          " (goldens regenerated)" if REGENERATE else ""))
    return 1 if r.failures else 0


if __name__ == "__main__":
    sys.exit(main())
