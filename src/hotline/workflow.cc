#include "hotline/workflow.h"

#include <algorithm>

namespace tc::hotline {

namespace {
constexpr std::string_view kStateNames[] = {"pending_dispatch", "dispatched", "accepted", "resolved", "closed", "merged"};
constexpr std::string_view kActionNames[] = {"dispatch", "accept",          "return", "reassign", "resolve",
                                             "callback", "callback_failed", "merge",  "reopen",   "urge"};
constexpr Millis kMinute = 60'000, kHour = 60 * kMinute;

Status NotAfter(const RequestState& s, ActionKind k, std::string_view needs) {
  return Conflict("request is " + std::string(StateName(s.status)) + "; " + std::string(ActionName(k)) + " needs " +
                  std::string(needs));
}

// The department's clock starts at dispatch (the centre's at receipt).
Millis ClockStart(const RequestState& s) { return s.dispatched_at ? s.dispatched_at : s.received_at; }

Millis At(Millis start, Millis deadline, double share) {
  return start + static_cast<Millis>(static_cast<double>(deadline - start) * share);
}

bool AwaitsResponse(const RequestState& s) {
  return (s.status == State::kPendingDispatch || s.status == State::kDispatched) && s.responded_at == 0;
}
bool AwaitsResolution(const RequestState& s) {
  return s.status == State::kPendingDispatch || s.status == State::kDispatched || s.status == State::kAccepted;
}

// Fresh respond and handle deadlines from `now` for the department that takes it.
void StartClock(RequestState& s, const HotlineRules& rules, Millis now) {
  const Deadlines& d = rules.For(s.priority);
  s.dispatched_at = now;
  s.respond_by = now + d.respond_minutes * kMinute;
  s.handle_by = now + d.handle_hours * kHour;
  s.overdue &= ~(kRespondFlag | kHandleFlag);
  s.reminded &= ~(kRespondFlag | kHandleFlag);
  s.escalation = s.overdue ? 1 : 0;
}

Status NeedNote(const Action& a, std::string_view what) {
  if (a.note.empty()) return FieldInvalid("note", std::string(what) + " is required to " + std::string(ActionName(a.kind)));
  return Status::Ok();
}
}  // namespace

std::string_view StateName(State s) { return kStateNames[static_cast<int>(s)]; }
bool ParseState(std::string_view s, State* out) {
  for (int i = 0; i < 6; ++i) {
    if (s == kStateNames[i]) {
      *out = static_cast<State>(i);
      return true;
    }
  }
  return false;
}
std::string_view ActionName(ActionKind k) { return kActionNames[static_cast<int>(k)]; }
bool ParseAction(std::string_view s, ActionKind* out) {
  for (int i = 0; i < 10; ++i) {
    if (s == kActionNames[i]) {
      *out = static_cast<ActionKind>(i);
      return true;
    }
  }
  return false;
}

RequestState Received(Priority p, std::string_view department, const HotlineRules& rules, Millis now) {
  RequestState s;
  s.priority = p;
  s.received_at = now;
  const Deadlines& d = rules.For(p);
  s.respond_by = now + d.respond_minutes * kMinute;
  s.handle_by = now + d.handle_hours * kHour;
  if (!department.empty()) {
    s.status = State::kDispatched;
    s.department = department;
    s.dispatched_at = now;
  }
  s.next_due = NextDue(s, rules);
  return s;
}

Status Apply(RequestState& s, const Action& a, const HotlineRules& rules, Millis now) {
  RequestState n = s;
  switch (a.kind) {
    case ActionKind::kDispatch:
      if (s.status != State::kPendingDispatch) return NotAfter(s, a.kind, "pending_dispatch");
      if (a.department.empty()) return FieldInvalid("department", "is required to dispatch");
      n.status = State::kDispatched;
      n.department = a.department;
      StartClock(n, rules, now);
      break;
    case ActionKind::kAccept:
      if (s.status != State::kDispatched) return NotAfter(s, a.kind, "dispatched");
      n.status = State::kAccepted;
      if (n.responded_at == 0) n.responded_at = now;
      break;
    case ActionKind::kReturn:
      if (s.status != State::kDispatched && s.status != State::kAccepted) return NotAfter(s, a.kind, "dispatched or accepted");
      TC_RETURN_IF_ERROR(NeedNote(a, "a reason"));
      n.status = State::kPendingDispatch;
      n.department.clear();
      n.responded_at = 0;
      ++n.return_count;
      break;
    case ActionKind::kReassign:
      if (!IsOpen(s.status) || s.status == State::kResolved) return NotAfter(s, a.kind, "pending_dispatch, dispatched or accepted");
      if (a.department.empty()) return FieldInvalid("department", "is required to reassign");
      TC_RETURN_IF_ERROR(NeedNote(a, "a reason"));
      n.status = State::kDispatched;
      n.department = a.department;
      n.responded_at = 0;
      StartClock(n, rules, now);
      break;
    case ActionKind::kResolve:
      if (s.status != State::kDispatched && s.status != State::kAccepted) return NotAfter(s, a.kind, "dispatched or accepted");
      TC_RETURN_IF_ERROR(NeedNote(a, "a resolution note"));
      n.status = State::kResolved;
      if (n.responded_at == 0) n.responded_at = now;
      n.resolved_at = now;
      n.callback_by = now + rules.For(n.priority).callback_hours * kHour;
      n.reminded &= ~kCallbackFlag;
      n.overdue &= ~kCallbackFlag;
      break;
    case ActionKind::kCallback:
      if (s.status != State::kResolved) return NotAfter(s, a.kind, "resolved");
      if (a.satisfaction < 1 || a.satisfaction > 5) return FieldInvalid("satisfaction", "must be 1 to 5");
      if (a.solved != 0 && a.solved != 1) return FieldInvalid("solved", "must be true or false");
      n.satisfaction = a.satisfaction;
      n.solved = a.solved;
      if (a.satisfaction < rules.reopen_below) {  // reopened: back to the same department
        n.status = State::kDispatched;
        n.responded_at = 0;
        n.resolved_at = 0;
        n.callback_by = 0;
        ++n.reopen_count;
        StartClock(n, rules, now);
      } else {
        n.status = State::kClosed;
        n.closed_at = now;
      }
      break;
    case ActionKind::kCallbackFailed:
      if (s.status != State::kResolved) return NotAfter(s, a.kind, "resolved");
      if (++n.callback_attempts >= kMaxCallbackAttempts) {
        n.status = State::kClosed;
        n.closed_at = now;
      }
      break;
    case ActionKind::kMerge:
      if (!IsOpen(s.status)) return NotAfter(s, a.kind, "an open request");
      if (a.into <= 0) return FieldInvalid("into", "names the request to merge into");
      n.status = State::kMerged;
      n.merged_into = a.into;
      n.closed_at = now;
      break;
    case ActionKind::kReopen:
      if (s.status != State::kClosed) return NotAfter(s, a.kind, "closed");
      TC_RETURN_IF_ERROR(NeedNote(a, "a reason"));
      if (n.department.empty()) return FieldInvalid("department", "the request has no department to reopen with");
      n.status = State::kDispatched;
      n.responded_at = 0;
      n.resolved_at = 0;
      n.closed_at = 0;
      n.callback_by = 0;
      n.satisfaction = 0;
      n.solved = -1;
      ++n.reopen_count;
      StartClock(n, rules, now);
      break;
    case ActionKind::kUrge:
      if (!IsOpen(s.status)) return NotAfter(s, a.kind, "an open request");
      ++n.urge_count;
      break;
  }
  n.next_due = NextDue(n, rules);
  s = std::move(n);
  return Status::Ok();
}

Millis NextDue(const RequestState& s, const HotlineRules& rules) {
  Millis next = 0;
  const auto consider = [&](Millis t) {
    if (t > 0 && (next == 0 || t < next)) next = t;
  };
  const Millis start = ClockStart(s);
  if (AwaitsResponse(s)) {
    if (!(s.reminded & kRespondFlag)) consider(At(start, s.respond_by, rules.remind_at));
    if (!(s.overdue & kRespondFlag)) consider(s.respond_by);
  }
  if (AwaitsResolution(s)) {
    if (!(s.reminded & kHandleFlag)) consider(At(start, s.handle_by, rules.remind_at));
    if (!(s.overdue & kHandleFlag)) consider(s.handle_by);
    if (s.escalation < 2) consider(s.handle_by + (s.handle_by - start));
  }
  if (s.status == State::kResolved) {
    if (!(s.reminded & kCallbackFlag)) consider(At(s.resolved_at, s.callback_by, rules.remind_at));
    if (!(s.overdue & kCallbackFlag)) consider(s.callback_by);
  }
  return next;
}

SweepResult Sweep(RequestState& s, const HotlineRules& rules, Millis now) {
  SweepResult r;
  const Millis start = ClockStart(s);
  const auto step = [&](int flag, Millis from, Millis deadline) {
    if (!(s.reminded & flag) && now >= At(from, deadline, rules.remind_at)) {
      s.reminded |= flag;
      r.reminded |= flag;
    }
    if (!(s.overdue & flag) && now >= deadline) {
      s.overdue |= flag;
      r.overdue |= flag;
    }
  };
  if (AwaitsResponse(s)) step(kRespondFlag, start, s.respond_by);
  if (AwaitsResolution(s)) step(kHandleFlag, start, s.handle_by);
  if (s.status == State::kResolved) step(kCallbackFlag, s.resolved_at, s.callback_by);
  int level = s.escalation;
  if (s.overdue) level = std::max(level, 1);
  if (AwaitsResolution(s) && now >= s.handle_by + (s.handle_by - start)) level = 2;
  r.escalated = level > s.escalation;
  s.escalation = level;
  s.next_due = NextDue(s, rules);
  return r;
}

}  // namespace tc::hotline
