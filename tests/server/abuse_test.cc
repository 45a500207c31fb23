// Availability under a hostile client, over the wire: idle and unread
// streams hold no thread, the per-connection and per-principal limits answer
// RESOURCE_EXHAUSTED at once, idle streams are ended, and everything is
// released when the hostile client goes away.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

using Clock = std::chrono::steady_clock;

// A number from /proc/self/status ("VmRSS:" in KiB, "Threads:").
int64_t ProcStatus(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key, 0) != 0) continue;
    std::string digits;
    for (char c : line.substr(key.size())) {
      if (c >= '0' && c <= '9') digits.push_back(c);
    }
    int64_t value = 0;
    if (absl::SimpleAtoi(digits, &value)) return value;
  }
  return -1;
}

class AbuseTest : public ServerTest {
 protected:
  // A channel on a connection of its own (channels with equal arguments
  // would share one).
  // Connected before it is returned: a call started while the connection is
  // still being made fails at once if that attempt does (under load, a
  // stream opened then would be gone before the test counts it).
  std::shared_ptr<grpc::Channel> OwnConnection() {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    std::shared_ptr<grpc::Channel> channel =
        grpc::CreateCustomChannel(Address(), grpc::InsecureChannelCredentials(), args);
    EXPECT_TRUE(
        channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(60)));
    return channel;
  }

  // An idle BulkIngest stream: open, nothing sent.
  struct IdleStream {
    std::unique_ptr<grpc::ClientContext> context;
    v1::BulkIngestResponse response;
    std::unique_ptr<grpc::ClientWriter<v1::AssertRequest>> writer;
  };
  std::unique_ptr<IdleStream> OpenIdle(v1::IngestService::Stub& stub) {
    auto stream = std::make_unique<IdleStream>();
    stream->context = Ctx("alice");
    stream->context->set_wait_for_ready(true);
    stream->writer = stub.BulkIngest(stream->context.get(), &stream->response);
    return stream;
  }

  // Ends each stream from the client and says how each ended, counted by
  // status: one the server admitted ends OK, one it refused with the refusal.
  static std::map<std::string, int> EndStreams(std::vector<std::unique_ptr<IdleStream>>& streams) {
    std::map<std::string, int> ends;
    for (auto& stream : streams) {
      stream->writer->WritesDone();
      const grpc::Status status = stream->writer->Finish();
      ++ends[status.ok() ? "OK" : Describe(status)];
    }
    streams.clear();
    return ends;
  }
  static std::string EndAndDescribe(std::vector<std::unique_ptr<IdleStream>>& streams) {
    std::string out;
    for (const auto& [status, n] : EndStreams(streams)) {
      absl::StrAppend(&out, "\n  ", n, " x ", status);
    }
    return out;
  }

  // True once a call on `channel` is refused for the connection limit.
  static bool ConnectionFull(const std::shared_ptr<grpc::Channel>& channel) {
    auto graph = v1::GraphService::NewStub(channel);
    v1::GetEntityRequest get;
    get.set_id("actor/turkey");
    v1::Entity entity;
    // Bounded by a minute: streams are admitted as the server gets to them.
    for (const auto until = Clock::now() + std::chrono::minutes(1); Clock::now() < until;) {
      grpc::Status status = graph->GetEntity(Ctx("bob").get(), get, &entity);
      if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) return true;
    }
    return false;
  }

  // Probes with GetEntity as `principal` on `probe` until a call is refused
  // for the limit named `limit`, and true then (false after a minute). The
  // server starts streams and calls in no fixed order: a probe may take the
  // last slot before a stream opened earlier is started, and that stream is
  // then refused. So after each probe that is served, one more idle stream
  // is opened on `streams` in its place (one too many is refused at once).
  bool FillUntilRefused(v1::GraphService::Stub& probe, const std::string& principal,
                        const std::string& limit, v1::IngestService::Stub& streams,
                        std::vector<std::unique_ptr<IdleStream>>& idle) {
    v1::GetEntityRequest get;
    get.set_id("actor/turkey");
    v1::Entity entity;
    for (const auto until = Clock::now() + std::chrono::minutes(1); Clock::now() < until;) {
      const grpc::Status status = probe.GetEntity(Ctx(principal).get(), get, &entity);
      if (status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        EXPECT_NE(status.error_message().find(limit), std::string::npos) << Describe(status);
        return true;
      }
      if (!status.ok()) {
        ADD_FAILURE() << Describe(status);
        return false;
      }
      idle.push_back(OpenIdle(streams));
    }
    return false;
  }

  // A health check and a 1-hop Neighbors call on a fresh connection, each
  // with a one-second deadline; returns the slower one's milliseconds.
  double WellBehavedCallMs() {
    std::shared_ptr<grpc::Channel> channel = OwnConnection();
    auto health = grpc::health::v1::Health::NewStub(channel);
    auto graph = v1::GraphService::NewStub(channel);
    const auto t0 = Clock::now();
    grpc::ClientContext health_context;
    health_context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(1));
    grpc::health::v1::HealthCheckResponse health_response;
    grpc::Status status = health->Check(&health_context, {}, &health_response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    const auto t1 = Clock::now();
    auto context = Ctx("bob", std::chrono::seconds(1));
    v1::NeighborsRequest request;
    request.set_id("actor/turkey");
    v1::NeighborsResponse response;
    status = graph->Neighbors(context.get(), request, &response);
    EXPECT_TRUE(status.ok()) << Describe(status);
    EXPECT_GT(response.neighbors_size(), 0);
    const auto t2 = Clock::now();
    return std::max(std::chrono::duration<double, std::milli>(t1 - t0).count(),
                    std::chrono::duration<double, std::milli>(t2 - t1).count());
  }
};

