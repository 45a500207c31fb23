// Event tables through Import (format csv with a column mapping), over the
// wire into a real kgd: the whole UCDP GED Syria table, then timeline,
// neighbour, statement, claim and path queries whose expected answers the
// test computes from the CSV itself with its own parser; bad mappings and
// bad rows that name what is wrong; chunking that does not change the
// result.

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

std::string UcdpPath() {
  return (std::filesystem::path(KG_SHARED_DATA) / "ucdp-ged-syria" / "ucdp_syria_df.csv").string();
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The test's own reading of a CSV: the whole text at once, RFC 4180.
std::vector<std::vector<std::string>> ParseCsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
    } else if (c != '\r') {
      field += c;
    }
  }
  if (!field.empty() || !row.empty()) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

// A table's rows as column name -> value.
struct Table {
  std::vector<std::map<std::string, std::string>> rows;
  explicit Table(const std::string& text) {
    std::vector<std::vector<std::string>> raw = ParseCsv(text);
    for (size_t r = 1; r < raw.size(); ++r) {
      std::map<std::string, std::string> row;
      for (size_t c = 0; c < raw[0].size() && c < raw[r].size(); ++c) row[raw[0][c]] = raw[r][c];
      rows.push_back(std::move(row));
    }
  }
};

std::string Slug(const std::string& in) {
  std::string out;
  bool dash = false;
  for (unsigned char c : in) {
    if (std::isalnum(c) || c >= 0x80) {
      if (dash && !out.empty()) out += '-';
      dash = false;
      out += static_cast<char>(std::tolower(c));
    } else {
      dash = true;
    }
  }
  return out;
}

// The distinct source articles of a UCDP row.
std::set<std::string> Articles(const std::string& source_article) {
  std::set<std::string> out;
  for (absl::string_view item : absl::StrSplit(source_article, "\";\"")) {
    item = absl::StripPrefix(absl::StripSuffix(item, "\""), "\"");
    if (!item.empty()) out.insert(std::string(item));
  }
  return out;
}

class EventsImportTest : public ServerTest {
 protected:
  // Whole tables, in large chunks, with time for a sanitized build.
  grpc::Status Import(const std::string& data, const v1::ImportOptions& options,
                      v1::ImportResponse* response, size_t chunk = 256 << 10) {
    return ServerTest::Import(data, options, response, chunk, std::chrono::seconds(600));
  }

  static v1::ImportOptions Csv(const std::string& mapping) {
    v1::ImportOptions options;
    options.set_format("csv");
    options.set_mapping(mapping);
    return options;
  }

