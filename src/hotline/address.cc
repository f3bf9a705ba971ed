#include "hotline/address.h"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace tc::hotline {

namespace {

enum Level : int8_t { kCity = 0, kDistrict, kStreet, kCommunity, kCompound, kBuilding, kUnit, kUnknownLevel };

Level LevelOf(std::string_view s) {
  static constexpr std::string_view kNames[] = {"city", "district", "street", "community", "compound", "building", "unit"};
  for (int i = 0; i < 7; ++i) {
    if (s == kNames[i]) return static_cast<Level>(i);
  }
  return kUnknownLevel;
}

// Weight of a matched level in a candidate's score: the deeper, the more telling.
constexpr int kWeight[] = {0, 1, 1, 2, 3, 0, 0};

// UTF-8 code points with the byte offset of each (and one past the end).
struct Decoded {
  std::vector<char32_t> cp;
  std::vector<uint32_t> off;
};

Decoded Decode(std::string_view s, size_t max_chars) {
  Decoded d;
  size_t i = 0;
  while (i < s.size() && d.cp.size() < max_chars) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + len > s.size()) len = 1;
    char32_t v = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) v = (v << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    d.cp.push_back(v);
    d.off.push_back(static_cast<uint32_t>(i));
    i += len;
  }
  d.off.push_back(static_cast<uint32_t>(i));
  return d;
}

int ChineseDigit(char32_t c) {
  static constexpr std::u32string_view kDigits = U"零一二三四五六七八九";
  if (c == U'两') return 2;
  if (c == U'〇') return 0;
  const auto p = kDigits.find(c);
  return p == std::u32string_view::npos ? -1 : static_cast<int>(p);
}

bool IsDigit(char32_t c) { return c >= U'0' && c <= U'9'; }
bool IsNumeralChar(char32_t c) { return IsDigit(c) || ChineseDigit(c) >= 0 || c == U'十' || c == U'百'; }

// The value of the numeral cp[b, e): Arabic digits, or Chinese (十二, 二十三, 一百零五, 三零二).
int NumeralValue(const std::vector<char32_t>& cp, size_t b, size_t e) {
  if (b >= e || e - b > 6) return -1;
  if (IsDigit(cp[b])) {
    int v = 0;
    for (size_t i = b; i < e; ++i) {
      if (!IsDigit(cp[i])) return -1;
      v = v * 10 + static_cast<int>(cp[i] - U'0');
    }
    return v;
  }
  int total = 0, digit = -1;
  bool positional = false;
  for (size_t i = b; i < e; ++i) {
    if (cp[i] == U'百') {
      total += (digit < 0 ? 1 : digit) * 100;
      digit = -1;
      positional = true;
    } else if (cp[i] == U'十') {
      total += (digit < 0 ? 1 : digit) * 10;
      digit = -1;
      positional = true;
    } else {
      const int d = ChineseDigit(cp[i]);
      if (d < 0) return -1;
      if (!positional && digit >= 0) {
        digit = digit * 10 + d;  // digit by digit: 三零二
      } else {
        digit = d;
      }
    }
  }
  return total + (digit < 0 ? 0 : digit);
}

// The generic suffixes dropped to make a short form, longest first per level.
std::string ShortForm(std::string_view name, Level level) {
  static const std::vector<std::string_view> kDistrictSuffixes = {"自治县", "区", "县", "市"};
  static const std::vector<std::string_view> kStreetSuffixes = {"街道办事处", "街道", "镇", "乡"};
  static const std::vector<std::string_view> kCommunitySuffixes = {"社区居委会", "居委会", "社区", "村委会"};
  static const std::vector<std::string_view> kCompoundSuffixes = {"小区"};
  const std::vector<std::string_view>* list = level == kDistrict    ? &kDistrictSuffixes
                                              : level == kStreet    ? &kStreetSuffixes
                                              : level == kCommunity ? &kCommunitySuffixes
                                              : level == kCompound  ? &kCompoundSuffixes
                                                                    : nullptr;
  if (!list) return {};
  for (auto suffix : *list) {
    if (name.size() > suffix.size() + 3 && name.ends_with(suffix)) {  // keep at least two characters
      return std::string(name.substr(0, name.size() - suffix.size()));
    }
  }
  return {};
}

size_t Chars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

