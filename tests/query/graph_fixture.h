// A small hand-made conflict graph shared by the query tests, written
// through Store::Apply into a fresh temp dir.
//
//   actor/turkey (State)  -supplies->  group/fsa      reuters doc/r1 0.9 A2
//   actor/turkey          -backs->     group/fsa      tass    doc/t1 0.4 D4
//   group/fsa             -clashes_with-> group/hts   reuters doc/r1 0.8 A2 + tass doc/t1 0.7 D4
//   actor/russia (State)  -opposes->   group/hts      reuters doc/r2 0.6 B3  valid 2019..2020
//   person/ali (Person)   -member_of-> group/hts      tass    doc/t1 0.5 D4
//   group/hts             -located_in-> loc/idlib     reuters doc/r2 0.9 B3
//   actor/turkey          -opposes->   group/hts      reuters doc/r1 0.3 A2  (retracted later
//                                                     by RetractTurkeyOpposes)
//   group/hts             -description-> "..."        (a literal: never a node)
//   loc/kafranbel (Village) -located_in-> loc/maarrat (District) -located_in-> loc/idlib
//   loc/idlib (Region) -part_of-> loc/syria (Country) <-part_of- loc/hama (Region)
//   inc/a1 (Airstrike, 2019-05-11): occurred_in kafranbel, perpetrated_by russia, targeted hts
//   inc/a2 (Clash, 2019-03-02):     occurred_in idlib, participant hts, participant fsa
//   inc/a3 (Airstrike, 2018):       occurred_in hama, perpetrated_by russia
//   inc/a4 (Attack, undated):       occurred_in maarrat, perpetrated_by hts

#ifndef KGD_TESTS_QUERY_GRAPH_FIXTURE_H_
#define KGD_TESTS_QUERY_GRAPH_FIXTURE_H_

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "storage/store.h"
#include "storage/types.h"
#include "tests/testing/test_util.h"

