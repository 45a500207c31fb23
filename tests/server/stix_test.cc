// STIX 2.1 through a real kgd: every bundle of ../shared/data/stix2 in over
// Import with its defined outcome, the mapping rules checked on OpenCTI's
// test bundle, export as a bundle that keeps STIX 2.1's rules, and round
// trips (import, export, import into an empty server) compared entity by
// entity and statement by statement, evidence field by field.

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "interop/stix_ids.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

using Json = nlohmann::json;

std::string Bundle(const std::string& name) {
  return ReadFile((std::filesystem::path(KG_SHARED_DATA) / "stix2" / name).string());
}

class StixTest : public ServerTest {
 protected:
  using ServerTest::Import;

  grpc::Status Import(const std::string& data, v1::ImportResponse* response,
                      bool skip_unmapped = false, size_t chunk = 4096) {
    v1::ImportOptions options;
    options.set_format("stix");
    options.set_skip_unmapped(skip_unmapped);
    return Import(data, options, response, chunk);
  }

  // What one has and the other lacks, a few lines of each.
  static void ExpectSame(const std::vector<std::string>& now,
                         const std::vector<std::string>& before) {
    std::vector<std::string> added, lost;
    std::set_difference(now.begin(), now.end(), before.begin(), before.end(),
                        std::back_inserter(added));
    std::set_difference(before.begin(), before.end(), now.begin(), now.end(),
                        std::back_inserter(lost));
    added.resize(std::min<size_t>(added.size(), 3));
    lost.resize(std::min<size_t>(lost.size(), 3));
    EXPECT_EQ(now.size(), before.size());
    EXPECT_TRUE(added.empty() && lost.empty())
        << "now has:\n  " << absl::StrJoin(added, "\n  ") << "\nbefore had:\n  "
        << absl::StrJoin(lost, "\n  ");
  }

  void Restart() {
    StopServer();
    options_.data_dir = dir_.Sub(absl::StrCat("data-", ++restarts_));
    ASSERT_NO_FATAL_FAILURE(StartServer());
  }

  v1::Entity Get(const std::string& id) {
    v1::GetEntityRequest get;
    get.set_id(id);
    v1::Entity e;
    const grpc::Status status = graph_->GetEntity(Ctx().get(), get, &e);
    EXPECT_TRUE(status.ok()) << id << ": " << status.error_message();
    return e;
  }

  std::vector<v1::Statement> Match(const std::string& subject, const std::string& predicate) {
    v1::MatchStatementsRequest match;
    match.set_subject(subject);
    match.set_predicate(predicate);
    match.set_page_size(1000);
    v1::StatementsPage page;
    const grpc::Status status = graph_->MatchStatements(Ctx().get(), match, &page);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {page.statements().begin(), page.statements().end()};
  }

  int64_t Statements() {
    v1::GetStatsResponse stats;
    EXPECT_TRUE(admin_->GetStats(Ctx().get(), {}, &stats).ok());
    return stats.statements();
  }

  int restarts_ = 0;
};

