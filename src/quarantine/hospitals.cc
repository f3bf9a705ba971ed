#include "quarantine/hospitals.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>

#include "registry/lookup.h"

namespace tc::quarantine {
namespace {

constexpr int64_t kMaxBeds = 100'000;
constexpr const char* kHospitalColumns =
    "id, name, kind, district_code, area_path, beds_ordinary, beds_severe, beds_icu, created_by, created_at";
constexpr const char* kAdmissionColumns =
    "a.id, a.case_id, a.resident_id, a.hospital_id, a.bed_kind, a.admitted_at, a.admitted_by, a.discharged_at, "
    "a.discharged_by, a.outcome, h.name, h.area_path";

bool Covers(std::string_view under, std::string_view path) {
  return under.empty() || under == "/" || path.starts_with(under);
}

std::string Kind(int k) { return std::string(BedKindName(k)); }

Status CheckBeds(const BedCounts& beds) {
  for (int k = 0; k < kBedKinds; ++k) {
    if (beds[k] < 0 || beds[k] > kMaxBeds) {
      return FieldInvalid("beds." + Kind(k), "beds." + Kind(k) + " must be 0–" + std::to_string(kMaxBeds));
    }
  }
  return Status::Ok();
}

// Resident names for records that carry resident ids.
template <typename T>
Status FillNames(store::Conn& c, std::vector<T>& items) {
  std::vector<int64_t> ids;
  for (const auto& x : items) ids.push_back(x.resident_id);
  TC_ASSIGN_OR_RETURN(auto people, registry::PeopleById(c, ids));
  std::map<int64_t, std::string> names;
  for (const auto& p : people) names[p.id] = p.name;
  for (auto& x : items) x.resident_name = names[x.resident_id];
  return Status::Ok();
}

}  // namespace

std::string_view HospitalKindName(HospitalKind k) {
  switch (k) {
    case HospitalKind::kDesignated:
      return "designated";
    case HospitalKind::kFeverClinic:
      return "fever_clinic";
    case HospitalKind::kBoth:
      return "both";
  }
  return "";
}

bool ParseHospitalKind(std::string_view s, HospitalKind* out) {
  for (HospitalKind k : {HospitalKind::kDesignated, HospitalKind::kFeverClinic, HospitalKind::kBoth}) {
    if (HospitalKindName(k) == s) {
      *out = k;
      return true;
    }
  }
  return false;
}

bool ParseBedKind(std::string_view s, int* out) {
  for (int k = 0; k < kBedKinds; ++k) {
    if (BedKindName(k) == s) {
      *out = k;
      return true;
    }
  }
  return false;
}

std::string_view DischargeOutcomeName(DischargeOutcome o) {
  switch (o) {
    case DischargeOutcome::kRecovered:
      return "recovered";
    case DischargeOutcome::kDied:
      return "died";
    case DischargeOutcome::kReferred:
      return "referred";
    case DischargeOutcome::kTransferred:
      return "transferred";
  }
  return "";
}

bool ParseDischargeOutcome(std::string_view s, DischargeOutcome* out) {
  for (DischargeOutcome o : {DischargeOutcome::kRecovered, DischargeOutcome::kDied, DischargeOutcome::kReferred,
                             DischargeOutcome::kTransferred}) {
    if (DischargeOutcomeName(o) == s) {
      *out = o;
      return true;
    }
  }
  return false;
}

std::string DistrictOfPath(std::string_view path) {
  const size_t a = path.find('/', 1);
  if (path.empty() || path[0] != '/' || a == std::string_view::npos) return "";
  const size_t b = path.find('/', a + 1);
  if (b == std::string_view::npos) return "";
  return std::string(path.substr(a + 1, b - a - 1));
}

int64_t SuggestHospital(const std::vector<Hospital>& hospitals, std::string_view district_code) {
  const Hospital* best = nullptr;
  int64_t best_free = 0;
  bool best_local = false;
  for (const Hospital& h : hospitals) {
    if (!AdmitsCases(h.kind)) continue;
    const int64_t free = h.Free(kOrdinary) - h.awaiting_suggested;
    if (free <= 0) continue;
    const bool local = !district_code.empty() && h.district_code == district_code;
    // In the district first, then the most free beds, then the lowest id (the list is by id).
    if (!best || (local && !best_local) || (local == best_local && free > best_free)) {
      best = &h;
      best_free = free;
      best_local = local;
    }
  }
  return best ? best->id : 0;
}

Result<std::vector<Hospital>> Hospitals::LoadHospitals(store::Conn& c, std::string_view where,
                                                       const store::Params& p) const {
  TC_ASSIGN_OR_RETURN(auto rows,
                      c.Query(std::string("SELECT ") + kHospitalColumns + " FROM hospitals " + std::string(where), p));
  std::vector<Hospital> out;
  std::map<int64_t, size_t> at;
  for (const auto& r : rows.rows) {
    Hospital h;
    h.id = r.Int(0);
    h.name = r.Text(1);
    ParseHospitalKind(r.Text(2), &h.kind);
    h.district_code = r.Text(3);
    h.area_path = r.Text(4);
    h.beds = {r.Int(5), r.Int(6), r.Int(7)};
    h.created_by = r.Text(8);
    h.created_at = r.Int(9);
    at[h.id] = out.size();
    out.push_back(std::move(h));
  }
  if (out.empty()) return out;
  // Open stays and waiting suggestions are few (beds in use, cases waiting): counted whole.
  TC_ASSIGN_OR_RETURN(auto occ, c.Query("SELECT hospital_id, bed_kind, COUNT(*) FROM hospital_admissions WHERE "
                                        "discharged_at = 0 GROUP BY hospital_id, bed_kind"));
  for (const auto& r : occ.rows) {
    int k = 0;
    auto it = at.find(r.Int(0));
    if (it != at.end() && ParseBedKind(r.Text(1), &k)) out[it->second].occupied[k] = r.Int(2);
  }
  TC_ASSIGN_OR_RETURN(auto sug, c.Query("SELECT suggested_hospital_id, COUNT(*) FROM hospital_awaiting WHERE "
                                        "admission_id = 0 AND suggested_hospital_id <> 0 GROUP BY suggested_hospital_id"));
  for (const auto& r : sug.rows) {
    if (auto it = at.find(r.Int(0)); it != at.end()) out[it->second].awaiting_suggested = r.Int(1);
  }
  return out;
}

Result<std::vector<Admission>> Hospitals::LoadAdmissions(store::Conn& c, std::string_view where,
                                                         const store::Params& p) const {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kAdmissionColumns +
                                             " FROM hospital_admissions a JOIN hospitals h ON h.id = a.hospital_id " +
                                             std::string(where),
                                         p));
  std::vector<Admission> out;
  for (const auto& r : rows.rows) {
    Admission a;
    a.id = r.Int(0);
    a.case_id = r.Int(1);
    a.resident_id = r.Int(2);
    a.hospital_id = r.Int(3);
    ParseBedKind(r.Text(4), &a.bed_kind);
    a.admitted_at = r.Int(5);
    a.admitted_by = r.Text(6);
    a.discharged_at = r.Int(7);
    a.discharged_by = r.Text(8);
    a.outcome = r.Text(9);
    a.hospital_name = r.Text(10);
    a.hospital_path = r.Text(11);
    out.push_back(std::move(a));
  }
  TC_RETURN_IF_ERROR(FillNames(c, out));
  return out;
}

