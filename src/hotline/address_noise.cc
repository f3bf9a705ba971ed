#include "hotline/address_noise.h"

#include <unordered_map>

namespace tc::hotline {

namespace {
constexpr const char* kChineseDigits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

std::string ChineseNumber(int n) {
  if (n <= 10) return kChineseDigits[n];
  if (n < 20) return std::string("十") + kChineseDigits[n - 10];
  if (n < 100) return std::string(kChineseDigits[n / 10]) + "十" + (n % 10 ? kChineseDigits[n % 10] : "");
  return std::to_string(n);
}

int LeadingNumber(const std::string& name) {
  int v = 0;
  size_t i = 0;
  while (i < name.size() && name[i] >= '0' && name[i] <= '9') v = v * 10 + (name[i++] - '0');
  return i ? v : -1;
}

std::string DropSuffix(const std::string& name, std::initializer_list<const char*> suffixes) {
  for (const char* s : suffixes) {
    const std::string suf(s);
    if (name.size() > suf.size() + 3 && name.ends_with(suf)) return name.substr(0, name.size() - suf.size());
  }
  return name;
}

// Code points of a UTF-8 string as substrings.
std::vector<std::string> Chars(const std::string& s) {
  std::vector<std::string> out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

// Characters a typist might hit instead (same sound or look), else a common one.
const char* const kTypos[] = {"园", "苑", "源", "华", "化", "春", "椿", "新", "心", "家", "佳", "城", "成", "安", "按",
                              "平", "苹", "兴", "星", "阳", "杨", "景", "境", "泰", "太", "盛", "胜", "和", "河", "明"};
}  // namespace

AddressNoise::AddressNoise(const std::vector<AddressArea>& areas) : areas_(areas) {
  std::unordered_map<std::string, int32_t> idx;
  std::unordered_map<std::string, int> children;
  for (size_t i = 0; i < areas_.size(); ++i) {
    idx[areas_[i].code] = static_cast<int32_t>(i);
    ++children[areas_[i].parent_code];
  }
  parent_.resize(areas_.size(), -1);
  for (size_t i = 0; i < areas_.size(); ++i) {
    if (auto p = idx.find(areas_[i].parent_code); p != idx.end()) parent_[i] = p->second;
    if (areas_[i].level == "unit" || (areas_[i].level == "compound" && !children.contains(areas_[i].code))) {
      targets_.push_back(i);
    }
  }
}

NoisyAddress AddressNoise::Make(std::mt19937_64& rng, double typo_share) const {
  if (targets_.empty()) return {};
  return MakeFor(targets_[std::uniform_int_distribution<size_t>(0, targets_.size() - 1)(rng)], rng, typo_share);
}

NoisyAddress AddressNoise::MakeFor(size_t target, std::mt19937_64& rng, double typo_share) const {
  std::unordered_map<std::string, const AddressArea*> at;  // level → area of the chain
  std::unordered_map<std::string, std::string> code_at;
  for (int32_t i = static_cast<int32_t>(target); i >= 0; i = parent_[i]) {
    at[areas_[i].level] = &areas_[i];
  }
  const auto name = [&](const char* level) { return at.contains(level) ? at[level]->name : std::string(); };
  const auto coin = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  NoisyAddress out;
  std::string text;
  std::string kind;
  // Upper levels: all, some, or none; full names or short forms.
  const int style = std::uniform_int_distribution<int>(0, 5)(rng);
  const bool short_forms = coin(0.4);
  if (style == 0 && coin(0.5)) text += name("city");
  if (style <= 2) {
    text += short_forms ? DropSuffix(name("district"), {"区", "县", "市"}) : name("district");
    kind += style == 0 ? "full" : "district";
  }
  if (style == 0 || style == 3) {
    text += short_forms ? DropSuffix(name("street"), {"街道", "镇", "乡"}) : name("street");
    kind += "+street";
  }
  const bool village = name("compound").find("村民组") != std::string::npos;
  if (style == 0 || style == 1 || style == 4 || village) {
    text += short_forms && !village ? DropSuffix(name("community"), {"社区"}) : name("community");
    kind += "+community";
  }
  // The compound, perhaps with one character wrong.
  std::string compound = name("compound");
  if (short_forms && !village) compound = DropSuffix(compound, {"小区"});
  auto chars = Chars(compound);
  if (!village && chars.size() >= 3 && coin(typo_share)) {
    const size_t pos = std::uniform_int_distribution<size_t>(0, chars.size() - 1)(rng);
    std::string repl;
    do {
      repl = kTypos[std::uniform_int_distribution<size_t>(0, std::size(kTypos) - 1)(rng)];
    } while (repl == chars[pos]);
    chars[pos] = repl;
    compound.clear();
    for (const auto& c : chars) compound += c;
    kind += "+typo";
  }
  text += compound;
  out.expected_code = at["compound"]->code;
  // Building and unit numbers in the forms people use.
  if (at.contains("building")) {
    const int b = LeadingNumber(name("building"));
    const bool row = name("building").find("排") != std::string::npos;
    const int form = std::uniform_int_distribution<int>(0, 4)(rng);
    if (row) {
      text += (form == 0 ? ChineseNumber(b) : std::to_string(b)) + "排";
    } else {
      static const char* kForms[] = {"栋", "号楼", "幢", "栋", "号楼"};
      text += (form == 1 ? ChineseNumber(b) : std::to_string(b)) + kForms[form];
    }
    out.expected_code = at["building"]->code;
    if (at.contains("unit") && coin(0.7)) {
      text += std::to_string(LeadingNumber(name("unit"))) + "单元";
      out.expected_code = at["unit"]->code;
      if (coin(0.5)) text += std::to_string(std::uniform_int_distribution<int>(1, 18)(rng) * 100 + std::uniform_int_distribution<int>(1, 4)(rng)) + (coin(0.5) ? "室" : "");
    }
  }
  static const char* kTails[] = {"", "", "", "附近", "门口", "北门", "对面", "旁边的超市"};
  text += kTails[std::uniform_int_distribution<size_t>(0, std::size(kTails) - 1)(rng)];
  if (coin(0.15)) text = " " + text + " ";
  out.text = text;
  out.kind = kind;
  if (at.contains("community")) out.expected_community = at["community"]->code;
  return out;
}

}  // namespace tc::hotline
