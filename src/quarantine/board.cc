#include "quarantine/board.h"

#include <algorithm>
#include <cstdint>

namespace tc::quarantine {
namespace {

// The start of the tier's i-th test window; the window ends where the next begins.
Millis WindowFrom(const TierQuarantine& t, size_t i, Millis start) { return start + (t.test_days[i] - 1) * kDayMs; }
Millis WindowTo(const TierQuarantine& t, size_t i, Millis start) {
  return i + 1 < t.test_days.size() ? WindowFrom(t, i + 1, start) : INT64_MAX;
}

}  // namespace

BoardEntry BoardEntryOf(int64_t person_id, const QuarantineState& s, const QuarantineRules& rules) {
  BoardEntry e{.person_id = person_id,
               .site_id = s.site_id,
               .since = s.since(),
               .pickup_at = s.pickup_at,
               .quarantine_start = s.quarantine_start,
               .quarantine_end = s.quarantine_end,
               .last_check_at = s.checks.empty() ? 0 : s.checks.back().at,
               .status = s.status,
               .tier = s.tier};
  if (s.quarantine_start != 0) {
    const TierQuarantine& t = rules.For(s.tier);
    for (size_t i = 0; i < t.test_days.size() && i < 32; ++i) {
      const Millis from = WindowFrom(t, i, s.quarantine_start), to = WindowTo(t, i, s.quarantine_start);
      for (const TestResult& r : s.tests) {
        if (r.sampled_at >= from && r.sampled_at < to) {
          e.tests_done |= 1u << i;
          break;
        }
      }
    }
  }
  return e;
}

std::vector<CheckDue> CheckList(std::span<const BoardEntry> entries, const QuarantineRules& rules, Millis day_start) {
  const Millis day_end = day_start + kDayMs;
  std::vector<CheckDue> out;
  for (const BoardEntry& e : entries) {
    if (e.status != State::kCheckedIn || e.quarantine_start >= day_end) continue;
    const bool owes_check = e.last_check_at < day_start;
    int test_day = 0;
    const TierQuarantine& t = rules.For(e.tier);
    for (size_t i = 0; i < t.test_days.size() && i < 32; ++i) {
      if (WindowFrom(t, i, e.quarantine_start) >= day_end) break;
      if ((e.tests_done >> i) & 1u) continue;
      if (WindowTo(t, i, e.quarantine_start) > day_start) {
        test_day = t.test_days[i];
        break;
      }
    }
    if (!owes_check && test_day == 0) continue;
    out.push_back({.person_id = e.person_id,
                   .site_id = e.site_id,
                   .tier = e.tier,
                   .day = static_cast<int>((day_end - 1 - e.quarantine_start) / kDayMs) + 1,
                   .owes_check = owes_check,
                   .test_day = test_day});
  }
  std::sort(out.begin(), out.end(), [](const CheckDue& a, const CheckDue& b) {
    return a.site_id != b.site_id ? a.site_id < b.site_id : a.person_id < b.person_id;
  });
  return out;
}

std::vector<Stuck> OpenLoop(std::span<const BoardEntry> entries, const QuarantineRules& rules, Millis now) {
  std::vector<OpenLoopEntry> open;
  open.reserve(entries.size());
  for (const BoardEntry& e : entries) {
    if (IsFinal(e.status)) continue;
    open.push_back({.person_id = e.person_id,
                    .status = e.status,
                    .since = e.since,
                    .pickup_at = e.pickup_at,
                    .quarantine_end = e.quarantine_end});
  }
  return OpenLoopReport(open, rules, now);
}

}  // namespace tc::quarantine
