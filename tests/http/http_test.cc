// kgd's HTTP side over the wire: a real KgServer with authentication on, its
// HttpServer on 127.0.0.1 port 0, and httplib's client. Every route family
// with its success and error codes, the body limit, NDJSON streams both
// ways, TLS, the limits and the audit applying to HTTP callers, and
// /metrics scraped and parsed around known workloads.

#include <fcntl.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "http/http_server.h"
#include "kg/v1/kg.grpc.pb.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

namespace pb = ::google::protobuf;

struct Reply {
  int status = 0;  // 0: no answer (the connection failed)
  std::string body;
  std::string content_type;
  std::string allow;
};

// {"code":5,"status":"NOT_FOUND","message":"..."}
struct ErrorBody {
  int code = -1;
  std::string status;
  std::string message;
};

ErrorBody ParseError(const std::string& body) {
  pb::Struct parsed;
  ErrorBody error;
  if (!pb::util::JsonStringToMessage(body, &parsed).ok()) {
    ADD_FAILURE() << "not JSON: " << body;
    return error;
  }
  const auto& f = parsed.fields();
  if (f.contains("code")) error.code = static_cast<int>(f.at("code").number_value());
  if (f.contains("status")) error.status = f.at("status").string_value();
  if (f.contains("message")) error.message = f.at("message").string_value();
  return error;
}

template <class M>
M ParseAs(absl::string_view json) {
  M message;
  const auto parsed =
      pb::util::JsonStringToMessage(pb::StringPiece(json.data(), json.size()), &message);
  EXPECT_TRUE(parsed.ok()) << parsed.ToString() << " in " << json;
  return message;
}

std::string Json(const pb::Message& message) {
  std::string json;
  EXPECT_TRUE(pb::util::MessageToJsonString(message, &json).ok());
  return json;
}

// The non-empty lines of an NDJSON body.
std::vector<std::string> Lines(const std::string& body) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(body, '\n', absl::SkipEmpty())) {
    lines.emplace_back(line);
  }
  return lines;
}

// Prometheus text -> {"name{labels}": value}; every sample line must parse.
std::map<std::string, double> ParseMetrics(const std::string& text) {
  std::map<std::string, double> samples;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    if (absl::StartsWith(line, "#")) continue;
    const size_t space = line.rfind(' ');
    double value = 0;
    if (space == absl::string_view::npos || !absl::SimpleAtod(line.substr(space + 1), &value)) {
      ADD_FAILURE() << "not a sample: " << line;
      continue;
    }
    samples[std::string(line.substr(0, space))] = value;
  }
  return samples;
}

double Sample(const std::map<std::string, double>& samples, const std::string& key) {
  auto it = samples.find(key);
  return it == samples.end() ? 0 : it->second;
}

class HttpTest : public ServerTest {
 protected:
  void SetUp() override {
    SetOptions();
    for (const char* principal : {"tester", "seeder", "alice"}) AddCredential(principal, "admin");
    AddCredential("rita", "reader");
    AddCredential("walt", "writer");
    Configure();
    ASSERT_NO_FATAL_FAILURE(StartServer());
    ASSERT_NO_FATAL_FAILURE(StartHttp());
  }
  void TearDown() override {
    StopHttp();
    ServerTest::TearDown();
  }

  // Before the servers start: options_ and http_options_ may be changed.
  virtual void Configure() {}

  void StartHttp() {
    http_options_.listen = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<http::HttpServer>> started =
        http::HttpServer::Start(*server_, options_, http_options_);
    ASSERT_TRUE(started.ok()) << started.status();
    http_ = *std::move(started);
    client_ = NewClient();
  }
  void StopHttp() {
    client_.reset();
    if (http_ != nullptr) http_->Shutdown(absl::Seconds(5));
    http_.reset();
  }

  virtual std::unique_ptr<httplib::Client> NewClient() {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", http_->port());
    client->set_read_timeout(120, 0);
    return client;
  }

  static httplib::Headers AuthAs(const std::string& principal) {
    if (principal.empty()) return {};
    return {{"Authorization", absl::StrCat("Bearer ", TokenOf(principal))}};
  }

  static Reply ToReply(const httplib::Result& result) {
    Reply reply;
    if (!result) return reply;
    reply.status = result->status;
    reply.body = result->body;
    reply.content_type = result->get_header_value("Content-Type");
    reply.allow = result->get_header_value("Allow");
    return reply;
  }

  // POST `body` to `path` as `principal` ("" = no token).
  Reply Post(const std::string& path, const std::string& body,
             const std::string& principal = "tester") {
    return ToReply(client_->Post(path.c_str(), AuthAs(principal), body, "application/json"));
  }
  Reply Get(const std::string& path, const std::string& principal = "tester") {
    return ToReply(client_->Get(path.c_str(), AuthAs(principal)));
  }

