#include "hotline/text.h"

#include <gtest/gtest.h>
#include <opencc/SimpleConverter.hpp>

#include <string>
#include <thread>
#include <vector>

#include "hotline/corpus.h"

namespace tc::hotline {
namespace {

std::string Norm(std::string_view s) {
  auto r = NormalizeText(s, "text");
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string("<error>");
}

TEST(NormalizeText, TraditionalBecomesSimplified) {
  EXPECT_EQ(Norm("市民來電反映，暖氣不熱，請儘快處理。"), "市民来电反映，暖气不热，请尽快处理。");
  EXPECT_EQ(Norm("社區的電梯壞了"), "社区的电梯坏了");
  // A phrase entry whose characters are all simplified-looking (沈默 → 沉默).
  EXPECT_EQ(Norm("他一直沈默"), "他一直沉默");
}

TEST(NormalizeText, SimplifiedTextIsUnchanged) {
  const std::string s = "南关区幸福街道某小区12号楼3单元暖气一直不热，要求尽快派人上门检修。";
  EXPECT_EQ(Norm(s), s);
}

TEST(NormalizeText, FullWidthLettersDigitsAndSymbolsBecomeHalfWidth) {
  EXPECT_EQ(Norm("１２号楼３单元ＡＢＣ＃ｘｙｚ"), "12号楼3单元ABC#xyz");
  // Chinese text's own full-width punctuation stays.
  EXPECT_EQ(Norm("好吗？不行！（急）：是；对，"), "好吗？不行！（急）：是；对，");
}

TEST(NormalizeText, WhitespaceRunsBecomeOneSpaceAndAreTrimmed) {
  EXPECT_EQ(Norm("  暖气\t\t不热\r\n\n楼上　　漏水 "), "暖气 不热 楼上 漏水");
  EXPECT_EQ(Norm("\xE3\x80\x80停水\xC2\xA0\xC2\xA0了\xE3\x80\x80"), "停水 了");  // U+3000, NBSP
  EXPECT_EQ(Norm(std::string("停\0电", 7)), "停 电");                         // a NUL is a space
  EXPECT_EQ(Norm("停\xE2\x80\x8B电\xEF\xBB\xBF"), "停电");                       // zero-width space, BOM dropped
}

TEST(NormalizeText, EmptyAndBlankGiveEmpty) {
  EXPECT_EQ(Norm(""), "");
  EXPECT_EQ(Norm(" \t\r\n\xE3\x80\x80"), "");
}

TEST(NormalizeText, InvalidUtf8IsRefusedNamingTheField) {
  for (std::string bad : {std::string("暖气\xFF"), std::string("\xE6\x9A"),       // stray byte, truncated
                          std::string("\xC0\xAF"), std::string("\xED\xA0\x80"),  // overlong, surrogate
                          std::string("\xF4\x90\x80\x80"), std::string("ok\x80")}) {
    auto r = NormalizeText(bad, "description");
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("description"), std::string::npos) << r.status().message();
    ASSERT_EQ(r.status().field_errors().size(), 1u);
    EXPECT_EQ(r.status().field_errors()[0].field, "description");
  }
}

TEST(NormalizeText, LargeTextIsNormalisedWhole) {
  std::string big;
  while (big.size() < 100 * 1024) big += "暖氣不熱　";
  auto r = NormalizeText(big, "text");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->substr(0, 16), "暖气不热 暖");
  EXPECT_EQ(r->back(), static_cast<char>("热"[2]));  // trailing space trimmed
}

// NormalizeText skips OpenCC for texts with no character it would change: on every
// corpus text, and on each turned traditional, the answer is OpenCC's own.
TEST(NormalizeText, SkippingOpenCcNeverChangesTheAnswer) {
  opencc::SimpleConverter t2s("t2s.json"), s2t("s2t.json");
  size_t converted = 0;
  for (const auto& e : CorpusExamples()) {
    EXPECT_EQ(Norm(e.text), t2s.Convert(e.text)) << e.text;
    const std::string traditional = s2t.Convert(e.text);
    converted += traditional != e.text;
    EXPECT_EQ(Norm(traditional), t2s.Convert(traditional)) << traditional;
  }
  EXPECT_GT(converted, 0u);
}

TEST(NormalizeText, ConcurrentCallsAgree) {
  const std::string input = "市民來電：１２號樓暖氣不熱\t\t物業不管";
  const std::string expected = Norm(input);
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        auto r = NormalizeText(input, "text");
        if (!r.ok() || *r != expected) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
  EXPECT_EQ(expected, "市民来电：12号楼暖气不热 物业不管");
}

}  // namespace
}  // namespace tc::hotline
