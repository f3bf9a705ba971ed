// The policy rule language (docs/policy-rules.md): eligibility rules (boolean) and
// benefit formulas (numbers) over an enterprise's Facts (model.h), for the policy
// catalogue and 免申即享 (benefits pushed without application).
//
//   TC_ASSIGN_OR_RETURN(Rule rule, ParseRule(R"(size in ["small", "micro"] and revenue_drop >= 30)"));
//   TC_ASSIGN_OR_RETURN(Formula amount, ParseFormula("min(0.15 * equipment_investment, 200)"));
//   if (Evaluate(rule, facts)) pay(Evaluate(amount, facts));
//   Explanation why = Explain(rule, facts);   // every condition, held or not, with the actual value
//
// Pure functions: no store, no I/O, no clock; thread-safe (no shared state). A parse
// error is InvalidArgument whose message starts with the 1-based place,
// "line 1, column 14: expected a value after '[', found ']'"; the place is also written
// to *error_at when given (for an editor to underline). Unknown facts, a value of the
// wrong type and an unknown code of an enumerated fact are parse errors too.
// Matching many enterprises at once: matcher.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "enterprise/model.h"

namespace tc::enterprise {

// The facts a rule may name, in Facts' order (the text facts first, then the
// true/false ones, then the numbers).
enum class Fact : uint8_t {
  kIndustry,
  kDivision,
  kSize,
  kDistrict,
  kResumption,
  kAboveScale,
  kKey,
  kHighTech,
  kSpecialised,
  kEmployees,
  kRevenue,
  kRevenuePrev,
  kRevenueDrop,
  kCapacityRate,
  kAgeYears,
  kEquipmentInvestment,
};
inline constexpr int kFactCount = 16;
enum class FactType : uint8_t { kText, kBool, kNumber };

struct FactInfo {
  std::string_view name;  // as written in rules and as the SQL column: "revenue_drop"
  FactType type;
  std::string_view meaning;  // one line for people, with the unit
};
const FactInfo& InfoOf(Fact fact);
// The fact named `name` (lower case), or nullopt.
std::optional<Fact> FactNamed(std::string_view name);

// A fact's value in `facts`; the fact must be of that type (asserted).
const std::string& TextOf(const Facts& facts, Fact fact);
bool BoolOf(const Facts& facts, Fact fact);
double NumberOf(const Facts& facts, Fact fact);

// A place in rule text, all 1-based: line, column (in characters) and byte offset.
struct SourcePos {
  int line = 1;
  int column = 1;
  int offset = 1;
};

struct RuleLimits {
  size_t max_bytes = 4096;  // of UTF-8 text
  int max_depth = 64;       // parentheses, `not`s and function calls nested in each other
};

enum class CmpOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

// One node of a parsed rule or formula. Rules: kConst (true/false), kAnd/kOr (two or
// more children, never directly nested in the same kind), kNot, and the leaf
// conditions. Formulas: kNumber, kNumFact and the operators; kIf's first child is a
// rule node of the same tree.
enum class NodeKind : uint8_t {
  kConst,
  kAnd,
  kOr,
  kNot,
  kBoolIs,          // fact = value (bare `above_scale` is value true)
  kNumCompare,      // fact op number
  kNumBetween,      // number <= fact <= number2
  kNumIn,           // fact [not] in numbers
  kTextCompare,     // fact = text | fact != text (op kEq/kNe)
  kTextIn,          // fact [not] in texts
  kTextStartsWith,  // fact starts_with text
  kNumber,
  kNumFact,
  kAdd,
  kSub,
  kMul,
  kDiv,
  kNeg,
  kMin,
  kMax,
  kRound,
  kIf,
};

struct Node {
  NodeKind kind = NodeKind::kConst;
  Fact fact = Fact::kIndustry;
  CmpOp op = CmpOp::kEq;
  bool negated = false;            // kNumIn, kTextIn: `not in`
  bool value = false;              // kConst, kBoolIs
  double number = 0;               // kNumCompare, kNumBetween (lower bound), kNumber
  double number2 = 0;              // kNumBetween (upper bound)
  std::string text;                // kTextCompare, kTextStartsWith
  std::vector<double> numbers;     // kNumIn
  std::vector<std::string> texts;  // kTextIn
  std::vector<int32_t> children;   // indexes into the tree's nodes
  bool operator==(const Node&) const = default;
};

// A parsed eligibility rule: nodes[root] is the top. Made by ParseRule.
struct Rule {
  std::vector<Node> nodes;
  int32_t root = 0;
  bool operator==(const Rule&) const = default;
};

// A parsed benefit formula (an amount, in 万元 when it computes money). Made by ParseFormula.
struct Formula {
  std::vector<Node> nodes;
  int32_t root = 0;
  bool operator==(const Formula&) const = default;
};

Result<Rule> ParseRule(std::string_view text, SourcePos* error_at = nullptr, RuleLimits limits = {});
Result<Formula> ParseFormula(std::string_view text, SourcePos* error_at = nullptr, RuleLimits limits = {});

// Whether the enterprise qualifies.
bool Evaluate(const Rule& rule, const Facts& facts);
// The amount; x / 0 is 0; round(x) rounds halves away from zero after taking x to 9
// decimal places (so 0.35 * 90, 31.499999999999996 in binary, rounds to 32 as 31.5 does on
// paper).
double Evaluate(const Formula& formula, const Facts& facts);
// Node `index` of a tree (Rule::nodes or Formula::nodes): a rule node's truth.
bool EvaluateNode(const std::vector<Node>& nodes, int32_t index, const Facts& facts);
// A text leaf (kTextCompare, kTextIn, kTextStartsWith) on a value of its fact.
bool TextLeafHolds(const Node& leaf, std::string_view value);
// A number leaf (kNumCompare, kNumBetween, kNumIn) on a value of its fact.
bool NumberLeafHolds(const Node& leaf, double value);
// round() of the formulas.
double RoundAmount(double x);

// The canonical text: parses back to an equal Rule/Formula. Keywords lower case,
// strings in double quotes, numbers in their shortest exact form, parentheses only
// where needed.
std::string ToString(const Rule& rule);
std::string ToString(const Formula& formula);

// One leaf condition of a rule, as Explain reports it.
struct ExplainedCondition {
  std::string condition;  // its canonical text: "revenue_drop >= 30"
  bool holds = false;     // for this enterprise
  std::string actual;     // "revenue_drop is 12.5"; "" for true/false constants
  bool negated = false;   // under an odd number of `not`s: the rule wants it not to hold
  bool operator==(const ExplainedCondition&) const = default;
};
struct Explanation {
  bool eligible = false;
  std::vector<ExplainedCondition> conditions;  // every leaf, in rule order (no short-circuit)
  // Human text, one line per condition: "eligible", then "✓ revenue_drop >= 30 (revenue_drop is 35)".
  std::string ToText() const;
};
Explanation Explain(const Rule& rule, const Facts& facts);

// SQL over a table with one column per fact, named as the fact (FactColumnsSql): a WHERE
// expression, or a formula's value, valid on SQLite and PostgreSQL alike. Strings are
// quoted with '' doubled; min/max become CASE WHEN; division is guarded (x / 0 is 0);
// literals in formulas are cast to DOUBLE PRECISION so both compute in floating point.
// InvalidArgument if the SQL would exceed 1 MiB (min/max nested very deep repeat their
// arguments).
Result<std::string> ToSql(const Rule& rule);
Result<std::string> ToSql(const Formula& formula);
// The column definitions of such a table: "industry TEXT NOT NULL, …, above_scale INTEGER
// NOT NULL (0/1), …, employees DOUBLE PRECISION NOT NULL, …".
std::string FactColumnsSql();

// Numbers as rules print them: the shortest text that reads back to the same double.
std::string FormatNumber(double x);

}  // namespace tc::enterprise
