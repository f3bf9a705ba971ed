// Return home (返乡): a return-home application's life as a pure state machine (no store,
// no clock: every time is passed in), the deadline of each stage, the open-loop report
// that names who has sat in a stage too long, and the day's throughput with its
// bottleneck stage. Seed 000: 65,000 farmers sent home from Changchun in 20 days,
// point to point and closed loop — nobody may be lost between two states.
//
//   applied ─review─▶ reviewed ─report─▶ reported ─confirm─▶ confirmed ─release─▶ released
//   released ─depart─▶ departed ─arrive─▶ arrived      (report: to the destination; confirm:
//                                                       by it; release: transport assigned)
//   applied ─reject(reason)─▶ rejected;   reported ─decline(reason)─▶ declined
//   cancel(reason): applied, reviewed, reported, confirmed, released → cancelled
//   (never once departed: someone on the road is handed over at the destination).
//
//   ReturnHome a = NewApplication({.resident_id = 7, .origin_area = "220102001001",
//                                  .destination = "榆树市五棵树镇"}, t0).value();
//   TC_RETURN_IF_ERROR(Apply(a, {.kind = ReturnActionKind::kReview}, t0 + hour));
//   TC_RETURN_IF_ERROR(Apply(a, {.kind = ReturnActionKind::kReport}, t0 + 2 * hour));
//   std::vector<Stuck> late = OpenLoop(apps, StageDeadlines{}, now);   // who waits too long
//   std::vector<DayFlow> days = Throughput(histories, first_day, last_day);
//
// Plain values; thread-compatible (no shared state).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"

