// Writes the seed corpora of the fuzz targets, so that no opaque binary is
// checked in: typical requests of the tests serialized with their kind byte,
// page tokens and codec keys and records from the encoders, and the lines of
// a JSON Lines file plus the write requests as JSON.
//
// Usage: make_corpus OUT_DIR IMPORT_JSONL
// Creates OUT_DIR/<target>/ for every target (fuzz/inputs.h gives the
// layouts).

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "fuzz/inputs.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "kg/v1/kg.pb.h"
#include "storage/change_feed.h"
#include "storage/codec.h"
#include "storage/page_token.h"
#include "storage/schema.h"

namespace kg::fuzz {
namespace {

namespace fs = std::filesystem;

// Requests as the tests send them, in protobuf text format.
const std::vector<std::pair<RequestKind, std::string_view>>& Requests() {
  static const auto* requests = new std::vector<std::pair<RequestKind, std::string_view>>{
      {kUpsertEntities,
       R"pb(entities {
              id: "actor/turkey"
              kind: "State"
              label: "Turkey"
              aliases: "Ankara"
              attributes {
                key: "founded"
                value { date: "1923-10-29" }
              }
              external_ids { key: "wikidata" value: "Q43" }
            }
            entities {
              id: "loc/idlib"
              kind: "Region"
              label: "Idlib"
              latitude: 35.9
              longitude: 36.6
            })pb"},
      {kAssert,
       R"pb(entities { id: "doc/1" kind: "Document" label: "Report" }
            statements {
              subject: "actor/turkey"
              predicate: "supplies"
              object { entity: "group/nlf" }
              valid_from: "2019-05"
              evidence {
                document: "doc/1"
                publisher: "outlet/reuters"
                excerpt: "Ankara has sent fresh supplies"
                span_begin: 0
                span_end: 30
                stance: CLAIMS
                confidence: 0.8
                reliability: "B"
                credibility: 2
                reported_on: "2019-05-11"
              }
            })pb"},
      {kAssert,
       R"pb(statements {
              subject: "inc/strike-1"
              predicate: "deaths"
              object { integer: -12 }
              evidence { document: "doc/1" claimant_description: "activists" stance: DENIES }
            })pb"},
      {kIngestDocument,
       R"pb(document {
              id: "doc/2"
              kind: "Document"
              attributes {
                key: "date"
                value { date: "2019-05" }
              }
            }
            statements {
              subject: "inc/strike-1"
              predicate: "description"
              object { string: "air attacks" }
              evidence { excerpt: "air attacks" }
            })pb"},
      {kRetract, R"pb(statement_id: 3 evidence_id: "abc" reason: "wrong")pb"},
      {kMerge, R"pb(from: "actor/ankara" into: "actor/turkey")pb"},
      {kSplit, R"pb(entity: "actor/ankara")pb"},
      {kPurge, R"pb(document: "doc/1" reason: "takedown")pb"},
      {kPurge, R"pb(evidence { statement_id: 2 evidence_id: "e1" }
                    reason: "error")pb"},
      {kGetEntity, R"pb(id: "actor/turkey"
                        filter { as_of: 5 })pb"},
      {kSearchEntities, R"pb(query: "tur" kinds: "Actor" page_size: 10 page_token: "AgAA")pb"},
      {kMatchStatements,
       R"pb(subject: "actor/turkey"
            predicate: "supplies"
            object { entity: "group/nlf" }
            filter {
              min_confidence: 0.5
              min_sources: 1
              publishers_allow: "outlet/reuters"
              min_reliability: "C"
              max_credibility: 3
              valid_from: "2019"
              valid_to: "2020-02-29"
            }
            page_size: 50)pb"},
      {kNeighbors,
       R"pb(id: "actor/turkey" direction: OUT predicates: "supplies" kinds: "ArmedGroup")pb"},
      {kTraverse,
       R"pb(seeds: "actor/turkey"
            max_depth: 3
            direction: BOTH
            predicates_deny: "opposes"
            max_nodes: 100
            max_edges: 1000)pb"},
      {kFindPaths, R"pb(from: "actor/russia" to: "loc/idlib" max_depth: 4 k: 3)pb"},
      {kSubgraph, R"pb(seeds: "loc/idlib" seeds: "actor/turkey" max_depth: 2 kinds: "Actor")pb"},
      {kTimeline,
       R"pb(actor: "actor/russia" place: "loc/idlib" date_from: "2019-04" date_to: "2019-06")pb"},
      {kExplain, R"pb(statement_id: 7
                      filter { publishers_deny: "outlet/tass" })pb"},
      {kListClaims, R"pb(publisher: "outlet/tass" date_from: "2019" page_size: 20)pb"},
      {kListClaims, R"pb(claimant: "activists")pb"},
      {kListDisputes, R"pb(entity: "inc/strike-1" page_size: 5)pb"},
      {kHistory, R"pb(statement_id: 7
                      filter { as_of: 100 })pb"},
      {kHistory, R"pb(entity: "actor/turkey")pb"},
      {kGetStats, R"pb(filter { as_of: 1 })pb"},
      {kBackup, R"pb(directory: "nightly")pb"},
      {kWhoAmI, ""},
      {kListAudit,
       R"pb(principal: "alice" rpc: "kg.v1.IngestService/Assert" code: 3 from: 1 to: 9)pb"},
  };
  return *requests;
}

