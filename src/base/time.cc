#include "base/time.h"

#include <chrono>
#include <cstdio>

namespace tc {
namespace {

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool ReadDigits(std::string_view s, size_t pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

// Howard Hinnant's civil-from-days algorithm (public domain description).
void CivilFromDays(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

Millis NowMillis() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

const Clock& Clock::System() {
  static const Clock kSystem;
  return kSystem;
}

Result<int64_t> DaysFromCivil(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m)) {
    return InvalidArgument("no such date: " + std::to_string(y) + "-" + std::to_string(m) + "-" +
                           std::to_string(d));
  }
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

std::string FormatShanghai(Millis t) {
  const Millis local = t + kShanghaiOffsetMs;
  const int64_t days = FloorDiv(local, 86400000);
  const int64_t ms_of_day = local - days * 86400000;
  int y, mo, d;
  CivilFromDays(days, y, mo, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03d+08:00", y, mo, d,
                static_cast<int>(ms_of_day / 3600000), static_cast<int>(ms_of_day / 60000 % 60),
                static_cast<int>(ms_of_day / 1000 % 60), static_cast<int>(ms_of_day % 1000));
  return buf;
}

std::string DateShanghai(Millis t) { return FormatShanghai(t).substr(0, 10); }

Result<Millis> ParseTime(std::string_view s) {
  const Status bad = InvalidArgument("not an RFC 3339 time (e.g. 2026-11-23T08:30:00+08:00): '" +
                                     std::string(s) + "'");
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!ReadDigits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !ReadDigits(s, 5, 2, mo) ||
      s[7] != '-' || !ReadDigits(s, 8, 2, d)) {
    return bad;
  }
  size_t pos = 10;
  int frac_ms = 0;
  Millis offset = kShanghaiOffsetMs;
  if (pos < s.size()) {
    if ((s[pos] != 'T' && s[pos] != ' ') || !ReadDigits(s, pos + 1, 2, h) || s.size() < pos + 9 ||
        s[pos + 3] != ':' || !ReadDigits(s, pos + 4, 2, mi) || s[pos + 6] != ':' ||
        !ReadDigits(s, pos + 7, 2, sec)) {
      return bad;
    }
    pos += 9;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      int digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < 3) frac_ms = frac_ms * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (digits == 0) return bad;
      for (int i = digits; i < 3; ++i) frac_ms *= 10;
    }
    if (pos < s.size()) {
      if (s[pos] == 'Z' && pos + 1 == s.size()) {
        offset = 0;
      } else if ((s[pos] == '+' || s[pos] == '-') && s.size() == pos + 6 && s[pos + 3] == ':') {
        int oh, om;
        if (!ReadDigits(s, pos + 1, 2, oh) || !ReadDigits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
          return bad;
        }
        offset = (oh * 60LL + om) * 60000 * (s[pos] == '-' ? -1 : 1);
      } else {
        return bad;
      }
    }
  }
  if (h > 23 || mi > 59 || sec > 59) return bad;
  auto days = DaysFromCivil(y, mo, d);
  if (!days) return bad;
  return *days * 86400000 + ((h * 60LL + mi) * 60 + sec) * 1000 + frac_ms - offset;
}

Result<Millis> OffsetClock::OffsetToDate(std::string_view date, Millis now) {
  constexpr Millis kDayMs = 86'400'000;
  auto bad = [&] { return InvalidArgument("'" + std::string(date) + "' is not a date (YYYY-MM-DD)"); };
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') return bad();
  auto midnight = ParseTime(date);  // Shanghai midnight of that date
  if (!midnight.ok()) return bad();
  const Millis today = FloorDiv(now + kShanghaiOffsetMs, kDayMs) * kDayMs - kShanghaiOffsetMs;
  return *midnight - today;
}

}  // namespace tc