  // An rpc's error reply: its HTTP status, and the gRPC code and name in
  // the body.
  static void ExpectError(const Reply& reply, int http_status, grpc::StatusCode code,
                          absl::string_view status_name, absl::string_view message_part = "") {
    EXPECT_EQ(reply.status, http_status) << reply.body;
    EXPECT_EQ(reply.content_type, "application/json");
    const ErrorBody error = ParseError(reply.body);
    EXPECT_EQ(error.code, static_cast<int>(code)) << reply.body;
    EXPECT_EQ(error.status, status_name) << reply.body;
    EXPECT_TRUE(absl::StrContains(error.message, message_part)) << reply.body;
  }

  std::map<std::string, double> Scrape(const std::string& principal = "tester") {
    const Reply reply = Get("/metrics", principal);
    EXPECT_EQ(reply.status, 200) << reply.body;
    EXPECT_TRUE(absl::StartsWith(reply.content_type, "text/plain; version=0.0.4"))
        << reply.content_type;
    return ParseMetrics(reply.body);
  }

  http::HttpOptions http_options_;
  std::unique_ptr<http::HttpServer> http_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HttpTest, UnaryReadsAnswerWhatGrpcAnswers) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::GetEntityRequest get;
  get.set_id("actor/turkey");
  const Reply reply = Post("/v1/GraphService/GetEntity", Json(get));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "application/json");
  v1::Entity over_grpc;
  ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &over_grpc).ok());
  const v1::Entity over_http = ParseAs<v1::Entity>(reply.body);
  EXPECT_TRUE(pb::util::MessageDifferencer::Equals(over_http, over_grpc))
      << over_http.DebugString() << " vs " << over_grpc.DebugString();
  EXPECT_EQ(over_http.aliases_size(), 1);

  // Field names as in the .proto are accepted too; defaults are printed.
  const Reply explained = Post("/v1/ProvenanceService/Explain",
                               absl::StrCat("{\"statement_id\":\"", supplies_id_, "\"}"));
  ASSERT_EQ(explained.status, 200) << explained.body;
  const auto explain = ParseAs<v1::ExplainResponse>(explained.body);
  ASSERT_EQ(explain.statement().evidence_size(), 1);
  EXPECT_EQ(explain.statement().evidence(0).excerpt(), "actor/turkey supplies group/nusra");

  // An empty body is the empty request.
  const Reply who = Post("/v1/AdminService/WhoAmI", "", "rita");
  ASSERT_EQ(who.status, 200) << who.body;
  const auto whoami = ParseAs<v1::WhoAmIResponse>(who.body);
  EXPECT_EQ(whoami.principal(), "rita");
  EXPECT_EQ(whoami.role(), "reader");

  const Reply stats = Post("/v1/AdminService/GetStats", "{}");
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(ParseAs<v1::GetStatsResponse>(stats.body).statements(), 5);

  v1::SearchEntitiesRequest search;
  search.set_query("Khan");
  const Reply found = Post("/v1/GraphService/SearchEntities", Json(search));
  ASSERT_EQ(found.status, 200) << found.body;
  const auto results = ParseAs<v1::SearchEntitiesResponse>(found.body);
  ASSERT_GE(results.entities_size(), 1);
  EXPECT_EQ(results.entities(0).id(), "loc/khan-sheikhoun");
}

TEST_F(HttpTest, WritesGoThroughAndAreAuditedWithTheHttpPeer) {
  v1::AssertRequest request;
  *request.add_entities() = MakeEntity("outlet/reuters", "MediaOutlet", "Reuters");
  *request.add_entities() = MakeDocument("doc/r1", "outlet/reuters", "2019-05-11");
  *request.add_entities() = MakeEntity("actor/turkey", "State", "Turkey");
  *request.add_entities() = MakeEntity("group/nusra", "ArmedGroup", "Jabhat al-Nusra");
  *request.add_statements() =
      MakeStatement("actor/turkey", "supplies", "group/nusra", "doc/r1", "outlet/reuters");
  const Reply reply = Post("/v1/IngestService/Assert", Json(request), "walt");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto written = ParseAs<v1::WriteResponse>(reply.body);
  EXPECT_EQ(written.statements_created(), 1);
  EXPECT_EQ(written.evidence_added(), 1);

  v1::GetEntityRequest get;
  get.set_id("group/nusra");
  v1::Entity entity;
  ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &entity).ok());
  EXPECT_EQ(entity.updated_by(), "walt");

  // A gRPC client cannot pose as an HTTP connection: without the server's
  // key the header is ignored and its own peer recorded.
  auto spoofing = Ctx("alice");
  spoofing->AddMetadata("x-kg-http-peer", "1.2.3.4:5");
  v1::UpsertEntitiesRequest upsert;
  *upsert.add_entities() = MakeEntity("actor/russia", "State", "Russia");
  v1::WriteResponse upserted;
  ASSERT_TRUE(ingest_->UpsertEntities(spoofing.get(), upsert, &upserted).ok());

  v1::ListAuditRequest audit_request;
  v1::ListAuditResponse audit;
  ASSERT_TRUE(admin_->ListAudit(Ctx().get(), audit_request, &audit).ok());
  std::map<std::string, std::string> peer_of;
  for (const v1::AuditEntry& e : audit.entries()) peer_of[e.principal()] = e.peer();
  EXPECT_TRUE(absl::StartsWith(peer_of["walt"], "http:127.0.0.1:")) << peer_of["walt"];
  EXPECT_TRUE(absl::StartsWith(peer_of["alice"], "ipv4:127.0.0.1:")) << peer_of["alice"];
}

