#include "enterprise/policy_rules.h"

#include <gtest/gtest.h>

#include <string>

namespace tc::enterprise {
namespace {

// A small manufacturer hit hard: the facts most tests read.
Facts Sample() {
  Facts f;
  f.industry = "C";
  f.division = "36";
  f.size = "small";
  f.district = "220102000000";
  f.resumption = "filed";
  f.above_scale = true;
  f.key = false;
  f.high_tech = true;
  f.specialised = false;
  f.employees = 120;
  f.revenue = 800;
  f.revenue_prev = 1000;
  f.revenue_drop = 20;
  f.capacity_rate = 75.5;
  f.age_years = 6;
  f.equipment_investment = 70;
  return f;
}

bool Holds(const std::string& text, const Facts& f = Sample()) {
  auto r = ParseRule(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() && Evaluate(*r, f);
}

std::string ErrorOf(const std::string& text, SourcePos* at = nullptr) {
  auto r = ParseRule(text, at);
  EXPECT_FALSE(r.ok()) << text << " parsed";
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
  return r.ok() ? "" : r.status().message();
}

std::string FormulaErrorOf(const std::string& text) {
  auto r = ParseFormula(text);
  EXPECT_FALSE(r.ok()) << text << " parsed";
  return r.ok() ? "" : r.status().message();
}

double Amount(const std::string& text, const Facts& f = Sample()) {
  auto r = ParseFormula(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? Evaluate(*r, f) : -1e300;
}

TEST(PolicyRules, EveryComparisonOnNumbers) {
  EXPECT_TRUE(Holds("employees = 120"));
  EXPECT_FALSE(Holds("employees = 121"));
  EXPECT_TRUE(Holds("employees != 121"));
  EXPECT_FALSE(Holds("employees != 120"));
  EXPECT_TRUE(Holds("employees < 121"));
  EXPECT_FALSE(Holds("employees < 120"));
  EXPECT_TRUE(Holds("employees <= 120"));
  EXPECT_FALSE(Holds("employees <= 119.5"));
  EXPECT_TRUE(Holds("employees > 119"));
  EXPECT_FALSE(Holds("employees > 120"));
  EXPECT_TRUE(Holds("employees >= 120"));
  EXPECT_FALSE(Holds("employees >= 120.01"));
  EXPECT_TRUE(Holds("employees == 120"));  // synonyms
  EXPECT_TRUE(Holds("employees <> 7"));
  EXPECT_TRUE(Holds("capacity_rate > -5"));
  EXPECT_TRUE(Holds("revenue_prev >= 1e3"));
}

TEST(PolicyRules, InNotInAndBetweenAreInclusive) {
  EXPECT_TRUE(Holds("employees in [1, 120, 300]"));
  EXPECT_FALSE(Holds("employees in [1, 300]"));
  EXPECT_TRUE(Holds("employees not in [1, 300]"));
  EXPECT_FALSE(Holds("employees not in [120]"));
  EXPECT_TRUE(Holds("revenue_drop between 20 and 30"));
  EXPECT_TRUE(Holds("revenue_drop between 10 and 20"));
  EXPECT_TRUE(Holds("revenue_drop between 20 and 20"));
  EXPECT_FALSE(Holds("revenue_drop between 20.5 and 30"));
  EXPECT_TRUE(Holds(R"(industry in ["C", "F"])"));
  EXPECT_FALSE(Holds(R"(industry in ["F", "G"])"));
  EXPECT_TRUE(Holds(R"(industry not in ["F", "G"])"));
  EXPECT_TRUE(Holds(R"(size in ("small", "micro"))"));  // round brackets too
}

TEST(PolicyRules, TextFactsCompareToStringsAndPrefixes) {
  EXPECT_TRUE(Holds(R"(industry = "C")"));
  EXPECT_TRUE(Holds("industry = 'C'"));
  EXPECT_TRUE(Holds(R"(industry = "c")"));  // section letters are upper case; folded
  EXPECT_FALSE(Holds(R"(industry != "C")"));
  EXPECT_TRUE(Holds(R"(size = "SMALL")"));
  EXPECT_TRUE(Holds(R"(division starts_with "3")"));
  EXPECT_TRUE(Holds(R"(division starts_with "36")"));
  EXPECT_FALSE(Holds(R"(division starts_with "1")"));
  EXPECT_TRUE(Holds(R"(district starts_with "2201")"));
  EXPECT_TRUE(Holds(R"(district = "220102000000")"));
  EXPECT_TRUE(Holds(R"(resumption in ["filed", "open"])"));
  EXPECT_TRUE(Holds(R"(resumption starts_with "fi")"));
}

TEST(PolicyRules, BooleansBareComparedAndNegated) {
  EXPECT_TRUE(Holds("above_scale"));
  EXPECT_FALSE(Holds("key"));
  EXPECT_TRUE(Holds("not key"));
  EXPECT_TRUE(Holds("above_scale and not key"));
  EXPECT_TRUE(Holds("key = false"));
  EXPECT_TRUE(Holds("key != true"));
  EXPECT_FALSE(Holds("high_tech = false"));
  EXPECT_TRUE(Holds("high_tech = TRUE"));
  EXPECT_TRUE(Holds("true"));
  EXPECT_FALSE(Holds("false"));
  EXPECT_TRUE(Holds("not not high_tech"));
}

TEST(PolicyRules, NotBindsTighterThanAndWhichBindsTighterThanOr) {
  // key is false, above_scale true, high_tech true, specialised false.
  // or < and: "key and specialised or high_tech" = (key and specialised) or high_tech.
  EXPECT_TRUE(Holds("key and specialised or high_tech"));
  EXPECT_FALSE(Holds("key and (specialised or high_tech)"));
  // "high_tech or key and specialised" = high_tech or (key and specialised).
  EXPECT_TRUE(Holds("high_tech or key and specialised"));
  EXPECT_FALSE(Holds("(high_tech or key) and specialised"));
  // not > and: "not key and specialised" = (not key) and specialised.
  EXPECT_FALSE(Holds("not key and specialised"));
  EXPECT_TRUE(Holds("not (key and specialised)"));
  // not > or: "not above_scale or high_tech" = (not above_scale) or high_tech.
  EXPECT_TRUE(Holds("not above_scale or high_tech"));
  EXPECT_FALSE(Holds("not (above_scale or high_tech)"));
  // The tree says the same.
  auto r = ParseRule("not key and specialised or high_tech");
  ASSERT_TRUE(r.ok());
  const Node& root = r->nodes[r->root];
  ASSERT_EQ(root.kind, NodeKind::kOr);
  ASSERT_EQ(root.children.size(), 2u);
  const Node& conj = r->nodes[root.children[0]];
  ASSERT_EQ(conj.kind, NodeKind::kAnd);
  EXPECT_EQ(r->nodes[conj.children[0]].kind, NodeKind::kNot);
}

TEST(PolicyRules, KeywordsAndFactNamesIgnoreCase) {
  EXPECT_TRUE(Holds("Above_Scale AND NOT key OR False"));
  EXPECT_TRUE(Holds(R"(INDUSTRY IN ["C"] And Employees Between 100 AND 200)"));
}

TEST(PolicyRules, ChinesePunctuationIsNormalised) {
  const Facts f = Sample();
  struct Case {
    const char* pasted;
    const char* ascii;
  } cases[] = {
      {"industry in （“C”，“F”）", R"(industry in ("C", "F"))"},
      {"industry in 【“C”、“F”】", R"(industry in ["C", "F"])"},
      {"revenue_drop ≥ 20 and employees ≤ 120", "revenue_drop >= 20 and employees <= 120"},
      {"size ＝ ‘small’", "size = 'small'"},
      {"employees ≠ 3", "employees != 3"},
      {"（above_scale　and　not key）", "(above_scale and not key)"},  // ideographic spaces
      {"employees ＞＝ １２０", "employees >= 120"},                   // full-width digits and signs
      {"industry ＝ ＂Ｃ＂", R"(industry = "C")"},
  };
  for (const auto& c : cases) {
    auto pasted = ParseRule(c.pasted);
    auto ascii = ParseRule(c.ascii);
    ASSERT_TRUE(pasted.ok()) << c.pasted << ": " << pasted.status().ToString();
    ASSERT_TRUE(ascii.ok()) << c.ascii;
    EXPECT_EQ(*pasted, *ascii) << c.pasted;
    EXPECT_TRUE(Evaluate(*pasted, f)) << c.pasted;
  }
  // Places are counted in characters of the pasted text: '≥' is one column but three bytes.
  SourcePos at;
  EXPECT_EQ(ErrorOf("revenue_drop ≥ “x”", &at),
            "line 1, column 16: expected a number after '>=' (revenue_drop is a number), found \"x\"");
  EXPECT_EQ(at.offset, 18);
}

TEST(PolicyRules, ParseErrorsNameThePlaceAndWhatWasExpected) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"", "line 1, column 1: the rule is empty; expected a condition"},
      {"industry in ]", "line 1, column 13: expected '[' after 'in', found ']'"},
      {"industry in []", "line 1, column 14: expected a value after '[' (industry is text), found ']'"},
      {R"(industry in ["C",])", "line 1, column 18: expected a value after ',' (industry is text), found ']'"},
      {R"(industry in ["C" "F"])", "line 1, column 18: expected ',' or ']' in the list, found \"F\""},
      {"employees > 10 and",
       "line 1, column 19: expected a condition (a fact, 'not', 'true', 'false' or '('), "
       "found the end of the rule"},
      {"(employees > 10",
       "line 1, column 16: expected ')' to close the '(' of line 1, column 1, found the end of "
       "the rule"},
      {"employees > 10 size = 'small'", "line 1, column 16: expected 'and', 'or' or the end of the rule, found 'size'"},
      {"employees > 10 )", "line 1, column 16: expected 'and', 'or' or the end of the rule, found ')'"},
      {"employees 10",
       "line 1, column 11: expected a comparison after 'employees' (=, !=, <, <=, >, >=, in, not in, "
       "between), found 10"},
      {"size",
       "line 1, column 5: expected a comparison after 'size' (=, !=, in, not in, starts_with), found the end "
       "of the rule"},
      {"industry not 'C'", "line 1, column 14: expected 'in' after 'not', found \"C\""},
      {"and key", "line 1, column 1: expected a condition (a fact, 'not', 'true', 'false' or '('), found 'and'"},
      {"employees >",
       "line 1, column 12: expected a number after '>' (employees is a number), found the end of the "
       "rule"},
      {"revenue_drop between 30 40", "line 1, column 25: expected 'and' after 'between 30', found 40"},
      {"revenue_drop between 50 and 30", "line 1, column 29: the lower bound 50 is above the upper bound 30"},
      {"industry = \"C", "line 1, column 12: the string starting here is not closed"},
      {"industry = \"\\n\"", "line 1, column 13: unknown escape in a string; only \\\", \\' and \\\\ are known"},
      {"! key", "line 1, column 1: unexpected character '!' (write 'not')"},
      {"key & above_scale", "line 1, column 5: unexpected character '&'"},
      {"行业 = 'C'", "line 1, column 1: unexpected character '行'"},
      {"employees > 1e999", "line 1, column 13: the number 1e999 is out of range"},
      {"key\x01", "line 1, column 4: unexpected character U+0001"},
      {"employees > 1\n and\n size = 'huge'",
       "line 3, column 9: unknown size \"huge\"; expected large, medium, small or micro"},
  };
  for (const auto& c : cases) EXPECT_EQ(ErrorOf(c.text), c.message) << c.text;
}

TEST(PolicyRules, ErrorPlaceCarriesLineColumnAndByteOffset) {
  SourcePos at;
  ErrorOf("size = 'small'\nand 营业额 > 3", &at);
  EXPECT_EQ(at.line, 2);
  EXPECT_EQ(at.column, 5);
  EXPECT_EQ(at.offset, 20);       // 14 bytes, the newline, "and " → byte 20 (1-based)
  ErrorOf("employees >= ", &at);  // the end of the text is one past its last character
  EXPECT_EQ(at.line, 1);
  EXPECT_EQ(at.column, 14);
  EXPECT_EQ(at.offset, 14);
  ErrorOf("industry = 'C' and \xff", &at);
  EXPECT_EQ(at.column, 20);
  EXPECT_EQ(at.offset, 20);
  EXPECT_EQ(ErrorOf("industry = 'C' and \xff"), "line 1, column 20: invalid UTF-8");
}

TEST(PolicyRules, UnknownFactsAreErrorsWithASuggestion) {
  EXPECT_EQ(ErrorOf("revenu > 3"), "line 1, column 1: unknown fact 'revenu' (did you mean 'revenue'?)");
  EXPECT_EQ(ErrorOf("key and profit > 3"),
            "line 1, column 9: unknown fact 'profit'; the facts are industry, division, size, district, resumption, "
            "above_scale, key, high_tech, specialised, employees, revenue, revenue_prev, revenue_drop, "
            "capacity_rate, age_years, equipment_investment");
}

TEST(PolicyRules, TypeMismatchesAreErrors) {
  EXPECT_EQ(ErrorOf("size > 3"),
            "line 1, column 6: '>' does not apply to size, which is text; use =, !=, in, not in or starts_with");
  EXPECT_EQ(ErrorOf("size = 3"), "line 1, column 8: expected a \"quoted\" value after '=' (size is text), found 3");
  EXPECT_EQ(ErrorOf("employees = \"x\""),
            "line 1, column 13: expected a number after '=' (employees is a number), found \"x\"");
  EXPECT_EQ(ErrorOf("employees in [1, 'x']"),
            "line 1, column 18: expected a value after ',' (employees is a number), found \"x\"");
  EXPECT_EQ(ErrorOf("key > 1"),
            "line 1, column 5: '>' does not apply to key, which is true or false; write key, "
            "not key or key = false");
  EXPECT_EQ(ErrorOf("key = 1"), "line 1, column 7: expected true or false after '=' (key is true or false), found 1");
  EXPECT_EQ(ErrorOf("key in [true]"),
            "line 1, column 5: 'in' does not apply to key, which is true or false; write "
            "key or not key");
  EXPECT_EQ(ErrorOf("size between 1 and 2"), "line 1, column 6: 'between' applies to numbers; size is text");
  EXPECT_EQ(ErrorOf("employees starts_with '1'"),
            "line 1, column 11: 'starts_with' applies to text; employees is a number");
}

TEST(PolicyRules, UnknownCodesOfEnumeratedFactsAreErrors) {
  EXPECT_EQ(ErrorOf("size = 'huge'"),
            "line 1, column 8: unknown size \"huge\"; expected large, medium, small or micro");
  EXPECT_EQ(ErrorOf("resumption in ['open', 'closed']"),
            "line 1, column 24: unknown resumption \"closed\"; expected not_filed, returned, held, filed or open");
  EXPECT_EQ(ErrorOf("industry = 'Z'"),
            "line 1, column 12: unknown industry \"Z\"; expected a GB/T 4754 section letter A–T");
  EXPECT_EQ(ErrorOf("industry in ['CF']"),
            "line 1, column 14: unknown industry \"CF\"; expected a GB/T 4754 section letter A–T");
  EXPECT_EQ(ErrorOf("division = '3'"),
            "line 1, column 12: unknown division \"3\"; expected a GB/T 4754 division of two digits (\"36\")");
  EXPECT_EQ(ErrorOf("division starts_with '3x'"),
            "line 1, column 22: unknown division \"3x\"; expected a GB/T 4754 division of two digits (\"36\") or its "
            "first digit");
  EXPECT_EQ(ErrorOf("district = '2201'"),
            "line 1, column 12: unknown district \"2201\"; expected a 12-digit district code (\"220102000000\")");
  EXPECT_EQ(ErrorOf("size starts_with 'x'"),
            "line 1, column 18: no size starts with \"x\"; expected large, medium, small or micro");
  EXPECT_EQ(ErrorOf("size = ''"),
            "line 1, column 8: expected a \"quoted\" value after '=' (size is text), found an "
            "empty string");
}

TEST(PolicyRules, LengthAndNestingLimits) {
  std::string longest = "employees > 1";
  while (longest.size() < 4096 - 14) longest += " or key";
  while (longest.size() < 4096) longest += " ";
  EXPECT_TRUE(ParseRule(longest).ok());
  EXPECT_EQ(ErrorOf(longest + "x"), "line 1, column 4097: the text is 4097 bytes long; at most 4096 are allowed");

  std::string deep = std::string(64, '(') + "key" + std::string(64, ')');
  EXPECT_TRUE(ParseRule(deep).ok());
  EXPECT_EQ(ErrorOf("(" + deep + ")"), "line 1, column 65: nested more than 64 levels deep");
  std::string nots;
  for (int i = 0; i < 65; ++i) nots += "not ";
  EXPECT_EQ(ErrorOf(nots + "key"), "line 1, column 257: nested more than 64 levels deep");
  std::string minuses(2000, '-');
  EXPECT_EQ(FormulaErrorOf(minuses + "employees"), "line 1, column 65: nested more than 64 levels deep");
  // Custom limits.
  auto r = ParseRule("key and high_tech", nullptr, {.max_bytes = 8});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "line 1, column 9: the text is 17 bytes long; at most 8 are allowed");
}

