// Hospitals and fever clinics (医疗救治): designated hospitals (定点医院) that admit
// cases, fever clinics (发热门诊), beds by kind (forecast.h's ordinary / severe / ICU),
// admissions, transfers and discharges, the cases awaiting a bed, and the bed forecast.
// Occupancy is never stored: it is the count of open admissions. Every write is one
// transaction with its audit entry; a refused step changes nothing.
//
// Cases reach this module only through events: `OnEvent` (the bus subscriber
// "hospitals") puts each `CaseConfirmed` case on the awaiting list with a suggested
// designated hospital; the tracing tables are never read.
//
// The suggestion rule: among the designated hospitals (kind designated or both) with a
// free ordinary bed — free = ordinary beds − open ordinary admissions − cases already
// waiting with that hospital suggested — those in the case's district come first; then
// the one with the most free ordinary beds; then the lowest id. None free: no suggestion
// (0), and the case waits for a commander's choice.
//
// Jurisdiction (an area path; "" or "/" is the whole city): a hospital belongs to its
// district's path; its admissions are seen through it. An awaiting case is seen by a
// scope covering the case's household path or its suggested hospital's district. Outside
// the scope a record answers NoSuch, as a missing one. Stateless between calls (the
// store holds everything); thread-safe.
//
//   Hospitals h(store, clock);
//   auto hosp = h.Create({.name = "公卫中心", .kind = HospitalKind::kDesignated,
//                         .district_code = "220102000000", .beds = {40, 10, 4}}, "", actor);
//   bus.Subscribe("hospitals", [&](const events::Event& e) { return h.OnEvent(e); });
//   auto adm = h.Admit({.case_id = 7}, "", actor);   // to the suggested hospital, ordinary bed
//   h.Discharge(adm->id, DischargeOutcome::kRecovered, "", actor);
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "events/events.h"
#include "quarantine/forecast.h"
#include "store/store.h"

