// The bounds of client input and the clipping of what error messages quote.

#include "storage/validation.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "storage/schema.h"
#include "storage/types.h"

namespace kg {
namespace {

Entity MakeEntity() {
  Entity e;
  e.id = "actor/turkey";
  e.kind = "State";
  e.label = "Turkey";
  return e;
}

Statement MakeStatement() {
  Statement st;
  st.subject = "actor/turkey";
  st.predicate = "supplies";
  st.object = Value::Entity("group/nusra");
  Evidence e;
  e.document = "doc/reuters-1";
  st.evidence.push_back(e);
  return st;
}

TEST(ClipTest, ShortInputIsKept) {
  EXPECT_EQ(Clip(""), "");
  EXPECT_EQ(Clip(std::string(kMaxEchoBytes, 'a')), std::string(kMaxEchoBytes, 'a'));
}

TEST(ClipTest, LongInputIsCutAndMeasured) {
  const std::string id(1 << 20, 'x');
  EXPECT_EQ(Clip(id), absl::StrCat(std::string(kMaxEchoBytes, 'x'), "\u2026(1048576 bytes)"));
}

TEST(ClipTest, CutNeverSplitsACharacter) {
  // "é" is two bytes; at offset 127 it straddles the cut and is dropped whole.
  const std::string input = std::string(127, 'a') + "\u00e9" + std::string(10, 'b');
  EXPECT_EQ(Clip(input), absl::StrCat(std::string(127, 'a'), "\u2026(139 bytes)"));
  // A four-byte character ending exactly at the cut is kept.
  const std::string emoji = std::string(124, 'a') + "\U0001F600" + "tail";
  EXPECT_EQ(Clip(emoji), absl::StrCat(std::string(124, 'a'), "\U0001F600", "\u2026(132 bytes)"));
}

TEST(BoundsTest, ReadCheckers) {
  EXPECT_TRUE(CheckId("", "id").ok());
  EXPECT_TRUE(CheckId(std::string(kMaxIdBytes, 'a'), "id").ok());
  EXPECT_EQ(CheckId(std::string(1 << 20, 'a'), "id").message(),
            "id: 1048576 bytes exceed the limit 256");
  EXPECT_EQ(CheckCount(1001, kMaxFilterPublishers, "publishers_allow").message(),
            "publishers_allow: 1001 entries exceed the limit 1000");
  EXPECT_EQ(CheckStrings({"located_in", std::string(129, 'p')}, kMaxReadNames, kMaxNameBytes,
                         "predicates")
                .message(),
            "predicates[1]: 129 bytes exceed the limit 128");
}

TEST(BoundsTest, EntityIdOfOneMebibyteIsRefusedWithoutEcho) {
  const absl::Status s = CheckEntityId(std::string(1 << 20, 'a'), "entities[0].id");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "entities[0].id: 1048576 bytes exceed the limit 256");
}

TEST(BoundsTest, EntityFields) {
  const Schema& schema = Schema::Default();
  EXPECT_TRUE(CheckEntity(MakeEntity(), schema, "entities[0]").ok());
  struct Case {
    void (*edit)(Entity&);
    const char* message;
  };
  const Case cases[] = {
      {[](Entity& e) { e.label = std::string(2048, 'l'); },
       "entities[0].label: 2048 bytes exceed the limit 1024"},
      {[](Entity& e) { e.kind = std::string(200, 'K'); },
       "entities[0].kind: 200 bytes exceed the limit 128"},
      {[](Entity& e) { e.aliases.assign(257, "a"); },
       "entities[0].aliases: 257 entries exceed the limit 256"},
      {[](Entity& e) {
         e.aliases = {"Türkiye", std::string(1025, 'a')};
       },
       "entities[0].aliases[1]: 1025 bytes exceed the limit 1024"},
      {[](Entity& e) {
         for (int i = 0; i < 257; ++i) e.attributes[absl::StrCat("a", i)] = Value::String("v");
       },
       "entities[0].attributes: 257 entries exceed the limit 256"},
      {[](Entity& e) { e.attributes["note"] = Value::String(std::string(65537, 's')); },
       "entities[0].attributes[note]: 65537 bytes exceed the limit 65536"},
      {[](Entity& e) {
         for (int i = 0; i < 65; ++i) e.external_ids.emplace(absl::StrCat("s", i), "x");
       },
       "entities[0].external_ids: 65 entries exceed the limit 64"},
      {[](Entity& e) { e.external_ids["wikidata"] = std::string(257, 'Q'); },
       "entities[0].external_ids[wikidata]: 257 bytes exceed the limit 256"},
  };
  for (const Case& c : cases) {
    Entity e = MakeEntity();
    c.edit(e);
    const absl::Status s = CheckEntity(e, schema, "entities[0]");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(s.message(), c.message);
  }
  Entity e = MakeEntity();
  const std::string name(129, 'n');
  e.attributes[name] = Value::String("v");
  EXPECT_EQ(
      CheckEntity(e, schema, "entities[0]").message(),
      absl::StrCat("entities[0].attributes[", Clip(name), "]: 129 bytes exceed the limit 128"));
}

TEST(BoundsTest, StatementAndEvidenceFields) {
  const Schema& schema = Schema::Default();
  EXPECT_TRUE(CheckStatement(MakeStatement(), schema, "statements[0]").ok());
  struct Case {
    void (*edit)(Statement&);
    const char* message;
  };
  const Case cases[] = {
      {[](Statement& s) { s.predicate = std::string(1 << 20, 'p'); },
       "statements[0].predicate: 1048576 bytes exceed the limit 128"},
      {[](Statement& s) { s.object = Value::String(std::string(65537, 'o')); },
       "statements[0].object: 65537 bytes exceed the limit 65536"},
      {[](Statement& s) { s.evidence[0].excerpt = std::string(65537, 'e'); },
       "statements[0].evidence[0].excerpt: 65537 bytes exceed the limit 65536"},
      {[](Statement& s) { s.evidence[0].claimant_description = std::string(1025, 'c'); },
       "statements[0].evidence[0].claimant_description: 1025 bytes exceed the limit 1024"},
      {[](Statement& s) { s.evidence[0].extractor = std::string(257, 'x'); },
       "statements[0].evidence[0].extractor: 257 bytes exceed the limit 256"},
      {[](Statement& s) { s.evidence[0].publisher = std::string(257, 'p'); },
       "statements[0].evidence[0].publisher: 257 bytes exceed the limit 256"},
  };
  for (const Case& c : cases) {
    Statement st = MakeStatement();
    c.edit(st);
    const absl::Status s = CheckStatement(st, schema, "statements[0]");
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.message;
    EXPECT_EQ(s.message(), c.message);
  }
}

TEST(BoundsTest, EchoedInputIsClipped) {
  Statement st = MakeStatement();
  st.predicate = std::string(100, 'p') + std::string(28, 'q');  // 128 bytes: within the bound
  EXPECT_EQ(CheckStatement(st, Schema::Default(), "s").message(),
            absl::StrCat("s.predicate: '", st.predicate, "' is not in the schema"));
  Value date{ValueType::kDate, std::string(1000, '9')};
  EXPECT_EQ(CheckLiteral(date, "v").message(),
            absl::StrCat("v: must be a date YYYY, YYYY-MM or YYYY-MM-DD, got '",
                         std::string(kMaxEchoBytes, '9'), "\u2026(1000 bytes)'"));
  EXPECT_LT(CheckEntityId(std::string(200, 'a') + " ", "id").message().size(), 300u);
}

TEST(BoundsTest, FilterLists) {
  Filter f;
  f.publishers_allow.assign(1001, "outlet/reuters");
  EXPECT_EQ(CheckFilter(f, "filter").message(),
            "filter.publishers_allow: 1001 entries exceed the limit 1000");
  f = Filter();
  f.publishers_deny = {std::string(1 << 20, 'o')};
  EXPECT_EQ(CheckFilter(f, "filter").message(),
            "filter.publishers_deny[0]: 1048576 bytes exceed the limit 256");
  f = Filter();
  f.valid_from = std::string(1 << 20, '2');
  EXPECT_LT(CheckFilter(f, "filter").message().size(), 300u);
}

TEST(FilterTest, MaxSourcesBoundsIndependentSources) {
  Filter f;
  EXPECT_TRUE(MeetsMinimums(f, 1.0, 7));  // 0: no bound
  f.max_sources = 1;
  EXPECT_TRUE(MeetsMinimums(f, 1.0, 1));
  EXPECT_FALSE(MeetsMinimums(f, 1.0, 2));
  f.min_sources = 1;
  EXPECT_FALSE(MeetsMinimums(f, 1.0, 0));
  f.max_sources = -1;
  EXPECT_EQ(CheckFilter(f, "filter").message(), "filter.max_sources: must be >= 0, got -1");
}

}  // namespace
}  // namespace kg
