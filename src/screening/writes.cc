// The module's writes to tubes: scans (group-committed), closing, shipping, lab
// results with the positive fan-out. Each stages its changes against the engine
// (read without the lock: the write lock keeps it still), writes them in one
// transaction, then applies them to the engine under its exclusive lock.
#include <algorithm>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "events/events.h"
#include "registry/lookup.h"
#include "registry/residents.h"
#include "screening/engine.h"
#include "screening/screening.h"

namespace tc::screening {
namespace {

constexpr Millis kFutureSlackMs = 10LL * 60 * 1000;  // a scanner's clock may run a little ahead
constexpr size_t kMaxOutcomes = 1000;

bool ValidBarcode(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

uint64_t PersonKey(int64_t round, uint32_t person) { return (static_cast<uint64_t>(round) << 32) | person; }

// A batch's changes before they are written.
struct Staged {
  std::unordered_map<uint32_t, TubeRec> tubes;       // tube id → new state
  std::unordered_map<std::string, uint32_t> new_barcodes;
  std::vector<uint32_t> new_order;                   // new tube ids in creation order
  std::unordered_map<uint64_t, uint32_t> sampled;    // (round, person) → tube
  std::unordered_map<uint32_t, uint32_t> retested;   // person → retest tube
  struct Sample {
    int64_t round;
    uint32_t person, tube;
    Millis at;
  };
  std::vector<Sample> samples;
  struct FollowupSampled {
    int64_t id;
    uint32_t person;
    std::string tube;
  };
  std::vector<FollowupSampled> followups;
};

const TubeRec* FindTube(const Engine& e, const Staged& st, const std::string& barcode, uint32_t& id) {
  if (auto n = st.new_barcodes.find(barcode); n != st.new_barcodes.end()) {
    id = n->second;
    return &st.tubes.at(id);
  }
  auto it = e.tube_by_barcode.find(barcode);
  if (it == e.tube_by_barcode.end()) return nullptr;
  id = it->second;
  if (auto s = st.tubes.find(id); s != st.tubes.end()) return &s->second;
  return &e.tubes[id];
}

TubeRec& Mutable(const Engine& e, Staged& st, uint32_t id) {
  auto it = st.tubes.find(id);
  if (it != st.tubes.end()) return it->second;
  return st.tubes.emplace(id, e.tubes[id]).first->second;
}

OpenFollowup* OpenFollowupOf(Engine& e, uint32_t person, int64_t round) {
  auto it = e.open_followups.find(person);
  if (it == e.open_followups.end()) return nullptr;
  for (auto& f : it->second) {
    if (f.round_id == round) return &f;
  }
  return nullptr;
}

std::string Field(const Scan& s) { return s.person_id != 0 ? "person_id" : "id_number"; }

}  // namespace

uint32_t Screening::ResolvePerson(const Scan& s, LineError& error) {
  Engine& e = box_->engine;
  if (s.person_id != 0) {
    if (e.Known(s.person_id)) return static_cast<uint32_t>(s.person_id);
    error = {s.line, "person_id", "no active resident has id " + std::to_string(s.person_id)};
    return 0;
  }
  if (s.id_number.empty()) {
    error = {s.line, "id_number", "scan the person's ID number (or give person_id)"};
    return 0;
  }
  const uint64_t key = IdKey(s.id_number);
  if (key == 0) {
    error = {s.line, "id_number", "'" + s.id_number + "' is not an ID number (18 characters with a valid check character)"};
    return 0;
  }
  if (uint32_t p = e.Person(key); p != 0 && e.Known(p)) return p;
  // Registered since the engine loaded: catch up from the registry.
  std::string id_number = s.id_number;
  if (id_number.back() == 'x') id_number.back() = 'X';
  registry::ResidentPlace place;
  Status read = store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(place, registry::ResidentPlaceByIdNumber(c, id_number));
    return Status::Ok();
  });
  if (!read.ok()) {
    error = {s.line, "id_number", read.code() == StatusCode::kNotFound
                                      ? "no active resident has ID number " + s.id_number
                                      : read.message()};
    return 0;
  }
  auto area = e.area_by_code.find(place.unit_code);
  if (area == e.area_by_code.end()) {
    error = {s.line, "id_number", "resident " + std::to_string(place.id) + " lives in " + place.unit_code +
                                      ", an area added since the server started; restart to load it"};
    return 0;
  }
  std::unique_lock lock(box_->mu);
  e.PutPerson(place.id, key, area->second, (place.tags & registry::kBedridden) != 0);
  e.unit_extra[area->second].push_back(static_cast<uint32_t>(place.id));
  for (auto& [id, r] : e.rounds) {
    if (r.tube_of.size() < e.unit_of.size()) {
      r.tube_of.resize(e.unit_of.size(), 0);
      r.due.resize(e.unit_of.size(), kNotDue);
    }
  }
  return static_cast<uint32_t>(place.id);
}