uint64_t Bigram(char32_t a, char32_t b) { return (static_cast<uint64_t>(a) << 32) | b; }

}  // namespace

int ParseNumeral(std::string_view s) {
  const Decoded d = Decode(s, 16);
  return NumeralValue(d.cp, 0, d.cp.size());
}

struct AddressResolver::Index {
  struct Node {
    std::string code, path, name;
    int32_t parent = -1;
    Level level = kUnknownLevel;
    int number = -1;     // building/unit: the number in its name
    bool row = false;    // building: a row (排) rather than a block (栋)
    std::vector<char32_t> cp;  // the name's code points (fuzzy matching)
  };
  std::vector<Node> nodes;
  std::vector<std::vector<int32_t>> children;  // compound → buildings, building → units
  std::unordered_map<std::string, std::vector<int32_t>, StringHash, std::equal_to<>> keys;
  std::unordered_map<uint64_t, std::vector<int32_t>> bigrams;  // community/compound names of ≥ 3 characters
  size_t max_key_chars = 2;

  void AddKey(const std::string& key, int32_t idx) {
    if (Chars(key) < 2) return;
    auto& v = keys[key];
    if (std::find(v.begin(), v.end(), idx) == v.end()) v.push_back(idx);
    max_key_chars = std::max(max_key_chars, Chars(key));
  }
  int32_t AncestorAt(int32_t i, Level level) const {
    while (i >= 0 && nodes[i].level > level) i = nodes[i].parent;
    return i >= 0 && nodes[i].level == level ? i : -1;
  }
};

AddressResolver::AddressResolver() : ix_(std::make_unique<Index>()) {}
AddressResolver::~AddressResolver() = default;
size_t AddressResolver::AreaCount() const { return ix_->nodes.size(); }

std::unique_ptr<AddressResolver> AddressResolver::Build(const std::vector<AddressArea>& areas,
                                                        const std::vector<AddressAlias>& aliases) {
  std::unique_ptr<AddressResolver> r(new AddressResolver());
  Index& ix = *r->ix_;
  std::unordered_map<std::string, int32_t> by_code;
  by_code.reserve(areas.size());
  ix.nodes.reserve(areas.size());
  ix.children.resize(areas.size());
  for (const auto& a : areas) {
    Index::Node n;
    n.code = a.code;
    n.path = a.path;
    n.name = a.name;
    n.level = LevelOf(a.level);
    if (auto p = by_code.find(a.parent_code); p != by_code.end()) n.parent = p->second;
    const int32_t idx = static_cast<int32_t>(ix.nodes.size());
    by_code.emplace(a.code, idx);
    const Decoded d = Decode(a.name, 64);
    n.cp = d.cp;
    if (n.level == kBuilding || n.level == kUnit) {
      size_t e = 0;
      while (e < d.cp.size() && IsNumeralChar(d.cp[e])) ++e;
      n.number = NumeralValue(d.cp, 0, e);
      n.row = a.name.find("排") != std::string::npos;
      if (n.parent >= 0) ix.children[n.parent].push_back(idx);
    } else if (n.level >= kDistrict && n.level <= kCompound) {
      ix.AddKey(a.name, idx);
      if (auto s = ShortForm(a.name, n.level); !s.empty()) ix.AddKey(s, idx);
      if ((n.level == kCommunity || n.level == kCompound) && d.cp.size() >= 3) {
        for (size_t i = 0; i + 1 < d.cp.size(); ++i) {
          auto& v = ix.bigrams[Bigram(d.cp[i], d.cp[i + 1])];
          if (v.empty() || v.back() != idx) v.push_back(idx);
        }
      }
    }
    ix.nodes.push_back(std::move(n));
  }
  for (const auto& al : aliases) {
    if (auto p = by_code.find(al.area_code); p != by_code.end()) ix.AddKey(al.alias, p->second);
  }
  return r;
}