  // Every incident of a place or actor timeline, by id (paged through).
  std::set<std::string> Timeline(const std::string& place, const std::string& actor,
                                 const std::string& from, const std::string& to,
                                 int32_t max_sources = 0) {
    std::set<std::string> incidents;
    v1::TimelineRequest request;
    request.mutable_filter()->set_max_sources(max_sources);
    request.set_place(place);
    request.set_actor(actor);
    request.set_date_from(from);
    request.set_date_to(to);
    request.set_page_size(1000);
    for (int page = 0; page < 1000; ++page) {
      v1::TimelineResponse response;
      const grpc::Status s = graph_->Timeline(Ctx().get(), request, &response);
      EXPECT_TRUE(s.ok()) << s.error_message();
      EXPECT_FALSE(response.truncated());
      for (const v1::TimelineEntry& e : response.entries()) incidents.insert(e.incident().id());
      if (!s.ok() || response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return incidents;
  }

  std::vector<v1::Statement> Match(const std::string& subject, const std::string& predicate,
                                   const std::string& object_entity) {
    std::vector<v1::Statement> out;
    v1::MatchStatementsRequest request;
    request.set_subject(subject);
    request.set_predicate(predicate);
    if (!object_entity.empty()) request.mutable_object()->set_entity(object_entity);
    request.set_page_size(1000);
    for (int page = 0; page < 1000; ++page) {
      v1::StatementsPage response;
      const grpc::Status s = graph_->MatchStatements(Ctx().get(), request, &response);
      EXPECT_TRUE(s.ok()) << s.error_message();
      for (const v1::Statement& st : response.statements()) out.push_back(st);
      if (!s.ok() || response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return out;
  }

  std::vector<v1::Statement> Claims(const std::string& publisher) {
    std::vector<v1::Statement> out;
    v1::ListClaimsRequest request;
    request.set_publisher(publisher);
    request.set_page_size(1000);
    for (int page = 0; page < 1000; ++page) {
      v1::StatementsPage response;
      const grpc::Status s = provenance_->ListClaims(Ctx().get(), request, &response);
      EXPECT_TRUE(s.ok()) << s.error_message();
      for (const v1::Statement& st : response.statements()) out.push_back(st);
      if (!s.ok() || response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    return out;
  }
};

TEST_F(EventsImportTest, UcdpSyriaWholeAnswersWhatTheCsvSays) {
  const std::string text = ReadAll(UcdpPath());
  ASSERT_FALSE(text.empty()) << UcdpPath();
  const Table table(text);
  ASSERT_EQ(table.rows.size(), 16566u);

  v1::ImportResponse response;
  // Wall time depends on the machine's load; CPU time (this process: the
  // client and the in-process kgd) much less.
  const auto cpu = [] {
    rusage u;
    getrusage(RUSAGE_SELF, &u);
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  };
  const double cpu_start = cpu();
  const auto start = std::chrono::steady_clock::now();
  const grpc::Status s = Import(text, Csv("ucdp_ged"), &response);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = cpu() - cpu_start;
  ASSERT_TRUE(s.ok()) << s.error_message();
  std::cout << "ucdp_ged: " << table.rows.size() << " rows in " << seconds << " s ("
            << static_cast<int64_t>(table.rows.size() / seconds) << " rows/s), " << cpu_seconds
            << " CPU s (" << static_cast<int64_t>(table.rows.size() / cpu_seconds)
            << " rows per CPU-second), " << response.counts().messages_applied() << " batches, "
            << response.counts().statements_created() << " statements, "
            << response.counts().evidence_added() << " evidence records\n";
  EXPECT_EQ(response.lines_read(), std::count(text.begin(), text.end(), '\n'));

  // Incidents per governorate and year (Timeline walks the places inside).
  std::map<std::pair<std::string, std::string>, std::set<std::string>> per_gov_year;
  for (const auto& row : table.rows) {
    if (row.at("adm_1").empty()) continue;
    per_gov_year[{row.at("adm_1"), row.at("date_start").substr(0, 4)}].insert("ucdp/event/" +
                                                                              row.at("id"));
  }
  ASSERT_GT(per_gov_year.size(), 40u);
  for (const auto& [key, expected] : per_gov_year) {
    const auto& [gov, year] = key;
    SCOPED_TRACE(gov + " " + year);
    EXPECT_EQ(Timeline("ucdp/place/" + Slug(gov), "", year, year), expected);
  }

  // Who fought Turkey: the sides its events name, and its own timeline.
  std::string turkey;
  std::set<std::string> turkey_foes, turkey_events;
  for (const auto& row : table.rows) {
    if (row.at("side_a") == "Government of Turkey") {
      turkey = "ucdp/actor/" + row.at("side_a_new_id");
      turkey_foes.insert("ucdp/actor/" + row.at("side_b_new_id"));
      turkey_events.insert("ucdp/event/" + row.at("id"));
    }
  }
  ASSERT_EQ(turkey_events.size(), 137u);
  {
    v1::NeighborsRequest request;
    request.set_id(turkey);
    request.set_direction(v1::OUT);
    request.add_predicates("clashes_with");
    request.add_predicates("attacks");
    v1::NeighborsResponse neighbors;
    ASSERT_TRUE(graph_->Neighbors(Ctx().get(), request, &neighbors).ok());
    std::set<std::string> foes;
    for (const v1::Neighbor& n : neighbors.neighbors()) foes.insert(n.entity().id());
    EXPECT_EQ(foes, turkey_foes);
  }
  EXPECT_EQ(Timeline("", turkey, "", ""), turkey_events);

  // Incidents with a given side: participant (state-based, non-state) and
  // targeted (one-sided) statements for the SDF and for civilians.
  for (const std::string& side : {std::string("SDF"), std::string("Civilians")}) {
    std::string id;
    std::set<std::string> participant, targeted;
    for (const auto& row : table.rows) {
      for (const char* which : {"side_a", "side_b"}) {
        if (row.at(which) != side) continue;
        id = "ucdp/actor/" + row.at(std::string(which) + "_new_id");
        const std::string event = "ucdp/event/" + row.at("id");
        if (row.at("type_of_violence") != "3") {
          participant.insert(event);
        } else if (std::string(which) == "side_b") {
          targeted.insert(event);
        }
      }
    }
    SCOPED_TRACE(side);
    ASSERT_FALSE(id.empty());
    std::set<std::string> got_participant, got_targeted;
    for (const v1::Statement& st : Match("", "participant", id))
      got_participant.insert(st.subject());
    for (const v1::Statement& st : Match("", "targeted", id)) got_targeted.insert(st.subject());
    EXPECT_EQ(got_participant, participant);
    EXPECT_EQ(got_targeted, targeted);
  }

  // Deaths (best estimate) and single-source incidents over every event.
  int64_t deaths = 0;
  std::set<std::string> single_source;
  for (const auto& row : table.rows) {
    deaths += std::stoll(row.at("best"));
    if (Articles(row.at("source_article")).size() == 1) {
      single_source.insert("ucdp/event/" + row.at("id"));
    }
  }
  int64_t got_deaths = 0;
  const std::vector<v1::Statement> death_statements = Match("", "deaths", "");
  EXPECT_EQ(death_statements.size(), table.rows.size());
  for (const v1::Statement& st : death_statements) got_deaths += st.object().integer();
  EXPECT_EQ(got_deaths, deaths);
  std::set<std::string> got_single;
  for (const v1::Statement& st : Match("", "occurred_in", "")) {
    if (st.corroboration().independent_sources() == 1) got_single.insert(st.subject());
  }
  EXPECT_EQ(got_single, single_source);
  // ... and those of Idlib in 2018, through the filter's max_sources.
  std::set<std::string> idlib_single;
  for (const auto& row : table.rows) {
    if (row.at("adm_1") == "Idlib Governorate" && absl::StartsWith(row.at("date_start"), "2018") &&
        Articles(row.at("source_article")).size() == 1) {
      idlib_single.insert("ucdp/event/" + row.at("id"));
    }
  }
  ASSERT_FALSE(idlib_single.empty());
  EXPECT_EQ(Timeline("ucdp/place/idlib-governorate", "", "2018", "2018", 1), idlib_single);

  // Claims of one outlet: the incidents whose articles it published.
  std::set<std::string> airwars;
  for (const auto& row : table.rows) {
    for (const std::string& article : Articles(row.at("source_article"))) {
      if (absl::StartsWith(article, "Airwars,")) airwars.insert("ucdp/event/" + row.at("id"));
    }
  }
  ASSERT_FALSE(airwars.empty());
  std::set<std::string> got_airwars;
  for (const v1::Statement& st : Claims("ucdp/outlet/airwars")) {
    if (st.predicate() == "occurred_in") got_airwars.insert(st.subject());
  }
  EXPECT_EQ(got_airwars, airwars);

  // A path from an event to its country runs through the places of its
  // row, from the most precise up.
  const auto& row = table.rows[1];
  ASSERT_EQ(row.at("where_prec"), "2");
  std::vector<std::string> expected_path = {
      "ucdp/event/" + row.at("id"),
      absl::StrCat("ucdp/place/", Slug(row.at("where_coordinates")), "/", row.at("latitude"), "_",
                   row.at("longitude")),
      "ucdp/place/" + Slug(row.at("adm_2")), "ucdp/place/" + Slug(row.at("adm_1")),
      "ucdp/place/" + Slug(row.at("country"))};
  v1::FindPathsRequest paths;
  paths.set_from(expected_path.front());
  paths.set_to(expected_path.back());
  paths.add_predicates_allow("occurred_in");
  paths.add_predicates_allow("located_in");
  v1::FindPathsResponse found;
  ASSERT_TRUE(graph_->FindPaths(Ctx().get(), paths, &found).ok());
  ASSERT_EQ(found.paths_size(), 1);
  std::vector<std::string> got_path = {found.paths(0).hops(0).from()};
  for (const v1::PathHop& hop : found.paths(0).hops()) got_path.push_back(hop.to());
  EXPECT_EQ(got_path, expected_path);

  // The event itself: its figures and dates as attributes.
  v1::GetEntityRequest get;
  get.set_id(expected_path.front());
  v1::Entity event;
  ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &event).ok());
  EXPECT_EQ(event.kind(), row.at("type_of_violence") == "3" ? "Attack" : "Clash");
  EXPECT_EQ(event.attributes().at("date").date(), row.at("date_start"));
  EXPECT_EQ(event.attributes().at("deaths_civilians").integer(),
            std::stoll(row.at("deaths_civilians")));
  EXPECT_EQ(event.attributes().at("deaths_high").integer(), std::stoll(row.at("high")));
  // (Importing again changes nothing: ChunkingDoesNotChangeTheResult, on
  // a head of the table, keeps the sanitizer build's run short.)
}

// A tab-separated file without quoting, as rows of fields.
std::vector<std::vector<std::string>> ParseTsv(const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    rows.push_back(absl::StrSplit(absl::StripSuffix(line, "\r"), '\t'));
  }
  return rows;
}

std::string Host(const std::string& url) {
  absl::string_view v = url;
  v.remove_prefix(v.find("://") + 3);
  v = v.substr(0, v.find('/'));
  std::string host(v);
  if (absl::StartsWith(host, "www.")) host.erase(0, 4);
  return host;
}

TEST_F(EventsImportTest, GdeltEventsExport) {
  const std::string text =
      ReadAll(std::string(KG_SHARED_DATA) + "/gdelt/geomesa-tutorials/20180101000000.export.CSV");
  const auto rows = ParseTsv(text);
  ASSERT_EQ(rows.size(), 2414u);
  v1::ImportResponse response;
  const grpc::Status s = Import(text, Csv("gdelt_events"), &response);
  ASSERT_TRUE(s.ok()) << s.error_message();

  // Columns (0-based): 0 GLOBALEVENTID, 5 Actor1Code, 15 Actor2Code, 29
  // QuadClass, 53 ActionGeo_CountryCode, 60 SOURCEURL.
  std::set<std::string> syria, conflict_by_actor1, outlet;
  std::map<std::string, int> hosts;
  for (const auto& row : rows) hosts[Host(row[60])]++;
  const std::string busiest =
      std::max_element(hosts.begin(), hosts.end(), [](const auto& a, const auto& b) {
        return a.second < b.second;
      })->first;
  for (const auto& row : rows) {
    const std::string event = "gdelt/event/" + row[0];
    if (row[53] == "SY") syria.insert(event);
    if (row[29] == "4" && !row[5].empty()) conflict_by_actor1.insert(event);
    const bool any_statement = !row[53].empty() || !row[5].empty() || !row[15].empty();
    if (Host(row[60]) == busiest && any_statement) outlet.insert(event);
  }
  ASSERT_FALSE(syria.empty());
  EXPECT_EQ(Timeline("gdelt/place/SY", "", "", ""), syria);
  std::set<std::string> perpetrated;
  for (const v1::Statement& st : Match("", "perpetrated_by", "")) perpetrated.insert(st.subject());
  EXPECT_EQ(perpetrated, conflict_by_actor1);
  std::set<std::string> claimed;
  for (const v1::Statement& st : Claims("gdelt/outlet/" + busiest)) {
    if (absl::StartsWith(st.subject(), "gdelt/event/")) claimed.insert(st.subject());
  }
  EXPECT_EQ(claimed, outlet) << busiest;
}

TEST_F(EventsImportTest, IcewsSample) {
  const std::string text =
      ReadAll(std::string(KG_SHARED_DATA) + "/icews-sample/events.2018.sample.tab");
  const auto rows = ParseTsv(text);
  ASSERT_EQ(rows.size(), 3706u);  // with the header
  v1::ImportResponse response;
  const grpc::Status s = Import(text, Csv("icews"), &response);
  ASSERT_TRUE(s.ok()) << s.error_message();

  // Columns: 0 Event ID, 1 Event Date, 2 Source Name, 6 CAMEO Code, 8
  // Target Name, 11 Story ID, 17 Country.
  std::set<std::string> syria, attacks, story;
  const std::string some_story = rows[1][11];
  for (size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    const std::string event = "icews/event/" + row[0];
    if (row[17] == "Syria") syria.insert(event);
    const std::string root = row[6].substr(0, 2);
    if ((root == "18" || root == "19" || root == "20") && row[2] != "NA") attacks.insert(event);
    if (row[11] == some_story) story.insert(event);
  }
  ASSERT_FALSE(syria.empty());
  EXPECT_EQ(Timeline("icews/place/syria", "", "2018-06-01", "2018-06-02"), syria);
  std::set<std::string> perpetrated;
  for (const v1::Statement& st : Match("", "perpetrated_by", "")) perpetrated.insert(st.subject());
  EXPECT_EQ(perpetrated, attacks);
  // One story's events are the statements its document supports.
  v1::ListClaimsRequest request;
  request.set_document("icews/story/" + some_story);
  request.set_page_size(1000);
  v1::StatementsPage page;
  ASSERT_TRUE(provenance_->ListClaims(Ctx().get(), request, &page).ok());
  std::set<std::string> claimed;
  for (const v1::Statement& st : page.statements()) claimed.insert(st.subject());
  EXPECT_EQ(claimed, story);
}

// The header and the first `rows` records of UCDP (a doubled quote
// toggles twice, so a line break counts only outside quotes).
std::string UcdpHead(size_t rows) {
  const std::string text = ReadAll(UcdpPath());
  size_t at = 0;
  bool quoted = false;
  for (size_t records = 0; at < text.size() && records <= rows; ++at) {
    if (text[at] == '"') quoted = !quoted;
    if (text[at] == '\n' && !quoted) ++records;
  }
  return text.substr(0, at);
}

TEST_F(EventsImportTest, ChunkingDoesNotChangeTheResult) {
  const std::string head = UcdpHead(40);
  v1::ImportResponse whole, bytewise;
  ASSERT_TRUE(Import(head, Csv("ucdp_ged"), &whole).ok());
  EXPECT_GT(whole.counts().statements_created(), 40 * 4);
  ASSERT_TRUE(Import(head, Csv("ucdp_ged"), &bytewise, 7).ok());
  EXPECT_EQ(bytewise.counts().statements_created(), 0);
  EXPECT_EQ(bytewise.counts().evidence_added(), 0);
  EXPECT_EQ(bytewise.lines_read(), whole.lines_read());
}

TEST_F(EventsImportTest, CustomMappingTextAndItsErrors) {
  const std::string table =
      "event,when,who,where,dead\n"
      "e1,2018-03-01,Group A,Idlib,3\n"
      "e2,2018-03-02,\"Group \"\"B\"\"\",Idlib,\n";
  const std::string mapping = R"({
    "extractor": "importer:test",
    "dataset": {"document": {"id": "doc/table", "kind": "Document", "label": "a table"}},
    "entities": {
      "incident": {"id": "ev/{event}", "kind": "Clash", "label": "{event}",
                   "attributes": {"date": {"value": "{when}", "type": "date"}}},
      "actor": {"id": "actor/{who|slug}", "kind": "ArmedGroup", "label": "{who}"},
      "place": {"id": "place/{where|slug}", "kind": "Region", "label": "{where}"}
    },
    "statements": [
      {"subject": "incident", "predicate": "participant", "object": "actor"},
      {"subject": "incident", "predicate": "occurred_in", "object": "place"},
      {"subject": "incident", "predicate": "deaths", "value": "{dead}", "type": "integer"}
    ]
  })";
  v1::ImportResponse response;
  ASSERT_TRUE(Import(table, Csv(mapping), &response).ok());
  // 2 participant + 2 occurred_in + 1 deaths (e2's is empty).
  EXPECT_EQ(response.counts().statements_created(), 5);
  v1::GetEntityRequest get;
  get.set_id("actor/group-b");
  v1::Entity b;
  ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &b).ok());
  EXPECT_EQ(b.label(), "Group \"B\"");

  // A bad value names its line, column and the column's name; the rows
  // before it are committed.
  const std::string bad = "event,when,who,where,dead\ne3,2018-04-01,Group A,Idlib,x\n";
  const grpc::Status s = Import(bad, Csv(mapping), &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "line 2, column 5 (dead)")) << s.error_message();

  // A malformed CSV line.
  const grpc::Status q =
      Import("event,when,who,where,dead\ne4,20\"18,a,b,1\n", Csv(mapping), &response);
  EXPECT_EQ(q.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(q.error_message(), "line 2, column 2")) << q.error_message();

  // A kind or predicate the schema does not know fails the row naming it,
  // or with skip_unmapped is skipped and counted.
  const std::string unknown = absl::StrCat(
      R"({"dataset": {"document": {"id": "doc/table", "kind": "Document"}},)",
      R"("entities": {"i": {"id": "ev/{event}", "kind": "Clash"},)",
      R"("a": {"id": "actor/{who|slug}", "kind": {"column": "who", "codes": {"Group A": "Frob"},)",
      R"("default": "ArmedGroup"}}},)",
      R"("statements": [{"subject": "i", "predicate": "participant", "object": "a"},)",
      R"({"subject": "i", "predicate": "frobbed", "value": "{dead}"}]})");
  const grpc::Status k = Import(table, Csv(unknown), &response);
  EXPECT_EQ(k.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(k.error_message(),
                                "line 2, column 3 (who): entities.a.kind: 'Frob' is not a kind"))
      << k.error_message();
  v1::ImportOptions skipping = Csv(unknown);
  skipping.set_skip_unmapped(true);
  v1::ImportResponse skipped;
  ASSERT_TRUE(Import(table, skipping, &skipped).ok());
  // e1: actor Frob and predicate frobbed; e2: frobbed (its dead is empty).
  EXPECT_EQ(skipped.skipped_unmapped(), 2);

  // Mapping errors say where in the mapping.
  for (const auto& [text, expected] : std::vector<std::pair<std::string, std::string>>{
           {"", "shipped mapping"},
           {"nosuch", "no shipped mapping 'nosuch'"},
           {"{\"entities\": 3}", "mapping: entities"},
           {absl::StrCat(
                R"({"entities": {"i": {"id": "{nope}", "kind": "Clash"}},)",
                R"("statements": [], "dataset": {"document": {"id": "d", "kind": "Document"}}})"),
            "no column 'nope'"},
       }) {
    const grpc::Status m = Import(table, Csv(text), &response);
    EXPECT_EQ(m.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << text;
    EXPECT_TRUE(absl::StrContains(m.error_message(), expected)) << m.error_message();
  }
}

