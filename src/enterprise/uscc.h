// The unified social credit code (统一社会信用代码, GB 32100-2015 with its amendment
// No. 1 of 2016): 18 characters from the 31-character alphabet 0-9 A-Z without I, O,
// Z, S, V —
//   1      registration authority (登记管理部门: 1 机构编制 … 9 工商/市场监管, A, N, Y)
//   2      entity type within that authority (机构类别: 91 企业, 92 个体工商户, 93 农民专业合作社)
//   3–8    administrative division of the registering authority (GB/T 2260, 6 digits)
//   9–17   entity identifier = the organisation code (组织机构代码, GB 11714-1997): 8
//          characters and its own check character at position 17 (0-9 or X)
//   18     check character over the first 17 (GB/T 17710 MOD 31-3: weights 3^(i-1)
//          mod 31, C18 = 31 − Σ mod 31, 31 → 0, as an index into the alphabet).
// GB 32100 defines positions 9–17 as the GB 11714 organisation code, check character
// included, so ParseUscc verifies both check characters and the authority/type pair
// against the standard's table; `lenient_organisation_code` skips only the embedded
// check for exports that carry legacy codes. Pure functions; thread-safe.
//
//   auto info = enterprise::ParseUscc(" ９１３５０１００Ｍ０００１００Ｙ４３ ");  // full-width, spaces
//   if (!info) return info.status();   // "uscc: check character (position 18) is …"
//   info->normalized == "91350100M000100Y43";
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace tc::enterprise {

// The code's alphabet in value order: '0' is 0 … 'Y' is 30.
inline constexpr std::string_view kUsccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
inline constexpr size_t kUsccLength = 18;

struct UsccInfo {
  std::string normalized;         // 18 ASCII characters, upper-case
  char authority = 0;             // position 1: '9' for market supervision (工商)
  char type = 0;                  // position 2: '1' enterprise, '2' individual business, '3' co-op
  std::string division;           // positions 3–8: "220102"
  std::string organisation_code;  // positions 9–17: the GB 11714 code with its check character
};

struct UsccOptions {
  // Skip the check character of the embedded organisation code (position 17); the
  // final check character (position 18) is always verified.
  bool lenient_organisation_code = false;
};

// What ParseUscc does to its input first: trims whitespace (ASCII, U+3000, U+00A0),
// folds full-width forms (U+FF01–U+FF5E) to ASCII and lower-case letters to upper.
// Leaves other characters as they are, for the validator to name.
std::string NormalizeUscc(std::string_view text);

// Normalises (NormalizeUscc) and validates a code. InvalidArgument naming `field`
// says what is wrong: invalid UTF-8, the length (in characters), a character outside
// the alphabet (which one and its position), a non-digit in the division code, an
// authority/type pair the standard does not define, the organisation code's check
// character (position 17) or the final check character (position 18), each with the
// character expected.
Result<UsccInfo> ParseUscc(std::string_view text, std::string_view field = "uscc", const UsccOptions& options = {});
// ParseUscc's verdict alone.
Status ValidateUscc(std::string_view text, std::string_view field = "uscc", const UsccOptions& options = {});

// The final check character (position 18) of 17 characters from the alphabet;
// '\0' when `first17` is not 17 characters of the alphabet.
char UsccCheckChar(std::string_view first17);
// The GB 11714 check character ('0'-'9' or 'X') of an organisation code's first 8
// characters (digits and upper-case letters, A = 10 … Z = 35: weights 3 7 9 10 5 8 4 2,
// C9 = 11 − Σ mod 11, 10 → X, 11 → 0); '\0' for anything else.
char OrganisationCheckChar(std::string_view first8);

// The name of an authority/type pair ("工商 · 企业"), "" when the standard does not
// define it.
std::string_view UsccTypeName(char authority, char type);

// Builds a valid code from its parts: `organisation8` is the organisation code
// without its check character (8 characters of the alphabet). InvalidArgument naming
// the part for an undefined authority/type pair, a division that is not 6 digits or
// an organisation code that is not 8 characters of the alphabet.
Result<std::string> MakeUscc(char authority, char type, std::string_view division6, std::string_view organisation8);

}  // namespace tc::enterprise
