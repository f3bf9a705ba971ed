#include "registry/lookup.h"

#include <algorithm>
#include <map>

namespace tc::registry {
namespace {

constexpr std::string_view kBriefColumns = "SELECT id, name, phone, id_number, household_code, status, tags, birth_date FROM residents ";

PersonBrief BriefFromRow(const store::Row& r) {
  return {r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Int(6), r.Text(7)};
}

template <typename T>
Result<std::vector<PersonBrief>> PeopleWhere(store::Conn& c, std::string_view column, std::span<const T> keys) {
  std::vector<T> sorted(keys.begin(), keys.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  std::vector<PersonBrief> out;
  out.reserve(sorted.size());
  TC_RETURN_IF_ERROR(store::QueryIn(c, std::string(kBriefColumns) + "WHERE " + std::string(column) + " IN ", "",
                                    std::span<const T>(sorted),
                                    [&](const store::Row& r) { out.push_back(BriefFromRow(r)); }));
  std::sort(out.begin(), out.end(), [](const PersonBrief& a, const PersonBrief& b) { return a.id < b.id; });
  return out;
}

}  // namespace

Result<std::vector<PersonBrief>> PeopleById(store::Conn& c, std::span<const int64_t> ids) {
  return PeopleWhere(c, "id", ids);
}

Result<std::vector<PersonBrief>> PeopleByIdNumber(store::Conn& c, std::span<const std::string> id_numbers) {
  std::vector<std::string> known;
  for (const auto& n : id_numbers) {
    if (!n.empty()) known.push_back(n);
  }
  return PeopleWhere(c, "id_number", std::span<const std::string>(known));
}

Result<PersonBrief> Person(store::Conn& c, int64_t id) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kBriefColumns) + "WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("resident " + std::to_string(id) + " does not exist");
  return BriefFromRow(rows[0]);
}

Status ForEachHouseholdMember(store::Conn& c, std::span<const int64_t> ids,
                              const std::function<void(int64_t, int64_t)>& fn) {
  std::vector<int64_t> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return store::QueryIn(c,
                        "SELECT a.id, b.id FROM residents a JOIN residents b ON b.household_code = a.household_code "
                        "AND b.id <> a.id AND b.status = 'active' WHERE a.id IN ",
                        "", std::span<const int64_t>(sorted), [&](const store::Row& r) { fn(r.Int(0), r.Int(1)); });
}

Result<std::string> AreaPath(store::Conn& c, std::string_view area_code) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT path FROM areas WHERE code = ?", {std::string(area_code)}));
  if (rows.empty()) return NotFound("area '" + std::string(area_code) + "' does not exist");
  return rows[0].Text(0);
}

Result<std::string> HouseholdAreaPath(store::Conn& c, std::string_view household_code) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT a.path FROM households h JOIN areas a ON a.code = h.unit_code "
                                         "WHERE h.code = ?",
                                         {std::string(household_code)}));
  if (rows.empty()) return NotFound("household '" + std::string(household_code) + "' does not exist");
  return rows[0].Text(0);
}

Result<Millis> CityCreatedAt(store::Conn& c) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT MIN(created_at) FROM areas WHERE parent_code IS NULL"));
  return rows.empty() ? 0 : rows[0].Int(0);
}

Result<int64_t> AreaCount(store::Conn& c) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT COUNT(*) FROM areas"));
  return rows[0].Int(0);
}

Result<int64_t> CityPopulation(store::Conn& c) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT SUM(residents) FROM area_counts ac JOIN areas a "
                                         "ON a.code = ac.area_code WHERE a.parent_code IS NULL"));
  return rows.empty() ? 0 : rows[0].Int(0);
}

Status ForEachArea(store::Conn& c, const std::function<void(const AreaNode&)>& fn) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT code, parent_code, level, name, path FROM areas ORDER BY path"));
  for (const auto& r : rows.rows) fn({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)});
  return Status::Ok();
}

