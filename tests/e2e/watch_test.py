#!/usr/bin/python3
"""End-to-end test of the change feed through `kg watch` and the Python example.

Against a real kgd (port 0, temp data dir, token auth) with the demo graph:
`kg watch --from-start --limit N --json` prints the first changes; a `kg watch`
killed with SIGKILL after some changes and resumed with --from the last token
it printed gives the rest, no gap and no duplicate; a bad token exits 3 naming
--from's field. Then, against a fresh kgd, examples/python/import_and_watch.py
imports the demo graph's N-Quads export through Import and follows Watch until
it has seen every statement and evidence record the import reports.

Usage: watch_test.py --kg KG --kgd KGD --root REPO
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kgd_fixture import Kgd, load_demo  # noqa: E402

GUARD_S = 120  # hang guard for each run


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kg", required=True)
    parser.add_argument("--kgd", required=True)
    parser.add_argument("--root", required=True)
    args = parser.parse_args()
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)
            print("FAIL", what)

    with tempfile.TemporaryDirectory() as tmp:
        nquads = os.path.join(tmp, "demo.nq")
        with Kgd(args.kgd, args.kg, roles={"e2e": "admin", "watcher": "reader"}) as kgd:
            load_demo(args.kg, kgd.addr, args.root, kgd.tokens["e2e"])

            def kg(*words, principal="watcher"):
                return subprocess.run([args.kg, "--addr", kgd.addr, "--token",
                                       kgd.tokens[principal], *words],
                                      capture_output=True, text=True, timeout=GUARD_S)

            first = kg("watch", "--from-start", "--limit", "12", "--json")
            check(first.returncode == 0, "watch exit %d: %s" % (first.returncode, first.stderr))
            events = [json.loads(line) for line in first.stdout.splitlines()]
            check(len(events) == 12, "12 events, got %d" % len(events))
            check(all(e["change"]["principal"] == "e2e" for e in events), "principal e2e")
            check(events and events[0]["change"]["type"] == "ENTITY_UPSERTED",
                  "the demo starts with entities: %r" % events[:1])

            # A watcher killed mid-stream, resumed from the last line it printed.
            killed = subprocess.Popen([args.kg, "--addr", kgd.addr, "--token",
                                       kgd.tokens["watcher"], "watch", "--from-start", "--json"],
                                      stdout=subprocess.PIPE, text=True)
            got = [json.loads(killed.stdout.readline()) for _ in range(5)]
            killed.send_signal(signal.SIGKILL)
            killed.wait(GUARD_S)
            rest = kg("watch", "--from", got[-1]["resumeToken"], "--limit", "7", "--json")
            check(rest.returncode == 0, "resume exit %d: %s" % (rest.returncode, rest.stderr))
            got += [json.loads(line) for line in rest.stdout.splitlines()]
            check([e["resumeToken"] for e in got] == [e["resumeToken"] for e in events],
                  "killed + resumed = one watch")

            bad = kg("watch", "--from", "not-a-token")
            check(bad.returncode == 3 and "from: " in bad.stderr,
                  "bad token: exit %d, %r" % (bad.returncode, bad.stderr))
            table = kg("watch", "--from-start", "--limit", "1")
            check(table.returncode == 0 and "entity_upserted" in table.stdout
                  and events[0]["resumeToken"] in table.stdout, "table line %r" % table.stdout)

            export = kg("export", "--to", "nquads", "--out", nquads, principal="e2e")
            check(export.returncode == 0, "export exit %d: %s" % (export.returncode, export.stderr))

        with Kgd(args.kgd, args.kg, roles={"example": "writer"}) as kgd:
            stubs = os.path.join(tmp, "stubs")
            os.mkdir(stubs)
            proto = os.path.join(args.root, "proto")
            subprocess.run(["protoc", "-I", proto, "--python_out", stubs, "--grpc_out", stubs,
                            "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
                            os.path.join(proto, "kg/v1/types.proto"),
                            os.path.join(proto, "kg/v1/kg.proto")], check=True, timeout=GUARD_S)
            env = dict(os.environ, KG_TOKEN=kgd.tokens["example"])
            out = subprocess.run(["/usr/bin/python3",
                                  os.path.join(args.root, "examples/python/import_and_watch.py"),
                                  "--addr", kgd.addr, "--file", nquads, "--stubs", stubs,
                                  "--json"],
                                 capture_output=True, text=True, timeout=GUARD_S, env=env)
            print(out.stdout, end="")
            check(out.returncode == 0, "example exit %d: %s" % (out.returncode, out.stderr))
            if out.returncode == 0:
                summary = json.loads(out.stdout.strip().splitlines()[-1])
                imported, watched = summary["imported"], summary["watched"]
                check(imported["statements"] > 0, "imported %r" % imported)
                check(watched.get("STATEMENT_CREATED") == imported["statements"]
                      and watched.get("EVIDENCE_ADDED") == imported["evidence"],
                      "watched %r of %r" % (watched, imported))
                check(watched.get("ENTITY_UPSERTED", 0) <= imported["entities"],
                      "entities watched %r of %r" % (watched, imported))

    print("watch: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