// GDELT 2.0 mentions columns (0-based): 0 GLOBALEVENTID, 2 MentionTimeDate,
// 3 MentionType, 5 MentionIdentifier, 6 SentenceID, 7-9 Actor1, Actor2 and
// Action char offsets, 11 Confidence.
std::string StoryOf(const std::vector<std::string>& m) {
  return absl::StrCat("gdelt/story/", m[0], "/", m[6], "/", m[7], "/", m[8], "/", m[9]);
}

// Union-find over strings: the independence groups the test expects.
class Groups {
 public:
  void Join(const std::string& a, const std::string& b) { parent_[Find(a)] = Find(b); }
  std::string Find(const std::string& x) {
    auto it = parent_.try_emplace(x, x).first;
    return it->second == x ? x : (it->second = Find(it->second));
  }
  size_t CountOf(const std::set<std::string>& members) {
    std::set<std::string> roots;
    for (const std::string& m : members) roots.insert(Find(m));
    return roots.size();
  }

 private:
  std::map<std::string, std::string> parent_;
};

TEST_F(EventsImportTest, GdeltMentionsAreEvidenceOfTheirEvents) {
  const std::string dir = std::string(KG_SHARED_DATA) + "/gdelt/spark-gdelt/";
  const std::string events_text = ReadAll(dir + "events.csv");
  const std::string mentions_text = ReadAll(dir + "mentions.csv");
  const auto events = ParseTsv(events_text);
  const auto mentions = ParseTsv(mentions_text);
  ASSERT_EQ(mentions.size(), 100u);
  v1::ImportResponse response;
  ASSERT_TRUE(Import(events_text, Csv("gdelt_events"), &response).ok());

  // Expected from the two tables: an event's sources are its SOURCEURL
  // (column 60) and its mentions' articles; a story joins its copies.
  std::map<std::string, std::set<std::string>> sources;  // event -> group members
  std::map<std::string, int> records;                    // event -> evidence records
  std::map<std::string, std::set<std::string>> outlets;
  Groups groups;
  std::set<std::string> known;
  for (const auto& e : events) {
    // Events whose roles the mapping writes: an actor or a place.
    if (e[5].empty() && e[15].empty() && e[53].empty()) continue;
    known.insert(e[0]);
    sources[e[0]].insert("url:" + e[60]);
    records[e[0]] += 1;
    outlets[e[0]].insert(Host(e[60]));
  }
  int64_t skipped = 0;
  for (const auto& m : mentions) {
    if (known.count(m[0]) == 0) {
      ++skipped;
      continue;
    }
    groups.Join("url:" + m[5], "story:" + StoryOf(m));
    sources[m[0]].insert("url:" + m[5]);
    records[m[0]] += 1;
    outlets[m[0]].insert(Host(m[5]));
  }
  ASSERT_GT(skipped, 0);
  ASSERT_LT(skipped, 100);

  ASSERT_TRUE(Import(mentions_text, Csv("gdelt_mentions"), &response).ok());
  EXPECT_EQ(response.skipped_unmapped(), skipped);
  EXPECT_EQ(response.counts().statements_created(), 0);  // evidence only
  int checked = 0;
  for (const auto& [event, members] : sources) {
    const std::vector<v1::Statement> held = Match("gdelt/event/" + event, "", "");
    ASSERT_FALSE(held.empty()) << event;
    for (const v1::Statement& st : held) {
      EXPECT_EQ(st.evidence_size(), records[event]) << event << " " << st.predicate();
      EXPECT_EQ(st.corroboration().independent_sources(),
                static_cast<int32_t>(groups.CountOf(members)))
          << event;
      EXPECT_EQ(st.corroboration().publishers(), static_cast<int32_t>(outlets[event].size()));
    }
    ++checked;
  }
  EXPECT_EQ(checked, static_cast<int>(known.size()));

  // One mention record, field by field.
  for (const auto& m : mentions) {
    if (known.count(m[0]) == 0) continue;
    const std::vector<v1::Statement> held = Match("gdelt/event/" + m[0], "", "");
    ASSERT_FALSE(held.empty());
    const v1::Evidence* mention = nullptr;
    for (const v1::Evidence& e : held[0].evidence()) {
      if (e.extractor() == "importer:gdelt_mentions") mention = &e;
    }
    ASSERT_NE(mention, nullptr);
    EXPECT_EQ(mention->story(), StoryOf(m));
    EXPECT_EQ(mention->publisher(), "gdelt/outlet/" + Host(m[5]));
    EXPECT_EQ(mention->reported_on(),
              absl::StrCat(m[2].substr(0, 4), "-", m[2].substr(4, 2), "-", m[2].substr(6, 2)));
    EXPECT_DOUBLE_EQ(mention->confidence(), std::stod(m[11]) / 100);
    if (m[9] != "-1") {
      EXPECT_EQ(mention->span_begin(), std::stoi(m[9]));
      EXPECT_EQ(mention->span_end(), std::stoi(m[9]));
    }
    break;
  }
}

