#include "io/internal/xlsx_cells.h"

#include "base/utf8.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace tc::io::xlsx {
namespace {

constexpr int kMaxColumnLetters = 7;  // fits an int; the reader's own limit is far lower

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::optional<double> ParseDouble(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '+')) text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

// Days from 1970-01-01 to a civil date, and back (proleptic Gregorian; H. Hinnant's
// algorithms).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}


// The code unit of an escape `_xHHHH_` at text[i], if there is one.
std::optional<uint32_t> EscapeAt(const std::string& text, size_t i) {
  if (i + 7 > text.size() || text[i] != '_' || text[i + 1] != 'x' || text[i + 6] != '_') return std::nullopt;
  uint32_t unit = 0;
  const auto [end, ec] = std::from_chars(text.data() + i + 2, text.data() + i + 6, unit, 16);
  if (ec != std::errc() || end != text.data() + i + 6) return std::nullopt;
  return unit;
}

}  // namespace

std::optional<CellRef> ParseCellRef(std::string_view ref) {
  CellRef out;
  size_t i = 0;
  int column = 0;
  for (; i < ref.size(); ++i) {
    char c = ref[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') break;
    if (i == kMaxColumnLetters) return std::nullopt;
    column = column * 26 + (c - 'A' + 1);
  }
  if (i == 0) return std::nullopt;
  out.column = column - 1;
  for (; i < ref.size(); ++i) {
    if (!IsDigit(ref[i]) || out.row > 100'000'000) return std::nullopt;
    out.row = out.row * 10 + (ref[i] - '0');
  }
  return out;
}

std::string ColumnLetters(int column) {
  std::string letters;
  for (int n = column + 1; n > 0; n = (n - 1) / 26)
    letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  return letters;
}

std::string NumberText(std::string_view stored) {
  std::string_view text = stored;
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  // A plain integer: its digits as stored (no rounding to 15 digits), without leading zeros.
  std::string_view digits = text;
  const bool negative = digits.starts_with('-');
  if (negative) digits.remove_prefix(1);
  if (!digits.empty() && digits.find_first_not_of("0123456789") == std::string_view::npos) {
    while (digits.size() > 1 && digits.front() == '0') digits.remove_prefix(1);
    if (digits == "0") return "0";
    return (negative ? "-" : "") + std::string(digits);
  }
  const std::optional<double> value = ParseDouble(text);
  if (!value) return std::string(stored);
  if (*value == 0) return "0";
  // 15 significant digits, as Excel keeps and shows them.
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.14e", std::fabs(*value));
  const std::string_view s = buf;
  const size_t e = s.find('e');
  std::string mantissa;
  for (size_t i = 0; i < e; ++i) {
    if (s[i] != '.') mantissa += s[i];
  }
  int exponent = std::atoi(buf + e + 1);
  while (mantissa.size() > 1 && mantissa.back() == '0') mantissa.pop_back();
  std::string out = *value < 0 ? "-" : "";
  if (exponent >= 21 || exponent < -10) {
    out += mantissa.substr(0, 1);
    if (mantissa.size() > 1) out += "." + mantissa.substr(1);
    out += exponent < 0 ? "E-" : "E+";
    const int magnitude = std::abs(exponent);
    if (magnitude < 10) out += '0';
    out += std::to_string(magnitude);
    return out;
  }
  if (exponent < 0) {
    out += "0." + std::string(static_cast<size_t>(-exponent - 1), '0') + mantissa;
    return out;
  }
  const auto integer_digits = static_cast<size_t>(exponent) + 1;
  if (mantissa.size() <= integer_digits) {
    out += mantissa + std::string(integer_digits - mantissa.size(), '0');
  } else {
    out += mantissa.substr(0, integer_digits) + "." + mantissa.substr(integer_digits);
  }
  return out;
}

NumberKind BuiltinFormatKind(int id) {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) || id == 57 || id == 58) {
    return NumberKind::kDate;
  }
  if (id == 22) return NumberKind::kDateTime;
  if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) || id == 55 || id == 56) {
    return NumberKind::kTime;
  }
  return NumberKind::kNumber;
}