Result<Hospital> Hospitals::Create(const NewHospital& n, std::string_view under_path, const audit::Actor& by) {
  if (n.name.empty() || n.name.size() > 200) return FieldInvalid("name", "name must be 1–200 bytes");
  TC_RETURN_IF_ERROR(CheckBeds(n.beds));
  const Millis now = clock_.Now();
  int64_t id = 0;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    auto path = registry::AreaPath(c, n.district_code);
    if (!path.ok() || !Covers(under_path, *path)) return NoSuch("area '" + n.district_code + "'");
    if (DistrictOfPath(*path) != n.district_code) {
      return FieldInvalid("district_code", "area '" + n.district_code + "' is not a district");
    }
    TC_ASSIGN_OR_RETURN(auto same, c.Query("SELECT id FROM hospitals WHERE name = ?", {n.name}));
    if (!same.empty()) return Conflict("hospital '" + n.name + "' already exists (hospital " + same[0].Text(0) + ")");
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO hospitals (name, kind, district_code, area_path, beds_ordinary, "
                                           "beds_severe, beds_icu, created_by, created_at, updated_at) VALUES "
                                           "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                           {n.name, std::string(HospitalKindName(n.kind)), n.district_code, *path,
                                            n.beds[kOrdinary], n.beds[kSevere], n.beds[kIcu], by.name, now, now}));
    id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "hospital.create", .target = "hospital:" + std::to_string(id),
                             .area_path = *path,
                             .detail = nlohmann::json{{"name", n.name},
                                                      {"kind", HospitalKindName(n.kind)},
                                                      {"beds", n.beds}}
                                           .dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return Get(id, under_path);
}

