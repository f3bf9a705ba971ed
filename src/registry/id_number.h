// Personal identifiers: the resident ID number (公民身份号码, GB 11643-1999: 18
// characters, the last a mod 11-2 check character) and mainland mobile numbers,
// with the masked forms lists show (220102********123X, 138****5678).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace tc::registry {

enum class Sex { kMale, kFemale };

struct IdInfo {
  std::string normalized;  // 18 characters, check character upper-case
  std::string region;      // first 6 digits: the county-level division of registration
  int birth_year = 0, birth_month = 0, birth_day = 0;
  Sex sex = Sex::kMale;    // 17th digit odd: male
  std::string BirthDate() const;  // "1985-03-07"
};

// Validates an ID number; InvalidArgument naming field `field` says what is wrong
// (length, 15-digit legacy form, characters, region, birth date, check character).
// `today` (YYYYMMDD as int, e.g. 20261123) bounds the birth date.
Result<IdInfo> ParseIdNumber(std::string_view text, int today_yyyymmdd, std::string_view field = "id_number");
// The check character for the first 17 digits ('0'-'9' or 'X').
char IdCheckCharacter(std::string_view first17);
// 220102********123X — first 6 and last 4 characters shown.
std::string MaskIdNumber(std::string_view id);

// Normalises a mainland mobile number: strips spaces and '-', a leading +86/86;
// InvalidArgument naming `field` unless 11 digits starting 13–19.
Result<std::string> ParsePhone(std::string_view text, std::string_view field = "phone");
// 138****5678
std::string MaskPhone(std::string_view phone);

// Today's date in Shanghai as YYYYMMDD.
int TodayShanghai();

}  // namespace tc::registry