namespace kg::testing {

inline Entity MakeEntity(std::string id, std::string kind, std::string date = "") {
  Entity e;
  e.id = std::move(id);
  e.kind = std::move(kind);
  e.label = e.id.substr(e.id.find('/') + 1);
  if (!date.empty()) e.attributes["date"] = Value{ValueType::kDate, date};
  return e;
}

struct Source {
  std::string document;
  std::string publisher;
  double confidence;
  char reliability;
  int32_t credibility;
};

inline const Source kReuters1{"doc/r1", "outlet/reuters", 0.9, 'A', 2};
inline const Source kReuters2{"doc/r2", "outlet/reuters", 0.9, 'B', 3};
inline const Source kTass1{"doc/t1", "outlet/tass", 0.9, 'D', 4};

inline Statement MakeStatement(std::string s, std::string p, std::string o,
                               std::vector<std::pair<Source, double>> sources) {
  Statement st;
  st.subject = std::move(s);
  st.predicate = std::move(p);
  st.object = Value::Entity(std::move(o));
  for (const auto& [src, confidence] : sources) {
    Evidence e;
    e.document = src.document;
    e.publisher = src.publisher;
    e.confidence = confidence;
    e.reliability = src.reliability;
    e.credibility = src.credibility;
    e.reported_on = "2019-06-01";
    e.excerpt = st.subject + " " + st.predicate + " " + st.object.lexical + " " + src.document;
    st.evidence.push_back(e);
  }
  return st;
}

class GraphFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open({.path = dir_.Sub("db")});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    WriteBatch batch;
    batch.entities = {
        MakeEntity("outlet/reuters", "MediaOutlet"),
        MakeEntity("outlet/tass", "MediaOutlet"),
        MakeEntity("doc/r1", "Document"),
        MakeEntity("doc/r2", "Document"),
        MakeEntity("doc/t1", "Document"),
        MakeEntity("actor/turkey", "State"),
        MakeEntity("actor/russia", "State"),
        MakeEntity("group/fsa", "ArmedGroup"),
        MakeEntity("group/hts", "ArmedGroup"),
        MakeEntity("person/ali", "Person"),
        MakeEntity("loc/syria", "Country"),
        MakeEntity("loc/idlib", "Region"),
        MakeEntity("loc/hama", "Region"),
        MakeEntity("loc/maarrat", "District"),
        MakeEntity("loc/kafranbel", "Village"),
        MakeEntity("inc/a1", "Airstrike", "2019-05-11"),
        MakeEntity("inc/a2", "Clash", "2019-03-02"),
        MakeEntity("inc/a3", "Airstrike", "2018"),
        MakeEntity("inc/a4", "Attack"),
    };
    auto add = [&](std::string s, std::string p, std::string o,
                   std::vector<std::pair<Source, double>> src) {
      batch.statements.push_back(MakeStatement(s, p, o, std::move(src)));
    };
    add("actor/turkey", "supplies", "group/fsa", {{kReuters1, 0.9}});
    add("actor/turkey", "backs", "group/fsa", {{kTass1, 0.4}});
    add("group/fsa", "clashes_with", "group/hts", {{kReuters1, 0.8}, {kTass1, 0.7}});
    add("actor/russia", "opposes", "group/hts", {{kReuters2, 0.6}});
    batch.statements.back().valid_from = "2019";
    batch.statements.back().valid_to = "2020";
    add("person/ali", "member_of", "group/hts", {{kTass1, 0.5}});
    add("group/hts", "located_in", "loc/idlib", {{kReuters2, 0.9}});
    add("actor/turkey", "opposes", "group/hts", {{kReuters1, 0.3}});
    add("group/hts", "description", "", {{kReuters2, 0.9}});
    batch.statements.back().object = Value::String("a coalition of armed groups");
    add("loc/kafranbel", "located_in", "loc/maarrat", {{kReuters2, 1.0}});
    add("loc/maarrat", "located_in", "loc/idlib", {{kReuters2, 1.0}});
    add("loc/idlib", "part_of", "loc/syria", {{kReuters2, 1.0}});
    add("loc/hama", "part_of", "loc/syria", {{kReuters2, 1.0}});
    add("inc/a1", "occurred_in", "loc/kafranbel", {{kReuters1, 0.9}});
    add("inc/a1", "perpetrated_by", "actor/russia", {{kReuters1, 0.7}});
    add("inc/a1", "targeted", "group/hts", {{kTass1, 0.6}});
    add("inc/a2", "occurred_in", "loc/idlib", {{kTass1, 0.8}});
    add("inc/a2", "participant", "group/hts", {{kTass1, 0.8}});
    add("inc/a2", "participant", "group/fsa", {{kTass1, 0.8}});
    add("inc/a3", "occurred_in", "loc/hama", {{kReuters2, 0.8}});
    add("inc/a3", "perpetrated_by", "actor/russia", {{kReuters2, 0.8}});
    add("inc/a4", "occurred_in", "loc/maarrat", {{kReuters1, 0.5}});
    add("inc/a4", "perpetrated_by", "group/hts", {{kReuters1, 0.5}});
    auto written = store_->Apply(batch, {.principal = "test"});
    ASSERT_TRUE(written.ok()) << written.status();
    before_retraction_ = written->committed_at;
    for (size_t i = 0; i < batch.statements.size(); ++i) {
      const Statement& s = batch.statements[i];
      ids_[s.subject + " " + s.predicate + " " + s.object.lexical] = written->statement_ids[i];
    }
  }

  // A hub group with n members "<hub>/m<i>" (member_of edges into the
  // hub): big enough that a store scan polls its cancellation check.
  void AddStar(const std::string& hub, int n) {
    WriteBatch batch;
    batch.entities.push_back(MakeEntity(hub, "ArmedGroup"));
    for (int i = 0; i < n; ++i) {
      const std::string member = hub + "/m" + std::to_string(i);
      batch.entities.push_back(MakeEntity(member, "Person"));
      batch.statements.push_back(MakeStatement(member, "member_of", hub, {{kTass1, 0.5}}));
    }
    auto written = store_->Apply(batch, {.principal = "test"});
    ASSERT_TRUE(written.ok()) << written.status();
  }

  StatementId Id(const std::string& triple) const { return ids_.at(triple); }

  // Retracts "actor/turkey opposes group/hts"; returns the time before it.
  TxTime RetractTurkeyOpposes() {
    auto at = store_->Retract(Id("actor/turkey opposes group/hts"), "", "wrong outlet",
                              {.principal = "test"});
    EXPECT_TRUE(at.ok()) << at.status();
    return before_retraction_;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  TxTime before_retraction_ = 0;
  std::map<std::string, StatementId> ids_;
};

}  // namespace kg::testing

#endif  // KGD_TESTS_QUERY_GRAPH_FIXTURE_H_