ScanReport Screening::Register(std::span<const Scan> scans, std::string_view username, bool any_site,
                               const audit::Actor& by, size_t max_errors) {
  EngineBox::Job job;
  job.scans = scans;
  job.username = username;
  job.any_site = any_site;
  job.by = &by;
  job.max_errors = max_errors;
  std::unique_lock lk(box_->q_mu);
  box_->queue.push_back(&job);
  while (!job.done) {
    if (!box_->writing) {
      box_->writing = true;
      std::vector<EngineBox::Job*> batch;
      batch.swap(box_->queue);
      lk.unlock();
      std::vector<void*> jobs(batch.begin(), batch.end());
      WriteScanJobs(jobs);
      lk.lock();
      for (auto* j : batch) j->done = true;
      box_->writing = false;
      box_->q_cv.notify_all();
    } else {
      box_->q_cv.wait(lk);
    }
  }
  return std::move(job.report);
}

void Screening::WriteScanJobs(std::span<void* const> raw_jobs) {
  std::lock_guard write(box_->write_mu);
  Engine& e = box_->engine;
  const Millis now = clock_.Now();
  Staged st;
  uint32_t next_id = static_cast<uint32_t>(e.tubes.size());
  std::vector<EngineBox::Job*> jobs;
  size_t total = 0;
  for (void* j : raw_jobs) {
    jobs.push_back(static_cast<EngineBox::Job*>(j));
    total += jobs.back()->scans.size();
  }
  st.tubes.reserve(total / 4 + 8);
  st.new_barcodes.reserve(total / 4 + 8);
  st.sampled.reserve(total);
  st.samples.reserve(total);

  for (EngineBox::Job* job : jobs) {
    ScanReport& rep = job->report;
    // Per-line outcomes for scanners (small calls); a bulk upload gets counts and errors.
    const bool outcomes = job->scans.size() <= kMaxOutcomes;
    auto reject = [&](LineError err) {
      ++rep.rejected;
      if (rep.errors.size() < job->max_errors) rep.errors.push_back(std::move(err));
    };
    for (const Scan& s : job->scans) {
      ++rep.received;
      auto round_it = e.rounds.find(s.round_id);
      if (round_it == e.rounds.end()) {
        reject({s.line, "round", "testing round " + std::to_string(s.round_id) + " does not exist"});
        continue;
      }
      RoundState& r = round_it->second;
      if (r.meta.status != "open") {
        reject({s.line, "round", "testing round " + std::to_string(s.round_id) + " is closed"});
        continue;
      }
      auto site_it = e.site_by_code.find(s.site_code);
      if (site_it == e.site_by_code.end()) {
        reject({s.line, "site", "test site '" + s.site_code + "' does not exist"});
        continue;
      }
      const Site& site = e.sites.at(site_it->second);
      if (!job->any_site &&
          std::find(site.staff.begin(), site.staff.end(), job->username) == site.staff.end()) {
        reject({s.line, "site", std::string(job->username) + " is not on the staff of test site " + site.code});
        continue;
      }
      if (!ValidBarcode(s.tube)) {
        reject({s.line, "tube", "'" + s.tube + "' is not a tube barcode (1–32 letters, digits, '-' or '_')"});
        continue;
      }
      const Millis at = s.at == 0 ? now : s.at;
      if (at < r.starts_at || at >= r.ends_at) {
        reject({s.line, "at", FormatShanghai(at) + " is outside the round (" + r.meta.starts_on + " to " +
                                  r.meta.ends_on + ")"});
        continue;
      }
      if (at > now + kFutureSlackMs) {
        reject({s.line, "at", FormatShanghai(at) + " is in the future"});
        continue;
      }
      LineError err;
      const uint32_t person = ResolvePerson(s, err);
      if (person == 0) {
        reject(std::move(err));
        continue;
      }
      if (r.tube_of.size() <= person) {  // caught up by an earlier line of this batch
        r.tube_of.resize(e.unit_of.size(), 0);
        r.due.resize(e.unit_of.size(), kNotDue);
      }
      uint32_t tube_id = 0;
      const TubeRec* tube = FindTube(e, st, s.tube, tube_id);
      OpenFollowup* followup = nullptr;
      if (s.retest) {
        followup = OpenFollowupOf(e, person, s.round_id);
        if (followup == nullptr) {
          reject({s.line, Field(s), "resident " + std::to_string(person) + " has no retest due in round " +
                                        std::to_string(s.round_id)});
          continue;
        }
        std::string already = followup->retest_tube;
        if (auto rt = st.retested.find(person); rt != st.retested.end()) already = st.tubes.at(rt->second).barcode;
        if (!already.empty()) {
          if (already == s.tube) {
            ++rep.already;
            if (outcomes) rep.outcomes.push_back({"already", {s.tube, 1, 1, true}, person});
          } else {
            reject({s.line, Field(s), "resident " + std::to_string(person) + " was already retested on tube " +
                                          already});
          }
          continue;
        }
      } else {
        uint32_t prior = r.tube_of[person];
        if (auto sp = st.sampled.find(PersonKey(s.round_id, person)); sp != st.sampled.end()) prior = sp->second;
        if (prior != 0) {
          const std::string& prior_code =
              st.tubes.contains(prior) ? st.tubes.at(prior).barcode : e.tubes[prior].barcode;
          if (tube != nullptr && prior == tube_id) {
            ++rep.already;
            if (outcomes) rep.outcomes.push_back({"already",
                                    {tube->barcode, static_cast<int>(tube->members.size()), tube->capacity,
                                     tube->closed},
                                    person});
          } else {
            reject({s.line, Field(s), "resident " + std::to_string(person) + " was already sampled in round " +
                                          std::to_string(s.round_id) + " on tube " + prior_code});
          }
          continue;
        }
      }
      if (tube != nullptr) {
        if (tube->round_id != s.round_id) {
          reject({s.line, "tube", "tube " + s.tube + " belongs to round " + std::to_string(tube->round_id)});
          continue;
        }
        if (tube->site_id != site.id) {
          reject({s.line, "tube", "tube " + s.tube + " was opened at another test site"});
          continue;
        }
        if ((tube->kind == TubeKind::kRetest) != s.retest) {
          reject({s.line, "tube", "tube " + s.tube + (s.retest ? " is not a retest tube" : " is a retest tube")});
          continue;
        }
        if (tube->closed) {
          reject({s.line, "tube", "tube " + s.tube + " is closed and takes no one"});
          continue;
        }
      } else {
        tube_id = next_id++;
        TubeRec t;
        t.barcode = s.tube;
        t.round_id = s.round_id;
        t.site_id = site.id;
        t.kind = s.retest ? TubeKind::kRetest : r.meta.pool_size == 1 ? TubeKind::kSingle : TubeKind::kPool;
        t.capacity = static_cast<uint8_t>(s.retest ? 1 : r.meta.pool_size);
        t.opened_at = at;
        st.tubes.emplace(tube_id, std::move(t));
        st.new_barcodes.emplace(s.tube, tube_id);
        st.new_order.push_back(tube_id);
      }
      TubeRec& t = Mutable(e, st, tube_id);
      t.members.push_back(person);
      t.secs.push_back(static_cast<int32_t>(std::max<Millis>(0, at - t.opened_at) / 1000));
      if (t.members.size() >= t.capacity || s.close_after) {
        t.closed = true;
        t.closed_at = at;
      }
      if (s.retest) {
        st.retested[person] = tube_id;
        st.followups.push_back({followup->id, person, t.barcode});
      } else {
        st.sampled[PersonKey(s.round_id, person)] = tube_id;
        st.samples.push_back({s.round_id, person, tube_id, at});
      }
      ++rep.accepted;
      if (outcomes) {
        rep.outcomes.push_back(
            {"registered", {t.barcode, static_cast<int>(t.members.size()), t.capacity, t.closed}, person});
      }
    }
  }

  if (!st.tubes.empty()) {
    Status s = store_.CheckedBulkTx([&](store::Conn& c) -> Status {
      if (!st.new_order.empty()) {
        TC_ASSIGN_OR_RETURN(auto bulk, c.Bulk("test_tubes", {"id", "barcode", "round_id", "site_id", "kind",
                                                             "capacity", "members", "member_secs", "opened_at",
                                                             "closed_at", "box", "lab_id", "sent_at", "result", "ct",
                                                             "resulted_at", "result_by"}));
        for (uint32_t id : st.new_order) {
          const TubeRec& t = st.tubes.at(id);
          TC_RETURN_IF_ERROR(bulk->Add({int64_t{id}, t.barcode, t.round_id, t.site_id, std::string(KindName(t.kind)),
                                        int64_t{t.capacity}, JoinInts(t.members), JoinInts(t.secs), t.opened_at,
                                        t.closed_at, std::string(), int64_t{0}, int64_t{0}, std::string(), 0.0,
                                        int64_t{0}, std::string()}));
        }
        TC_RETURN_IF_ERROR(bulk->Finish().status());
      }
      for (const auto& [id, t] : st.tubes) {
        if (st.new_barcodes.contains(t.barcode)) continue;
        TC_RETURN_IF_ERROR(c.Exec("UPDATE test_tubes SET members = ?, member_secs = ?, closed_at = ? WHERE id = ?",
                                  {JoinInts(t.members), JoinInts(t.secs), t.closed_at, int64_t{id}})
                               .status());
      }
      for (const auto& f : st.followups) {
        TC_RETURN_IF_ERROR(c.Exec("UPDATE test_followups SET status = 'sampled', retest_tube = ?, updated_at = ? "
                                  "WHERE id = ?",
                                  {f.tube, now, f.id})
                               .status());
      }
      for (EngineBox::Job* job : jobs) {
        if (job->report.accepted == 0) continue;
        nlohmann::json detail = {{"lines", job->report.received}, {"accepted", job->report.accepted},
                                 {"already", job->report.already}, {"rejected", job->report.rejected}};
        if (job->scans.size() == 1) {
          detail["tube"] = job->scans[0].tube;
          detail["person_id"] = job->report.outcomes.empty() ? 0 : job->report.outcomes[0].person_id;
        }
        TC_RETURN_IF_ERROR(audit::Append(c, {.actor = job->by->name, .action = "testing.scan",
                                             .target = "test_round:" + std::to_string(job->scans[0].round_id),
                                             .detail = detail.dump(), .request_id = job->by->request_id},
                                         now));
      }
      return Status::Ok();
    });
    if (!s.ok()) {
      for (EngineBox::Job* job : jobs) {
        job->report.status = s;
        job->report.accepted = 0;
        job->report.outcomes.clear();
      }
      return;
    }
  }

  // Committed: apply.
  std::unique_lock lock(box_->mu);
  for (uint32_t id : st.new_order) {
    if (e.tubes.size() <= id) e.tubes.resize(id + 1);
  }
  for (auto& [id, t] : st.tubes) {
    const bool is_new = st.new_barcodes.contains(t.barcode);
    RoundState& r = e.rounds.at(t.round_id);
    auto& site = r.sites[t.site_id];
    if (is_new) {
      ++r.tubes;
      ++site.tubes;
      if (t.closed) {
        ++r.closed;
      } else {
        ++site.open_tubes;
      }
      e.tube_by_barcode[t.barcode] = id;
    } else if (t.closed && !e.tubes[id].closed) {
      ++r.closed;
      --site.open_tubes;
    }
    site.sampled += static_cast<int64_t>(t.members.size() - (is_new ? 0 : e.tubes[id].members.size()));
    e.tubes[id] = std::move(t);
  }
  for (const auto& sm : st.samples) {
    RoundState& r = e.rounds.at(sm.round);
    r.tube_of[sm.person] = sm.tube;
    e.CountSample(r, sm.person, sm.at);
  }
  for (const auto& f : st.followups) {
    if (OpenFollowup* o = OpenFollowupOf(e, f.person, e.tubes[e.tube_by_barcode[f.tube]].round_id)) o->retest_tube = f.tube;
    e.retests_of[f.person].push_back(e.tube_by_barcode[f.tube]);
  }
}

