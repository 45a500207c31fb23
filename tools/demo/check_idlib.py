#!/usr/bin/python3
"""Checks the demo graph tools/demo/idlib.jsonl.

1. Every evidence excerpt that quotes the article is exactly the article's text
   at its span: text[spanBegin:spanEnd] == excerpt, in Unicode code points.
2. Every entity kind and every statement fits storage/default_schema.txt:
   known kinds, known predicates, subject in the domain, object in the range.
3. Every referenced entity (subject, object, document, publisher, claimant) is
   defined, and the file is what make_idlib.py generates today.

Usage: check_idlib.py [REPO_ROOT]   Exit 0 when all hold; prints each failure.
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = sys.argv[1] if len(sys.argv) > 1 else os.path.normpath(os.path.join(HERE, "..", ".."))
DEMO = os.path.join(ROOT, "tools", "demo")
LITERALS = {"string", "integer", "decimal", "date", "boolean"}


def load_schema(path):
    parent, preds = {}, {}
    for raw in open(path, encoding="utf-8"):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        words = line.split()
        if words[0] == "kind":
            parent[words[1]] = words[3] if len(words) > 3 else None
        elif words[0] == "predicate":
            name, rest = line[len("predicate "):].split(":", 1)
            domain, rng = rest.split("->")
            rng_words = rng.split()
            flags = {w for w in rng_words if w in ("functional", "same_base", "acyclic")}
            rng = " ".join(w for w in rng_words if w not in flags)
            preds[name.strip()] = ([d.strip() for d in domain.split("|")],
                                   [r.strip() for r in rng.split("|")])
    return parent, preds


def is_kind_of(parent, kind, ancestor):
    if ancestor == "Any":
        return kind in parent
    seen = 0
    while kind is not None and seen < 100:  # bounded: hierarchies are shallow
        if kind == ancestor:
            return True
        kind = parent.get(kind)
        seen += 1
    return False


def main():
    article = open(os.path.join(DEMO, "idlib-article.txt"), encoding="utf-8").read()
    parent, preds = load_schema(os.path.join(ROOT, "storage", "default_schema.txt"))
    failures = []
    kinds = {}
    statements = []
    with open(os.path.join(DEMO, "idlib.jsonl"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            msg = json.loads(line)
            for e in msg.get("entities", []):
                if e["kind"] not in parent:
                    failures.append("line %d: entity %s: unknown kind %s" % (n, e["id"], e["kind"]))
                if e["id"] in kinds:
                    failures.append("line %d: entity %s defined twice" % (n, e["id"]))
                kinds[e["id"]] = e["kind"]
            statements += [(n, s) for s in msg.get("statements", [])]
    spans = 0
    for n, s in statements:
        where = "line %d: %s %s" % (n, s["subject"], s["predicate"])
        if s["predicate"] not in preds:
            failures.append("%s: unknown predicate" % where)
            continue
        domain, rng = preds[s["predicate"]]
        skind = kinds.get(s["subject"])
        if skind is None:
            failures.append("%s: subject not defined" % where)
        elif not any(is_kind_of(parent, skind, d) for d in domain):
            failures.append("%s: subject kind %s not in domain %s" % (where, skind, domain))
        obj = s["object"]
        if "entity" in obj:
            okind = kinds.get(obj["entity"])
            if okind is None:
                failures.append("%s: object %s not defined" % (where, obj["entity"]))
            elif not any(is_kind_of(parent, okind, r) for r in rng if r not in LITERALS):
                failures.append("%s: object kind %s not in range %s" % (where, okind, rng))
        else:
            (typ,) = obj.keys()
            if typ not in rng:
                failures.append("%s: literal %s not in range %s" % (where, typ, rng))
        if not s.get("evidence"):
            failures.append("%s: no evidence" % where)
        for ev in s.get("evidence", []):
            for field in ("document", "publisher", "claimant"):
                if ev.get(field) and ev[field] not in kinds:
                    failures.append("%s: %s %s not defined" % (where, field, ev[field]))
            if "excerpt" in ev:
                b, e = ev.get("spanBegin"), ev.get("spanEnd")
                if b is None or e is None or article[b:e] != ev["excerpt"]:
                    failures.append("%s: span [%s, %s) is %r, not the excerpt %r"
                                    % (where, b, e, article[b:e] if b is not None else None,
                                       ev["excerpt"]))
                spans += 1
    with tempfile.TemporaryDirectory() as tmp:
        fresh = os.path.join(tmp, "idlib.jsonl")
        subprocess.run([sys.executable, os.path.join(DEMO, "make_idlib.py"), fresh], check=True,
                       stderr=subprocess.DEVNULL)
        if open(fresh, encoding="utf-8").read() != open(os.path.join(DEMO, "idlib.jsonl"),
                                                        encoding="utf-8").read():
            failures.append("idlib.jsonl differs from what make_idlib.py generates; rerun it")
    for f in failures:
        print("FAIL", f)
    print("%d entities, %d statements, %d excerpt spans checked, %d failure(s)"
          % (len(kinds), len(statements), spans, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