Result<Hospital> Hospitals::Get(int64_t id, std::string_view under_path) const {
  std::vector<Hospital> got;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(got, LoadHospitals(c, "WHERE id = ?", {id}));
    return Status::Ok();
  }));
  if (got.empty() || !Covers(under_path, got[0].area_path)) return NoSuch("hospital " + std::to_string(id));
  return got[0];
}

Result<std::vector<Hospital>> Hospitals::List(std::string_view under_path) const {
  std::string where = "WHERE 1 = 1";
  store::Params p;
  if (!under_path.empty() && under_path != "/") {
    where += " AND area_path >= ? AND area_path < ?";
    p.emplace_back(std::string(under_path));
    p.emplace_back(store::PrefixEnd(under_path));
  }
  where += " ORDER BY id";
  std::vector<Hospital> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(out, LoadHospitals(c, where, p));
    return Status::Ok();
  }));
  return out;
}

Result<Hospital> Hospitals::Update(int64_t id, const HospitalUpdate& u, std::string_view under_path,
                                   const audit::Actor& by) {
  if (u.name.size() > 200) return FieldInvalid("name", "name must be 1–200 bytes");
  HospitalKind kind{};
  if (!u.kind.empty() && !ParseHospitalKind(u.kind, &kind)) {
    return FieldInvalid("kind", "'" + u.kind + "' is not designated, fever_clinic or both");
  }
  if (u.set_beds) TC_RETURN_IF_ERROR(CheckBeds(u.beds));
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    // Lock the row first: an admission to it waits, so the occupancy read stays true.
    TC_RETURN_IF_ERROR(c.Exec("UPDATE hospitals SET updated_at = ? WHERE id = ?", {now, id}).status());
    TC_ASSIGN_OR_RETURN(auto got, LoadHospitals(c, "WHERE id = ?", {id}));
    if (got.empty() || !Covers(under_path, got[0].area_path)) return NoSuch("hospital " + std::to_string(id));
    Hospital h = got[0];
    const std::string old_name = h.name;
    if (!u.name.empty() && u.name != h.name) {
      TC_ASSIGN_OR_RETURN(auto same, c.Query("SELECT id FROM hospitals WHERE name = ?", {u.name}));
      if (!same.empty()) return Conflict("hospital '" + u.name + "' already exists (hospital " + same[0].Text(0) + ")");
      h.name = u.name;
    }
    if (!u.kind.empty()) h.kind = kind;
    if (u.set_beds) h.beds = u.beds;
    for (int k = 0; k < kBedKinds; ++k) {
      if (h.beds[k] < h.occupied[k]) {
        return Conflict("hospital '" + old_name + "' has " + std::to_string(h.occupied[k]) + " " + Kind(k) +
                        " beds taken; beds." + Kind(k) + " cannot fall to " + std::to_string(h.beds[k]));
      }
    }
    const int64_t in = h.occupied[0] + h.occupied[1] + h.occupied[2];
    if (!AdmitsCases(h.kind) && in > 0) {
      return Conflict("hospital '" + old_name + "' has " + std::to_string(in) +
                      " cases in its beds; it cannot become a fever clinic only");
    }
    TC_RETURN_IF_ERROR(c.Exec("UPDATE hospitals SET name = ?, kind = ?, beds_ordinary = ?, beds_severe = ?, "
                              "beds_icu = ?, updated_at = ? WHERE id = ?",
                              {h.name, std::string(HospitalKindName(h.kind)), h.beds[kOrdinary], h.beds[kSevere],
                               h.beds[kIcu], now, id})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "hospital.update", .target = "hospital:" + std::to_string(id),
                             .area_path = h.area_path,
                             .detail = nlohmann::json{{"name", h.name},
                                                      {"kind", HospitalKindName(h.kind)},
                                                      {"beds", h.beds}}
                                           .dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return Get(id, under_path);
}

Status Hospitals::CheckRoom(store::Conn& c, const Hospital& h, int bed_kind, Millis now) const {
  if (!AdmitsCases(h.kind)) {
    return Conflict("hospital '" + h.name + "' is a fever clinic only; cases are admitted to designated hospitals");
  }
  // The row lock serialises admissions to this hospital (PostgreSQL; SQLite has one writer).
  TC_RETURN_IF_ERROR(c.Exec("UPDATE hospitals SET updated_at = ? WHERE id = ?", {now, h.id}).status());
  TC_ASSIGN_OR_RETURN(auto taken, c.Query("SELECT COUNT(*) FROM hospital_admissions WHERE hospital_id = ? AND "
                                          "bed_kind = ? AND discharged_at = 0",
                                          {h.id, Kind(bed_kind)}));
  const int64_t in = taken[0].Int(0);
  if (in >= h.beds[bed_kind]) {
    return Conflict("hospital '" + h.name + "' has no free " + Kind(bed_kind) + " bed: " + std::to_string(in) +
                    " of " + std::to_string(h.beds[bed_kind]) + " taken");
  }
  return Status::Ok();
}

Result<Admission> Hospitals::Admit(const AdmitRequest& r, std::string_view under_path, const audit::Actor& by) {
  if (r.bed_kind < 0 || r.bed_kind >= kBedKinds) return FieldInvalid("bed_kind", "is not ordinary, severe or icu");
  const Millis now = clock_.Now();
  const std::string what = "case " + std::to_string(r.case_id) + " awaiting a bed";
  int64_t id = 0;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto wait, c.Query("SELECT w.resident_id, w.area_path, w.suggested_hospital_id, w.admission_id, "
                                           "h.area_path FROM hospital_awaiting w LEFT JOIN hospitals h ON "
                                           "h.id = w.suggested_hospital_id WHERE w.case_id = ?",
                                           {r.case_id}));
    if (wait.empty()) return NoSuch(what);
    const store::Row& w = wait[0];
    if (!Covers(under_path, w.Text(1)) && (w.IsNull(4) || !Covers(under_path, w.Text(4)))) return NoSuch(what);
    if (w.Int(3) != 0) {
      TC_ASSIGN_OR_RETURN(auto open, LoadAdmissions(c, "WHERE a.case_id = ? AND a.discharged_at = 0", {r.case_id}));
      if (!open.empty()) {
        return Conflict("case " + std::to_string(r.case_id) + " is already admitted to '" + open[0].hospital_name +
                        "' (" + Kind(open[0].bed_kind) + " bed, admission " + std::to_string(open[0].id) + ")");
      }
      return Conflict("case " + std::to_string(r.case_id) + " was admitted and discharged (admission " +
                      std::to_string(w.Int(3)) + ")");
    }
    const int64_t hospital_id = r.hospital_id ? r.hospital_id : w.Int(2);
    if (hospital_id == 0) {
      return FieldInvalid("hospital_id", "case " + std::to_string(r.case_id) + " has no suggested hospital; name one");
    }
    TC_ASSIGN_OR_RETURN(auto hs, LoadHospitals(c, "WHERE id = ?", {hospital_id}));
    if (hs.empty() || !Covers(under_path, hs[0].area_path)) return NoSuch("hospital " + std::to_string(hospital_id));
    TC_RETURN_IF_ERROR(CheckRoom(c, hs[0], r.bed_kind, now));
    TC_ASSIGN_OR_RETURN(auto ins, c.Query("INSERT INTO hospital_admissions (case_id, resident_id, hospital_id, bed_kind, "
                                          "admitted_at, admitted_by, discharged_at, discharged_by, outcome) VALUES "
                                          "(?, ?, ?, ?, ?, ?, 0, '', '') RETURNING id",
                                          {r.case_id, w.Int(0), hospital_id, Kind(r.bed_kind), now, by.name}));
    id = ins[0].Int(0);
    TC_RETURN_IF_ERROR(
        c.Exec("UPDATE hospital_awaiting SET admission_id = ? WHERE case_id = ?", {id, r.case_id}).status());
    return audit::Append(c, {.actor = by.name, .action = "hospital.admit", .target = "admission:" + std::to_string(id),
                             .area_path = hs[0].area_path,
                             .detail = nlohmann::json{{"case_id", r.case_id},
                                                      {"hospital_id", hospital_id},
                                                      {"bed_kind", Kind(r.bed_kind)},
                                                      {"suggested", w.Int(2)}}
                                           .dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return GetAdmission(id, under_path);
}

Result<Admission> Hospitals::Transfer(int64_t admission_id, int64_t hospital_id, int bed_kind,
                                      std::string_view under_path, const audit::Actor& by) {
  if (bed_kind < 0 || bed_kind >= kBedKinds) return FieldInvalid("bed_kind", "is not ordinary, severe or icu");
  const Millis now = clock_.Now();
  const std::string what = "admission " + std::to_string(admission_id);
  int64_t id = 0;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto got, LoadAdmissions(c, "WHERE a.id = ?", {admission_id}));
    if (got.empty() || !Covers(under_path, got[0].hospital_path)) return NoSuch(what);
    const Admission& a = got[0];
    if (a.discharged_at) return Conflict(what + " is closed (" + a.outcome + ")");
    const int64_t to = hospital_id ? hospital_id : a.hospital_id;
    if (to == a.hospital_id && bed_kind == a.bed_kind) {
      return FieldInvalid("bed_kind", "case " + std::to_string(a.case_id) + " is already in a " + Kind(bed_kind) +
                                          " bed at '" + a.hospital_name + "'");
    }
    TC_ASSIGN_OR_RETURN(auto hs, LoadHospitals(c, "WHERE id = ?", {to}));
    if (hs.empty() || !Covers(under_path, hs[0].area_path)) return NoSuch("hospital " + std::to_string(to));
    TC_RETURN_IF_ERROR(CheckRoom(c, hs[0], bed_kind, now));
    TC_ASSIGN_OR_RETURN(auto closed, c.Exec("UPDATE hospital_admissions SET discharged_at = ?, discharged_by = ?, "
                                            "outcome = 'transferred' WHERE id = ? AND discharged_at = 0",
                                            {now, by.name, admission_id}));
    if (closed.affected != 1) return Conflict(what + " changed meanwhile");
    TC_ASSIGN_OR_RETURN(auto ins, c.Query("INSERT INTO hospital_admissions (case_id, resident_id, hospital_id, bed_kind, "
                                          "admitted_at, admitted_by, discharged_at, discharged_by, outcome) VALUES "
                                          "(?, ?, ?, ?, ?, ?, 0, '', '') RETURNING id",
                                          {a.case_id, a.resident_id, to, Kind(bed_kind), now, by.name}));
    id = ins[0].Int(0);
    TC_RETURN_IF_ERROR(
        c.Exec("UPDATE hospital_awaiting SET admission_id = ? WHERE case_id = ?", {id, a.case_id}).status());
    return audit::Append(c, {.actor = by.name, .action = "hospital.transfer",
                             .target = "admission:" + std::to_string(id), .area_path = hs[0].area_path,
                             .detail = nlohmann::json{{"case_id", a.case_id},
                                                      {"from_admission", admission_id},
                                                      {"from_hospital", a.hospital_id},
                                                      {"from_kind", Kind(a.bed_kind)},
                                                      {"to_hospital", to},
                                                      {"to_kind", Kind(bed_kind)}}
                                           .dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return GetAdmission(id, under_path);
}

Result<Admission> Hospitals::Discharge(int64_t admission_id, DischargeOutcome outcome, std::string_view under_path,
                                       const audit::Actor& by) {
  if (outcome == DischargeOutcome::kTransferred) {
    return FieldInvalid("outcome", "a transfer is made with the transfer action, not a discharge");
  }
  const Millis now = clock_.Now();
  const std::string what = "admission " + std::to_string(admission_id);
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto got, LoadAdmissions(c, "WHERE a.id = ?", {admission_id}));
    if (got.empty() || !Covers(under_path, got[0].hospital_path)) return NoSuch(what);
    if (got[0].discharged_at) return Conflict(what + " is already closed (" + got[0].outcome + ")");
    TC_ASSIGN_OR_RETURN(auto upd, c.Exec("UPDATE hospital_admissions SET discharged_at = ?, discharged_by = ?, "
                                         "outcome = ? WHERE id = ? AND discharged_at = 0",
                                         {now, by.name, std::string(DischargeOutcomeName(outcome)), admission_id}));
    if (upd.affected != 1) return Conflict(what + " changed meanwhile");
    return audit::Append(c, {.actor = by.name, .action = "hospital.discharge",
                             .target = "admission:" + std::to_string(admission_id),
                             .area_path = got[0].hospital_path,
                             .detail = nlohmann::json{{"case_id", got[0].case_id},
                                                      {"outcome", DischargeOutcomeName(outcome)}}
                                           .dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return GetAdmission(admission_id, under_path);
}

Result<Admission> Hospitals::GetAdmission(int64_t admission_id, std::string_view under_path) const {
  std::vector<Admission> got;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(got, LoadAdmissions(c, "WHERE a.id = ?", {admission_id}));
    return Status::Ok();
  }));
  if (got.empty() || !Covers(under_path, got[0].hospital_path)) {
    return NoSuch("admission " + std::to_string(admission_id));
  }
  return got[0];
}

Result<std::vector<Admission>> Hospitals::Admissions(int64_t hospital_id, bool open_only, std::string_view under_path,
                                                     int64_t limit) const {
  TC_RETURN_IF_ERROR(Get(hospital_id, under_path).status());
  std::vector<Admission> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(out, LoadAdmissions(c,
                                            std::string("WHERE a.hospital_id = ?") +
                                                (open_only ? " AND a.discharged_at = 0" : "") +
                                                " ORDER BY a.id DESC LIMIT ?",
                                            {hospital_id, std::clamp<int64_t>(limit, 1, 100'000)}));
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<AwaitingCase>> Hospitals::Awaiting(std::string_view under_path) const {
  std::vector<AwaitingCase> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT w.case_id, w.resident_id, w.case_kind, w.area_path, w.district_code, "
                                           "w.report_date, w.suggested_hospital_id, w.since, h.name, h.area_path FROM "
                                           "hospital_awaiting w LEFT JOIN hospitals h ON h.id = w.suggested_hospital_id "
                                           "WHERE w.admission_id = 0 ORDER BY w.since, w.case_id"));
    for (const auto& r : rows.rows) {
      if (!Covers(under_path, r.Text(3)) && (r.IsNull(9) || !Covers(under_path, r.Text(9)))) continue;
      AwaitingCase a;
      a.case_id = r.Int(0);
      a.resident_id = r.Int(1);
      a.case_kind = r.Text(2);
      a.area_path = r.Text(3);
      a.district_code = r.Text(4);
      a.report_date = r.Text(5);
      a.suggested_hospital_id = r.Int(6);
      a.since = r.Int(7);
      a.suggested_hospital_name = r.Text(8);
      out.push_back(std::move(a));
    }
    return FillNames(c, out);
  }));
  return out;
}

Status Hospitals::OnEvent(const events::Event& e) {
  if (e.type != "CaseConfirmed") return Status::Ok();
  auto j = nlohmann::json::parse(e.payload, nullptr, false);
  if (!j.is_object() || !j.contains("case_id") || !j["case_id"].is_number_integer()) {
    spdlog::warn("event {}: CaseConfirmed without a case_id; skipped by the hospitals", e.seq);
    return Status::Ok();
  }
  const int64_t case_id = j["case_id"].get<int64_t>();
  const int64_t resident_id = j.value("resident_id", int64_t{0});
  const std::string path = j.value("area_path", std::string());
  const std::string kind = j.value("kind", std::string("confirmed"));
  const std::string report_date = j.value("report_date", std::string());
  const std::string district = DistrictOfPath(path);
  const Millis now = clock_.Now();
  return store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto seen, c.Query("SELECT 1 FROM hospital_awaiting WHERE case_id = ?", {case_id}));
    if (!seen.empty()) return Status::Ok();  // redelivered, or already admitted
    TC_ASSIGN_OR_RETURN(auto hospitals, LoadHospitals(c, "ORDER BY id", {}));
    const int64_t suggested = SuggestHospital(hospitals, district);
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO hospital_awaiting (case_id, resident_id, case_kind, area_path, "
                              "district_code, report_date, suggested_hospital_id, event_seq, since, admission_id) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                              {case_id, resident_id, kind, path, district, report_date, suggested, e.seq, e.at})
                           .status());
    return audit::Append(c, {.actor = "system", .action = "hospital.await", .target = "case:" + std::to_string(case_id),
                             .area_path = path.empty() ? "/" : path,
                             .detail = nlohmann::json{{"event_seq", e.seq}, {"suggested_hospital_id", suggested}}.dump(),
                             .request_id = ""},
                         now);
  });
}

