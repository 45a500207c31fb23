#!/usr/bin/python3
"""Imports an N-Quads file through kgd's Import and follows the change feed.

Opens GraphService.Watch first (from now: kgd says where "now" is in the
response headers, before any change), streams the file to
IngestService.Import in 64 KiB chunks, then reads the feed until it has seen
every statement and evidence record the import reports, and prints what it
saw: counts per change type and the last resume token, after which
`kg watch --from TOKEN` continues exactly.

    /usr/bin/python3 examples/python/import_and_watch.py --addr 127.0.0.1:7400 \
        --file graph.nq [--json]

Stubs: as examples/python/client.py (--stubs DIR, or generated into a
temporary directory with protoc and Debian's grpc_python_plugin).
Authentication: $KG_TOKEN as a bearer token; Import needs the writer role.

Exit status: 0 on success, 2 on a gRPC error (the code and message on stderr).
"""
import argparse
import collections
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from client import call_metadata, load_stubs  # noqa: E402

CHUNK_BYTES = 64 << 10


def chunks(kg_pb2, path, source):
    """The ImportChunks of `path`: the options, then its bytes."""
    yield kg_pb2.ImportChunk(options=kg_pb2.ImportOptions(format="nquads", source=source))
    with open(path, "rb") as f:
        while True:
            data = f.read(CHUNK_BYTES)
            if not data:
                return
            yield kg_pb2.ImportChunk(data=data)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--addr", default=os.environ.get("KG_ADDR", "127.0.0.1:7400"))
    parser.add_argument("--file", required=True, help="the N-Quads file to import")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds for the import, and for the feed to show it")
    parser.add_argument("--stubs", help="directory with generated kg/v1 stubs")
    parser.add_argument("--json", action="store_true", help="print a JSON summary at the end")
    args = parser.parse_args()

    generated = load_stubs(args.stubs)
    import grpc
    from kg.v1 import kg_pb2, kg_pb2_grpc

    channel = grpc.insecure_channel(args.addr)
    metadata = call_metadata()
    graph = kg_pb2_grpc.GraphServiceStub(channel)
    ingest = kg_pb2_grpc.IngestServiceStub(channel)
    watch = graph.Watch(kg_pb2.WatchRequest(), timeout=args.timeout, metadata=metadata)
    try:
        # Where the watch starts; every change after it is ours to see.
        start = dict(watch.initial_metadata()).get("kg-watch-from")
        imported = ingest.Import(chunks(kg_pb2, args.file, os.path.basename(args.file)),
                                 timeout=args.timeout, metadata=metadata)
        counts = imported.counts
        want = {"STATEMENT_CREATED": counts.statements_created,
                "EVIDENCE_ADDED": counts.evidence_added}
        seen = collections.Counter()
        last_token = start

        def done():
            return all(seen[t] >= n for t, n in want.items())

        while not done():
            event = next(watch)
            seen[kg_pb2.HistoryEvent.Type.Name(event.change.type)] += 1
            last_token = event.resume_token
    except grpc.RpcError as e:
        print("kgd: %s: %s" % (e.code().name, e.details()), file=sys.stderr)
        return 2
    finally:
        watch.cancel()
        channel.close()
        if generated is not None:
            generated.cleanup()

    summary = {"imported": {"lines": imported.lines_read, "bytes": imported.bytes_read,
                            "entities": counts.entities_written,
                            "statements": counts.statements_created,
                            "evidence": counts.evidence_added},
               "watched": dict(seen), "from": start, "resume_token": last_token}
    print("imported %d statements with %d evidence records from %s"
          % (counts.statements_created, counts.evidence_added, args.file))
    for kind, n in sorted(seen.items()):
        print("  watched %-20s %d" % (kind.lower(), n))
    print("  continue with --from %s" % last_token)
    if args.json:
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
