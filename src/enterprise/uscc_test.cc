#include "enterprise/uscc.h"

#include <gtest/gtest.h>

namespace tc::enterprise {
namespace {

// Checks computed by hand (and by an independent script) from GB 32100's and
// GB 11714's weights: 91350100M000100Y43 is the code the standard's explanations
// use as an example; 91110000600037341L is a real company's code.
TEST(Uscc, RealFormatCodesAreValid) {
  EXPECT_EQ(UsccCheckChar("91350100M000100Y4"), '3');
  EXPECT_EQ(OrganisationCheckChar("M000100Y"), '4');
  EXPECT_EQ(UsccCheckChar("91110000600037341"), 'L');
  EXPECT_EQ(OrganisationCheckChar("60003734"), '1');
  for (const char* code : {"91350100M000100Y43", "91110000600037341L"}) {
    auto info = ParseUscc(code);
    ASSERT_TRUE(info.ok()) << code << ": " << info.status().ToString();
    EXPECT_EQ(info->normalized, code);
  }
  auto info = ParseUscc("91350100M000100Y43");
  EXPECT_EQ(info->authority, '9');
  EXPECT_EQ(info->type, '1');
  EXPECT_EQ(info->division, "350100");
  EXPECT_EQ(info->organisation_code, "M000100Y4");
}

TEST(Uscc, OrganisationCheckCharTenIsXAndElevenIsZero) {
  // 3·1 + 7·0 … : sum ≡ 1 (mod 11) → 11 − 1 = 10 → X; sum ≡ 0 → 11 → 0.
  EXPECT_EQ(OrganisationCheckChar("00000000"), '0');
  EXPECT_EQ(OrganisationCheckChar("40000000"), 'X');  // 4·3 = 12 ≡ 1
  EXPECT_EQ(OrganisationCheckChar("0000000a"), '\0');
}

TEST(Uscc, MakeBuildsCodesThatValidate) {
  auto code = MakeUscc('9', '2', "220102", "MA0Y1234");
  ASSERT_TRUE(code.ok()) << code.status().ToString();
  EXPECT_EQ(*code, "92220102MA0Y123404");  // org check 0, final check 4 (computed independently)
  EXPECT_TRUE(ValidateUscc(*code).ok());
  auto coop = MakeUscc('9', '3', "220183", "MA14QK7R");
  ASSERT_TRUE(coop.ok());
  EXPECT_TRUE(ValidateUscc(*coop).ok()) << ValidateUscc(*coop).ToString();
  EXPECT_EQ(MakeUscc('9', '4', "220102", "MA0Y1234").status().field_errors().at(0).field, "type");
  EXPECT_EQ(MakeUscc('9', '1', "22010", "MA0Y1234").status().field_errors().at(0).field, "division");
  EXPECT_EQ(MakeUscc('9', '1', "220102", "MA0Y12I4").status().field_errors().at(0).field, "organisation_code");
  EXPECT_EQ(MakeUscc('9', '1', "220102", "MA0Y123").status().field_errors().at(0).field, "organisation_code");
}

TEST(Uscc, NormalisesSpacesCaseAndFullWidth) {
  EXPECT_EQ(NormalizeUscc(" 91350100m000100y43\t"), "91350100M000100Y43");
  // Full-width digits and letters, an ideographic space around them.
  const std::string full = "\u3000９１３５０１００Ｍ０００１００Ｙ４３\u3000";
  auto info = ParseUscc(full);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->normalized, "91350100M000100Y43");
  EXPECT_TRUE(ValidateUscc("91350100m000100y43").ok());
}

TEST(Uscc, WrongLengthSaysHowMany) {
  auto s = ValidateUscc("91350100M000100Y4", "rows[2].uscc");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.field_errors().at(0).field, "rows[2].uscc");
  EXPECT_NE(s.message().find("has 17 characters"), std::string::npos) << s.message();
  EXPECT_NE(ValidateUscc("91350100M000100Y433").message().find("has 19 characters"), std::string::npos);
  EXPECT_NE(ValidateUscc("   ").message().find("empty"), std::string::npos);
  // Characters, not bytes: 18 Chinese characters are 18 long (then refused by alphabet).
  EXPECT_NE(ValidateUscc("统一社会信用代码统一社会信用代码统一").message().find("position 1"), std::string::npos);
}

