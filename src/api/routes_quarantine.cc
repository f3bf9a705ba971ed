// Quarantine and transfer (隔离转运; docs/quarantine.md): sites and rooms, the people
// listed by tracing, household-aware assignment, transfer tasks, check-in, daily health
// checks and tests, release with a certificate, escalation; the day's check list, the
// open-loop report and the pipeline for the bed forecast. Area callers act under their
// node (people living there, guests of sites there); a site_staff account only on the
// guests of the sites whose staff list names it. Phones and ID numbers masked.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "auth/roles.h"
#include "quarantine/quarantines.h"
#include "registry/id_number.h"

namespace tc::api {

using nlohmann::json;
namespace q = quarantine;

namespace {

json TimeOrNull(Millis t) { return t ? json(FormatShanghai(t)) : json(nullptr); }

q::Caller CallerOf(const Context& ctx) {
  const auto& p = ctx.principal();
  return {.area_path = p.area_path, .username = p.username, .staff_only = p.role == auth::Role::kSiteStaff};
}

json PersonJson(const q::PersonRecord& p, bool with_health) {
  const q::QuarantineState& s = p.state;
  json j = {{"id", p.id},
            {"contact_id", p.contact_id ? json(p.contact_id) : json(nullptr)},
            {"resident_id", p.resident_id},
            {"name", p.name},
            {"phone", registry::MaskPhone(p.phone)},
            {"id_number", registry::MaskIdNumber(p.id_number)},
            {"household_code", p.household_code},
            {"district_code", p.district_code},
            {"tier", tracing::TierName(s.tier)},
            {"state", q::StateName(s.status)},
            {"since", TimeOrNull(s.since())},
            {"mode", q::ModeName(s.mode)},
            {"site_id", s.site_id ? json(s.site_id) : json(nullptr)},
            {"site_name", s.site_id ? json(p.site_name) : json(nullptr)},
            {"room_id", s.room_id ? json(s.room_id) : json(nullptr)},
            {"room_number", s.room_id ? json(p.room_number) : json(nullptr)},
            {"vehicle", s.vehicle.empty() ? json(nullptr) : json(s.vehicle)},
            {"pickup_at", TimeOrNull(s.pickup_at)},
            {"picked_up_at", TimeOrNull(s.entered_at[static_cast<int>(q::State::kPickedUp)])},
            {"quarantine_start", TimeOrNull(s.quarantine_start)},
            {"quarantine_end", TimeOrNull(s.quarantine_end)},
            {"certificate", s.certificate.empty() ? json(nullptr) : json(s.certificate)},
            {"reason", s.reason.empty() ? json(nullptr) : json(s.reason)},
            {"hospital", s.hospital.empty() ? json(nullptr) : json(s.hospital)},
            {"reassign_count", s.reassign_count},
            {"relist_count", s.relist_count}};
  if (with_health) {
    json checks = json::array(), tests = json::array();
    for (const auto& c : s.checks) {
      checks.push_back({{"at", FormatShanghai(c.at)}, {"temperature_c", c.temperature_c}, {"symptoms", c.symptoms}});
    }
    for (const auto& t : s.tests) {
      tests.push_back({{"sampled_at", FormatShanghai(t.sampled_at)},
                       {"outcome", t.outcome == q::TestOutcome::kNegative   ? "negative"
                                   : t.outcome == q::TestOutcome::kPositive ? "positive"
                                                                            : "pending"}});
    }
    j["checks"] = checks;
    j["tests"] = tests;
  }
  return j;
}

json SiteJson(const q::SiteRecord& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"kind", s.kind},
          {"district_code", s.district_code},
          {"address", s.address},
          {"phone", s.phone},
          {"lon", s.point ? json(s.point->lon) : json(nullptr)},
          {"lat", s.point ? json(s.point->lat) : json(nullptr)},
          {"open", s.open},
          {"capacity", s.capacity},
          {"effective_capacity", s.effective_capacity()},
          {"staff", s.staff},
          {"rooms", s.rooms},
          {"beds", s.beds},
          {"booked", s.booked},
          {"checked_in", s.checked_in},
          {"free_rooms", s.free_rooms}};
}

json RoomJson(const q::RoomRecord& r) {
  return {{"id", r.id},         {"site_id", r.site_id},       {"number", r.number},      {"beds", r.beds},
          {"accessible", r.accessible}, {"in_service", r.in_service}, {"occupants", r.occupants}};
}