TEST_F(AbuseTest, IdleStreamsHoldNoThread) {
  StopServer();
  options_.limits.max_calls_per_connection = 1000;
  options_.limits.max_calls_per_principal = 5000;
  options_.limits.max_concurrent_streams = 5000;
  options_.limits.stream_idle_timeout = absl::Minutes(10);
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  const int64_t threads_before = ProcStatus("Threads:");

  std::shared_ptr<grpc::Channel> hostile = OwnConnection();
  auto ingest = v1::IngestService::NewStub(hostile);
  std::vector<std::unique_ptr<IdleStream>> idle;
  for (int i = 0; i < 1000; ++i) idle.push_back(OpenIdle(*ingest));
  // 1,000 are open on the server.
  auto probe = v1::GraphService::NewStub(hostile);
  ASSERT_TRUE(FillUntilRefused(*probe, "bob", "max_calls_per_connection", *ingest, idle))
      << EndAndDescribe(idle);
  EXPECT_LT(ProcStatus("Threads:") - threads_before, 100);
  EXPECT_LT(WellBehavedCallMs(), 1000);

  // The hostile client goes away: every stream ends, and its slots free.
  for (auto& stream : idle) stream->context->TryCancel();
  for (auto& stream : idle) {
    const grpc::Status status = stream->writer->Finish();
    if (status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) {  // one refused
      EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED) << Describe(status);
    }
  }
  idle.clear();
  // The server releases the slots as each cancelled stream ends.
  auto graph = v1::GraphService::NewStub(hostile);
  v1::GetEntityRequest get;
  get.set_id("actor/turkey");
  v1::Entity entity;
  grpc::Status status;
  for (const auto until = Clock::now() + std::chrono::minutes(1); Clock::now() < until;) {
    status = graph->GetEntity(Ctx("bob").get(), get, &entity);
    if (status.ok()) break;
  }
  EXPECT_TRUE(status.ok()) << Describe(status);
}

TEST_F(AbuseTest, AHostileClientGetsItsShareAndNoMore) {
  // A star of 3,000 nodes: a traversal's answer outgrows the stream's flow
  // control window, so an unread Traverse stays open on the server.
  v1::AssertRequest star;
  for (int i = 0; i < 3000; ++i) {
    const std::string id = absl::StrCat("actor/group-", i);
    *star.add_entities() = MakeEntity(id, "ArmedGroup", absl::StrCat("Armed group number ", i));
    *star.add_statements() =
        MakeStatement("actor/turkey", "supplies", id, "doc/reuters-1", "outlet/reuters");
  }
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::WriteResponse written;
  ASSERT_TRUE(ingest_->Assert(Ctx().get(), star, &written).ok());
  const int64_t rss_before = ProcStatus("VmRSS:");

  std::shared_ptr<grpc::Channel> hostile = OwnConnection();
  auto ingest = v1::IngestService::NewStub(hostile);
  auto graph = v1::GraphService::NewStub(hostile);
  std::vector<std::unique_ptr<IdleStream>> idle;
  for (int i = 0; i < 1000; ++i) idle.push_back(OpenIdle(*ingest));
  std::vector<std::unique_ptr<grpc::ClientContext>> unread_contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<v1::TraverseResponse>>> unread;
  v1::TraverseRequest traverse;
  traverse.add_seeds("actor/turkey");
  for (int i = 0; i < 1000; ++i) {
    unread_contexts.push_back(Ctx("carol"));
    unread.push_back(graph->Traverse(unread_contexts.back().get(), traverse));
  }
  ASSERT_TRUE(ConnectionFull(hostile));
  EXPECT_LT(WellBehavedCallMs(), 1000);
  EXPECT_LT(ProcStatus("VmRSS:") - rss_before, 256 * 1024) << "KiB grown";

  // Past its 64 calls the connection was refused at once: a refused
  // Traverse has its status waiting, an admitted one its first steps.
  int refused = 0;
  for (size_t i = 0; i < unread.size(); ++i) {
    v1::TraverseResponse first;
    if (!unread[i]->Read(&first)) {
      refused += unread[i]->Finish().error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED;
      unread[i].reset();
    }
  }
  EXPECT_GE(refused, 1000 - options_.limits.max_calls_per_connection);
  for (auto& stream : idle) stream->context->TryCancel();
  for (auto& context : unread_contexts) context->TryCancel();
  for (auto& stream : idle) stream->writer->Finish();
  for (auto& reader : unread) {
    if (reader != nullptr) reader->Finish();
  }
  EXPECT_LT(WellBehavedCallMs(), 1000);
}

