// The write and admin subcommands: upsert, assert, ingest, import, export,
// retract, merge, split, purge, stats, backup, backups, health.

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "client/commands.h"
#include "client/format.h"
#include "client/paging.h"
#include "google/protobuf/util/json_util.h"
#include "google/rpc/status.pb.h"
#include "interop/interop.h"

namespace kg::cli {
namespace {

using Clock = std::chrono::steady_clock;

// protobuf's JSON errors span lines (they draw a caret under the input);
// an error is one line.
std::string OneLine(std::string text) {
  for (char& c : text) {
    if (c == '\n') c = ' ';
  }
  return text;
}

// Reads all of FILE, or stdin for "-" or no argument.
bool ReadInput(const Env& env, std::string* text, std::string* name) {
  std::string path = env.args->positional.empty() ? "-" : env.args->positional[0];
  *name = path == "-" ? "<stdin>" : path;
  std::ostringstream buf;
  if (path == "-") {
    buf << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    buf << in.rdbuf();
  }
  *text = buf.str();
  return true;
}

template <typename Msg>
int ParseJsonInput(const Env& env, Msg* msg) {
  std::string text, name;
  if (!ReadInput(env, &text, &name)) {
    return env.Usage(absl::StrCat("cannot read '", env.args->positional[0], "'"));
  }
  auto status = google::protobuf::util::JsonStringToMessage(text, msg);
  if (!status.ok()) {
    *env.err << "kg " << env.command << ": " << name << ": not a " << Msg::descriptor()->full_name()
             << " in the proto JSON mapping: " << OneLine(status.message().as_string()) << "\n";
    return kExitRejected;
  }
  return kExitOk;
}

int PrintWrite(const Env& env, const v1::WriteResponse& r) {
  if (env.json()) {
    *env.out << ToJson(r) << "\n";
    return kExitOk;
  }
  *env.out << absl::StrFormat(
      "committed at %s: %d entities written (%d unchanged), %d statements created, "
      "%d evidence added (%d unchanged)\n",
      TimeText(r.committed_at()), r.entities_written(), r.entities_unchanged(),
      r.statements_created(), r.evidence_added(), r.evidence_unchanged());
  if (r.evidence_revised() > 0) {
    *env.out << r.evidence_revised() << " evidence revised (corrections; see kg history)\n";
  }
  if (r.evidence_retracted() > 0) {
    *env.out << r.evidence_retracted() << " re-sent evidence retracted already, left retracted: "
             << absl::StrJoin(r.retracted_evidence_ids(), " ") << "\n";
  }
  if (r.statements_size() > 0) {
    std::vector<std::string> ids;
    for (const v1::StatementRef& s : r.statements()) ids.push_back(absl::StrCat(s.id()));
    *env.out << "statements: " << absl::StrJoin(ids, " ") << "\n";
  }
  return kExitOk;
}

int RunUpsert(Env& env) {
  v1::UpsertEntitiesRequest req;
  if (int rc = ParseJsonInput(env, &req); rc != kExitOk) return rc;
  v1::WriteResponse resp;
  if (grpc::Status s = env.client->UpsertEntities(req, &resp); !s.ok()) return env.Fail(s);
  return PrintWrite(env, resp);
}

int RunAssert(Env& env) {
  v1::AssertRequest req;
  if (int rc = ParseJsonInput(env, &req); rc != kExitOk) return rc;
  v1::WriteResponse resp;
  if (grpc::Status s = env.client->Assert(req, &resp); !s.ok()) return env.Fail(s);
  return PrintWrite(env, resp);
}

int RunIngest(Env& env) {
  v1::IngestDocumentRequest req;
  if (int rc = ParseJsonInput(env, &req); rc != kExitOk) return rc;
  v1::WriteResponse resp;
  if (grpc::Status s = env.client->IngestDocument(req, &resp); !s.ok()) return env.Fail(s);
  return PrintWrite(env, resp);
}

// ------------------------------------------------------------- import

// Draws "imported N lines  X/Y MiB  R lines/s  ETA Ts" on a terminal.
class Progress final {
 public:
  Progress(bool enabled, int64_t total_bytes)
      : enabled_(enabled), total_(total_bytes), start_(Clock::now()), last_(start_) {}

