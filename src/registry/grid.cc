#include "registry/grid.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "registry/areas.h"
#include "registry/id_number.h"

namespace tc::registry {
namespace {

struct AreaRow {
  std::string code, name, level, path;
};

Result<AreaRow> AreaIn(store::Conn& c, std::string_view code, std::string_view field) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT code, name, level, path FROM areas WHERE code = ?", {std::string(code)}));
  if (rows.empty()) return FieldInvalid(std::string(field), "area '" + std::string(code) + "' does not exist");
  return AreaRow{rows[0].Text(0), rows[0].Text(1), rows[0].Text(2), rows[0].Text(3)};
}

// The resident must be active and live under the area with this code.
Status ResidentUnder(store::Conn& c, int64_t resident_id, std::string_view area_code) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT household_code, status FROM residents WHERE id = ?", {resident_id}));
  if (rows.empty()) return FieldInvalid("resident_id", "resident " + std::to_string(resident_id) + " does not exist");
  if (rows[0].Text(1) != "active") return FieldInvalid("resident_id", "resident " + std::to_string(resident_id) + " was merged");
  if (!rows[0].Text(0).starts_with(ScopeKeyOfCode(area_code))) {
    return FieldInvalid("resident_id", "resident " + std::to_string(resident_id) + " does not live in " +
                                           std::string(area_code));
  }
  return Status::Ok();
}

}  // namespace

std::string_view LevelForAssignmentRole(std::string_view role) {
  if (role == "department_head") return "street";
  if (role == "deputy") return "community";
  if (role == "section_chief") return "compound";
  if (role == "cadre") return "building";
  return "";
}

Result<Grid> Grids::CreateGrid(std::string_view community_code, int number, std::string_view name,
                               const audit::Actor& by) {
  if (number < 1 || number > 99) return FieldInvalid("number", "must be 1 to 99");
  if (name.empty() || name.size() > 100) return FieldInvalid("name", "is required (at most 100 bytes)");
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "-G%02d", number);
  Grid g{std::string(community_code) + suffix, std::string(community_code), std::string(name), 0, 0};
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(AreaRow community, AreaIn(c, community_code, "community_code"));
    if (community.level != "community") return FieldInvalid("community_code", "'" + community.code + "' is a " + community.level);
    TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT 1 FROM grids WHERE code = ?", {g.code}));
    if (!dup.empty()) return Conflict("grid " + g.code + " already exists").AddFieldError("number", "is taken");
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO grids (code, community_code, name, created_at) VALUES (?, ?, ?, ?)",
                              {g.code, g.community_code, g.name, now})
                           .status());
    return audit::Append(c,
                         {.actor = by.name, .action = "grid.create", .target = "grid:" + g.code,
                          .area_path = community.path, .detail = nlohmann::json({{"name", g.name}}).dump(),
                          .request_id = by.request_id},
                         now);
  }));
  return g;
}

Result<std::vector<Grid>> Grids::ListGrids(std::string_view community_code) {
  std::vector<Grid> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query("SELECT g.code, g.community_code, g.name, g.leader_id, "
                                "(SELECT COUNT(*) FROM grid_buildings b WHERE b.grid_code = g.code) "
                                "FROM grids g WHERE g.community_code = ? ORDER BY g.code",
                                {std::string(community_code)}));
    for (const auto& r : rows.rows) out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4)});
    return Status::Ok();
  }));
  return out;
}

Status Grids::AddBuildings(std::string_view grid_code, const std::vector<std::string>& building_codes,
                           const audit::Actor& by) {
  const Millis now = clock_.Now();
  return store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto grid, c.Query("SELECT community_code FROM grids WHERE code = ?", {std::string(grid_code)}));
    if (grid.empty()) return NotFound("grid '" + std::string(grid_code) + "' does not exist");
    const std::string community = grid[0].Text(0);
    TC_ASSIGN_OR_RETURN(AreaRow community_row, AreaIn(c, community, "grid"));
    Status invalid = InvalidArgument("buildings are invalid");
    for (size_t i = 0; i < building_codes.size(); ++i) {
      const std::string field = "buildings[" + std::to_string(i) + "]";
      auto b = AreaIn(c, building_codes[i], field);
      if (!b.ok()) {
        invalid.AddFieldError(field, b.status().field_errors().at(0).message);
      } else if (b->level != "building") {
        invalid.AddFieldError(field, "'" + b->code + "' is a " + b->level + ", not a building");
      } else if (!b->path.starts_with(community_row.path)) {
        invalid.AddFieldError(field, "'" + b->code + "' is not in community " + community);
      }
    }
    if (!invalid.field_errors().empty()) return invalid;
    for (const auto& code : building_codes) {
      TC_RETURN_IF_ERROR(c.Exec("DELETE FROM grid_buildings WHERE building_code = ?", {code}).status());
      TC_RETURN_IF_ERROR(
          c.Exec("INSERT INTO grid_buildings (building_code, grid_code) VALUES (?, ?)", {code, std::string(grid_code)})
              .status());
    }
    return audit::Append(c,
                         {.actor = by.name, .action = "grid.add_buildings", .target = "grid:" + std::string(grid_code),
                          .area_path = community_row.path,
                          .detail = nlohmann::json({{"buildings", building_codes}}).dump(), .request_id = by.request_id},
                         now);
  });
}