Result<std::vector<q::NewRoom>> ReadRooms(const json& body, std::string_view key) {
  std::vector<q::NewRoom> out;
  if (!body.contains(key)) return out;
  const json& rooms = body.at(std::string(key));
  if (!rooms.is_array() || rooms.size() > 5000) return FieldInvalid(std::string(key), "must be an array of ≤ 5000 rooms");
  for (size_t i = 0; i < rooms.size(); ++i) {
    const std::string f = std::string(key) + "[" + std::to_string(i) + "]";
    if (!rooms[i].is_object()) return FieldInvalid(f, "must be an object {number, beds, accessible}");
    FieldReader r(rooms[i]);
    q::NewRoom n;
    n.number = r.String("number", {.required = true, .max_bytes = 40});
    n.beds = static_cast<int>(r.Int("beds", false).value_or(1));
    n.accessible = r.Bool("accessible", false).value_or(false);
    if (auto st = r.Finish({"number", "beds", "accessible"}); !st.ok()) return FieldInvalid(f, st.message());
    out.push_back(std::move(n));
  }
  return out;
}

// The permission each action needs: moving people is the command's (quarantine.write),
// caring for them the site's or the grid's (quarantine.care).
std::string_view ActionPermission(q::ActionKind k) {
  switch (k) {
    case q::ActionKind::kCheckIn:
    case q::ActionKind::kHealthCheck:
    case q::ActionKind::kTestResult:
    case q::ActionKind::kEscalate:
    case q::ActionKind::kRelease:
      return auth::perm::kQuarantineCare;
    default:
      return auth::perm::kQuarantineWrite;
  }
}

Result<q::Action> ReadAction(const json& body) {
  FieldReader f(body);
  const std::string action = f.String("action", {.required = true, .max_bytes = 20});
  q::Action a;
  a.home = f.Bool("home", false).value_or(false);
  a.site_id = f.Int("site_id", false).value_or(0);
  a.room_id = f.Int("room_id", false).value_or(0);
  a.vehicle = f.String("vehicle", {.max_bytes = 40});
  const std::string pickup = f.String("pickup_at", {.max_bytes = 40});
  a.check.temperature_c = f.Number("temperature_c", false).value_or(0);
  a.check.symptoms = f.String("symptoms", {.max_bytes = 400});
  const std::string sampled = f.String("sampled_at", {.max_bytes = 40});
  const std::string outcome = f.String("outcome", {.max_bytes = 20});
  a.certificate = f.String("certificate", {.max_bytes = 64});
  a.hospital = f.String("hospital", {.max_bytes = 200});
  a.note = f.String("note", {.max_bytes = 2000});
  TC_RETURN_IF_ERROR(f.Finish({"action", "home", "site_id", "room_id", "vehicle", "pickup_at", "temperature_c",
                               "symptoms", "sampled_at", "outcome", "certificate", "hospital", "note"}));
  if (!q::ParseAction(action, &a.kind)) {
    return FieldInvalid("action", "'" + action + "' is not assign, schedule_pickup, pick_up, check_in, health_check, "
                                                 "test_result, release, escalate, hospitalise, abscond, refuse, relist "
                                                 "or cancel");
  }
  if (!pickup.empty()) {
    auto t = ParseTime(pickup);
    if (!t.ok()) return FieldInvalid("pickup_at", t.status().message());
    a.pickup_at = *t;
  }
  if (!sampled.empty()) {
    auto t = ParseTime(sampled);
    if (!t.ok()) return FieldInvalid("sampled_at", t.status().message());
    a.test.sampled_at = *t;
  }
  if (!outcome.empty()) {
    if (outcome == "negative") a.test.outcome = q::TestOutcome::kNegative;
    else if (outcome == "positive") a.test.outcome = q::TestOutcome::kPositive;
    else return FieldInvalid("outcome", "'" + outcome + "' is not negative or positive");
  }
  return a;
}

