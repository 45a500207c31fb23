// The write and admin subcommands: upsert, assert, ingest, import, export,
// retract, merge, split, purge, stats, backup, backups, health.

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
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

int RunImport(Env& env) {
  std::string path = env.args->positional.empty() ? "-" : env.args->positional[0];
  std::string name = path == "-" ? "<stdin>" : path;
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
  std::vector<int64_t> line_of_message;  // 1-based input line of each message sent
  int64_t line_no = 0, bytes = 0;
  std::string bad_line_error;
  auto next = [&](v1::AssertRequest* msg) {
    std::string line;
    // Bounded by the input: each iteration consumes one line.
    while (std::getline(*in, line)) {
      ++line_no;
      bytes += static_cast<int64_t>(line.size()) + 1;
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      auto status = google::protobuf::util::JsonStringToMessage(line, msg);
      if (!status.ok()) {
        bad_line_error =
            absl::StrCat(name, ":", line_no,
                         ": not a kg.v1.AssertRequest: ", OneLine(status.message().as_string()));
        return false;
      }
      line_of_message.push_back(line_no);
      progress.Update(static_cast<int64_t>(line_of_message.size()), bytes);
      return true;
    }
    return false;
  };
  v1::BulkIngestResponse resp;
  grpc::Status s = env.client->BulkIngest(next, deadline, &resp);
  progress.Update(static_cast<int64_t>(line_of_message.size()), bytes, /*final=*/true);
  if (!s.ok()) {
    // A bad message ends the call; what was committed before it is in the
    // status details.
    google::rpc::Status details;
    if (!details.ParseFromString(s.error_details()) || details.details_size() == 0 ||
        !details.details(0).UnpackTo(&resp) || !resp.has_failed_index()) {
      return env.Fail(s);
    }
    const int64_t idx = resp.failed_index();
    const int64_t line =
        idx >= 0 && idx < static_cast<int64_t>(line_of_message.size()) ? line_of_message[idx] : -1;
    *env.err << "kg import: " << name << ":" << line << ": " << s.error_message() << " ("
             << StatusCodeName(s.error_code()) << "); the " << resp.messages_applied()
             << " message(s) before it are applied (" << resp.statements_created()
             << " statements created, " << resp.evidence_added() << " evidence added)\n";
    return ExitCodeFor(s.error_code());
  }
  if (env.json()) {
    *env.out << ToJson(resp) << "\n";
  } else {
    *env.out << absl::StrFormat(
        "imported %d message(s): %d entities written, %d statements created, %d evidence "
        "added (%d unchanged)\n",
        resp.messages_applied(), resp.entities_written(), resp.statements_created(),
        resp.evidence_added(), resp.evidence_unchanged());
  }
  if (!bad_line_error.empty()) {
    *env.err << "kg import: " << bad_line_error << "; the " << resp.messages_applied()
             << " message(s) before it are applied\n";
    return kExitRejected;
  }
  return kExitOk;
}

// ------------------------------------------------------------- export

// Clears what the server sets, so the line imports back as written.
void StripOutputOnly(v1::Entity* e) {
  e->clear_merged_into();
  e->clear_updated_at();
  e->clear_updated_by();
}

