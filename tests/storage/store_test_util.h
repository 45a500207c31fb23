// Fixtures shared by the storage tests: a store in a fresh temp dir, a small
// graph from the Idlib article, and renderers that turn results into strings
// so that one assertion checks a whole state.

#ifndef KGD_TESTS_STORAGE_STORE_TEST_UTIL_H_
#define KGD_TESTS_STORAGE_STORE_TEST_UTIL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/store.h"
#include "tests/testing/test_util.h"

namespace kg::testing {

inline Entity MakeEntity(std::string id, std::string kind, std::string label,
                         std::vector<std::string> aliases = {}) {
  Entity e;
  e.id = std::move(id);
  e.kind = std::move(kind);
  e.label = std::move(label);
  e.aliases = std::move(aliases);
  return e;
}

inline Evidence MakeEvidence(std::string document, std::string publisher, double confidence,
                             std::string excerpt = "", std::string reported_on = "") {
  Evidence e;
  e.document = std::move(document);
  e.publisher = std::move(publisher);
  e.confidence = confidence;
  e.excerpt = std::move(excerpt);
  e.reported_on = std::move(reported_on);
  return e;
}

inline Statement MakeStatement(std::string s, std::string p, Value o,
                               std::vector<Evidence> evidence) {
  Statement st;
  st.subject = std::move(s);
  st.predicate = std::move(p);
  st.object = std::move(o);
  st.evidence = std::move(evidence);
  return st;
}

// The entities every test starts from.
inline WriteBatch BaseEntities() {
  WriteBatch b;
  b.entities = {
      MakeEntity("actor/turkey", "State", "Turkey", {"Türkiye"}),
      MakeEntity("actor/russia", "State", "Russia"),
      MakeEntity("actor/hts", "ArmedGroup", "Jabhat al-Nuṣrah", {"al-Nusra Front", "Nusra"}),
      MakeEntity("actor/opposition", "ArmedGroup", "Syrian opposition"),
      MakeEntity("outlet/reuters", "MediaOutlet", "Reuters"),
      MakeEntity("outlet/tass", "MediaOutlet", "TASS"),
      MakeEntity("doc/reuters-1", "Document", "Turkey sends supplies"),
      MakeEntity("doc/tass-1", "Document", "Russian general on Idlib"),
      MakeEntity("loc/idlib", "Region", "Idlib"),
      MakeEntity("inc/strike-1", "Airstrike", "Air strikes on Khan Sheikhoun"),
  };
  return b;
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<Store>> s = Store::Open({.path = dir_.Sub("db")});
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }

  WriteResult MustApply(const WriteBatch& b) {
    absl::StatusOr<WriteResult> r = store_->Apply(b, {.principal = "tester"});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : WriteResult{};
  }

  // "subject predicate object" per line, sorted as returned.
  std::string MatchText(const Pattern& p, const Filter& f = {}) {
    std::unique_ptr<View> view = store_->NewView();
    absl::StatusOr<Page<Statement>> page = view->Match(p, f, 0, "");
    if (!page.ok()) return page.status().ToString();
    return Render(page->items);
  }

  static std::string Render(const std::vector<Statement>& items) {
    std::vector<std::string> lines;
    for (const Statement& st : items) {
      lines.push_back(absl::StrCat(st.subject, " ", st.predicate, " ", st.object.lexical, " (",
                                   st.evidence.size(), " ev)"));
    }
    return absl::StrJoin(lines, "\n");
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

}  // namespace kg::testing

#endif  // KGD_TESTS_STORAGE_STORE_TEST_UTIL_H_
