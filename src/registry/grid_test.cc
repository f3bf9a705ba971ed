#include "registry/grid.h"

#include <gtest/gtest.h>

#include "registry/registry_fixture.h"

namespace tc::registry {
namespace {

class GridTest : public RegistryFixture {
 protected:
  // Fills every gap of 南关区 so tests can open specific ones.
  void CoverNanguan() {
    Resident a = Add("网格长", Id("22010219700101001"), "220102001001-001-01-1-0101");
    Resident b = Add("二单元长", Id("22010219700101011"), "220102001001-001-01-2-0201");
    Resident c = Add("二栋长", Id("22010219700101021"), "220102001001-001-02-1-0101");
    auto g = grids_->CreateGrid("220102001001", 1, "第一网格", by_);
    ASSERT_TRUE(g.ok()) << g.status().ToString();
    ASSERT_TRUE(grids_->AddBuildings(g->code, {"220102001001-001-01", "220102001001-001-02"}, by_).ok());
    ASSERT_TRUE(grids_->SetGridLeader(g->code, a.id, by_).ok());
    ASSERT_TRUE(grids_->SetAreaLeader("220102001001-001-01", a.id, by_).ok());
    ASSERT_TRUE(grids_->SetAreaLeader("220102001001-001-01-1", a.id, by_).ok());
    ASSERT_TRUE(grids_->SetAreaLeader("220102001001-001-01-2", b.id, by_).ok());
    ASSERT_TRUE(grids_->SetAreaLeader("220102001001-001-02", c.id, by_).ok());
    ASSERT_TRUE(grids_->SetAreaLeader("220102001001-001-02-1", c.id, by_).ok());
    for (const auto& [code, role] : std::vector<std::pair<std::string, std::string>>{
             {"220102001000", "department_head"}, {"220102001001", "deputy"}, {"220102001001-001", "section_chief"},
             {"220102001001-002", "section_chief"}, {"220102001001-001-01", "cadre"}, {"220102001001-001-02", "cadre"}}) {
      auto r = grids_->Assign({0, code, "干部" + role, "13800000000", "市卫健委", role}, by_);
      ASSERT_TRUE(r.ok()) << code << ": " << r.status().ToString();
    }
  }
};

TEST_P(GridTest, FullyCoveredNodeHasNoGaps) {
  CoverNanguan();
  auto report = grids_->Coverage("220102000000", 100);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->total_gaps, 0) << (report->gaps.empty() ? "" : report->gaps[0].code + " " + report->gaps[0].problems[0]);
  EXPECT_EQ(report->by_level["building"].total, 2);
  EXPECT_EQ(report->by_level["unit"].total, 3);
  EXPECT_EQ(report->by_level["grid"].total, 1);
}

TEST_P(GridTest, GapsAreFoundAndCountedByLevel) {
  CoverNanguan();
  ASSERT_TRUE(store_->Tx([](store::Conn& c) {
                        return c.ExecScript("DELETE FROM area_leaders WHERE area_code = '220102001001-001-01-2';"
                                            "DELETE FROM grid_buildings WHERE building_code = '220102001001-001-02';");
                      })
                  .ok());
  auto cadres = grids_->Assignments("220102001001-001-02");
  ASSERT_EQ(cadres->size(), 1u);
  ASSERT_TRUE(grids_->EndAssignment((*cadres)[0].id, by_).ok());
  auto report = grids_->Coverage("220102000000", 100);
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->total_gaps, 2);
  EXPECT_EQ(report->gaps[0].code, "220102001001-001-01-2");
  EXPECT_EQ(report->gaps[0].problems, std::vector<std::string>{"no unit leader"});
  EXPECT_EQ(report->gaps[1].code, "220102001001-001-02");
  EXPECT_EQ(report->gaps[1].problems, (std::vector<std::string>{"no 包保 cadre", "not in any grid"}));
  EXPECT_EQ(report->by_level["unit"].with_gaps, 1);
  EXPECT_EQ(report->by_level["building"].with_gaps, 1);
  // The limit caps the list, not the count.
  auto capped = grids_->Coverage("220102000000", 1);
  EXPECT_EQ(capped->total_gaps, 2);
  EXPECT_EQ(capped->gaps.size(), 1u);
  // The other district's gaps are not in 南关区's report, and a whole-city report has them.
  auto city = grids_->Coverage("220100000000", 100);
  EXPECT_GT(city->total_gaps, report->total_gaps);
}

TEST_P(GridTest, RulesOnLeadersAndAssignments) {
  Resident elsewhere = Add("外人", Id("22010319700101001"), "220103001001-001-01-1-0101");
  EXPECT_EQ(grids_->SetAreaLeader("220102001001-001-01", elsewhere.id, by_).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(grids_->SetAreaLeader("220102001001", elsewhere.id, by_).code(), StatusCode::kInvalidArgument);
  auto wrong_level = grids_->Assign({0, "220102001001", "干部", "13800000000", "局", "cadre"}, by_);
  EXPECT_EQ(wrong_level.status().field_errors().at(0).field, "role");
  auto g = grids_->CreateGrid("220102001001", 1, "第一网格", by_);
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(grids_->CreateGrid("220102001001", 1, "again", by_).status().code(), StatusCode::kConflict);
  auto other = grids_->AddBuildings(g->code, {"220103001001-001-01"}, by_);
  EXPECT_EQ(other.field_errors().at(0).field, "buildings[0]");
}

INSTANTIATE_TEST_SUITE_P(Backends, GridTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::registry