// STIX 2.1's rules for what kgd writes (the parts of the OASIS JSON schemas
// that apply to the types it exports), each failure naming the object.
std::vector<std::string> StixViolations(const Json& bundle) {
  std::vector<std::string> bad;
  const auto fail = [&](const Json& o, const std::string& why) {
    bad.push_back(absl::StrCat(o.value("id", std::string("?")), ": ", why));
  };
  if (bundle.value("type", "") != "bundle" || !interop::stix::IsStixId(bundle.value("id", "")) ||
      interop::stix::TypeOfId(bundle.value("id", "")) != "bundle" ||
      !bundle["objects"].is_array()) {
    bad.push_back("the envelope is not a bundle");
    return bad;
  }
  std::set<std::string> ids;
  for (const Json& o : bundle["objects"]) {
    const std::string id = o.value("id", "");
    if (!ids.insert(id).second) fail(o, "the id appears twice");
  }
  const auto timestamp = [](const Json& v) {
    if (!v.is_string()) return false;
    const std::string s = v;
    return s.size() >= 20 && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
           s[16] == ':' && s.back() == 'Z';
  };
  const auto ref = [&](const Json& o, const char* key, bool required) {
    if (!o.contains(key)) {
      if (required) fail(o, absl::StrCat("no ", key));
      return;
    }
    const Json& v = o[key];
    const std::vector<Json> refs =
        v.is_array() ? std::vector<Json>(v.begin(), v.end()) : std::vector<Json>{v};
    if (v.is_array() && refs.empty()) fail(o, absl::StrCat(key, " is empty"));
    for (const Json& r : refs) {
      if (!r.is_string() || !interop::stix::IsStixId(r.get<std::string>())) {
        fail(o, absl::StrCat(key, " is not a STIX id"));
      } else if (!ids.contains(r.get<std::string>())) {
        fail(o, absl::StrCat(key, " ", r.get<std::string>(), " is not in the bundle"));
      }
    }
  };
  const std::set<std::string> opinions = {"strongly-disagree", "disagree", "neutral", "agree",
                                          "strongly-agree"};
  for (const Json& o : bundle["objects"]) {
    const std::string type = o.value("type", "");
    const std::string id = o.value("id", "");
    if (!interop::stix::IsStixId(id) || interop::stix::TypeOfId(id) != type) {
      fail(o, "the id is not <type>--<UUID>");
    }
    if (o.value("spec_version", "") != "2.1") fail(o, "spec_version is not 2.1");
    if (!timestamp(o["created"]) || !timestamp(o["modified"])) fail(o, "created/modified");
    ref(o, "created_by_ref", false);
    if (o.contains("confidence") &&
        (!o["confidence"].is_number_integer() || o["confidence"] < 0 || o["confidence"] > 100)) {
      fail(o, "confidence is not 0..100");
    }
    for (const auto& [key, value] : o.items()) {
      bool ok = !key.empty() && key.size() <= 250;
      for (char c : key) ok &= (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      if (!ok) fail(o, absl::StrCat("property name '", key, "'"));
    }
    if (o.contains("external_references")) {
      for (const Json& r : o["external_references"]) {
        if (!r.contains("source_name")) fail(o, "an external reference without source_name");
      }
    }
    if (type == "relationship") {
      if (!o["relationship_type"].is_string()) fail(o, "no relationship_type");
      ref(o, "source_ref", true);
      ref(o, "target_ref", true);
    } else if (type == "sighting") {
      ref(o, "sighting_of_ref", true);
      ref(o, "where_sighted_refs", false);
      ref(o, "observed_data_refs", false);
    } else if (type == "report") {
      if (!o["name"].is_string() || !timestamp(o["published"])) fail(o, "name/published");
      ref(o, "object_refs", true);
    } else if (type == "note") {
      if (!o["content"].is_string()) fail(o, "no content");
      ref(o, "object_refs", true);
    } else if (type == "opinion") {
      if (!opinions.contains(o.value("opinion", ""))) fail(o, "opinion is not in its vocabulary");
      ref(o, "object_refs", true);
    } else if (type == "malware") {
      if (!o["is_family"].is_boolean()) fail(o, "no is_family");
    } else if (type == "indicator") {
      if (!o["pattern"].is_string() || !o["pattern_type"].is_string() ||
          !timestamp(o["valid_from"])) {
        fail(o, "pattern/pattern_type/valid_from");
      }
    } else if (type == "identity" || type == "threat-actor" || type == "intrusion-set" ||
               type == "campaign" || type == "tool" || type == "attack-pattern" ||
               type == "course-of-action" || type == "vulnerability" || type == "infrastructure" ||
               type == "incident") {
      if (!o["name"].is_string()) fail(o, "no name");
    } else if (type == "location") {
      if (!o.contains("region") && !o.contains("country") &&
          !(o.contains("latitude") && o.contains("longitude"))) {
        // STIX requires one of them; kgd's own places may have none.
        if (!o.contains("x_opencti_location_type")) fail(o, "no region, country or coordinates");
      }
    }
  }
  return bad;
}

const std::vector<std::string>& CleanBundles() {
  static const std::vector<std::string> kBundles = {
      "cti-documentation/apt1.json",
      "cti-documentation/poisonivy.json",
      "cti-documentation/defining-campaigns-threat-actors-intrusion-sets.json",
      "cti-documentation/identifying-a-threat-actor-profile.json",
      "cti-documentation/threat-actor-leveraging-attack-patterns-and-malware.json",
      "cti-documentation/indicator-for-malicious-url.json",
      "cti-documentation/malware-indicator-for-file-hash.json",
      "cti-documentation/sighting-of-an-indicator.json",
      "cti-documentation/sighting-of-observed-data.json",
      "cti-documentation/using-granular-markings.json",
      "cti-documentation/using-marking-definitions.json",
      "cti-stix2-json-schemas/indicator-for-c2-ip-address.json",
      "cti-stix2-json-schemas/indicator-to-campaign-relationship.json",
      "cti-stix2-json-schemas/indicators-for-C2-with-COA.json",
      "cti-stix2-json-schemas/infrastructure.json",
      "cti-stix2-json-schemas/malicious-email-indicator-with-attachment.json",
      "opencti-client-python/bundle_with_internal_ids.json",
      "opencti-client-python/mono-bundle-entity.json",
  };
  return kBundles;
}

TEST_F(StixTest, EveryCleanBundleImportsIdempotentlyAndRoundTripsFieldByField) {
  for (const std::string& name : CleanBundles()) {
    SCOPED_TRACE(name);
    ASSERT_NO_FATAL_FAILURE(Restart());
    const std::string data = Bundle(name);
    v1::ImportResponse first;
    grpc::Status status = Import(data, &first, false, 333);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(first.bytes_read(), static_cast<int64_t>(data.size()));
    EXPECT_EQ(first.skipped_unmapped(), 0);
    v1::ImportResponse again;
    ASSERT_TRUE(Import(data, &again).ok());
    EXPECT_EQ(again.counts().statements_created(), 0);
    EXPECT_EQ(again.counts().evidence_added(), 0);
    const std::vector<std::string> original = Content();

    const std::string exported = Export("stix");
    EXPECT_EQ(Export("stix"), exported);  // ids and order are stable
    const Json bundle = Json::parse(exported);
    EXPECT_EQ(StixViolations(bundle), std::vector<std::string>());
    ASSERT_NO_FATAL_FAILURE(Restart());
    v1::ImportResponse back;
    status = Import(exported, &back);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ExpectSame(Content(), original);
  }
}

TEST_F(StixTest, TheCapecBundleImportsAndRoundTrips) {
  const std::string data = Bundle("opencti-client-python/mitre_att_capec.json");
  const Json bundle = Json::parse(data);
  std::map<std::string, int> types;
  for (const Json& o : bundle["objects"]) ++types[o["type"].get<std::string>()];
  v1::ImportResponse imported;
  const auto start = std::chrono::steady_clock::now();
  grpc::Status status = Import(data, &imported, false, 64 << 10);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::printf("CAPEC bundle: %zu objects, %zu bytes in %.2f s (%.0f objects/s)\n",
              bundle["objects"].size(), data.size(), seconds,
              static_cast<double>(bundle["objects"].size()) / seconds);
  // Attack patterns, courses of action, The MITRE Corporation, the bundle's document.
  EXPECT_EQ(imported.counts().entities_written(),
            types["attack-pattern"] + types["course-of-action"] + types["identity"] + 1);
  EXPECT_EQ(imported.counts().statements_created(), types["relationship"]);
  EXPECT_EQ(Statements(), types["relationship"]);
  // CAPEC-1's external id, and its mitigations.
  const Json* first = nullptr;
  for (const Json& o : bundle["objects"]) {
    if (o["type"] == "attack-pattern") {
      first = &o;
      break;
    }
  }
  ASSERT_NE(first, nullptr);
  const v1::Entity ap = Get((*first)["id"]);
  EXPECT_EQ(ap.kind(), "AttackPattern");
  EXPECT_EQ(ap.label(), (*first)["name"]);
  for (const Json& ref : (*first)["external_references"]) {
    if (ref.contains("external_id")) {
      EXPECT_EQ(ap.external_ids().at(ref["source_name"].get<std::string>()), ref["external_id"]);
      break;
    }
  }
  const std::vector<std::string> original = Content();
  const std::string exported = Export("stix");
  EXPECT_EQ(StixViolations(Json::parse(exported)), std::vector<std::string>());
  ASSERT_NO_FATAL_FAILURE(Restart());
  v1::ImportResponse back;
  status = Import(exported, &back, false, 64 << 10);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ExpectSame(Content(), original);
}

TEST_F(StixTest, OpenCtisTestBundleMapsRuleByRule) {
  const std::string data = Bundle("opencti-client-python/DATA-TEST-STIX2_v2.json");
  const Json bundle = Json::parse(data);
  std::map<std::string, Json> objects;
  for (const Json& o : bundle["objects"]) objects[o["id"]] = o;

  // Three relationships name a relationship: refused, each listed.
  v1::ImportResponse refused;
  grpc::Status status = Import(data, &refused);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  int onto_relationships = 0;
  for (const Json& o : bundle["objects"]) {
    if (o["type"] == "relationship" &&
        absl::StartsWith(o["target_ref"].get<std::string>(), "relationship--")) {
      ++onto_relationships;
      EXPECT_TRUE(absl::StrContains(status.error_message(), o["id"].get<std::string>()));
    }
  }
  EXPECT_EQ(onto_relationships, 3);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "a statement about a statement"))
      << status.error_message();

  v1::ImportResponse imported;
  status = Import(data, &imported, /*skip_unmapped=*/true);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_GE(imported.skipped_unmapped(), onto_relationships);

  // Locations by x_opencti_location_type.
  EXPECT_EQ(Get("location--c3794ffd-0e71-4670-aa4d-978b4cbdc72c").kind(), "Town");
  EXPECT_EQ(Get("location--5acd8b26-51c2-4608-86ed-e9edd43ad971").kind(), "Country");
  EXPECT_EQ(Get("location--6bf1f67a-6a55-4e4d-b237-6cdda97baef2").kind(), "Region");
  // Identities by identity_class, with their aliases and external ids.
  for (const auto& [id, o] : objects) {
    if (o["type"] == "identity") {
      const v1::Entity e = Get(id);
      const std::string cls = o.value("identity_class", "");
      EXPECT_EQ(e.kind(), cls == "individual" ? "Person"
                          : cls == "class"    ? "Sector"
                                              : "Organization")
          << id;
      EXPECT_EQ(e.label(), o["name"]);
      EXPECT_EQ(e.external_ids().at("stix"), id);
    }
    for (const char* key : {"aliases", "x_opencti_aliases"}) {
      if (!o.contains(key) || o["type"] == "relationship") continue;
      const v1::Entity e = Get(id);
      for (const Json& alias : o[key]) {
        if (alias != o.value("name", "")) {
          EXPECT_NE(std::find(e.aliases().begin(), e.aliases().end(), alias.get<std::string>()),
                    e.aliases().end())
              << id << " " << alias;
        }
      }
    }
  }
  // The report: a document dated by `published`, the evidence of the
  // relationships it lists, each with its relationship's confidence on the
  // [0, 1] scale and the Admiralty credibility of the STIX 2.1 appendix.
  const Json& report = objects.at("report--a445d22a-db0c-4b5d-9ec8-e9ad0b6dbdd7");
  const v1::Entity doc = Get(report["id"]);
  EXPECT_EQ(doc.kind(), "Document");
  EXPECT_EQ(doc.attributes().at("date").date(),
            report["published"].get<std::string>().substr(0, 10));
  int listed = 0;
  for (const Json& ref : report["object_refs"]) {
    const std::string r = ref;
    if (!objects.contains(r) || objects[r]["type"] != "relationship") continue;
    const Json& rel = objects[r];
    if (absl::StartsWith(rel["target_ref"].get<std::string>(), "relationship--")) continue;
    std::string predicate = rel["relationship_type"];
    std::replace(predicate.begin(), predicate.end(), '-', '_');
    bool found = false;
    for (const v1::Statement& s : Match(rel["source_ref"], predicate)) {
      if (s.object().entity() != rel["target_ref"]) continue;
      for (const v1::Evidence& e : s.evidence()) {
        if (e.document() != report["id"]) continue;
        found = true;
        EXPECT_EQ(e.stance(), v1::ASSERTS);
        EXPECT_EQ(e.publisher(), rel.value("created_by_ref", ""));
        if (rel.contains("confidence")) {
          const int c = rel["confidence"];
          EXPECT_DOUBLE_EQ(e.confidence(), c / 100.0);
          EXPECT_EQ(e.credibility(), c >= 80 ? 1 : c >= 60 ? 2 : c >= 40 ? 3 : c >= 20 ? 4 : 5);
        }
        EXPECT_EQ(e.reported_on(), doc.attributes().at("date").date());
      }
    }
    EXPECT_TRUE(found) << r;
    ++listed;
  }
  EXPECT_GT(listed, 3);
  // What the report lists besides relationships: `mentions`.
  int mentions = 0;
  for (const Json& ref : report["object_refs"]) {
    const std::string r = ref;
    const std::string type = r.substr(0, r.find("--"));
    if (type != "relationship" && type != "sighting" && type != "marking-definition" &&
        objects.contains(r)) {
      ++mentions;
    }
  }
  EXPECT_EQ(static_cast<int>(Match(report["id"], "mentions").size()), mentions);

  // The opinion: evidence in the opinion's own document, its stance by the
  // opinion's value, on each relationship it names.
  const Json& opinion = objects.at("opinion--fab0d63d-e1be-4771-9c14-043b76f71d4f");
  EXPECT_EQ(Get(opinion["id"]).kind(), "Opinion");
  int opined = 0;
  for (const Json& ref : opinion["object_refs"]) {
    const std::string r = ref;
    if (!objects.contains(r) || objects[r]["type"] != "relationship") continue;
    const Json& rel = objects[r];
    std::string predicate = rel["relationship_type"];
    std::replace(predicate.begin(), predicate.end(), '-', '_');
    for (const v1::Statement& s : Match(rel["source_ref"], predicate)) {
      for (const v1::Evidence& e : s.evidence()) {
        if (e.document() == opinion["id"]) {
          ++opined;
          EXPECT_EQ(e.stance(), v1::ASSERTS);  // strongly-agree
          EXPECT_EQ(e.publisher(), opinion["created_by_ref"]);
        }
      }
    }
  }
  EXPECT_GT(opined, 0);
  // The note: a Note document and what it is about.
  const Json& note = objects.at("note--573f623c-bf68-4f19-9500-d618f0d00af0");
  const v1::Entity n = Get(note["id"]);
  EXPECT_EQ(n.kind(), "Note");
  EXPECT_EQ(n.label(), note["abstract"]);
  EXPECT_EQ(n.attributes().at("content").string(), note["content"]);
  EXPECT_FALSE(Match(note["id"], "mentions").empty());

  // Sightings: an incident of kind Sighting, what it saw, who saw it or
  // where, dated by first_seen, its count kept.
  for (const auto& [id, o] : objects) {
    if (o["type"] != "sighting") continue;
    const v1::Entity sighting = Get(id);
    EXPECT_EQ(sighting.kind(), "Sighting");
    EXPECT_EQ(sighting.attributes().at("count").integer(), o["count"]);
    EXPECT_EQ(sighting.attributes().at("date").date(),
              o["first_seen"].get<std::string>().substr(0, 10));
    const std::vector<v1::Statement> of = Match(id, "sighting_of");
    ASSERT_EQ(of.size(), 1u);
    EXPECT_EQ(of[0].object().entity(), o["sighting_of_ref"]);
    for (const Json& where : o["where_sighted_refs"]) {
      const std::string w = where;
      EXPECT_EQ(Match(id, absl::StartsWith(w, "location--") ? "occurred_in" : "reported_by").size(),
                1u);
    }
  }

  // Round trip of what was imported.
  const std::vector<std::string> original = Content();
  const std::string exported = Export("stix");
  EXPECT_EQ(StixViolations(Json::parse(exported)), std::vector<std::string>());
  ASSERT_NO_FATAL_FAILURE(Restart());
  v1::ImportResponse back;
  status = Import(exported, &back);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ExpectSame(Content(), original);
}