namespace tc::quarantine {

enum class HospitalKind { kDesignated, kFeverClinic, kBoth };
std::string_view HospitalKindName(HospitalKind k);  // designated | fever_clinic | both
bool ParseHospitalKind(std::string_view s, HospitalKind* out);
// Whether cases are admitted there (designated or both).
inline bool AdmitsCases(HospitalKind k) { return k != HospitalKind::kFeverClinic; }
bool ParseBedKind(std::string_view s, int* out);  // forecast.h's BedKindName, back

enum class DischargeOutcome { kRecovered, kDied, kReferred, kTransferred };
// recovered | died | referred (to care outside these hospitals) | transferred (closed by Transfer)
std::string_view DischargeOutcomeName(DischargeOutcome o);
bool ParseDischargeOutcome(std::string_view s, DischargeOutcome* out);

using BedCounts = std::array<int64_t, kBedKinds>;  // indexed by BedKind

struct NewHospital {
  std::string name;
  HospitalKind kind = HospitalKind::kDesignated;
  std::string district_code;  // a district area of the registry
  BedCounts beds{};
};

struct Hospital {
  int64_t id = 0;
  std::string name;
  HospitalKind kind = HospitalKind::kDesignated;
  std::string district_code, area_path;
  BedCounts beds{}, occupied{};  // occupied: open admissions by kind
  int64_t awaiting_suggested = 0;  // waiting cases suggested to it
  std::string created_by;
  Millis created_at = 0;
  int64_t Free(int k) const { return beds[k] - occupied[k]; }
};

// A change of a hospital; an empty name or kind keeps the old one.
struct HospitalUpdate {
  std::string name;
  std::string kind;
  bool set_beds = false;
  BedCounts beds{};
};

struct Admission {
  int64_t id = 0, case_id = 0, resident_id = 0, hospital_id = 0;
  std::string resident_name;  // the registry's
  std::string hospital_name, hospital_path;  // the stay's jurisdiction is the hospital's
  int bed_kind = kOrdinary;
  Millis admitted_at = 0, discharged_at = 0;  // 0: still in
  std::string admitted_by, discharged_by;
  std::string outcome;  // "" while in
};

struct AdmitRequest {
  int64_t case_id = 0;
  int64_t hospital_id = 0;  // 0: the suggested hospital
  int bed_kind = kOrdinary;
};

struct AwaitingCase {
  int64_t case_id = 0, resident_id = 0;
  std::string resident_name;
  std::string case_kind;  // confirmed | asymptomatic
  std::string area_path, district_code, report_date;
  int64_t suggested_hospital_id = 0;  // 0: none had a free ordinary bed
  std::string suggested_hospital_name;
  Millis since = 0;
  int64_t admission_id = 0;  // 0 while waiting
};

// The suggestion rule above, over hospitals with their occupancy and waiting
// suggestions filled in: the chosen hospital's id, or 0 when none has a free ordinary bed.
int64_t SuggestHospital(const std::vector<Hospital>& hospitals, std::string_view district_code);

// The district code of an area path "/city/district/…" ("" above district level).
std::string DistrictOfPath(std::string_view path);

class Hospitals {
 public:
  Hospitals(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // InvalidArgument naming the field (name 1–200 bytes and unique, district_code a
  // district, beds ≥ 0); NoSuch for a district outside the scope.
  Result<Hospital> Create(const NewHospital& n, std::string_view under_path, const audit::Actor& by);
  Result<Hospital> Get(int64_t id, std::string_view under_path) const;
  // The hospitals under the scope, by id, with their occupancy.
  Result<std::vector<Hospital>> List(std::string_view under_path) const;
  // Conflict when beds of a kind would fall below its occupancy, or the kind would stop
  // admitting cases while some are in.
  Result<Hospital> Update(int64_t id, const HospitalUpdate& u, std::string_view under_path, const audit::Actor& by);

  // Admits a waiting case to a bed. NoSuch for a case not waiting in the scope or a
  // hospital outside it; Conflict when the case is already admitted (naming where), the
  // kind is full (naming the hospital, kind and beds) or the hospital admits no cases;
  // InvalidArgument when no hospital is given and none was suggested.
  Result<Admission> Admit(const AdmitRequest& r, std::string_view under_path, const audit::Actor& by);
  // Moves an admitted case to another bed kind and/or hospital: the stay is closed as
  // transferred and a new one opened, in one transaction (hospital_id 0: the same
  // hospital). Conflict as Admit for the target and for a stay already closed;
  // InvalidArgument for a move to the same hospital and kind.
  Result<Admission> Transfer(int64_t admission_id, int64_t hospital_id, int bed_kind, std::string_view under_path,
                             const audit::Actor& by);
  // Conflict for a stay already closed; InvalidArgument for `transferred` (use Transfer).
  Result<Admission> Discharge(int64_t admission_id, DischargeOutcome outcome, std::string_view under_path,
                              const audit::Actor& by);
  Result<Admission> GetAdmission(int64_t admission_id, std::string_view under_path) const;
  // Stays at the hospital, newest first; open_only: those still in a bed.
  Result<std::vector<Admission>> Admissions(int64_t hospital_id, bool open_only, std::string_view under_path,
                                            int64_t limit) const;
  // The cases still waiting for a bed in the scope, longest waiting first.
  Result<std::vector<AwaitingCase>> Awaiting(std::string_view under_path) const;

  // The bus subscriber: CaseConfirmed → the case waits, with a suggestion. A redelivered
  // event (or a case already listed or admitted) changes nothing; a payload without a
  // case is skipped with a warning.
  Status OnEvent(const events::Event& e);

  // The bed forecast (forecast.h) for the scope: the designated hospitals' beds and
  // open admissions by kind, the waiting cases, and the quarantine pipeline given by the
  // caller (the quarantine-site service's contacts by tier and quarantine day). The
  // shares and lengths of stay are `model`'s (forecast.h's defaults unless given; its
  // pipelines, counts and horizon are replaced). InvalidArgument as ForecastBeds.
  Result<std::vector<ForecastDay>> Forecast(std::string_view under_path, int days, const TierPipeline& close,
                                            const TierPipeline& secondary, ForecastInput model = {}) const;
  // The input Forecast builds (shown beside the answer).
  Result<ForecastInput> ForecastInputs(std::string_view under_path, int days, const TierPipeline& close,
                                       const TierPipeline& secondary, ForecastInput model = {}) const;

 private:
  Result<std::vector<Hospital>> LoadHospitals(store::Conn& c, std::string_view where, const store::Params& p) const;
  Result<std::vector<Admission>> LoadAdmissions(store::Conn& c, std::string_view where, const store::Params& p) const;
  // Locks the hospital row (PostgreSQL: admissions to one hospital serialise) and checks
  // it takes a case in a bed of this kind.
  Status CheckRoom(store::Conn& c, const Hospital& h, int bed_kind, Millis now) const;
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace tc::quarantine