  void Update(int64_t lines, int64_t bytes, bool final = false) {
    if (!enabled_) return;
    auto now = Clock::now();
    if (!final && now - last_ < std::chrono::milliseconds(200)) return;
    last_ = now;
    double secs = std::chrono::duration<double>(now - start_).count();
    double rate = secs > 0 ? lines / secs : 0;
    std::string line = absl::StrFormat("\rkg import: %d lines  %.1f", lines, bytes / 1048576.0);
    if (total_ > 0) {
      absl::StrAppendFormat(&line, "/%.1f MiB (%d%%)", total_ / 1048576.0,
                            static_cast<int>(100.0 * bytes / total_));
    } else {
      line += " MiB";
    }
    absl::StrAppendFormat(&line, "  %.0f lines/s", rate);
    if (total_ > 0 && bytes > 0 && !final) {
      double eta = secs * (static_cast<double>(total_ - bytes) / bytes);
      absl::StrAppendFormat(&line, "  ETA %.0fs", eta);
    }
    std::cerr << line << "   " << (final ? "\n" : "") << std::flush;
  }

 private:
  bool enabled_;
  int64_t total_;
  Clock::time_point start_;
  Clock::time_point last_;
};

// --mapping: a file's text, or (csv) the name of a mapping kgd ships. None
// without the flag, or with *error set when the file cannot be read.
std::optional<std::string> MappingOf(const ParsedArgs& args, const std::string& format,
                                     std::string* error) {
  if (!args.Has("mapping")) return std::nullopt;
  const std::string value = args.Get("mapping");
  std::error_code ec;
  if (!std::filesystem::is_regular_file(value, ec)) {
    if (format == "csv") return value;
    *error = absl::StrCat("--mapping: cannot read '", value, "'");
    return std::nullopt;
  }
  std::ifstream in(value, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) {
    *error = absl::StrCat("--mapping: cannot read '", value, "'");
    return std::nullopt;
  }
  return text;
}

// The format of an import (--from) or export (--to), else FILE's extension,
// else JSON Lines (kgd's own). Not --format: that is how kg prints.
std::string ResolveFormat(const ParsedArgs& args, const char* flag, const std::string& path) {
  if (args.Has(flag)) return args.Get(flag);
  return std::string(
      interop::FormatName(interop::FormatOfPath(path).value_or(interop::Format::kJsonLines)));
}

int RunImport(Env& env) {
  std::string path = env.args->positional.empty() ? "-" : env.args->positional[0];
  std::string name = path == "-" ? "<stdin>" : path;
  v1::ImportOptions options;
  std::string error;
  int64_t batch = 0;
  options.set_format(ResolveFormat(*env.args, "from", path));
  if (!env.args->GetInt("batch", 0, 1 << 20, &batch, &error)) {
    return env.Usage(error);
  }
  options.set_batch_records(static_cast<int32_t>(batch));
  options.set_base_iri(env.args->Get("base-iri"));
  options.set_document(env.args->Get("document"));
  options.set_source(env.args->Has("source") ? env.args->Get("source")
                                             : std::filesystem::path(name).filename().string());
  options.set_skip_unmapped(env.args->Has("skip-unmapped"));
  options.set_sync(env.args->Get("sync"));
  std::string mapping_error;
  if (std::optional<std::string> mapping = MappingOf(*env.args, options.format(), &mapping_error)) {
    options.set_mapping(*std::move(mapping));
  } else if (!mapping_error.empty()) {
    return env.Usage(mapping_error);
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  int64_t total_bytes = 0;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) return env.Usage(absl::StrCat("cannot read '", path, "'"));
    in = &file;
    struct stat st;
    if (stat(path.c_str(), &st) == 0) total_bytes = st.st_size;
  }
  // The whole stream gets --timeout per 64 KiB of input (at least one --timeout);
  // input of unknown size (stdin) gets 360 of them.
  auto deadline = env.client->options().timeout;
  deadline *= total_bytes > 0 ? std::max<int64_t>(1, 1 + total_bytes / (64 << 10)) : 360;

