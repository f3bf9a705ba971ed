#include "registry/id_number.h"

#include <cstdio>

#include "base/time.h"

namespace tc::registry {
namespace {

constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr char kCheckChars[] = "10X98765432";

// Province-level prefixes of GB/T 2260 (including 71 Taiwan, 81 Hong Kong, 82 Macao).
bool KnownProvince(int p) {
  switch (p) {
    case 11: case 12: case 13: case 14: case 15:
    case 21: case 22: case 23:
    case 31: case 32: case 33: case 34: case 35: case 36: case 37:
    case 41: case 42: case 43: case 44: case 45: case 46:
    case 50: case 51: case 52: case 53: case 54:
    case 61: case 62: case 63: case 64: case 65:
    case 71: case 81: case 82:
      return true;
    default:
      return false;
  }
}

int Digits(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

}  // namespace

std::string IdInfo::BirthDate() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", birth_year, birth_month, birth_day);
  return buf;
}

char IdCheckCharacter(std::string_view first17) {
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (first17[i] - '0') * kWeights[i];
  return kCheckChars[sum % 11];
}

Result<IdInfo> ParseIdNumber(std::string_view text, int today, std::string_view field) {
  const std::string f(field);
  std::string s(text);
  while (!s.empty() && s.back() == ' ') s.pop_back();
  while (!s.empty() && s.front() == ' ') s.erase(0, 1);
  if (s.size() == 15 && s.find_first_not_of("0123456789") == std::string::npos) {
    return FieldInvalid(f, "15-digit ID numbers (issued before 1999) are not accepted; enter the 18-character number");
  }
  if (s.size() != 18) {
    return FieldInvalid(f, "must be 18 characters, got " + std::to_string(s.size()));
  }
  if (s.back() == 'x') s.back() = 'X';
  if (s.find_first_not_of("0123456789") < 17 || (s[17] != 'X' && (s[17] < '0' || s[17] > '9'))) {
    return FieldInvalid(f, "must be 17 digits followed by a digit or X");
  }
  if (!KnownProvince(Digits(s, 0, 2))) {
    return FieldInvalid(f, "region code " + s.substr(0, 6) + " is not a province of China");
  }
  IdInfo info;
  info.birth_year = Digits(s, 6, 4);
  info.birth_month = Digits(s, 10, 2);
  info.birth_day = Digits(s, 12, 2);
  if (info.birth_year < 1900 || !DaysFromCivil(info.birth_year, info.birth_month, info.birth_day).ok()) {
    return FieldInvalid(f, "birth date " + s.substr(6, 8) + " is not a real date");
  }
  if (Digits(s, 6, 8) > today) {
    return FieldInvalid(f, "birth date " + s.substr(6, 8) + " is in the future");
  }
  const char expected = IdCheckCharacter(s);
  if (s[17] != expected) {
    return FieldInvalid(f, std::string("check character is ") + s[17] + " but the first 17 digits give " + expected +
                               " (a digit was mistyped)");
  }
  info.region = s.substr(0, 6);
  info.sex = (s[16] - '0') % 2 == 1 ? Sex::kMale : Sex::kFemale;
  info.normalized = std::move(s);
  return info;
}

std::string MaskIdNumber(std::string_view id) {
  if (id.size() < 10) return std::string(id.size(), '*');
  return std::string(id.substr(0, 6)) + std::string(id.size() - 10, '*') + std::string(id.substr(id.size() - 4));
}

Result<std::string> ParsePhone(std::string_view text, std::string_view field) {
  std::string digits;
  for (char c : text) {
    if (c == ' ' || c == '-') continue;
    digits += c;
  }
  if (digits.starts_with("+86")) digits.erase(0, 3);
  else if (digits.size() == 13 && digits.starts_with("86")) digits.erase(0, 2);
  if (digits.size() != 11 || digits.find_first_not_of("0123456789") != std::string::npos || digits[0] != '1' ||
      digits[1] < '3') {
    return FieldInvalid(std::string(field), "must be a mainland mobile number: 11 digits starting 13-19, got '" +
                                                std::string(text) + "'");
  }
  return digits;
}

std::string MaskPhone(std::string_view phone) {
  if (phone.size() != 11) return std::string(phone.size(), '*');
  return std::string(phone.substr(0, 3)) + "****" + std::string(phone.substr(7));
}

int TodayShanghai() {
  const std::string d = DateShanghai(NowMillis());  // 2026-11-23
  return std::stoi(d.substr(0, 4)) * 10000 + std::stoi(d.substr(5, 2)) * 100 + std::stoi(d.substr(8, 2));
}

}  // namespace tc::registry
