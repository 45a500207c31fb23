// GraphService.Watch over the wire: changes in commit order with their
// principal and resume token; resuming after a client that went away and
// after a kgd restart, with no gap and no duplicate; filters; a watcher
// that does not read beside a bulk import (the import does not wait for it,
// and it then gets every change); retention's OUT_OF_RANGE; bad requests.

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

using Type = v1::HistoryEvent;

// An open Watch call on its own channel, so that dropping it is a client
// that went away.
struct Watcher {
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<v1::GraphService::Stub> stub;
  std::unique_ptr<grpc::ClientContext> context;
  std::unique_ptr<grpc::ClientReader<v1::ChangeEvent>> reader;
};

class WatchTest : public ServerTest {
 protected:
  std::unique_ptr<Watcher> Open(const v1::WatchRequest& request,
                                std::chrono::seconds deadline = std::chrono::seconds(120)) {
    auto w = std::make_unique<Watcher>();
    w->channel = grpc::CreateChannel(Address(), grpc::InsecureChannelCredentials());
    w->stub = v1::GraphService::NewStub(w->channel);
    w->context = Ctx("tester", deadline);
    w->reader = w->stub->Watch(w->context.get(), request);
    return w;
  }

  // Open, and wait until the server has fixed where the watch starts.
  std::unique_ptr<Watcher> OpenFromNow(v1::WatchRequest request = {}) {
    std::unique_ptr<Watcher> w = Open(request);
    w->reader->WaitForInitialMetadata();
    EXPECT_EQ(w->context->GetServerInitialMetadata().count("kg-watch-from"), 1u);
    return w;
  }

  static v1::WatchRequest FromStart() {
    v1::WatchRequest request;
    request.set_from_start(true);
    return request;
  }

  static v1::WatchRequest From(const std::string& token) {
    v1::WatchRequest request;
    request.set_from(token);
    return request;
  }

  // Reads events up to and including the upsert of entity `marker`.
  static std::vector<v1::ChangeEvent> ReadThrough(Watcher& w, const std::string& marker) {
    std::vector<v1::ChangeEvent> events;
    v1::ChangeEvent event;
    while (w.reader->Read(&event)) {
      events.push_back(event);
      if (event.change().type() == Type::ENTITY_UPSERTED && event.change().entity() == marker) {
        return events;
      }
    }
    ADD_FAILURE() << "the watch ended before " << marker << ": " << Describe(w.reader->Finish());
    return events;
  }

  static std::vector<v1::ChangeEvent> ReadN(Watcher& w, size_t n) {
    std::vector<v1::ChangeEvent> events(n);
    for (size_t i = 0; i < n; ++i) {
      if (!w.reader->Read(&events[i])) {
        ADD_FAILURE() << "the watch ended after " << i << " events";
        events.resize(i);
        break;
      }
    }
    return events;
  }

  // The call's end once it has started (a refused request ends it at once).
  static grpc::Status EndOf(Watcher& w) {
    v1::ChangeEvent event;
    while (w.reader->Read(&event)) {
    }
    return w.reader->Finish();
  }

  static void Close(std::unique_ptr<Watcher> w) {
    w->context->TryCancel();
    EndOf(*w);
  }

  void Upsert(const std::string& id, const std::string& kind = "State") {
    v1::UpsertEntitiesRequest request;
    *request.add_entities() = MakeEntity(id, kind, absl::StrCat("Entity ", id));
    v1::WriteResponse response;
    grpc::Status status = ingest_->UpsertEntities(Ctx("alice").get(), request, &response);
    ASSERT_TRUE(status.ok()) << Describe(status);
  }

  // One line per event: "TYPE entity|subject predicate object principal".
  static std::vector<std::string> Lines(const std::vector<v1::ChangeEvent>& events) {
    std::vector<std::string> lines;
    for (const v1::ChangeEvent& e : events) {
      const std::string what = e.predicate().empty() ? e.change().entity()
                                                     : absl::StrCat(e.subject(), " ", e.predicate(),
                                                                    " ", e.object().entity());
      lines.push_back(
          absl::StrCat(Type::Type_Name(e.change().type()), " ", what, " ", e.change().principal()));
    }
    return lines;
  }

