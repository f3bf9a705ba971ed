// A hotline request's life as a pure state machine (no store, no clock): which action
// may follow which state, what each changes, the deadlines it sets and the next
// instant the sweeper must look at it (a reminder or a deadline). The service applies
// these to stored rows; the unit tests walk every transition here.
//
//   pending_dispatch ─dispatch─▶ dispatched ─accept─▶ accepted ─resolve─▶ resolved ─callback─▶ closed
//        ▲   return ◀──────────────┴──────────────────┘   (reassign: any open state → dispatched)
//        └ low address confidence / unknown area           callback below reopen_below → dispatched (reopened)
//   any open state ─merge─▶ merged;  closed ─reopen─▶ dispatched
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/time.h"
#include "hotline/rules.h"

namespace tc::hotline {

enum class State : uint8_t { kPendingDispatch, kDispatched, kAccepted, kResolved, kClosed, kMerged };
std::string_view StateName(State s);  // pending_dispatch | dispatched | accepted | resolved | closed | merged
bool ParseState(std::string_view s, State* out);
inline bool IsOpen(State s) { return s != State::kClosed && s != State::kMerged; }

// Deadline flags (bits of RequestState::overdue and ::reminded).
inline constexpr int kRespondFlag = 1, kHandleFlag = 2, kCallbackFlag = 4;

// The fields of a request that the workflow changes.
struct RequestState {
  State status = State::kPendingDispatch;
  std::string department;  // "" while pending dispatch
  Priority priority = Priority::kNormal;
  Millis received_at = 0, dispatched_at = 0, responded_at = 0, resolved_at = 0, closed_at = 0;
  Millis respond_by = 0, handle_by = 0, callback_by = 0;
  int overdue = 0;   // deadlines missed (flags); a missed deadline escalates
  int reminded = 0;  // reminders sent (flags)
  int escalation = 0;  // 0 none, 1 overdue (the department's supervisor), 2 overdue twice over (the command centre)
  int satisfaction = 0;  // 1–5 from the callback, 0 before
  int solved = -1;       // the caller says solved (1) or not (0); −1 before the callback
  int reopen_count = 0, return_count = 0, callback_attempts = 0, urge_count = 0;
  int64_t merged_into = 0;
  Millis next_due = 0;  // the next reminder or deadline to look at; 0: none
};

enum class ActionKind : uint8_t {
  kDispatch, kAccept, kReturn, kReassign, kResolve, kCallback, kCallbackFailed, kMerge, kReopen, kUrge
};
std::string_view ActionName(ActionKind k);  // dispatch | accept | return | reassign | resolve | callback | callback_failed | merge | reopen | urge
bool ParseAction(std::string_view s, ActionKind* out);

struct Action {
  ActionKind kind = ActionKind::kAccept;
  std::string department;  // dispatch, reassign
  std::string note;        // reason (return, reassign, reopen), resolution (resolve), callback note
  int satisfaction = 0;    // callback: 1–5
  int solved = -1;         // callback: 1 or 0
  int64_t into = 0;        // merge: the request kept
};

// Callback attempts after which an unreachable caller's request is closed unrated.
inline constexpr int kMaxCallbackAttempts = 3;

// Applies `a` at `now` to `s`: Conflict naming the state when the action may not
// follow it ("request is closed; accept needs dispatched"), InvalidArgument naming the
// field for a missing reason/note/department or a satisfaction outside 1–5. On success
// `s` holds the new state with its deadlines and next_due.
Status Apply(RequestState& s, const Action& a, const HotlineRules& rules, Millis now);

// A new request received at `now` with its priority: deadlines from receipt;
// dispatched to `department` at once when routing was confident, else pending.
RequestState Received(Priority p, std::string_view department, const HotlineRules& rules, Millis now);

// What the sweeper does at `now`: reminders (flags newly reminded) and deadlines
// newly missed (flags newly overdue, escalation raised); next_due recomputed.
struct SweepResult {
  int reminded = 0, overdue = 0;
  bool escalated = false;
};
SweepResult Sweep(RequestState& s, const HotlineRules& rules, Millis now);

// The next instant a reminder or deadline falls due for `s` (0: none).
Millis NextDue(const RequestState& s, const HotlineRules& rules);

}  // namespace tc::hotline