NumberKind FormatCodeKind(std::string_view code) {
  bool date = false, time = false, month_or_minute = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c == ';') break;  // the first section (positive numbers) decides
    if (c == '"') {
      const size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // an escaped, padding or fill character
    } else if (c == '[') {
      // [Red], [$-804] are not placeholders; [h], [mm], [ss] (elapsed time) are.
      const size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      const std::string_view inner = code.substr(i + 1, close - i - 1);
      if (!inner.empty() && inner.find_first_not_of("hHmMsS") == std::string_view::npos) time = true;
      i = close;
    } else if (code.substr(i).starts_with("AM/PM") || code.substr(i).starts_with("am/pm")) {
      i += 4;
    } else if (code.substr(i).starts_with("A/P") || code.substr(i).starts_with("a/p")) {
      i += 2;
    } else if (c == 'y' || c == 'd') {
      date = true;
    } else if (c == 'h' || c == 's') {
      time = true;
    } else if (c == 'm') {
      month_or_minute = true;
    }
  }
  if (month_or_minute && !time) date = true;  // m with no h or s is a month
  if (date && time) return NumberKind::kDateTime;
  if (date) return NumberKind::kDate;
  if (time) return NumberKind::kTime;
  return NumberKind::kNumber;
}

std::optional<std::string> SerialText(std::string_view stored, NumberKind kind, bool date1904) {
  const std::optional<double> value = ParseDouble(stored);
  if (!value || *value < 0) return std::nullopt;
  constexpr double kLastSerial = 2958466;  // 10000-01-01
  if (*value >= kLastSerial - (date1904 ? 1462 : 0)) return std::nullopt;
  auto days = static_cast<int64_t>(std::floor(*value));
  auto seconds = static_cast<int64_t>(std::llround((*value - static_cast<double>(days)) * 86400));
  if (seconds >= 86400) {
    ++days;
    seconds -= 86400;
  }
  char date[48] = "";
  if (date1904) days += 1462;
  if (!date1904 && days == 60) {
    std::snprintf(date, sizeof date, "1900-02-29");  // the day Excel invented (Lotus 1-2-3's bug)
  } else {
    if (!date1904 && days < 60) ++days;  // before the invented day, serial 1 is 1900-01-01
    int64_t y = 0;
    unsigned m = 0, d = 0;
    CivilFromDays(days + DaysFromCivil(1899, 12, 30), y, m, d);
    std::snprintf(date, sizeof date, "%04d-%02u-%02u", static_cast<int>(y), m, d);
  }
  char time[48];
  std::snprintf(time, sizeof time, "%02d:%02d:%02d", static_cast<int>(seconds / 3600),
                static_cast<int>(seconds / 60 % 60), static_cast<int>(seconds % 60));
  switch (kind) {
    case NumberKind::kDate:
      return std::string(date);
    case NumberKind::kDateTime:
      return std::string(date) + " " + time;
    case NumberKind::kTime:
      return std::string(time);
    case NumberKind::kNumber:
      break;
  }
  return std::nullopt;
}

void DecodeEscapes(std::string& text) {
  if (text.find("_x") == std::string::npos) return;
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const std::optional<uint32_t> unit = EscapeAt(text, i);
    if (!unit) {
      out += text[i++];
      continue;
    }
    i += 7;
    uint32_t cp = *unit;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      const std::optional<uint32_t> low = EscapeAt(text, i);
      if (low && *low >= 0xDC00 && *low <= 0xDFFF) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (*low - 0xDC00);
        i += 7;
      } else {
        cp = 0xFFFD;
      }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      cp = 0xFFFD;
    }
    AppendUtf8(out, cp);
  }
  text = std::move(out);
}

}  // namespace tc::io::xlsx