TEST_F(AbuseTest, LimitsPerConnectionAndPrincipalAnswerAtOnce) {
  StopServer();
  options_.limits.max_calls_per_connection = 4;
  options_.limits.max_calls_per_principal = 6;
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_NO_FATAL_FAILURE(SeedGraph());

  std::shared_ptr<grpc::Channel> first = OwnConnection();
  auto ingest = v1::IngestService::NewStub(first);
  std::vector<std::unique_ptr<IdleStream>> idle;
  for (int i = 0; i < 4; ++i) idle.push_back(OpenIdle(*ingest));
  // A fifth call on the connection is refused once the four are admitted.
  auto graph = v1::GraphService::NewStub(first);
  ASSERT_TRUE(FillUntilRefused(*graph, "bob", "max_calls_per_connection", *ingest, idle))
      << EndAndDescribe(idle);
  v1::GetEntityRequest get;
  get.set_id("actor/turkey");
  v1::Entity entity;

  // Another connection is served; alice's own share runs out at 6.
  std::shared_ptr<grpc::Channel> second = OwnConnection();
  auto other_ingest = v1::IngestService::NewStub(second);
  EXPECT_TRUE(v1::GraphService::NewStub(second)->GetEntity(Ctx("bob").get(), get, &entity).ok());
  idle.push_back(OpenIdle(*other_ingest));
  idle.push_back(OpenIdle(*other_ingest));
  auto third = v1::GraphService::NewStub(OwnConnection());
  ASSERT_TRUE(FillUntilRefused(*third, "alice", "max_calls_per_principal", *other_ingest, idle))
      << EndAndDescribe(idle);

  // Four on the first connection and two on the second were admitted, the
  // rest refused; ending them frees the slots.
  std::map<std::string, int> ends = EndStreams(idle);
  EXPECT_EQ(ends["OK"], 6);
  for (const auto& [status, n] : ends) {
    if (status != "OK") {
      // Refused by a limit it names: "8: max_calls_per_...".
      EXPECT_EQ(
          status.rfind(absl::StrCat(grpc::StatusCode::RESOURCE_EXHAUSTED, ": max_calls_per_"), 0),
          0u)
          << status;
    }
  }
  EXPECT_TRUE(graph->GetEntity(Ctx("bob").get(), get, &entity).ok());
  EXPECT_TRUE(third->GetEntity(Ctx("alice").get(), get, &entity).ok());
}

TEST_F(AbuseTest, AnIdleStreamIsEnded) {
  StopServer();
  options_.limits.stream_idle_timeout = absl::Seconds(1);
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  std::unique_ptr<IdleStream> stream = OpenIdle(*ingest_);
  // One message, then silence: the message stays applied, the stream ends.
  v1::AssertRequest request;
  *request.add_entities() = MakeEntity("actor/iran", "State", "Iran");
  ASSERT_TRUE(stream->writer->Write(request));
  grpc::Status status = stream->writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << Describe(status);
  EXPECT_NE(status.error_message().find("stream_idle_timeout"), std::string::npos);
  v1::GetEntityRequest get;
  get.set_id("actor/iran");
  v1::Entity entity;
  EXPECT_TRUE(graph_->GetEntity(Ctx().get(), get, &entity).ok());
}

TEST_F(AbuseTest, RateLimitsAnswerWithARetryHint) {
  StopServer();
  options_.limits.write_rate = 0.5;
  options_.limits.write_burst = 2;
  options_.limits.expensive_read_rate = 0.5;
  options_.limits.expensive_read_burst = 1;
  ASSERT_NO_FATAL_FAILURE(StartServer());
  v1::UpsertEntitiesRequest upsert;
  *upsert.add_entities() = MakeEntity("actor/iran", "State", "Iran");
  v1::WriteResponse written;
  EXPECT_TRUE(ingest_->UpsertEntities(Ctx("alice").get(), upsert, &written).ok());
  EXPECT_TRUE(ingest_->UpsertEntities(Ctx("alice").get(), upsert, &written).ok());
  grpc::Status status = ingest_->UpsertEntities(Ctx("alice").get(), upsert, &written);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
  EXPECT_NE(status.error_message().find("retry in"), std::string::npos) << Describe(status);
  // Another principal has a bucket of its own; cheap reads are not limited.
  EXPECT_TRUE(ingest_->UpsertEntities(Ctx("bob").get(), upsert, &written).ok());
  v1::GetEntityRequest get;
  get.set_id("actor/iran");
  v1::Entity entity;
  EXPECT_TRUE(graph_->GetEntity(Ctx("alice").get(), get, &entity).ok());

  v1::FindPathsRequest paths;
  paths.set_from("actor/iran");
  paths.set_to("actor/iran");
  v1::FindPathsResponse found;
  EXPECT_NE(graph_->FindPaths(Ctx("carol").get(), paths, &found).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  status = graph_->FindPaths(Ctx("carol").get(), paths, &found);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
  EXPECT_NE(status.error_message().find("expensive_read_rate"), std::string::npos);
}

}  // namespace
}  // namespace kg::testing