  static std::vector<std::string> Tokens(const std::vector<v1::ChangeEvent>& events) {
    std::vector<std::string> tokens;
    for (const v1::ChangeEvent& e : events) tokens.push_back(e.resume_token());
    return tokens;
  }

  // Many statements through BulkIngest: `n` entities "bulk/<tag>/i", each
  // the subject of one statement with one evidence record.
  void BulkIngest(const std::string& tag, int n) {
    v1::BulkIngestResponse response;
    auto context = Ctx("bulk");
    auto writer = ingest_->BulkIngest(context.get(), &response);
    constexpr int kPerMessage = 500;
    for (int first = 0; first < n; first += kPerMessage) {
      v1::AssertRequest request;
      for (int i = first; i < std::min(n, first + kPerMessage); ++i) {
        const std::string id = absl::StrCat("bulk/", tag, "/", i);
        *request.add_entities() = MakeEntity(id, "ArmedGroup", id);
        *request.add_statements() =
            MakeStatement(id, "opposes", "actor/russia", "doc/tass-1", "outlet/tass");
      }
      ASSERT_TRUE(writer->Write(request));
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    ASSERT_TRUE(status.ok()) << Describe(status);
  }
};

TEST_F(WatchTest, ChangesInCommitOrder) {
  std::unique_ptr<Watcher> w = OpenFromNow();
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::RetractRequest retract;
  retract.set_statement_id(backs_id_);
  retract.set_reason("unsure");
  v1::RetractResponse retracted;
  ASSERT_TRUE(ingest_->Retract(Ctx("bob").get(), retract, &retracted).ok());
  v1::MergeRequest merge;
  merge.set_from("actor/turkey");
  merge.set_into("actor/russia");
  v1::MergeResponse merged;
  ASSERT_TRUE(ingest_->Merge(Ctx("carol").get(), merge, &merged).ok());
  v1::SplitRequest split;
  split.set_entity("actor/turkey");
  ASSERT_TRUE(ingest_->Split(Ctx("carol").get(), split, &merged).ok());
  v1::PurgeRequest purge;
  purge.set_document("doc/tass-1");
  purge.set_reason("court order");
  v1::PurgeResponse purged;
  grpc::Status status = ingest_->Purge(Ctx("dave").get(), purge, &purged);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_NO_FATAL_FAILURE(Upsert("marker/end"));

  const std::vector<v1::ChangeEvent> events = ReadThrough(*w, "marker/end");
  const std::vector<std::string> lines = Lines(events);
  const std::vector<std::string> expected_tail = {
      "EVIDENCE_RETRACTED actor/russia backs gov/syria bob",
      "ENTITY_UPSERTED actor/turkey carol",
      "ENTITY_UPSERTED actor/russia carol",
      "MERGED actor/turkey carol",
      "ENTITY_UPSERTED actor/turkey carol",
      "ENTITY_UPSERTED actor/russia carol",
      "SPLIT actor/turkey carol",
      "PURGED actor/russia backs gov/syria dave",
      "PURGED inc/strike-1 perpetrated_by actor/russia dave",
      "ENTITY_UPSERTED marker/end alice",
  };
  // The seed: 11 entities, 5 statements created, 6 evidence records added.
  ASSERT_EQ(lines.size(), 11 + 5 + 6 + expected_tail.size()) << absl::StrJoin(lines, "\n");
  EXPECT_EQ(lines[0], "ENTITY_UPSERTED outlet/reuters seeder");
  EXPECT_EQ(lines[11], "STATEMENT_CREATED actor/turkey supplies group/nusra seeder");
  EXPECT_EQ(lines[12], "EVIDENCE_ADDED actor/turkey supplies group/nusra seeder");
  EXPECT_EQ(std::vector<std::string>(lines.end() - expected_tail.size(), lines.end()),
            expected_tail);
  int64_t at = 0;
  for (const v1::ChangeEvent& e : events) {
    EXPECT_GE(e.change().at(), at);
    at = e.change().at();
  }
  EXPECT_EQ(events[11].change().at(), seeded_at_);
  EXPECT_EQ(events[11].change().statement_id(), supplies_id_);
  const std::vector<std::string> tokens = Tokens(events);
  EXPECT_EQ(std::set<std::string>(tokens.begin(), tokens.end()).size(), tokens.size());
  Close(std::move(w));
}

TEST_F(WatchTest, ResumesAfterTheClientWentAwayWithNoGapNorDuplicate) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  std::unique_ptr<Watcher> first = Open(FromStart());
  std::vector<v1::ChangeEvent> seen = ReadN(*first, 7);
  ASSERT_EQ(seen.size(), 7u);
  first.reset();  // its channel, call and all: gone without a word
  for (int i = 0; i < 5; ++i) ASSERT_NO_FATAL_FAILURE(Upsert(absl::StrCat("later/", i)));
  ASSERT_NO_FATAL_FAILURE(Upsert("marker/end"));

