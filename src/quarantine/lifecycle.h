// A quarantined person's life as a pure state machine (no store, no clock: every
// action carries its time): which action may follow which state, what it records, the
// release check and the open-loop report. The service applies these to stored rows.
//
//   listed ─assign─▶ assigned ─schedule_pickup─▶ pickup_scheduled ─pick_up─▶ picked_up ─check_in─▶ checked_in
//   ─release─▶ released
//                    (home quarantine: assigned ─check_in─▶ checked_in; reassign: assigned / pickup_scheduled ─assign─▶
//                    assigned)
//   any active state ─health_check (fever or symptom) / test_result (positive) / escalate─▶ escalated ─hospitalise─▶
//   hospitalised any active state ─abscond / refuse─▶ absconded / refused ─relist─▶ listed;  any active state ─cancel─▶
//   cancelled
//
//   QuarantineState s = Listed(Tier::kClose, now);
//   TC_RETURN_IF_ERROR(Apply(s, {.kind = ActionKind::kAssign, .site_id = 7, .room_id = 701}, rules, now));
//   ...
//   ReleaseVerdict v = ReleaseCheck(s, rules, now);   // v.allowed, or v.reasons
//   std::vector<Stuck> stuck = OpenLoopReport(entries, rules, now);
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "quarantine/rules.h"
#include "quarantine/state.h"

namespace tc::quarantine {

// Active: not final; a health check, test result, escalation, abscond, refusal or
// cancellation may follow.
inline bool IsActive(State s) {
  return s == State::kListed || s == State::kAssigned || s == State::kPickupScheduled || s == State::kPickedUp ||
         s == State::kCheckedIn;
}

enum class Mode : uint8_t { kUndecided, kCentralised, kHome };  // 集中隔离 / 居家隔离
std::string_view ModeName(Mode m);                              // undecided | centralised | home

struct HealthCheck {
  Millis at = 0;
  double temperature_c = 0;
  std::string symptoms;  // "" when none (e.g. "咳嗽")
};
enum class TestOutcome : uint8_t { kPending, kNegative, kPositive };
struct TestResult {
  Millis sampled_at = 0;
  TestOutcome outcome = TestOutcome::kPending;
};

// Everything the machine changes, and the health record the release rules read.
struct QuarantineState {
  State status = State::kListed;
  Tier tier = Tier::kClose;
  Mode mode = Mode::kUndecided;
  std::array<Millis, kStateCount> entered_at{};     // when each state was last entered; 0: never
  int64_t site_id = 0, room_id = 0;                 // centralised; 0 at home or before assignment
  std::string vehicle;                              // pickup_scheduled and after
  Millis pickup_at = 0;                             // the scheduled pickup
  Millis quarantine_start = 0, quarantine_end = 0;  // from check-in: start + days of the tier
  std::string certificate;                          // released
  std::string reason;                               // escalated / absconded / refused / cancelled: why
  std::string hospital;                             // hospitalised: where
  std::vector<HealthCheck> checks;                  // in time order
  std::vector<TestResult> tests;                    // in the order recorded
  int reassign_count = 0, relist_count = 0;

  Millis since() const { return entered_at[static_cast<int>(status)]; }
};

enum class ActionKind : uint8_t {
  kAssign,
  kSchedulePickup,
  kPickUp,
  kCheckIn,
  kHealthCheck,
  kTestResult,
  kRelease,
  kEscalate,
  kHospitalise,
  kAbscond,
  kRefuse,
  kRelist,
  kCancel,
};
// assign | schedule_pickup | pick_up | check_in | health_check | test_result | release |
// escalate | hospitalise | abscond | refuse | relist | cancel
std::string_view ActionName(ActionKind k);
bool ParseAction(std::string_view s, ActionKind* out);

struct Action {
  ActionKind kind = ActionKind::kAssign;
  bool home = false;                 // assign: home quarantine instead of a room
  int64_t site_id = 0, room_id = 0;  // assign (centralised)
  std::string vehicle;               // schedule_pickup
  Millis pickup_at = 0;              // schedule_pickup: when (not before now − 1 h)
  HealthCheck check;                 // health_check (its `at` defaults to now)
  TestResult test;                   // test_result
  std::string certificate;           // release
  std::string hospital;              // hospitalise
  std::string note;                  // the reason: reassign, escalate, abscond, refuse, relist, cancel
};

// A newly listed contact of `tier` (close or secondary) at `now`.
QuarantineState Listed(Tier tier, Millis now);

// Applies `a` at `now` to `s`, all or nothing. Conflict naming the state and what the
// action needs ("person is listed; check_in needs picked_up (centralised) or assigned
// (home)"), or, for release, every reason the rules are not met; InvalidArgument naming
// the field for a missing reason, site, room, vehicle, certificate or hospital, or a
// temperature outside 30–45 °C. A health check at or above the fever mark or with a
// symptom, or a positive test, records and moves to escalated in the same step.
Status Apply(QuarantineState& s, const Action& a, const QuarantineRules& rules, Millis now);

// True when the check is a fever or names a symptom.
bool IsAlarming(const HealthCheck& c, const QuarantineRules& rules);

// Whether `s` may be released at `now`: checked in, the tier's days served, every
// scheduled test (rules.h: day windows) taken and negative, and the last
// `clear_checks` checks clear. `reasons` names each unmet rule, in that order.
struct ReleaseVerdict {
  bool allowed = false;
  std::vector<std::string> reasons;
};
ReleaseVerdict ReleaseCheck(const QuarantineState& s, const QuarantineRules& rules, Millis now);

// The open-loop report (闭环): one entry per person, as the service reads them.
struct OpenLoopEntry {
  int64_t person_id = 0;
  State status = State::kListed;
  Millis since = 0;           // entered the state
  Millis pickup_at = 0;       // pickup_scheduled: the scheduled time
  Millis quarantine_end = 0;  // checked_in: the end of the quarantine
};
OpenLoopEntry EntryOf(int64_t person_id, const QuarantineState& s);

// Someone stuck: `late` is how far past the state's limit they are at `now`.
struct Stuck {
  int64_t person_id = 0;
  State status = State::kListed;
  Millis since = 0, due = 0, late = 0;
};
// Everyone whose time in their state has passed the rules' limit (rules.h: counted
// from entering, from the pickup time, from the quarantine's end), grouped by state in
// the order of State, longest late first, then by person id. Linear in the entries
// plus a sort of those stuck.
std::vector<Stuck> OpenLoopReport(std::span<const OpenLoopEntry> entries, const QuarantineRules& rules, Millis now);

}  // namespace tc::quarantine
