#include "storage/schema.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tests/testing/test_util.h"

namespace kg {
namespace {

using ::testing::HasSubstr;

std::string ParseError(std::string_view text) {
  absl::StatusOr<Schema> schema = Schema::Parse(text);
  EXPECT_FALSE(schema.ok()) << text;
  if (schema.ok()) return "";
  EXPECT_EQ(schema.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(schema.status().message());
}

TEST(SchemaTest, ParsesKindsPredicatesAndFlags) {
  ASSERT_OK_AND_ASSIGN(Schema schema, Schema::Parse(R"(
# comment line
kind Actor
kind Place   # trailing comment
kind Town:Place
predicate near : Place -> Place|Actor functional
predicate deaths : Any -> integer | decimal
predicate in : Place -> Place same_base
)"));
  EXPECT_EQ(schema.KindNames(), (std::vector<std::string>{"Actor", "Place", "Town"}));
  EXPECT_EQ(schema.PredicateNames(), (std::vector<std::string>{"near", "deaths", "in"}));
  const PredicateSpec* near = schema.FindPredicate("near");
  ASSERT_NE(near, nullptr);
  EXPECT_EQ(near->domain, std::vector<std::string>{"Place"});
  EXPECT_EQ(near->range_kinds, (std::vector<std::string>{"Place", "Actor"}));
  EXPECT_TRUE(near->range_literals.empty());
  EXPECT_TRUE(near->functional);
  EXPECT_FALSE(near->same_base);
  const PredicateSpec* deaths = schema.FindPredicate("deaths");
  ASSERT_NE(deaths, nullptr);
  EXPECT_EQ(deaths->domain, std::vector<std::string>{"Any"});
  EXPECT_EQ(deaths->range_literals,
            (std::vector<ValueType>{ValueType::kInteger, ValueType::kDecimal}));
  EXPECT_TRUE(schema.FindPredicate("in")->same_base);
  EXPECT_EQ(schema.FindPredicate("unknown"), nullptr);
  EXPECT_EQ(schema.ToText(),
            "kind Actor\nkind Place\nkind Town : Place\n"
            "predicate near : Place -> Place | Actor functional\n"
            "predicate deaths : Any -> integer | decimal\n"
            "predicate in : Place -> Place same_base\n");
}

TEST(SchemaTest, ParseErrorsNameTheLine) {
  EXPECT_EQ(ParseError("kind Actor\n\nthing X\n"),
            "schema line 3: expected 'kind', 'predicate', 'publishers', 'claimants' or 'iri', got "
            "'thing'");
  EXPECT_EQ(ParseError("kind Actor\nkind Actor\n"), "schema line 2: kind 'Actor' declared twice");
  EXPECT_EQ(ParseError("kind Town : Place\n"),
            "schema line 1: parent kind 'Place' of 'Town' is not declared (declare parents first)");
  EXPECT_THAT(ParseError("kind actor\n"), HasSubstr("schema line 1: kind name 'actor' must match"));
  EXPECT_EQ(ParseError("kind Any\n"),
            "schema line 1: 'Any' is reserved and cannot be declared as a kind");
  EXPECT_EQ(ParseError("kind A\nkind B extra\n"),
            "schema line 2: expected 'kind <Name>' or 'kind <Name> : <Parent>'");
  EXPECT_EQ(ParseError("kind A\npredicate p : A -> Nope\n"),
            "schema line 2: unknown kind or literal type 'Nope' in the range");
  EXPECT_EQ(ParseError("kind A\npredicate p : integer -> A\n"),
            "schema line 2: the domain cannot be a literal type, got 'integer'");
  EXPECT_EQ(ParseError("kind A\npredicate p : A A\n"),
            "schema line 2: expected '->' after the domain of 'p'");
  EXPECT_EQ(
      ParseError("kind A\npredicate p : A -> A sticky\n"),
      "schema line 2: unknown flag 'sticky' (expected 'functional', 'same_base' or 'acyclic')");
  EXPECT_EQ(ParseError("kind A\npredicate p : A -> A |\n"), "schema line 2: missing range");
  EXPECT_EQ(ParseError("kind A\npredicate p : A -> A\npredicate p : A -> A\n"),
            "schema line 3: predicate 'p' declared twice");
  EXPECT_EQ(ParseError("kind A\npredicate P : A -> A\n"),
            "schema line 2: predicate name 'P' must match [a-z][a-z0-9_]* (at most 128 bytes)");
  EXPECT_EQ(ParseError("kind A\npredicate p : A -> A | A\n"),
            "schema line 2: 'A' listed twice in the range");
  EXPECT_EQ(ParseError("kind A\npredicate p : A -> string same_base\n"),
            "schema line 2: 'same_base' needs kinds in the range");
  EXPECT_EQ(ParseError("kind A\n  kind B ; A\n"), "schema line 2: unexpected character ';'");
  EXPECT_EQ(ParseError("kind A\r\nkind A\r\n"), "schema line 2: kind 'A' declared twice");
}

TEST(SchemaTest, IriLinesNameKindsAndPredicatesInRdf) {
  absl::StatusOr<Schema> schema = Schema::Parse(
      "kind State\npredicate backs : State -> State\n"
      "iri backs <http://example.org/ont#supports>  # a fragment, and ':' inside\n"
      "iri State <urn:x:State>\n");
  ASSERT_TRUE(schema.ok()) << schema.status();
  EXPECT_EQ(schema->IriOf("backs"), "http://example.org/ont#supports");
  EXPECT_EQ(schema->NameOfIri("urn:x:State"), "State");
  EXPECT_EQ(schema->IriOf("State"), "urn:x:State");
  EXPECT_EQ(schema->NameOfIri("urn:x:Other"), "");
  absl::StatusOr<Schema> again = Schema::Parse(schema->ToText());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->ToText(), schema->ToText());

  EXPECT_EQ(ParseError("kind A\niri B <urn:b>\n"),
            "schema line 2: iri: 'B' is no kind or predicate declared above");
  EXPECT_EQ(ParseError("kind A\nkind B\niri A <urn:x>\niri B <urn:x>\n"),
            "schema line 4: iri: <urn:x> is named twice");
  EXPECT_EQ(ParseError("kind A\niri A <urn:x>\niri A <urn:y>\n"),
            "schema line 3: iri: 'A' has an IRI already");
  EXPECT_EQ(ParseError("kind A\niri A <urn:x\n"), "schema line 2: an IRI '<' has no closing '>'");
  EXPECT_EQ(ParseError("kind A\niri A\n"),
            "schema line 2: expected 'iri <Kind or predicate> <IRI>'");
}

TEST(SchemaTest, LoadFileReportsPathAndMissingFile) {
  testing::TempDir dir;
  const std::string path = dir.Sub("schema.txt");
  {
    std::ofstream out(path);
    out << "kind A\npredicate p : A -> B\n";
  }
  absl::StatusOr<Schema> bad = Schema::LoadFile(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(std::string(bad.status().message()),
            path + ": schema line 2: unknown kind or literal type 'B' in the range");
  EXPECT_EQ(Schema::LoadFile(dir.Sub("missing.txt")).status().code(), absl::StatusCode::kNotFound);
  {
    std::ofstream out(path);
    out << "kind A\npredicate p : A -> A\n";
  }
  ASSERT_OK_AND_ASSIGN(Schema good, Schema::LoadFile(path));
  EXPECT_NE(good.FindPredicate("p"), nullptr);
}

TEST(SchemaTest, DefaultSchemaEqualsTheShippedFile) {
  std::ifstream in(std::string(KG_SOURCE_DIR) + "/storage/default_schema.txt", std::ios::binary);
  ASSERT_TRUE(in) << "cannot read storage/default_schema.txt";
  std::ostringstream text;
  text << in.rdbuf();
  EXPECT_EQ(Schema::DefaultText(), text.str())
      << "storage/schema.cc's kDefaultSchemaText differs from storage/default_schema.txt";
  ASSERT_OK_AND_ASSIGN(Schema parsed, Schema::Parse(text.str()));
  EXPECT_EQ(parsed.ToText(), Schema::Default().ToText());
}

TEST(SchemaTest, ToTextRoundTrips) {
  const std::string text = Schema::Default().ToText();
  ASSERT_OK_AND_ASSIGN(Schema again, Schema::Parse(text));
  EXPECT_EQ(again.ToText(), text);
  EXPECT_EQ(again.KindNames(), Schema::Default().KindNames());
  EXPECT_EQ(again.PredicateNames(), Schema::Default().PredicateNames());
}

TEST(SchemaTest, DefaultKindHierarchy) {
  const Schema& s = Schema::Default();
  for (const char* kind :
       {"Actor",   "State",       "Government", "ArmedForce",  "ArmedGroup",   "Organization",
        "Person",  "MediaOutlet", "Location",   "Country",     "Region",       "District",
        "Town",    "Village",     "Zone",       "Incident",    "Attack",       "Airstrike",
        "Clash",   "BuildUp",     "Supply",     "AidDelivery", "Displacement", "Meeting",
        "Warning", "Casualties",  "Offensive",  "Destruction", "Document"}) {
    EXPECT_TRUE(s.IsKnownKind(kind)) << kind;
    EXPECT_TRUE(s.IsKindOf(kind, kind)) << kind;
    EXPECT_TRUE(s.IsKindOf(kind, "Any")) << kind;
  }
  EXPECT_TRUE(s.IsKindOf("Village", "Location"));
  EXPECT_TRUE(s.IsKindOf("Airstrike", "Attack"));
  EXPECT_TRUE(s.IsKindOf("Airstrike", "Incident"));
  EXPECT_FALSE(s.IsKindOf("Attack", "Airstrike"));
  EXPECT_FALSE(s.IsKindOf("Village", "Actor"));
  EXPECT_FALSE(s.IsKindOf("Location", "Village"));
  EXPECT_FALSE(s.IsKnownKind("Any"));
  EXPECT_FALSE(s.IsKnownKind("village"));
  EXPECT_FALSE(s.IsKindOf("Spaceship", "Any"));
  EXPECT_FALSE(s.IsKindOf("Spaceship", "Spaceship"));
  EXPECT_EQ(s.BaseKind("Airstrike"), "Incident");
  EXPECT_EQ(s.BaseKind("Document"), "Document");
  EXPECT_EQ(s.BaseKind("Spaceship"), "");
  EXPECT_TRUE(s.FindPredicate("occurred_in")->functional);
  EXPECT_TRUE(s.FindPredicate("perpetrated_by")->functional);
  EXPECT_FALSE(s.FindPredicate("targeted")->functional);
}

absl::Status CheckEntity(std::string_view predicate, std::string_view subject_kind,
                         std::string_view object_kind) {
  return Schema::Default().CheckStatement(predicate, subject_kind, Value::Entity("x/y"),
                                          object_kind, "statements[0]");
}

absl::Status CheckLiteral(std::string_view predicate, std::string_view subject_kind,
                          ValueType type) {
  return Schema::Default().CheckStatement(predicate, subject_kind, Value{type, "1"}, "",
                                          "statements[1]");
}

TEST(SchemaTest, DefaultSchemaAccepts) {
  EXPECT_OK(CheckEntity("supplies", "State", "ArmedGroup"));
  EXPECT_OK(CheckEntity("backs", "Government", "ArmedForce"));
  EXPECT_OK(CheckEntity("sponsors", "State", "Meeting"));
  EXPECT_OK(CheckEntity("attacks", "ArmedGroup", "Village"));
  EXPECT_OK(CheckEntity("occurred_in", "Airstrike", "Region"));
  EXPECT_OK(CheckEntity("perpetrated_by", "Clash", "ArmedForce"));
  EXPECT_OK(CheckEntity("targeted", "Attack", "Town"));
  EXPECT_OK(CheckEntity("targeted", "Attack", "Person"));
  EXPECT_OK(CheckEntity("located_in", "Village", "District"));
  EXPECT_OK(CheckEntity("located_in", "ArmedGroup", "Zone"));
  EXPECT_OK(CheckEntity("part_of", "Village", "Country"));
  EXPECT_OK(CheckEntity("part_of", "ArmedGroup", "Organization"));
  EXPECT_OK(CheckEntity("part_of", "Airstrike", "Offensive"));
  EXPECT_OK(CheckEntity("reported_by", "Clash", "MediaOutlet"));
  EXPECT_OK(CheckEntity("issued_by", "Warning", "Person"));
  EXPECT_OK(CheckLiteral("deaths", "Casualties", ValueType::kInteger));
  EXPECT_OK(CheckLiteral("count", "BuildUp", ValueType::kInteger));
  EXPECT_OK(CheckLiteral("description", "Village", ValueType::kString));
  EXPECT_OK(CheckLiteral("description", "Document", ValueType::kString));
}

TEST(SchemaTest, DefaultSchemaRejectsWithFieldAndReason) {
  auto expect = [](absl::Status status, std::string_view message) {
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
    EXPECT_EQ(std::string(status.message()), message);
  };
  expect(CheckEntity("supplies", "Village", "ArmedGroup"),
         "statements[0]: predicate 'supplies' expects a subject of kind Actor, got Village");
  expect(CheckEntity("occurred_in", "Airstrike", "ArmedGroup"),
         "statements[0]: predicate 'occurred_in' expects an object of kind Location, got "
         "ArmedGroup");
  expect(CheckEntity("targeted", "Airstrike", "Document"),
         "statements[0]: predicate 'targeted' expects an object of kind Actor or Location, got "
         "Document");
  expect(CheckEntity("located_in", "Incident", "Town"),
         "statements[0]: predicate 'located_in' expects a subject of kind Location or Actor, got "
         "Incident");
  absl::Status unknown = CheckEntity("frobs", "State", "State");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument) << unknown;
  EXPECT_EQ(std::string(unknown.message()),
            "statements[0].predicate: 'frobs' is not in the schema");
  expect(CheckEntity("supplies", "Spaceship", "State"),
         "statements[0]: predicate 'supplies' expects a subject of kind Actor, got Spaceship");
  expect(CheckEntity("supplies", "", "State"),
         "statements[0]: predicate 'supplies' expects a subject of kind Actor, got no kind");
  expect(CheckEntity("part_of", "Village", "ArmedGroup"),
         "statements[0]: predicate 'part_of' links kinds of the same base only, got Village "
         "(Location) and ArmedGroup (Actor)");
  expect(CheckEntity("deaths", "Attack", "Person"),
         "statements[0]: predicate 'deaths' expects an object of type integer, got an entity of "
         "kind Person");
  expect(CheckLiteral("deaths", "Attack", ValueType::kString),
         "statements[1]: predicate 'deaths' expects an object of type integer, got string");
  expect(CheckLiteral("supplies", "State", ValueType::kString),
         "statements[1]: predicate 'supplies' expects an object of kind Actor, got string");
  expect(CheckLiteral("deaths", "State", ValueType::kInteger),
         "statements[1]: predicate 'deaths' expects a subject of kind Incident, got State");
}

// The benchmark generator's DOMAINS table (tools: /work/shared/bench/gen.py),
// with its entity types mapped to our kinds. Every statement it can generate
// must pass the default schema.
TEST(SchemaTest, BenchmarkGeneratorStatementsPass) {
  const std::map<std::string, std::string> kind_of = {
      {"state_actor", "State"}, {"armed_group", "ArmedGroup"},   {"organization", "Organization"},
      {"person", "Person"},     {"media_outlet", "MediaOutlet"}, {"incident", "Incident"},
      {"location", "Location"}, {"document", "Document"},
  };
  struct Domain {
    std::string predicate;
    std::vector<std::string> subjects;
    std::vector<std::string> objects;
  };
  const std::vector<Domain> domains = {
      {"supplies", {"state_actor", "organization"}, {"armed_group"}},
      {"backs", {"state_actor"}, {"armed_group", "organization"}},
      {"sponsors", {"state_actor", "organization"}, {"armed_group", "organization", "person"}},
      {"allied_with", {"armed_group", "state_actor"}, {"armed_group", "state_actor"}},
      {"opposes",
       {"armed_group", "state_actor", "organization", "person"},
       {"armed_group", "state_actor", "organization"}},
      {"attacks", {"armed_group", "state_actor"}, {"armed_group", "location", "organization"}},
      {"clashes_with", {"armed_group"}, {"armed_group", "state_actor"}},
      {"member_of", {"person"}, {"armed_group", "organization", "state_actor"}},
      {"located_in", {"armed_group", "organization", "person", "media_outlet"}, {"location"}},
      {"occurred_in", {"incident"}, {"location"}},
      {"perpetrated_by", {"incident"}, {"armed_group", "state_actor"}},
      {"targeted", {"incident"}, {"person", "organization", "location", "armed_group"}},
      {"reported_by", {"incident"}, {"media_outlet"}},
      // The location hierarchy: part_of between locations.
      {"part_of", {"location"}, {"location"}},
  };
  int checked = 0;
  for (const Domain& d : domains) {
    for (const std::string& s : d.subjects) {
      for (const std::string& o : d.objects) {
        EXPECT_OK(CheckEntity(d.predicate, kind_of.at(s), kind_of.at(o)));
        ++checked;
      }
    }
  }
  EXPECT_EQ(checked, 50);
  for (const auto& [type, kind] : kind_of) EXPECT_TRUE(Schema::Default().IsKnownKind(kind));
}

}  // namespace
}  // namespace kg