TEST_F(HttpTest, ErrorsMapToHttpStatusesWithTheGrpcStatusInTheBody) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  const std::string get = R"({"id":"actor/turkey"})";
  // Authentication and roles: the gate's, unchanged.
  ExpectError(Post("/v1/GraphService/GetEntity", get, ""), 401, grpc::StatusCode::UNAUTHENTICATED,
              "UNAUTHENTICATED", "authentication required");
  ExpectError(
      ToReply(client_->Post("/v1/GraphService/GetEntity", {{"Authorization", "Bearer not-a-token"}},
                            get, "application/json")),
      401, grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED", "unknown token");
  ExpectError(ToReply(client_->Post("/v1/GraphService/GetEntity", {{"Authorization", "Basic x"}},
                                    get, "application/json")),
              401, grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED", "Bearer");
  ExpectError(Post("/v1/IngestService/UpsertEntities",
                   R"({"entities":[{"id":"actor/x","kind":"State","label":"X"}]})", "rita"),
              403, grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED", "write permission");
  // The store's and the services' answers.
  ExpectError(Post("/v1/GraphService/GetEntity", R"({"id":"actor/nobody"})"), 404,
              grpc::StatusCode::NOT_FOUND, "NOT_FOUND", "actor/nobody");
  ExpectError(Post("/v1/GraphService/GetEntity", R"({"id":""})"), 400,
              grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT", "id");
  ExpectError(Post("/v1/GraphService/SearchEntities", R"({"query":"a","pageSize":5000})"), 429,
              grpc::StatusCode::RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED", "page_size");
  // The JSON itself.
  ExpectError(Post("/v1/GraphService/GetEntity", R"({"id": )"), 400,
              grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT",
              "request body: not a JSON kg.v1.GetEntityRequest");
  ExpectError(Post("/v1/GraphService/GetEntity", R"({"identifier":"actor/turkey"})"), 400,
              grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT", "identifier");
  ExpectError(Post("/v1/GraphService/Traverse", R"({"maxDepth":"deep"})"), 400,
              grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT", "max_depth");
  // Routes.
  ExpectError(Post("/v1/GraphService/NoSuchMethod", "{}"), 404, grpc::StatusCode::NOT_FOUND,
              "NOT_FOUND", "kg.v1.GraphService/NoSuchMethod");
  ExpectError(Post("/v1/NoSuchService/GetEntity", "{}"), 404, grpc::StatusCode::NOT_FOUND,
              "NOT_FOUND", "kg.v1.NoSuchService");
  ExpectError(Post("/v2/GraphService/GetEntity", "{}"), 404, grpc::StatusCode::NOT_FOUND,
              "NOT_FOUND", "no route POST /v2/GraphService/GetEntity");
  ExpectError(Post("/v1/GraphService/Watch", "{}"), 501, grpc::StatusCode::UNIMPLEMENTED,
              "UNIMPLEMENTED", "gRPC only");
  const Reply wrong_method = Get("/v1/GraphService/GetEntity");
  ExpectError(wrong_method, 405, grpc::StatusCode::UNIMPLEMENTED, "UNIMPLEMENTED", "use POST");
  EXPECT_EQ(wrong_method.allow, "POST");
  const Reply deleted = ToReply(client_->Delete("/metrics", AuthAs("tester")));
  ExpectError(deleted, 405, grpc::StatusCode::UNIMPLEMENTED, "UNIMPLEMENTED", "use GET");
  EXPECT_EQ(deleted.allow, "GET");
  ExpectError(ToReply(client_->Put("/v1/GraphService/GetEntity", AuthAs("tester"), "{}",
                                   "application/json")),
              405, grpc::StatusCode::UNIMPLEMENTED, "UNIMPLEMENTED", "use POST");
  ExpectError(Get("/no/such/page"), 404, grpc::StatusCode::NOT_FOUND, "NOT_FOUND",
              "no route GET /no/such/page");
  // A header that cannot become metadata.
  ExpectError(
      ToReply(client_->Post("/v1/GraphService/GetEntity", {{"Authorization", "Bearer \x01token"}},
                            get, "application/json")),
      400, grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT", "Authorization");
  // A web page cannot use the user's local kgd: cross-origin writes, and
  // requests under another name (DNS rebinding), are refused.
  const std::string upsert = R"({"entities":[{"id":"actor/x","kind":"State","label":"X"}]})";
  ExpectError(ToReply(client_->Post("/v1/IngestService/UpsertEntities",
                                    {{"Origin", "http://evil.example"}}, upsert, "text/plain")),
              403, grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED", "cross-origin");
  ExpectError(ToReply(client_->Get("/metrics", {{"Host", "evil.example:7401"}})), 403,
              grpc::StatusCode::PERMISSION_DENIED, "PERMISSION_DENIED", "not a loopback name");
  // The page kgd serves itself is of the same origin.
  httplib::Headers same_origin = AuthAs("tester");
  same_origin.emplace("Origin", absl::StrCat("http://127.0.0.1:", http_->port()));
  EXPECT_EQ(ToReply(client_->Post("/v1/AdminService/WhoAmI", same_origin, "{}", "application/json"))
                .status,
            200);
  // None of it changed anything.
  v1::GetStatsResponse stats;
  ASSERT_TRUE(admin_->GetStats(Ctx().get(), v1::GetStatsRequest(), &stats).ok());
  EXPECT_EQ(stats.entities(), 11);
}

TEST_F(HttpTest, BodiesPastTheLimitAre413AndTheServerGoesOn) {
  StopHttp();
  http_options_.max_body_bytes = 64 << 10;
  ASSERT_NO_FATAL_FAILURE(StartHttp());
  const std::string big = absl::StrCat(R"({"id":")", std::string(70 << 10, 'x'), R"("})");
  const Reply reply = Post("/v1/GraphService/GetEntity", big);
  ExpectError(reply, 413, grpc::StatusCode::RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED",
              "larger than the limit of 65536 bytes");
  // Within the limit it is the rpc's own bound that answers.
  const std::string long_id = absl::StrCat(R"({"id":")", std::string(1000, 'x'), R"("})");
  ExpectError(Post("/v1/GraphService/GetEntity", long_id), 400, grpc::StatusCode::INVALID_ARGUMENT,
              "INVALID_ARGUMENT", "id");
  client_ = NewClient();
  EXPECT_EQ(Post("/v1/AdminService/WhoAmI", "{}").status, 200);
}

TEST_F(HttpTest, ServerStreamsAnswerNdjson) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  v1::TraverseRequest traverse;
  traverse.add_seeds("inc/strike-1");
  traverse.set_max_depth(2);
  traverse.set_direction(v1::BOTH);
  const Reply reply = Post("/v1/GraphService/Traverse", Json(traverse));
  ASSERT_EQ(reply.status, 200) << reply.body;
  EXPECT_EQ(reply.content_type, "application/x-ndjson");
  std::vector<v1::TraverseResponse> over_http;
  for (const std::string& line : Lines(reply.body)) {
    over_http.push_back(ParseAs<v1::TraverseResponse>(line));
  }
  std::vector<v1::TraverseResponse> over_grpc;
  auto context = Ctx();
  auto reader = graph_->Traverse(context.get(), traverse);
  for (v1::TraverseResponse r; reader->Read(&r);) over_grpc.push_back(r);
  ASSERT_TRUE(reader->Finish().ok());
  ASSERT_EQ(over_http.size(), over_grpc.size());
  ASSERT_FALSE(over_http.empty());
  int steps = 0;
  for (size_t i = 0; i < over_http.size(); ++i) {
    EXPECT_TRUE(pb::util::MessageDifferencer::Equals(over_http[i], over_grpc[i]));
    steps += over_http[i].steps_size();
  }
  EXPECT_GT(steps, 0);
  EXPECT_TRUE(over_http.back().done());

  // Export: the chunks' data, concatenated, is the file gRPC exports.
  const Reply exported = Post("/v1/GraphService/Export", R"({"format":"jsonl"})");
  ASSERT_EQ(exported.status, 200) << exported.body;
  std::string file;
  for (const std::string& line : Lines(exported.body))
    file += ParseAs<v1::ExportChunk>(line).data();
  v1::ExportRequest export_request;
  export_request.set_format("jsonl");
  auto export_context = Ctx();
  auto chunks = graph_->Export(export_context.get(), export_request);
  std::string expected;
  for (v1::ExportChunk c; chunks->Read(&c);) expected += c.data();
  ASSERT_TRUE(chunks->Finish().ok());
  // Line by line as messages: the file's map entries come in no fixed order.
  const std::vector<std::string> got = Lines(file);
  const std::vector<std::string> want = Lines(expected);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_TRUE(pb::util::MessageDifferencer::Equals(ParseAs<v1::AssertRequest>(got[i]),
                                                     ParseAs<v1::AssertRequest>(want[i])))
        << got[i] << "\nvs\n"
        << want[i];
  }
  EXPECT_TRUE(absl::StrContains(file, "actor/turkey"));

  // Refused before the first message: an HTTP error status.
  ExpectError(Post("/v1/GraphService/Export", R"({"format":"xml"})"), 400,
              grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT", "format");
  ExpectError(Post("/v1/GraphService/Traverse", Json(traverse), ""), 401,
              grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED");
}

TEST_F(HttpTest, ClientStreamsTakeNdjson) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  // Import: the options, then the file's bytes (base64, as proto JSON has
  // bytes) in two chunks.
  const std::string jsonl = absl::StrCat(
      R"({"entities":[{"id":"actor/iran","kind":"State","label":"Iran"}]})", "\n",
      R"({"statements":[{"subject":"actor/iran","predicate":"backs","object":{"entity":"gov/syria"},)",
      R"("evidence":[{"document":"doc/reuters-1","stance":"ASSERTS","confidence":0.7}]}]})", "\n");
  const size_t half = jsonl.find('\n') + 1;
  const std::string body = absl::StrCat(
      R"({"options":{"format":"jsonl"},"data":")", absl::Base64Escape(jsonl.substr(0, half)),
      "\"}\n\n", R"({"data":")", absl::Base64Escape(jsonl.substr(half)), "\"}\n");
  const Reply reply = Post("/v1/IngestService/Import", body, "walt");
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto imported = ParseAs<v1::ImportResponse>(reply.body);
  EXPECT_EQ(imported.counts().messages_applied(), 2);
  EXPECT_EQ(imported.lines_read(), 2);
  v1::GetEntityRequest get;
  get.set_id("actor/iran");
  v1::Entity iran;
  ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &iran).ok());

  // A bad line is named before anything is sent.
  ExpectError(Post("/v1/IngestService/BulkIngest", "{}\n{\"statements\": 7}\n", "walt"), 400,
              grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT", "request body line 2");
  ExpectError(Post("/v1/IngestService/Import", R"({"options":{"format":"csv"}})", "walt"), 400,
              grpc::StatusCode::INVALID_ARGUMENT, "INVALID_ARGUMENT", "format");
}

TEST_F(HttpTest, StaticPagesAndTheDefaultPage) {
  const Reply home = Get("/", "");
  EXPECT_EQ(home.status, 200);
  EXPECT_TRUE(absl::StartsWith(home.body, "kgd HTTP gateway")) << home.body;
  EXPECT_TRUE(absl::StartsWith(home.content_type, "text/plain")) << home.content_type;

  StopHttp();
  http_options_.static_files = [](absl::string_view path) -> std::optional<http::StaticFile> {
    if (path == "/") return http::StaticFile{"text/html; charset=utf-8", "<html>graph</html>"};
    if (path == "/app.js") return http::StaticFile{"text/javascript", "let x = 1;"};
    return std::nullopt;
  };
  ASSERT_NO_FATAL_FAILURE(StartHttp());
  const Reply page = Get("/", "");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.body, "<html>graph</html>");
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  const Reply script = Get("/app.js", "");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.body, "let x = 1;");
  EXPECT_EQ(script.content_type, "text/javascript");
  ExpectError(Get("/missing.css", ""), 404, grpc::StatusCode::NOT_FOUND, "NOT_FOUND");
  // The gateway stays the gateway.
  EXPECT_EQ(Post("/v1/AdminService/WhoAmI", "{}").status, 200);
}

TEST_F(HttpTest, MetricsCountTheWorkload) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  // A token is needed, any valid one.
  ExpectError(Get("/metrics", ""), 401, grpc::StatusCode::UNAUTHENTICATED, "UNAUTHENTICATED");
  const std::map<std::string, double> before = Scrape("rita");

  const std::string get_entity = R"(kg.v1.GraphService/GetEntity)";
  constexpr int kHttpGets = 7;
  constexpr int kGrpcGets = 3;
  constexpr int kMissing = 2;
  for (int i = 0; i < kHttpGets; ++i) {
    ASSERT_EQ(Post("/v1/GraphService/GetEntity", R"({"id":"actor/turkey"})").status, 200);
  }
  for (int i = 0; i < kGrpcGets; ++i) {
    v1::GetEntityRequest get;
    get.set_id("actor/russia");
    v1::Entity e;
    ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &e).ok());
  }
  for (int i = 0; i < kMissing; ++i) {
    ASSERT_EQ(Post("/v1/GraphService/GetEntity", R"({"id":"actor/nobody"})").status, 404);
  }
  // A refused call counts too, under its code.
  ASSERT_EQ(Post("/v1/IngestService/Assert", "{}", "rita").status, 403);

  v1::AssertRequest write;
  *write.add_entities() = MakeEntity("actor/iran", "State", "Iran");
  *write.add_statements() =
      MakeStatement("actor/iran", "backs", "gov/syria", "doc/reuters-1", "outlet/reuters");
  *write.add_statements() =
      MakeStatement("actor/iran", "backs", "gov/syria", "doc/tass-1", "outlet/tass");
  *write.add_statements() =
      MakeStatement("actor/iran", "supplies", "group/nusra", "doc/tass-1", "outlet/tass");
  const Reply written = Post("/v1/IngestService/Assert", Json(write), "walt");
  ASSERT_EQ(written.status, 200) << written.body;
  const auto result = ParseAs<v1::WriteResponse>(written.body);
  ASSERT_EQ(result.statements_created(), 2);  // two triples, one of them twice
  ASSERT_EQ(result.evidence_added(), 3);

  const std::map<std::string, double> after = Scrape("rita");
  const auto delta = [&](const std::string& key) {
    return Sample(after, key) - Sample(before, key);
  };
  const std::string rpc = absl::StrCat("{rpc=\"", get_entity, "\"}");
  EXPECT_EQ(delta(absl::StrCat("kgd_rpc_calls_total", rpc)), kHttpGets + kGrpcGets + kMissing);
  EXPECT_EQ(
      delta(absl::StrCat("kgd_rpc_errors_total{rpc=\"", get_entity, "\",code=\"NOT_FOUND\"}")),
      kMissing);
  EXPECT_EQ(delta(absl::StrCat("kgd_rpc_latency_seconds_count", rpc)),
            kHttpGets + kGrpcGets + kMissing);
  EXPECT_EQ(
      delta(absl::StrCat("kgd_rpc_latency_seconds_bucket{rpc=\"", get_entity, "\",le=\"+Inf\"}")),
      kHttpGets + kGrpcGets + kMissing);
  EXPECT_GT(delta(absl::StrCat("kgd_rpc_latency_seconds_sum", rpc)), 0);
  EXPECT_EQ(delta("kgd_rpc_errors_total{rpc=\"kg.v1.IngestService/Assert\","
                  "code=\"PERMISSION_DENIED\"}"),
            1);
  EXPECT_EQ(delta("kgd_rpc_calls_total{rpc=\"kg.v1.IngestService/Assert\"}"), 2);
  // Buckets are cumulative.
  double previous = 0;
  for (const char* le : {"0.0005", "0.001", "0.01", "0.1", "1", "10", "60", "+Inf"}) {
    const double n = Sample(after, absl::StrCat("kgd_rpc_latency_seconds_bucket{rpc=\"", get_entity,
                                                "\",le=\"", le, "\"}"));
    EXPECT_GE(n, previous) << le;
    previous = n;
  }
  // The write: one batch of three statements (two of them new) and three
  // evidence records, one new entity.
  EXPECT_EQ(delta("kgd_write_batches_total"), 1);
  EXPECT_EQ(delta("kgd_statements_written_total"), 3);
  EXPECT_EQ(delta("kgd_statements_created_total"), result.statements_created());
  EXPECT_EQ(delta("kgd_evidence_written_total"), result.evidence_added());
  EXPECT_EQ(delta("kgd_entities_written_total"), 1);
  EXPECT_GE(delta("kgd_commits_total"), 1);
  // Seeding and the write so far: two batches since start.
  EXPECT_EQ(Sample(after, "kgd_write_batches_total"), 2);
  EXPECT_EQ(Sample(after, "kgd_statements_written_total"), 6 + 3);
  // Gauges: only the scrape's own check was open while it rendered.
  EXPECT_EQ(Sample(after, "kgd_active_streams"), 0);
  EXPECT_LE(Sample(after, "kgd_active_calls"), 1);
  EXPECT_EQ(Sample(after, "kgd_writable"), 1);
  EXPECT_EQ(Sample(after, "kgd_rocksdb_background_errors_total"), 0);
  for (const char* name :
       {"kgd_rocksdb_block_cache_hits_total", "kgd_rocksdb_block_cache_misses_total",
        "kgd_rocksdb_block_cache_hit_ratio", "kgd_rocksdb_pending_compaction_bytes",
        "kgd_rocksdb_live_sst_bytes", "kgd_wal_syncs_total"}) {
    EXPECT_TRUE(after.contains(name)) << name;
  }
  // The HTTP side: every 200 and 404 above was counted.
  EXPECT_EQ(delta("kgd_http_responses_total{code=\"404\"}"), kMissing);
  EXPECT_EQ(delta("kgd_http_responses_total{code=\"403\"}"), 1);
  // The first scrape's own 200 too: a response is counted before it is sent.
  EXPECT_EQ(delta("kgd_http_responses_total{code=\"200\"}"), kHttpGets + 1 + 1);
  const double ratio = Sample(after, "kgd_rocksdb_block_cache_hit_ratio");
  EXPECT_GE(ratio, 0);
  EXPECT_LE(ratio, 1);
}