class Writer {
 public:
  // Files are named `prefix`0, `prefix`1, ...
  Writer(fs::path dir, std::string prefix) : dir_(std::move(dir)), prefix_(std::move(prefix)) {
    fs::create_directories(dir_);
  }

  void Add(std::string_view bytes) {
    std::ofstream out(dir_ / (prefix_ + std::to_string(next_++)), std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
      std::cerr << "make_corpus: cannot write in " << dir_ << "\n";
      std::exit(1);
    }
  }

 private:
  fs::path dir_;
  std::string prefix_;
  int next_ = 0;
};

std::unique_ptr<google::protobuf::Message> Parse(RequestKind kind, std::string_view text) {
  std::unique_ptr<google::protobuf::Message> m(RequestPrototype(kind).New());
  if (!google::protobuf::TextFormat::ParseFromString(std::string(text), m.get())) {
    std::cerr << "make_corpus: bad seed of kind " << int{kind} << ": " << text << "\n";
    std::exit(1);
  }
  return m;
}

void WriteRequests(const fs::path& out) {
  Writer requests(out / "fuzz_requests", "request-");
  Writer jsonl(out / "fuzz_import", "assert-");
  for (const auto& [kind, text] : Requests()) {
    std::unique_ptr<google::protobuf::Message> m = Parse(kind, text);
    requests.Add(std::string(1, static_cast<char>(kind)) + m->SerializeAsString());
    if (kind == kAssert) {
      std::string json;
      if (!google::protobuf::util::MessageToJsonString(*m, &json).ok()) std::exit(1);
      jsonl.Add(std::string(2, '\0') + json);  // jsonl, one chunk
    }
  }
}

void WriteLines(const fs::path& out, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "make_corpus: cannot read " << path << "\n";
    std::exit(1);
  }
  Writer jsonl(out / "fuzz_import", "line-");
  std::vector<v1::AssertRequest> lines;
  std::string line;
  while (std::getline(in, line)) {
    jsonl.Add(std::string(2, '\0') + line);
    if (!google::protobuf::util::JsonStringToMessage(line, &lines.emplace_back()).ok()) {
      std::exit(1);
    }
  }
  // The same graph as N-Triples and N-Quads, a few dozen lines per seed.
  for (interop::Format format : {interop::Format::kNTriples, interop::Format::kNQuads}) {
    interop::ExportOptions options;
    options.format = format;
    auto exporter = interop::Exporter::New(options, Schema::Default()).value();
    for (const v1::AssertRequest& request : lines) {
      for (const v1::Entity& e : request.entities()) exporter->AddEntity(e);
      for (const v1::Statement& s : request.statements()) exporter->AddStatement(s);
    }
    exporter->Finish();
    const char selector = format == interop::Format::kNTriples ? '\x01' : '\x02';
    Writer rdf(out / "fuzz_import", format == interop::Format::kNTriples ? "nt-" : "nq-");
    std::istringstream text(exporter->Take());
    std::string seed = {selector, '\x7f'};
    int n = 0;
    while (std::getline(text, line)) {
      seed += line + "\n";
      if (++n % 40 == 0) {
        rdf.Add(seed);
        seed = {selector, '\x7f'};
      }
    }
    rdf.Add(seed);
  }
  // And as one STIX 2.1 bundle: a bundle is read whole, not by lines.
  interop::ExportOptions options;
  options.format = interop::Format::kStix;
  auto exporter = interop::Exporter::New(options, Schema::Default()).value();
  for (const v1::AssertRequest& request : lines) {
    for (const v1::Entity& e : request.entities()) exporter->AddEntity(e);
    for (const v1::Statement& s : request.statements()) exporter->AddStatement(s);
  }
  exporter->Finish();
  Writer stix(out / "fuzz_import", "stix-");
  stix.Add(std::string{'\x03', '\x7f'} + exporter->Take());
}

void WritePageTokens(const fs::path& out) {
  Writer w(out / "fuzz_page_token", "token-");
  const PageListing listing = TokenListing();
  const std::vector<std::vector<std::string>> fields = {{}, {"12"}, {"k\x01y", ""}, {"", "", "9"}};
  for (const auto& f : fields) {
    const auto n = static_cast<uint8_t>(f.size());
    w.Add(std::string(1, static_cast<char>(n)) + EncodePageToken(listing, 42, f));
    std::string payload;
    codec::PutFixed64(&payload, 42);
    for (const std::string& s : f) codec::PutString(&payload, s);
    w.Add(std::string(1, static_cast<char>(n | kTokenPayloadOnly)) + payload);
  }
}

