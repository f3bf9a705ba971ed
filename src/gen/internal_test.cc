// Unit tests of the generator's parts: random numbers, integer splits, polygons,
// people. The whole city is tested on both stores in city_test.cc.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <set>

#include "gen/internal/builder.h"
#include "gen/internal/people.h"
#include "gen/internal/preset.h"
#include "gen/internal/rng.h"
#include "gen/internal/shapes.h"
#include "registry/id_number.h"

namespace tc::gen::internal {
namespace {

TEST(Rng, IsTheSameEverywhere) {
  // Pinned outputs: a change here changes every generated city.
  Rng rng(1);
  EXPECT_EQ(rng.Next(), 0xB3F2AF6D0FC710C5ULL);
  EXPECT_EQ(rng.Next(), 0x853B559647364CEAULL);
  Rng a(SubSeed(7, "220102000000")), b(SubSeed(7, "220102000000")), c(SubSeed(7, "220103000000"));
  for (int i = 0; i < 100; ++i) {
    const uint64_t x = a.Next();
    EXPECT_EQ(x, b.Next());
    EXPECT_NE(x, c.Next());
  }
}

TEST(Rng, BelowAndUnitStayInRange) {
  Rng rng(3);
  std::vector<int> hits(7, 0);
  for (int i = 0; i < 70'000; ++i) {
    const uint64_t v = rng.Below(7);
    ASSERT_LT(v, 7u);
    ++hits[v];
    const double u = rng.Unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  for (int h : hits) EXPECT_NEAR(h, 10'000, 500);
}

TEST(SplitInteger, SumsExactlyWithMinimum) {
  const auto parts = SplitInteger(10, {1, 1, 1}, 1);
  EXPECT_EQ(parts, (std::vector<int64_t>{4, 3, 3}));
  const auto skewed = SplitInteger(5, {100, 0.001, 0.001}, 1);
  EXPECT_EQ(skewed, (std::vector<int64_t>{3, 1, 1}));
  int64_t sum = 0;
  for (int64_t p : SplitInteger(9'067'000, {1.3, 0.7, 1.1, 0.9, 1.0})) sum += p;
  EXPECT_EQ(sum, 9'067'000);
}

TEST(Shapes, PartitionTilesTheParent) {
  const Preset* preset = FindPreset("changchun");
  ASSERT_NE(preset, nullptr);
  Polygon outline;
  for (const auto& [lon, lat] : preset->outline) outline.push_back({lon, lat});
  const double area = SignedArea(outline);
  EXPECT_GT(area, 0);  // counter-clockwise
  Rng rng(5);
  const std::vector<double> weights = {5, 1, 1, 3, 0.2, 7, 2};
  const auto parts = Partition(outline, weights, rng);
  ASSERT_EQ(parts.size(), weights.size());
  double sum = 0;
  for (size_t i = 0; i < parts.size(); ++i) {
    const double a = SignedArea(parts[i]);
    EXPECT_NEAR(a / area, weights[i] / 19.2, 1e-9) << i;
    sum += a;
  }
  EXPECT_NEAR(sum, area, 1e-12);
}

TEST(Shapes, GeoJsonIsAClosedRingWithSixDecimals) {
  const Polygon square = {{125, 43}, {125.5, 43}, {125.5, 43.5}, {125, 43.5}};
  EXPECT_EQ(GeoJson(square), R"({"type":"Polygon","coordinates":[[[125.000000,43.000000],[125.500000,43.000000],)"
                             R"([125.500000,43.500000],[125.000000,43.500000],[125.000000,43.000000]]]})");
}

TEST(People, IdNumbersAndPhonesAreValidAndUnique) {
  People people({"220102", "220103"}, 9);
  Rng rng(11);
  std::vector<Person> persons;
  for (int h = 0; h < 20'000; ++h) people.Household(rng, People::HouseholdSize(rng), h % 2, persons);
  std::set<std::string> ids, phones;
  for (const Person& p : persons) {
    auto info = registry::ParseIdNumber(p.id_number, kReferenceYmd);
    ASSERT_TRUE(info.ok()) << p.id_number << ": " << info.status().ToString();
    EXPECT_EQ(info->BirthDate(), p.birth_date);
    EXPECT_EQ(info->sex == registry::Sex::kMale, p.male);
    EXPECT_TRUE(ids.insert(p.id_number).second) << p.id_number;
    if (p.phone.empty()) {
      EXPECT_LT(p.age >= 80 ? 0 : p.age, 12);
      continue;
    }
    EXPECT_TRUE(registry::ParsePhone(p.phone).ok()) << p.phone;
    EXPECT_TRUE(phones.insert(p.phone).second) << p.phone;
  }
  for (int i = 0; i < 1000; ++i) {
    const std::string phone = people.CadrePhone();
    EXPECT_TRUE(registry::ParsePhone(phone).ok()) << phone;
    EXPECT_TRUE(phones.insert(phone).second) << phone;
  }
}

TEST(People, AgesAndHouseholdsMatchTheCensus) {
  People people({"220102"}, 1);
  Rng rng(2);
  std::vector<Person> persons;
  int64_t households = 0, alone = 0, young = 0, working = 0, old = 0, male = 0;
  std::vector<Person> one;
  for (; households < 200'000; ++households) {
    one.clear();
    const int size = People::HouseholdSize(rng);
    people.Household(rng, size, 0, one);
    ASSERT_EQ(static_cast<int>(one.size()), size);
    ASSERT_GE(one[0].age, 18);
    alone += size == 1;
    for (const Person& p : one) {
      young += p.age <= 14;
      working += p.age >= 15 && p.age <= 59;
      old += p.age >= 60;
      male += p.male;
    }
  }
  const double n = static_cast<double>(young + working + old);
  EXPECT_NEAR(young / n, 0.1795, 0.005);
  EXPECT_NEAR(working / n, 0.6335, 0.005);
  EXPECT_NEAR(old / n, 0.1870, 0.005);
  EXPECT_NEAR(n / static_cast<double>(households), 2.61, 0.02);
  EXPECT_NEAR(static_cast<double>(alone) / static_cast<double>(households), 0.24, 0.01);
  EXPECT_NEAR(male / n, 0.51, 0.01);
}

// Generates a full-scale city without a database and prints its counts (for tuning
// the structure constants): --gtest_also_run_disabled_tests --gtest_filter=*DryRun*  (TC_GEN_SCALE, default 1)
TEST(CityBuilder, DISABLED_DryRun) {
  const char* env = std::getenv("TC_GEN_SCALE");
  const double scale = env ? std::atof(env) : 1.0;
  CityBuilder builder(*FindPreset("changchun"), scale, 1);
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(builder.Run([](Batch&) { return Status::Ok(); }).ok());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& [name, value] : SummaryCounts(builder.summary())) {
    std::printf("%-32s %12lld\n", std::string(name).c_str(), static_cast<long long>(value));
  }
  std::printf("generated in %.1f s\n", seconds);
}

}  // namespace
}  // namespace tc::gen::internal