Result<TubeBrief> Screening::CloseTube(std::string_view barcode, std::string_view username, bool any_site,
                                       const audit::Actor& by) {
  std::lock_guard write(box_->write_mu);
  Engine& e = box_->engine;
  auto it = e.tube_by_barcode.find(std::string(barcode));
  if (it == e.tube_by_barcode.end()) return NoSuch("tube " + std::string(barcode));
  const uint32_t id = it->second;
  const TubeRec& t = e.tubes[id];
  TubeBrief brief{t.barcode, static_cast<int>(t.members.size()), t.capacity, true};
  if (t.closed) return brief;
  const Site& site = e.sites.at(t.site_id);
  if (!any_site && std::find(site.staff.begin(), site.staff.end(), username) == site.staff.end()) {
    return PermissionDenied(std::string(username) + " is not on the staff of test site " + site.code);
  }
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("UPDATE test_tubes SET closed_at = ? WHERE id = ?", {now, int64_t{id}}).status());
    nlohmann::json detail = {{"members", t.members.size()}};
    return audit::Append(c, {.actor = by.name, .action = "testing.tube.close", .target = "test_tube:" + t.barcode,
                             .detail = detail.dump(), .request_id = by.request_id}, now);
  }));
  std::unique_lock lock(box_->mu);
  TubeRec& m = e.tubes[id];
  m.closed = true;
  m.closed_at = now;
  RoundState& r = e.rounds.at(m.round_id);
  ++r.closed;
  --r.sites[m.site_id].open_tubes;
  return brief;
}

