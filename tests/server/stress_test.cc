// A bounded stress run against the kgd binary: writers, readers, traversals
// with deadlines, merges and splits at once for a few seconds. Every read
// checks its snapshot: no batch half visible, and each statement's
// corroboration equal to Corroborate() over the evidence the same read
// returned. kgd's RSS stays flat, a SIGTERM under the load exits 0, and
// after a restart every acknowledged write is there and `kgd --check`
// finds the data directory consistent.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "kg/v1/kg.grpc.pb.h"
#include "server/convert.h"
#include "storage/corroboration.h"
#include "tests/testing/test_util.h"

namespace kg::testing {
namespace {

namespace v1 = ::kg::v1;
using Clock = std::chrono::steady_clock;

constexpr int kWriters = 3, kReaders = 2, kPerBatch = 3, kObjects = 8, kPairs = 3;
constexpr auto kRun = std::chrono::seconds(8);

std::unique_ptr<grpc::ClientContext> Ctx(int ms = 10000) {
  auto c = std::make_unique<grpc::ClientContext>();
  c->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(ms));
  return c;
}

v1::Entity Entity(const std::string& id, const std::string& kind) {
  v1::Entity e;
  e.set_id(id);
  e.set_kind(kind);
  e.set_label(id);
  return e;
}

class StressTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }

  void Start() {
    const std::string port_file = dir_.Sub("port");
    std::remove(port_file.c_str());
    pid_ = fork();
    if (pid_ == 0) {
      const std::string data = absl::StrCat("--data_dir=", dir_.Sub("data"));
      const std::string port = absl::StrCat("--port_file=", port_file);
      execl(KGD_BINARY, KGD_BINARY, "--listen=127.0.0.1:0", "--http_listen=127.0.0.1:0",
            data.c_str(), port.c_str(), "--grace_period=10", static_cast<char*>(nullptr));
      _exit(127);
    }
    int port = 0;
    for (int i = 0; i < 3000 && port == 0; ++i) {
      std::ifstream in(port_file);
      if (!(in >> port)) port = 0;
      if (port == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_GT(port, 0) << "kgd did not start";
    address_ = absl::StrCat("127.0.0.1:", port);
  }

  std::shared_ptr<grpc::Channel> Channel(int tag) {
    grpc::ChannelArguments args;
    args.SetInt("stress-channel", tag);
    return grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args);
  }

  int64_t RssKb() {
    std::ifstream in(absl::StrCat("/proc/", pid_, "/status"));
    std::string key;
    int64_t kb = 0;
    while (in >> key) {
      if (key == "VmRSS:") {
        in >> kb;
        break;
      }
    }
    return kb;
  }

  void Fail(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    if (failures_.size() < 20) failures_.push_back(what);
  }

  TempDir dir_;
  pid_t pid_ = -1;
  std::string address_;
  std::mutex mu_;
  std::vector<std::string> failures_;
};

// A listed statement's evidence, all of it: a listing carries a few records
// per statement and a token that reads the rest through Explain, as of the
// same transaction time.
std::vector<v1::Evidence> AllEvidence(v1::ProvenanceService::Stub& provenance,
                                      const v1::Statement& statement, grpc::Status* status) {
  std::vector<v1::Evidence> all(statement.evidence().begin(), statement.evidence().end());
  std::string token = statement.evidence_page_token();
  while (!token.empty() && status->ok()) {
    v1::ExplainRequest request;
    request.set_statement_id(statement.id());
    request.set_evidence_page_size(1000);
    request.set_evidence_page_token(token);
    v1::ExplainResponse response;
    grpc::ClientContext context;
    *status = provenance.Explain(&context, request, &response);
    all.insert(all.end(), response.statement().evidence().begin(),
               response.statement().evidence().end());
    token = response.statement().evidence_page_token();
  }
  return all;
}

