#include "livelihood/return_home.h"

#include <algorithm>

namespace tc::livelihood {

namespace {
constexpr std::string_view kStateNames[] = {"applied",  "reviewed", "reported", "confirmed", "released",
                                            "departed", "arrived",  "rejected", "declined",  "cancelled"};
constexpr std::string_view kActionNames[] = {"review",  "reject", "report", "confirm", "decline",
                                             "release", "depart", "arrive", "cancel"};
constexpr Millis kHour = 3'600'000, kDay = 24 * kHour;

Status NotAfter(const ReturnHome& app, ReturnActionKind k, std::string_view needs) {
  return Conflict("application of resident " + std::to_string(app.resident_id) + " is " +
                  std::string(ReturnStateName(app.state)) + "; " + std::string(ReturnActionName(k)) + " needs " +
                  std::string(needs));
}

Status Require(const std::string& value, std::string_view field, std::string_view what) {
  if (value.empty()) return FieldInvalid(std::string(field), "is required to " + std::string(what));
  return Status::Ok();
}

int StageIndex(ReturnState s) {
  for (int i = 0; i < kStageCount; ++i) {
    if (kStages[i] == s) return i;
  }
  return -1;
}

Millis MedianOf(std::vector<Millis>& v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  if (n % 2 == 1) return v[n / 2];
  return v[n / 2 - 1] + (v[n / 2] - v[n / 2 - 1]) / 2;
}
}  // namespace

std::string_view ReturnStateName(ReturnState s) { return kStateNames[static_cast<int>(s)]; }
bool ParseReturnState(std::string_view s, ReturnState* out) {
  for (int i = 0; i < kReturnStateCount; ++i) {
    if (s == kStateNames[i]) {
      *out = static_cast<ReturnState>(i);
      return true;
    }
  }
  return false;
}
bool IsTerminal(ReturnState s) { return StageIndex(s) < 0; }

std::string_view ReturnActionName(ReturnActionKind k) { return kActionNames[static_cast<int>(k)]; }
bool ParseReturnAction(std::string_view s, ReturnActionKind* out) {
  for (int i = 0; i < 9; ++i) {
    if (s == kActionNames[i]) {
      *out = static_cast<ReturnActionKind>(i);
      return true;
    }
  }
  return false;
}

Result<ReturnHome> NewApplication(const NewReturn& n, Millis now) {
  if (n.resident_id <= 0) return FieldInvalid("resident_id", "names no resident");
  if (n.origin_area.empty()) return FieldInvalid("origin_area", "is required (where the applicant is now)");
  if (n.destination.empty()) return FieldInvalid("destination", "is required (where the applicant goes home to)");
  ReturnHome a;
  a.resident_id = n.resident_id;
  a.origin_area = n.origin_area;
  a.destination = n.destination;
  a.phone = n.phone;
  a.history.push_back({ReturnState::kApplied, now});
  return a;
}

Status Apply(ReturnHome& app, const ReturnAction& a, Millis now) {
  ReturnHome n = app;
  const ReturnState s = app.state;
  const auto need = [&](ReturnState want) -> Status {
    if (s != want) return NotAfter(app, a.kind, ReturnStateName(want));
    return Status::Ok();
  };
  switch (a.kind) {
    case ReturnActionKind::kReview:
      TC_RETURN_IF_ERROR(need(ReturnState::kApplied));
      n.state = ReturnState::kReviewed;
      break;
    case ReturnActionKind::kReject:
      TC_RETURN_IF_ERROR(need(ReturnState::kApplied));
      TC_RETURN_IF_ERROR(Require(a.reason, "reason", "reject an application"));
      n.state = ReturnState::kRejected;
      n.reason = a.reason;
      break;
    case ReturnActionKind::kReport:
      TC_RETURN_IF_ERROR(need(ReturnState::kReviewed));
      n.state = ReturnState::kReported;
      break;
    case ReturnActionKind::kConfirm:
      TC_RETURN_IF_ERROR(need(ReturnState::kReported));
      n.state = ReturnState::kConfirmed;
      break;
    case ReturnActionKind::kDecline:
      TC_RETURN_IF_ERROR(need(ReturnState::kReported));
      TC_RETURN_IF_ERROR(Require(a.reason, "reason", "decline an application"));
      n.state = ReturnState::kDeclined;
      n.reason = a.reason;
      break;
    case ReturnActionKind::kRelease:
      TC_RETURN_IF_ERROR(need(ReturnState::kConfirmed));
      TC_RETURN_IF_ERROR(Require(a.transport.vehicle, "transport.vehicle", "release"));
      TC_RETURN_IF_ERROR(Require(a.transport.pickup_point, "transport.pickup_point", "release"));
      if (a.transport.scheduled_at <= 0) return FieldInvalid("transport.scheduled_at", "is required to release");
      if (a.transport.scheduled_at < now) {
        return FieldInvalid("transport.scheduled_at", "is before the release (" + FormatShanghai(now) + ")");
      }
      n.state = ReturnState::kReleased;
      n.transport = a.transport;
      break;
    case ReturnActionKind::kDepart:
      TC_RETURN_IF_ERROR(need(ReturnState::kReleased));
      n.state = ReturnState::kDeparted;
      break;
    case ReturnActionKind::kArrive:
      TC_RETURN_IF_ERROR(need(ReturnState::kDeparted));
      TC_RETURN_IF_ERROR(Require(a.received_by, "received_by", "hand over at the destination"));
      n.state = ReturnState::kArrived;
      n.received_by = a.received_by;
      break;
    case ReturnActionKind::kCancel:
      if (s == ReturnState::kDeparted || IsTerminal(s)) {
        return NotAfter(app, a.kind, "applied, reviewed, reported, confirmed or released");
      }
      TC_RETURN_IF_ERROR(Require(a.reason, "reason", "cancel an application"));
      n.state = ReturnState::kCancelled;
      n.reason = a.reason;
      break;
  }
  if (now < app.since()) {
    return FieldInvalid("at", "is before the application became " + std::string(ReturnStateName(s)) + " (" +
                                  FormatShanghai(app.since()) + ")");
  }
  n.history.push_back({n.state, now});
  app = std::move(n);
  return Status::Ok();
}

int64_t StageDeadlines::HoursFor(ReturnState stage) const {
  const int i = StageIndex(stage);
  return i < 0 ? 0 : hours[i];
}

std::vector<Stuck> OpenLoop(const std::vector<ReturnHome>& apps, const StageDeadlines& d, Millis now) {
  std::vector<Stuck> out;
  for (size_t i = 0; i < apps.size(); ++i) {
    const ReturnHome& a = apps[i];
    if (IsTerminal(a.state)) continue;
    const Millis due = a.since() + d.HoursFor(a.state) * kHour;
    if (due < now) out.push_back({i, a.resident_id, a.state, a.since(), due});
  }
  std::stable_sort(out.begin(), out.end(), [](const Stuck& x, const Stuck& y) { return x.due_by < y.due_by; });
  return out;
}

int64_t ShanghaiDay(Millis t) {
  const Millis local = t + kShanghaiOffsetMs;
  return local >= 0 ? local / kDay : -((-local + kDay - 1) / kDay);
}

std::vector<DayFlow> Throughput(const std::vector<std::vector<Step>>& histories, int64_t first_day, int64_t last_day) {
  if (last_day < first_day) return {};
  const size_t days = static_cast<size_t>(last_day - first_day + 1);
  std::vector<DayFlow> out(days);
  std::vector<std::array<std::vector<Millis>, kStageCount>> stays(days);
  for (size_t d = 0; d < days; ++d) out[d].day = first_day + static_cast<int64_t>(d);
  const auto slot = [&](Millis t) -> int64_t { return ShanghaiDay(t) - first_day; };
  for (const std::vector<Step>& h : histories) {
    for (size_t k = 0; k < h.size(); ++k) {
      const int stage = StageIndex(h[k].state);
      if (stage < 0) continue;
      const int64_t in = slot(h[k].at);
      const bool ended = k + 1 < h.size();
      const int64_t leave = ended ? slot(h[k + 1].at) : static_cast<int64_t>(days);  // past the window
      if (in >= 0 && in < static_cast<int64_t>(days)) ++out[in].stages[stage].entered;
      if (ended && leave >= 0 && leave < static_cast<int64_t>(days)) {
        ++out[leave].stages[stage].left;
        stays[leave][stage].push_back(h[k + 1].at - h[k].at);
      }
      // In the queue at the end of every day from the day it entered until the day before it left.
      const int64_t from = std::max<int64_t>(in, 0);
      const int64_t to = std::min<int64_t>(leave, static_cast<int64_t>(days));  // exclusive
      for (int64_t d = from; d < to; ++d) ++out[d].stages[stage].queue;
    }
  }
  for (size_t d = 0; d < days; ++d) {
    DayFlow& f = out[d];
    int best = -1;
    for (int s = 0; s < kStageCount; ++s) {
      f.stages[s].median_ms = MedianOf(stays[d][s]);
      const StageFlow& x = f.stages[s];
      if (x.queue == 0) continue;
      if (best < 0 || x.queue > f.stages[best].queue ||
          (x.queue == f.stages[best].queue && x.median_ms > f.stages[best].median_ms)) {
        best = s;
      }
    }
    if (best >= 0) {
      f.has_bottleneck = true;
      f.bottleneck = kStages[best];
    }
  }
  return out;
}

}  // namespace tc::livelihood