Result<int64_t> Screening::Ship(const Shipment& shipment, const audit::Actor& by) {
  std::lock_guard write(box_->write_mu);
  Engine& e = box_->engine;
  Status invalid = InvalidArgument("the shipment is not valid");
  if (shipment.box.empty() || shipment.box.size() > 64) invalid.AddFieldError("box", "is required (at most 64 bytes)");
  auto lab = e.lab_by_code.find(shipment.lab_code);
  if (lab == e.lab_by_code.end()) invalid.AddFieldError("lab", "lab '" + shipment.lab_code + "' does not exist");
  if (shipment.tubes.empty()) invalid.AddFieldError("tubes", "name at least one tube");
  if (shipment.tubes.size() > 10'000) invalid.AddFieldError("tubes", "at most 10,000 tubes a box");
  std::vector<uint32_t> ids;
  for (size_t i = 0; i < shipment.tubes.size(); ++i) {
    const std::string field = "tubes[" + std::to_string(i) + "]";
    auto it = e.tube_by_barcode.find(shipment.tubes[i]);
    if (it == e.tube_by_barcode.end()) {
      invalid.AddFieldError(field, "tube " + shipment.tubes[i] + " was never registered");
    } else if (!e.tubes[it->second].closed) {
      invalid.AddFieldError(field, "tube " + shipment.tubes[i] + " is still open");
    } else if (e.tubes[it->second].sent_at != 0 && e.tubes[it->second].box != shipment.box) {
      invalid.AddFieldError(field, "tube " + shipment.tubes[i] + " was already shipped in box " +
                                       e.tubes[it->second].box);
    } else {
      ids.push_back(it->second);
    }
  }
  if (!invalid.field_errors().empty()) return invalid;
  const Millis at = shipment.handed_over_at == 0 ? clock_.Now() : shipment.handed_over_at;
  const int64_t lab_id = lab->second;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    for (uint32_t id : ids) {
      TC_RETURN_IF_ERROR(c.Exec("UPDATE test_tubes SET box = ?, lab_id = ?, sent_at = ? WHERE id = ?",
                                {shipment.box, lab_id, at, int64_t{id}})
                             .status());
    }
    nlohmann::json detail = {{"box", shipment.box}, {"lab", shipment.lab_code}, {"tubes", ids.size()}};
    return audit::Append(c, {.actor = by.name, .action = "testing.ship", .target = "test_lab:" + shipment.lab_code,
                             .detail = detail.dump(), .request_id = by.request_id}, at);
  }));
  std::unique_lock lock(box_->mu);
  for (uint32_t id : ids) {
    TubeRec& t = e.tubes[id];
    if (t.sent_at == 0) ++e.rounds.at(t.round_id).shipped;
    t.box = shipment.box;
    t.lab_id = lab_id;
    t.sent_at = at;
  }
  return static_cast<int64_t>(ids.size());
}

