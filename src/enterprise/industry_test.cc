#include "enterprise/industry.h"

#include <gtest/gtest.h>

namespace tc::enterprise {
namespace {

TEST(Industry, TwentySectionsAndEveryDivisionMapped) {
  ASSERT_EQ(IndustrySections().size(), 20u);
  EXPECT_EQ(IndustrySections().front().letter, 'A');
  EXPECT_EQ(IndustrySections().back().letter, 'T');
  ASSERT_EQ(IndustryDivisions().size(), 97u);
  for (size_t i = 0; i < IndustryDivisions().size(); ++i) {
    const IndustryDivision& d = IndustryDivisions()[i];
    EXPECT_EQ(d.code, static_cast<int>(i) + 1);
    EXPECT_FALSE(d.name.empty());
    const IndustrySection* s = FindSection(d.section);
    ASSERT_NE(s, nullptr);
    EXPECT_GE(d.code, s->first_division);
    EXPECT_LE(d.code, s->last_division);
  }
}

TEST(Industry, SectionOfDivision) {
  EXPECT_EQ(SectionOfDivision("01").value(), 'A');
  EXPECT_EQ(SectionOfDivision("36").value(), 'C');
  EXPECT_EQ(FindDivision("36")->name, "汽车制造业");
  EXPECT_EQ(SectionOfDivision("44").value(), 'D');
  EXPECT_EQ(SectionOfDivision("52").value(), 'F');
  EXPECT_EQ(SectionOfDivision("62").value(), 'H');
  EXPECT_EQ(SectionOfDivision("65").value(), 'I');
  EXPECT_EQ(SectionOfDivision("70").value(), 'K');
  EXPECT_EQ(SectionOfDivision("83").value(), 'P');
  EXPECT_EQ(SectionOfDivision("96").value(), 'S');
  EXPECT_EQ(SectionOfDivision("97").value(), 'T');
  for (const char* bad : {"00", "98", "6", "036", "3a", ""}) {
    auto r = SectionOfDivision(bad, "rows[4].division");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().field_errors().at(0).field, "rows[4].division");
  }
}

TEST(Industry, ValidateNamesTheField) {
  EXPECT_TRUE(ValidateIndustry("C", "36").ok());
  auto wrong_pair = ValidateIndustry("F", "36", "rows[1].");
  ASSERT_FALSE(wrong_pair.ok());
  EXPECT_EQ(wrong_pair.field_errors().at(0).field, "rows[1].division");
  EXPECT_NE(wrong_pair.message().find("belongs to section C"), std::string::npos) << wrong_pair.message();
  EXPECT_EQ(ValidateIndustry("U", "36").field_errors().at(0).field, "industry");
  EXPECT_EQ(ValidateIndustry("", "36").field_errors().at(0).field, "industry");
  EXPECT_EQ(ValidateIndustry("C", "99").field_errors().at(0).field, "division");
}

SizeClass Size(std::string_view division, int64_t employees, double revenue,
               std::optional<double> assets = std::nullopt) {
  auto r = ClassifySize(division, employees, revenue, assets);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : SizeClass::kMicro;
}

TEST(SizeClass, IndustryNeedsBothBoundsElseFallsAClass) {
  EXPECT_EQ(Size("36", 1000, 40000), SizeClass::kLarge);
  EXPECT_EQ(Size("36", 999, 40000), SizeClass::kMedium);   // employees short of large
  EXPECT_EQ(Size("36", 5000, 39999), SizeClass::kMedium);  // revenue short of large
  EXPECT_EQ(Size("36", 300, 2000), SizeClass::kMedium);
  EXPECT_EQ(Size("36", 300, 1999), SizeClass::kSmall);
  EXPECT_EQ(Size("36", 20, 300), SizeClass::kSmall);
  EXPECT_EQ(Size("36", 19, 100000), SizeClass::kMicro);  // micro: one indicator is enough
  EXPECT_EQ(Size("36", 500, 299), SizeClass::kMicro);
}

TEST(SizeClass, EachIndustryByItsOwnTable) {
  EXPECT_EQ(Size("51", 20, 5000), SizeClass::kMedium);  // wholesale
  EXPECT_EQ(Size("51", 5, 1000), SizeClass::kSmall);
  EXPECT_EQ(Size("51", 4, 1000), SizeClass::kMicro);
  EXPECT_EQ(Size("52", 50, 500), SizeClass::kMedium);  // retail
  EXPECT_EQ(Size("52", 49, 500), SizeClass::kSmall);
  EXPECT_EQ(Size("52", 9, 5000), SizeClass::kMicro);
  EXPECT_EQ(Size("62", 10, 100), SizeClass::kSmall);  // catering
  EXPECT_EQ(Size("62", 300, 10000), SizeClass::kLarge);
  EXPECT_EQ(Size("65", 10, 50), SizeClass::kSmall);  // software
  EXPECT_EQ(Size("64", 2000, 100000), SizeClass::kLarge);
  EXPECT_EQ(Size("64", 1999, 100000), SizeClass::kMedium);
  EXPECT_EQ(Size("54", 300, 3000), SizeClass::kMedium);  // road transport
  EXPECT_EQ(Size("59", 100, 1000), SizeClass::kMedium);  // warehousing
  EXPECT_EQ(Size("60", 20, 100), SizeClass::kSmall);     // post
  EXPECT_EQ(Size("01", 0, 20000), SizeClass::kLarge);    // agriculture: revenue only
  EXPECT_EQ(Size("01", 0, 49), SizeClass::kMicro);
  EXPECT_EQ(Size("83", 100, 0), SizeClass::kMedium);  // other: employees only
  EXPECT_EQ(Size("83", 9, 1e6), SizeClass::kMicro);
}

TEST(SizeClass, AssetsCountWhenKnown) {
  EXPECT_EQ(Size("47", 0, 80000, 80000), SizeClass::kLarge);  // construction
  EXPECT_EQ(Size("47", 0, 80000, 79999), SizeClass::kMedium);
  EXPECT_EQ(Size("47", 0, 80000), SizeClass::kLarge);        // assets not known: revenue alone
  EXPECT_EQ(Size("72", 300, 0, 120000), SizeClass::kLarge);  // business services
  EXPECT_EQ(Size("72", 300, 0, 99), SizeClass::kMicro);
  EXPECT_EQ(Size("70", 0, 200000, 10000), SizeClass::kLarge);  // real estate development
  EXPECT_EQ(Size("70", 0, 1000, 1999), SizeClass::kMicro);
}

TEST(SizeClass, BadInputRefused) {
  EXPECT_EQ(ClassifySize("99", 1, 1).status().field_errors().at(0).field, "division");
  EXPECT_EQ(ClassifySize("36", -1, 1).status().field_errors().at(0).field, "employees");
  EXPECT_EQ(ClassifySize("36", 1, -1).status().field_errors().at(0).field, "revenue");
  EXPECT_EQ(ClassifySize("47", 1, 1, -5).status().field_errors().at(0).field, "assets");
  EXPECT_EQ(SizeName(SizeClass::kMedium), "medium");
  EXPECT_EQ(ParseSizeName("small"), SizeClass::kSmall);
  EXPECT_EQ(ParseSizeName("tiny"), std::nullopt);
}

bool Above(std::string_view division, double revenue, bool qualified = false) {
  auto r = IsAboveScale(division, revenue, qualified);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() && *r;
}

TEST(AboveScale, ThresholdsByIndustry) {
  EXPECT_TRUE(Above("36", 2000));  // 规模以上工业
  EXPECT_FALSE(Above("36", 1999.9));
  EXPECT_TRUE(Above("44", 2000));
  EXPECT_TRUE(Above("51", 2000));  // wholesale
  EXPECT_FALSE(Above("51", 1999));
  EXPECT_TRUE(Above("52", 500));  // retail
  EXPECT_FALSE(Above("52", 499));
  EXPECT_TRUE(Above("62", 200));  // catering
  EXPECT_FALSE(Above("61", 199));
  EXPECT_TRUE(Above("54", 2000));   // transport
  EXPECT_FALSE(Above("65", 1999));  // software
  EXPECT_TRUE(Above("84", 2000));   // health
  EXPECT_FALSE(Above("85", 499));   // social work
  EXPECT_TRUE(Above("85", 500));
  EXPECT_TRUE(Above("72", 1000));  // business services
  EXPECT_FALSE(Above("73", 999));
  EXPECT_TRUE(Above("83", 1000));  // education
  EXPECT_TRUE(Above("80", 500));   // resident services
  EXPECT_TRUE(Above("88", 500));   // culture
  EXPECT_FALSE(Above("47", 1e6));  // construction: by qualification only
  EXPECT_TRUE(Above("47", 10, true));
  EXPECT_FALSE(Above("01", 1e6));  // agriculture, finance: no threshold
  EXPECT_FALSE(Above("66", 1e6));
  EXPECT_FALSE(IsAboveScale("00", 1).ok());
}

}  // namespace
}  // namespace tc::enterprise
