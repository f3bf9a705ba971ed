// Hospitals and fever clinics (医疗救治; docs/quarantine.md): hospitals with beds by kind
// and their occupancy, the cases awaiting a bed with a suggested designated hospital,
// admission, transfer, discharge, and the bed forecast. Everything under the caller's node.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "auth/roles.h"
#include "quarantine/hospitals.h"

namespace tc::api {

using nlohmann::json;
namespace q = quarantine;

namespace {

json TimeOrNull(Millis t) { return t ? json(FormatShanghai(t)) : json(nullptr); }

json ByKind(const q::BedCounts& n) {
  json j = json::object();
  for (int k = 0; k < q::kBedKinds; ++k) j[std::string(q::BedKindName(k))] = n[k];
  return j;
}

json HospitalJson(const q::Hospital& h) {
  q::BedCounts free{};
  for (int k = 0; k < q::kBedKinds; ++k) free[k] = h.Free(k);
  return {{"id", h.id},
          {"name", h.name},
          {"kind", q::HospitalKindName(h.kind)},
          {"admits_cases", q::AdmitsCases(h.kind)},
          {"district_code", h.district_code},
          {"beds", ByKind(h.beds)},
          {"occupied", ByKind(h.occupied)},
          {"free", ByKind(free)},
          {"awaiting_suggested", h.awaiting_suggested},
          {"created_by", h.created_by},
          {"created_at", TimeOrNull(h.created_at)}};
}

json AdmissionJson(const q::Admission& a) {
  return {{"id", a.id},
          {"case_id", a.case_id},
          {"resident_id", a.resident_id},
          {"name", a.resident_name},
          {"hospital_id", a.hospital_id},
          {"hospital_name", a.hospital_name},
          {"bed_kind", q::BedKindName(a.bed_kind)},
          {"admitted_at", TimeOrNull(a.admitted_at)},
          {"admitted_by", a.admitted_by},
          {"discharged_at", TimeOrNull(a.discharged_at)},
          {"discharged_by", a.discharged_by.empty() ? json(nullptr) : json(a.discharged_by)},
          {"outcome", a.outcome.empty() ? json(nullptr) : json(a.outcome)}};
}

json AwaitingJson(const q::AwaitingCase& w) {
  return {{"case_id", w.case_id},
          {"resident_id", w.resident_id},
          {"name", w.resident_name},
          {"case_kind", w.case_kind},
          {"district_code", w.district_code},
          {"report_date", w.report_date},
          {"suggested_hospital_id", w.suggested_hospital_id ? json(w.suggested_hospital_id) : json(nullptr)},
          {"suggested_hospital_name",
           w.suggested_hospital_name.empty() ? json(nullptr) : json(w.suggested_hospital_name)},
          {"since", TimeOrNull(w.since)}};
}

// "beds": {"ordinary": n, "severe": n, "icu": n}; a kind left out is 0.
Status ReadBeds(const json& body, q::BedCounts* out) {
  const json& b = body.at("beds");
  if (!b.is_object()) return FieldInvalid("beds", "beds must be an object of ordinary, severe and icu counts");
  for (const auto& [key, value] : b.items()) {
    int k = 0;
    if (!q::ParseBedKind(key, &k)) return FieldInvalid("beds." + key, "is not ordinary, severe or icu");
    if (!value.is_number_integer()) return FieldInvalid("beds." + key, "beds." + key + " must be an integer");
    (*out)[k] = value.get<int64_t>();
  }
  return Status::Ok();
}

Result<int> BedKindOf(const std::string& s) {
  int k = q::kOrdinary;
  if (!s.empty() && !q::ParseBedKind(s, &k)) return FieldInvalid("bed_kind", "'" + s + "' is not ordinary, severe or icu");
  return k;
}

}  // namespace

void Api::AddHospitalRoutes() {
  using namespace auth::perm;
  q::Hospitals& H = deps_.hospitals;
  q::Quarantines& Q = deps_.quarantines;
  const Clock& clock = deps_.clock;
  const std::string read(kMedicalRead), write(kMedicalWrite);
  const std::string kinds = "designated (定点医院) | fever_clinic (发热门诊) | both";

  router_.Add("POST", "/api/v1/hospitals",
              {.summary = "Add a hospital or fever clinic in a district under your node, with beds by kind",
               .tag = "hospitals",
               .permission = write,
               .request_schema = R"({"type":"object","required":["name","kind","district_code"],"properties":{
                 "name":{"type":"string"},"kind":{"type":"string","enum":["designated","fever_clinic","both"]},
                 "district_code":{"type":"string"},"beds":{"type":"object","properties":{
                 "ordinary":{"type":"integer"},"severe":{"type":"integer"},"icu":{"type":"integer"}}}}})",
               .success_status = 201},
              [&H, kinds](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                q::NewHospital n;
                n.name = f.String("name", {.required = true, .max_bytes = 200});
                const std::string kind = f.String("kind", {.required = true, .max_bytes = 20});
                n.district_code = f.String("district_code", {.required = true, .max_bytes = 64});
                TC_RETURN_IF_ERROR(f.Finish({"name", "kind", "district_code", "beds"}));
                if (!q::ParseHospitalKind(kind, &n.kind)) {
                  return FieldInvalid("kind", "'" + kind + "' is not " + kinds);
                }
                if (body.contains("beds")) TC_RETURN_IF_ERROR(ReadBeds(body, &n.beds));
                TC_ASSIGN_OR_RETURN(auto h, H.Create(n, ctx.principal().area_path, ctx.actor()));
                return JsonReply(HospitalJson(h), 201);
              });
  router_.Add("GET", "/api/v1/hospitals",
              {.summary = "Hospitals and fever clinics under your node with beds, occupancy and free beds by kind",
               .tag = "hospitals",
               .permission = read},
              [&H](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, H.List(ctx.principal().area_path));
                json items = json::array();
                for (const auto& h : list) items.push_back(HospitalJson(h));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/hospitals/awaiting",
              {.summary = "Confirmed cases awaiting a bed, with the designated hospital suggested for each, longest "
                          "waiting first",
               .tag = "hospitals",
               .permission = read},
              [&H](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, H.Awaiting(ctx.principal().area_path));
                json items = json::array();
                for (const auto& w : list) items.push_back(AwaitingJson(w));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/hospitals/forecast",
              {.summary = "The bed forecast by kind (expected cases, admissions, discharges, occupancy, shortfall "
                          "per day) from the designated hospitals' beds and occupancy, the cases awaiting a bed and "
                          "the contacts in quarantine",
               .tag = "hospitals",
               .permission = read,
               .query = {{"days", "1–90 (default 14)", "integer"}}},
              [&H, &Q, &clock](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t days, ctx.QueryInt("days", 14, 1, 90));
                // The contacts in quarantine under the caller's node, by tier and quarantine day.
                TC_ASSIGN_OR_RETURN(const q::ForecastInput pipeline,
                                    Q.Pipeline({.area_path = ctx.principal().area_path,
                                                .username = ctx.principal().username}));
                const q::TierPipeline close = pipeline.close, secondary = pipeline.secondary;
                const std::string scope = ctx.principal().area_path;
                TC_ASSIGN_OR_RETURN(auto in, H.ForecastInputs(scope, static_cast<int>(days), close, secondary));
                TC_ASSIGN_OR_RETURN(auto forecast, q::ForecastBeds(in));
                const Millis now = clock.Now();
                json kinds = json::object();
                for (int k = 0; k < q::kBedKinds; ++k) {
                  const auto& b = in.kinds[k];
                  kinds[std::string(q::BedKindName(k))] = {{"beds", b.beds},
                                                           {"occupied", b.occupied},
                                                           {"share", b.share},
                                                           {"length_of_stay", b.length_of_stay}};
                }
                auto tier = [](const q::TierPipeline& t) {
                  double n = 0;
                  for (double x : t.by_day) n += x;
                  return json{{"days", t.days}, {"attack_rate", t.attack_rate}, {"in_quarantine", n},
                              {"by_day", t.by_day}};
                };
                json out_days = json::array();
                for (const auto& d : forecast) {
                  json per = json::object();
                  for (int k = 0; k < q::kBedKinds; ++k) {
                    const auto& kd = d.kinds[k];
                    per[std::string(q::BedKindName(k))] = {{"admissions", kd.admissions},
                                                           {"discharges", kd.discharges},
                                                           {"occupancy", kd.occupancy},
                                                           {"shortfall", kd.shortfall},
                                                           {"beds", in.kinds[k].beds}};
                  }
                  out_days.push_back({{"day", d.day},
                                      {"date", DateShanghai(now + int64_t{d.day} * 86'400'000)},
                                      {"new_cases", d.new_cases},
                                      {"kinds", per}});
                }
                return JsonReply({{"inputs",
                                   {{"kinds", kinds},
                                    {"awaiting_bed", in.awaiting_bed},
                                    {"close", tier(in.close)},
                                    {"secondary", tier(in.secondary)}}},
                                  {"days", out_days}});
              });
  router_.Add("GET", "/api/v1/hospitals/{id}",
              {.summary = "One hospital with its beds and occupancy", .tag = "hospitals", .permission = read},
              [&H](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "hospital"));
                TC_ASSIGN_OR_RETURN(auto h, H.Get(id, ctx.principal().area_path));
                return JsonReply(HospitalJson(h));
              });
  router_.Add("PATCH", "/api/v1/hospitals/{id}",
              {.summary = "Rename a hospital, change its kind or its beds; refused when beds would fall below those "
                          "taken",
               .tag = "hospitals",
               .permission = write,
               .request_schema = R"({"type":"object","properties":{"name":{"type":"string"},
                 "kind":{"type":"string","enum":["designated","fever_clinic","both"]},"beds":{"type":"object"}}})"},
              [&H](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "hospital"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                q::HospitalUpdate u;
                u.name = f.String("name", {.max_bytes = 200});
                u.kind = f.String("kind", {.max_bytes = 20});
                TC_RETURN_IF_ERROR(f.Finish({"name", "kind", "beds"}));
                if (body.contains("beds")) {
                  // Kinds left out keep their beds.
                  TC_ASSIGN_OR_RETURN(auto now, H.Get(id, ctx.principal().area_path));
                  u.beds = now.beds;
                  u.set_beds = true;
                  TC_RETURN_IF_ERROR(ReadBeds(body, &u.beds));
                }
                TC_ASSIGN_OR_RETURN(auto h, H.Update(id, u, ctx.principal().area_path, ctx.actor()));
                return JsonReply(HospitalJson(h));
              });
  router_.Add("GET", "/api/v1/hospitals/{id}/admissions",
              {.summary = "A hospital's stays, newest first", .tag = "hospitals", .permission = read,
               .query = {{"open", "true: only those still in a bed", "boolean"},
                         {"limit", "1–5000 (default 200)", "integer"}}},
              [&H](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "hospital"));
                TC_ASSIGN_OR_RETURN(bool open, ctx.QueryBool("open", false));
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 200, 1, 5000));
                TC_ASSIGN_OR_RETURN(auto list, H.Admissions(id, open, ctx.principal().area_path, limit));
                json items = json::array();
                for (const auto& a : list) items.push_back(AdmissionJson(a));
                return JsonReply({{"items", items}});
              });
  router_.Add("POST", "/api/v1/hospitals/admissions",
              {.summary = "Admit a case awaiting a bed (to its suggested hospital unless one is named); refused "
                          "when the kind is full or the case is already in a bed",
               .tag = "hospitals",
               .permission = write,
               .request_schema = R"({"type":"object","required":["case_id"],"properties":{
                 "case_id":{"type":"integer"},"hospital_id":{"type":"integer"},
                 "bed_kind":{"type":"string","enum":["ordinary","severe","icu"]}}})",
               .success_status = 201},
              [&H](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                q::AdmitRequest r;
                r.case_id = f.Int("case_id", true).value_or(0);
                r.hospital_id = f.Int("hospital_id", false).value_or(0);
                const std::string kind = f.String("bed_kind", {.max_bytes = 20});
                TC_RETURN_IF_ERROR(f.Finish({"case_id", "hospital_id", "bed_kind"}));
                TC_ASSIGN_OR_RETURN(r.bed_kind, BedKindOf(kind));
                TC_ASSIGN_OR_RETURN(auto a, H.Admit(r, ctx.principal().area_path, ctx.actor()));
                return JsonReply(AdmissionJson(a), 201);
              });
  router_.Add("GET", "/api/v1/hospitals/admissions/{id}",
              {.summary = "One stay", .tag = "hospitals", .permission = read},
              [&H](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "admission"));
                TC_ASSIGN_OR_RETURN(auto a, H.GetAdmission(id, ctx.principal().area_path));
                return JsonReply(AdmissionJson(a));
              });
  router_.Add("POST", "/api/v1/hospitals/admissions/{id}/transfer",
              {.summary = "Move a case to another bed kind and/or hospital: the stay closes as transferred and the "
                          "next opens; answers the new stay",
               .tag = "hospitals",
               .permission = write,
               .request_schema = R"({"type":"object","required":["bed_kind"],"properties":{
                 "hospital_id":{"type":"integer"},"bed_kind":{"type":"string","enum":["ordinary","severe","icu"]}}})"},
              [&H](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "admission"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const int64_t hospital = f.Int("hospital_id", false).value_or(0);
                const std::string kind = f.String("bed_kind", {.required = true, .max_bytes = 20});
                TC_RETURN_IF_ERROR(f.Finish({"hospital_id", "bed_kind"}));
                TC_ASSIGN_OR_RETURN(int k, BedKindOf(kind));
                TC_ASSIGN_OR_RETURN(auto a, H.Transfer(id, hospital, k, ctx.principal().area_path, ctx.actor()));
                return JsonReply(AdmissionJson(a));
              });
  router_.Add("POST", "/api/v1/hospitals/admissions/{id}/discharge",
              {.summary = "Discharge a case: recovered | died | referred (to care outside these hospitals)",
               .tag = "hospitals",
               .permission = write,
               .request_schema = R"({"type":"object","required":["outcome"],"properties":{
                 "outcome":{"type":"string","enum":["recovered","died","referred"]}}})"},
              [&H](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "admission"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const std::string outcome = f.String("outcome", {.required = true, .max_bytes = 20});
                TC_RETURN_IF_ERROR(f.Finish({"outcome"}));
                q::DischargeOutcome o;
                if (!q::ParseDischargeOutcome(outcome, &o)) {
                  return FieldInvalid("outcome", "'" + outcome + "' is not recovered, died or referred");
                }
                TC_ASSIGN_OR_RETURN(auto a, H.Discharge(id, o, ctx.principal().area_path, ctx.actor()));
                return JsonReply(AdmissionJson(a));
              });
}

}  // namespace tc::api
