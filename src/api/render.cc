#include "api/render.h"

#include "registry/id_number.h"

namespace tc::api {

nlohmann::json PrincipalJson(const auth::Principal& p) {
  nlohmann::json perms = nlohmann::json::array();
  for (auto perm : auth::RolePermissions(p.role)) perms.push_back(perm);
  return {{"id", p.user_id},
          {"username", p.username},
          {"display_name", p.display_name},
          {"role", auth::RoleName(p.role)},
          {"area_code", p.area_code},
          {"resident_id", p.resident_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(p.resident_id)},
          {"permissions", perms}};
}

nlohmann::json UserJson(const auth::User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"display_name", u.display_name},
          {"role", auth::RoleName(u.role)},
          {"area_code", u.area_code},
          {"disabled", u.disabled},
          {"resident_id", u.resident_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(u.resident_id)},
          {"created_at", FormatShanghai(u.created_at)}};
}

nlohmann::json AreaJson(const registry::Area& a) {
  return {{"code", a.code},
          {"parent_code", a.parent_code.empty() ? nlohmann::json(nullptr) : nlohmann::json(a.parent_code)},
          {"name", a.name},
          {"level", registry::LevelName(a.level)},
          {"path", a.path},
          {"mode", a.mode},
          {"updated_at", FormatShanghai(a.updated_at)}};
}

nlohmann::json AuditJson(const audit::Entry& e) {
  nlohmann::json detail = nlohmann::json::parse(e.record.detail, nullptr, false);
  if (detail.is_discarded()) detail = e.record.detail;
  return {{"seq", e.seq},
          {"at", FormatShanghai(e.at)},
          {"actor", e.record.actor},
          {"action", e.record.action},
          {"target", e.record.target},
          {"area_path", e.record.area_path},
          {"detail", detail},
          {"request_id", e.record.request_id},
          {"hash", e.hash}};
}

nlohmann::json ResidentJson(const registry::Resident& r, bool unmasked) {
  nlohmann::json j = {{"id", r.id},
                      {"name", r.name},
                      {"id_number", unmasked ? r.id_number : registry::MaskIdNumber(r.id_number)},
                      {"phone", unmasked ? r.phone : registry::MaskPhone(r.phone)},
                      {"birth_date", unmasked || r.birth_date.size() < 4 ? r.birth_date : r.birth_date.substr(0, 4) + "-**-**"},
                      {"sex", r.sex},
                      {"household_code", r.household_code},
                      {"tags", registry::CareTagNames(r.tags)},
                      {"status", r.status},
                      {"masked", !unmasked}};
  if (r.merged_into) j["merged_into"] = r.merged_into;
  return j;
}

nlohmann::json CoverageJson(const registry::CoverageReport& r) {
  nlohmann::json levels = nlohmann::json::object();
  for (const auto& [level, c] : r.by_level) levels[level] = {{"total", c.total}, {"with_gaps", c.with_gaps}};
  nlohmann::json gaps = nlohmann::json::array();
  for (const auto& g : r.gaps) {
    gaps.push_back({{"code", g.code}, {"name", g.name}, {"level", g.level}, {"problems", g.problems}});
  }
  return {{"area_code", r.area_code}, {"by_level", levels}, {"total_gaps", r.total_gaps}, {"gaps", gaps}};
}

}  // namespace tc::api