void WriteCodec(const fs::path& out) {
  Writer w(out / "fuzz_codec", "codec-");
  auto add = [&](CodecInput input, const std::string& bytes) {
    w.Add(std::string(1, static_cast<char>(input)) + bytes);
  };
  using namespace codec;  // NOLINT(build/namespaces): every encoder below is the codec's
  add(kTerm, EntityTerm("actor/turkey"));
  add(kTerm, ValueTerm(Value{ValueType::kInteger, "-12"}));
  add(kTerm, PredicateTerm("supplies"));
  add(kEntityKey, EntityKey(7, 1234));
  for (uint8_t order = 0; order < 3; ++order) {
    add(kIndexKey, std::string(1, static_cast<char>(order)) +
                       IndexKey(static_cast<IndexOrder>(order), {1, 2, 3}, 4));
  }
  const std::string digest(kDigestSize, '\x5a');
  const std::string prefix = ProvPrefix(ProvRole::kPublisher, "");
  add(kProvKeyTail, ProvKey(ProvRole::kPublisher, "", "2019-05", 9, digest).substr(prefix.size()));
  add(kProvKeyTail, ProvKey(ProvRole::kPublisher, "", "", 9, digest).substr(prefix.size()));
  add(kAliasKey, AliasKey("turkey", 7));
  add(kLogKey, LogKey('S', 9, 1234, 2));
  add(kAuditKey, AuditKey(1234));
  add(kFeedKey, FeedKey({.tx = 1234, .seq = 2}));
  add(kChangeToken, EncodeChangeToken({.tx = 1234, .seq = 2}));

  EntityRecord entity;
  entity.entity.id = "actor/turkey";
  entity.entity.kind = "State";
  entity.entity.label = "Turkey";
  entity.entity.aliases = {"Ankara"};
  entity.entity.attributes["founded"] = Value{ValueType::kDate, "1923"};
  entity.entity.external_ids["wikidata"] = "Q43";
  entity.entity.latitude = 39.9;
  entity.merged.push_back({.from = "actor/ankara", .names = {"Ankara"}});
  add(kEntityRecord, EncodeEntity(entity));

  StatementRecord statement;
  statement.original = {1, 2, 3};
  statement.valid_from = "2019-05";
  statement.positions = {{.from = 1, .s = 1, .o = 3}, {.from = 5, .s = 8, .o = 3}};
  add(kStatementRecord, EncodeStatement(statement));

  IndexValue index;
  index.live_evidence = 2;
  index.independent_sources = 1;
  index.confidence = 0.8;
  index.last_change = 5;
  index.intervals = {{.from = 1, .to = 4}, {.from = 5, .to = kLatest}};
  add(kIndexValue, EncodeIndexValue(index));

  Evidence evidence;
  evidence.document = "doc/1";
  evidence.publisher = "outlet/reuters";
  evidence.excerpt = "fresh supplies";
  evidence.span_begin = 3;
  evidence.span_end = 17;
  evidence.reliability = 'B';
  evidence.credibility = 2;
  evidence.ingested_at = 5;
  add(kEvidenceRecord, EncodeEvidence(evidence));
  EvidenceRevision revision;
  revision.at = 9;
  revision.by = "alice";
  revision.before = revision.after = evidence.grade();
  revision.after.confidence = 0.6;
  evidence.revisions.push_back(revision);
  evidence.set_grade(revision.after);
  add(kEvidenceRecord, EncodeEvidence(evidence));

  add(kIntervals, EncodeIntervals({{.from = 1, .to = 2}}));

  HistoryEvent created;
  created.type = HistoryEvent::Type::kStatementCreated;
  created.principal = "alice";
  created.statement = 9;
  add(kHistoryRecord, EncodeHistory(created));
  HistoryEvent revised = created;
  revised.type = HistoryEvent::Type::kEvidenceRevised;
  revised.count = 1;
  revised.revised_to.confidence = 0.5;
  add(kHistoryRecord, EncodeHistory(revised));
  add(kChangeRecord, EncodeChange({.event = created, .triple = {.s = 1, .p = 2, .o = 3}}));

  AuditRecord audit;
  audit.principal = "alice";
  audit.rpc = "kg.v1.IngestService/Assert";
  audit.request_bytes = 120;
  audit.code = 3;
  add(kAuditRecord, EncodeAudit(audit));

  std::string primitives;
  PutVarint(&primitives, 300), PutString(&primitives, "abc"), primitives.push_back('\x02');
  primitives += "xy";
  PutDouble(&primitives, 0.5), PutFixed64(&primitives, 7);
  add(kPrimitives, primitives);
}

}  // namespace
}  // namespace kg::fuzz

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: make_corpus OUT_DIR IMPORT_JSONL\n";
    return 2;
  }
  const std::filesystem::path out = argv[1];
  kg::fuzz::WriteRequests(out);
  kg::fuzz::WriteLines(out, argv[2]);
  kg::fuzz::WritePageTokens(out);
  kg::fuzz::WriteCodec(out);
  return 0;
}
