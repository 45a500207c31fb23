#!/usr/bin/python3
"""End-to-end test of the Python and Node.js example clients against a real kgd.

Starts kgd (port 0, temp data dir, token auth), loads the demo graph with
`kg import` as an admin, and runs examples/python/client.py (stubs generated
into a temp dir with protoc and grpc_python_plugin) or examples/node/client.js
(after `npm install` into examples/node/node_modules), each with --json and a
reader's token in $KG_TOKEN; asserts on what they report: the entity found for
"nusra", the traversal from it, and an explained statement whose excerpts
quote the article. Without KG_TOKEN the client fails with UNAUTHENTICATED.

Usage: clients_test.py --lang python|node --kg KG --kgd KGD --root REPO
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kgd_fixture import Kgd, load_demo  # noqa: E402

GUARD_S = 300  # hang guard for npm install and the client runs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lang", choices=["python", "node"], required=True)
    parser.add_argument("--kg", required=True)
    parser.add_argument("--kgd", required=True)
    parser.add_argument("--root", required=True)
    args = parser.parse_args()
    article = open(os.path.join(args.root, "tools", "demo", "idlib-article.txt"),
                   encoding="utf-8").read()

    with tempfile.TemporaryDirectory() as stubs:
        if args.lang == "python":
            proto = os.path.join(args.root, "proto")
            subprocess.run(["protoc", "-I", proto, "--python_out", stubs, "--grpc_out", stubs,
                            "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
                            os.path.join(proto, "kg/v1/types.proto"),
                            os.path.join(proto, "kg/v1/kg.proto")], check=True, timeout=GUARD_S)
            client = ["/usr/bin/python3", os.path.join(args.root, "examples/python/client.py"),
                      "--stubs", stubs]
        else:
            node_dir = os.path.join(args.root, "examples", "node")
            if not os.path.isdir(os.path.join(node_dir, "node_modules", "@grpc", "grpc-js")):
                subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"],
                               cwd=node_dir, check=True, timeout=GUARD_S)
            client = ["node", os.path.join(node_dir, "client.js")]

        with Kgd(args.kgd, args.kg, roles={"e2e": "admin", "example": "reader"}) as kgd:
            load_demo(args.kg, kgd.addr, args.root, kgd.tokens["e2e"])
            failures = []
            no_token = {k: v for k, v in os.environ.items() if k != "KG_TOKEN"}
            reader = dict(no_token, KG_TOKEN=kgd.tokens["example"])

            def check(ok, what):
                if not ok:
                    failures.append(what)
                    print("FAIL", what)

            out = subprocess.run(client + ["--addr", kgd.addr, "--query", "nusra", "--json"],
                                 capture_output=True, text=True, timeout=GUARD_S, env=reader)
            print(out.stdout, end="")
            check(out.returncode == 0, "client exit %d: %s" % (out.returncode, out.stderr))
            if out.returncode == 0:
                summary = json.loads(out.stdout.strip().splitlines()[-1])
                check(summary["entity"]["id"] == "actor/nusra", "found %r" % summary["entity"])
                check("Nusra Front" in summary["entity"]["aliases"], "aliases")
                t = summary["traversal"]
                check(t["nodes"] >= 10 and "actor/nusra" in t["reached"]
                      and "inc/nusra-buildup" in t["reached"], "traversal %r" % t)
                e = summary.get("explain")
                check(e is not None and e["evidence"] >= 1, "explain %r" % e)
                if e:
                    check(e["subject"] == "actor/nusra" or e["object"] == "actor/nusra",
                          "explained a statement at actor/nusra: %r" % e)
                    check(all(x == "" or x in article for x in e["excerpts"]),
                          "excerpts quote the article: %r" % e["excerpts"])
                    check(0 < e["confidence"] <= 1, "confidence %r" % e["confidence"])

            # Nothing matches: exit 1; no token: exit 2 naming UNAUTHENTICATED;
            # kgd down: exit 2 with the address.
            out = subprocess.run(client + ["--addr", kgd.addr, "--query", "zzzz"],
                                 capture_output=True, text=True, timeout=GUARD_S, env=reader)
            check(out.returncode == 1, "no-match exit %d" % out.returncode)
            out = subprocess.run(client + ["--addr", kgd.addr], capture_output=True, text=True,
                                 timeout=GUARD_S, env=no_token)
            check(out.returncode == 2 and "UNAUTHENTICATED" in out.stderr,
                  "no token: exit %d, %r" % (out.returncode, out.stderr))
            addr = kgd.addr
        out = subprocess.run(client + ["--addr", addr, "--timeout", "5"], capture_output=True,
                             text=True, timeout=GUARD_S, env=reader)
        check(out.returncode == 2 and addr in out.stderr, "server down: exit %d, %r"
              % (out.returncode, out.stderr))
    print("%s client: %d failure(s)" % (args.lang, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
