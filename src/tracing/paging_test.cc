#include "tracing/paging.h"

#include <gtest/gtest.h>

namespace tc::tracing {
namespace {

TEST(Paging, GroupsVisitsByPersonInPagesAfterAnId) {
  // By arrival, as the engine answers: person 7 twice, 3 once, 9 once, 5 twice.
  const std::vector<Visit> visits = {{7, 1, 100, 0}, {3, 1, 101, 0}, {5, 1, 102, 0},
                                     {7, 1, 103, 0}, {9, 1, 104, 0}, {5, 1, 105, 0}};
  PeoplePage first = PageByPerson(visits, 0, 2);
  ASSERT_EQ(first.people.size(), 2u);
  EXPECT_EQ(first.people[0].person, 3u);
  EXPECT_EQ(first.people[1].person, 5u);
  ASSERT_EQ(first.people[1].visits.size(), 2u);
  EXPECT_EQ(first.people[1].visits[0].arrive, 102);
  EXPECT_EQ(first.people[1].visits[1].arrive, 105);
  EXPECT_TRUE(first.more);

  PeoplePage second = PageByPerson(visits, first.people.back().person, 2);
  ASSERT_EQ(second.people.size(), 2u);
  EXPECT_EQ(second.people[0].person, 7u);
  EXPECT_EQ(second.people[0].visits.size(), 2u);
  EXPECT_EQ(second.people[1].person, 9u);
  EXPECT_FALSE(second.more);  // a full page with nobody after it

  EXPECT_TRUE(PageByPerson(visits, 9, 2).people.empty());
  EXPECT_FALSE(PageByPerson(visits, 9, 2).more);
  EXPECT_TRUE(PageByPerson({}, 0, 10).people.empty());
}

}  // namespace
}  // namespace tc::tracing