TEST_F(EventsImportTest, SyndicatedMentionsCountOnce) {
  // The sample's widely syndicated stories belong to events outside the
  // events sample: each gets one coded statement here, then its mentions.
  const std::string text = ReadAll(std::string(KG_SHARED_DATA) + "/gdelt/spark-gdelt/mentions.csv");
  const auto mentions = ParseTsv(text);
  std::map<std::string, std::set<std::string>> stories, outlets, urls;
  for (const auto& m : mentions) {
    stories[m[0]].insert(StoryOf(m));
    outlets[m[0]].insert(Host(m[5]));
    urls[m[0]].insert(m[5]);
  }
  v1::AssertRequest coded;
  *coded.add_entities() = MakeEntity("gdelt/actor/coded", "Actor", "a coded actor");
  *coded.add_entities() = MakeEntity("doc/coder", "Document", "a coder's reading");
  std::vector<std::string> syndicated;
  for (const auto& [event, set] : outlets) {
    if (set.size() < 5) continue;
    syndicated.push_back(event);
    *coded.add_entities() = MakeEntity("gdelt/event/" + event, "Incident", event);
    *coded.add_statements() =
        MakeStatement("gdelt/event/" + event, "participant", "gdelt/actor/coded", "doc/coder", "");
  }
  ASSERT_GE(syndicated.size(), 2u);  // 410290898 (7 outlets), 913092410 (6)
  v1::WriteResponse written;
  ASSERT_TRUE(ingest_->Assert(Ctx().get(), coded, &written).ok());

  v1::ImportResponse response;
  ASSERT_TRUE(Import(text, Csv("gdelt_mentions"), &response).ok());
  for (const std::string& event : syndicated) {
    const std::vector<v1::Statement> held = Match("gdelt/event/" + event, "participant", "");
    ASSERT_EQ(held.size(), 1u);
    const v1::Corroboration& c = held[0].corroboration();
    EXPECT_EQ(c.evidence_count(), static_cast<int32_t>(1 + urls[event].size())) << event;
    EXPECT_EQ(c.publishers(), static_cast<int32_t>(outlets[event].size())) << event;
    // The coder's document, and each story once however many outlets ran it.
    EXPECT_EQ(c.independent_sources(), static_cast<int32_t>(1 + stories[event].size())) << event;
    EXPECT_LT(c.independent_sources(), c.publishers());
  }
}

