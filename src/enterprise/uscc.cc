#include "enterprise/uscc.h"

#include "base/utf8.h"

#include <array>
#include <cstdint>
#include <vector>

namespace tc::enterprise {
namespace {

// GB 32100-2015 appendix A with amendment No. 1: registration authorities and the
// entity types each defines.
struct AuthorityTypes {
  char authority;
  std::string_view authority_name;
  std::string_view types;  // the type characters, in the order of `names`
  std::array<std::string_view, 6> names;
};

constexpr AuthorityTypes kAuthorities[] = {
    {'1', "机构编制", "1239", {"机关", "事业单位", "中央编办直接管理机构编制的群众团体", "其他"}},
    {'2', "外交", "19", {"外国常驻新闻机构", "其他"}},
    {'3', "司法行政", "123459", {"律师执业机构", "公证处", "基层法律服务所", "司法鉴定机构", "仲裁委员会", "其他"}},
    {'4', "文化", "19", {"外国在华文化中心", "其他"}},
    {'5', "民政", "1239", {"社会团体", "民办非企业单位", "基金会", "其他"}},
    {'6', "旅游", "129", {"外国旅游部门常驻代表机构", "港澳台地区旅游部门常驻内地（大陆）代表机构", "其他"}},
    {'7', "宗教", "129", {"宗教活动场所", "宗教院校", "其他"}},
    {'8', "工会", "19", {"基层工会", "其他"}},
    {'9', "工商", "123", {"企业", "个体工商户", "农民专业合作社"}},
    {'A', "中央军委改革和编制办公室", "19", {"军队事业单位", "其他"}},
    {'N', "农业", "1239", {"组级集体经济组织", "村级集体经济组织", "乡镇级集体经济组织", "其他"}},
    {'Y', "其他", "1", {"其他"}},
};

const AuthorityTypes* FindAuthority(char authority) {
  for (const auto& a : kAuthorities) {
    if (a.authority == authority) return &a;
  }
  return nullptr;
}

int AlphabetValue(char c) {
  const size_t i = kUsccAlphabet.find(c);
  return i == std::string_view::npos ? -1 : static_cast<int>(i);
}

bool IsSpace(char32_t cp) {
  return cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '\v' || cp == '\f' || cp == 0x3000 ||
         cp == 0xA0 || cp == 0xFEFF;
}

char32_t Fold(char32_t cp) {
  if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width forms → ASCII
  if (cp >= 'a' && cp <= 'z') cp -= 'a' - 'A';
  return cp;
}

std::vector<char32_t> NormalizedCodePoints(const std::vector<char32_t>& in) {
  size_t begin = 0, end = in.size();
  while (begin < end && IsSpace(in[begin])) ++begin;
  while (end > begin && IsSpace(in[end - 1])) --end;
  std::vector<char32_t> out;
  out.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) out.push_back(Fold(in[i]));
  return out;
}

std::string Quoted(char32_t cp) {
  std::string s = "'";
  if (cp < 0x20 || cp == 0x7F) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    s = "U+00";
    s += kHex[cp >> 4];
    s += kHex[cp & 0xF];
    return s;
  }
  AppendUtf8(s, cp);
  return s + "'";
}

std::string Pos(size_t index) { return "position " + std::to_string(index + 1); }

}  // namespace

std::string NormalizeUscc(std::string_view text) {
  std::vector<char32_t> cps;
  size_t bad = 0;
  if (!DecodeUtf8(text, cps, bad)) return std::string(text);
  std::string out;
  for (char32_t cp : NormalizedCodePoints(cps)) AppendUtf8(out, cp);
  return out;
}

char UsccCheckChar(std::string_view first17) {
  if (first17.size() != kUsccLength - 1) return '\0';
  int sum = 0, weight = 1;
  for (char c : first17) {
    const int v = AlphabetValue(c);
    if (v < 0) return '\0';
    sum += v * weight;
    weight = weight * 3 % 31;
  }
  const int check = (31 - sum % 31) % 31;
  return kUsccAlphabet[static_cast<size_t>(check)];
}

char OrganisationCheckChar(std::string_view first8) {
  static constexpr int kWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  if (first8.size() != 8) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    const char c = first8[i];
    int v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'A' && c <= 'Z') {
      v = c - 'A' + 10;
    } else {
      return '\0';
    }
    sum += v * kWeights[i];
  }
  const int check = 11 - sum % 11;
  if (check == 10) return 'X';
  if (check == 11) return '0';
  return static_cast<char>('0' + check);
}