ResultReport Screening::Report(std::span<const TubeResult> results, const audit::Actor& by, size_t max_errors) {
  std::lock_guard write(box_->write_mu);
  Engine& e = box_->engine;
  const Millis now = clock_.Now();
  ResultReport rep;
  auto reject = [&](LineError err) {
    ++rep.rejected;
    if (rep.errors.size() < max_errors) rep.errors.push_back(std::move(err));
  };
  struct Applied {
    uint32_t tube;
    TubeResultCode result;
    double ct;
    int64_t lab_id;
    Millis at;
  };
  std::vector<Applied> applied;
  std::unordered_map<uint32_t, TubeResultCode> in_batch;
  for (const TubeResult& r : results) {
    ++rep.received;
    auto it = e.tube_by_barcode.find(r.tube);
    if (it == e.tube_by_barcode.end()) {
      reject({r.line, "tube", "tube " + r.tube + " was never registered"});
      continue;
    }
    const uint32_t id = it->second;
    const TubeRec& t = e.tubes[id];
    const TubeResultCode code = ParseResult(r.result);
    if (code == TubeResultCode::kNone) {
      reject({r.line, "result", "'" + r.result + "' is not negative, positive or invalid"});
      continue;
    }
    if (!(r.ct >= 0 && r.ct <= 60)) {
      reject({r.line, "ct", "a Ct value is between 0 and 60"});
      continue;
    }
    int64_t lab_id = t.lab_id;
    if (!r.lab_code.empty()) {
      auto lab = e.lab_by_code.find(r.lab_code);
      if (lab == e.lab_by_code.end()) {
        reject({r.line, "lab", "lab '" + r.lab_code + "' does not exist"});
        continue;
      }
      if (t.lab_id != 0 && t.lab_id != lab->second) {
        reject({r.line, "lab", "tube " + r.tube + " was shipped to lab " + e.labs.at(t.lab_id).code + ", not " +
                                   r.lab_code});
        continue;
      }
      lab_id = lab->second;
    }
    if (!t.closed) {
      reject({r.line, "tube", "tube " + r.tube + " is still open at its test site; close it before a result"});
      continue;
    }
    TubeResultCode prior = t.result;
    if (auto b = in_batch.find(id); b != in_batch.end()) prior = b->second;
    if (prior != TubeResultCode::kNone) {
      if (prior == code) {
        ++rep.already;
      } else {
        reject({r.line, "result", "tube " + r.tube + " already has the result " + std::string(ResultName(prior)) +
                                      "; a different result needs a new tube"});
      }
      continue;
    }
    const Millis at = r.at == 0 ? now : r.at;
    if (at < t.closed_at) {
      reject({r.line, "at", "the result time is before tube " + r.tube + " was closed"});
      continue;
    }
    in_batch[id] = code;
    applied.push_back({id, code, r.ct, lab_id, at});
  }
  if (applied.empty()) return rep;

  // The fan-out: follow-ups for the members of positive and invalid pools; events.
  struct NewFollowup {
    uint32_t tube, person;
    std::string reason, building, unit, path;
  };
  std::vector<NewFollowup> new_followups;
  struct Closing {
    int64_t id;
    uint32_t person;
    int64_t round;
    std::string outcome;  // negative | positive | "" (invalid: retest again)
  };
  std::vector<Closing> closings;
  std::vector<std::pair<std::string, nlohmann::json>> events;
  std::vector<std::string> positive_codes;
  for (const Applied& a : applied) {
    const TubeRec& t = e.tubes[a.tube];
    const bool bad = a.result == TubeResultCode::kPositive || a.result == TubeResultCode::kInvalid;
    const std::string result(ResultName(a.result));
    if (t.kind == TubeKind::kPool && t.members.size() > 1 && bad) {
      ++rep.positive_tubes;
      positive_codes.push_back(t.barcode);
      nlohmann::json members = nlohmann::json::array();
      for (uint32_t p : t.members) {
        const int32_t unit = e.UnitOf(p);
        const AreaRec* u = unit >= 0 ? &e.areas[unit] : nullptr;
        const AreaRec* b = u != nullptr && u->parent >= 0 ? &e.areas[u->parent] : nullptr;
        NewFollowup f{a.tube, p, result, b ? b->code : "", u ? u->code : "", u ? u->path : "/"};
        members.push_back({{"resident_id", p}, {"building", f.building}, {"unit", f.unit}});
        if (OpenFollowupOf(e, p, t.round_id) == nullptr) new_followups.push_back(std::move(f));
      }
      events.emplace_back("TubePositive", nlohmann::json{{"round_id", t.round_id},
                                                         {"tube", t.barcode},
                                                         {"result", result},
                                                         {"ct", a.ct},
                                                         {"at", a.at},
                                                         {"members", members}});
      continue;
    }
    // An individual tube (single, retest, or a pool of one).
    for (uint32_t p : t.members) {
      if (a.result == TubeResultCode::kPositive) {
        ++rep.positive_tubes;
        positive_codes.push_back(t.barcode);
        events.emplace_back("IndividualPositive", nlohmann::json{{"round_id", t.round_id},
                                                                 {"tube", t.barcode},
                                                                 {"kind", std::string(KindName(t.kind))},
                                                                 {"resident_id", p},
                                                                 {"ct", a.ct},
                                                                 {"at", a.at}});
      }
      if (t.kind == TubeKind::kRetest) {
        if (OpenFollowup* o = OpenFollowupOf(e, p, t.round_id); o != nullptr && o->retest_tube == t.barcode) {
          closings.push_back({o->id, p, t.round_id,
                              a.result == TubeResultCode::kInvalid ? std::string() : result});
          if (a.result != TubeResultCode::kInvalid) {
            events.emplace_back("FollowupClosed", nlohmann::json{{"round_id", t.round_id},
                                                                 {"followup_id", o->id},
                                                                 {"resident_id", p},
                                                                 {"tube", t.barcode},
                                                                 {"outcome", result},
                                                                 {"at", a.at}});
          }
        }
      }
    }
  }

  std::vector<int64_t> followup_ids(new_followups.size(), 0);
  Status s = store_.Tx([&](store::Conn& c) -> Status {
    // Many tubes per statement (a VALUES list joined to the table), the same SQL on
    // both stores; a result batch from a lab is hundreds of thousands of tubes.
    constexpr size_t kChunk = 200;
    for (size_t i = 0; i < applied.size(); i += kChunk) {
      const size_t n = std::min(kChunk, applied.size() - i);
      std::string sql = "WITH v(id, result, ct, at, lab) AS (VALUES ";
      store::Params params;
      params.reserve(n * 5 + 1);
      for (size_t k = 0; k < n; ++k) {
        const Applied& a = applied[i + k];
        sql += k ? ", " : "";
        sql += "(CAST(? AS BIGINT), ?, CAST(? AS DOUBLE PRECISION), CAST(? AS BIGINT), CAST(? AS BIGINT))";
        params.emplace_back(int64_t{a.tube});
        params.emplace_back(std::string(ResultName(a.result)));
        params.emplace_back(a.ct);
        params.emplace_back(a.at);
        params.emplace_back(a.lab_id);
      }
      sql += ") UPDATE test_tubes SET result = v.result, ct = v.ct, resulted_at = v.at, lab_id = v.lab, "
             "result_by = ? FROM v WHERE test_tubes.id = v.id";
      params.emplace_back(by.name);
      TC_ASSIGN_OR_RETURN(auto done, c.Exec(sql, params));
      if (done.affected != static_cast<int64_t>(n)) {
        return Internal("results: " + std::to_string(done.affected) + " of " + std::to_string(n) + " tubes updated");
      }
    }
    for (size_t i = 0; i < new_followups.size(); ++i) {
      const auto& f = new_followups[i];
      TC_ASSIGN_OR_RETURN(auto rows,
                          c.Query("INSERT INTO test_followups (round_id, tube_id, reason, person_id, building_code, "
                                  "unit_code, area_path, status, isolation, retest_tube, outcome, created_at, "
                                  "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'open', 'home', '', '', ?, ?) RETURNING id",
                                  {e.tubes[f.tube].round_id, int64_t{f.tube}, f.reason, int64_t{f.person}, f.building,
                                   f.unit, f.path, now, now}));
      followup_ids[i] = rows[0].Int(0);
    }
    for (const auto& cl : closings) {
      if (cl.outcome.empty()) {  // invalid retest: due again
        TC_RETURN_IF_ERROR(c.Exec("UPDATE test_followups SET status = 'open', retest_tube = '', updated_at = ? "
                                  "WHERE id = ?",
                                  {now, cl.id})
                               .status());
      } else {
        TC_RETURN_IF_ERROR(c.Exec("UPDATE test_followups SET status = 'closed', outcome = ?, isolation = ?, "
                                  "updated_at = ? WHERE id = ?",
                                  {cl.outcome, std::string(cl.outcome == "negative" ? "lifted" : "home"), now, cl.id})
                               .status());
      }
    }
    for (const auto& [type, payload] : events) TC_RETURN_IF_ERROR(events::Publish(c, type, payload.dump(), now));
    nlohmann::json detail = {{"results", applied.size()},
                             {"already", rep.already},
                             {"rejected", rep.rejected},
                             {"positive", positive_codes},
                             {"followups", new_followups.size()}};
    return audit::Append(c, {.actor = by.name, .action = "testing.result", .target = "test_results",
                             .detail = detail.dump(), .request_id = by.request_id}, now);
  });
  if (!s.ok()) {
    // Nothing was written: every line of this call is unapplied.
    rep.rejected += static_cast<int64_t>(applied.size());
    rep.positive_tubes = 0;
    if (rep.errors.size() < max_errors) rep.errors.push_back({0, "", "the results were not saved: " + s.message()});
    return rep;
  }
  rep.applied = static_cast<int64_t>(applied.size());
  rep.followups = static_cast<int64_t>(new_followups.size());

  std::unique_lock lock(box_->mu);
  for (const Applied& a : applied) {
    TubeRec& t = e.tubes[a.tube];
    t.result = a.result;
    t.ct = a.ct;
    t.resulted_at = a.at;
    t.result_by = by.name;
    t.lab_id = a.lab_id;
    e.CountResult(e.rounds.at(t.round_id), t);
  }
  for (size_t i = 0; i < new_followups.size(); ++i) {
    const auto& f = new_followups[i];
    e.open_followups[f.person].push_back({followup_ids[i], e.tubes[f.tube].round_id, ""});
  }
  for (const auto& cl : closings) {
    auto& list = e.open_followups[cl.person];
    for (auto it = list.begin(); it != list.end(); ++it) {
      if (it->id != cl.id) continue;
      if (cl.outcome.empty()) {
        it->retest_tube.clear();
      } else {
        list.erase(it);
      }
      break;
    }
  }
  return rep;
}

}  // namespace tc::screening