TEST_F(StressTest, EveryReadIsASnapshotMemoryStaysFlatAndSigtermLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(Start());
  {
    auto ingest = v1::IngestService::NewStub(Channel(0));
    v1::AssertRequest seed;
    *seed.add_entities() = Entity("st/s", "State");
    *seed.add_entities() = Entity("st/d", "Document");
    for (int p = 0; p < 4; ++p)
      *seed.add_entities() = Entity(absl::StrCat("st/p", p), "MediaOutlet");
    for (int o = 0; o < kObjects; ++o)
      *seed.add_entities() = Entity(absl::StrCat("st/o", o), "State");
    for (int m = 0; m < kPairs; ++m) {
      *seed.add_entities() = Entity(absl::StrCat("st/m", m, "a"), "State");
      *seed.add_entities() = Entity(absl::StrCat("st/m", m, "b"), "State");
      v1::Statement* s = seed.add_statements();
      s->set_subject(absl::StrCat("st/m", m, "a"));
      s->set_predicate("backs");
      s->mutable_object()->set_entity("st/s");
      v1::Evidence* e = s->add_evidence();
      e->set_document("st/d");
      e->set_publisher("st/p0");
      e->set_excerpt(absl::StrCat("pair ", m));
    }
    v1::WriteResponse r;
    grpc::Status s = ingest->Assert(Ctx().get(), seed, &r);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::atomic<bool> stop{false}, terminated{false};
  std::mutex acked_mu;
  std::set<std::string> acked;  // evidence ids of acknowledged batches
  std::atomic<int64_t> writes{0}, reads{0}, traversals{0}, merges{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      auto ingest = v1::IngestService::NewStub(Channel(1 + w));
      std::mt19937 rng(w);
      for (int n = 0; !stop.load(); ++n) {
        v1::AssertRequest req;
        for (int k = 0; k < kPerBatch; ++k) {
          v1::Statement* s = req.add_statements();
          s->set_subject("st/s");
          s->set_predicate("backs");
          s->mutable_object()->set_entity(absl::StrCat("st/o", rng() % kObjects));
          v1::Evidence* e = s->add_evidence();
          e->set_document("st/d");
          e->set_publisher(absl::StrCat("st/p", rng() % 4));
          e->set_confidence(static_cast<double>(rng() % 100) / 100);
          e->set_stance(rng() % 5 == 0 ? v1::DENIES : v1::ASSERTS);
          e->set_excerpt(absl::StrCat("b:", w, ":", n, ":", k));
        }
        v1::WriteResponse r;
        grpc::Status s = ingest->Assert(Ctx().get(), req, &r);
        if (!s.ok()) {
          if (!terminated.load()) Fail(absl::StrCat("Assert: ", s.error_message()));
          return;
        }
        ++writes;
        std::lock_guard<std::mutex> lock(acked_mu);
        for (const v1::StatementRef& ref : r.statements()) acked.insert(ref.evidence_ids(0));
      }
    });
  }
  threads.emplace_back([&] {
    auto ingest = v1::IngestService::NewStub(Channel(10));
    for (int i = 0; !stop.load(); ++i) {
      const std::string a = absl::StrCat("st/m", i % kPairs, "a");
      v1::MergeRequest merge;
      merge.set_from(a);
      merge.set_into(absl::StrCat("st/m", i % kPairs, "b"));
      v1::MergeResponse r;
      grpc::Status s = ingest->Merge(Ctx().get(), merge, &r);
      if (s.ok()) {
        v1::SplitRequest split;
        split.set_entity(a);
        s = ingest->Split(Ctx().get(), split, &r);
      }
      if (!s.ok()) {
        if (!terminated.load()) Fail(absl::StrCat("Merge/Split: ", s.error_message()));
        return;
      }
      ++merges;
    }
  });
  for (int r = 0; r < kReaders; ++r) {
    threads.emplace_back([&, r] {
      auto graph = v1::GraphService::NewStub(Channel(20 + r));
      auto provenance = v1::ProvenanceService::NewStub(Channel(20 + r));
      while (!stop.load()) {
        v1::MatchStatementsRequest req;
        req.set_subject("st/s");
        req.set_page_size(1000);
        v1::StatementsPage page;
        grpc::Status s = graph->MatchStatements(Ctx().get(), req, &page);
        if (!s.ok()) {
          if (!terminated.load()) Fail(absl::StrCat("MatchStatements: ", s.error_message()));
          return;
        }
        std::map<std::string, int> per_batch;
        for (const v1::Statement& st : page.statements()) {
          std::vector<Evidence> evidence;
          const std::vector<v1::Evidence> read = AllEvidence(*provenance, st, &s);
          if (!s.ok()) {
            if (!terminated.load()) Fail(absl::StrCat("Explain: ", s.error_message()));
            return;
          }
          for (const v1::Evidence& e : read) {
            absl::StatusOr<Evidence> converted = server::EvidenceFromProto(e, "evidence");
            if (!converted.ok()) {
              Fail(std::string(converted.status().message()));
              continue;
            }
            evidence.push_back(*converted);
            const std::string& x = e.excerpt();
            per_batch[x.substr(0, x.rfind(':'))]++;
          }
          std::vector<const Evidence*> selected;
          for (const Evidence& e : evidence) selected.push_back(&e);
          v1::Corroboration expected;
          server::CorroborationToProto(Corroborate(selected), &expected);
          const v1::Corroboration& got = st.corroboration();
          if (got.evidence_count() != expected.evidence_count() ||
              got.independent_sources() != expected.independent_sources() ||
              got.publishers() != expected.publishers() ||
              got.supporting() != expected.supporting() || got.denying() != expected.denying() ||
              got.disputed() != expected.disputed() ||
              std::abs(got.confidence() - expected.confidence()) > 1e-9) {
            Fail(absl::StrCat("statement ", st.id(), ": summary ", got.ShortDebugString(),
                              " but the evidence read gives ", expected.ShortDebugString()));
          }
        }
        for (const auto& [batch, n] : per_batch) {
          if (n != kPerBatch) Fail(absl::StrCat("batch ", batch, " half visible: ", n));
        }
        ++reads;
        // A traversal with a tight deadline: finishes or runs out of time.
        v1::TraverseRequest t;
        t.add_seeds("st/s");
        t.set_direction(v1::BOTH);
        t.set_max_depth(3);
        auto context = Ctx(20);
        auto stream = graph->Traverse(context.get(), t);
        v1::TraverseResponse step;
        while (stream->Read(&step)) {
        }
        s = stream->Finish();
        if (!s.ok() && s.error_code() != grpc::StatusCode::DEADLINE_EXCEEDED &&
            !terminated.load()) {
          Fail(absl::StrCat("Traverse: ", s.error_code(), " ", s.error_message()));
        }
        ++traversals;
      }
    });
  }

  // RSS once the load is on, and at the end.
  std::this_thread::sleep_for(kRun / 4);
  const int64_t rss_early = RssKb();
  std::this_thread::sleep_for(kRun * 3 / 4);
  const int64_t rss_late = RssKb();
  // SIGTERM under the load: in-flight calls finish, kgd exits 0.
  terminated = true;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  stop = true;
  for (std::thread& t : threads) t.join();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "kgd exit status " << status;
  for (const std::string& f : failures_) ADD_FAILURE() << f;
  std::printf(
      "stress: %lld writes, %lld snapshot reads, %lld traversals, %lld merge+splits; "
      "kgd RSS %lld kB after a quarter, %lld kB at the end\n",
      static_cast<long long>(writes.load()), static_cast<long long>(reads.load()),
      static_cast<long long>(traversals.load()), static_cast<long long>(merges.load()),
      static_cast<long long>(rss_early), static_cast<long long>(rss_late));
  EXPECT_GT(writes.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_GT(merges.load(), 0);
  // Flat: the memtable and caches grow with the data, a leak with the calls.
  // Under AddressSanitizer freed memory sits in its quarantine (256 MiB) and
  // RSS says nothing about leaks; LeakSanitizer checks kgd at exit instead.
#ifndef __SANITIZE_ADDRESS__
  EXPECT_LT(rss_late, rss_early + 96 * 1024) << "RSS grew from " << rss_early << " kB";
#endif

  // Every acknowledged write is there after a restart.
  ASSERT_NO_FATAL_FAILURE(Start());
  auto graph = v1::GraphService::NewStub(Channel(99));
  auto provenance = v1::ProvenanceService::NewStub(Channel(99));
  v1::MatchStatementsRequest req;
  req.set_subject("st/s");
  req.set_page_size(1000);
  v1::StatementsPage page;
  grpc::Status s = graph->MatchStatements(Ctx().get(), req, &page);
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::set<std::string> present;
  for (const v1::Statement& st : page.statements()) {
    for (const v1::Evidence& e : AllEvidence(*provenance, st, &s)) present.insert(e.id());
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  int64_t lost = 0;
  for (const std::string& id : acked) lost += present.contains(id) ? 0 : 1;
  EXPECT_EQ(lost, 0) << "of " << acked.size() << " acknowledged";
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  const std::string check = absl::StrCat(KGD_BINARY, " --check --data_dir=", dir_.Sub("data"),
                                         " > ", dir_.Sub("check.log"), " 2>&1");
  EXPECT_EQ(std::system(check.c_str()), 0) << ReadFile(dir_.Sub("check.log"));
}

}  // namespace
}  // namespace kg::testing