TEST_F(HttpTest, MetricsSeeBlockCacheAndSstFilesAfterAFlush) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  // A backup flushes the memtable into SST files; reads then go through
  // the block cache.
  v1::CreateBackupRequest backup;
  backup.set_repository("nightly");
  v1::BackupInfo info;
  grpc::Status status = admin_->CreateBackup(Ctx().get(), backup, &info);
  ASSERT_TRUE(status.ok()) << Describe(status);
  for (const char* id : {"actor/turkey", "actor/russia", "loc/idlib"}) {
    ASSERT_EQ(Post("/v1/GraphService/GetEntity", absl::StrCat(R"({"id":")", id, R"("})")).status,
              200);
  }
  const std::map<std::string, double> m = Scrape();
  EXPECT_GT(Sample(m, "kgd_rocksdb_live_sst_bytes"), 0);
  EXPECT_GT(Sample(m, "kgd_rocksdb_block_cache_hits_total") +
                Sample(m, "kgd_rocksdb_block_cache_misses_total"),
            0);
}

class OpenMetricsTest : public HttpTest {
  void Configure() override { http_options_.open_metrics = true; }
};

TEST_F(OpenMetricsTest, MetricsNeedNoTokenWhenTheOperatorSaysSo) {
  const Reply reply = Get("/metrics", "");
  EXPECT_EQ(reply.status, 200) << reply.body;
  EXPECT_TRUE(absl::StrContains(reply.body, "# TYPE kgd_rpc_calls_total counter"));
  // The rpcs still need one.
  EXPECT_EQ(Post("/v1/AdminService/GetStats", "{}", "").status, 401);
}

