#include "query/neighbors.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/query/graph_fixture.h"

namespace kg {
namespace {

using ::kg::testing::GraphFixture;

class NeighborsTest : public GraphFixture {
 protected:
  absl::StatusOr<Page<Neighbor>> Find(const NeighborsQuery& query) {
    std::unique_ptr<View> view = store_->NewView();
    return FindNeighbors(*view, store_->schema(), query);
  }

  // "predicate other-end", one per neighbour.
  static std::string Render(const Page<Neighbor>& page) {
    std::string out;
    for (const Neighbor& n : page.items) {
      out += n.statement.predicate + " " + (n.entity ? n.entity->id : n.statement.object.lexical) +
             "\n";
    }
    return out;
  }
};

TEST_F(NeighborsTest, PagesCoverTheListingOnce) {
  ASSERT_OK_AND_ASSIGN(Page<Neighbor> whole, Find({.id = "group/hts"}));
  ASSERT_GT(whole.items.size(), 2u);
  std::string paged;
  NeighborsQuery query{.id = "group/hts", .limit = 2};
  for (int pages = 0; pages < 10; ++pages) {
    ASSERT_OK_AND_ASSIGN(Page<Neighbor> page, Find(query));
    paged += Render(page);
    if (page.next_page_token.empty()) break;
    query.page_token = page.next_page_token;
  }
  EXPECT_EQ(paged, Render(whole));
}

TEST_F(NeighborsTest, ErrorsAndForeignTokens) {
  EXPECT_EQ(Find({.id = "group/nobody"}).status().message(), "id: entity 'group/nobody' not found");
  NeighborsQuery before{.id = "group/hts"};
  before.filter.as_of = 1;
  EXPECT_EQ(Find(before).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Find({.id = "group/hts", .kinds = {"Spaceship"}}).status().code(),
            absl::StatusCode::kInvalidArgument);

  ASSERT_OK_AND_ASSIGN(Page<Neighbor> first, Find({.id = "group/hts", .limit = 1}));
  ASSERT_FALSE(first.next_page_token.empty());
  for (const NeighborsQuery& other :
       {NeighborsQuery{.id = "actor/turkey"}, NeighborsQuery{.id = "group/hts", .kinds = {"State"}},
        NeighborsQuery{.id = "group/hts", .direction = Direction::kIn}}) {
    NeighborsQuery q = other;
    q.page_token = first.next_page_token;
    EXPECT_EQ(Find(q).status().message(), "page_token: belongs to another listing or query");
  }
}

}  // namespace
}  // namespace kg