  std::unique_ptr<Watcher> resumed = Open(From(seen.back().resume_token()));
  std::vector<v1::ChangeEvent> rest = ReadThrough(*resumed, "marker/end");
  seen.insert(seen.end(), rest.begin(), rest.end());
  std::unique_ptr<Watcher> whole = Open(FromStart());
  EXPECT_EQ(Tokens(seen), Tokens(ReadThrough(*whole, "marker/end")));
  // The seed's eighth entity comes next.
  EXPECT_EQ(Lines(rest).front(), "ENTITY_UPSERTED group/nusra seeder");
  Close(std::move(resumed));
  Close(std::move(whole));
}

TEST_F(WatchTest, ResumesAcrossARestartWithNoGapNorDuplicate) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  std::unique_ptr<Watcher> w = OpenFromNow();
  for (int i = 0; i < 3; ++i) ASSERT_NO_FATAL_FAILURE(Upsert(absl::StrCat("before/", i)));
  std::vector<v1::ChangeEvent> seen = ReadN(*w, 2);
  ASSERT_EQ(Lines(seen), (std::vector<std::string>{"ENTITY_UPSERTED before/0 alice",
                                                   "ENTITY_UPSERTED before/1 alice"}));
  Close(std::move(w));
  StopServer();
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_NO_FATAL_FAILURE(Upsert("after/0"));
  ASSERT_NO_FATAL_FAILURE(Upsert("marker/end"));

  std::unique_ptr<Watcher> resumed = Open(From(seen.back().resume_token()));
  EXPECT_EQ(
      Lines(ReadThrough(*resumed, "marker/end")),
      (std::vector<std::string>{"ENTITY_UPSERTED before/2 alice", "ENTITY_UPSERTED after/0 alice",
                                "ENTITY_UPSERTED marker/end alice"}));
  Close(std::move(resumed));
}

