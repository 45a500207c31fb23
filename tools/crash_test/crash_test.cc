// kg_crash_test: kills kgd with SIGKILL while it writes and checks that
// nothing acknowledged is lost (after RocksDB's db_crashtest).
//
//   kg_crash_test --kgd build/server/kgd --cycles 50 [--writers 4] [--seed N]
//
// One kgd child process on a data directory under --work (a fresh temp dir
// by default, removed unless --keep). Each cycle:
//   1. start kgd (--listen 127.0.0.1:0 --port_file) and time it until its
//      first answered call;
//   2. verify: every write acknowledged so far is there, with its evidence,
//      retractions, merges and splits; a write that was in flight at a kill
//      is entirely there or entirely absent (then it is known and checked
//      from there on); MatchStatements as of each sampled acknowledged time
//      answers exactly as it did before the crash; History has the events
//      of sampled statements;
//   3. --writers threads (each with its own channel and its own entities)
//      write Assert batches of 3 statements, IngestDocument calls,
//      retractions, merges and splits, logging each acknowledged write to
//      <work>/writer-N.log as it is acknowledged;
//   4. after a random 0.2-1.2 s, SIGKILL kgd; run `kgd --check` on the data
//      directory (it must report it consistent).
// After the last cycle kgd is restarted, verified, stopped with SIGTERM, and
// checked once more. Exit 0 when nothing was lost; the summary line counts
// acknowledged writes by kind, writes lost, half-visible batches, as_of
// mismatches, failed checks, and restart times.

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpcpp/grpcpp.h"
#include "kg/v1/kg.grpc.pb.h"

ABSL_FLAG(std::string, kgd, "", "The kgd binary.");
ABSL_FLAG(int32_t, cycles, 10, "Kill-restart cycles.");
ABSL_FLAG(int32_t, writers, 4, "Concurrent writer threads, each with its own channel.");
ABSL_FLAG(uint32_t, seed, 0, "Random seed; 0 picks one (printed).");
ABSL_FLAG(std::string, work, "", "Working directory (default: a fresh temp dir).");
ABSL_FLAG(bool, keep, false, "Keep the working directory.");
ABSL_FLAG(int32_t, min_run_ms, 200, "Shortest write phase before a kill.");
ABSL_FLAG(int32_t, max_run_ms, 1200, "Longest write phase before a kill.");

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = kg::v1;

int64_t g_failures = 0;
std::mutex g_print_mu;

void Fail(const std::string& what) {
  std::lock_guard<std::mutex> lock(g_print_mu);
  ++g_failures;
  if (g_failures <= 50) std::fprintf(stderr, "crash_test: FAIL %s\n", what.c_str());
}

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

std::unique_ptr<grpc::ClientContext> Context(int seconds = 10) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(seconds));
  return context;
}

// ---- the kgd child ----

class Kgd {
 public:
  Kgd(std::string binary, std::filesystem::path work)
      : binary_(std::move(binary)), work_(std::move(work)) {}

