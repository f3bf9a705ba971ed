#include "registry/areas.h"

#include <gtest/gtest.h>

#include "audit/audit.h"
#include "events/events.h"
#include "store/testing.h"

namespace tc::registry {
namespace {

TEST(AreaCode, AdministrativeCodesAreTwelveDigitsWithTrailingZeros) {
  EXPECT_TRUE(ValidateAreaCode("220100000000", Level::kCity).ok());
  EXPECT_TRUE(ValidateAreaCode("220102000000", Level::kDistrict).ok());
  EXPECT_TRUE(ValidateAreaCode("220102001000", Level::kStreet).ok());
  EXPECT_TRUE(ValidateAreaCode("220102001001", Level::kCommunity).ok());
  EXPECT_FALSE(ValidateAreaCode("220102001000", Level::kDistrict).ok());
  EXPECT_FALSE(ValidateAreaCode("22010200100", Level::kCommunity).ok());
  EXPECT_FALSE(ValidateAreaCode("22010200100x", Level::kCommunity).ok());
  EXPECT_TRUE(ValidateAreaCode("220102001001-01", Level::kCompound).ok());
  EXPECT_EQ(ValidateAreaCode("a b", Level::kBuilding).field_errors().at(0).field, "code");
  EXPECT_FALSE(ValidateAreaCode("220102000000", Level::kStreet).ok());     // street digits all zero
  EXPECT_FALSE(ValidateAreaCode("220102001000", Level::kCommunity).ok());  // community digits all zero
}

TEST(ScopeKey, IsAPrefixOfExactlyWhatLiesUnder) {
  EXPECT_EQ(ScopeKeyOfCode("220100000000"), "2201");
  EXPECT_EQ(ScopeKeyOfCode("220102000000"), "220102");
  EXPECT_EQ(ScopeKeyOfCode("220102001000"), "220102001");
  EXPECT_EQ(ScopeKeyOfCode("220102001001"), "220102001001");
  EXPECT_EQ(ScopeKeyOfCode("220102001001-3"), "220102001001-3-");
  const std::string unit = "220102001001-3-2-1";
  for (const char* ancestor : {"220100000000", "220102000000", "220102001000", "220102001001", "220102001001-3",
                               "220102001001-3-2"}) {
    EXPECT_TRUE(ScopeKeyOfCode(unit).starts_with(ScopeKeyOfCode(ancestor))) << ancestor;
  }
  for (const char* other : {"220103000000", "220102002000", "220102001002", "220102001001-31", "220102001001-3-22"}) {
    EXPECT_FALSE(ScopeKeyOfCode(unit).starts_with(ScopeKeyOfCode(other))) << other;
  }
}

class AreasTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto url = store::testing::FreshDatabaseUrl(GetParam(), "areas");
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    auto s = store::Store::Open(*url);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    areas_ = std::make_unique<Areas>(*store_, Clock::System());
    for (const NewArea& a : std::vector<NewArea>{
             {"220100000000", "", "长春市", "city"},
             {"220102000000", "220100000000", "南关区", "district"},
             {"220103000000", "220100000000", "宽城区", "district"},
             {"220102001000", "220102000000", "永吉街道", "street"},
             {"220102001001", "220102001000", "永吉社区", "community"},
         }) {
      auto r = areas_->Create(a, by_);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }
  audit::Actor by_{"tester", "r"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Areas> areas_;
};

TEST_P(AreasTest, TreeAndPaths) {
  auto kids = areas_->Children("220100000000");
  ASSERT_TRUE(kids.ok());
  ASSERT_EQ(kids->size(), 2u);
  EXPECT_EQ((*kids)[0].name, "南关区");
  auto c = areas_->Get("220102001001");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->path, "/220100000000/220102000000/220102001000/220102001001/");
  EXPECT_EQ(areas_->Get("220199000000").status().code(), StatusCode::kNotFound);
}

TEST_P(AreasTest, RefusesWrongLevelPrefixAndDuplicates) {
  EXPECT_EQ(areas_->Create({"220103001000", "220102000000", "x", "street"}, by_).status().field_errors().at(0).field,
            "code");
  EXPECT_EQ(areas_->Create({"220102002001", "220102000000", "x", "community"}, by_).status().field_errors().at(0).field,
            "level");
  EXPECT_EQ(areas_->Create({"220102000000", "220100000000", "x", "district"}, by_).status().code(),
            StatusCode::kConflict);
  EXPECT_EQ(areas_->Create({"220200000000", "", "吉林市", "city"}, by_).status().code(), StatusCode::kConflict);
  EXPECT_TRUE(areas_->Create({"220102001001-01", "220102001001", "某小区", "compound"}, by_).ok());
}

TEST_P(AreasTest, ModeIsSetOnDistrictsWithHistoryAuditAndEvent) {
  auto bad = areas_->SetMode("220102001001", "wartime", "outbreak", by_);
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(areas_->SetMode("220102000000", "war", "", by_).status().field_errors().size(), 2u);
  auto r = areas_->SetMode("220102000000", "wartime", "cluster in 永吉社区", by_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->mode, "wartime");
  EXPECT_EQ(areas_->Get("220102001001")->mode, "wartime");  // inherited from the district
  EXPECT_EQ(areas_->Get("220103000000")->mode, "peacetime");
  auto hist = areas_->ModeHistory("220102000000");
  ASSERT_TRUE(hist.ok());
  ASSERT_EQ(hist->size(), 1u);
  EXPECT_EQ((*hist)[0].reason, "cluster in 永吉社区");
  auto log = audit::List(*store_, {.limit = 1});
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)[0].record.action, "area.mode");
  events::Bus bus(*store_);
  std::vector<std::string> types;
  bus.Subscribe("t", [&](const events::Event& e) {
    types.push_back(e.type);
    return Status::Ok();
  });
  ASSERT_TRUE(bus.Deliver().ok());
  EXPECT_EQ(types, std::vector<std::string>{"AreaModeChanged"});
}

TEST_P(AreasTest, SearchStaysUnderThePath) {
  auto all = areas_->Search("区", "/220100000000/", 10);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 3u);  // 南关区, 宽城区, 永吉社区
  auto nanguan = areas_->Search("区", "/220100000000/220102000000/", 10);
  ASSERT_TRUE(nanguan.ok());
  EXPECT_EQ(nanguan->size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Backends, AreasTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::registry
