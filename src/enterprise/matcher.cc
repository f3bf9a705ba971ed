#include "enterprise/matcher.h"

#include <algorithm>
#include <bit>
#include <cassert>

namespace tc::enterprise {
namespace {

constexpr size_t kBlockWords = Matcher::kBlock / 64;
constexpr int kFirstBool = static_cast<int>(Fact::kAboveScale);
constexpr int kFirstNumber = static_cast<int>(Fact::kEmployees);

bool IsTextLeaf(NodeKind k) {
  return k == NodeKind::kTextCompare || k == NodeKind::kTextIn || k == NodeKind::kTextStartsWith;
}

// out[w] bit i = p(x[64 w + i]) for w < words.
template <typename T, typename P>
inline void Pack(const T* x, size_t words, uint64_t* out, P p) {
  for (size_t w = 0; w < words; ++w, x += 64) {
    uint64_t m = 0;
    for (int i = 0; i < 64; ++i) m |= static_cast<uint64_t>(p(x[i])) << i;
    out[w] = m;
  }
}

void PackNumbers(const Node& n, const double* x, size_t words, uint64_t* out) {
  const double v = n.number;
  switch (n.kind) {
    case NodeKind::kNumCompare:
      switch (n.op) {
        case CmpOp::kEq:
          return Pack(x, words, out, [v](double a) { return a == v; });
        case CmpOp::kNe:
          return Pack(x, words, out, [v](double a) { return a != v; });
        case CmpOp::kLt:
          return Pack(x, words, out, [v](double a) { return a < v; });
        case CmpOp::kLe:
          return Pack(x, words, out, [v](double a) { return a <= v; });
        case CmpOp::kGt:
          return Pack(x, words, out, [v](double a) { return a > v; });
        case CmpOp::kGe:
          return Pack(x, words, out, [v](double a) { return a >= v; });
      }
      return;
    case NodeKind::kNumBetween: {
      const double hi = n.number2;
      return Pack(x, words, out, [v, hi](double a) { return v <= a && a <= hi; });
    }
    case NodeKind::kNumIn: {
      // One pass per listed value, or-ed; lists are short.
      std::fill(out, out + words, 0);
      uint64_t tmp[kBlockWords];
      for (double item : n.numbers) {
        Pack(x, words, tmp, [item](double a) { return a == item; });
        for (size_t w = 0; w < words; ++w) out[w] |= tmp[w];
      }
      if (n.negated) {
        for (size_t w = 0; w < words; ++w) out[w] = ~out[w];
      }
      return;
    }
    default:
      assert(false);
  }
}

}  // namespace

size_t SlotSet::Count() const {
  size_t n = 0;
  for (uint64_t w : words) n += static_cast<size_t>(std::popcount(w));
  return n;
}

std::vector<uint32_t> SlotSet::Slots() const {
  std::vector<uint32_t> out;
  out.reserve(Count());
  for (size_t w = 0; w < words.size(); ++w) {
    for (uint64_t m = words[w]; m != 0; m &= m - 1) {
      out.push_back(static_cast<uint32_t>(w * 64 + static_cast<size_t>(std::countr_zero(m))));
    }
  }
  return out;
}

Matcher::Matcher() {
  // Code 0 is "" in every dictionary; the enumerated codes come next, so that rules
  // compiled before any Set cover them.
  for (auto& d : dicts_) {
    d.values.push_back("");
    d.codes.emplace("", 0);
  }
  const auto seed = [&](Fact f, std::string_view v) {
    Dictionary& d = dicts_[static_cast<int>(f)];
    d.codes.emplace(std::string(v), static_cast<uint16_t>(d.values.size()));
    d.values.emplace_back(v);
  };
  for (char c = 'A'; c <= 'T'; ++c) seed(Fact::kIndustry, std::string(1, c));
  for (std::string_view s : {"large", "medium", "small", "micro"}) seed(Fact::kSize, s);
  for (std::string_view s : kResumptionStates) seed(Fact::kResumption, s);
}

void Matcher::Resize(size_t n) {
  size_ = n;
  padded_ = (n + 63) / 64 * 64;
  for (auto& col : text_) col.resize(padded_, 0);
  for (auto& col : numbers_) col.resize(padded_, 0);
  for (auto& col : bits_) col.resize(padded_ / 64, 0);
  present_.resize(padded_ / 64, 0);
  if (n % 64 != 0) present_.back() &= (uint64_t{1} << (n % 64)) - 1;  // slots cut off are empty when regrown
}

Status Matcher::Set(size_t slot, const Facts& facts) {
  if (slot >= size_) {
    return InvalidArgument("matcher slot " + std::to_string(slot) + " is outside 0.." + std::to_string(size_));
  }
  uint16_t codes[kTextFacts];
  for (int f = 0; f < kTextFacts; ++f) {
    Dictionary& d = dicts_[f];
    const std::string& v = TextOf(facts, static_cast<Fact>(f));
    auto it = d.codes.find(v);
    if (it != d.codes.end()) {
      codes[f] = it->second;
      continue;
    }
    if (d.values.size() > UINT16_MAX) {
      return ResourceExhausted("matcher: fact " + std::string(InfoOf(static_cast<Fact>(f)).name) +
                               " has more than 65,536 distinct values");
    }
    codes[f] = static_cast<uint16_t>(d.values.size());
    d.codes.emplace(v, codes[f]);
    d.values.push_back(v);
  }
  for (int f = 0; f < kTextFacts; ++f) text_[f][slot] = codes[f];
  const uint64_t bit = uint64_t{1} << (slot & 63);
  for (int f = 0; f < kBoolFacts; ++f) {
    uint64_t& w = bits_[f][slot >> 6];
    w = BoolOf(facts, static_cast<Fact>(kFirstBool + f)) ? (w | bit) : (w & ~bit);
  }
  for (int f = 0; f < kNumberFacts; ++f) numbers_[f][slot] = NumberOf(facts, static_cast<Fact>(kFirstNumber + f));
  present_[slot >> 6] |= bit;
  return Status::Ok();
}

void Matcher::Clear(size_t slot) {
  if (slot < size_) present_[slot >> 6] &= ~(uint64_t{1} << (slot & 63));
}

bool Matcher::Present(size_t slot) const { return slot < size_ && (present_[slot >> 6] >> (slot & 63) & 1) != 0; }

Facts Matcher::Get(size_t slot) const {
  Facts f;
  if (!Present(slot)) return f;
  std::string* texts[kTextFacts] = {&f.industry, &f.division, &f.size, &f.district, &f.resumption};
  for (int k = 0; k < kTextFacts; ++k) *texts[k] = dicts_[k].values[text_[k][slot]];
  bool* bools[kBoolFacts] = {&f.above_scale, &f.key, &f.high_tech, &f.specialised};
  for (int k = 0; k < kBoolFacts; ++k) *bools[k] = (bits_[k][slot >> 6] >> (slot & 63) & 1) != 0;
  double* numbers[kNumberFacts] = {&f.employees,     &f.revenue,   &f.revenue_prev,        &f.revenue_drop,
                                   &f.capacity_rate, &f.age_years, &f.equipment_investment};
  for (int k = 0; k < kNumberFacts; ++k) *numbers[k] = numbers_[k][slot];
  return f;
}

CompiledRule Matcher::Compile(const Rule& rule) const {
  CompiledRule c{rule, {}};
  c.luts.resize(rule.nodes.size());
  for (size_t i = 0; i < rule.nodes.size(); ++i) {
    const Node& n = rule.nodes[i];
    if (!IsTextLeaf(n.kind)) continue;
    const Dictionary& d = dicts_[static_cast<int>(n.fact)];
    c.luts[i].reserve(d.values.size());
    for (const std::string& v : d.values) c.luts[i].push_back(TextLeafHolds(n, v) ? 1 : 0);
  }
  return c;
}

Matcher::Luts Matcher::ResolveLuts(const CompiledRule& rule) const {
  Luts luts = rule.luts;
  for (size_t i = 0; i < luts.size(); ++i) {
    const Node& n = rule.rule.nodes[i];
    if (!IsTextLeaf(n.kind)) continue;
    const Dictionary& d = dicts_[static_cast<int>(n.fact)];
    for (size_t code = luts[i].size(); code < d.values.size(); ++code) {
      luts[i].push_back(TextLeafHolds(n, d.values[code]) ? 1 : 0);
    }
  }
  return luts;
}

void Matcher::EvalBlock(const CompiledRule& rule, const Luts& luts, int32_t index, size_t first_word, size_t words,
                        uint64_t* out, uint64_t* scratch) const {
  const Node& n = rule.rule.nodes[index];
  const size_t base = first_word * 64;
  switch (n.kind) {
    case NodeKind::kConst:
      std::fill(out, out + words, n.value ? ~uint64_t{0} : 0);
      return;
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      const bool is_and = n.kind == NodeKind::kAnd;
      EvalBlock(rule, luts, n.children[0], first_word, words, out, scratch);
      for (size_t k = 1; k < n.children.size(); ++k) {
        // Skip the rest when the block is decided: no slot left (and) or every slot in (or).
        bool decided = true;
        for (size_t w = 0; w < words && decided; ++w) decided = out[w] == (is_and ? 0 : ~uint64_t{0});
        if (decided) return;
        EvalBlock(rule, luts, n.children[k], first_word, words, scratch, scratch + kBlockWords);
        if (is_and) {
          for (size_t w = 0; w < words; ++w) out[w] &= scratch[w];
        } else {
          for (size_t w = 0; w < words; ++w) out[w] |= scratch[w];
        }
      }
      return;
    }
    case NodeKind::kNot:
      EvalBlock(rule, luts, n.children[0], first_word, words, out, scratch);
      for (size_t w = 0; w < words; ++w) out[w] = ~out[w];
      return;
    case NodeKind::kBoolIs: {
      const uint64_t* bits = bits_[static_cast<int>(n.fact) - kFirstBool].data() + first_word;
      for (size_t w = 0; w < words; ++w) out[w] = n.value ? bits[w] : ~bits[w];
      return;
    }
    case NodeKind::kNumCompare:
    case NodeKind::kNumBetween:
    case NodeKind::kNumIn:
      PackNumbers(n, numbers_[static_cast<int>(n.fact) - kFirstNumber].data() + base, words, out);
      return;
    case NodeKind::kTextCompare:
    case NodeKind::kTextIn:
    case NodeKind::kTextStartsWith: {
      const uint16_t* codes = text_[static_cast<int>(n.fact)].data() + base;
      const uint8_t* lut = luts[index].data();
      Pack(codes, words, out, [lut](uint16_t c) { return lut[c]; });
      return;
    }
    default:
      assert(false);
  }
}