std::string_view UsccTypeName(char authority, char type) {
  const AuthorityTypes* a = FindAuthority(authority);
  if (a == nullptr) return {};
  const size_t i = a->types.find(type);
  if (i == std::string_view::npos) return {};
  return a->names[i];
}

Result<UsccInfo> ParseUscc(std::string_view text, std::string_view field, const UsccOptions& options) {
  const std::string f(field);
  std::vector<char32_t> raw;
  size_t bad = 0;
  if (!DecodeUtf8(text, raw, bad)) {
    return FieldInvalid(f, "is not valid UTF-8 (byte " + std::to_string(bad + 1) + ")");
  }
  const std::vector<char32_t> cps = NormalizedCodePoints(raw);
  if (cps.empty()) return FieldInvalid(f, "is empty; a unified social credit code has 18 characters");
  if (cps.size() != kUsccLength) {
    return FieldInvalid(f, "has " + std::to_string(cps.size()) + " characters; a unified social credit code has 18");
  }
  std::string code;
  for (size_t i = 0; i < cps.size(); ++i) {
    const char32_t cp = cps[i];
    if (cp >= 0x80 || AlphabetValue(static_cast<char>(cp)) < 0) {
      std::string why =
          Quoted(cp) + " at " + Pos(i) + " is not in the code's alphabet (0-9 and A-Z without I, O, Z, S, V)";
      return FieldInvalid(f, why);
    }
    code += static_cast<char>(cp);
  }
  for (size_t i = 2; i < 8; ++i) {
    if (code[i] < '0' || code[i] > '9') {
      return FieldInvalid(f, Quoted(static_cast<char32_t>(code[i])) + " at " + Pos(i) +
                                 " is not a digit; positions 3-8 are the administrative division code");
    }
  }
  const AuthorityTypes* authority = FindAuthority(code[0]);
  if (authority == nullptr) {
    return FieldInvalid(f, "registration authority " + Quoted(static_cast<char32_t>(code[0])) +
                               " (position 1) is not one GB 32100 defines (1-9, A, N, Y)");
  }
  if (authority->types.find(code[1]) == std::string_view::npos) {
    std::string allowed;
    for (char t : authority->types) {
      if (!allowed.empty()) allowed += ", ";
      allowed += t;
    }
    return FieldInvalid(f, "entity type " + Quoted(static_cast<char32_t>(code[1])) +
                               " (position 2) is not defined for registration authority " + code[0] + " (" +
                               std::string(authority->authority_name) + "), which has " + allowed);
  }
  const char expected = UsccCheckChar(std::string_view(code).substr(0, 17));
  if (code[17] != expected) {
    return FieldInvalid(f, std::string("check character (position 18) is '") + code[17] + "', expected '" + expected +
                               "' for " + code.substr(0, 17));
  }
  if (!options.lenient_organisation_code) {
    const char org_expected = OrganisationCheckChar(std::string_view(code).substr(8, 8));
    if (code[16] != org_expected) {
      return FieldInvalid(f, std::string("organisation code check character (position 17) is '") + code[16] +
                                 "', expected '" + org_expected + "' for " + code.substr(8, 8) + " (GB 11714)");
    }
  }
  UsccInfo info;
  info.authority = code[0];
  info.type = code[1];
  info.division = code.substr(2, 6);
  info.organisation_code = code.substr(8, 9);
  info.normalized = std::move(code);
  return info;
}

Status ValidateUscc(std::string_view text, std::string_view field, const UsccOptions& options) {
  return ParseUscc(text, field, options).status();
}

Result<std::string> MakeUscc(char authority, char type, std::string_view division6, std::string_view organisation8) {
  if (UsccTypeName(authority, type).empty()) {
    return FieldInvalid("type", std::string("authority/type pair ") + authority + type + " is not defined by GB 32100");
  }
  if (division6.size() != 6 || division6.find_first_not_of("0123456789") != std::string_view::npos) {
    return FieldInvalid("division", "must be 6 digits, got '" + std::string(division6) + "'");
  }
  if (organisation8.size() != 8) {
    return FieldInvalid("organisation_code",
                        "must be 8 characters before its check character, got '" + std::string(organisation8) + "'");
  }
  for (char c : organisation8) {
    if (AlphabetValue(c) < 0) {
      return FieldInvalid("organisation_code",
                          std::string("'") + c + "' is not in the code's alphabet (0-9 and A-Z without I, O, Z, S, V)");
    }
  }
  std::string code;
  code.reserve(kUsccLength);
  code += authority;
  code += type;
  code += division6;
  code += organisation8;
  code += OrganisationCheckChar(organisation8);
  code += UsccCheckChar(code);
  return code;
}

}  // namespace tc::enterprise
