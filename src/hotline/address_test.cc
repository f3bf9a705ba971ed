#include "hotline/address.h"

#include <gtest/gtest.h>

#include "hotline/address_noise.h"

namespace tc::hotline {
namespace {

std::vector<AddressArea> Tree() {
  return {
      {"220100000000", "", "city", "长春市", "/c/"},
      {"220104000000", "220100000000", "district", "朝阳区", "/c/d1/"},
      {"220104001000", "220104000000", "street", "红旗街道", "/c/d1/s1/"},
      {"220104001001", "220104001000", "community", "光春社区", "/c/d1/s1/m1/"},
      {"220104001001-001", "220104001001", "compound", "昌河新村", "/c/d1/s1/m1/p1/"},
      {"220104001001-001-05", "220104001001-001", "building", "5栋", "/c/d1/s1/m1/p1/b5/"},
      {"220104001001-001-05-2", "220104001001-001-05", "unit", "2单元", "/c/d1/s1/m1/p1/b5/u2/"},
      {"220104001001-001-12", "220104001001-001", "building", "12栋", "/c/d1/s1/m1/p1/b12/"},
      {"220104001001-002", "220104001001", "compound", "南泰小区", "/c/d1/s1/m1/p2/"},
      {"220104001002", "220104001000", "community", "福旺社区", "/c/d1/s1/m2/"},
      {"220104001002-001", "220104001002", "compound", "第1村民组", "/c/d1/s1/m2/p1/"},
      {"220104001002-001-02", "220104001002-001", "building", "2排", "/c/d1/s1/m2/p1/r2/"},
      {"220102000000", "220100000000", "district", "南关区", "/c/d2/"},
      {"220102001000", "220102000000", "street", "永吉街道", "/c/d2/s1/"},
      {"220102001001", "220102001000", "community", "张家屯村", "/c/d2/s1/m1/"},
      {"220102001001-001", "220102001001", "compound", "第1村民组", "/c/d2/s1/m1/p1/"},
      {"220102001001-002", "220102001001", "compound", "南泰小区", "/c/d2/s1/m1/p2/"},
  };
}

class AddressTest : public ::testing::Test {
 protected:
  std::unique_ptr<AddressResolver> r_ = AddressResolver::Build(Tree(), {{"一汽宿舍", "220104001001-002"}});
};

TEST_F(AddressTest, FullAddressResolvesToTheUnit) {
  auto m = r_->Resolve("长春市朝阳区红旗街道光春社区昌河新村5栋2单元302室");
  EXPECT_EQ(m.code, "220104001001-001-05-2");
  EXPECT_EQ(m.level, "unit");
  EXPECT_EQ(m.community_code, "220104001001");
  EXPECT_GE(m.confidence, 0.99);
}

TEST_F(AddressTest, MissingLevelsAndOtherBuildingForms) {
  for (const char* text : {"昌河新村5号楼2单元", "昌河新村五栋2单元", "昌河新村 5幢2单元 北门", "朝阳昌河新村5号2单元"}) {
    auto m = r_->Resolve(text);
    EXPECT_EQ(m.code, "220104001001-001-05-2") << text;
    EXPECT_GE(m.confidence, 0.6) << text;
  }
  auto m = r_->Resolve("昌河新村十二栋");
  EXPECT_EQ(m.code, "220104001001-001-12");
}

TEST_F(AddressTest, ShortFormsOfUpperLevels) {
  auto m = r_->Resolve("朝阳红旗光春");
  EXPECT_EQ(m.code, "220104001001");
  EXPECT_EQ(m.level, "community");
  EXPECT_GE(m.confidence, 0.6);
}

TEST_F(AddressTest, AmbiguousNameFallsBackToLowConfidence) {
  // 南泰小区 is in two districts; nothing tells them apart.
  auto m = r_->Resolve("南泰小区3栋");
  EXPECT_LT(m.confidence, 0.6);
  EXPECT_FALSE(m.notes.empty());
  // The district tells them apart.
  m = r_->Resolve("南关区南泰小区");
  EXPECT_EQ(m.code, "220102001001-002");
  EXPECT_GE(m.confidence, 0.6);
  // So does the community for village groups.
  m = r_->Resolve("福旺社区第1村民组2排");
  EXPECT_EQ(m.code, "220104001002-001-02");
  m = r_->Resolve("第1村民组");
  EXPECT_LT(m.confidence, 0.6);
}

TEST_F(AddressTest, OneCharacterWrongIsFuzzyAndLessSure) {
  auto m = r_->Resolve("昌和新村5栋");
  EXPECT_EQ(m.code, "220104001001-001-05");
  EXPECT_TRUE(m.fuzzy);
  EXPECT_LT(m.confidence, 0.9);
  EXPECT_GE(m.confidence, 0.6);
}

TEST_F(AddressTest, AliasesNameAPlace) {
  auto m = r_->Resolve("一汽宿舍门口");
  EXPECT_EQ(m.code, "220104001001-002");
}

TEST_F(AddressTest, NothingMatchesSaysSo) {
  for (const char* text : {"", "我家楼下", "北京市海淀区中关村大街1号", "\xE4\xB8"}) {
    auto m = r_->Resolve(text);
    EXPECT_EQ(m.code, "") << text;
    EXPECT_EQ(m.confidence, 0) << text;
  }
}

TEST_F(AddressTest, ContradictingDistrictLowersConfidence) {
  auto m = r_->Resolve("南关区昌河新村");  // 昌河新村 is in 朝阳区
  EXPECT_LT(m.confidence, 0.6);
}

TEST(NumeralTest, ChineseAndArabic) {
  EXPECT_EQ(ParseNumeral("12"), 12);
  EXPECT_EQ(ParseNumeral("十二"), 12);
  EXPECT_EQ(ParseNumeral("二十三"), 23);
  EXPECT_EQ(ParseNumeral("十"), 10);
  EXPECT_EQ(ParseNumeral("三零二"), 302);
  EXPECT_EQ(ParseNumeral("一百零五"), 105);
  EXPECT_EQ(ParseNumeral("x"), -1);
}

TEST(AddressNoiseTest, EveryNoisyAddressOfTheTreeResolves) {
  const auto tree = Tree();
  auto r = AddressResolver::Build(tree, {});
  AddressNoise noise(tree);
  std::mt19937_64 rng(5);
  int right = 0, total = 0;
  for (int i = 0; i < 400; ++i) {
    auto a = noise.Make(rng, 0.0);
    auto m = r->Resolve(a.text);
    ++total;
    // Right: the expected area or one above it within the right community, confidently.
    if (m.confidence >= 0.6 && a.expected_code.starts_with(m.code) && m.community_code == a.expected_community) ++right;
  }
  // Ambiguous names (南泰小区, 第1村民组 without their district/community) are meant to go
  // to manual dispatch, so not everything is routed; nothing routed may be wrong.
  EXPECT_GT(right, total / 2);
}

}  // namespace
}  // namespace tc::hotline