Result<ForecastInput> Hospitals::ForecastInputs(std::string_view under_path, int days, const TierPipeline& close,
                                                const TierPipeline& secondary, ForecastInput model) const {
  TC_ASSIGN_OR_RETURN(auto hospitals, List(under_path));
  TC_ASSIGN_OR_RETURN(auto waiting, Awaiting(under_path));
  model.close = close;
  model.secondary = secondary;
  model.days = days;
  model.awaiting_bed = static_cast<double>(waiting.size());
  for (int k = 0; k < kBedKinds; ++k) model.kinds[k].beds = model.kinds[k].occupied = 0;
  for (const Hospital& h : hospitals) {
    if (!AdmitsCases(h.kind)) continue;  // a fever clinic's observation beds hold no cases
    for (int k = 0; k < kBedKinds; ++k) {
      model.kinds[k].beds += static_cast<double>(h.beds[k]);
      model.kinds[k].occupied += static_cast<double>(h.occupied[k]);
    }
  }
  return model;
}

Result<std::vector<ForecastDay>> Hospitals::Forecast(std::string_view under_path, int days, const TierPipeline& close,
                                                     const TierPipeline& secondary, ForecastInput model) const {
  TC_ASSIGN_OR_RETURN(ForecastInput in, ForecastInputs(under_path, days, close, secondary, std::move(model)));
  return ForecastBeds(in);
}

}  // namespace tc::quarantine
