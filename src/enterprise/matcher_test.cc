#include "enterprise/matcher.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store/testing.h"

namespace tc::enterprise {
namespace {

CompiledRule CompileText(const Matcher& m, const std::string& text) {
  auto r = ParseRule(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return m.Compile(r.ok() ? *r : Rule{{Node{}}, 0});
}

Facts Firm(std::string industry, std::string size, double employees, double revenue_drop, bool key = false) {
  Facts f;
  f.industry = std::move(industry);
  f.division = "36";
  f.size = std::move(size);
  f.district = "220102000000";
  f.employees = employees;
  f.revenue_drop = revenue_drop;
  f.key = key;
  return f;
}

TEST(Matcher, MatchesTheSlotsARuleAccepts) {
  Matcher m;
  m.Resize(5);
  ASSERT_TRUE(m.Set(0, Firm("C", "small", 20, 35)).ok());
  ASSERT_TRUE(m.Set(1, Firm("H", "micro", 3, 50)).ok());
  ASSERT_TRUE(m.Set(2, Firm("H", "large", 900, 40, true)).ok());
  ASSERT_TRUE(m.Set(3, Firm("F", "small", 30, 10)).ok());
  // slot 4 stays empty: it matches nothing, not even `true`.
  const CompiledRule rent = CompileText(m, R"(size in ["small", "micro"] and revenue_drop >= 30)");
  EXPECT_EQ(m.MatchAll(rent).Slots(), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(m.MatchAll(CompileText(m, "true")).Slots(), (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(m.MatchAll(CompileText(m, "not key")).Count(), 3u);
  EXPECT_EQ(m.MatchAll(CompileText(m, R"(industry = "H" or employees < 25)")).Slots(),
            (std::vector<uint32_t>{0, 1, 2}));
  EXPECT_TRUE(m.Matches(rent, 1));
  EXPECT_FALSE(m.Matches(rent, 2));
  EXPECT_FALSE(m.Matches(CompileText(m, "true"), 4));
  EXPECT_FALSE(m.Matches(CompileText(m, "true"), 99));

  // Facts change: one enterprise re-matched, and the next MatchAll sees it.
  ASSERT_TRUE(m.Set(3, Firm("F", "small", 30, 31)).ok());
  EXPECT_TRUE(m.Matches(rent, 3));
  EXPECT_EQ(m.MatchAll(rent).Slots(), (std::vector<uint32_t>{0, 1, 3}));
  m.Clear(0);
  EXPECT_FALSE(m.Matches(rent, 0));
  EXPECT_EQ(m.MatchAll(rent).Slots(), (std::vector<uint32_t>{1, 3}));
  EXPECT_FALSE(m.Present(0));
  EXPECT_EQ(m.Get(0).industry, "");
}

TEST(Matcher, GetReturnsWhatSetPut) {
  Matcher m;
  m.Resize(2);
  Facts f = Firm("M", "medium", 77, 12.5, true);
  f.resumption = "open";
  f.above_scale = f.high_tech = true;
  f.revenue = 1.5, f.revenue_prev = 2.25, f.capacity_rate = 90, f.age_years = 4, f.equipment_investment = 30;
  ASSERT_TRUE(m.Set(1, f).ok());
  const Facts g = m.Get(1);
  EXPECT_EQ(g.industry, "M");
  EXPECT_EQ(g.size, "medium");
  EXPECT_EQ(g.resumption, "open");
  EXPECT_EQ(g.district, "220102000000");
  EXPECT_TRUE(g.key && g.above_scale && g.high_tech && !g.specialised);
  EXPECT_EQ(g.employees, 77);
  EXPECT_EQ(g.revenue_prev, 2.25);
  EXPECT_EQ(g.equipment_investment, 30);
  auto formula = ParseFormula("0.15 * equipment_investment");
  ASSERT_TRUE(formula.ok());
  EXPECT_DOUBLE_EQ(m.Evaluate(*formula, 1), 4.5);
  EXPECT_EQ(m.Evaluate(*formula, 0), 0);  // empty slot: default facts
}

TEST(Matcher, SetOutsideTheSlotsIsAnError) {
  Matcher m;
  m.Resize(3);
  Status s = m.Set(3, Facts{});
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "matcher slot 3 is outside 0..3");
}

TEST(Matcher, ResizeEmptiesSlotsCutOff) {
  Matcher m;
  m.Resize(130);
  for (size_t i = 0; i < 130; ++i) ASSERT_TRUE(m.Set(i, Firm("C", "small", 1, 0)).ok());
  m.Resize(70);
  EXPECT_EQ(m.MatchAll(CompileText(m, "true")).Count(), 70u);
  m.Resize(200);
  EXPECT_EQ(m.MatchAll(CompileText(m, "true")).Count(), 70u);  // 70..199 are new and empty
  EXPECT_FALSE(m.Present(100));
  EXPECT_EQ(m.MatchAll(CompileText(m, "true")).size, 200u);
}

TEST(Matcher, TextValuesFirstSeenAfterCompilationAreMatched) {
  Matcher m;
  m.Resize(3);
  ASSERT_TRUE(m.Set(0, Firm("C", "small", 1, 0)).ok());
  const CompiledRule r = CompileText(m, R"(division starts_with "3" and district != "220103000000")");
  Facts late = Firm("C", "small", 1, 0);
  late.division = "39";  // a division the dictionary did not hold at Compile
  late.district = "220103000000";
  ASSERT_TRUE(m.Set(1, late).ok());
  late.district = "220104000000";
  ASSERT_TRUE(m.Set(2, late).ok());
  EXPECT_EQ(m.MatchAll(r).Slots(), (std::vector<uint32_t>{0, 2}));
  EXPECT_FALSE(m.Matches(r, 1));
  EXPECT_TRUE(m.Matches(r, 2));
}

TEST(Matcher, ManyRulesInOnePassEqualOneByOne) {
  Matcher m;
  m.Resize(3000);
  for (size_t i = 0; i < 3000; ++i) {
    ASSERT_TRUE(m.Set(i, Firm(i % 3 ? "C" : "H", i % 2 ? "small" : "large", double(i % 500), double(i % 100))).ok());
  }
  std::vector<CompiledRule> rules = {CompileText(m, "employees > 250"), CompileText(m, R"(industry = "H")"),
                                     CompileText(m, "revenue_drop between 30 and 60 and not key"),
                                     CompileText(m, "false")};
  std::vector<const CompiledRule*> ptrs;
  for (const auto& r : rules) ptrs.push_back(&r);
  auto all = m.MatchAll(ptrs);
  ASSERT_EQ(all.size(), rules.size());
  for (size_t k = 0; k < rules.size(); ++k) EXPECT_EQ(all[k].Slots(), m.MatchAll(rules[k]).Slots());
  EXPECT_EQ(all[3].Count(), 0u);
  EXPECT_EQ(all[1].Count(), 1000u);
}

// Reads run concurrently while no write runs (the documented contract; run under TSan).
TEST(Matcher, ConcurrentReadsAgree) {
  Matcher m;
  m.Resize(5000);
  for (size_t i = 0; i < 5000; ++i) ASSERT_TRUE(m.Set(i, Firm(i % 2 ? "C" : "F", "small", double(i), 40)).ok());
  const CompiledRule r = CompileText(m, R"(industry = "C" and employees >= 2500)");
  const std::vector<uint32_t> want = m.MatchAll(r).Slots();
  ASSERT_EQ(want.size(), 1250u);
  std::vector<std::vector<uint32_t>> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t) {
    threads.emplace_back([&, t] {
      const CompiledRule mine = CompileText(m, R"(industry = "C" and employees >= 2500)");
      got[t] = m.MatchAll(mine).Slots();
      for (uint32_t slot : got[t]) {
        if (!m.Matches(r, slot)) got[t].clear();
      }
    });
  }
  for (auto& th : threads) th.join();
  for (const auto& g : got) EXPECT_EQ(g, want);
}

// ---------------------------------------------------------------------------------
// Randomised equivalence: MatchAll == Matches == Evaluate (the tree) == the SQL of
// ToSql run by the database, for random enterprises and random rules and formulas.

class Random {
 public:
  explicit Random(uint64_t seed) : rng_(seed) {}
  size_t Below(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng_); }
  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  std::mt19937_64 rng_;
};

const std::vector<std::string> kIndustries = {"A", "C", "F", "G", "H", "I", "M", "T"};
const std::vector<std::string> kDivisions = {"13", "36", "39", "52", "61", "70"};
const std::vector<std::string> kDivisionPrefixes = {"1", "3", "5", "36"};
const std::vector<std::string> kSizeValues = {"large", "medium", "small", "micro"};
const std::vector<std::string> kDistricts = {"220102000000", "220103000000", "220104000000", "220112000000"};
const std::vector<std::string> kDistrictPrefixes = {"2201", "22010", "220112"};
const std::vector<std::string> kResumption = {"not_filed", "returned", "held", "filed", "open"};

const std::vector<double>& PoolOf(Fact f) {
  static const std::vector<double> employees = {0, 5, 10, 20, 49, 50, 100, 300, 1000};
  static const std::vector<double> money = {0, 12.5, 100, 499.9, 500, 2000};
  static const std::vector<double> percents = {0, 12.5, 29.9, 30, 45, 80, 100};
  static const std::vector<double> ages = {0, 1, 3, 5, 10};
  switch (f) {
    case Fact::kEmployees:
      return employees;
    case Fact::kRevenueDrop:
    case Fact::kCapacityRate:
      return percents;
    case Fact::kAgeYears:
      return ages;
    default:
      return money;
  }
}

const std::vector<std::string>& TextPool(Fact f) {
  switch (f) {
    case Fact::kIndustry:
      return kIndustries;
    case Fact::kDivision:
      return kDivisions;
    case Fact::kSize:
      return kSizeValues;
    case Fact::kDistrict:
      return kDistricts;
    default:
      return kResumption;
  }
}

double RandomNumber(Random& rnd, Fact f) {
  if (rnd.Chance(0.85)) return rnd.Pick(PoolOf(f));
  return static_cast<double>(rnd.Below(200000)) / 100;
}

Facts RandomFacts(Random& rnd) {
  Facts f;
  f.industry = rnd.Pick(kIndustries);
  f.division = rnd.Pick(kDivisions);
  f.size = rnd.Pick(kSizeValues);
  f.district = rnd.Pick(kDistricts);
  f.resumption = rnd.Pick(kResumption);
  f.above_scale = rnd.Chance(0.2), f.key = rnd.Chance(0.1), f.high_tech = rnd.Chance(0.3);
  f.specialised = rnd.Chance(0.5);
  f.employees = RandomNumber(rnd, Fact::kEmployees);
  f.revenue = RandomNumber(rnd, Fact::kRevenue);
  f.revenue_prev = RandomNumber(rnd, Fact::kRevenuePrev);
  f.revenue_drop = RandomNumber(rnd, Fact::kRevenueDrop);
  f.capacity_rate = RandomNumber(rnd, Fact::kCapacityRate);
  f.age_years = RandomNumber(rnd, Fact::kAgeYears);
  f.equipment_investment = RandomNumber(rnd, Fact::kEquipmentInvestment);
  return f;
}

std::string Quoted(Random& rnd, const std::string& v) {
  switch (rnd.Below(4)) {
    case 0:
      return "'" + v + "'";
    case 1:
      return "“" + v + "”";  // pasted from a Chinese document
    default:
      return "\"" + v + "\"";
  }
}

std::string RandomLeaf(Random& rnd) {
  const Fact f = static_cast<Fact>(rnd.Below(kFactCount));
  const std::string name(InfoOf(f).name);
  switch (InfoOf(f).type) {
    case FactType::kBool: {
      static const char* kForms[] = {"", " = true", " = false", " != true", " != false"};
      return name + kForms[rnd.Below(5)];
    }
    case FactType::kText: {
      const auto& pool = TextPool(f);
      switch (rnd.Below(5)) {
        case 0:
          return name + " = " + Quoted(rnd, rnd.Pick(pool));
        case 1:
          return name + " != " + Quoted(rnd, rnd.Pick(pool));
        case 2:
        case 3: {
          std::string list;
          for (size_t k = 0, n = 1 + rnd.Below(3); k < n; ++k) list += (k ? ", " : "") + Quoted(rnd, rnd.Pick(pool));
          return name + (rnd.Chance(0.5) ? " in [" : " not in [") + list + "]";
        }
        default: {
          std::string prefix = f == Fact::kDivision   ? rnd.Pick(kDivisionPrefixes)
                               : f == Fact::kDistrict ? rnd.Pick(kDistrictPrefixes)
                                                      : rnd.Pick(pool).substr(0, 1 + rnd.Below(2));
          if (f == Fact::kIndustry) prefix = rnd.Pick(pool);
          return name + " starts_with " + Quoted(rnd, prefix);
        }
      }
    }
    case FactType::kNumber: {
      const auto num = [&] { return FormatNumber(rnd.Pick(PoolOf(f))); };
      switch (rnd.Below(9)) {
        case 0:
          return name + " = " + num();
        case 1:
          return name + " != " + num();
        case 2:
          return name + " < " + num();
        case 3:
          return name + " <= " + num();
        case 4:
          return name + " > " + num();
        case 5:
          return name + " >= " + num();
        case 6: {
          double a = rnd.Pick(PoolOf(f)), b = rnd.Pick(PoolOf(f));
          if (a > b) std::swap(a, b);
          return name + " between " + FormatNumber(a) + " and " + FormatNumber(b);
        }
        default: {
          std::string list;
          for (size_t k = 0, n = 1 + rnd.Below(3); k < n; ++k) list += (k ? ", " : "") + num();
          return name + (rnd.Chance(0.5) ? " in [" : " not in [") + list + "]";
        }
      }
    }
  }
  return "true";
}

std::string RandomRule(Random& rnd, int depth) {
  if (depth == 0 || rnd.Chance(0.3)) return rnd.Chance(0.03) ? (rnd.Chance(0.5) ? "true" : "false") : RandomLeaf(rnd);
  switch (rnd.Below(5)) {
    case 0:
    case 1:
    case 2: {
      const char* op = rnd.Chance(0.5) ? " and " : " or ";
      std::string out;
      for (size_t k = 0, n = 2 + rnd.Below(3); k < n; ++k)
        out += (k ? op : "") + ("(" + RandomRule(rnd, depth - 1) + ")");
      return out;
    }
    default:
      return "not (" + RandomRule(rnd, depth - 1) + ")";
  }
}

std::string RandomFormula(Random& rnd, int depth) {
  static const Fact kNumbers[] = {Fact::kEmployees,    Fact::kRevenue,  Fact::kRevenuePrev,        Fact::kRevenueDrop,
                                  Fact::kCapacityRate, Fact::kAgeYears, Fact::kEquipmentInvestment};
  if (depth == 0 || rnd.Chance(0.25)) {
    if (rnd.Chance(0.4)) {
      static const std::vector<double> kLiterals = {0, 0.15, 0.5, 1, 2, 3, 5, 100, 0.05, 1.5};
      return FormatNumber(rnd.Pick(kLiterals));
    }
    return std::string(InfoOf(kNumbers[rnd.Below(7)]).name);
  }
  const auto sub = [&] { return RandomFormula(rnd, depth - 1); };
  switch (rnd.Below(9)) {
    case 0:
      return "(" + sub() + ") + (" + sub() + ")";
    case 1:
      return "(" + sub() + ") - (" + sub() + ")";
    case 2:
      return "(" + sub() + ") * (" + sub() + ")";
    case 3:
      return "(" + sub() + ") / (" + sub() + ")";  // often by 0: the guard is tested
    case 4:
      return "min(" + sub() + ", " + sub() + (rnd.Chance(0.3) ? ", " + sub() : "") + ")";
    case 5:
      return "max(" + sub() + ", " + sub() + ")";
    case 6:
      return "round(" + sub() + ")";
    case 7:
      return "-(" + sub() + ")";
    default:
      return "if(" + RandomRule(rnd, 1) + ", " + sub() + ", " + sub() + ")";
  }
}

class MatcherEquivalence : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto url = store::testing::FreshDatabaseUrl(GetParam(), "rules");
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    auto s = store::Store::Open(*url);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(s).value();
  }