namespace {
constexpr std::string_view kPlaceColumns =
    "SELECT r.id, r.id_number, h.unit_code, r.tags FROM residents r "
    "JOIN households h ON h.code = r.household_code WHERE r.status = 'active' ";
ResidentPlace PlaceFromRow(const store::Row& r) { return {r.Int(0), r.Text(1), r.Text(2), r.Int(3)}; }
}  // namespace

Result<int64_t> ForEachResidentPlace(store::Conn& c, int64_t after_id, int64_t limit,
                                     const std::function<void(const ResidentPlace&)>& fn) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kPlaceColumns) + "AND r.id > ? ORDER BY r.id LIMIT ?",
                                         {after_id, limit}));
  for (const auto& r : rows.rows) fn(PlaceFromRow(r));
  return static_cast<int64_t>(rows.size());
}

Result<ResidentPlace> ResidentPlaceByIdNumber(store::Conn& c, std::string_view id_number) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kPlaceColumns) + "AND r.id_number = ?", {std::string(id_number)}));
  if (rows.empty()) return NotFound("no active resident has ID number " + std::string(id_number));
  return PlaceFromRow(rows[0]);
}

namespace {
constexpr std::string_view kTaggedColumns =
    "SELECT r.id, r.name, COALESCE(r.phone, ''), h.unit_code, r.household_code, r.tags FROM residents r "
    "JOIN households h ON h.code = r.household_code WHERE r.status = 'active' ";
TaggedResident TaggedFromRow(const store::Row& r) {
  return {r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5)};
}
}  // namespace

Result<std::vector<TaggedResident>> TaggedResidents(store::Conn& c, std::string_view scope_key, int64_t tag_mask) {
  std::string sql = std::string(kTaggedColumns) + "AND (r.tags & ?) <> 0";
  store::Params params{tag_mask};
  if (!scope_key.empty()) {
    sql += " AND r.household_code >= ? AND r.household_code < ?";
    params.emplace_back(std::string(scope_key));
    params.emplace_back(store::PrefixEnd(scope_key));
  }
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(sql + " ORDER BY r.id", params));
  std::vector<TaggedResident> out;
  out.reserve(rows.size());
  for (const auto& r : rows.rows) out.push_back(TaggedFromRow(r));
  return out;
}

Result<TaggedResident> TaggedResidentById(store::Conn& c, int64_t id) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string(kTaggedColumns) + "AND r.id = ?", {id}));
  if (rows.empty()) return NotFound("resident " + std::to_string(id) + " does not exist");
  return TaggedFromRow(rows[0]);
}

Result<std::vector<GridCover>> GridsUnder(store::Conn& c, std::string_view scope_key) {
  // Grid codes are "<community>-G07": a key below a community narrows to the community.
  const std::string prefix(scope_key.substr(0, scope_key.find('-')));
  std::string where;
  store::Params params;
  if (!prefix.empty()) {
    where = " WHERE g.code >= ? AND g.code < ?";
    params = {prefix, store::PrefixEnd(prefix)};
  }
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT g.code, g.community_code, COALESCE(g.leader_id, 0), "
                                         "COALESCE(r.name, ''), COALESCE(r.phone, '') FROM grids g "
                                         "LEFT JOIN residents r ON r.id = g.leader_id" + where + " ORDER BY g.code",
                                         params));
  std::vector<GridCover> out;
  std::map<std::string, size_t> at;
  for (const auto& r : rows.rows) {
    at[r.Text(0)] = out.size();
    out.push_back({r.Text(0), r.Text(1), r.Int(2), r.Text(3), r.Text(4), {}});
  }
  TC_ASSIGN_OR_RETURN(auto buildings,
                      c.Query("SELECT g.grid_code, g.building_code FROM grid_buildings g" +
                                  (prefix.empty() ? std::string() : " WHERE g.grid_code >= ? AND g.grid_code < ?") +
                                  " ORDER BY g.building_code",
                              params));
  for (const auto& r : buildings.rows) {
    if (auto it = at.find(r.Text(0)); it != at.end()) out[it->second].building_codes.push_back(r.Text(1));
  }
  return out;
}

}  // namespace tc::registry
