#!/usr/bin/python3
"""A kgd client in Python, through stubs generated from proto/.

Searches an entity by name, traverses the graph from it, and explains a
statement met on the way: its evidence, who claimed it, and the quoted text.

    /usr/bin/python3 examples/python/client.py --addr 127.0.0.1:7400 [--query nusra] [--json]

Stubs: with --stubs DIR the generated kg/v1/*_pb2*.py are imported from DIR;
without it they are generated into a temporary directory with the system
protoc and Debian's grpc_python_plugin (packages protobuf-compiler and
python3-grpc-tools / python3-grpcio):

    protoc -I proto --python_out=DIR --grpc_out=DIR \
        --plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin kg/v1/types.proto kg/v1/kg.proto

Authentication: when $KG_TOKEN is set, every call carries the metadata
"authorization: Bearer $KG_TOKEN", as kgd --auth_tokens wants (any role will
do: the client only reads; `kg token new NAME reader` makes a token). Plain
call metadata works on the insecure channel too, where gRPC's call
credentials would refuse to send.

Exit status: 0 on success, 1 when the query matches nothing, 2 on a gRPC error
(UNAUTHENTICATED when kgd wants a token and KG_TOKEN is unset or not accepted).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def generate_stubs(out_dir):
    proto_dir = os.path.join(REPO, "proto")
    subprocess.run(
        ["protoc", "-I", proto_dir, "--python_out", out_dir, "--grpc_out", out_dir,
         "--plugin=protoc-gen-grpc=/usr/bin/grpc_python_plugin",
         os.path.join(proto_dir, "kg/v1/types.proto"), os.path.join(proto_dir, "kg/v1/kg.proto")],
        check=True)


def load_stubs(stubs_dir):
    """Makes the kg.v1 stubs importable: from `stubs_dir`, else generated into
    a temporary directory, which is returned (it lives as long as the result)."""
    tmp = None
    if not stubs_dir:
        tmp = tempfile.TemporaryDirectory()
        stubs_dir = tmp.name
        generate_stubs(stubs_dir)
    sys.path.insert(0, stubs_dir)
    return tmp


def call_metadata():
    """Every call's metadata: the example's name, and $KG_TOKEN as a bearer token."""
    metadata = [("x-kg-principal", "example:python")]
    token = os.environ.get("KG_TOKEN")
    if token:
        metadata.append(("authorization", "Bearer " + token))
    return metadata


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--addr", default=os.environ.get("KG_ADDR", "127.0.0.1:7400"))
    parser.add_argument("--query", default="nusra", help="name prefix to search")
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per call")
    parser.add_argument("--stubs", help="directory with generated kg/v1 stubs")
    parser.add_argument("--json", action="store_true", help="print a JSON summary at the end")
    args = parser.parse_args()

    generated = load_stubs(args.stubs)
    import grpc
    from kg.v1 import kg_pb2, kg_pb2_grpc, types_pb2

    channel = grpc.insecure_channel(args.addr)
    metadata = call_metadata()
    graph = kg_pb2_grpc.GraphServiceStub(channel)
    provenance = kg_pb2_grpc.ProvenanceServiceStub(channel)
    summary = {"query": args.query}
    try:
        found = graph.SearchEntities(kg_pb2.SearchEntitiesRequest(query=args.query, page_size=10),
                                     timeout=args.timeout, metadata=metadata)
        if not found.entities:
            print("no entity matches %r" % args.query)
            return 1
        entity = found.entities[0]
        summary["entity"] = {"id": entity.id, "kind": entity.kind, "label": entity.label,
                             "aliases": list(entity.aliases)}
        print("found %s (%s): %s; also known as %s"
              % (entity.id, entity.kind, entity.label, ", ".join(entity.aliases) or "-"))

        steps, truncated = [], False
        request = kg_pb2.TraverseRequest(seeds=[entity.id], max_depth=args.depth,
                                         direction=kg_pb2.BOTH)
        for msg in graph.Traverse(request, timeout=args.timeout, metadata=metadata):
            steps.extend(msg.steps)
            truncated = truncated or msg.truncated
        summary["traversal"] = {"nodes": len(steps), "truncated": truncated,
                                "reached": sorted(s.node for s in steps)}
        print("traversal (depth %d, both directions): %d nodes%s"
              % (args.depth, len(steps), ", truncated" if truncated else ""))
        for s in steps[:12]:
            via = " via %s #%d from %s" % (s.via_predicate, s.via_statement, s.from_node) \
                if s.via_statement else ""
            print("  %d  %-28s %s%s" % (s.depth, s.node, s.label, via))

        first_hop = next((s for s in steps if s.via_statement), None)
        if first_hop is not None:
            explained = provenance.Explain(
                kg_pb2.ExplainRequest(statement_id=first_hop.via_statement),
                timeout=args.timeout, metadata=metadata)
            st = explained.statement
            obj = st.object.WhichOneof("kind")
            summary["explain"] = {
                "statement_id": st.id, "subject": st.subject, "predicate": st.predicate,
                "object": getattr(st.object, obj) if obj else None,
                "evidence": len(st.evidence),
                "confidence": round(st.corroboration.confidence, 4),
                "disputed": explained.disputed,
                "excerpts": [e.excerpt for e in st.evidence]}
            print("statement %d: %s %s %s — confidence %.2f, %d evidence record(s)%s"
                  % (st.id, st.subject, st.predicate, summary["explain"]["object"],
                     st.corroboration.confidence, len(st.evidence),
                     ", DISPUTED" if explained.disputed else ""))
            for e in st.evidence:
                who = e.claimant or e.claimant_description or e.publisher
                print("  %s %s: \"%s\" [%d, %d) in %s"
                      % (types_pb2.Stance.Name(e.stance).lower(), who, e.excerpt, e.span_begin,
                         e.span_end, e.document))
    except grpc.RpcError as err:
        print("kgd at %s: %s: %s" % (args.addr, err.code().name, err.details()), file=sys.stderr)
        return 2
    finally:
        channel.close()
        if generated is not None:
            generated.cleanup()
    if args.json:
        print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