json StuckJson(const q::StuckPerson& s) {
  return {{"person_id", s.person_id},
          {"site_id", s.site_id ? json(s.site_id) : json(nullptr)},
          {"state", q::StateName(s.status)},
          {"since", TimeOrNull(s.since)},
          {"due", TimeOrNull(s.due)},
          {"late_minutes", s.late / 60'000}};
}

}  // namespace

void Api::AddQuarantineRoutes() {
  using namespace auth::perm;
  q::Quarantines& Q = deps_.quarantines;
  const Clock& C = deps_.clock;
  const std::string read(kQuarantineRead), write(kQuarantineWrite), care(kQuarantineCare), self(kQuarantineSelf);
  const std::string tag = "quarantine";

  router_.Add("GET", "/api/v1/quarantine/rules",
              {.summary = "The quarantine rules in force: days and test days per tier, fever mark, clear checks, "
                          "open-loop hours",
               .tag = tag, .permission = read},
              [&Q](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto r, Q.Rules());
                json j = json::parse(q::QuarantineRulesJson(r));
                j["version"] = r.version;
                return JsonReply(j);
              });
  router_.Add("PUT", "/api/v1/quarantine/rules",
              {.summary = "A new version of the quarantine rules (anything not given keeps its value); city-wide",
               .tag = tag, .permission = write, .request_schema = R"({"type":"object"})"},
              [&Q](Context& ctx) -> Result<Reply> {
                if (!ctx.principal().area_path.empty() && ctx.principal().area_path.find('/', 1) !=
                                                               ctx.principal().area_path.size() - 1) {
                  return PermissionDenied("the quarantine rules are the city's: a city-level account changes them");
                }
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                TC_ASSIGN_OR_RETURN(auto r, Q.SetRules(body.dump(), ctx.actor()));
                json j = json::parse(q::QuarantineRulesJson(r));
                j["version"] = r.version;
                return JsonReply(j);
              });

  // ---- Sites and rooms ----
  router_.Add("POST", "/api/v1/quarantine/sites",
              {.summary = "Register a centralised quarantine site (hotel or other) with its rooms, capacity and staff",
               .tag = tag, .permission = write,
               .request_schema = R"({"type":"object","required":["name","district_code"]})", .success_status = 201},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                TC_ASSIGN_OR_RETURN(auto rooms, ReadRooms(body, "rooms"));
                FieldReader f(body);
                q::NewSite n;
                n.name = f.String("name", {.required = true, .max_bytes = 200});
                n.kind = f.String("kind", {.max_bytes = 20});
                if (n.kind.empty()) n.kind = "hotel";
                n.district_code = f.String("district_code", {.required = true, .max_bytes = 64});
                n.address = f.String("address", {.max_bytes = 400});
                n.phone = f.String("phone", {.max_bytes = 40});
                auto lon = f.Number("lon", false), lat = f.Number("lat", false);
                n.capacity = static_cast<int>(f.Int("capacity", false).value_or(0));
                n.staff = f.StringList("staff", {.max_bytes = 64}, 200);
                TC_RETURN_IF_ERROR(f.Finish({"name", "kind", "district_code", "address", "phone", "lon", "lat",
                                             "capacity", "staff", "rooms"}));
                if (lon.has_value() != lat.has_value()) return FieldInvalid("lat", "lon and lat are given together");
                if (lon) n.point = q::GeoPoint{*lon, *lat};
                n.rooms = std::move(rooms);
                TC_ASSIGN_OR_RETURN(auto s, Q.CreateSite(n, CallerOf(ctx), ctx.actor()));
                return JsonReply(SiteJson(s), 201);
              });
  router_.Add("GET", "/api/v1/quarantine/sites",
              {.summary = "Sites under your node (site staff: theirs) with rooms, beds, people booked and checked in",
               .tag = tag, .permission = read},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, Q.Sites(CallerOf(ctx)));
                json items = json::array();
                for (const auto& s : list) items.push_back(SiteJson(s));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/quarantine/sites/{id}", {.summary = "One site", .tag = tag, .permission = read},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "quarantine site"));
                TC_ASSIGN_OR_RETURN(auto s, Q.Site(id, CallerOf(ctx)));
                return JsonReply(SiteJson(s));
              });
  router_.Add("PATCH", "/api/v1/quarantine/sites/{id}",
              {.summary = "Open or close a site, change its capacity (not below the people booked), staff, name",
               .tag = tag, .permission = write, .request_schema = R"({"type":"object"})"},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "quarantine site"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                q::SitePatch p;
                if (body.contains("name")) p.name = f.String("name", {.required = true, .max_bytes = 200});
                if (body.contains("address")) p.address = f.String("address", {.max_bytes = 400});
                if (body.contains("phone")) p.phone = f.String("phone", {.max_bytes = 40});
                if (body.contains("open")) p.open = f.Bool("open", true);
                if (body.contains("capacity")) p.capacity = static_cast<int>(f.Int("capacity", true).value_or(0));
                if (body.contains("staff")) p.staff = f.StringList("staff", {.max_bytes = 64}, 200);
                TC_RETURN_IF_ERROR(f.Finish({"name", "address", "phone", "open", "capacity", "staff"}));
                TC_ASSIGN_OR_RETURN(auto s, Q.UpdateSite(id, p, CallerOf(ctx), ctx.actor()));
                return JsonReply(SiteJson(s));
              });
  router_.Add("GET", "/api/v1/quarantine/sites/{id}/rooms",
              {.summary = "A site's rooms with who is booked in each", .tag = tag, .permission = read},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "quarantine site"));
                TC_ASSIGN_OR_RETURN(auto rooms, Q.Rooms(id, CallerOf(ctx)));
                json items = json::array();
                for (const auto& r : rooms) items.push_back(RoomJson(r));
                return JsonReply({{"items", items}});
              });
  router_.Add("POST", "/api/v1/quarantine/sites/{id}/rooms",
              {.summary = "Add rooms {rooms: [{number, beds 1–4, accessible}]}", .tag = tag, .permission = write,
               .request_schema = R"({"type":"object","required":["rooms"]})", .success_status = 201},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "quarantine site"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                TC_ASSIGN_OR_RETURN(auto rooms, ReadRooms(body, "rooms"));
                FieldReader f(body);
                TC_RETURN_IF_ERROR(f.Finish({"rooms"}));
                TC_ASSIGN_OR_RETURN(auto all, Q.AddRooms(id, rooms, CallerOf(ctx), ctx.actor()));
                json items = json::array();
                for (const auto& r : all) items.push_back(RoomJson(r));
                return JsonReply({{"items", items}}, 201);
              });
  router_.Add("PATCH", "/api/v1/quarantine/sites/{id}/rooms/{room}",
              {.summary = "Take a room out of service (refused while someone is booked in it) or back",
               .tag = tag, .permission = write, .request_schema = R"({"type":"object","required":["in_service"]})"},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "quarantine site"));
                TC_ASSIGN_OR_RETURN(int64_t room, IdParam(ctx, "room", "room"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                const bool in_service = f.Bool("in_service", true).value_or(true);
                TC_RETURN_IF_ERROR(f.Finish({"in_service"}));
                TC_ASSIGN_OR_RETURN(auto r, Q.SetRoomInService(id, room, in_service, CallerOf(ctx), ctx.actor()));
                return JsonReply(RoomJson(r));
              });

  // ---- People ----
  router_.Add("GET", "/api/v1/quarantine/people",
              {.summary = "People in quarantine under your node (site staff: their guests), newest first",
               .tag = tag, .permission = read,
               .query = {{"state", "listed | assigned | pickup_scheduled | picked_up | checked_in | released | "
                                   "escalated | hospitalised | absconded | refused | cancelled"},
                         {"tier", "close | secondary"},
                         {"site_id", "only this site's guests", "integer"},
                         {"limit", "1–5000 (default 200)", "integer"}}},
              [&Q](Context& ctx) -> Result<Reply> {
                q::Quarantines::ListQuery lq;
                lq.state = ctx.Query("state").value_or("");
                lq.tier = ctx.Query("tier").value_or("");
                TC_ASSIGN_OR_RETURN(lq.site_id, ctx.QueryInt("site_id", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(lq.limit, ctx.QueryInt("limit", 200, 1, 5000));
                TC_ASSIGN_OR_RETURN(auto list, Q.People(lq, CallerOf(ctx)));
                json items = json::array();
                for (const auto& p : list) items.push_back(PersonJson(p, false));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/quarantine/people/{id}",
              {.summary = "One person with their checks and tests", .tag = tag, .permission = read},
              [&Q, &C](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "quarantine person"));
                TC_ASSIGN_OR_RETURN(auto p, Q.Get(id, CallerOf(ctx)));
                json j = PersonJson(p, true);
                TC_ASSIGN_OR_RETURN(auto rules, Q.Rules());
                const auto verdict = q::ReleaseCheck(p.state, rules, C.Now());
                j["release"] = {{"allowed", verdict.allowed}, {"reasons", verdict.reasons}};
                return JsonReply(j);
              });
  router_.Add("POST", "/api/v1/quarantine/people/{id}/actions",
              {.summary = "assign (site_id, room_id | home) | schedule_pickup (vehicle, pickup_at) | pick_up | "
                          "check_in | health_check (temperature_c, symptoms) | test_result (sampled_at, outcome) | "
                          "release (certificate issued if not given) | escalate | hospitalise (hospital) | abscond | "
                          "refuse | relist | cancel (note: the reason). Moving people needs quarantine.write, caring "
                          "for them quarantine.care; refused with the reason, nothing written",
               .tag = tag, .permission = read, .request_schema = R"({"type":"object","required":["action"]})"},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "quarantine person"));
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                TC_ASSIGN_OR_RETURN(q::Action a, ReadAction(body));
                TC_RETURN_IF_ERROR(ctx.RequirePermission(ActionPermission(a.kind)));
                TC_ASSIGN_OR_RETURN(auto p, Q.Act(id, a, CallerOf(ctx), ctx.actor()));
                return JsonReply(PersonJson(p, true));
              });
  router_.Add("GET", "/api/v1/quarantine/people/{id}/certificate",
              {.summary = "The release certificate (解除隔离证明) of a released person", .tag = tag,
               .permission = read},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t id, IdParam(ctx, "id", "quarantine person"));
                TC_ASSIGN_OR_RETURN(auto c, Q.CertificateOf(id, CallerOf(ctx)));
                json tests = json::array();
                for (const auto& t : c.tests) {
                  tests.push_back({{"sampled_at", FormatShanghai(t.sampled_at)},
                                   {"outcome", t.outcome == q::TestOutcome::kNegative ? "negative" : "positive"}});
                }
                return JsonReply({{"number", c.number},
                                  {"issued_at", TimeOrNull(c.issued_at)},
                                  {"name", c.person.name},
                                  {"id_number", registry::MaskIdNumber(c.person.id_number)},
                                  {"tier", tracing::TierName(c.person.state.tier)},
                                  {"mode", q::ModeName(c.person.state.mode)},
                                  {"site_name", c.person.state.site_id ? json(c.person.site_name) : json(nullptr)},
                                  {"quarantine_start", TimeOrNull(c.person.state.quarantine_start)},
                                  {"quarantine_end", TimeOrNull(c.person.state.quarantine_end)},
                                  {"tests", tests}});
              });
  router_.Add("POST", "/api/v1/quarantine/assign",
              {.summary = "Assign rooms to the listed people under your node, household by household "
                          "(docs/quarantine.md); dry_run proposes without writing",
               .tag = tag, .permission = write, .request_schema = R"({"type":"object"})"},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                q::AutoAssignRequest r;
                const auto tiers = f.StringList("tiers", {.max_bytes = 20}, 2);
                r.limit = f.Int("limit", false).value_or(0);
                r.dry_run = f.Bool("dry_run", false).value_or(false);
                TC_RETURN_IF_ERROR(f.Finish({"tiers", "limit", "dry_run"}));
                if (body.contains("tiers")) {
                  r.tiers.clear();
                  for (size_t i = 0; i < tiers.size(); ++i) {
                    q::Tier t;
                    if (!tracing::ParseTier(tiers[i], &t)) {
                      return FieldInvalid("tiers[" + std::to_string(i) + "]", "'" + tiers[i] + "' is not a tier");
                    }
                    r.tiers.push_back(t);
                  }
                }
                TC_ASSIGN_OR_RETURN(auto out, Q.AutoAssign(r, CallerOf(ctx), ctx.actor()));
                json placed = json::array(), unplaced = json::array();
                for (const auto& b : out.placed) {
                  placed.push_back({{"person_id", b.person_id}, {"site_id", b.site_id}, {"room_id", b.room_id}});
                }
                for (const auto& u : out.unplaced) {
                  unplaced.push_back({{"person_id", u.person_id},
                                      {"reason", q::UnplacedReasonName(u.reason)},
                                      {"message", u.message}});
                }
                return JsonReply({{"written", out.written}, {"placed", placed}, {"unplaced", unplaced}});
              });

  // ---- Lists ----
  router_.Add("GET", "/api/v1/quarantine/check-list",
              {.summary = "Today's health-check list: everyone checked in who owes today's check or test",
               .tag = tag, .permission = read, .query = {{"site_id", "only this site", "integer"}}},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t site, ctx.QueryInt("site_id", 0, 0, INT64_MAX));
                TC_ASSIGN_OR_RETURN(auto list, Q.CheckList(CallerOf(ctx), site));
                json items = json::array();
                for (const auto& c : list) {
                  items.push_back({{"person_id", c.person_id},
                                   {"site_id", c.site_id ? json(c.site_id) : json(nullptr)},
                                   {"tier", tracing::TierName(c.tier)},
                                   {"mode", q::ModeName(c.mode)},
                                   {"day", c.day},
                                   {"check_due", c.check_due},
                                   {"test_due", c.test_day != 0},
                                   {"test_day", c.test_day ? json(c.test_day) : json(nullptr)},
                                   {"last_check_at", TimeOrNull(c.last_check_at)}});
                }
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/quarantine/open-loop",
              {.summary = "Everyone stuck in a state past the rules' limit (listed, not picked up, picked up and "
                          "not checked in …), by state, longest late first",
               .tag = tag, .permission = read},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto list, Q.OpenLoop(CallerOf(ctx)));
                json items = json::array();
                for (const auto& s : list) items.push_back(StuckJson(s));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/quarantine/transfers",
              {.summary = "Transfer tasks: people assigned to a site, with a pickup scheduled, or picked up; by "
                          "pickup time",
               .tag = tag, .permission = read, .query = {{"limit", "1–5000 (default 500)", "integer"}}},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 500, 1, 5000));
                TC_ASSIGN_OR_RETURN(auto list, Q.Transfers(CallerOf(ctx), limit));
                json items = json::array();
                for (const auto& p : list) items.push_back(PersonJson(p, false));
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/quarantine/summary",
              {.summary = "People by state, home and centralised, and the pipeline by tier and quarantine day",
               .tag = tag, .permission = read},
              [&Q](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto counts, Q.Count(CallerOf(ctx)));
                TC_ASSIGN_OR_RETURN(auto pipeline, Q.Pipeline(CallerOf(ctx)));
                json states = json::object();
                for (int i = 0; i < q::kStateCount; ++i) {
                  states[std::string(q::StateName(static_cast<q::State>(i)))] = counts.by_state[i];
                }
                return JsonReply({{"states", states},
                                  {"home", counts.home},
                                  {"centralised", counts.centralised},
                                  {"pipeline", {{"close", pipeline.close.by_day}, {"secondary", pipeline.secondary.by_day}}}});
              });

  // ---- A resident's own quarantine (phone page) ----
  router_.Add("GET", "/api/v1/me/quarantine",
              {.summary = "Your own quarantine: state, days, tests, and what release still needs", .tag = tag,
               .permission = self},
              [&Q, &C](Context& ctx) -> Result<Reply> {
                if (ctx.principal().resident_id == 0) return NotFound("this account is not a resident's");
                TC_ASSIGN_OR_RETURN(auto p, Q.OfResident(ctx.principal().resident_id));
                json j = PersonJson(p, true);
                TC_ASSIGN_OR_RETURN(auto rules, Q.Rules());
                const auto verdict = q::ReleaseCheck(p.state, rules, C.Now());
                j["release"] = {{"allowed", verdict.allowed}, {"reasons", verdict.reasons}};
                return JsonReply(j);
              });
  router_.Add("POST", "/api/v1/me/quarantine/checks",
              {.summary = "Report your own daily health check (temperature, symptoms); a fever or symptom alerts "
                          "your site or grid at once",
               .tag = tag, .permission = self,
               .request_schema = R"({"type":"object","required":["temperature_c"]})", .success_status = 201},
              [&Q](Context& ctx) -> Result<Reply> {
                if (ctx.principal().resident_id == 0) return NotFound("this account is not a resident's");
                TC_ASSIGN_OR_RETURN(json body, ctx.JsonBody());
                FieldReader f(body);
                q::Action a;
                a.kind = q::ActionKind::kHealthCheck;
                a.check.temperature_c = f.Number("temperature_c", true).value_or(0);
                a.check.symptoms = f.String("symptoms", {.max_bytes = 400});
                TC_RETURN_IF_ERROR(f.Finish({"temperature_c", "symptoms"}));
                TC_ASSIGN_OR_RETURN(auto mine, Q.OfResident(ctx.principal().resident_id));
                // Their own record only: the caller is the person, wherever they are held.
                TC_ASSIGN_OR_RETURN(auto p, Q.Act(mine.id, a, {.area_path = "/"}, ctx.actor()));
                return JsonReply(PersonJson(p, true), 201);
              });
}

}  // namespace tc::api