TEST_F(WatchTest, Filters) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  ASSERT_NO_FATAL_FAILURE(Upsert("marker/end", "Town"));
  auto read = [&](v1::WatchRequest request) {
    request.set_from_start(true);
    std::unique_ptr<Watcher> w = Open(request);
    // The marker is a Town upsert, which every filter below lets through.
    std::vector<std::string> lines = Lines(ReadThrough(*w, "marker/end"));
    Close(std::move(w));
    lines.pop_back();
    return lines;
  };
  v1::WatchRequest by_type;
  by_type.add_types(Type::STATEMENT_CREATED);
  by_type.add_types(Type::ENTITY_UPSERTED);
  by_type.add_kinds("Town");
  EXPECT_EQ(read(by_type),
            (std::vector<std::string>{
                "ENTITY_UPSERTED loc/khan-sheikhoun seeder",
                "STATEMENT_CREATED loc/khan-sheikhoun located_in loc/idlib seeder",
                "STATEMENT_CREATED inc/strike-1 occurred_in loc/khan-sheikhoun seeder"}));
  v1::WatchRequest by_entity;
  by_entity.add_entities("actor/russia");
  by_entity.add_entities("marker/end");
  EXPECT_EQ(
      read(by_entity),
      (std::vector<std::string>{"ENTITY_UPSERTED actor/russia seeder",
                                "STATEMENT_CREATED actor/russia backs gov/syria seeder",
                                "EVIDENCE_ADDED actor/russia backs gov/syria seeder",
                                "STATEMENT_CREATED inc/strike-1 perpetrated_by actor/russia seeder",
                                "EVIDENCE_ADDED inc/strike-1 perpetrated_by actor/russia seeder",
                                "EVIDENCE_ADDED inc/strike-1 perpetrated_by actor/russia seeder"}));

  // A predicate filter passes statement events only, so no marker passes
  // it: the retraction is the last change it lets through.
  v1::RetractRequest retract;
  retract.set_statement_id(located_in_id_);
  retract.set_reason("wrong town");
  v1::RetractResponse retracted;
  ASSERT_TRUE(ingest_->Retract(Ctx().get(), retract, &retracted).ok());
  v1::WatchRequest by_predicate;
  by_predicate.add_predicates("located_in");
  by_predicate.add_types(Type::EVIDENCE_ADDED);
  by_predicate.add_types(Type::EVIDENCE_RETRACTED);
  by_predicate.set_from_start(true);
  std::unique_ptr<Watcher> w = Open(by_predicate);
  EXPECT_EQ(Lines(ReadN(*w, 2)),
            (std::vector<std::string>{
                "EVIDENCE_ADDED loc/khan-sheikhoun located_in loc/idlib seeder",
                "EVIDENCE_RETRACTED loc/khan-sheikhoun located_in loc/idlib tester"}));
  Close(std::move(w));
}

// The writers never wait for a watcher: a bulk import completes while a
// watcher reads nothing at all, and the watcher then gets every change.
TEST_F(WatchTest, AWatcherThatDoesNotReadNeverSlowsWriters) {
  // The watcher's write stays out while it reads nothing: longer than the
  // import takes on a slow (sanitizer) build.
  StopServer();
  options_.limits.stream_idle_timeout = absl::Minutes(10);
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  constexpr int kStatements = 20000;
  absl::Time start = absl::Now();
  ASSERT_NO_FATAL_FAILURE(BulkIngest("alone", kStatements));
  const absl::Duration alone = absl::Now() - start;

  std::unique_ptr<Watcher> w = OpenFromNow();
  start = absl::Now();
  ASSERT_NO_FATAL_FAILURE(BulkIngest("watched", kStatements));
  const absl::Duration watched = absl::Now() - start;
  ASSERT_NO_FATAL_FAILURE(Upsert("marker/end"));

  // Every entity, statement and evidence record of the import, once each.
  start = absl::Now();
  const std::vector<v1::ChangeEvent> events = ReadThrough(*w, "marker/end");
  std::printf(
      "BulkIngest of %d statements: %s alone, %s beside a watcher that reads nothing; the "
      "watcher then caught up on %zu changes in %s\n",
      kStatements, absl::FormatDuration(alone).c_str(), absl::FormatDuration(watched).c_str(),
      events.size(), absl::FormatDuration(absl::Now() - start).c_str());
  ASSERT_EQ(events.size(), 3u * kStatements + 1);
  std::set<std::string> tokens, upserted, created;
  for (const v1::ChangeEvent& e : events) {
    EXPECT_TRUE(tokens.insert(e.resume_token()).second);
    if (e.change().type() == Type::ENTITY_UPSERTED) upserted.insert(e.change().entity());
    if (e.change().type() == Type::STATEMENT_CREATED) created.insert(e.subject());
  }
  EXPECT_EQ(upserted.size(), kStatements + 1u);
  EXPECT_EQ(created.size(), static_cast<size_t>(kStatements));
  EXPECT_EQ(events[0].change().entity(), "bulk/watched/0");
  Close(std::move(w));
}