  // The enterprises as a table named like the facts, for the SQL of ToSql.
  void Load(const std::vector<Facts>& facts, const std::vector<bool>& present) {
    Status s = store_->Tx([&](store::Conn& c) -> Status {
      TC_RETURN_IF_ERROR(c.ExecScript("CREATE TABLE policy_facts (slot INTEGER NOT NULL, " + FactColumnsSql() + ")"));
      std::vector<std::string> columns = {"slot"};
      for (int i = 0; i < kFactCount; ++i) columns.emplace_back(InfoOf(static_cast<Fact>(i)).name);
      TC_ASSIGN_OR_RETURN(auto bulk, c.Bulk("policy_facts", columns));
      for (size_t slot = 0; slot < facts.size(); ++slot) {
        if (!present[slot]) continue;
        store::Params row = {static_cast<int64_t>(slot)};
        for (int i = 0; i < kFactCount; ++i) {
          const Fact f = static_cast<Fact>(i);
          switch (InfoOf(f).type) {
            case FactType::kText:
              row.emplace_back(TextOf(facts[slot], f));
              break;
            case FactType::kBool:
              row.emplace_back(int64_t{BoolOf(facts[slot], f)});
              break;
            case FactType::kNumber:
              row.emplace_back(NumberOf(facts[slot], f));
              break;
          }
        }
        TC_RETURN_IF_ERROR(bulk->Add(row));
      }
      return bulk->Finish().status();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }

  std::vector<uint32_t> SqlSlots(const std::string& where) {
    std::vector<uint32_t> out;
    Status s = store_->Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT slot FROM policy_facts WHERE " + where + " ORDER BY slot"));
      for (const auto& r : rows.rows) out.push_back(static_cast<uint32_t>(r.Int(0)));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << where;
    return out;
  }

  std::vector<double> SqlValues(const std::string& expr) {
    std::vector<double> out;
    Status s = store_->Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT " + expr + " FROM policy_facts ORDER BY slot"));
      for (const auto& r : rows.rows) out.push_back(r.Double(0));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << s.ToString() << "\n" << expr;
    return out;
  }

  std::unique_ptr<store::Store> store_;
};

TEST_P(MatcherEquivalence, MatchAllMatchesTreeAndSqlAgreeOnRandomRules) {
  Random rnd(20200218);  // Nanjing turned resumption from approval into filing on 18 February
  constexpr size_t kSlots = 3000;
  std::vector<Facts> facts;
  std::vector<bool> present(kSlots, true);
  Matcher m;
  m.Resize(kSlots);
  for (size_t i = 0; i < kSlots; ++i) {
    facts.push_back(RandomFacts(rnd));
    ASSERT_TRUE(m.Set(i, facts.back()).ok());
    if (rnd.Chance(0.02)) {
      present[i] = false;
      m.Clear(i);
    }
  }
  Load(facts, present);

  constexpr int kRules = 250;
  std::vector<CompiledRule> compiled;
  std::vector<std::vector<uint32_t>> expected_all;
  size_t matched_some = 0, matched_none = 0;
  for (int k = 0; k < kRules; ++k) {
    const std::string text = RandomRule(rnd, 3);
    auto rule = ParseRule(text);
    ASSERT_TRUE(rule.ok()) << text << ": " << rule.status().ToString();
    // The canonical text is the same rule.
    auto again = ParseRule(ToString(*rule));
    ASSERT_TRUE(again.ok()) << ToString(*rule) << ": " << again.status().ToString();
    EXPECT_EQ(*again, *rule) << text;

    std::vector<uint32_t> expected;
    for (size_t i = 0; i < kSlots; ++i) {
      if (present[i] && Evaluate(*rule, facts[i])) expected.push_back(static_cast<uint32_t>(i));
    }
    (expected.empty() ? matched_none : matched_some)++;
    compiled.push_back(m.Compile(*rule));
    EXPECT_EQ(m.MatchAll(compiled.back()).Slots(), expected) << text;
    size_t i_expected = 0;
    for (size_t i = 0; i < kSlots; ++i) {
      const bool want = i_expected < expected.size() && expected[i_expected] == i;
      if (want) ++i_expected;
      ASSERT_EQ(m.Matches(compiled.back(), i), want) << text << " slot " << i;
    }
    auto sql = ToSql(*rule);
    ASSERT_TRUE(sql.ok());
    EXPECT_EQ(SqlSlots(*sql), expected) << text << "\n" << *sql;
    expected_all.push_back(std::move(expected));
  }
  // The rules are not degenerate: most pick some enterprises, and some none.
  EXPECT_GT(matched_some, kRules / 2);
  // All rules in one pass give the same answers.
  std::vector<const CompiledRule*> ptrs;
  for (const auto& c : compiled) ptrs.push_back(&c);
  auto all = m.MatchAll(ptrs);
  for (int k = 0; k < kRules; ++k) EXPECT_EQ(all[k].Slots(), expected_all[k]) << k;
}

TEST_P(MatcherEquivalence, FormulasAgreeWithTheirSql) {
  Random rnd(25);  // 2.5 bn yuan of aid
  constexpr size_t kSlots = 500;
  std::vector<Facts> facts;
  Matcher m;
  m.Resize(kSlots);
  for (size_t i = 0; i < kSlots; ++i) {
    facts.push_back(RandomFacts(rnd));
    // Halves that binary misses: 0.35 × 90 = 31.499999999999996, 0.35 × 170 = 59.49999999999999.
    if (i < 3) facts.back().employees = std::vector<double>{90, 170, 2}[i];
    ASSERT_TRUE(m.Set(i, facts.back()).ok());
  }
  Load(facts, std::vector<bool>(kSlots, true));
  const std::vector<std::string> fixed = {"round(0.35 * employees)", "round(-0.35 * employees)",
                                          "round(employees / 4)"};
  for (size_t k = 0; k < fixed.size() + 120; ++k) {
    const std::string text = k < fixed.size() ? fixed[k] : RandomFormula(rnd, 4);
    auto formula = ParseFormula(text);
    ASSERT_TRUE(formula.ok()) << text << ": " << formula.status().ToString();
    auto again = ParseFormula(ToString(*formula));
    ASSERT_TRUE(again.ok()) << ToString(*formula);
    EXPECT_EQ(*again, *formula) << text;
    auto sql = ToSql(*formula);
    ASSERT_TRUE(sql.ok()) << text;
    const std::vector<double> from_sql = SqlValues(*sql);
    ASSERT_EQ(from_sql.size(), kSlots) << *sql;
    for (size_t i = 0; i < kSlots; ++i) {
      const double want = Evaluate(*formula, facts[i]);
      ASSERT_TRUE(std::isfinite(want)) << text;
      EXPECT_EQ(m.Evaluate(*formula, i), want) << text;
      // Both compute in IEEE doubles; the database's text round trip may cost the last bit.
      ASSERT_NEAR(from_sql[i], want, 1e-9 * std::max(1.0, std::fabs(want))) << text << " slot " << i << "\n" << *sql;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, MatcherEquivalence, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::enterprise
