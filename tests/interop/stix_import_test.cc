// The STIX importer and exporter without a server: the bundle scanner on any
// chunking, name-based UUIDs, the mapping file, and every bundle of
// ../shared/data/stix2 with its defined outcome, the expected numbers counted
// from the bundle's JSON here.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "interop/interop.h"
#include "interop/stix_ids.h"
#include "interop/stix_mapping.h"
#include "interop/stix_scan.h"
#include "storage/schema.h"

namespace kg::interop {
namespace {

using Json = nlohmann::json;

std::filesystem::path Stix2() { return std::filesystem::path(KG_SHARED_DATA) / "stix2"; }

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Imported {
  absl::Status status;
  std::vector<v1::AssertRequest> batches;
  int64_t skipped = 0;
  std::map<std::string, v1::Entity> entities;
  // subject predicate object -> evidence records
  std::map<std::string, std::vector<v1::Evidence>> statements;
};

Imported Import(const std::string& data, bool skip_unmapped = false, size_t chunk = 4096,
                int32_t batch_records = 1000) {
  ImportOptions options;
  options.format = Format::kStix;
  options.skip_unmapped = skip_unmapped;
  options.batch_records = batch_records;
  Imported out;
  absl::StatusOr<std::unique_ptr<Importer>> importer = Importer::New(options, Schema::Default());
  if (!importer.ok()) {
    out.status = importer.status();
    return out;
  }
  for (size_t at = 0; at < data.size() && out.status.ok(); at += chunk) {
    out.status = (*importer)->Feed(absl::string_view(data).substr(at, chunk), &out.batches);
  }
  if (out.status.ok()) out.status = (*importer)->Finish(&out.batches);
  out.skipped = (*importer)->skipped();
  for (const v1::AssertRequest& batch : out.batches) {
    for (const v1::Entity& e : batch.entities()) out.entities[e.id()] = e;
    for (const v1::Statement& s : batch.statements()) {
      auto& records = out.statements[s.subject() + " " + s.predicate() + " " + s.object().entity()];
      records.insert(records.end(), s.evidence().begin(), s.evidence().end());
    }
  }
  return out;
}

TEST(StixIds, Uuid5IsRfc4122NameBased) {
  // Python: uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, "urn:kgd:stix"), "hello")
  EXPECT_EQ(stix::Uuid5("hello"), "945263f7-de7e-5c3f-8076-44bc0dbddd9c");
  EXPECT_TRUE(stix::IsStixId(stix::IdFor("malware", "x")));
  EXPECT_FALSE(stix::IsStixId("identity--not-available"));
  EXPECT_FALSE(stix::IsStixId("82316ffd-a0ec-4519-a454-6566f8f5676c"));
}

TEST(StixMapping, TheShippedMappingParsesAgainstTheDefaultSchema) {
  absl::StatusOr<stix::Mapping> m =
      stix::Mapping::Parse(stix::DefaultMappingText(), Schema::Default());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->Predicate("attributed-to"), "attributed_to");
  EXPECT_EQ(m->TypeOf("Person", Schema::Default())->type, "identity");
  EXPECT_EQ(m->TypeOf("Person", Schema::Default())->value, "individual");
  EXPECT_EQ(m->TypeOf("State", Schema::Default())->type, "identity");
  EXPECT_EQ(m->TypeOf("Village", Schema::Default())->type, "location");
  EXPECT_EQ(m->TypeOf("Airstrike", Schema::Default())->type, "incident");
  EXPECT_EQ(m->TypeOf("Opinion", Schema::Default())->type, "opinion");
  const absl::Status bad =
      stix::Mapping::Parse("kind malware Malware\nrelationship uses frobs\n", Schema::Default())
          .status();
  EXPECT_EQ(bad.message(), "mapping: line 2: predicate 'frobs' is not in the schema");
}

TEST(StixScan, SplitsObjectsOnAnyChunkingAndNamesWhereTheyStart) {
  const std::string bundle =
      "{\"type\": \"bundle\", \"id\": \"bundle--1\",\n \"objects\": [\n  {\"a\": \"}{\\\"]\"},"
      " {\"b\": [1, {\"c\": 2}]}\n ], \"x\": 1}\n";
  for (size_t chunk : {1, 2, 3, 7, 1000}) {
    stix::BundleScanner scanner(1 << 20);
    std::vector<std::string> objects;
    std::vector<int64_t> lines;
    for (size_t at = 0; at < bundle.size(); at += chunk) {
      ASSERT_TRUE(scanner
                      .Feed(absl::string_view(bundle).substr(at, chunk),
                            [&](absl::string_view text, int64_t, int64_t line, int64_t) {
                              objects.emplace_back(text);
                              lines.push_back(line);
                              return absl::OkStatus();
                            })
                      .ok());
    }
    ASSERT_TRUE(scanner.Finish().ok());
    ASSERT_EQ(objects.size(), 2u);
    EXPECT_EQ(objects[0], "{\"a\": \"}{\\\"]\"}");
    EXPECT_EQ(objects[1], "{\"b\": [1, {\"c\": 2}]}");
    EXPECT_EQ(lines[0], 3);
    const Json envelope = Json::parse(scanner.envelope());
    EXPECT_EQ(envelope["id"], "bundle--1");
    EXPECT_TRUE(envelope["objects"].empty());
  }
}

TEST(StixScan, RefusesWhatIsNotABundleAndObjectsPastTheBound) {
  stix::BundleScanner scanner(16);
  const auto ignore = [](absl::string_view, int64_t, int64_t, int64_t) { return absl::OkStatus(); };
  absl::Status s =
      scanner.Feed("{\"objects\": [\n{\"type\": \"malware\", \"id\": \"x\"}]}", ignore);
  EXPECT_EQ(s.message(), "line 2, column 1: objects[0] is longer than 16 bytes");
  stix::BundleScanner array(1 << 20);
  EXPECT_EQ(array.Feed("[1]", ignore).message(),
            "line 1, column 1: a STIX bundle is a JSON object");
  stix::BundleScanner cut(1 << 20);
  ASSERT_TRUE(cut.Feed("{\"objects\": [{\"a\": 1", ignore).ok());
  EXPECT_EQ(cut.Finish().message(), "line 1, column 20: the input ended inside objects[0]");
}

// The bundle's objects by type, counted here.
std::map<std::string, int> TypeCounts(const Json& bundle) {
  std::map<std::string, int> counts;
  for (const Json& o : bundle["objects"]) ++counts[o["type"].get<std::string>()];
  return counts;
}

TEST(StixImport, EveryOasisAndOpenCtiBundleHasItsDefinedOutcome) {
  // Bundles whose every object and relationship maps.
  const std::vector<std::string> clean = {
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
      "opencti-client-python/bundle_ids_sample.json",
      "opencti-client-python/bundle_with_internal_ids.json",
      "opencti-client-python/mono-bundle-entity.json",
      "opencti-client-python/mitre_att_capec.json",
  };
  for (const std::string& name : clean) {
    SCOPED_TRACE(name);
    const std::string data = Read(Stix2() / name);
    const Json bundle = Json::parse(data);
    const Imported in = Import(data, false, 997);
    ASSERT_TRUE(in.status.ok()) << in.status;
    EXPECT_EQ(in.skipped, 0);
    std::map<std::string, int> types = TypeCounts(bundle);
    int sdos = 0;
    std::set<std::string> relationships;
    for (const Json& o : bundle["objects"]) {
      const std::string type = o["type"];
      if (type == "relationship") {
        relationships.insert(o["relationship_type"].get<std::string>());
      } else if (type != "marking-definition") {
        ++sdos;
      }
    }
    // Every object but relationships and markings is an entity, plus the
    // bundle's own document when something needs it.
    const int bundle_documents = static_cast<int>(in.entities.size()) - sdos;
    EXPECT_TRUE(bundle_documents == 0 || bundle_documents == 1) << in.entities.size();
    int statements_of_relationships = 0;
    for (const auto& [key, records] : in.statements) {
      if (!absl::StrContains(key, " mentions ") && !absl::StrContains(key, "sighting--")) {
        ++statements_of_relationships;
      }
      for (const v1::Evidence& e : records) EXPECT_FALSE(e.document().empty());
    }
    // Relationships with the same ends and type are one statement.
    std::set<std::string> distinct;
    for (const Json& o : bundle["objects"]) {
      if (o["type"] == "relationship") {
        distinct.insert(o["source_ref"].get<std::string>() +
                        o["relationship_type"].get<std::string>() +
                        o["target_ref"].get<std::string>());
      }
    }
    EXPECT_EQ(statements_of_relationships, static_cast<int>(distinct.size()));
    for (const auto& [id, e] : in.entities) EXPECT_EQ(e.external_ids().at("stix"), id);
  }
}

TEST(StixImport, TheCapecBundleInSmallBatches) {
  const std::string data = Read(Stix2() / "opencti-client-python/mitre_att_capec.json");
  const Json bundle = Json::parse(data);
  const std::map<std::string, int> types = TypeCounts(bundle);
  const Imported in = Import(data, false, 65536, 100);
  ASSERT_TRUE(in.status.ok()) << in.status;
  for (const v1::AssertRequest& batch : in.batches) {
    int records = batch.entities_size();
    for (const v1::Statement& s : batch.statements()) records += 1 + s.evidence_size();
    EXPECT_LE(records, 101);
  }
  // attack-pattern, course-of-action, identity, the bundle's document.
  EXPECT_EQ(in.entities.size(),
            static_cast<size_t>(types.at("attack-pattern") + types.at("course-of-action") +
                                types.at("identity") + 1));
  int mitigates = 0;
  for (const auto& [key, records] : in.statements)
    mitigates += absl::StrContains(key, " mitigates ");
  EXPECT_EQ(mitigates, types.at("relationship"));
  const v1::Entity& ap = in.entities.begin()->second;
  EXPECT_EQ(ap.kind(), "AttackPattern");
  EXPECT_TRUE(ap.external_ids().contains("capec")) << ap.DebugString();
}

// Damaged bundles (a byte changed, the end cut off) end in an error or a
// smaller graph, never a crash (under ASan in CI), and every batch stays
// within the batch bound.
TEST(StixImport, DamagedBundlesFailCleanly) {
  const std::string data = Read(Stix2() / "opencti-client-python/DATA-TEST-STIX2_v2.json");
  const std::string replacements = "{}[]\",:\\x0a-";
  int failed = 0;
  for (size_t i = 0; i < 1500; ++i) {
    std::string damaged = data;
    const size_t at = (i * 7919) % damaged.size();
    if (i % 3 == 0) {
      damaged.resize(at);
    } else {
      damaged[at] = replacements[i % replacements.size()];
    }
    const Imported in = Import(damaged, i % 2 == 0, 1 + i % 512, 7);
    failed += !in.status.ok();
    for (const v1::AssertRequest& batch : in.batches) {
      int records = batch.entities_size();
      for (const v1::Statement& s : batch.statements()) records += 1 + s.evidence_size();
      EXPECT_LE(records, 8);
    }
  }
  EXPECT_GT(failed, 400);
}

}  // namespace
}  // namespace kg::interop