// Waiting for changes is not idleness: a watcher outlives the stream idle
// timeout.
TEST_F(WatchTest, WaitingOutlivesTheStreamIdleTimeout) {
  StopServer();
  options_.limits.stream_idle_timeout = absl::Seconds(1);
  ASSERT_NO_FATAL_FAILURE(StartServer());
  std::unique_ptr<Watcher> w = OpenFromNow();
  absl::SleepFor(absl::Seconds(3));  // the time passing is what is tested
  ASSERT_NO_FATAL_FAILURE(Upsert("marker/end"));
  EXPECT_EQ(Lines(ReadThrough(*w, "marker/end")),
            std::vector<std::string>{"ENTITY_UPSERTED marker/end alice"});
  Close(std::move(w));
}

// A watch never ends by itself; a shutdown ends it at once (UNAVAILABLE)
// instead of waiting out its grace period for it.
TEST_F(WatchTest, AShutdownEndsWatchesWithoutWaitingOutTheGrace) {
  std::unique_ptr<Watcher> w = OpenFromNow();
  const absl::Time start = absl::Now();
  server_->Shutdown(absl::Seconds(60));
  EXPECT_LT(absl::Now() - start, absl::Seconds(30));
  const grpc::Status status = EndOf(*w);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE) << Describe(status);
}

TEST_F(WatchTest, ATokenOlderThanRetentionIsOutOfRange) {
  StopServer();
  options_.change_feed_retention = absl::Seconds(1);
  ASSERT_NO_FATAL_FAILURE(StartServer());
  ASSERT_NO_FATAL_FAILURE(Upsert("early/0"));
  ASSERT_NO_FATAL_FAILURE(Upsert("early/1"));
  std::unique_ptr<Watcher> w = Open(FromStart());
  const std::string token = ReadN(*w, 1).at(0).resume_token();
  Close(std::move(w));
  // kgd trims once a second: wait (bounded) until it has trimmed past it.
  grpc::Status status;
  for (absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;
       absl::SleepFor(absl::Milliseconds(200))) {
    std::unique_ptr<Watcher> again = Open(From(token), std::chrono::seconds(1));
    status = EndOf(*again);
    if (status.error_code() == grpc::StatusCode::OUT_OF_RANGE) break;
  }
  ASSERT_EQ(status.error_code(), grpc::StatusCode::OUT_OF_RANGE) << Describe(status);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "from: ")) << status.error_message();
}

TEST_F(WatchTest, BadRequestsNameTheField) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  auto refused = [&](const v1::WatchRequest& request) {
    std::unique_ptr<Watcher> w = Open(request);
    return EndOf(*w);
  };
  v1::MatchStatementsRequest match;
  match.set_page_size(1);
  v1::StatementsPage page;
  ASSERT_TRUE(graph_->MatchStatements(Ctx().get(), match, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  for (const std::string& token :
       {std::string(""), std::string("garbage"), page.next_page_token(), std::string(300, 'A')}) {
    grpc::Status status = refused(From(token));
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << token;
    EXPECT_TRUE(absl::StartsWith(status.error_message(), "from: ")) << status.error_message();
  }
  v1::WatchRequest bad_type;
  bad_type.add_types(static_cast<Type::Type>(99));
  grpc::Status status = refused(bad_type);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "types[0]: ")) << status.error_message();
  v1::WatchRequest long_id;
  long_id.add_entities(std::string(300, 'x'));
  status = refused(long_id);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "entities[0]")) << status.error_message();
}

}  // namespace
}  // namespace kg::testing