  // Starts kgd and waits until it answers; returns the time that took, ms.
  double Start() {
    const auto t0 = Clock::now();
    const std::string port_file = (work_ / "port").string();
    std::filesystem::remove(port_file);
    pid_ = fork();
    if (pid_ == 0) {
      const int log = open((work_ / "kgd.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(log, 1);
      dup2(log, 2);
      const std::string data = absl::StrCat("--data_dir=", (work_ / "data").string());
      const std::string port = absl::StrCat("--port_file=", port_file);
      execl(binary_.c_str(), binary_.c_str(), "--listen=127.0.0.1:0", "--http_listen=127.0.0.1:0",
            data.c_str(), port.c_str(), "--grace_period=5", static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 3000; ++i) {
      std::ifstream in(port_file);
      int port = 0;
      if (in >> port && port > 0) {
        port_ = port;
        break;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        std::fprintf(stderr, "crash_test: kgd exited at start; see %s\n",
                     (work_ / "kgd.log").c_str());
        std::exit(2);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (port_ == 0) {
      std::fprintf(stderr, "crash_test: kgd did not start\n");
      std::exit(2);
    }
    auto admin = v1::AdminService::NewStub(Channel());
    for (int i = 0; i < 1000; ++i) {
      v1::GetStatsResponse stats;
      if (admin->GetStats(Context().get(), {}, &stats).ok()) return Ms(Clock::now() - t0);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::fprintf(stderr, "crash_test: kgd does not answer\n");
    std::exit(2);
  }

  void Kill(int signal) {
    if (pid_ <= 0) return;
    kill(pid_, signal);
    int status = 0;
    waitpid(pid_, &status, 0);
    if (signal == SIGTERM && !(WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
      Fail("kgd did not exit 0 after SIGTERM");
    }
    pid_ = -1;
    port_ = 0;
  }

  // `kgd --check` on the data directory (kgd stopped); true when consistent.
  bool Check() {
    const std::string command =
        absl::StrCat(binary_, " --check --data_dir=", (work_ / "data").string(), " > ",
                     (work_ / "check.log").string(), " 2>&1");
    const int rc = std::system(command.c_str());
    if (rc != 0) {
      std::ifstream in(work_ / "check.log");
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      Fail(absl::StrCat("kgd --check exited ", rc, ":\n", text));
      return false;
    }
    return true;
  }

  std::shared_ptr<grpc::Channel> Channel(int tag = 0) const {
    grpc::ChannelArguments args;
    args.SetInt("crash-test-channel", tag);  // one connection per writer
    return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port_),
                                     grpc::InsecureChannelCredentials(), args);
  }

 private:
  const std::string binary_;
  const std::filesystem::path work_;
  pid_t pid_ = -1;
  int port_ = 0;
};

// ---- what each writer knows ----

struct Batch {
  std::vector<std::string> objects;     // one statement per object
  std::vector<uint64_t> statement_ids;  // once known
  std::vector<std::string> evidence_ids;
  bool acknowledged = false;
};

struct Sample {
  int64_t as_of = 0;
  std::string answer;  // MatchStatements of the writer's subject then
};

struct MergePair {
  std::string a, b;
  bool created = false;
  bool merged = false;  // as acknowledged
};

enum class OpKind { kNone, kBatch, kDocument, kRetract, kMerge, kSplit };

struct Pending {
  OpKind kind = OpKind::kNone;
  size_t batch = 0;      // kBatch, kDocument: index into batches
  size_t retracted = 0;  // kRetract: batch index (statement 0)
  size_t pair = 0;       // kMerge, kSplit
};

struct Counts {
  int64_t batches = 0, documents = 0, retractions = 0, merges = 0, splits = 0;
  int64_t Total() const { return batches + documents + retractions + merges + splits; }
};

class Writer {
 public:
  Writer(int id, const std::filesystem::path& log, uint32_t seed)
      : id_(id), rng_(seed), log_(log, std::ios::app) {
    subject_ = absl::StrCat("cw", id, "/s");
  }

  // Writes until a call fails (kgd killed) or `stop` is set.
  void Run(const Kgd& kgd, const std::atomic<bool>& stop) {
    ingest_ = v1::IngestService::NewStub(kgd.Channel(id_ + 1));
    graph_ = v1::GraphService::NewStub(kgd.Channel(id_ + 1));
    while (!stop.load()) {
      const int dice = static_cast<int>(rng_() % 100);
      bool ok;
      if (dice < 50 || retractable_.empty()) {
        ok = WriteBatch(false);
      } else if (dice < 65) {
        ok = WriteBatch(true);
      } else if (dice < 80) {
        ok = Retract();
      } else {
        ok = MergeOrSplit();
      }
      if (!ok) return;
    }
  }

  // After a restart: checks everything known, resolves the write that was
  // in flight at the kill, replays the as_of samples.
  void Verify(const Kgd& kgd) {
    graph_ = v1::GraphService::NewStub(kgd.Channel(id_ + 100));
    provenance_ = v1::ProvenanceService::NewStub(kgd.Channel(id_ + 100));
    std::map<std::string, const v1::Statement*> by_object;
    v1::StatementsPage all;
    if (!MatchOrFail(0, &all)) return;
    for (const v1::Statement& s : all.statements()) by_object[s.object().entity()] = &s;
    ResolvePending(by_object);
    for (size_t i = 0; i < batches_.size(); ++i) {
      const Batch& b = batches_[i];
      if (!b.acknowledged) continue;
      for (size_t k = 0; k < b.objects.size(); ++k) {
        auto it = by_object.find(b.objects[k]);
        const bool retracted = retracted_.contains(i) && k == 0;
        if (it == by_object.end()) {
          if (!retracted) {
            ++lost_;
            Fail(absl::StrCat("writer ", id_, ": acknowledged statement ", subject_, " backs ",
                              b.objects[k], " is missing"));
          }
          continue;
        }
        if (it->second->id() != b.statement_ids[k]) {
          Fail(absl::StrCat("writer ", id_, ": ", b.objects[k], " has statement id ",
                            it->second->id(), ", acknowledged ", b.statement_ids[k]));
        }
        if (retracted) {
          ++lost_;
          Fail(absl::StrCat("writer ", id_, ": acknowledged retraction of statement ",
                            b.statement_ids[k], " is not in force"));
        }
      }
    }
    for (const MergePair& p : pairs_) {
      if (!p.created) continue;
      v1::GetEntityRequest req;
      req.set_id(p.a);
      v1::Entity e;
      grpc::Status s = graph_->GetEntity(Context().get(), req, &e);
      if (!s.ok()) {
        ++lost_;
        Fail(absl::StrCat("writer ", id_, ": entity ", p.a, ": ", s.error_message()));
      } else if ((e.merged_into() == p.b) != p.merged) {
        ++lost_;
        Fail(absl::StrCat("writer ", id_, ": ", p.a, " merged_into '", e.merged_into(),
                          "', acknowledged ", p.merged ? "merged" : "split"));
      }
    }
    for (const Sample& sample : samples_) {
      v1::StatementsPage page;
      if (!MatchOrFail(sample.as_of, &page)) return;
      const std::string answer = Render(page);
      if (answer != sample.answer) {
        ++as_of_mismatches_;
        Fail(absl::StrCat("writer ", id_, ": as_of ", sample.as_of, " answers\n  ", answer,
                          "\nbefore the crash it answered\n  ", sample.answer));
      }
    }
    CheckHistory();
  }

  const Counts& counts() const { return counts_; }
  int64_t lost() const { return lost_; }
  int64_t half_visible() const { return half_visible_; }
  int64_t as_of_mismatches() const { return as_of_mismatches_; }

 private:
  v1::Entity Entity(const std::string& id, const std::string& kind) {
    v1::Entity e;
    e.set_id(id);
    e.set_kind(kind);
    e.set_label(id);
    return e;
  }

  v1::Statement StatementTo(const std::string& subject, const std::string& object,
                            const std::string& excerpt) {
    v1::Statement s;
    s.set_subject(subject);
    s.set_predicate("backs");
    s.mutable_object()->set_entity(object);
    v1::Evidence* e = s.add_evidence();
    e->set_document(absl::StrCat("cw", id_, "/doc"));
    e->set_publisher(absl::StrCat("cw", id_, "/outlet"));
    e->set_confidence(0.5 + static_cast<double>(rng_() % 50) / 100);
    e->set_excerpt(excerpt);
    return s;
  }

  void AddBase(google::protobuf::RepeatedPtrField<v1::Entity>* entities) {
    *entities->Add() = Entity(subject_, "State");
    *entities->Add() = Entity(absl::StrCat("cw", id_, "/outlet"), "MediaOutlet");
    *entities->Add() = Entity(absl::StrCat("cw", id_, "/doc"), "Document");
  }

  void Log(const std::string& line) {
    log_ << line << "\n";
    log_.flush();
  }

  // An Assert of 3 statements (or an IngestDocument of 2), each to a new
  // object entity.
  bool WriteBatch(bool document) {
    const size_t index = batches_.size();
    Batch b;
    const int n = document ? 2 : 3;
    for (int k = 0; k < n; ++k) b.objects.push_back(absl::StrCat("cw", id_, "/o", index, "-", k));
    batches_.push_back(b);
    pending_ = {document ? OpKind::kDocument : OpKind::kBatch, index, 0, 0};
    v1::WriteResponse response;
    grpc::Status status;
    if (document) {
      v1::IngestDocumentRequest req;
      v1::Entity* d = req.mutable_document();
      *d = Entity(absl::StrCat("cw", id_, "/d", index), "Document");
      (*d->mutable_attributes())["publisher"].set_entity(absl::StrCat("cw", id_, "/outlet"));
      (*d->mutable_attributes())["date"].set_date("2019-05-11");
      AddBase(req.mutable_entities());
      for (const std::string& o : b.objects) {
        *req.add_entities() = Entity(o, "State");
        v1::Statement s = StatementTo(subject_, o, o);
        s.mutable_evidence(0)->set_document(d->id());
        s.mutable_evidence(0)->clear_publisher();
        *req.add_statements() = s;
      }
      status = ingest_->IngestDocument(Context().get(), req, &response);
    } else {
      v1::AssertRequest req;
      AddBase(req.mutable_entities());
      for (const std::string& o : b.objects) {
        *req.add_entities() = Entity(o, "State");
        *req.add_statements() = StatementTo(subject_, o, o);
      }
      status = ingest_->Assert(Context().get(), req, &response);
    }
    if (!status.ok()) return Interrupted(status);
    Batch& kept = batches_[index];
    kept.acknowledged = true;
    for (const v1::StatementRef& ref : response.statements()) {
      kept.statement_ids.push_back(ref.id());
      kept.evidence_ids.push_back(ref.evidence_ids(0));
    }
    retractable_.push_back(index);
    (document ? counts_.documents : counts_.batches)++;
    pending_ = {};
    Log(absl::StrCat(document ? "document " : "batch ", index, " at ", response.committed_at(),
                     " statements ", absl::StrJoin(kept.statement_ids, ",")));
    if (index % 4 == 0) TakeSample(response.committed_at());
    return true;
  }

  bool Retract() {
    const size_t pick = rng_() % retractable_.size();
    const size_t index = retractable_[pick];
    retractable_.erase(retractable_.begin() + static_cast<std::ptrdiff_t>(pick));
    pending_ = {OpKind::kRetract, 0, index, 0};
    v1::RetractRequest req;
    req.set_statement_id(batches_[index].statement_ids[0]);
    req.set_evidence_id(batches_[index].evidence_ids[0]);
    req.set_reason("crash test");
    v1::RetractResponse response;
    grpc::Status status = ingest_->Retract(Context().get(), req, &response);
    if (!status.ok()) return Interrupted(status);
    retracted_.insert(index);
    ++counts_.retractions;
    pending_ = {};
    Log(absl::StrCat("retract batch ", index, " statement ", req.statement_id(), " at ",
                     response.retracted_at()));
    return true;
  }

  bool MergeOrSplit() {
    if (pairs_.empty() || rng_() % 4 == 0) {
      // A new pair, created by an Assert that also links it to the subject.
      const size_t p = pairs_.size();
      pairs_.push_back(
          {absl::StrCat("cw", id_, "/m", p, "a"), absl::StrCat("cw", id_, "/m", p, "b")});
      v1::AssertRequest req;
      AddBase(req.mutable_entities());
      *req.add_entities() = Entity(pairs_[p].a, "State");
      *req.add_entities() = Entity(pairs_[p].b, "State");
      *req.add_statements() = StatementTo(pairs_[p].a, subject_, pairs_[p].a);
      v1::WriteResponse response;
      grpc::Status status = ingest_->Assert(Context().get(), req, &response);
      if (!status.ok()) {
        pairs_.pop_back();  // either way it is never used: a new pair next time
        return Interrupted(status, /*resolved=*/true);
      }
      pairs_[p].created = true;
      ++counts_.batches;
      Log(absl::StrCat("pair ", p, " at ", response.committed_at()));
      return true;
    }
    const size_t p = rng_() % pairs_.size();
    MergePair& pair = pairs_[p];
    v1::MergeResponse response;
    grpc::Status status;
    if (pair.merged) {
      pending_ = {OpKind::kSplit, 0, 0, p};
      v1::SplitRequest req;
      req.set_entity(pair.a);
      status = ingest_->Split(Context().get(), req, &response);
    } else {
      pending_ = {OpKind::kMerge, 0, 0, p};
      v1::MergeRequest req;
      req.set_from(pair.a);
      req.set_into(pair.b);
      status = ingest_->Merge(Context().get(), req, &response);
    }
    if (!status.ok()) return Interrupted(status);
    pair.merged = !pair.merged;
    (pair.merged ? counts_.merges : counts_.splits)++;
    pending_ = {};
    Log(absl::StrCat(pair.merged ? "merge " : "split ", p, " at ", response.committed_at()));
    return true;
  }

  // A failed call: kgd was killed (the write's fate is unknown, resolved at
  // the next Verify), or a real error.
  bool Interrupted(const grpc::Status& status, bool resolved = false) {
    if (resolved) pending_ = {};
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE &&
        status.error_code() != grpc::StatusCode::CANCELLED &&
        status.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED) {
      Fail(absl::StrCat("writer ", id_, ": unexpected ", status.error_code(), " ",
                        status.error_message()));
    }
    return false;
  }

  void ResolvePending(const std::map<std::string, const v1::Statement*>& by_object) {
    const Pending p = pending_;
    pending_ = {};
    switch (p.kind) {
      case OpKind::kNone:
        return;
      case OpKind::kBatch:
      case OpKind::kDocument: {
        Batch& b = batches_[p.batch];
        size_t seen = 0;
        for (const std::string& o : b.objects) seen += by_object.contains(o) ? 1 : 0;
        if (seen != 0 && seen != b.objects.size()) {
          ++half_visible_;
          Fail(absl::StrCat("writer ", id_, ": batch ", p.batch, " is half visible (", seen, " of ",
                            b.objects.size(), ")"));
          return;
        }
        if (seen == 0) return;  // not applied: never acknowledged, fine
        b.acknowledged = true;  // applied: known from now on
        for (const std::string& o : b.objects) {
          const v1::Statement* s = by_object.at(o);
          b.statement_ids.push_back(s->id());
          b.evidence_ids.push_back(s->evidence(0).id());
        }
        retractable_.push_back(p.batch);
        return;
      }
      case OpKind::kRetract: {
        const Batch& b = batches_[p.retracted];
        if (!by_object.contains(b.objects[0])) retracted_.insert(p.retracted);
        return;
      }
      case OpKind::kMerge:
      case OpKind::kSplit: {
        MergePair& pair = pairs_[p.pair];
        v1::GetEntityRequest req;
        req.set_id(pair.a);
        v1::Entity e;
        if (graph_->GetEntity(Context().get(), req, &e).ok())
          pair.merged = e.merged_into() == pair.b;
        return;
      }
    }
  }

  // Statements of the writer's subject as of `as_of` (0 = latest), all pages.
  grpc::Status MatchAll(int64_t as_of, v1::StatementsPage* out) {
    v1::MatchStatementsRequest req;
    req.set_subject(subject_);
    req.set_page_size(1000);
    req.mutable_filter()->set_as_of(as_of);
    for (int page = 0; page < 1000; ++page) {
      v1::StatementsPage resp;
      grpc::Status s = graph_->MatchStatements(Context().get(), req, &resp);
      if (s.error_code() == grpc::StatusCode::NOT_FOUND && out->statements().empty()) {
        return grpc::Status::OK;  // the subject did not exist yet
      }
      if (!s.ok()) return s;
      for (v1::Statement& st : *resp.mutable_statements()) *out->add_statements() = std::move(st);
      if (resp.next_page_token().empty()) return grpc::Status::OK;
      req.set_page_token(resp.next_page_token());
    }
    return grpc::Status::OK;
  }

  // MatchAll while verifying: any error is a failure.
  bool MatchOrFail(int64_t as_of, v1::StatementsPage* out) {
    grpc::Status s = MatchAll(as_of, out);
    if (!s.ok()) {
      Fail(
          absl::StrCat("writer ", id_, ": MatchStatements as_of ", as_of, ": ", s.error_message()));
    }
    return s.ok();
  }

  static std::string Render(const v1::StatementsPage& page) {
    std::vector<std::string> parts;
    for (const v1::Statement& s : page.statements()) {
      parts.push_back(absl::StrCat(s.id(), ":", s.object().entity(), "/", s.evidence_size()));
    }
    std::sort(parts.begin(), parts.end());
    return absl::StrJoin(parts, " ");
  }

  void TakeSample(int64_t at) {
    v1::StatementsPage page;
    // Taken between writes; a kill meanwhile just loses the sample.
    if (!MatchAll(at, &page).ok()) return;
    samples_.push_back({at, Render(page)});
    if (samples_.size() > 40)
      samples_.erase(samples_.begin() + static_cast<std::ptrdiff_t>(rng_() % 40));
  }

  // History of a few acknowledged statements: created, evidence added, and
  // the retraction when one was acknowledged.
  void CheckHistory() {
    std::vector<size_t> known;
    for (size_t i = 0; i < batches_.size(); ++i) {
      if (batches_[i].acknowledged) known.push_back(i);
    }
    for (int n = 0; n < 5 && !known.empty(); ++n) {
      const size_t i = known[rng_() % known.size()];
      v1::HistoryRequest req;
      req.set_statement_id(batches_[i].statement_ids[0]);
      v1::HistoryResponse resp;
      grpc::Status s = provenance_->History(Context().get(), req, &resp);
      if (!s.ok()) {
        Fail(absl::StrCat("writer ", id_, ": History: ", s.error_message()));
        continue;
      }
      std::set<int> types;
      for (const v1::HistoryEvent& e : resp.events()) types.insert(e.type());
      const bool ok =
          types.contains(v1::HistoryEvent::STATEMENT_CREATED) &&
          types.contains(v1::HistoryEvent::EVIDENCE_ADDED) &&
          (!retracted_.contains(i) || types.contains(v1::HistoryEvent::EVIDENCE_RETRACTED));
      if (!ok) {
        ++lost_;
        Fail(absl::StrCat("writer ", id_, ": history of statement ", req.statement_id(),
                          " is incomplete"));
      }
    }
  }

  const int id_;
  std::mt19937 rng_;
  std::ofstream log_;
  std::string subject_;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::GraphService::Stub> graph_;
  std::unique_ptr<v1::ProvenanceService::Stub> provenance_;
  std::vector<Batch> batches_;
  std::vector<size_t> retractable_;  // acknowledged batches whose statement 0 is live
  std::set<size_t> retracted_;       // batches whose statement 0 was retracted
  std::vector<MergePair> pairs_;
  std::vector<Sample> samples_;
  Pending pending_;
  Counts counts_;
  int64_t lost_ = 0, half_visible_ = 0, as_of_mismatches_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::string binary = absl::GetFlag(FLAGS_kgd);
  if (binary.empty()) {
    std::fprintf(stderr, "kg_crash_test: --kgd is required\n");
    return 2;
  }
  uint32_t seed = absl::GetFlag(FLAGS_seed);
  if (seed == 0) seed = std::random_device{}();
  std::filesystem::path work = absl::GetFlag(FLAGS_work);
  if (work.empty()) {
    work = std::filesystem::temp_directory_path() / absl::StrCat("kg-crash-test-", seed);
  }
  std::filesystem::create_directories(work);
  std::printf("crash_test: seed %u, work %s\n", seed, work.c_str());
  std::mt19937 rng(seed);

  Kgd kgd(binary, work);
  std::vector<std::unique_ptr<Writer>> writers;
  for (int w = 0; w < absl::GetFlag(FLAGS_writers); ++w) {
    writers.push_back(
        std::make_unique<Writer>(w, work / absl::StrCat("writer-", w, ".log"), rng()));
  }
  std::vector<double> restart_ms;
  int64_t checks_failed = 0;
  const int cycles = absl::GetFlag(FLAGS_cycles);
  const auto started = Clock::now();
  for (int cycle = 0; cycle < cycles; ++cycle) {
    restart_ms.push_back(kgd.Start());
    for (auto& w : writers) w->Verify(kgd);
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (auto& w : writers) threads.emplace_back([&kgd, &stop, &w] { w->Run(kgd, stop); });
    const int span = absl::GetFlag(FLAGS_max_run_ms) - absl::GetFlag(FLAGS_min_run_ms);
    std::this_thread::sleep_for(std::chrono::milliseconds(
        absl::GetFlag(FLAGS_min_run_ms) + static_cast<int>(rng() % std::max(1, span + 1))));
    kgd.Kill(SIGKILL);
    stop = true;
    for (std::thread& t : threads) t.join();
    if (!kgd.Check()) ++checks_failed;
  }
  // Last: restart, verify, a graceful stop, verify the files once more.
  restart_ms.push_back(kgd.Start());
  for (auto& w : writers) w->Verify(kgd);
  kgd.Kill(SIGTERM);
  if (!kgd.Check()) ++checks_failed;

  Counts total;
  int64_t lost = 0, half = 0, as_of = 0;
  for (const auto& w : writers) {
    total.batches += w->counts().batches;
    total.documents += w->counts().documents;
    total.retractions += w->counts().retractions;
    total.merges += w->counts().merges;
    total.splits += w->counts().splits;
    lost += w->lost();
    half += w->half_visible();
    as_of += w->as_of_mismatches();
  }
  std::vector<double> sorted = restart_ms;
  std::sort(sorted.begin(), sorted.end());
  std::printf(
      "crash_test: %d cycles in %.1f s, %lld writes acknowledged (%lld batches, %lld documents, "
      "%lld retractions, %lld merges, %lld splits), lost %lld, half-visible %lld, as_of "
      "mismatches %lld, failed checks %lld, restart ms p50 %.0f max %.0f\n",
      cycles, Ms(Clock::now() - started) / 1000, static_cast<long long>(total.Total()),
      static_cast<long long>(total.batches), static_cast<long long>(total.documents),
      static_cast<long long>(total.retractions), static_cast<long long>(total.merges),
      static_cast<long long>(total.splits), static_cast<long long>(lost),
      static_cast<long long>(half), static_cast<long long>(as_of),
      static_cast<long long>(checks_failed), sorted[sorted.size() / 2], sorted.back());
  const bool ok = g_failures == 0 && total.Total() > 0;
  if (ok && !absl::GetFlag(FLAGS_keep)) std::filesystem::remove_all(work);
  if (!ok)
    std::printf("crash_test: FAILED (%lld failures); kept %s\n", static_cast<long long>(g_failures),
                work.c_str());
  return ok ? 0 : 1;
}