Status Grids::SetGridLeader(std::string_view grid_code, int64_t resident_id, const audit::Actor& by) {
  const Millis now = clock_.Now();
  return store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto grid, c.Query("SELECT community_code FROM grids WHERE code = ?", {std::string(grid_code)}));
    if (grid.empty()) return NotFound("grid '" + std::string(grid_code) + "' does not exist");
    TC_ASSIGN_OR_RETURN(AreaRow community, AreaIn(c, grid[0].Text(0), "grid"));
    TC_RETURN_IF_ERROR(ResidentUnder(c, resident_id, community.code));
    TC_RETURN_IF_ERROR(
        c.Exec("UPDATE grids SET leader_id = ? WHERE code = ?", {resident_id, std::string(grid_code)}).status());
    return audit::Append(c,
                         {.actor = by.name, .action = "grid.leader", .target = "grid:" + std::string(grid_code),
                          .area_path = community.path,
                          .detail = nlohmann::json({{"resident_id", resident_id}}).dump(), .request_id = by.request_id},
                         now);
  });
}

Status Grids::SetAreaLeader(std::string_view area_code, int64_t resident_id, const audit::Actor& by) {
  const Millis now = clock_.Now();
  return store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(AreaRow area, AreaIn(c, area_code, "area_code"));
    if (area.level != "building" && area.level != "unit") {
      return FieldInvalid("area_code", "leaders are set on buildings (楼栋长) and units (单元长), not on a " + area.level);
    }
    TC_RETURN_IF_ERROR(ResidentUnder(c, resident_id, area.code));
    const std::string role = area.level == "building" ? "building_leader" : "unit_leader";
    TC_RETURN_IF_ERROR(c.Exec("DELETE FROM area_leaders WHERE area_code = ?", {area.code}).status());
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO area_leaders (area_code, resident_id, role, since) VALUES (?, ?, ?, ?)",
                              {area.code, resident_id, role, now})
                           .status());
    return audit::Append(c,
                         {.actor = by.name, .action = "area.leader", .target = "area:" + area.code,
                          .area_path = area.path,
                          .detail = nlohmann::json({{"resident_id", resident_id}, {"role", role}}).dump(),
                          .request_id = by.request_id},
                         now);
  });
}

Result<Assignment> Grids::Assign(const Assignment& a, const audit::Actor& by) {
  Status invalid = InvalidArgument("assignment is invalid");
  const std::string_view level = LevelForAssignmentRole(a.role);
  if (level.empty()) invalid.AddFieldError("role", "must be department_head, deputy, section_chief or cadre");
  if (a.cadre_name.empty() || a.cadre_name.size() > 60) invalid.AddFieldError("cadre_name", "is required (at most 60 bytes)");
  auto phone = ParsePhone(a.cadre_phone, "cadre_phone");
  if (!phone.ok()) invalid.AddFieldError("cadre_phone", phone.status().field_errors().at(0).message);
  if (a.organisation.size() > 100) invalid.AddFieldError("organisation", "must be at most 100 bytes");
  if (!invalid.field_errors().empty()) return invalid;
  const Millis now = clock_.Now();
  Assignment out = a;
  out.cadre_phone = *phone;
  out.since = now;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(AreaRow area, AreaIn(c, a.area_code, "area_code"));
    if (area.level != level) {
      return FieldInvalid("role", "a " + a.role + " is assigned to a " + std::string(level) + ", and " + area.code +
                                      " is a " + area.level);
    }
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO assignments (area_code, cadre_name, cadre_phone, organisation, "
                                           "role, since) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                                           {area.code, out.cadre_name, out.cadre_phone, out.organisation, out.role, now}));
    out.id = rows[0].Int(0);
    return audit::Append(c,
                         {.actor = by.name, .action = "assignment.create", .target = "area:" + area.code,
                          .area_path = area.path,
                          .detail = nlohmann::json({{"id", out.id}, {"cadre_name", out.cadre_name}, {"role", out.role}})
                                        .dump(),
                          .request_id = by.request_id},
                         now);
  }));
  return out;
}