namespace tc::livelihood {

enum class ReturnState : uint8_t {
  kApplied,    // registered (登记), waiting for review
  kReviewed,   // passed review (审核), waiting to be reported to the destination
  kReported,   // reported to the destination (报备), waiting for its confirmation
  kConfirmed,  // the destination confirmed (确认), waiting for transport
  kReleased,   // released (放行) with transport assigned, waiting to depart
  kDeparted,   // on the road, point to point
  kArrived,    // handed over at the destination (闭环) — terminal
  kRejected,   // refused at review — terminal
  kDeclined,   // the destination declined — terminal
  kCancelled,  // withdrawn before departure — terminal
};
inline constexpr int kReturnStateCount = 10;
// applied | reviewed | reported | confirmed | released | departed | arrived | rejected | declined | cancelled
std::string_view ReturnStateName(ReturnState s);
bool ParseReturnState(std::string_view s, ReturnState* out);
// Terminal states: arrived, rejected, declined, cancelled.
bool IsTerminal(ReturnState s);

// The stages an application waits in (the non-terminal states), in flow order.
inline constexpr int kStageCount = 6;
inline constexpr std::array<ReturnState, kStageCount> kStages = {ReturnState::kApplied,  ReturnState::kReviewed,
                                                                 ReturnState::kReported, ReturnState::kConfirmed,
                                                                 ReturnState::kReleased, ReturnState::kDeparted};

enum class ReturnActionKind : uint8_t {
  kReview,
  kReject,
  kReport,
  kConfirm,
  kDecline,
  kRelease,
  kDepart,
  kArrive,
  kCancel
};
// review | reject | report | confirm | decline | release | depart | arrive | cancel
std::string_view ReturnActionName(ReturnActionKind k);
bool ParseReturnAction(std::string_view s, ReturnActionKind* out);

// Point-to-point transport, assigned at release.
struct Transport {
  std::string vehicle;       // plate or train/coach number; required
  std::string pickup_point;  // where the person boards (their compound's gate …); required
  std::string escort;        // who travels with them (name, phone); optional
  Millis scheduled_at = 0;   // planned departure; required, not before the release
};

// One step of the history: the state entered and when.
struct Step {
  ReturnState state = ReturnState::kApplied;
  Millis at = 0;
};

// What the caller registers.
struct NewReturn {
  int64_t resident_id = 0;  // the registry's resident; required (> 0)
  std::string origin_area;  // the area code where they are now (compound or community); required
  std::string destination;  // home: division code or place text; required
  std::string phone;        // optional
};

// An application as the workflow changes it.
struct ReturnHome {
  int64_t resident_id = 0;
  std::string origin_area, destination, phone;
  ReturnState state = ReturnState::kApplied;
  Transport transport;        // set by release
  std::string reason;         // reject, decline, cancel: why
  std::string received_by;    // arrive: who took them over at the destination
  std::vector<Step> history;  // every state entered, in order, starting with applied
  // When the current state was entered (history.back().at).
  Millis since() const { return history.empty() ? 0 : history.back().at; }
};

struct ReturnAction {
  ReturnActionKind kind = ReturnActionKind::kReview;
  std::string reason;       // reject, decline, cancel: required
  Transport transport;      // release
  std::string received_by;  // arrive: required
};

// A new application registered at `now`. InvalidArgument naming the field for a
// missing resident, origin or destination.
Result<ReturnHome> NewApplication(const NewReturn& n, Millis now);

// Applies `a` at `now`. Conflict naming the state and the action when the action may
// not follow it ("application is departed; cancel needs applied, reviewed, reported,
// confirmed or released"); InvalidArgument naming the field for a missing reason,
// transport field or receiver, a departure scheduled before the release, or `now`
// before the current state's time. Nothing is changed unless it returns Ok.
Status Apply(ReturnHome& app, const ReturnAction& a, Millis now);

// How long each stage may last before the application counts as stuck (hours).
// Versioned like the other rule sets (version 0: these defaults).
struct StageDeadlines {
  int64_t version = 0;
  std::array<int64_t, kStageCount> hours = {24, 12, 24, 24, 24, 48};  // indexed like kStages
  int64_t HoursFor(ReturnState stage) const;                          // 0 for a terminal state
};

// One application stuck in its stage: in it longer than the stage's deadline at `now`.
struct Stuck {
  size_t index = 0;  // position in the input
  int64_t resident_id = 0;
  ReturnState state = ReturnState::kApplied;
  Millis since = 0, due_by = 0;
};
// The open-loop report: every non-terminal application whose stage deadline has passed
// at `now` (due_by < now), oldest due first (then input order).
std::vector<Stuck> OpenLoop(const std::vector<ReturnHome>& apps, const StageDeadlines& d, Millis now);

// The day (days since 1970-01-01 in Shanghai civil time) an instant falls on.
int64_t ShanghaiDay(Millis t);

// One stage on one day.
struct StageFlow {
  int64_t entered = 0;  // steps into the stage during the day
  int64_t left = 0;     // steps out of it during the day (to any state)
  int64_t queue = 0;    // applications in the stage at the end of the day
  // The median time in the stage of the stays that ended during the day (ms); for an
  // even count the mean of the two middle ones, rounded down. 0 when none ended.
  Millis median_ms = 0;
};
// One day's throughput. The bottleneck is the stage with the largest queue at the end
// of the day; among equal queues the one with the longer median time in stage that
// day; among those the earlier stage in flow order. When every queue is empty there is
// no bottleneck (has_bottleneck false).
struct DayFlow {
  int64_t day = 0;
  std::array<StageFlow, kStageCount> stages{};  // indexed like kStages
  bool has_bottleneck = false;
  ReturnState bottleneck = ReturnState::kApplied;
};
// Per day from `first_day` to `last_day` inclusive (ShanghaiDay numbers), from the
// applications' histories (each in time order, as Apply records them; an empty one is
// skipped). A stay is counted in the day its step falls on; a stay still open at a
// day's end is in that day's queue.
std::vector<DayFlow> Throughput(const std::vector<std::vector<Step>>& histories, int64_t first_day, int64_t last_day);

}  // namespace tc::livelihood