int RunExport(Env& env) {
  v1::MatchStatementsRequest req;
  std::string error;
  int64_t batch = 100;
  if (!BuildFilter(*env.args, req.mutable_filter(), &error) ||
      !env.args->GetInt("batch", 1, 100000, &batch, &error)) {
    return env.Usage(error);
  }
  std::ofstream file;
  std::ostream* out = env.out;
  if (env.args->Has("out")) {
    file.open(env.args->Get("out"), std::ios::binary | std::ios::trunc);
    if (!file) return env.Usage(absl::StrCat("--out: cannot write '", env.args->Get("out"), "'"));
    out = &file;
  }
  std::vector<v1::Statement> statements;
  bool more = false;
  grpc::Status s = FetchPages<v1::MatchStatementsRequest, v1::StatementsPage, v1::Statement>(
      req, 0, [&](const auto& r, auto* resp) { return env.client->MatchStatements(r, resp); },
      [](auto* resp) { return resp->mutable_statements(); }, &statements, &more);
  if (!s.ok()) return env.Fail(s);

  // Every entity the statements touch: ends, documents, publishers, claimants.
  std::set<std::string> ids;
  for (const v1::Statement& st : statements) {
    ids.insert(st.subject());
    if (st.object().has_entity()) ids.insert(st.object().entity());
    for (const v1::Evidence& e : st.evidence()) {
      for (const std::string& id : {e.document(), e.publisher(), e.claimant()}) {
        if (!id.empty()) ids.insert(id);
      }
    }
  }
  std::vector<v1::Entity> entities;
  for (const std::string& id : ids) {
    v1::GetEntityRequest er;
    er.set_id(id);
    er.mutable_filter()->set_as_of(req.filter().as_of());
    v1::Entity e;
    grpc::Status es = env.client->GetEntity(er, &e);
    if (es.error_code() == grpc::StatusCode::NOT_FOUND) continue;  // e.g. a free-text claimant
    if (!es.ok()) return env.Fail(es);
    StripOutputOnly(&e);
    entities.push_back(std::move(e));
  }
  int64_t lines = 0;
  for (size_t i = 0; i < entities.size(); i += batch) {
    v1::AssertRequest line;
    for (size_t j = i; j < std::min(entities.size(), i + batch); ++j) {
      *line.add_entities() = entities[j];
    }
    *out << ToJson(line) << "\n";
    ++lines;
  }
  int64_t evidence = 0;
  for (size_t i = 0; i < statements.size(); i += batch) {
    v1::AssertRequest line;
    for (size_t j = i; j < std::min(statements.size(), i + batch); ++j) {
      v1::Statement* st = line.add_statements();
      *st = statements[j];
      st->clear_id();
      st->clear_corroboration();
      st->clear_evidence();
      for (const v1::Evidence& e : statements[j].evidence()) {
        if (e.retracted_at() != 0) continue;
        v1::Evidence* copy = st->add_evidence();
        *copy = e;
        copy->clear_id();
        copy->clear_ingested_at();
        copy->clear_ingested_by();
        ++evidence;
      }
      if (st->evidence_size() == 0) line.mutable_statements()->RemoveLast();
    }
    if (line.statements_size() == 0) continue;
    *out << ToJson(line) << "\n";
    ++lines;
  }
  out->flush();
  *env.err << "kg export: " << entities.size() << " entities, " << statements.size()
           << " statements, " << evidence << " evidence records in " << lines << " line(s)\n";
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
       "bulk load JSON Lines through the BulkIngest stream",
       "Streams FILE (or stdin) to kgd: JSON Lines, each line one kg.v1.AssertRequest in the\n"
       "proto JSON mapping, applied in order, each atomically. Blank lines are skipped.\n"
       "Stops at the first bad line (exit 3); the lines before it stay applied. Shows\n"
       "progress (rate, ETA) on stderr when stderr is a terminal. The whole stream's\n"
       "deadline is --timeout per 64 KiB of input (360 x --timeout for stdin).",
       {{"quiet", "", "no progress display"}},
       0,
       1,
       false,
       RunImport});
  c->push_back({"export", "", "dump statements and the entities they touch as JSON Lines",
                "Writes JSON Lines that `kg import` reads back: first the entities, then the\n"
                "statements with their live evidence, --batch per line. Covers every statement\n"
                "MatchStatements returns under the filter, and the entities they touch (subjects,\n"
                "entity objects, documents, publishers, claimants). Not covered: entities no\n"
                "statement touches, retracted evidence, and history.",
                Join({{"out", "FILE", "write here instead of stdout"},
                      {"batch", "N", "entities or statements per line (default 100)"}},
                     FilterFlags()),
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
