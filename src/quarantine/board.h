// The quarantine board (隔离看板): a compact in-memory entry per quarantined person, as
// the service keeps them, and the two lists read from it every day — the day's
// health-check list and the open-loop report. Pure (no store, no clock: the day or the
// time is passed in); thread-compatible.
//
//   std::vector<BoardEntry> board = …;                     // one per person, kept by the service
//   std::vector<CheckDue> today = CheckList(board, rules, day_start);
//   for (const CheckDue& d : today) …;                      // d.owes_check, d.test_day
//   std::vector<Stuck> stuck = OpenLoop(board, rules, now); // lifecycle.h's OpenLoopReport
//
// Cost: one pass over the entries plus a sort of those listed (316,000 entries: a few
// milliseconds on one core; bench/quarantine_bench.cc measures it).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "base/time.h"
#include "quarantine/lifecycle.h"
#include "quarantine/rules.h"
#include "quarantine/state.h"

namespace tc::quarantine {

// One person on the board: what the lists read of their QuarantineState (BoardEntryOf).
struct BoardEntry {
  int64_t person_id = 0;
  int64_t site_id = 0;                              // 0: at home or not yet assigned
  Millis since = 0;                                 // entered the current state
  Millis pickup_at = 0;                             // pickup_scheduled: the scheduled time
  Millis quarantine_start = 0, quarantine_end = 0;  // checked_in: from check-in
  Millis last_check_at = 0;                         // the latest health check; 0: none
  uint32_t tests_done = 0;  // bit i: the tier's i-th scheduled test was sampled in its window
  State status = State::kListed;
  Tier tier = Tier::kClose;
};

// The entry of a person in state `s`: the tests taken are matched to the tier's
// schedule by the windows of rules.h (a test on day d: sampled on day d or later,
// before the next scheduled day).
BoardEntry BoardEntryOf(int64_t person_id, const QuarantineState& s, const QuarantineRules& rules);

// One line of the day's health-check list.
struct CheckDue {
  int64_t person_id = 0;
  int64_t site_id = 0;  // 0: home quarantine
  Tier tier = Tier::kClose;
  int day = 1;              // the quarantine day reached by the day's end (1-based; past the tier's days when release is late)
  bool owes_check = false;  // no health check yet since day_start
  int test_day = 0;         // a scheduled test due today and not yet taken: its day; 0 none
};

// The list for the day starting at `day_start` (midnight, Shanghai): everyone checked
// in (status checked_in, quarantine started before the day's end; still there when the
// quarantine's end has passed but release has not come) who still owes today's health
// check or a scheduled test. A test (the tier's test_days[i], bit i of
// tests_done) is due when its window [start + (d−1) days, start + (next day − 1) days;
// the last one open-ended) overlaps the day and it has not been taken; when two are,
// the earlier. Sorted by site, then person id (home quarantine, site 0, first).
std::vector<CheckDue> CheckList(std::span<const BoardEntry> entries, const QuarantineRules& rules, Millis day_start);

// The open-loop report (lifecycle.h's OpenLoopReport) over the board at `now`: everyone
// past their state's limit, grouped by state, longest late first, then person id.
std::vector<Stuck> OpenLoop(std::span<const BoardEntry> entries, const QuarantineRules& rules, Millis now);

}  // namespace tc::quarantine