std::vector<SlotSet> Matcher::MatchAll(std::span<const CompiledRule* const> rules) const {
  const size_t total_words = padded_ / 64;
  std::vector<SlotSet> out(rules.size());
  std::vector<Luts> luts;
  size_t max_nodes = 1;
  for (size_t r = 0; r < rules.size(); ++r) {
    out[r].size = size_;
    out[r].words.assign(total_words, 0);
    luts.push_back(ResolveLuts(*rules[r]));
    max_nodes = std::max(max_nodes, rules[r]->rule.nodes.size());
  }
  // Each level of nesting uses its own block of scratch; a tree is no deeper than its nodes.
  std::vector<uint64_t> scratch((max_nodes + 1) * kBlockWords);
  for (size_t first = 0; first < total_words; first += kBlockWords) {
    const size_t words = std::min(kBlockWords, total_words - first);
    const uint64_t* present = present_.data() + first;
    for (size_t r = 0; r < rules.size(); ++r) {
      uint64_t* dst = out[r].words.data() + first;
      EvalBlock(*rules[r], luts[r], rules[r]->rule.root, first, words, dst, scratch.data());
      for (size_t w = 0; w < words; ++w) dst[w] &= present[w];
    }
  }
  return out;
}

SlotSet Matcher::MatchAll(const CompiledRule& rule) const {
  const CompiledRule* one[] = {&rule};
  return std::move(MatchAll(std::span<const CompiledRule* const>(one))[0]);
}

