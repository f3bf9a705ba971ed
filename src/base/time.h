// Time in Tongchou: instants are Unix milliseconds (int64, UTC). Civil time is
// Asia/Shanghai, which has been a fixed UTC+08:00 without daylight saving since
// 1991, so formatting needs no tz database. Thread-safe; pure functions.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace tc {

using Millis = int64_t;  // Unix epoch milliseconds

constexpr Millis kShanghaiOffsetMs = 8LL * 3600 * 1000;

// Wall clock now. Tests that need control inject a Clock instead.
Millis NowMillis();

// A replaceable clock; the default reads the system clock. Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual Millis Now() const { return NowMillis(); }
  static const Clock& System();
};

// A clock that runs at the real speed but reads a fixed offset later or earlier:
// Now() is the system clock plus offset_ms. A demo whose data lie in the past runs
// on one so that "today" is the data's last day. Thread-safe (immutable).
class OffsetClock : public Clock {
 public:
  explicit OffsetClock(Millis offset_ms) : offset_ms_(offset_ms) {}
  Millis Now() const override { return NowMillis() + offset_ms_; }
  Millis offset_ms() const { return offset_ms_; }

  // The offset in whole days that makes `now`'s Shanghai date `date` (YYYY-MM-DD)
  // at the same time of day. InvalidArgument naming the date when it is not one.
  static Result<Millis> OffsetToDate(std::string_view date, Millis now);

 private:
  Millis offset_ms_;
};

// A clock that stands still until told: tests of deadlines and daily ticks set and
// advance it. Thread-safe (an atomic).
class ManualClock : public Clock {
 public:
  explicit ManualClock(Millis now = 0) : now_(now) {}
  Millis Now() const override { return now_.load(); }
  void Set(Millis t) { now_.store(t); }
  void Advance(Millis by) { now_.fetch_add(by); }

 private:
  std::atomic<Millis> now_;
};

// "2026-11-23T20:50:35.123+08:00"
std::string FormatShanghai(Millis t);
// "2026-11-23" (the civil date in Shanghai)
std::string DateShanghai(Millis t);
// Parses RFC 3339 ("2026-11-23T20:50:35+08:00", "...Z", fractional seconds allowed).
// A string without an offset is read as Shanghai civil time.
Result<Millis> ParseTime(std::string_view s);
// Days since 1970-01-01 for a proleptic Gregorian date; validates the date.
Result<int64_t> DaysFromCivil(int year, int month, int day);
// The proleptic Gregorian date of a day number (days since 1970-01-01).
void CivilFromDays(int64_t days, int& year, int& month, int& day);

}  // namespace tc
