#!/usr/bin/env node
// A kgd client in Node.js: loads proto/kg/v1 at run time with
// @grpc/proto-loader, searches an entity by name, traverses the graph from it,
// and explains a statement met on the way.
//
//   (cd examples/node && npm install)
//   node examples/node/client.js --addr 127.0.0.1:7400 [--query nusra] [--json]
//
// Authentication: when $KG_TOKEN is set, every call carries the metadata
// "authorization: Bearer $KG_TOKEN", as kgd --auth_tokens wants (any role
// will do: the client only reads; `kg token new NAME reader` makes a token).
// Plain call metadata works on the insecure channel too, where grpc-js's call
// credentials would refuse to send.
//
// Exit status: 0 on success, 1 when the query matches nothing, 2 on a gRPC
// error (UNAUTHENTICATED when kgd wants a token and KG_TOKEN is unset or not
// accepted) or bad flags.
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

function parseArgs(argv) {
  const args = {addr: process.env.KG_ADDR || '127.0.0.1:7400', query: 'nusra', depth: 2,
                timeout: 10, json: false};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') { args.json = true; continue; }
    const m = /^--(addr|query|depth|timeout)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unknown argument '${a}'`);
    const value = m[2] !== undefined ? m[2] : argv[++i];
    if (value === undefined) throw new Error(`--${m[1]} needs a value`);
    args[m[1]] = m[1] === 'depth' || m[1] === 'timeout' ? Number(value) : value;
  }
  return args;
}

function loadApi() {
  const protoDir = path.join(__dirname, '..', '..', 'proto');
  const def = protoLoader.loadSync(['kg/v1/kg.proto'], {
    keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
    includeDirs: [protoDir, '/usr/include'],
  });
  return grpc.loadPackageDefinition(def).kg.v1;
}

function callOptions(args) {
  const metadata = new grpc.Metadata();
  metadata.set('x-kg-principal', 'example:node');
  if (process.env.KG_TOKEN) metadata.set('authorization', `Bearer ${process.env.KG_TOKEN}`);
  return [metadata, {deadline: Date.now() + args.timeout * 1000}];
}

function unary(client, method, request, args) {
  return new Promise((resolve, reject) => {
    const [metadata, options] = callOptions(args);
    client[method](request, metadata, options, (err, resp) => (err ? reject(err) : resolve(resp)));
  });
}

function traverse(client, request, args) {
  return new Promise((resolve, reject) => {
    const [metadata, options] = callOptions(args);
    const steps = [];
    let truncated = false;
    const call = client.Traverse(request, metadata, options);
    call.on('data', (msg) => { steps.push(...msg.steps); truncated = truncated || msg.truncated; });
    call.on('error', reject);
    call.on('end', () => resolve({steps, truncated}));
  });
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`client.js: ${e.message}`);
    return 2;
  }
  const api = loadApi();
  const creds = grpc.credentials.createInsecure();
  const graph = new api.GraphService(args.addr, creds);
  const provenance = new api.ProvenanceService(args.addr, creds);
  const summary = {query: args.query};
  try {
    const found = await unary(graph, 'SearchEntities', {query: args.query, page_size: 10}, args);
    if (found.entities.length === 0) {
      console.log(`no entity matches '${args.query}'`);
      return 1;
    }
    const e = found.entities[0];
    summary.entity = {id: e.id, kind: e.kind, label: e.label, aliases: e.aliases};
    console.log(`found ${e.id} (${e.kind}): ${e.label}; also known as ${e.aliases.join(', ') || '-'}`);

    const {steps, truncated} = await traverse(
        graph, {seeds: [e.id], max_depth: args.depth, direction: 'BOTH'}, args);
    summary.traversal = {nodes: steps.length, truncated,
                         reached: steps.map((s) => s.node).sort()};
    console.log(`traversal (depth ${args.depth}, both directions): ${steps.length} nodes` +
                (truncated ? ', truncated' : ''));
    for (const s of steps.slice(0, 12)) {
      const via = s.via_statement !== '0' ?
          ` via ${s.via_predicate} #${s.via_statement} from ${s.from_node}` : '';
      console.log(`  ${s.depth}  ${s.node.padEnd(28)} ${s.label}${via}`);
    }

    const hop = steps.find((s) => s.via_statement !== '0');
    if (hop) {
      const ex = await unary(provenance, 'Explain', {statement_id: hop.via_statement}, args);
      const st = ex.statement;
      const object = st.object[st.object.kind];
      summary.explain = {
        statement_id: st.id, subject: st.subject, predicate: st.predicate, object,
        evidence: st.evidence.length,
        confidence: Math.round(st.corroboration.confidence * 1e4) / 1e4,
        disputed: ex.disputed, excerpts: st.evidence.map((v) => v.excerpt),
      };
      console.log(`statement ${st.id}: ${st.subject} ${st.predicate} ${object} — confidence ` +
                  `${st.corroboration.confidence.toFixed(2)}, ${st.evidence.length} evidence ` +
                  `record(s)${ex.disputed ? ', DISPUTED' : ''}`);
      for (const v of st.evidence) {
        const who = v.claimant || v.claimant_description || v.publisher;
        console.log(`  ${v.stance.toLowerCase()} ${who}: "${v.excerpt}" ` +
                    `[${v.span_begin}, ${v.span_end}) in ${v.document}`);
      }
    }
  } catch (err) {
    console.error(`kgd at ${args.addr}: ${grpc.status[err.code] || err.code}: ${err.details || err.message}`);
    return 2;
  } finally {
    graph.close();
    provenance.close();
  }
  if (args.json) console.log(JSON.stringify(summary));
  return 0;
}

main().then((code) => { process.exitCode = code; });