TEST(PolicyRules, ExplainReportsEveryConditionWithTheActualValue) {
  auto r = ParseRule(R"(size in ["small", "micro"] and revenue_drop >= 30 or not key and industry = "C")");
  ASSERT_TRUE(r.ok());
  Facts f = Sample();
  f.revenue_drop = 12.5;
  Explanation e = Explain(*r, f);
  EXPECT_TRUE(e.eligible);             // through the second branch
  ASSERT_EQ(e.conditions.size(), 4u);  // no short-circuit: all four leaves
  EXPECT_EQ(e.conditions[0], (ExplainedCondition{R"(size in ["small", "micro"])", true, R"(size is "small")", false}));
  EXPECT_EQ(e.conditions[1], (ExplainedCondition{"revenue_drop >= 30", false, "revenue_drop is 12.5", false}));
  EXPECT_EQ(e.conditions[2], (ExplainedCondition{"key", false, "key is false", true}));
  EXPECT_EQ(e.conditions[3], (ExplainedCondition{R"(industry = "C")", true, R"(industry is "C")", false}));
  EXPECT_EQ(e.ToText(),
            "eligible\n"
            "✓ size in [\"small\", \"micro\"] (size is \"small\")\n"
            "✗ revenue_drop >= 30 (revenue_drop is 12.5)\n"
            "✗ (must not hold) key (key is false)\n"
            "✓ industry = \"C\" (industry is \"C\")");

  f.industry = "F";
  e = Explain(*r, f);
  EXPECT_FALSE(e.eligible);
  EXPECT_EQ(e.conditions[3].actual, R"(industry is "F")");
  EXPECT_FALSE(e.conditions[3].holds);

  e = Explain(*ParseRule("true"), f);
  EXPECT_TRUE(e.eligible);
  EXPECT_EQ(e.conditions, (std::vector<ExplainedCondition>{{"true", true, "", false}}));
}

