#!/usr/bin/python3
"""End-to-end test of the kg CLI against a real kgd loaded with the demo graph.

Starts kgd (port 0, temp data dir), loads tools/demo/idlib.jsonl with
`kg import`, runs every subcommand, and compares its --json output with the
golden files in tests/e2e/golden/<case>.jsonl. Also checks exit codes (not
found 1, usage 2, rejected 3, server down 4), bad flags, a server that is down
(bounded by --timeout, never a hang), DOT output rendering with graphviz, and
an export / re-import round trip.

Normalisation (so goldens hold across runs): each output line is parsed as JSON
and re-dumped with sorted keys; the values of transaction times and other
volatile fields (VOLATILE below: ingestedAt, committedAt, updatedAt,
retractedAt, at, diskBytes, bytes, directory) become "<volatile>". Statement
ids (assigned in import order) and evidence ids (content digests) are stable
and kept.

Usage: cli_test.py --kg KG --kgd KGD --root REPO   (REGENERATE=1 rewrites the goldens)
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kgd_fixture import Kgd, load_demo  # noqa: E402

VOLATILE = {"ingestedAt", "committedAt", "updatedAt", "retractedAt", "at", "diskBytes", "bytes",
            "directory"}
REGENERATE = os.environ.get("REGENERATE") == "1"
CALL_GUARD_S = 60  # a hang guard for each kg run, far above any --timeout used here


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

    def kg_run(self, *argv, addr=None, stdin=None, timeout_flag=True):
        cmd = [self.kg, "--addr", addr or self.addr, "--principal", "e2e"]
        if timeout_flag:
            cmd += ["--timeout", "20"]
        cmd += list(argv)
        return subprocess.run(cmd, capture_output=True, text=True, input=stdin,
                              timeout=CALL_GUARD_S)

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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kg", required=True)
    parser.add_argument("--kgd", required=True)
    parser.add_argument("--root", required=True)
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

    with Kgd(args.kgd) as kgd:
        r.addr = kgd.addr
        imported = json.loads(load_demo(args.kg, kgd.addr, args.root))
        r.check(imported.get("messagesApplied") == "13", "import applied %r" % imported)
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

            # Import errors name the line; earlier lines stay applied.
            lines = open(os.path.join(args.root, "tools", "demo", "idlib.jsonl")).readlines()
            p = write("bad.jsonl", {})
            with open(p, "w") as f:
                f.write(lines[0] + "{oops\n")
            r.expect(["import", p], 3, stderr_has="bad.jsonl:2:")
            with open(p, "w") as f:
                f.write(lines[0] + "\n" + json.dumps({"statements": [
                    {"subject": "loc/idlib", "predicate": "supplies",
                     "object": {"entity": "actor/nusra"}, "evidence": [evidence]}]}) + "\n")
            r.expect(["import", p], 3, stderr_has="bad.jsonl:3:")

            # Export, then import into a second kgd: the same statements.
            exported = os.path.join(tmp, "export.jsonl")
            r.expect(["export", "--out", exported], 0)
            with Kgd(args.kgd) as second:
                out = r.expect(["import", exported], 0, addr=second.addr)
                a = r.kg_run("match", "--limit", "0", "--json")
                b = r.kg_run("match", "--limit", "0", "--json", addr=second.addr)

                def triples(text):
                    rows = []
                    for l in text.splitlines():
                        s = json.loads(l)
                        rows.append((s["subject"], s["predicate"], json.dumps(s["object"]),
                                     len(s.get("evidence", []))))
                    return sorted(rows)
                r.check(triples(a.stdout) == triples(b.stdout) and a.stdout,
                        "export round trip differs")

            backup = os.path.join(tmp, "backup")
            r.golden("backup", ["backup", backup])
            r.check(os.path.isdir(backup), "backup directory missing")
            r.expect(["backup", backup], 3)  # exists already

        r.golden("stats_after", ["stats"])

    print("%d checks, %d failure(s)%s" % (r.checks, len(r.failures),
                                          " (goldens regenerated)" if REGENERATE else ""))
    return 1 if r.failures else 0


if __name__ == "__main__":
    sys.exit(main())