// ACLED's export layout (its data export tool, 2023 onward), four rows.
constexpr char kAcledHeader[] =
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,iso,"
    "region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp\n";

std::string AcledRow(const std::string& id, const std::string& date, const std::string& type,
                     const std::string& sub, const std::string& actor1, const std::string& actor2,
                     const std::string& source, int fatalities, const std::string& timestamp) {
  return absl::StrCat(
      id, ",", date, ",2020,1,Political violence,", type, ",", sub, ",\"", actor1,
      "\",,State forces,\"", actor2,
      "\",,Rebel group,12,,760,Middle East,Syria,Idlib,Ariha,,Ariha,35.8137,36.6097,"
      "1,\"",
      source, "\",National,\"Notes on ", id, "\",", fatalities, ",,", timestamp, "\n");
}

TEST_F(EventsImportTest, AcledSyncFollowsANewerExport) {
  const std::string a =
      AcledRow("SYR1", "2020-01-05", "Battles", "Armed clash", "Military Forces of Syria (2000-)",
               "HTS: Hayat Tahrir al-Sham", "SOHR; SANA", 3, "1600000000");
  const std::string b =
      AcledRow("SYR2", "6 January 2020", "Explosions/Remote violence", "Air/drone strike",
               "Military Forces of Russia (2000-)", "Civilians (Syria)", "SOHR", 2, "1600000000");
  // SYR3 in its revisions: ACLED's timestamp changes with each.
  const auto syr3 = [](int dead, const std::string& revision) {
    return AcledRow("SYR3", "2020-01-07", "Battles", "Armed clash",
                    "Military Forces of Syria (2000-)", "HTS: Hayat Tahrir al-Sham",
                    "Step News Agency", dead, revision);
  };
  const std::string c = syr3(3, "1600000000");
  v1::ImportOptions options = Csv("acled");
  options.set_sync("acled/syria-2020");
  v1::ImportResponse first;
  grpc::Status s = Import(absl::StrCat(kAcledHeader, a, b, c), options, &first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(first.sync_retracted(), 0);

  v1::GetEntityRequest get;
  get.set_id("acled/event/SYR2");
  v1::Entity strike;
  ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &strike).ok());
  EXPECT_EQ(strike.kind(), "Airstrike");
  EXPECT_EQ(strike.attributes().at("date").date(), "2020-01-06");  // "6 January 2020"
  ASSERT_EQ(Match("acled/event/SYR2", "perpetrated_by", "").size(), 1u);
  const std::vector<v1::Statement> deaths_before = Match("acled/event/SYR3", "deaths", "");
  ASSERT_EQ(deaths_before.size(), 1u);
  EXPECT_EQ(deaths_before[0].object().integer(), 3);
  const int64_t first_at = deaths_before[0].evidence(0).ingested_at();

  // What the newer export's sync must retract, read from the graph: every
  // live ACLED record about SYR2 but its listing, and SYR3's old revision.
  int64_t expected = 0;
  for (const char* gone : {"acled/event/SYR2", "acled/event/SYR3"}) {
    for (const v1::Statement& st : Match(gone, "", "")) {
      if (st.predicate() != "listed_in") expected += st.evidence_size();
    }
  }

  // The newer export: SYR2 deleted, SYR3 revised (5 dead), SYR4 new.
  const std::string c2 = syr3(5, "1600086400");
  const std::string d =
      AcledRow("SYR4", "2020-01-08", "Violence against civilians", "Attack",
               "Unidentified Armed Group (Syria)", "Civilians (Syria)", "SOHR", 1, "1600086400");
  v1::ImportResponse second;
  s = Import(absl::StrCat(kAcledHeader, a, c2, d), options, &second);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(second.sync_retracted(), expected);

  // SYR1 untouched, SYR2 gone but for its listing, SYR3 says 5.
  for (const v1::Statement& st : Match("acled/event/SYR1", "", "")) {
    EXPECT_EQ(st.evidence_size(), st.predicate() == "listed_in" ? 1 : 2) << st.predicate();
  }
  for (const v1::Statement& st : Match("acled/event/SYR2", "", "")) {
    EXPECT_EQ(st.predicate(), "listed_in");
  }
  const std::vector<v1::Statement> deaths_after = Match("acled/event/SYR3", "deaths", "");
  ASSERT_EQ(deaths_after.size(), 1u);
  EXPECT_EQ(deaths_after[0].object().integer(), 5);
  EXPECT_EQ(Match("acled/event/SYR4", "perpetrated_by", "").size(), 1u);

  // As of the first export, the graph says what it said.
  v1::MatchStatementsRequest old;
  old.set_subject("acled/event/SYR3");
  old.set_predicate("deaths");
  old.mutable_filter()->set_as_of(first_at);
  v1::StatementsPage page;
  ASSERT_TRUE(graph_->MatchStatements(Ctx().get(), old, &page).ok());
  ASSERT_EQ(page.statements_size(), 1);
  EXPECT_EQ(page.statements(0).object().integer(), 3);
  old.set_subject("acled/event/SYR2");
  old.clear_predicate();
  ASSERT_TRUE(graph_->MatchStatements(Ctx().get(), old, &page).ok());
  EXPECT_GE(page.statements_size(), 4);  // occurred_in, two roles, deaths, description

  // The same export again changes nothing.
  v1::ImportResponse again;
  ASSERT_TRUE(Import(absl::StrCat(kAcledHeader, a, c2, d), options, &again).ok());
  EXPECT_EQ(again.sync_retracted(), 0);
  EXPECT_EQ(again.counts().evidence_added(), 0);

  // SYR3 revised back to 3 is claimed again (a new revision, a new report).
  const std::string c3 = syr3(3, "1600172800");
  ASSERT_TRUE(Import(absl::StrCat(kAcledHeader, a, c3, d), options, &again).ok());
  const std::vector<v1::Statement> reverted = Match("acled/event/SYR3", "deaths", "");
  ASSERT_EQ(reverted.size(), 1u);
  EXPECT_EQ(reverted[0].object().integer(), 3);
}