TEST(PolicyRules, ToStringIsCanonicalAndParsesBackToTheSameRule) {
  struct Case {
    const char* text;
    const char* canonical;
  } cases[] = {
      {"KEY", "key"},
      {"key = false", "key = false"},
      {"key != false", "key"},
      {"(key and high_tech) and specialised", "key and high_tech and specialised"},
      {"key and (high_tech and specialised)", "key and high_tech and specialised"},
      {"(key or high_tech) and (specialised or above_scale)", "(key or high_tech) and (specialised or above_scale)"},
      {"key or (high_tech or specialised)", "key or high_tech or specialised"},
      {"not (key or high_tech)", "not (key or high_tech)"},
      {"not (not key)", "not not key"},
      {"industry in ('C','F') and size='small'", R"(industry in ["C", "F"] and size = "small")"},
      {"employees >= 1e3 and revenue_drop between -5 and 30.25",
       "employees >= 1000 and revenue_drop between -5 and 30.25"},
      {"capacity_rate not in [0.1, 2]", "capacity_rate not in [0.1, 2]"},
      {"division starts_with '3'", R"(division starts_with "3")"},
      {"employees <> 3", "employees != 3"},
      {"true or false", "true or false"},
  };
  for (const auto& c : cases) {
    auto r = ParseRule(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(ToString(*r), c.canonical) << c.text;
    auto again = ParseRule(ToString(*r));
    ASSERT_TRUE(again.ok()) << ToString(*r);
    EXPECT_EQ(*again, *r) << c.text;
  }
}

TEST(PolicyRules, FormulasComputeAmounts) {
  const Facts f = Sample();  // employees 120, equipment_investment 70, revenue 800, revenue_prev 1000
  EXPECT_DOUBLE_EQ(Amount("0.15 * equipment_investment"), 10.5);  // Nanjing's 15 % equipment subsidy
  EXPECT_EQ(Amount("1 + 2 * 3"), 7);
  EXPECT_EQ(Amount("(1 + 2) * 3"), 9);
  EXPECT_EQ(Amount("10 - 4 - 3"), 3);  // left to right
  EXPECT_EQ(Amount("10 - (4 - 3)"), 9);
  EXPECT_EQ(Amount("24 / 4 / 2"), 3);
  EXPECT_EQ(Amount("-employees + 20"), -100);
  EXPECT_EQ(Amount("- -3"), 3);
  EXPECT_EQ(Amount("2 * -3"), -6);
  EXPECT_EQ(Amount("min(0.1 * employees, 5)"), 5);  // 0.1 万元 a head, at most 5
  EXPECT_EQ(Amount("min(3, 1, 2)"), 1);
  EXPECT_EQ(Amount("max(3, 1, 2)"), 3);
  EXPECT_EQ(Amount("max(revenue_prev - revenue, 0)"), 200);
  EXPECT_EQ(Amount("round(0.15 * equipment_investment)"), 11);  // 10.5 → 11
  Facts ninety = f;
  ninety.employees = 90;
  // 0.35 × 90 is 31.5 on paper but 31.499999999999996 in binary: rounds to 32, not 31.
  EXPECT_EQ(Amount("round(0.35 * employees)", ninety), 32);
  EXPECT_EQ(Amount("round(2.4)"), 2);
  EXPECT_EQ(Amount("round(-2.5)"), -3);  // halves away from zero
  EXPECT_EQ(Amount("if(above_scale and employees > 100, 50, 10)"), 50);
  EXPECT_EQ(Amount("if(key, 50, 10)"), 10);
  EXPECT_EQ(Amount("if(size in ['small', 'micro'], min(0.05 * revenue, 20), 0)"), 20);
  // Division by zero is 0, never a crash, inf or NaN.
  EXPECT_EQ(Amount("employees / 0"), 0);
  EXPECT_EQ(Amount("revenue / (revenue_prev - 1000)"), 0);
  EXPECT_EQ(Amount("0 / 0"), 0);
  Facts none;
  EXPECT_EQ(Amount("revenue / revenue_prev * 100", none), 0);
}

TEST(PolicyRules, FormulaErrors) {
  EXPECT_EQ(FormulaErrorOf(""), "line 1, column 1: the formula is empty; expected a value");
  EXPECT_EQ(FormulaErrorOf("0.15 * "),
            "line 1, column 8: expected a value (a number, a fact, '(', min, max, round or if), found the end of the "
            "formula");
  EXPECT_EQ(FormulaErrorOf("min(1, )"),
            "line 1, column 8: expected a value (a number, a fact, '(', min, max, round or if), found ')'");
  EXPECT_EQ(FormulaErrorOf("min 1"), "line 1, column 5: expected '(' after 'min', found 1");
  EXPECT_EQ(FormulaErrorOf("round(1, 2)"), "line 1, column 8: expected ')' after the value of 'round', found ','");
  EXPECT_EQ(FormulaErrorOf("if(key, 1)"),
            "line 1, column 10: expected ',' after the second argument of 'if', found ')'");
  EXPECT_EQ(FormulaErrorOf("if(employees, 1, 2)"),
            "line 1, column 13: expected a comparison after 'employees' (=, !=, <, <=, >, >=, in, not in, between), "
            "found ','");
  EXPECT_EQ(FormulaErrorOf("2 3"),
            "line 1, column 3: expected an operator (+, -, *, /) or the end of the formula, found 3");
  EXPECT_EQ(FormulaErrorOf("above_scale * 2"),
            "line 1, column 1: above_scale is true or false, not a number; write if(above_scale, …, …)");
  EXPECT_EQ(FormulaErrorOf("industry + 1"),
            "line 1, column 1: industry is text, not a number; write if(industry = \"…\", …, …)");
  EXPECT_EQ(FormulaErrorOf("employes * 2"), "line 1, column 1: unknown fact 'employes' (did you mean 'employees'?)");
  EXPECT_EQ(FormulaErrorOf("(1 + 2"),
            "line 1, column 7: expected ')' to close the '(' of line 1, column 1, found the "
            "end of the formula");
}

TEST(PolicyRules, FormulaToStringParsesBackToTheSameFormula) {
  struct Case {
    const char* text;
    const char* canonical;
  } cases[] = {
      {"0.15*equipment_investment", "0.15 * equipment_investment"},
      {"(1 + 2) + 3", "1 + 2 + 3"},
      {"1 + (2 + 3)", "1 + (2 + 3)"},
      {"1 - (2 - 3)", "1 - (2 - 3)"},
      {"(1 * 2) / (3 * 4)", "1 * 2 / (3 * 4)"},
      {"-(employees * 2)", "-(employees * 2)"},
      {"-(5)", "-(5)"},
      {"-(-5)", "-(-5)"},
      {"--employees", "--employees"},
      {"2 * -3", "2 * -3"},
      {"employees - -3", "employees - -3"},
      {"MIN(1,max(2,3),ROUND(4.5))", "min(1, max(2, 3), round(4.5))"},
      {"if((key or high_tech) and size = 'small', 1, 2)", R"(if((key or high_tech) and size = "small", 1, 2))"},
      {"（１＋２）＊３", "(1 + 2) * 3"},
  };
  for (const auto& c : cases) {
    auto r = ParseFormula(c.text);
    ASSERT_TRUE(r.ok()) << c.text << ": " << r.status().ToString();
    EXPECT_EQ(ToString(*r), c.canonical) << c.text;
    auto again = ParseFormula(ToString(*r));
    ASSERT_TRUE(again.ok()) << ToString(*r);
    EXPECT_EQ(*again, *r) << c.text;
    EXPECT_EQ(Evaluate(*again, Sample()), Evaluate(*r, Sample())) << c.text;
  }
}

TEST(PolicyRules, SqlOfRules) {
  auto r = ParseRule(
      R"(size in ["small", "micro"] and revenue_drop >= 30 and not key or industry != "C" and division starts_with "3")"
      R"( or employees between 10 and 50.5 or capacity_rate not in [0, 100] or above_scale = false or false)");
  ASSERT_TRUE(r.ok());
  auto sql = ToSql(*r);
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(*sql,
            "((size IN ('small', 'micro') AND revenue_drop >= 30 AND (NOT key = 1)) OR (industry <> 'C' AND "
            "substr(division, 1, 1) = '3') OR (employees BETWEEN 10 AND 50.5) OR capacity_rate NOT IN (0, 100) OR "
            "above_scale = 0 OR (1 = 0))");
  // Strings are quoted with '' doubled (the parser's codes never hold a quote; a tree made by hand may).
  Rule hand;
  Node leaf;
  leaf.kind = NodeKind::kTextCompare;
  leaf.fact = Fact::kDistrict;
  leaf.text = "O'Brien'; DROP TABLE facts; --";
  hand.nodes.push_back(leaf);
  EXPECT_EQ(*ToSql(hand), "district = 'O''Brien''; DROP TABLE facts; --'");
  EXPECT_EQ(FactColumnsSql().substr(0, 57), "industry TEXT NOT NULL, division TEXT NOT NULL, size TEXT");
}

TEST(PolicyRules, SqlOfFormulas) {
  auto f = ParseFormula("min(0.15 * equipment_investment, 200) + round(employees / revenue) - -1 + if(key, 1, 0)");
  ASSERT_TRUE(f.ok());
  auto sql = ToSql(*f);
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(*sql,
            "(((CASE WHEN (CAST(0.15 AS DOUBLE PRECISION) * equipment_investment) <= CAST(200 AS DOUBLE PRECISION) "
            "THEN (CAST(0.15 AS DOUBLE PRECISION) * equipment_investment) ELSE CAST(200 AS DOUBLE PRECISION) END + "
            "CAST(ROUND(ROUND(CAST(COALESCE(employees / NULLIF(revenue, 0), 0) AS NUMERIC), 9)) AS DOUBLE PRECISION)) "
            "- CAST(-1 AS DOUBLE PRECISION)) + CASE WHEN key = 1 THEN CAST(1 AS DOUBLE PRECISION) ELSE CAST(0 AS "
            "DOUBLE PRECISION) END)");
  // min nested deep repeats its arguments: refused rather than written out at 2^n.
  std::string deep = "employees";
  for (int i = 0; i < 40; ++i) deep = "min(" + deep + ", " + std::to_string(i) + ")";
  auto d = ParseFormula(deep);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(ToSql(*d).status().code(), StatusCode::kInvalidArgument);
}

TEST(PolicyRules, FactsTableDescribesEveryFact) {
  for (int i = 0; i < kFactCount; ++i) {
    const FactInfo& info = InfoOf(static_cast<Fact>(i));
    EXPECT_EQ(FactNamed(info.name), static_cast<Fact>(i));
    EXPECT_FALSE(info.meaning.empty());
  }
  EXPECT_FALSE(FactNamed("nothing").has_value());
  EXPECT_EQ(FormatNumber(0.1), "0.1");
  EXPECT_EQ(FormatNumber(-0.0), "0");
  EXPECT_EQ(FormatNumber(1e21), "1e+21");
  EXPECT_EQ(RoundAmount(0.35 * 90), 32);
  EXPECT_EQ(RoundAmount(2.5), 3);
  EXPECT_EQ(RoundAmount(1e300), 1e300);
}

// The examples of docs/policy-rules.md, kept true.
TEST(PolicyRules, DocumentedExamples) {
  const char* rules[] = {
      R"(size in ["medium", "small", "micro"] and equipment_investment > 0)",
      "size in [\"small\", \"micro\"]\n          and industry in [\"F\", \"H\", \"L\", \"O\", \"R\"]\n"
      "          and revenue_drop >= 30",
      R"(resumption in ["filed", "open"] and capacity_rate >= 80 and employees >= 1)",
      R"(above_scale and industry = "C" and division starts_with "36" and not key)",
  };
  for (const char* r : rules) EXPECT_TRUE(ParseRule(r).ok()) << r;
  Facts f = Sample();
  f.industry = "H";
  f.revenue_drop = 12.5;
  auto rent = ParseRule(rules[1]);
  ASSERT_TRUE(rent.ok());
  EXPECT_EQ(Explain(*rent, f).ToText(),
            "not eligible\n"
            "✓ size in [\"small\", \"micro\"] (size is \"small\")\n"
            "✓ industry in [\"F\", \"H\", \"L\", \"O\", \"R\"] (industry is \"H\")\n"
            "✗ revenue_drop >= 30 (revenue_drop is 12.5)");
  EXPECT_EQ(*ParseRule("revenue_drop ≥ 30 and industry in （“F”，“H”）"),
            *ParseRule(R"(revenue_drop >= 30 and industry in ("F", "H"))"));

  Facts g = Sample();  // equipment_investment 70, employees 120, size small, revenue_prev 1000
  EXPECT_DOUBLE_EQ(Amount("0.15 * equipment_investment", g), 10.5);
  EXPECT_DOUBLE_EQ(Amount("min(0.15 * equipment_investment, 500)", g), 10.5);
  EXPECT_DOUBLE_EQ(Amount(R"(if(size = "micro", 1, min(0.02 * revenue_prev, 5)))", g), 5);
  EXPECT_DOUBLE_EQ(Amount("min(0.1 * employees, 50)", g), 12);
  EXPECT_DOUBLE_EQ(Amount("if(above_scale, 10, 5)", g), 10);
  EXPECT_DOUBLE_EQ(Amount(R"(if(industry = "C", 10, 5))", g), 10);
  Facts none;
  EXPECT_EQ(Amount("revenue / revenue_prev", none), 0);
}

}  // namespace
}  // namespace tc::enterprise