bool Matcher::MatchesNode(const CompiledRule& rule, int32_t index, size_t slot) const {
  const Node& n = rule.rule.nodes[index];
  switch (n.kind) {
    case NodeKind::kConst:
      return n.value;
    case NodeKind::kAnd:
      for (int32_t c : n.children) {
        if (!MatchesNode(rule, c, slot)) return false;
      }
      return true;
    case NodeKind::kOr:
      for (int32_t c : n.children) {
        if (MatchesNode(rule, c, slot)) return true;
      }
      return false;
    case NodeKind::kNot:
      return !MatchesNode(rule, n.children[0], slot);
    case NodeKind::kBoolIs:
      return ((bits_[static_cast<int>(n.fact) - kFirstBool][slot >> 6] >> (slot & 63) & 1) != 0) == n.value;
    case NodeKind::kNumCompare:
    case NodeKind::kNumBetween:
    case NodeKind::kNumIn:
      return NumberLeafHolds(n, numbers_[static_cast<int>(n.fact) - kFirstNumber][slot]);
    case NodeKind::kTextCompare:
    case NodeKind::kTextIn:
    case NodeKind::kTextStartsWith: {
      const int f = static_cast<int>(n.fact);
      const uint16_t code = text_[f][slot];
      const auto& lut = rule.luts[index];
      return code < lut.size() ? lut[code] != 0 : TextLeafHolds(n, dicts_[f].values[code]);
    }
    default:
      assert(false);
      return false;
  }
}

bool Matcher::Matches(const CompiledRule& rule, size_t slot) const {
  return Present(slot) && MatchesNode(rule, rule.rule.root, slot);
}

}  // namespace tc::enterprise