TEST_F(EventsImportTest, SyncOfTheIcewsSampleRetractsExactlyTheDroppedRows) {
  const std::string text =
      ReadAll(std::string(KG_SHARED_DATA) + "/icews-sample/events.2018.sample.tab");
  const std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipEmpty());
  v1::ImportOptions options = Csv("icews");
  options.set_sync("icews/sample-2018");
  v1::ImportResponse first;
  ASSERT_TRUE(Import(text, options, &first).ok());
  EXPECT_EQ(first.sync_retracted(), 0);

  // Every 40th row leaves the newer export; an event some kept row still
  // carries stays.
  std::string newer = lines[0] + "\n";
  std::set<std::string> dropped, kept;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string event = "icews/event/" + std::string(lines[i].substr(0, lines[i].find('\t')));
    if (i % 40 == 0) {
      dropped.insert(event);
    } else {
      kept.insert(event);
      absl::StrAppend(&newer, lines[i], "\n");
    }
  }
  for (const std::string& k : kept) dropped.erase(k);
  ASSERT_GT(dropped.size(), 50u);
  int64_t expected = 0;
  for (const std::string& event : dropped) {
    for (const v1::Statement& st : Match(event, "", "")) {
      if (st.predicate() != "listed_in") expected += st.evidence_size();
    }
  }
  std::map<std::string, int> kept_before;
  int n = 0;
  for (const std::string& event : kept) {
    if (n++ % 20 != 0) continue;
    for (const v1::Statement& st : Match(event, "", "")) kept_before[event] += st.evidence_size();
  }

  v1::ImportResponse second;
  ASSERT_TRUE(Import(newer, options, &second).ok());
  EXPECT_EQ(second.sync_retracted(), expected);
  EXPECT_EQ(second.counts().evidence_added(), 0);
  for (const std::string& event : dropped) {
    for (const v1::Statement& st : Match(event, "", "")) {
      EXPECT_EQ(st.predicate(), "listed_in") << event;
    }
  }
  for (const auto& [event, count] : kept_before) {
    int after = 0;
    for (const v1::Statement& st : Match(event, "", "")) after += st.evidence_size();
    EXPECT_EQ(after, count) << event;
  }
}