AddressMatch AddressResolver::Resolve(std::string_view text) const {
  const Index& ix = *ix_;
  AddressMatch out;
  const Decoded d = Decode(text, 256);
  const size_t n = d.cp.size();
  // 1. Every exact name or short form found in the text, and where it ends.
  std::unordered_map<int32_t, size_t> matched;  // area → end (code points) of its match
  for (size_t i = 0; i < n; ++i) {
    for (size_t len = std::min(ix.max_key_chars, n - i); len >= 2; --len) {
      const std::string_view key = text.substr(d.off[i], d.off[i + len] - d.off[i]);
      if (auto it = ix.keys.find(key); it != ix.keys.end()) {
        for (int32_t a : it->second) matched.emplace(a, i + len);
      }
    }
  }
  bool have_deep = false;
  for (const auto& [a, end] : matched) have_deep |= ix.nodes[a].level >= kCommunity;
  // 2. No community or compound by name: one character wrong in a name of ≥ 3 characters.
  std::unordered_map<int32_t, size_t> fuzzy;
  if (!have_deep && n >= 2) {
    std::unordered_map<int32_t, int> shared;
    for (size_t i = 0; i + 1 < n; ++i) {
      if (auto it = ix.bigrams.find(Bigram(d.cp[i], d.cp[i + 1])); it != ix.bigrams.end()) {
        if (it->second.size() > 2000) continue;  // too common to tell anything
        for (int32_t a : it->second) ++shared[a];
      }
    }
    for (const auto& [a, count] : shared) {
      const auto& name = ix.nodes[a].cp;
      const size_t m = name.size();
      if (count + 2 < static_cast<int>(m) - 1) continue;  // one substitution breaks at most two bigrams
      // Same length, one character substituted, somewhere in the text.
      for (size_t i = 0; i + m <= n; ++i) {
        int diff = 0;
        for (size_t k = 0; k < m && diff <= 1; ++k) diff += d.cp[i + k] != name[k];
        if (diff == 1) {
          fuzzy.emplace(a, i + m);
          break;
        }
      }
    }
  }
  // 3. Score every candidate by the levels of its own chain found in the text.
  const auto is_matched = [&](int32_t a) { return matched.contains(a) || fuzzy.contains(a); };
  std::vector<int32_t> named_districts, named_streets;
  for (const auto& [a, end] : matched) {
    if (ix.nodes[a].level == kDistrict) named_districts.push_back(a);
    if (ix.nodes[a].level == kStreet) named_streets.push_back(a);
  }
  const auto contradicts = [&](int32_t cand, const std::vector<int32_t>& named, Level level) {
    if (named.empty()) return false;
    const int32_t mine = ix.AncestorAt(cand, level);
    return std::find(named.begin(), named.end(), mine) == named.end();
  };
  int best = -1000;
  std::vector<int32_t> best_cands;
  const auto consider = [&](int32_t cand) {
    int score = 0;
    for (int32_t a = cand; a >= 0; a = ix.nodes[a].parent) {
      if (is_matched(a)) score += kWeight[ix.nodes[a].level];
    }
    if (contradicts(cand, named_districts, kDistrict)) score -= 2;
    if (ix.nodes[cand].level >= kStreet && contradicts(cand, named_streets, kStreet)) score -= 2;
    if (score > best) {
      best = score;
      best_cands.assign(1, cand);
    } else if (score == best) {
      best_cands.push_back(cand);
    }
  };
  for (const auto& [a, end] : matched) consider(a);
  for (const auto& [a, end] : fuzzy) consider(a);
  if (best_cands.empty()) {
    out.notes.push_back("no district, street, community or compound name found");
    return out;
  }
  // Among equal scores prefer the deepest level.
  Level deepest = kCity;
  for (int32_t c : best_cands) deepest = std::max(deepest, ix.nodes[c].level);
  std::erase_if(best_cands, [&](int32_t c) { return ix.nodes[c].level != deepest; });
  std::sort(best_cands.begin(), best_cands.end());
  best_cands.erase(std::unique(best_cands.begin(), best_cands.end()), best_cands.end());

  int32_t chosen = best_cands.front();
  bool ambiguous = false;
  if (best_cands.size() > 1) {
    // Several places fit equally: their lowest common ancestor, at low confidence.
    ambiguous = true;
    const auto depth = [&](int32_t a) { return ix.nodes[a].level; };
    int32_t lca = chosen;
    for (size_t k = 1; k < best_cands.size(); ++k) {
      int32_t b = best_cands[k];
      while (lca >= 0 && b >= 0 && lca != b) {
        if (depth(lca) >= depth(b)) {
          lca = ix.nodes[lca].parent;
        } else {
          b = ix.nodes[b].parent;
        }
      }
      lca = lca == b ? lca : -1;
      if (lca < 0) break;
    }
    out.notes.push_back("'" + ix.nodes[chosen].name + "' fits " + std::to_string(best_cands.size()) +
                        " places equally");
    if (lca < 0 || ix.nodes[lca].level == kCity) {
      out.confidence = 0.1;
      return out;
    }
    chosen = lca;
  }
  const bool was_fuzzy = !matched.contains(best_cands.front()) && fuzzy.contains(best_cands.front());
  // 4. Below a compound: the building and unit numbers written after its name.
  int32_t deepest_node = chosen;
  if (!ambiguous && ix.nodes[chosen].level == kCompound) {
    const size_t from = was_fuzzy ? fuzzy.at(chosen) : matched.at(chosen);
    int building_no = -1, unit_no = -1;
    bool row = false;
    for (size_t i = from; i < n;) {
      if (!IsNumeralChar(d.cp[i])) {
        ++i;
        continue;
      }
      size_t e = i;
      while (e < n && IsNumeralChar(d.cp[e])) ++e;
      const int v = NumeralValue(d.cp, i, e);
      const char32_t next = e < n ? d.cp[e] : 0;
      const char32_t next2 = e + 1 < n ? d.cp[e + 1] : 0;
      if (building_no < 0 && (next == U'栋' || next == U'幢' || next == U'座' || next == U'排' ||
                              (next == U'号' && (next2 == U'楼' || (unit_no < 0 && v < 100))) ||
                              (next == U'楼' && v < 100))) {
        building_no = v;
        row = next == U'排';
      } else if (unit_no < 0 && next == U'单') {
        unit_no = v;
      }
      i = e;
    }
    if (building_no >= 0) {
      int32_t found = -1;
      for (int32_t b : ix.children[chosen]) {
        if (ix.nodes[b].number == building_no && ix.nodes[b].row == row) found = b;
      }
      if (found < 0) {
        for (int32_t b : ix.children[chosen]) {
          if (ix.nodes[b].number == building_no) found = b;
        }
      }
      if (found >= 0) {
        deepest_node = found;
        if (unit_no >= 0) {
          for (int32_t u : ix.children[found]) {
            if (ix.nodes[u].number == unit_no) deepest_node = u;
          }
          if (deepest_node == found) out.notes.push_back("unit " + std::to_string(unit_no) + " not found in " + ix.nodes[found].name);
        }
      } else {
        out.notes.push_back("building " + std::to_string(building_no) + " not found in " + ix.nodes[chosen].name);
      }
    }
  }
  // 5. Confidence: by the deepest level named, raised by confirming ancestors,
  // lowered for a fuzzy name or ambiguity.
  const Level level = ix.nodes[chosen].level;
  double conf = level >= kCompound ? 0.9 : level == kCommunity ? 0.85 : level == kStreet ? 0.5 : 0.3;
  int confirming = 0;
  for (int32_t a = ix.nodes[chosen].parent; a >= 0; a = ix.nodes[a].parent) confirming += is_matched(a);
  conf = std::min(1.0, conf + 0.05 * confirming);
  if (was_fuzzy) {
    conf *= 0.8;
    out.fuzzy = true;
    out.notes.push_back("name matched with one character different: " + ix.nodes[best_cands.front()].name);
  }
  if (ambiguous) conf = std::min(conf, 0.4);
  if (contradicts(chosen, named_districts, kDistrict)) {
    conf = std::min(conf, 0.5);
    out.notes.push_back("the district named does not contain " + ix.nodes[chosen].name);
  }
  const Index::Node& node = ix.nodes[deepest_node];
  out.code = node.code;
  out.path = node.path;
  static constexpr std::string_view kLevelNames[] = {"city", "district", "street", "community", "compound", "building", "unit"};
  out.level = kLevelNames[node.level];
  if (const int32_t comm = ix.AncestorAt(deepest_node, kCommunity); comm >= 0) out.community_code = ix.nodes[comm].code;
  out.confidence = conf;
  std::string chain;
  for (int32_t a = deepest_node; a >= 0 && ix.nodes[a].level > kCity; a = ix.nodes[a].parent) {
    chain = ix.nodes[a].name + chain;
  }
  out.notes.insert(out.notes.begin(), "resolved to " + chain);
  return out;
}

}  // namespace tc::hotline