class RateLimitedHttpTest : public HttpTest {
  void Configure() override {
    options_.limits.write_rate = 0.001;
    options_.limits.write_burst = 1;
  }
};

TEST_F(RateLimitedHttpTest, PerPrincipalLimitsApplyToHttpCallers) {
  const std::string upsert = R"({"entities":[{"id":"actor/x","kind":"State","label":"X"}]})";
  EXPECT_EQ(Post("/v1/IngestService/UpsertEntities", upsert, "walt").status, 200);
  // walt's bucket is empty, over HTTP and over gRPC alike; alice's is not.
  ExpectError(Post("/v1/IngestService/UpsertEntities", upsert, "walt"), 429,
              grpc::StatusCode::RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED", "write_rate");
  EXPECT_EQ(Post("/v1/IngestService/UpsertEntities", upsert, "alice").status, 200);
}

class OneCallPerConnectionHttpTest : public HttpTest {
  void Configure() override { options_.limits.max_calls_per_connection = 1; }
};

// All HTTP calls share kgd's one in-process channel, yet each HTTP
// connection is its own connection for the limit: clients calling side by
// side, each on its own connection, are never refused.
TEST_F(OneCallPerConnectionHttpTest, EachHttpConnectionHasItsOwnShare) {
  ASSERT_NO_FATAL_FAILURE(SeedGraph());
  constexpr int kClients = 8;
  constexpr int kCallsEach = 50;
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  std::atomic<int> refused{0};
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&] {
      httplib::Client client("127.0.0.1", http_->port());
      client.set_read_timeout(120, 0);
      for (int i = 0; i < kCallsEach; ++i) {
        const httplib::Result r = client.Post("/v1/GraphService/Neighbors", AuthAs("alice"),
                                              R"({"id":"inc/strike-1"})", "application/json");
        if (r && r->status == 200) ++ok;
        if (r && r->status == 429) ++refused;
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(refused.load(), 0);
  EXPECT_EQ(ok.load(), kClients * kCallsEach);
}

class HttpsTest : public HttpTest {
  void Configure() override {
    ASSERT_TRUE(MakeCertificate(dir_.path(), "server"));
    options_.tls_cert_path = dir_.Sub("server.pem");
    options_.tls_key_path = dir_.Sub("server.key");
  }
  std::unique_ptr<httplib::Client> NewClient() override {
    auto client =
        std::make_unique<httplib::Client>(absl::StrCat("https://127.0.0.1:", http_->port()));
    client->set_ca_cert_path(dir_.Sub("server.pem").c_str());
    client->enable_server_certificate_verification(true);
    client->set_read_timeout(120, 0);
    return client;
  }
};

TEST_F(HttpsTest, ServesHttpsWithKgdsCertificate) {
  EXPECT_STREQ(http_->scheme(), "https");
  const Reply who = Post("/v1/AdminService/WhoAmI", "{}", "alice");
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(ParseAs<v1::WhoAmIResponse>(who.body).principal(), "alice");
  // Plain HTTP on the TLS port gets no answer.
  httplib::Client plain("127.0.0.1", http_->port());
  plain.set_read_timeout(5, 0);
  const httplib::Result result = plain.Get("/");
  EXPECT_TRUE(!result || result->status >= 400);
}

TEST(HttpStartTest, RefusesExposureWithoutTlsAndABadAddress) {
  TempDir dir;
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.data_dir = dir.Sub("data");
  absl::StatusOr<std::unique_ptr<server::KgServer>> kgd = server::KgServer::Start(options);
  ASSERT_TRUE(kgd.ok()) << kgd.status();
  http::HttpOptions exposed;
  exposed.listen = "0.0.0.0:0";
  absl::StatusOr<std::unique_ptr<http::HttpServer>> refused =
      http::HttpServer::Start(**kgd, options, exposed);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition) << refused.status();
  http::HttpOptions malformed;
  malformed.listen = "127.0.0.1";
  EXPECT_EQ(http::HttpServer::Start(**kgd, options, malformed).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A taken port is UNAVAILABLE.
  http::HttpOptions first;
  first.listen = "127.0.0.1:0";
  absl::StatusOr<std::unique_ptr<http::HttpServer>> one =
      http::HttpServer::Start(**kgd, options, first);
  ASSERT_TRUE(one.ok()) << one.status();
  http::HttpOptions second;
  second.listen = absl::StrCat("127.0.0.1:", (*one)->port());
  EXPECT_EQ(http::HttpServer::Start(**kgd, options, second).status().code(),
            absl::StatusCode::kUnavailable);
  (*one)->Shutdown(absl::Seconds(1));
  (*kgd)->Shutdown(absl::Seconds(1));
}

// The kgd binary's flags: --http_listen port 0 with --http_port_file, the
// URL on stderr, --metrics_without_token, and a clean exit on SIGTERM.
TEST(KgdHttpFlagsTest, ServesHttpOnThePortItReports) {
  TempDir dir;
  WriteFile(dir.Sub("tokens"), absl::StrCat("ops admin ", server::Sha256Hex("token-ops"), "\n"));
  const std::string port_file = dir.Sub("http_port");
  const std::string log = dir.Sub("kgd.log");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 2);
    const std::string data = absl::StrCat("--data_dir=", dir.Sub("data"));
    const std::string tokens = absl::StrCat("--auth_tokens=", dir.Sub("tokens"));
    const std::string http_port = absl::StrCat("--http_port_file=", port_file);
    execl(KGD_BINARY, KGD_BINARY, "--listen=127.0.0.1:0", "--http_listen=127.0.0.1:0", data.c_str(),
          tokens.c_str(), http_port.c_str(), "--metrics_without_token", "--grace_period=5",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  int port = 0;
  // A bound on a kgd that died before writing, not a timing check.
  for (int i = 0; i < 3000 && port == 0; ++i) {
    std::ifstream in(port_file);
    if (!(in >> port)) {
      port = 0;
      usleep(10000);
    }
  }
  ASSERT_GT(port, 0) << ReadFile(log);
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);
  const httplib::Result metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_TRUE(absl::StrContains(metrics->body,
                                "kgd_rpc_calls_total{rpc=\"kg.v1.GraphService/GetEntity\"} 0"));
  const httplib::Result anonymous =
      client.Post("/v1/AdminService/WhoAmI", "{}", "application/json");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  const httplib::Result who = client.Post(
      "/v1/AdminService/WhoAmI", {{"Authorization", "Bearer token-ops"}}, "{}", "application/json");
  ASSERT_TRUE(who);
  EXPECT_EQ(who->status, 200);
  EXPECT_TRUE(absl::StrContains(who->body, "\"principal\":\"ops\"")) << who->body;
  // The exposition parses with Prometheus' own Python parser, families typed.
  const httplib::Result scraped = client.Get("/metrics");
  ASSERT_TRUE(scraped);
  WriteFile(dir.Sub("metrics.txt"), scraped->body);
  const std::string check = absl::StrCat(
      "/usr/bin/python3 -c '"
      "import sys\n"
      "from prometheus_client.parser import text_string_to_metric_families as parse\n"
      "families = {f.name: f for f in parse(open(sys.argv[1]).read())}\n"
      "assert families[\"kgd_rpc_latency_seconds\"].type == \"histogram\"\n"
      "assert families[\"kgd_rpc_calls\"].type == \"counter\"\n"
      "assert families[\"kgd_active_calls\"].type == \"gauge\"\n"
      "calls = [s for s in families[\"kgd_rpc_calls\"].samples"
      " if s.labels[\"rpc\"] == \"kg.v1.AdminService/WhoAmI\"]\n"
      "assert calls[0].value == 2, calls\n"
      "' ",
      dir.Sub("metrics.txt"));
  EXPECT_EQ(std::system(check.c_str()), 0) << scraped->body;
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_TRUE(absl::StrContains(ReadFile(log), absl::StrCat("http://127.0.0.1:", port, "/")))
      << ReadFile(log);
}

}  // namespace
}  // namespace kg::testing