TEST_F(StixTest, EdgeCaseBundlesHaveTheirDefinedOutcomes) {
  // cyclic-bundle: a custom type (x-mitre-asset) is unmapped; skipped with
  // the relationship from it, the rest imports: the duplicated marking is
  // not data, the identity that created itself is its own publisher, the
  // reports that list each other mention each other.
  const std::string cyclic = Bundle("opencti-client-python/cyclic-bundle.json");
  v1::ImportResponse response;
  grpc::Status status = Import(cyclic, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "type 'x-mitre-asset'"))
      << status.error_message();
  EXPECT_EQ(Statements(), 0);
  status = Import(cyclic, &response, /*skip_unmapped=*/true);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const Json bundle = Json::parse(cyclic);
  // The custom object, the relationship from it, and the references of
  // reports to objects the bundle lacks.
  std::set<std::string> ids;
  for (const Json& o : bundle["objects"]) ids.insert(o["id"]);
  int dangling = 0;
  for (const Json& o : bundle["objects"]) {
    if (o["type"] != "report") continue;
    for (const Json& ref : o["object_refs"]) dangling += !ids.contains(ref);
  }
  EXPECT_EQ(dangling, 1);
  EXPECT_EQ(response.skipped_unmapped(), 2 + dangling);
  int report_to_report = 0;
  for (const Json& o : bundle["objects"]) {
    if (o["type"] != "report") continue;
    for (const Json& ref : o["object_refs"]) {
      if (absl::StartsWith(ref.get<std::string>(), "report--")) ++report_to_report;
    }
  }
  int mentions_between_reports = 0;
  for (const Json& o : bundle["objects"]) {
    if (o["type"] != "report") continue;
    for (const v1::Statement& s : Match(o["id"], "mentions")) {
      mentions_between_reports += absl::StartsWith(s.object().entity(), "report--");
    }
  }
  EXPECT_EQ(mentions_between_reports, report_to_report);
  EXPECT_GE(report_to_report, 3);

  // missing_refs: created_by_ref "identity--not-available" is not a STIX id:
  // listed; with skip_unmapped the records lose that publisher and the
  // relationship to a malware the bundle lacks is skipped.
  ASSERT_NO_FATAL_FAILURE(Restart());
  const std::string missing = Bundle("opencti-client-python/missing_refs.json");
  status = Import(missing, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "created_by_ref 'identity--not-available'"))
      << status.error_message();
  status = Import(missing, &response, true);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::vector<v1::Statement> part_of =
      Match("malware--faa5b705-cf44-4e50-8472-29e5fec43c3c", "part_of");
  ASSERT_EQ(part_of.size(), 1u);
  EXPECT_EQ(part_of[0].object().entity(), "malware--faa5b705-cf44-4e50-8472-29e5fec43c3d");
  EXPECT_EQ(part_of[0].evidence(0).publisher(), "");

  // A well-formed reference to an object the bundle does not hold is sent
  // as is: kgd resolves it against the graph, so a bundle may name what an
  // earlier import wrote, and names nothing kgd lacks.
  ASSERT_NO_FATAL_FAILURE(Restart());
  const std::string later =
      R"({"type":"bundle","id":"bundle--6f4a3c2e-2f5a-4d3b-9a57-5c7e8f9e0a11","objects":[
      {"type":"relationship","spec_version":"2.1","id":"relationship--0b0b0b0b-0000-4000-8000-000000000001",
       "created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z",
       "relationship_type":"uses","source_ref":"malware--faa5b705-cf44-4e50-8472-29e5fec43c3c",
       "target_ref":"malware--faa5b705-cf44-4e50-8472-29e5fec43c3d"}]})";
  status = Import(later, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(), "malware--faa5b705"))
      << status.error_message();
  ASSERT_TRUE(Import(missing, &response, true).ok());
  status = Import(later, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Match("malware--faa5b705-cf44-4e50-8472-29e5fec43c3c", "uses").size(), 1u);

  // bundle_ids_sample: a sighting's observed_data_refs names observed data
  // the bundle lacks and kgd does not hold: NOT_FOUND, what came before it
  // committed; with skip_unmapped that reference is skipped.
  ASSERT_NO_FATAL_FAILURE(Restart());
  const std::string ids_sample = Bundle("opencti-client-python/bundle_ids_sample.json");
  status = Import(ids_sample, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << status.error_message();
  EXPECT_TRUE(absl::StrContains(status.error_message(), "observed-data--7d258c31"))
      << status.error_message();
  status = Import(ids_sample, &response, true);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.skipped_unmapped(), 1);
  EXPECT_EQ(Match("sighting--ee20065d-2555-424f-ad9e-0f8428623c75", "sighting_of").size(), 1u);

  // mono-bundle-relationship: the same malformed publisher; skipped, nothing.
  ASSERT_NO_FATAL_FAILURE(Restart());
  const std::string mono = Bundle("opencti-client-python/mono-bundle-relationship.json");
  EXPECT_EQ(Import(mono, &response).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Import(mono, &response, true).ok());
  EXPECT_EQ(Statements(), 0);

  // bundle_with_internal_ids: OpenCTI's internal ids (x_opencti_id, an
  // extension's id) stand for the STIX ids they belong to.
  ASSERT_NO_FATAL_FAILURE(Restart());
  status = Import(Bundle("opencti-client-python/bundle_with_internal_ids.json"), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::vector<v1::Statement> internal =
      Match("malware--faa5b705-cf44-4e50-8472-29e5fec43c3c", "part_of");
  ASSERT_EQ(internal.size(), 1u);
  EXPECT_EQ(internal[0].evidence(0).publisher(), "identity--67ffc076-1fba-5164-9df5-b7523092931e");

  // A bare object, not a bundle (interop-objectmarking-test.json): a bundle
  // of one.
  ASSERT_NO_FATAL_FAILURE(Restart());
  const Json bare = Json::parse(Bundle("cti-stix2-json-schemas/interop-objectmarking-test.json"));
  ASSERT_TRUE(
      Import(Bundle("cti-stix2-json-schemas/interop-objectmarking-test.json"), &response).ok());
  EXPECT_EQ(Get(bare["id"]).kind(), "Campaign");

  // The same id twice: the later object replaces the earlier.
  ASSERT_NO_FATAL_FAILURE(Restart());
  const std::string twice =
      R"({"type":"bundle","id":"bundle--6f4a3c2e-2f5a-4d3b-9a57-5c7e8f9e0a12","objects":[
      {"type":"malware","spec_version":"2.1","id":"malware--0b0b0b0b-0000-4000-8000-000000000002",
       "created":"2020-01-01T00:00:00.000Z","modified":"2020-01-01T00:00:00.000Z","name":"Old","is_family":false},
      {"type":"malware","spec_version":"2.1","id":"malware--0b0b0b0b-0000-4000-8000-000000000002",
       "created":"2020-01-01T00:00:00.000Z","modified":"2021-01-01T00:00:00.000Z","name":"New","is_family":false}]})";
  ASSERT_TRUE(Import(twice, &response).ok());
  EXPECT_EQ(Get("malware--0b0b0b0b-0000-4000-8000-000000000002").label(), "New");
}

