// The fast path of policy matching: the facts of N enterprises as columns (slots
// 0..N-1), and eligibility rules compiled against them and evaluated column-wise — for
// every block of 1024 slots each leaf condition yields a bitmask, and/or/not combine
// masks; no per-row tree walk. Matching every enterprise against every policy, a dry
// run of a draft, and one enterprise re-matched when its facts change.
//
//   Matcher m;
//   m.Resize(enterprises.size());
//   for (size_t i = 0; i < enterprises.size(); ++i) TC_RETURN_IF_ERROR(m.Set(i, FactsOf(enterprises[i])));
//   CompiledRule rent = m.Compile(*ParseRule(R"(size in ["small", "micro"] and revenue_drop >= 30)"));
//   SlotSet who = m.MatchAll(rent);            // who.Count(), who.Slots()
//   bool again = m.Matches(rent, 42);          // after m.Set(42, …)
//
// Columns: text facts dictionary-encoded to 16-bit codes (a dictionary per fact, never
// shrinking), numbers as doubles (so results equal Evaluate(rule, facts) exactly),
// true/false facts as bits, and a bit per slot saying it holds an enterprise (a new or
// Clear()ed slot matches nothing).
//
// Locking: none inside. Writes (Resize, Set, Clear) must not run concurrently with
// anything; the const methods (Compile, MatchAll, Matches, Evaluate, Get) may run
// concurrently with each other while no write runs. A CompiledRule belongs to the
// Matcher that compiled it and stays valid across writes (text values first seen after
// compilation are looked up in the dictionary).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "enterprise/model.h"
#include "enterprise/policy_rules.h"

namespace tc::enterprise {

// A set of slots as bits (bit i of words[i / 64]).
struct SlotSet {
  std::vector<uint64_t> words;
  size_t size = 0;  // slots the set ranges over
  bool Test(size_t slot) const { return slot < size && (words[slot >> 6] >> (slot & 63) & 1) != 0; }
  size_t Count() const;
  std::vector<uint32_t> Slots() const;  // ascending
};

// A rule made ready for one Matcher (Matcher::Compile).
struct CompiledRule {
  Rule rule;
  // Per node of rule: for a text leaf, whether it holds for each dictionary code known
  // at compilation (1/0); empty for other nodes.
  std::vector<std::vector<uint8_t>> luts;
};

class Matcher {
 public:
  static constexpr size_t kBlock = 1024;  // slots evaluated together

  Matcher();

  // Grows or shrinks to n slots; new slots hold no enterprise.
  void Resize(size_t n);
  size_t size() const { return size_; }
  // Puts an enterprise's facts in `slot`. InvalidArgument if slot >= size();
  // ResourceExhausted if a text fact would get its 65,537th distinct value.
  Status Set(size_t slot, const Facts& facts);
  // Empties `slot` (an enterprise closed or gone).
  void Clear(size_t slot);
  bool Present(size_t slot) const;
  // The facts in `slot` (default Facts when empty or out of range).
  Facts Get(size_t slot) const;

  CompiledRule Compile(const Rule& rule) const;
  // The slots holding an enterprise the rule accepts.
  SlotSet MatchAll(const CompiledRule& rule) const;
  // MatchAll of several rules in one pass over the columns, block by block (each
  // block's columns are read once from memory for all rules); answers in rules' order.
  std::vector<SlotSet> MatchAll(std::span<const CompiledRule* const> rules) const;
  // Whether the enterprise in `slot` satisfies the rule (false for an empty slot).
  bool Matches(const CompiledRule& rule, size_t slot) const;
  // The formula for the enterprise in `slot` (Evaluate(formula, Get(slot))).
  double Evaluate(const Formula& formula, size_t slot) const { return enterprise::Evaluate(formula, Get(slot)); }

 private:
  struct Dictionary {
    std::vector<std::string> values;
    std::unordered_map<std::string, uint16_t> codes;
  };
  // Per text leaf, the LUT covering the whole dictionary (the compiled one, or one
  // extended for values added since).
  using Luts = std::vector<std::vector<uint8_t>>;
  Luts ResolveLuts(const CompiledRule& rule) const;
  void EvalBlock(const CompiledRule& rule, const Luts& luts, int32_t node, size_t first_word, size_t words,
                 uint64_t* out, uint64_t* scratch) const;
  bool MatchesNode(const CompiledRule& rule, int32_t node, size_t slot) const;

  static constexpr int kTextFacts = 5, kBoolFacts = 4, kNumberFacts = 7;
  size_t size_ = 0;
  size_t padded_ = 0;  // columns hold this many slots: size_ rounded up to 64
  Dictionary dicts_[kTextFacts];
  std::vector<uint16_t> text_[kTextFacts];
  std::vector<uint64_t> bits_[kBoolFacts];
  std::vector<double> numbers_[kNumberFacts];
  std::vector<uint64_t> present_;
};

}  // namespace tc::enterprise
