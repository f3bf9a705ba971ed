#include "hotline/classifier.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <set>
#include <string>
#include <vector>

#include "hotline/corpus.h"
#include "hotline/evaluation.h"
#include "hotline/internal/corpus_data.h"
#include "hotline/text.h"

namespace tc::hotline {
namespace {

// A tiny labelled set: three classes with distinct vocabularies.
std::vector<Example> Tiny() {
  return {
      {"heating", "暖气不热，室温只有十五度"},   {"heating", "家里暖气片冰凉，供热公司不管"},
      {"heating", "供暖温度不达标，暖气不热"},   {"heating", "暖气漏水了，供热站电话打不通"},
      {"utilities.water", "停水两天了，自来水一直没来"}, {"utilities.water", "自来水发黄，水质有问题"},
      {"utilities.water", "小区停水也不通知，水压太低"}, {"utilities.water", "水管爆了，楼道全是水，停水"},
      {"wages", "老板拖欠工资三个月不发"},       {"wages", "工地农民工工资被拖欠，讨薪无门"},
      {"wages", "公司不发加班费，拖欠工资"},     {"wages", "欠薪半年，老板跑了"},
  };
}

std::vector<Suggestion> Top(const Classifier& c, std::string_view text, size_t k = 3) {
  auto n = NormalizeText(text, "text");
  EXPECT_TRUE(n.ok());
  return c.Classify(*n, k);
}

class BothModels : public ::testing::TestWithParam<Model> {};
INSTANTIATE_TEST_SUITE_P(Classifier, BothModels, ::testing::Values(Model::kLogistic, Model::kNaiveBayes),
                         [](const auto& info) { return std::string(ModelName(info.param)); });

TEST_P(BothModels, LearnsATinyLabelledSet) {
  auto examples = Tiny();
  Classifier c = Classifier::Train(examples, {.model = GetParam()});
  EXPECT_EQ(c.Classes(), 3u);
  EXPECT_EQ(c.Codes(), (std::vector<std::string>{"heating", "utilities.water", "wages"}));
  EXPECT_EQ(Top(c, "我家暖气不热")[0].code, "heating");
  EXPECT_EQ(Top(c, "又停水了")[0].code, "utilities.water");
  EXPECT_EQ(Top(c, "拖欠我的工资")[0].code, "wages");
  EXPECT_EQ(Top(c, "暖氣不熱")[0].code, "heating");  // traditional, through NormalizeText
}

TEST_P(BothModels, ScoresAreProbabilitiesBestFirst) {
  auto examples = Tiny();
  Classifier c = Classifier::Train(examples, {.model = GetParam()});
  auto top = Top(c, "暖气不热还停水");
  ASSERT_EQ(top.size(), 3u);
  double sum = 0;
  for (size_t i = 0; i < top.size(); ++i) {
    EXPECT_GE(top[i].score, 0.0);
    EXPECT_LE(top[i].score, 1.0);
    if (i > 0) {
      EXPECT_LE(top[i].score, top[i - 1].score);
    }
    sum += top[i].score;
  }
  EXPECT_LE(sum, 1.0 + 1e-9);
  EXPECT_EQ(Top(c, "暖气", 1).size(), 1u);
  EXPECT_EQ(Top(c, "暖气", 10).size(), 3u);  // no more than there are classes
  EXPECT_EQ(Top(c, "").size(), 3u);          // empty text: the prior
}

TEST_P(BothModels, TrainingIsDeterministic) {
  auto examples = Tiny();
  Classifier a = Classifier::Train(examples, {.model = GetParam()});
  Classifier b = Classifier::Train(examples, {.model = GetParam()});
  for (std::string_view text : {"暖气不热", "停水", "工资", "今天天气不错", ""}) {
    auto x = a.Classify(text), y = b.Classify(text);
    ASSERT_EQ(x.size(), y.size());
    for (size_t i = 0; i < x.size(); ++i) {
      EXPECT_EQ(x[i].code, y[i].code);
      EXPECT_EQ(x[i].score, y[i].score) << text;  // bit for bit
    }
  }
}

TEST_P(BothModels, WeightedExamplesPullHarder) {
  // "电梯" is only in a heating text; an override of weight 20 moves it to wages.
  std::vector<Example> examples = Tiny();
  examples.push_back({"heating", "电梯坏了"});
  EXPECT_EQ(Classifier::Train(examples, {.model = GetParam()}).Classify("电梯坏了")[0].code, "heating");
  examples.push_back({"wages", "电梯坏了", 20});
  EXPECT_EQ(Classifier::Train(examples, {.model = GetParam()}).Classify("电梯坏了")[0].code, "wages");
}

TEST(Classifier, WordsComeFromIcuOnTheTrainingTexts) {
  auto examples = Tiny();
  Classifier with = Classifier::Train(examples);
  Classifier without = Classifier::Train(examples, {.words = false});
  EXPECT_GT(with.DictionaryWords(), 10u);  // 暖气, 工资, 停水, 自来水 …
  EXPECT_EQ(without.DictionaryWords(), 0u);
  // A word feature moves the scores: the same text scores differently with words.
  EXPECT_NE(with.Classify("暖气不热")[0].score, without.Classify("暖气不热")[0].score);
}

TEST(Classifier, UntrainedOrEmptyAnswersNothing) {
  EXPECT_TRUE(Classifier().Classify("暖气不热").empty());
  std::vector<Example> none;
  EXPECT_EQ(Classifier::Train(none).Classes(), 0u);
  std::vector<Example> ignored = {{"heating", "暖气", 0}};
  EXPECT_EQ(Classifier::Train(ignored).Classes(), 0u);
}

TEST(Classifier, HugeTextIsClassified) {
  auto examples = Tiny();
  Classifier c = Classifier::Train(examples);
  std::string big;
  while (big.size() < 100 * 1024) big += "暖气不热，";
  auto top = c.Classify(big);
  ASSERT_FALSE(top.empty());
  EXPECT_EQ(top[0].code, "heating");
}

// --- the embedded corpus ---------------------------------------------------------

std::set<std::string> LeafCodes() {
  auto taxonomy = nlohmann::json::parse(TaxonomyJson());
  std::set<std::string> codes, leaves;
  for (const auto& c : taxonomy.at("categories")) codes.insert(c.at("code").get<std::string>());
  for (const auto& code : codes) {
    auto next = codes.upper_bound(code);
    if (next == codes.end() || next->rfind(code + ".", 0) != 0) leaves.insert(code);
  }
  return leaves;
}

TEST(Corpus, EveryLeafHasAFileAndEveryLineNormalises) {
  const std::set<std::string> leaves = LeafCodes();
  EXPECT_EQ(leaves.size(), 23u);
  std::set<std::string> files;
  for (size_t i = 0; i < internal::kCorpusFileCount; ++i) {
    const auto& f = internal::kCorpusFiles[i];
    files.insert(std::string(f.code));
    EXPECT_TRUE(leaves.count(std::string(f.code))) << f.code << ".txt is not a leaf code of taxonomy.json";
    auto all = NormalizeText(f.text, f.code);
    EXPECT_TRUE(all.ok()) << all.status().ToString();
  }
  EXPECT_EQ(files, leaves) << "a leaf code without a corpus file";
  const auto examples = CorpusExamples();
  std::map<std::string, int> per_code;
  for (const auto& e : examples) ++per_code[e.code];
  for (const auto& code : leaves) EXPECT_GE(per_code[code], 50) << code;
}

TEST(Corpus, HeldOutTextsAreNeverTrainedOn) {
  const auto training = TrainingExamples();
  const auto held_out = HeldOutExamples();
  ASSERT_FALSE(held_out.empty());
  std::set<std::string> trained;
  for (const auto& e : training) trained.insert(e.text);
  for (const auto& e : held_out) {
    EXPECT_TRUE(IsHeldOut(e.text));
    EXPECT_FALSE(trained.count(e.text)) << "held-out text in the training set: " << e.text;
  }
  for (const auto& e : training) EXPECT_FALSE(IsHeldOut(e.text));
  EXPECT_EQ(training.size() + held_out.size(), CorpusExamples().size());
  const double share = static_cast<double>(held_out.size()) / static_cast<double>(CorpusExamples().size());
  EXPECT_GT(share, 0.12);
  EXPECT_LT(share, 0.28);
}

TEST(Corpus, HeldOutSplitIsAFixedFunctionOfTheText) {
  // Pinned values: a change of the split would silently mix test and training texts of
  // figures reported before.
  EXPECT_EQ(IsHeldOut("暖气不热"), IsHeldOut(std::string("暖气不热")));
  int held = 0;
  for (int i = 0; i < 10000; ++i) held += IsHeldOut("市民来电" + std::to_string(i));
  EXPECT_GT(held, 1800);
  EXPECT_LT(held, 2200);
}

// The accuracy floors: a few points under what the default model measures
// (docs/hotline.md, `tongchou hotline eval --independent tests/data/hotline/independent.tsv`:
// held-out 75.5 % / 93.4 %, independent 86.9 % / 96.6 % top-1 / top-3).
constexpr double kHeldOutTop1Floor = 0.71;
constexpr double kHeldOutTop3Floor = 0.90;
constexpr double kIndependentTop1Floor = 0.82;
constexpr double kIndependentTop3Floor = 0.93;

TEST(Corpus, HeldOutAccuracyStaysAboveTheFloor) {
  const auto training = TrainingExamples();
  const auto held_out = HeldOutExamples();
  Classifier model = Classifier::Train(training);
  Evaluation e = Evaluate(model, held_out);
  EXPECT_EQ(e.overall.n, static_cast<int>(held_out.size()));
  EXPECT_GE(e.overall.Top1(), kHeldOutTop1Floor) << "held-out top-1";
  EXPECT_GE(e.overall.Top3(), kHeldOutTop3Floor) << "held-out top-3";
}

// Texts written apart from the corpus (another author and style: phone typing,
// traditional characters, full-width digits), labelled by their main demand.
TEST(Corpus, IndependentAccuracyStaysAboveTheFloor) {
  std::ifstream in(TC_SOURCE_DIR "/tests/data/hotline/independent.tsv", std::ios::binary);
  ASSERT_TRUE(in) << "tests/data/hotline/independent.tsv";
  std::stringstream content;
  content << in.rdbuf();
  auto independent = ParseLabelledTsv(content.str(), "independent.tsv");
  ASSERT_TRUE(independent.ok()) << independent.status().ToString();
  ASSERT_GE(independent->size(), 300u);
  const auto training = TrainingExamples();
  Evaluation e = Evaluate(Classifier::Train(training), *independent);
  EXPECT_GE(e.overall.Top1(), kIndependentTop1Floor) << "independent top-1";
  EXPECT_GE(e.overall.Top3(), kIndependentTop3Floor) << "independent top-3";
}

// --- evaluation -------------------------------------------------------------------

TEST(Evaluation, CountsLeavesCategoriesAndConfusions) {
  auto examples = Tiny();
  Classifier c = Classifier::Train(examples);
  std::vector<Example> test = {{"heating", "暖气不热"}, {"wages", "暖气不热"}, {"utilities.water", "停水"}};
  Evaluation e = Evaluate(c, test);
  EXPECT_EQ(e.overall.n, 3);
  EXPECT_EQ(e.overall.top1, 2);
  ASSERT_EQ(e.leaves.size(), 3u);
  EXPECT_EQ(e.leaves[2].code, "wages");
  EXPECT_EQ(e.leaves[2].top1, 0);
  EXPECT_EQ(e.leaves[2].top3, 1);  // three classes: always in the top three
  ASSERT_EQ(e.categories.size(), 3u);
  EXPECT_EQ(e.categories[1].code, "utilities");
  ASSERT_EQ(e.confusions.size(), 1u);
  EXPECT_EQ(e.confusions[0].truth, "wages");
  EXPECT_EQ(e.confusions[0].predicted, "heating");
  EXPECT_EQ(TopLevel("market.prices"), "market");
  EXPECT_EQ(TopLevel("heating"), "heating");
}

TEST(Evaluation, ParsesALabelledFileAndNamesBadLines) {
  auto ok = ParseLabelledTsv("code\ttext\r\nheating\t暖氣　不熱\n\nwages\t欠薪\n", "t.tsv");
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].code, "heating");
  EXPECT_EQ((*ok)[0].text, "暖气 不热");
  for (auto [content, needle] : {std::pair{"code\ttext\nheating 暖气\n", "t.tsv line 2: no tab"},
                                 std::pair{"code\ttext\n\t暖气\n", "t.tsv line 2: empty code"},
                                 std::pair{"code\ttext\nheating\t \n", "t.tsv line 2: empty text"},
                                 std::pair{"code\ttext\nheating\t\xFF\n", "t.tsv line 2 text"},
                                 std::pair{"text\tcode\n", "t.tsv line 1"}, std::pair{"", "empty file"}}) {
    auto r = ParseLabelledTsv(content, "t.tsv");
    ASSERT_FALSE(r.ok()) << content;
    EXPECT_NE(r.status().message().find(needle), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace tc::hotline
