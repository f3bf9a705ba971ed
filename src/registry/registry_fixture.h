// Test fixture: a fresh database (SQLite or PostgreSQL) with a crafted tree —
// 长春市 > 南关区 > 永吉街道 > 永吉社区 (two compounds) and 宽城区 > 新发街道 > 新发社区.
#pragma once

#include <gtest/gtest.h>

#include "registry/areas.h"
#include "registry/grid.h"
#include "registry/id_number.h"
#include "registry/residents.h"
#include "store/testing.h"

namespace tc::registry {

class RegistryFixture : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto url = store::testing::FreshDatabaseUrl(GetParam(), "registry");
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    auto s = store::Store::Open(*url);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
    ASSERT_TRUE(store_->Migrate().ok());
    areas_ = std::make_unique<Areas>(*store_, Clock::System());
    residents_ = std::make_unique<Residents>(*store_, Clock::System());
    grids_ = std::make_unique<Grids>(*store_, Clock::System());
    for (const NewArea& a : std::vector<NewArea>{
             {"220100000000", "", "长春市", "city"},
             {"220102000000", "220100000000", "南关区", "district"},
             {"220102001000", "220102000000", "永吉街道", "street"},
             {"220102001001", "220102001000", "永吉社区", "community"},
             {"220102001001-001", "220102001001", "春光小区", "compound"},
             {"220102001001-001-01", "220102001001-001", "1栋", "building"},
             {"220102001001-001-01-1", "220102001001-001-01", "1单元", "unit"},
             {"220102001001-001-01-2", "220102001001-001-01", "2单元", "unit"},
             {"220102001001-001-02", "220102001001-001", "2栋", "building"},
             {"220102001001-001-02-1", "220102001001-001-02", "1单元", "unit"},
             {"220102001001-002", "220102001001", "秋实小区", "compound"},
             {"220103000000", "220100000000", "宽城区", "district"},
             {"220103001000", "220103000000", "新发街道", "street"},
             {"220103001001", "220103001000", "新发社区", "community"},
             {"220103001001-001", "220103001001", "新发小区", "compound"},
             {"220103001001-001-01", "220103001001-001", "1栋", "building"},
             {"220103001001-001-01-1", "220103001001-001-01", "1单元", "unit"},
         }) {
      auto r = areas_->Create(a, by_);
      ASSERT_TRUE(r.ok()) << a.code << ": " << r.status().ToString();
    }
    for (const auto& [unit, room] : std::vector<std::pair<std::string, std::string>>{
             {"220102001001-001-01-1", "0101"}, {"220102001001-001-01-1", "0102"}, {"220102001001-001-01-2", "0201"},
             {"220102001001-001-02-1", "0101"}, {"220103001001-001-01-1", "0101"}}) {
      auto h = residents_->CreateHousehold(unit, room, "", by_);
      ASSERT_TRUE(h.ok()) << h.status().ToString();
    }
  }
  // A valid ID number for a birth date and sequence.
  static std::string Id(const std::string& region_date_seq17) {
    return region_date_seq17 + IdCheckCharacter(region_date_seq17);
  }
  Resident Add(const std::string& name, const std::string& id, const std::string& household,
               const std::string& phone = "", const std::string& tags = "", const std::string& birth = "") {
    auto r = residents_->Create({name, id, phone, birth, "", household, tags}, by_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Resident{};
  }

  audit::Actor by_{"tester", "r"};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Areas> areas_;
  std::unique_ptr<Residents> residents_;
  std::unique_ptr<Grids> grids_;
};

}  // namespace tc::registry