  Progress progress(isatty(STDERR_FILENO) != 0 && !env.args->Has("quiet"), total_bytes);
  int64_t lines = 0, bytes = 0;
  auto next = [&](std::string* chunk) {
    chunk->resize(256 << 10);
    in->read(chunk->data(), static_cast<std::streamsize>(chunk->size()));
    chunk->resize(static_cast<size_t>(in->gcount()));
    bytes += static_cast<int64_t>(chunk->size());
    lines += std::count(chunk->begin(), chunk->end(), '\n');
    progress.Update(lines, bytes);
    return !chunk->empty();
  };
  v1::ImportResponse resp;
  grpc::Status s = env.client->Import(options, next, deadline, &resp);
  progress.Update(lines, bytes, /*final=*/true);
  if (!s.ok()) {
    // Bad input ends the call; what was committed before it is in the
    // status details.
    google::rpc::Status details;
    if (!details.ParseFromString(s.error_details()) || details.details_size() == 0 ||
        !details.details(0).UnpackTo(&resp)) {
      return env.Fail(s);
    }
    const v1::BulkIngestResponse& counts = resp.counts();
    *env.err << "kg import: " << name << ": " << s.error_message() << " ("
             << StatusCodeName(s.error_code()) << "); the " << counts.messages_applied()
             << " batch(es) before it are committed (" << counts.statements_created()
             << " statements created, " << counts.evidence_added() << " evidence added)\n";
    return ExitCodeFor(s.error_code());
  }
  if (env.json()) {
    *env.out << ToJson(resp) << "\n";
  } else {
    const v1::BulkIngestResponse& counts = resp.counts();
    *env.out << absl::StrFormat(
        "imported %d batch(es) from %d line(s): %d entities written, %d statements created, "
        "%d evidence added (%d unchanged)%s%s\n",
        counts.messages_applied(), resp.lines_read(), counts.entities_written(),
        counts.statements_created(), counts.evidence_added(), counts.evidence_unchanged(),
        resp.skipped_unmapped() > 0
            ? absl::StrCat(", ", resp.skipped_unmapped(), " unmapped item(s) skipped")
            : "",
        options.sync().empty()
            ? ""
            : absl::StrCat(", ", resp.sync_retracted(), " evidence retracted by the sync"));
  }
  return kExitOk;
}

// ------------------------------------------------------------- export

int RunExport(Env& env) {
  v1::ExportRequest req;
  std::string error;
  const std::string out_path = env.args->Get("out");
  req.set_format(ResolveFormat(*env.args, "to", out_path));
  if (!BuildFilter(*env.args, req.mutable_filter(), &error)) {
    return env.Usage(error);
  }
  req.set_document(env.args->Get("document"));
  req.set_publisher(env.args->Get("publisher"));
  req.set_base_iri(env.args->Get("base-iri"));
  if (env.args->Has("seed")) {
    for (const std::string& seed : env.args->GetAll("seed"))
      req.mutable_subgraph()->add_seeds(seed);
    if (!BuildWalkShape(*env.args, req.mutable_subgraph(), &error)) return env.Usage(error);
  }
  if (std::optional<std::string> mapping = MappingOf(*env.args, req.format(), &error)) {
    req.set_mapping(*std::move(mapping));
  } else if (!error.empty()) {
    return env.Usage(error);
  }
  std::ofstream file;
  std::ostream* out = env.out;
  if (!out_path.empty()) {
    file.open(out_path, std::ios::binary | std::ios::trunc);
    if (!file) return env.Usage(absl::StrCat("--out: cannot write '", out_path, "'"));
    out = &file;
  }
  int64_t bytes = 0;
  // An export reads the whole graph: 360 x --timeout.
  grpc::Status s =
      env.client->Export(req, env.client->options().timeout * 360, [&](const std::string& data) {
        out->write(data.data(), static_cast<std::streamsize>(data.size()));
        bytes += static_cast<int64_t>(data.size());
      });
  out->flush();
  if (!s.ok()) return env.Fail(s);
  *env.err << "kg export: " << bytes << " bytes of " << req.format() << "\n";
  return kExitOk;
}

// ------------------------------------------------------------- retract, merge, split

int RunRetract(Env& env) {
  v1::RetractRequest req;
  uint64_t id = 0;
  if (!absl::SimpleAtoi(env.args->positional[0], &id) || id == 0) {
    return env.Usage(
        absl::StrCat("STATEMENT must be a positive integer, got '", env.args->positional[0], "'"));
  }
  req.set_statement_id(id);
  req.set_evidence_id(env.args->Get("evidence"));
  req.set_reason(env.args->Get("reason"));
  if (req.reason().empty()) return env.Usage("--reason is required");
  v1::RetractResponse resp;
  if (grpc::Status s = env.client->Retract(req, &resp); !s.ok()) return env.Fail(s);
  if (env.json()) {
    *env.out << ToJson(resp) << "\n";
  } else {
    *env.out << "retracted at " << TimeText(resp.retracted_at()) << "\n";
  }
  return kExitOk;
}

int RunMerge(Env& env) {
  v1::MergeRequest req;
  req.set_from(env.args->positional[0]);
  req.set_into(env.args->positional[1]);
  v1::MergeResponse resp;
  if (grpc::Status s = env.client->Merge(req, &resp); !s.ok()) return env.Fail(s);
  if (env.json()) {
    *env.out << ToJson(resp) << "\n";
  } else {
    *env.out << "merged " << req.from() << " into " << req.into() << " at "
             << TimeText(resp.committed_at()) << "\n";
  }
  return kExitOk;
}

int RunSplit(Env& env) {
  v1::SplitRequest req;
  req.set_entity(env.args->positional[0]);
  v1::MergeResponse resp;
  if (grpc::Status s = env.client->Split(req, &resp); !s.ok()) return env.Fail(s);
  if (env.json()) {
    *env.out << ToJson(resp) << "\n";
  } else {
    *env.out << "split " << req.entity() << " at " << TimeText(resp.committed_at()) << "\n";
  }
  return kExitOk;
}

int RunPurge(Env& env) {
  v1::PurgeRequest req;
  const bool by_document = env.args->Has("document");
  if (by_document == (env.args->Has("statement") || env.args->Has("evidence"))) {
    return env.Usage("give --document, or --statement with --evidence");
  }
  if (by_document) {
    req.set_document(env.args->Get("document"));
  } else {
    uint64_t id = 0;
    if (!absl::SimpleAtoi(env.args->Get("statement"), &id) || id == 0) {
      return env.Usage(absl::StrCat("--statement: expected a positive integer, got '",
                                    env.args->Get("statement"), "'"));
    }
    if (!env.args->Has("evidence")) return env.Usage("--statement needs --evidence");
    req.mutable_evidence()->set_statement_id(id);
    req.mutable_evidence()->set_evidence_id(env.args->Get("evidence"));
  }
  req.set_reason(env.args->Get("reason"));
  if (req.reason().empty()) return env.Usage("--reason is required");
  v1::PurgeResponse resp;
  if (grpc::Status s = env.client->Purge(req, &resp); !s.ok()) return env.Fail(s);
  if (env.json()) {
    *env.out << ToJson(resp) << "\n";
  } else {
    *env.out << absl::StrFormat(
        "purged at %s: %d evidence record(s), %d statement(s) removed (left with no evidence)\n",
        TimeText(resp.purged_at()), resp.evidence_purged(), resp.statements_removed());
  }
  return kExitOk;
}

// ------------------------------------------------------------- admin

int RunStats(Env& env) {
  v1::GetStatsRequest req;
  int64_t as_of = 0;
  std::string error;
  if (!env.args->GetTxTime("as-of", &as_of, &error)) return env.Usage(error);
  req.mutable_filter()->set_as_of(as_of);
  v1::GetStatsResponse resp;
  if (grpc::Status s = env.client->GetStats(req, &resp); !s.ok()) return env.Fail(s);
  if (env.json()) {
    *env.out << ToJson(resp) << "\n";
    return kExitOk;
  }
  Table t({"WHAT", "COUNT"});
  t.AddRow({"entities", absl::StrCat(resp.entities())});
  t.AddRow({"statements", absl::StrCat(resp.statements())});
  t.AddRow({"evidence", absl::StrCat(resp.evidence())});
  t.AddRow({"retracted evidence", absl::StrCat(resp.retracted_evidence())});
  t.AddRow({"disk bytes", absl::StrCat(resp.disk_bytes())});
  t.AddRow({"sync writes", resp.sync_writes() ? "on" : "off"});
  t.AddRow({"commits", absl::StrCat(resp.commits())});
  t.AddRow({"wal syncs", absl::StrCat(resp.wal_syncs())});
  if (!resp.write_error().empty()) t.AddRow({"WRITE ERROR", resp.write_error()});
  std::map<std::string, int64_t> kinds(resp.entities_per_kind().begin(),
                                       resp.entities_per_kind().end());
  for (const auto& [k, n] : kinds) t.AddRow({absl::StrCat("kind ", k), absl::StrCat(n)});
  std::map<std::string, int64_t> preds(resp.statements_per_predicate().begin(),
                                       resp.statements_per_predicate().end());
  for (const auto& [p, n] : preds) t.AddRow({absl::StrCat("predicate ", p), absl::StrCat(n)});
  t.Print(*env.out);
  return kExitOk;
}

// `kg backup REPO [--keep N]`: an incremental backup into a repository.
int RunRepositoryBackup(Env& env) {
  v1::CreateBackupRequest req;
  req.set_repository(env.args->positional[0]);
  int64_t keep = 0;
  std::string error;
  if (!env.args->GetInt("keep", 0, 1 << 20, &keep, &error)) return env.Usage(error);
  req.set_keep_last(static_cast<int32_t>(keep));
  v1::BackupInfo resp;
  if (grpc::Status s = env.client->CreateBackup(req, &resp); !s.ok()) return env.Fail(s);
  if (env.json()) {
    *env.out << ToJson(resp) << "\n";
  } else {
    *env.out << "backup " << resp.id() << " in " << resp.repository() << " as of " << resp.as_of()
             << " (" << resp.files() << " files, " << resp.bytes() << " bytes)\n";
  }
  return kExitOk;
}

int RunBackups(Env& env) {
  v1::ListBackupsRequest req;
  req.set_repository(env.args->positional[0]);
  v1::ListBackupsResponse resp;
  if (grpc::Status s = env.client->ListBackups(req, &resp); !s.ok()) return env.Fail(s);
  if (env.json()) {
    for (const v1::BackupInfo& b : resp.backups()) *env.out << ToJson(b) << "\n";
    return kExitOk;
  }
  Table t({"ID", "CREATED (UNIX S)", "AS OF (TX TIME)", "FILES", "BYTES"});
  for (const v1::BackupInfo& b : resp.backups()) {
    t.AddRow({absl::StrCat(b.id()), absl::StrCat(b.created_at()), absl::StrCat(b.as_of()),
              absl::StrCat(b.files()), absl::StrCat(b.bytes())});
  }
  t.Print(*env.out);
  return kExitOk;
}

int RunBackup(Env& env) {
  if (!env.args->Has("checkpoint")) return RunRepositoryBackup(env);
  v1::BackupRequest req;
  req.set_directory(env.args->positional[0]);
  v1::BackupResponse resp;
  if (grpc::Status s = env.client->Backup(req, &resp); !s.ok()) return env.Fail(s);
  if (env.json()) {
    *env.out << ToJson(resp) << "\n";
  } else {
    *env.out << "backup in " << resp.directory() << " (" << resp.bytes() << " bytes)\n";
  }
  return kExitOk;
}

int RunHealth(Env& env) {
  std::string service = env.args->positional.empty() ? "" : env.args->positional[0];
  std::string status;
  if (grpc::Status s = env.client->Health(service, &status); !s.ok()) return env.Fail(s);
  if (env.json()) {
    *env.out << "{\"status\":\"" << status << "\"}\n";
  } else {
    *env.out << status << "\n";
  }
  return status == "SERVING" ? kExitOk : kExitUnavailable;
}

}  // namespace