TEST_F(EventsImportTest, SyncAndEvidenceOfRefuseWhatTheyCannotDo) {
  v1::ImportResponse response;
  v1::ImportOptions stix;
  stix.set_format("stix");
  stix.set_sync("scope/x");
  grpc::Status s = Import("{}", stix, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "chunks[0].options.sync: only csv"))
      << s.error_message();

  v1::ImportOptions spaced = Csv("acled");
  spaced.set_sync("a scope");
  s = Import(kAcledHeader, spaced, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "chunks[0].options.sync: a document id"))
      << s.error_message();

  // A mapping without a row entity cannot sync; nor can mentions.
  const std::string no_row = R"({"dataset": {"document": {"id": "d", "kind": "Document"}},
    "entities": {"i": {"id": "ev/{event}", "kind": "Clash"}}, "statements": []})";
  v1::ImportOptions rowless = Csv(no_row);
  rowless.set_sync("scope/x");
  s = Import("event\ne1\n", rowless, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(),
                                "line 1 (the header): sync: the mapping names "
                                "no \"row\" entity"))
      << s.error_message();
  v1::ImportOptions mentions = Csv("gdelt_mentions");
  mentions.set_sync("scope/x");
  s = Import("", mentions, &response);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(s.error_message(), "evidence_of has no rows")) << s.error_message();
}

}  // namespace
}  // namespace kg::testing
