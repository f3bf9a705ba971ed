#include "registry/id_number.h"

#include <gtest/gtest.h>

namespace tc::registry {
namespace {

constexpr int kToday = 20261123;

// Builds a valid ID from its first 17 digits.
std::string WithCheck(const std::string& first17) { return first17 + IdCheckCharacter(first17); }

TEST(IdNumber, KnownValidNumber) {
  // The check character of the standard's worked example (GB 11643-1999 appendix).
  EXPECT_EQ(IdCheckCharacter("11010519491231002"), 'X');
  auto info = ParseIdNumber("11010519491231002x", kToday);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->normalized, "11010519491231002X");
  EXPECT_EQ(info->BirthDate(), "1949-12-31");
  EXPECT_EQ(info->sex, Sex::kFemale);
  EXPECT_EQ(info->region, "110105");
  auto male = ParseIdNumber(WithCheck("22010219850307001"), kToday);
  ASSERT_TRUE(male.ok());
  EXPECT_EQ(male->sex, Sex::kMale);
}

TEST(IdNumber, WrongCheckDigitSaysSo) {
  std::string id = WithCheck("22010219850307001");
  id.back() = id.back() == '1' ? '2' : '1';
  auto r = ParseIdNumber(id, kToday, "residents[3].id_number");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().field_errors().at(0).field, "residents[3].id_number");
  EXPECT_NE(r.status().message().find("check character"), std::string::npos);
}

TEST(IdNumber, ImpossibleAndFutureDates) {
  EXPECT_NE(ParseIdNumber(WithCheck("22010219850230001"), kToday).status().message().find("not a real date"),
            std::string::npos);
  EXPECT_FALSE(ParseIdNumber(WithCheck("22010219851301001"), kToday).ok());
  EXPECT_FALSE(ParseIdNumber(WithCheck("22010218991231001"), kToday).ok());
  EXPECT_NE(ParseIdNumber(WithCheck("22010220301231001"), kToday).status().message().find("future"),
            std::string::npos);
  EXPECT_TRUE(ParseIdNumber(WithCheck("22010220000229001"), kToday).ok());  // leap day
}

TEST(IdNumber, LegacyFifteenDigitsRefusedClearly) {
  auto r = ParseIdNumber("220102850307001", kToday);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("15-digit"), std::string::npos);
}

TEST(IdNumber, ShapeAndRegionErrors) {
  EXPECT_FALSE(ParseIdNumber("2201021985030700", kToday).ok());
  EXPECT_FALSE(ParseIdNumber("22010219850307A011", kToday).ok());
  EXPECT_NE(ParseIdNumber(WithCheck("99010219850307001"), kToday).status().message().find("province"),
            std::string::npos);
}

TEST(Masking, IdAndPhone) {
  EXPECT_EQ(MaskIdNumber("22010219850307123X"), "220102********123X");
  EXPECT_EQ(MaskPhone("13812345678"), "138****5678");
}

TEST(Phone, NormalisesAndRejects) {
  EXPECT_EQ(ParsePhone("+86 138-1234-5678").value(), "13812345678");
  EXPECT_EQ(ParsePhone("8613812345678").value(), "13812345678");
  EXPECT_FALSE(ParsePhone("1381234567").ok());
  EXPECT_FALSE(ParsePhone("12812345678").ok());
  EXPECT_FALSE(ParsePhone("0431-88888888").ok());
  EXPECT_EQ(ParsePhone("x", "phone").status().field_errors().at(0).field, "phone");
}

}  // namespace
}  // namespace tc::registry