Status Grids::EndAssignment(int64_t id, const audit::Actor& by) {
  const Millis now = clock_.Now();
  return store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT s.area_code, a.path FROM assignments s JOIN areas a ON a.code = "
                                           "s.area_code WHERE s.id = ? AND s.ended_at IS NULL",
                                           {id}));
    if (rows.empty()) return NotFound("no current assignment " + std::to_string(id));
    TC_RETURN_IF_ERROR(c.Exec("UPDATE assignments SET ended_at = ? WHERE id = ?", {now, id}).status());
    return audit::Append(c,
                         {.actor = by.name, .action = "assignment.end", .target = "area:" + rows[0].Text(0),
                          .area_path = rows[0].Text(1), .detail = nlohmann::json({{"id", id}}).dump(),
                          .request_id = by.request_id},
                         now);
  });
}

Result<std::vector<Assignment>> Grids::Assignments(std::string_view area_code) {
  std::vector<Assignment> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, area_code, cadre_name, cadre_phone, organisation, role, since "
                                           "FROM assignments WHERE area_code = ? AND ended_at IS NULL ORDER BY id",
                                           {std::string(area_code)}));
    for (const auto& r : rows.rows) {
      out.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Int(6)});
    }
    return Status::Ok();
  }));
  return out;
}

Result<CoverageReport> Grids::Coverage(std::string_view area_code, int limit) {
  CoverageReport report;
  report.area_code = std::string(area_code);
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(AreaRow root, AreaIn(c, area_code, "area_code"));
    const std::string lo = root.path, hi = store::PrefixEnd(root.path);
    TC_ASSIGN_OR_RETURN(auto totals, c.Query("SELECT level, COUNT(*) FROM areas WHERE path >= ? AND path < ? "
                                             "AND level IN ('street','community','compound','building','unit') "
                                             "GROUP BY level",
                                             {lo, hi}));
    for (const auto& r : totals.rows) report.by_level[r.Text(0)].total = r.Int(1);
    // One row per (area, problem); merged per area below, in path order.
    const std::string sql =
        "SELECT a.path, a.code, a.name, a.level, 'no 包保 cadre' FROM areas a "
        " WHERE a.path >= ? AND a.path < ? AND a.level IN ('street','community','compound','building') "
        " AND NOT EXISTS (SELECT 1 FROM assignments s WHERE s.area_code = a.code AND s.ended_at IS NULL) "
        "UNION ALL "
        "SELECT a.path, a.code, a.name, a.level, 'no building leader' FROM areas a "
        " WHERE a.path >= ? AND a.path < ? AND a.level = 'building' "
        " AND NOT EXISTS (SELECT 1 FROM area_leaders l WHERE l.area_code = a.code) "
        "UNION ALL "
        "SELECT a.path, a.code, a.name, a.level, 'no unit leader' FROM areas a "
        " WHERE a.path >= ? AND a.path < ? AND a.level = 'unit' "
        " AND NOT EXISTS (SELECT 1 FROM area_leaders l WHERE l.area_code = a.code) "
        "UNION ALL "
        "SELECT a.path, a.code, a.name, a.level, 'not in any grid' FROM areas a "
        " WHERE a.path >= ? AND a.path < ? AND a.level = 'building' "
        " AND NOT EXISTS (SELECT 1 FROM grid_buildings g WHERE g.building_code = a.code) "
        "UNION ALL "
        "SELECT a.path, a.code, a.name, a.level, 'no grid' FROM areas a "
        " WHERE a.path >= ? AND a.path < ? AND a.level = 'community' "
        " AND NOT EXISTS (SELECT 1 FROM grids g WHERE g.community_code = a.code) "
        "UNION ALL "
        "SELECT a.path || g.code, g.code, g.name, 'grid', 'no grid leader' FROM grids g "
        " JOIN areas a ON a.code = g.community_code "
        " WHERE a.path >= ? AND a.path < ? AND g.leader_id IS NULL "
        "ORDER BY 1";
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(sql, {lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi}));
    TC_ASSIGN_OR_RETURN(auto grids, c.Query("SELECT COUNT(*) FROM grids g JOIN areas a ON a.code = g.community_code "
                                            "WHERE a.path >= ? AND a.path < ?",
                                            {lo, hi}));
    report.by_level["grid"].total = grids[0].Int(0);
    std::string last_key;
    for (const auto& r : rows.rows) {
      const std::string key = r.Text(0);
      if (key != last_key) {
        ++report.total_gaps;
        ++report.by_level[r.Text(3)].with_gaps;
        last_key = key;
        if (static_cast<int>(report.gaps.size()) < limit) {
          report.gaps.push_back({r.Text(1), r.Text(2), r.Text(3), {}});
        } else {
          continue;
        }
      } else if (report.gaps.empty() || report.gaps.back().code != r.Text(1)) {
        continue;
      }
      report.gaps.back().problems.push_back(r.Text(4));
    }
    return Status::Ok();
  }));
  return report;
}

}  // namespace tc::registry