TEST(Uscc, CharacterOutsideAlphabetNamedWithPosition) {
  // I, O, Z, S, V are not in the alphabet: each named at its position.
  for (char bad : {'I', 'O', 'Z', 'S', 'V'}) {
    std::string code = "91350100M000100Y43";
    code[9] = bad;
    auto s = ValidateUscc(code);
    ASSERT_FALSE(s.ok()) << code;
    EXPECT_NE(s.message().find(std::string("'") + bad + "' at position 10"), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("alphabet"), std::string::npos);
  }
  auto punct = ValidateUscc("91350100M000-00Y43");
  EXPECT_NE(punct.message().find("'-' at position 13"), std::string::npos) << punct.message();
  auto chinese = ValidateUscc("9135010０M000100Y4号");
  EXPECT_NE(chinese.message().find("'号' at position 18"), std::string::npos) << chinese.message();
  auto control = ValidateUscc(std::string("91350100M000100Y4") + '\x01');
  EXPECT_NE(control.message().find("U+0001 at position 18"), std::string::npos) << control.message();
  auto utf8 = ValidateUscc("91350100M000100Y4\xff");
  EXPECT_NE(utf8.message().find("not valid UTF-8"), std::string::npos) << utf8.message();
}

TEST(Uscc, DivisionMustBeDigits) {
  const std::string first17 = "913501A0M000100Y4";
  auto s = ValidateUscc(first17 + UsccCheckChar(first17));
  EXPECT_NE(s.message().find("'A' at position 7 is not a digit"), std::string::npos) << s.message();
}

TEST(Uscc, WrongCheckCharacterSaysWhichWasExpected) {
  auto s = ValidateUscc("91350100M000100Y44");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("check character (position 18) is '4', expected '3'"), std::string::npos) << s.message();
  // A single changed character in the body is caught by the final check.
  auto typo = ValidateUscc("91350100M000100Y53");
  EXPECT_NE(typo.message().find("position 18"), std::string::npos) << typo.message();
}

TEST(Uscc, WrongOrganisationCheckCharacterCaughtUnlessLenient) {
  // Position 17 changed and position 18 recomputed: only the GB 11714 check can see it.
  const std::string first17 = "91350100M000100Y5";
  const std::string code = first17 + UsccCheckChar(first17);
  auto s = ValidateUscc(code);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("organisation code check character (position 17) is '5', expected '4'"), std::string::npos)
      << s.message();
  EXPECT_TRUE(ValidateUscc(code, "uscc", {.lenient_organisation_code = true}).ok());
}

TEST(Uscc, UnknownAuthorityOrTypeRefused) {
  auto with_check = [](std::string first17) { return first17 + UsccCheckChar(first17); };
  auto authority = ValidateUscc(with_check("B1350100M000100Y4"));
  EXPECT_NE(authority.message().find("registration authority 'B' (position 1)"), std::string::npos)
      << authority.message();
  auto type = ValidateUscc(with_check("94350100M000100Y4"));
  EXPECT_NE(type.message().find("entity type '4' (position 2) is not defined for registration authority 9"),
            std::string::npos)
      << type.message();
  EXPECT_TRUE(ValidateUscc(with_check("Y1350100M000100Y4")).ok());
  EXPECT_FALSE(ValidateUscc(with_check("Y2350100M000100Y4")).ok());
  EXPECT_TRUE(ValidateUscc(with_check("N2220183M000100Y4")).ok());  // 村级集体经济组织
  EXPECT_EQ(UsccTypeName('9', '2'), "个体工商户");
  EXPECT_EQ(UsccTypeName('9', '9'), "");
}

}  // namespace
}  // namespace tc::enterprise