TEST_F(StixTest, BadInputNamesItsLineAndColumnAndChangesNothing) {
  v1::ImportResponse response;
  grpc::Status status =
      Import("{\"type\": \"bundle\", \"objects\": [\n  {\"type\": \"malware\",,}]}", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(
      absl::StartsWith(status.error_message(), "line 2, column 3: objects[0]: not valid JSON"))
      << status.error_message();
  status = Import("[]", &response);
  EXPECT_EQ(status.error_message(), "line 1, column 1: a STIX bundle is a JSON object (batch 0)");
  status = Import(
      "{\"type\":\"bundle\",\"objects\":[{\"type\":\"malware\",\"id\":\"malware--0b0b0b0b-0000-"
      "4000-"
      "8000-000000000003\",\"confidence\":150}]}",
      &response);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "confidence: an integer from 0 to 100"))
      << status.error_message();
  v1::ImportOptions options;
  options.set_format("stix");
  options.set_mapping("kind malware Frob\n");
  status = Import("{}", options, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "chunks[0].options.mapping: line 1: kind 'Frob' is not in the schema");
  EXPECT_EQ(Statements(), 0);
}

TEST_F(StixTest, ACustomMappingRenamesRelationshipTypes) {
  v1::ImportOptions options;
  options.set_format("stix");
  options.set_mapping(
      "kind threat-actor ArmedGroup\nkind identity Organization\nrelationship attributed-to "
      "backs\n");
  v1::ImportResponse response;
  const grpc::Status status = Import(
      Bundle("cti-documentation/identifying-a-threat-actor-profile.json"), options, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const Json bundle =
      Json::parse(Bundle("cti-documentation/identifying-a-threat-actor-profile.json"));
  for (const Json& o : bundle["objects"]) {
    if (o["type"] == "threat-actor") {
      EXPECT_EQ(Get(o["id"]).kind(), "ArmedGroup");
    }
    if (o["type"] == "relationship") {
      EXPECT_EQ(Match(o["source_ref"], "backs").size(), 1u);
    }
  }
}

TEST_F(StixTest, KgdsOwnGraphGoesOutWithDenialsAsOpinionsAndComesBackTheSame) {
  v1::AssertRequest request;
  const auto entity = [&](const std::string& id, const std::string& kind,
                          const std::string& label) {
    v1::Entity* e = request.add_entities();
    e->set_id(id);
    e->set_kind(kind);
    e->set_label(label);
    return e;
  };
  entity("actor/turkey", "State", "Turkey")->add_aliases("Türkiye");
  (*entity("actor/hts", "ArmedGroup", "HTS")->mutable_external_ids())["wikidata"] = "Q27919880";
  entity("actor/tass", "MediaOutlet", "TASS");
  entity("actor/sana", "MediaOutlet", "SANA");
  v1::Entity* doc = entity("doc/tass-1", "Document", "TASS, 1 May");
  (*doc->mutable_attributes())["date"].set_date("2019-05-01");
  (*doc->mutable_attributes())["url"].set_string("https://tass.example/1");
  entity("doc/sana-1", "Document", "SANA, 2 May");
  v1::Statement* s = request.add_statements();
  s->set_subject("actor/turkey");
  s->set_predicate("supplies");
  s->mutable_object()->set_entity("actor/hts");
  s->set_valid_from("2019-05");
  v1::Evidence* asserts = s->add_evidence();
  asserts->set_document("doc/tass-1");
  asserts->set_publisher("actor/tass");
  asserts->set_confidence(0.7);
  v1::Evidence* denies = s->add_evidence();
  denies->set_document("doc/sana-1");
  denies->set_publisher("actor/sana");
  denies->set_stance(v1::DENIES);
  denies->set_confidence(0.4);
  v1::WriteResponse written;
  ASSERT_TRUE(ingest_->Assert(Ctx().get(), request, &written).ok());
  const std::vector<std::string> original = Content();

  const std::string exported = Export("stix");
  const Json bundle = Json::parse(exported);
  EXPECT_EQ(StixViolations(bundle), std::vector<std::string>());
  std::map<std::string, Json> by_id;
  for (const Json& o : bundle["objects"]) by_id[o["id"]] = o;
  int opinions = 0, relationships = 0;
  for (const Json& o : bundle["objects"]) {
    if (o["type"] == "relationship") {
      ++relationships;
      EXPECT_EQ(o["relationship_type"], "supplies");
      EXPECT_EQ(o["start_time"], "2019-05-01T00:00:00.000Z");
      EXPECT_EQ(by_id[o["source_ref"]]["name"], "Turkey");
      EXPECT_TRUE(o.contains("created_by_ref"));
    }
    if (o["type"] == "opinion" && o.value("x_kgd_mirrors_stance", false)) {
      ++opinions;
      EXPECT_EQ(o["opinion"], "disagree");
      EXPECT_EQ(o["confidence"], 40);
      EXPECT_EQ(by_id[o["created_by_ref"]]["name"], "SANA");
      EXPECT_EQ(by_id[o["object_refs"][0]]["x_kgd_stance"], "denies");
    }
    if (o.value("name", "") == "HTS") {
      EXPECT_EQ(o["external_references"][0]["external_id"], "Q27919880");
    }
    if (o.value("name", "") == "TASS, 1 May") {
      EXPECT_EQ(o["type"], "report");
      EXPECT_EQ(o["published"], "2019-05-01T00:00:00.000Z");
      EXPECT_EQ(o["x_kgd_url"], "https://tass.example/1");
    }
  }
  EXPECT_EQ(relationships, 2);
  EXPECT_EQ(opinions, 1);

  // A document's evidence alone.
  const Json one = Json::parse(Export("stix", "doc/tass-1"));
  EXPECT_EQ(StixViolations(one), std::vector<std::string>());
  int rels = 0;
  for (const Json& o : one["objects"]) rels += o["type"] == "relationship";
  EXPECT_EQ(rels, 1);

  ASSERT_NO_FATAL_FAILURE(Restart());
  v1::ImportResponse back;
  const grpc::Status status = Import(exported, &back);
  ASSERT_TRUE(status.ok()) << status.error_message();
  // kgd's own ids, kinds and valid times coarser than a day travel in
  // x_kgd_ properties; a report's made-up `published` is not read back.
  ExpectSame(Content(), original);
}

}  // namespace
}  // namespace kg::testing
