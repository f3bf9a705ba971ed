#include "quarantine/lifecycle.h"

#include <algorithm>
#include <cstdio>

namespace tc::quarantine {

namespace {
constexpr std::string_view kStateNames[] = {"listed",     "assigned", "pickup_scheduled", "picked_up",
                                            "checked_in", "released", "escalated",        "hospitalised",
                                            "absconded",  "refused",  "cancelled"};
constexpr std::string_view kActionNames[] = {
    "assign",   "schedule_pickup", "pick_up", "check_in", "health_check", "test_result", "release",
    "escalate", "hospitalise",     "abscond", "refuse",   "relist",       "cancel"};
constexpr int kActionCount = 13;
static_assert(std::size(kStateNames) == kStateCount);
static_assert(std::size(kActionNames) == kActionCount);
constexpr double kMinPlausibleC = 30, kMaxPlausibleC = 45;

Status NotAfter(const QuarantineState& s, ActionKind k, std::string_view needs) {
  return Conflict("person is " + std::string(StateName(s.status)) + "; " + std::string(ActionName(k)) + " needs " +
                  std::string(needs));
}

Status NeedNote(const Action& a, std::string_view what) {
  if (a.note.empty())
    return FieldInvalid("note", std::string(what) + " is required to " + std::string(ActionName(a.kind)));
  return Status::Ok();
}

void Enter(QuarantineState& s, State to, Millis now) {
  s.status = to;
  s.entered_at[static_cast<int>(to)] = now;
}

std::string Celsius(double c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", c);
  return buf;
}

std::string DayText(int d) { return "day " + std::to_string(d); }

// The alarm a check raises, for the escalation's reason.
std::string AlarmOf(const HealthCheck& c, const QuarantineRules& rules) {
  std::string r;
  if (c.temperature_c >= rules.fever_celsius) r = "fever " + Celsius(c.temperature_c) + " °C";
  if (!c.symptoms.empty()) r += (r.empty() ? "" : ", ") + std::string("symptoms: ") + c.symptoms;
  return r;
}
}  // namespace

std::string_view StateName(State s) { return kStateNames[static_cast<int>(s)]; }
bool ParseState(std::string_view s, State* out) {
  for (int i = 0; i < kStateCount; ++i) {
    if (s == kStateNames[i]) {
      *out = static_cast<State>(i);
      return true;
    }
  }
  return false;
}
std::string_view ActionName(ActionKind k) { return kActionNames[static_cast<int>(k)]; }
bool ParseAction(std::string_view s, ActionKind* out) {
  for (int i = 0; i < kActionCount; ++i) {
    if (s == kActionNames[i]) {
      *out = static_cast<ActionKind>(i);
      return true;
    }
  }
  return false;
}
std::string_view ModeName(Mode m) {
  switch (m) {
    case Mode::kCentralised:
      return "centralised";
    case Mode::kHome:
      return "home";
    case Mode::kUndecided:
      break;
  }
  return "undecided";
}

bool IsAlarming(const HealthCheck& c, const QuarantineRules& rules) {
  return c.temperature_c >= rules.fever_celsius || !c.symptoms.empty();
}

QuarantineState Listed(Tier tier, Millis now) {
  QuarantineState s;
  s.tier = tier;
  Enter(s, State::kListed, now);
  return s;
}

Status Apply(QuarantineState& s, const Action& a, const QuarantineRules& rules, Millis now) {
  QuarantineState n = s;
  switch (a.kind) {
    case ActionKind::kAssign: {
      const bool reassign = s.status == State::kAssigned || s.status == State::kPickupScheduled;
      if (s.status != State::kListed && !reassign) return NotAfter(s, a.kind, "listed, assigned or pickup_scheduled");
      if (reassign) TC_RETURN_IF_ERROR(NeedNote(a, "a reason"));
      if (!a.home && a.site_id <= 0) return FieldInvalid("site_id", "a site is required to assign a room");
      if (!a.home && a.room_id <= 0) return FieldInvalid("room_id", "a room is required to assign a room");
      n.mode = a.home ? Mode::kHome : Mode::kCentralised;
      n.site_id = a.home ? 0 : a.site_id;
      n.room_id = a.home ? 0 : a.room_id;
      n.vehicle.clear();
      n.pickup_at = 0;
      if (reassign) {
        ++n.reassign_count;
        n.reason = a.note;
      }
      Enter(n, State::kAssigned, now);
      break;
    }
    case ActionKind::kSchedulePickup:
      if (s.status != State::kAssigned && s.status != State::kPickupScheduled) {
        return NotAfter(s, a.kind, "assigned or pickup_scheduled");
      }
      if (s.mode == Mode::kHome)
        return Conflict("person is in home quarantine; schedule_pickup needs a room at a site");
      if (a.vehicle.empty()) return FieldInvalid("vehicle", "a vehicle is required to schedule a pickup");
      if (a.pickup_at < now - kHourMs)
        return FieldInvalid("pickup_at", "the pickup time must not be more than an hour past");
      n.vehicle = a.vehicle;
      n.pickup_at = a.pickup_at;
      Enter(n, State::kPickupScheduled, now);
      break;
    case ActionKind::kPickUp:
      if (s.status != State::kPickupScheduled) return NotAfter(s, a.kind, "pickup_scheduled");
      Enter(n, State::kPickedUp, now);
      break;
    case ActionKind::kCheckIn:
      if (!(s.status == State::kPickedUp || (s.status == State::kAssigned && s.mode == Mode::kHome))) {
        return NotAfter(s, a.kind, "picked_up (centralised) or assigned (home)");
      }
      n.quarantine_start = now;
      n.quarantine_end = now + rules.For(s.tier).days * kDayMs;
      Enter(n, State::kCheckedIn, now);
      break;
    case ActionKind::kHealthCheck: {
      if (!IsActive(s.status)) return NotAfter(s, a.kind, "an active quarantine");
      HealthCheck c = a.check;
      if (c.at == 0) c.at = now;
      if (!(c.temperature_c >= kMinPlausibleC && c.temperature_c <= kMaxPlausibleC)) {
        return FieldInvalid("temperature_c", "a temperature 30–45 °C is required");
      }
      const auto at = std::upper_bound(n.checks.begin(), n.checks.end(), c.at,
                                       [](Millis t, const HealthCheck& x) { return t < x.at; });
      n.checks.insert(at, c);
      if (IsAlarming(c, rules)) {
        n.reason = AlarmOf(c, rules);
        Enter(n, State::kEscalated, now);
      }
      break;
    }
    case ActionKind::kTestResult:
      if (!IsActive(s.status)) return NotAfter(s, a.kind, "an active quarantine");
      if (a.test.sampled_at <= 0) return FieldInvalid("sampled_at", "the sampling time is required");
      if (a.test.outcome == TestOutcome::kPending) return FieldInvalid("outcome", "a result is negative or positive");
      n.tests.push_back(a.test);
      if (a.test.outcome == TestOutcome::kPositive) {
        n.reason = "positive test sampled " + FormatShanghai(a.test.sampled_at);
        Enter(n, State::kEscalated, now);
      }
      break;
    case ActionKind::kRelease: {
      if (s.status != State::kCheckedIn) return NotAfter(s, a.kind, "checked_in");
      const ReleaseVerdict v = ReleaseCheck(s, rules, now);
      if (!v.allowed) {
        std::string m = "release refused";
        for (size_t i = 0; i < v.reasons.size(); ++i) m += (i ? "; " : ": ") + v.reasons[i];
        return Conflict(m);
      }
      if (a.certificate.empty()) return FieldInvalid("certificate", "a certificate number is required to release");
      n.certificate = a.certificate;
      Enter(n, State::kReleased, now);
      break;
    }
    case ActionKind::kEscalate:
      if (!IsActive(s.status)) return NotAfter(s, a.kind, "an active quarantine");
      TC_RETURN_IF_ERROR(NeedNote(a, "a reason"));
      n.reason = a.note;
      Enter(n, State::kEscalated, now);
      break;
    case ActionKind::kHospitalise:
      if (s.status != State::kEscalated) return NotAfter(s, a.kind, "escalated");
      if (a.hospital.empty()) return FieldInvalid("hospital", "the hospital is required to hospitalise");
      n.hospital = a.hospital;
      Enter(n, State::kHospitalised, now);
      break;
    case ActionKind::kAbscond:
    case ActionKind::kRefuse:
      if (!IsActive(s.status)) return NotAfter(s, a.kind, "an active quarantine");
      TC_RETURN_IF_ERROR(NeedNote(a, "a reason"));
      n.reason = a.note;
      Enter(n, a.kind == ActionKind::kAbscond ? State::kAbsconded : State::kRefused, now);
      break;
    case ActionKind::kRelist:
      if (s.status != State::kAbsconded && s.status != State::kRefused)
        return NotAfter(s, a.kind, "absconded or refused");
      TC_RETURN_IF_ERROR(NeedNote(a, "a reason"));
      n.mode = Mode::kUndecided;
      n.site_id = n.room_id = 0;
      n.vehicle.clear();
      n.pickup_at = n.quarantine_start = n.quarantine_end = 0;
      n.reason = a.note;
      ++n.relist_count;
      Enter(n, State::kListed, now);
      break;
    case ActionKind::kCancel:
      if (!IsActive(s.status) && s.status != State::kAbsconded && s.status != State::kRefused) {
        return NotAfter(s, a.kind, "an active, absconded or refused person");
      }
      TC_RETURN_IF_ERROR(NeedNote(a, "a reason"));
      n.reason = a.note;
      Enter(n, State::kCancelled, now);
      break;
  }
  s = std::move(n);
  return Status::Ok();
}

ReleaseVerdict ReleaseCheck(const QuarantineState& s, const QuarantineRules& rules, Millis now) {
  ReleaseVerdict v;
  if (s.status != State::kCheckedIn) {
    v.reasons.push_back("person is " + std::string(StateName(s.status)) + "; release needs checked_in");
    return v;
  }
  const TierQuarantine& t = rules.For(s.tier);
  if (now < s.quarantine_end) {
    const int served = static_cast<int>((now - s.quarantine_start) / kDayMs);
    v.reasons.push_back(std::to_string(served) + " of " + std::to_string(t.days) +
                        " days served; the quarantine ends " + FormatShanghai(s.quarantine_end));
  }
  // Scheduled tests: the first sampled in each day's window [day d, the next scheduled day).
  for (size_t i = 0; i < t.test_days.size(); ++i) {
    const int d = t.test_days[i];
    const Millis from = s.quarantine_start + (d - 1) * kDayMs;
    const Millis to = i + 1 < t.test_days.size() ? s.quarantine_start + (t.test_days[i + 1] - 1) * kDayMs : INT64_MAX;
    const TestResult* first = nullptr;
    for (const TestResult& r : s.tests) {
      if (r.sampled_at >= from && r.sampled_at < to && (!first || r.sampled_at < first->sampled_at)) first = &r;
    }
    if (!first) {
      v.reasons.push_back("no test for " + DayText(d));
    } else if (first->outcome == TestOutcome::kPending) {
      v.reasons.push_back(DayText(d) + "'s test has no result");
    } else if (first->outcome == TestOutcome::kPositive) {
      v.reasons.push_back(DayText(d) + "'s test is positive");
    }
  }
  // The latest `clear_checks` checks, all clear.
  const int need = rules.clear_checks;
  if (static_cast<int>(s.checks.size()) < need) {
    v.reasons.push_back(std::to_string(s.checks.size()) + " health checks recorded; the last " + std::to_string(need) +
                        " must be clear");
  } else {
    for (size_t i = s.checks.size() - need; i < s.checks.size(); ++i) {
      if (IsAlarming(s.checks[i], rules)) {
        v.reasons.push_back("the check of " + FormatShanghai(s.checks[i].at) + " was not clear (" +
                            AlarmOf(s.checks[i], rules) + ")");
      }
    }
  }
  v.allowed = v.reasons.empty();
  return v;
}

OpenLoopEntry EntryOf(int64_t person_id, const QuarantineState& s) {
  return {.person_id = person_id,
          .status = s.status,
          .since = s.since(),
          .pickup_at = s.pickup_at,
          .quarantine_end = s.quarantine_end};
}

std::vector<Stuck> OpenLoopReport(std::span<const OpenLoopEntry> entries, const QuarantineRules& rules, Millis now) {
  std::vector<Stuck> out;
  for (const OpenLoopEntry& e : entries) {
    if (IsFinal(e.status)) continue;
    const Millis after = rules.open_loop_after[static_cast<int>(e.status)];
    if (after < 0) continue;
    const Millis from = e.status == State::kPickupScheduled ? e.pickup_at
                        : e.status == State::kCheckedIn     ? e.quarantine_end
                                                            : e.since;
    const Millis due = from + after;
    if (now > due)
      out.push_back({.person_id = e.person_id, .status = e.status, .since = e.since, .due = due, .late = now - due});
  }
  std::sort(out.begin(), out.end(), [](const Stuck& a, const Stuck& b) {
    if (a.status != b.status) return a.status < b.status;
    if (a.late != b.late) return a.late > b.late;
    return a.person_id < b.person_id;
  });
  return out;
}

}  // namespace tc::quarantine
