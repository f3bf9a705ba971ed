// OffsetClock: a clock that shows another day at the real speed (the demo's "today").
#include <gtest/gtest.h>

#include "base/time.h"

namespace tc {
namespace {

TEST(OffsetClock, OffsetMovesTodayToTheDateKeepingTheTimeOfDay) {
  // 2026-11-23 20:50 and 00:10 in Shanghai (the latter still the 22nd in UTC).
  for (const char* at : {"2026-11-23T20:50:35.123+08:00", "2026-11-23T00:10:00+08:00"}) {
    const Millis now = ParseTime(at).value();
    auto offset = OffsetClock::OffsetToDate("2022-03-10", now);
    ASSERT_TRUE(offset.ok()) << offset.status().ToString();
    EXPECT_EQ(DateShanghai(now + *offset), "2022-03-10") << at;
    EXPECT_EQ(FormatShanghai(now + *offset).substr(10), FormatShanghai(now).substr(10)) << at;
    EXPECT_EQ(*offset % 86'400'000, 0) << "whole days";
  }
  EXPECT_EQ(OffsetClock::OffsetToDate("2022-03-10", ParseTime("2022-03-10T12:00:00+08:00").value()).value(), 0);
}

TEST(OffsetClock, RunsAtTheRealSpeedFromTheShiftedDay) {
  const Millis offset = OffsetClock::OffsetToDate("2022-03-10", NowMillis()).value();
  const OffsetClock clock(offset);
  const Millis before = NowMillis();
  const Millis shifted = clock.Now();
  const Millis after = NowMillis();
  EXPECT_GE(shifted, before + offset);
  EXPECT_LE(shifted, after + offset);
  // Unless the day turned over between the two reads, the clock's date is the 10th.
  if (DateShanghai(before) == DateShanghai(after)) {
    EXPECT_EQ(DateShanghai(shifted), "2022-03-10");
  }
}

TEST(OffsetClock, RefusesWhatIsNotADate) {
  for (const char* bad : {"", "2022-3-10", "2022-02-30", "2022-03-10T00:00", "yesterday"}) {
    auto r = OffsetClock::OffsetToDate(bad, NowMillis());
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find(bad), std::string::npos) << r.status().message();
  }
}

}  // namespace
}  // namespace tc