void AddWriteCommands(std::vector<Command>* c) {
  const char* kFromJson = " FILE (or - / nothing for stdin) holds one ";
  c->push_back({"upsert",
                "[FILE]",
                "create or replace entities (atomic)",
                absl::StrCat("Creates or replaces entities.", kFromJson,
                             "kg.v1.UpsertEntitiesRequest\nin the proto JSON mapping."),
                {},
                0,
                1,
                false,
                RunUpsert});
  c->push_back({"assert",
                "[FILE]",
                "assert statements with evidence (atomic)",
                absl::StrCat("Asserts entities and statements in one atomic batch.", kFromJson,
                             "\nkg.v1.AssertRequest in the proto JSON mapping."),
                {},
                0,
                1,
                false,
                RunAssert});
  c->push_back({"ingest",
                "[FILE]",
                "ingest one document with its statements (atomic)",
                absl::StrCat("Ingests a document and the statements it supports.", kFromJson,
                             "\nkg.v1.IngestDocumentRequest in the proto JSON mapping."),
                {},
                0,
                1,
                false,
                RunIngest});
  c->push_back(
      {"import",
       "[FILE]",
       "stream a file to kgd's Import: JSON Lines, N-Triples, N-Quads, STIX 2.1 or an event table",
       "Streams FILE (or stdin) to kgd, which parses it as it arrives and commits it in\n"
       "atomic batches. The format comes from --from or the name: .jsonl (each line one\n"
       "kg.v1.AssertRequest in the proto JSON mapping, each its own batch), .nt, .nq (RDF;\n"
       "the mapping is in docs/RDF.md: the named graph of a quad is its document), .json\n"
       "(a STIX 2.1 bundle; docs/FORMATS.md). Event tables (.csv, .tsv, .tab, or --from\n"
       "csv) need --mapping: a mapping kgd ships (ucdp_ged, gdelt_events, gdelt_mentions,\n"
       "icews, acled) or a mapping file (docs/FORMATS.md); --sync SCOPE makes the file\n"
       "the whole of SCOPE: what an earlier import of SCOPE held that the file no longer\n"
       "does is retracted. Stops at the first bad line or object (exit 3)\n"
       "naming its line and column; the batches before it stay committed. Importing the\n"
       "same file again changes nothing. Shows progress (lines/s, ETA) on stderr when\n"
       "stderr is a terminal. The whole stream's deadline is\n"
       "--timeout per 64 KiB of input (360 x --timeout for stdin).",
       {{"from", "F",
         "jsonl, ntriples, nquads, stix or csv (default: FILE's extension, else jsonl)"},
        {"mapping", "NAME|FILE",
         "RDF, stix: a mapping file; csv: a shipped mapping's name or a file"},
        {"base-iri", "IRI", "RDF: entity ids are IRIs under this base (default urn:kgd:id:)"},
        {"document", "ID", "RDF: the document of statements outside a named graph"},
        {"source", "NAME", "RDF: scopes blank-node labels (default: FILE's name)"},
        {"skip-unmapped", "", "RDF, STIX: skip (and count) what the mapping does not know"},
        {"sync", "SCOPE",
         "csv: the file is the whole of SCOPE (a document id): retract rows it no longer has"},
        {"batch", "N", "records per committed batch (default 1000)"},
        {"quiet", "", "no progress display"}},
       0,
       1,
       false,
       RunImport});
  c->push_back({"export", "", "stream the graph out as JSON Lines, N-Triples, N-Quads or STIX",
                "Writes what `kg import` reads back as the same entities, statements and\n"
                "evidence records: every entity, then every statement with the evidence the\n"
                "filter selects, as of --as-of; or only what --document or --publisher\n"
                "supports; or the subgraph around --seed (with --depth, --max-nodes ... as\n"
                "`kg subgraph`). The format comes from --to or --out's extension (default jsonl).",
                Join({{"out", "FILE", "write here instead of stdout"},
                      {"to", "F", "jsonl, ntriples, nquads or stix (default: --out's extension)"},
                      {"document", "ID", "only the statements this document supports"},
                      {"publisher", "ID", "only the statements this publisher supports"},
                      {"seed", "ID", "only the subgraph around these seeds (kg subgraph)", true},
                      {"base-iri", "IRI", "RDF: entity IRIs under this base"},
                      {"mapping", "FILE", "stix: this mapping instead of the shipped one"}},
                     Join(GraphWalkFlags(), FilterFlags())),
                0, 0, false, RunExport});
  c->push_back(
      {"retract",
       "STATEMENT",
       "retract one evidence record or all of a statement's",
       "Retracts (never deletes) evidence: one record (--evidence) or every live one.",
       {{"evidence", "ID", "only this evidence record"}, {"reason", "TEXT", "why (required)"}},
       1,
       1,
       false,
       RunRetract});
  c->push_back({"merge",
                "FROM INTO",
                "merge entity FROM into INTO",
                "Merges FROM into INTO: statements re-pointed, names kept as aliases, history "
                "kept.",
                {},
                2,
                2,
                false,
                RunMerge});
  c->push_back({"split",
                "ENTITY",
                "undo a merge exactly",
                "Undoes the merge of ENTITY.",
                {},
                1,
                1,
                false,
                RunSplit});
  c->push_back({"purge",
                "",
                "physically delete a document's evidence, or one evidence record",
                "Deletes for good the evidence citing a document (--document), or one evidence\n"
                "record (--statement with --evidence), with its history; statements left with no\n"
                "evidence go too. Each touched statement's history keeps a PURGED event (who,\n"
                "when, why, how many records), and as-of reads no longer show what was purged.\n"
                "For content that must not be kept (retract keeps it). Admin only. Exit 1 when\n"
                "nothing matches.",
                {{"document", "DOC", "every evidence record citing this document"},
                 {"statement", "ID", "the statement of one evidence record (with --evidence)"},
                 {"evidence", "EVID", "that evidence record's id (kg explain shows it)"},
                 {"reason", "TEXT", "why (required; kept in the history)"}},
                0,
                0,
                false,
                RunPurge});
  c->push_back({"stats",
                "",
                "counts of entities, statements, evidence",
                "Counts of entities (per kind), statements (per predicate), evidence, disk use.",
                {{"as-of", "TIME", "as the graph stood then"}},
                0,
                0,
                false,
                RunStats});
  c->push_back({"backup",
                "REPO",
                "incremental backup into repository REPO under the server's --backup_dir",
                "Backs the graph up, as of one transaction time and while writes go on, into the\n"
                "backup repository REPO given relative to kgd's --backup_dir (created when\n"
                "missing); files unchanged since an earlier backup in REPO are stored once.\n"
                "--keep N then deletes all but the newest N backups. Prints the backup's id and\n"
                "as-of time; restore with `kgd --restore_from DIR --data_dir NEW`.\n"
                "--checkpoint instead writes a plain copy into REPO, a new directory, that opens\n"
                "as a kgd data directory. Refused (exit 3): an absolute path, '..', a path\n"
                "leading outside --backup_dir, and a kgd without --backup_dir. Admin only.",
                {{"keep", "N", "keep only the newest N backups of REPO"},
                 {"checkpoint", "", "a plain checkpoint into a new directory REPO"}},
                1,
                1,
                false,
                RunBackup});
  c->push_back({"backups",
                "REPO",
                "list the backups of repository REPO under --backup_dir",
                "Lists the backups of REPO (oldest first): id, creation time, the transaction\n"
                "time each holds, files and bytes. Exit 1 when REPO holds none. Admin only.",
                {},
                1,
                1,
                false,
                RunBackups});
  c->push_back({"health",
                "[SERVICE]",
                "grpc.health.v1 check",
                "Asks the standard gRPC health service. Exit 0 when SERVING, 4 otherwise.",
                {},
                0,
                1,
                false,
                RunHealth});
}

}  // namespace kg::cli
