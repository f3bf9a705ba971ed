#include "registry/areas.h"

#include <array>
#include <map>
#include <nlohmann/json.hpp>

#include "events/events.h"
#include "registry/counts.h"

namespace tc::registry {
namespace {

constexpr std::array<std::string_view, 7> kLevelNames = {"city", "district", "street", "community",
                                                         "compound", "building", "unit"};
constexpr size_t kMaxNameBytes = 100;
constexpr const char* kColumns = "code, parent_code, name, level, path, mode, created_at, updated_at";

// Digits of the 12-digit code that identify each administrative level.
size_t SignificantDigits(Level level) {
  switch (level) {
    case Level::kCity: return 4;
    case Level::kDistrict: return 6;
    case Level::kStreet: return 9;
    default: return 12;
  }
}

bool IsAdministrative(Level level) { return level <= Level::kCommunity; }

Area FromRow(const store::Row& r) {
  Area a;
  a.code = r.Text(0);
  a.parent_code = r.Text(1);
  a.name = r.Text(2);
  a.level = ParseLevel(r.Text(3)).value_or(Level::kUnit);
  a.path = r.Text(4);
  a.mode = r.Text(5);
  a.created_at = r.Int(6);
  a.updated_at = r.Int(7);
  return a;
}

// The code of the district an area lies in ("" for the city itself).
std::string DistrictCodeOf(const Area& a) {
  // path: /city/district/...
  const size_t first = a.path.find('/', 1);
  if (first == std::string::npos || first + 1 >= a.path.size()) return "";
  const size_t second = a.path.find('/', first + 1);
  return a.path.substr(first + 1, second - first - 1);
}

// Replaces the stored mode of areas below district level with their district's.
Status ApplyEffectiveModes(store::Conn& c, std::vector<Area>& areas) {
  std::map<std::string, std::string> district_mode;
  for (Area& a : areas) {
    if (a.level <= Level::kDistrict) continue;
    const std::string district = DistrictCodeOf(a);
    auto it = district_mode.find(district);
    if (it == district_mode.end()) {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT mode FROM areas WHERE code = ?", {district}));
      it = district_mode.emplace(district, rows.empty() ? std::string(kPeacetime) : rows[0].Text(0)).first;
    }
    a.mode = it->second;
  }
  return Status::Ok();
}

Result<Area> GetIn(store::Conn& c, std::string_view code) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kColumns + " FROM areas WHERE code = ?",
                                         {std::string(code)}));
  if (rows.empty()) return NotFound("area '" + std::string(code) + "' does not exist");
  std::vector<Area> one{FromRow(rows[0])};
  TC_RETURN_IF_ERROR(ApplyEffectiveModes(c, one));
  return one[0];
}

Status ValidateName(std::string_view name) {
  if (name.empty()) return FieldInvalid("name", "is required");
  if (name.size() > kMaxNameBytes) return FieldInvalid("name", "must be at most 100 bytes");
  for (unsigned char ch : name) {
    if (ch < 0x20) return FieldInvalid("name", "must not contain control characters");
  }
  return Status::Ok();
}

}  // namespace

std::string_view LevelName(Level level) { return kLevelNames[static_cast<size_t>(level)]; }

std::optional<Level> ParseLevel(std::string_view name) {
  for (size_t i = 0; i < kLevelNames.size(); ++i) {
    if (kLevelNames[i] == name) return static_cast<Level>(i);
  }
  return std::nullopt;
}

Status ValidateAreaCode(std::string_view code, Level level) {
  if (IsAdministrative(level)) {
    if (code.size() != 12 || code.find_first_not_of("0123456789") != std::string_view::npos) {
      return FieldInvalid("code", "a " + std::string(LevelName(level)) +
                                      " code is the 12-digit statistical division code, e.g. 220102000000");
    }
    const size_t sig = SignificantDigits(level);
    if (code.find_first_not_of('0', sig) != std::string_view::npos) {
      return FieldInvalid("code", "a " + std::string(LevelName(level)) + " code has zeros after digit " +
                                      std::to_string(sig));
    }
    if (level != Level::kCity) {
      const size_t own = SignificantDigits(static_cast<Level>(static_cast<int>(level) - 1));
      if (code.substr(own, sig - own).find_first_not_of('0') == std::string_view::npos) {
        return FieldInvalid("code", "digits " + std::to_string(own + 1) + "-" + std::to_string(sig) + " of a " +
                                        std::string(LevelName(level)) + " code must not all be zero");
      }
    }
    return Status::Ok();
  }
  if (code.empty() || code.size() > 64 ||
      code.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") !=
          std::string_view::npos) {
    return FieldInvalid("code", "must be 1 to 64 of letters, digits and '-'");
  }
  return Status::Ok();
}

Status ValidateChildCode(std::string_view parent_code, Level parent_level, std::string_view code, Level level) {
  if (parent_level == Level::kUnit || static_cast<int>(level) != static_cast<int>(parent_level) + 1) {
    return FieldInvalid("level", "a child of a " + std::string(LevelName(parent_level)) +
                                     (parent_level == Level::kUnit
                                          ? " cannot be an area (households go in units)"
                                          : " must be a " + std::string(LevelName(static_cast<Level>(
                                                                static_cast<int>(parent_level) + 1)))));
  }
  if (IsAdministrative(level)) {
    const size_t sig = SignificantDigits(parent_level);
    if (code.substr(0, sig) != parent_code.substr(0, sig)) {
      return FieldInvalid("code", "must start with the parent's " + std::to_string(sig) + " digits " +
                                      std::string(parent_code.substr(0, sig)));
    }
  } else if (!code.starts_with(std::string(parent_code) + "-")) {
    return FieldInvalid("code", "must be the parent's code, '-', and a suffix: " + std::string(parent_code) + "-01");
  }
  return Status::Ok();
}

std::string ScopeKeyOfCode(std::string_view code) {
  if (code.find('-') != std::string_view::npos) return std::string(code) + "-";
  if (code.size() != 12) return std::string(code);
  for (Level level : {Level::kCity, Level::kDistrict, Level::kStreet}) {
    const size_t sig = SignificantDigits(level);
    if (code.find_first_not_of('0', sig) == std::string_view::npos) return std::string(code.substr(0, sig));
  }
  return std::string(code);
}

std::string ScopeKeyOfPath(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const size_t slash = path.rfind('/');
  return path.empty() ? std::string() : ScopeKeyOfCode(path.substr(slash == std::string_view::npos ? 0 : slash + 1));
}

Result<Area> Areas::Get(std::string_view code) {
  std::optional<Area> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(out, GetIn(c, code));
    return Status::Ok();
  }));
  return *out;
}

Result<std::vector<Area>> Areas::Children(std::string_view parent_code) {
  std::vector<Area> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(GetIn(c, parent_code).status());
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kColumns +
                                               " FROM areas WHERE parent_code = ? ORDER BY code",
                                           {std::string(parent_code)}));
    for (const auto& r : rows.rows) out.push_back(FromRow(r));
    return ApplyEffectiveModes(c, out);
  }));
  return out;
}

Result<std::vector<Area>> Areas::Search(std::string_view text, std::string_view under_path, int limit) {
  std::vector<Area> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kColumns +
                                               " FROM areas WHERE path >= ? AND path < ? AND name LIKE ? "
                                               "ORDER BY path LIMIT ?",
                                           {std::string(under_path), store::PrefixEnd(under_path),
                                            "%" + std::string(text) + "%", int64_t{limit}}));
    for (const auto& r : rows.rows) out.push_back(FromRow(r));
    return ApplyEffectiveModes(c, out);
  }));
  return out;
}

Result<Area> Areas::Create(const NewArea& na, const audit::Actor& by) {
  Status invalid = InvalidArgument("area is invalid");
  auto collect = [&](const Status& s) {
    for (const auto& fe : s.field_errors()) invalid.AddFieldError(fe.field, fe.message);
  };
  auto level = ParseLevel(na.level);
  if (!level) {
    invalid.AddFieldError("level", "unknown level '" + na.level +
                                       "' (city, district, street, community, compound, building, unit)");
  } else {
    collect(ValidateAreaCode(na.code, *level));
  }
  collect(ValidateName(na.name));
  if (!invalid.field_errors().empty()) return invalid;

  const Millis now = clock_.Now();
  std::optional<Area> out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT name FROM areas WHERE code = ?", {na.code}));
    if (!dup.empty()) {
      return Conflict("area '" + na.code + "' already exists (" + dup[0].Text(0) + ")")
          .AddFieldError("code", "is already used by " + dup[0].Text(0));
    }
    std::string path;
    if (na.parent_code.empty()) {
      if (*level != Level::kCity) return FieldInvalid("parent_code", "is required below city level");
      TC_ASSIGN_OR_RETURN(auto roots, c.Query("SELECT code FROM areas WHERE parent_code IS NULL"));
      if (!roots.empty()) return Conflict("the city '" + roots[0].Text(0) + "' already exists; there is one root");
      path = "/" + na.code + "/";
    } else {
      auto parent = GetIn(c, na.parent_code);
      if (!parent.ok()) return FieldInvalid("parent_code", parent.status().message());
      TC_RETURN_IF_ERROR(ValidateChildCode(parent->code, parent->level, na.code, *level));
      path = parent->path + na.code + "/";
    }
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO areas (code, parent_code, name, level, path, mode, created_at, updated_at) "
                              "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                              {na.code, na.parent_code.empty() ? store::Value{} : store::Value{na.parent_code},
                               na.name, na.level, path, std::string(kPeacetime), now, now})
                           .status());
    nlohmann::json detail = {{"name", na.name}, {"level", na.level}, {"parent_code", na.parent_code}};
    TC_RETURN_IF_ERROR(audit::Append(c,
                                     {.actor = by.name, .action = "area.create", .target = "area:" + na.code,
                                      .area_path = path, .detail = detail.dump(), .request_id = by.request_id},
                                     now));
    TC_ASSIGN_OR_RETURN(out, GetIn(c, na.code));
    return Status::Ok();
  }));
  return *out;
}

Result<Area> Areas::Rename(std::string_view code, std::string_view name, const audit::Actor& by) {
  TC_RETURN_IF_ERROR(ValidateName(name));
  const Millis now = clock_.Now();
  std::optional<Area> out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(Area before, GetIn(c, code));
    TC_RETURN_IF_ERROR(c.Exec("UPDATE areas SET name = ?, updated_at = ? WHERE code = ?",
                              {std::string(name), now, std::string(code)})
                           .status());
    nlohmann::json detail = {{"name", {{"from", before.name}, {"to", name}}}};
    TC_RETURN_IF_ERROR(audit::Append(c,
                                     {.actor = by.name, .action = "area.rename", .target = "area:" + before.code,
                                      .area_path = before.path, .detail = detail.dump(), .request_id = by.request_id},
                                     now));
    TC_ASSIGN_OR_RETURN(out, GetIn(c, code));
    return Status::Ok();
  }));
  return *out;
}

Result<Area> Areas::SetMode(std::string_view code, std::string_view mode, std::string_view reason,
                            const audit::Actor& by) {
  Status invalid = InvalidArgument("mode change is invalid");
  if (mode != kPeacetime && mode != kWartime) invalid.AddFieldError("mode", "must be 'peacetime' or 'wartime'");
  if (reason.empty()) invalid.AddFieldError("reason", "is required: say why the mode changes");
  if (reason.size() > 500) invalid.AddFieldError("reason", "must be at most 500 bytes");
  if (!invalid.field_errors().empty()) return invalid;
  const Millis now = clock_.Now();
  std::optional<Area> out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(Area area, GetIn(c, code));
    if (area.level > Level::kDistrict) {
      return FieldInvalid("code", "mode is set on the city or a district; '" + area.code + "' is a " +
                                      std::string(LevelName(area.level)));
    }
    TC_RETURN_IF_ERROR(c.Exec("UPDATE areas SET mode = ?, updated_at = ? WHERE code = ?",
                              {std::string(mode), now, area.code})
                           .status());
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO area_mode_history (area_code, mode, reason, actor, at) VALUES (?, ?, ?, ?, ?)",
                              {area.code, std::string(mode), std::string(reason), by.name, now})
                           .status());
    nlohmann::json detail = {{"mode", {{"from", area.mode}, {"to", mode}}}, {"reason", reason}};
    TC_RETURN_IF_ERROR(audit::Append(c,
                                     {.actor = by.name, .action = "area.mode", .target = "area:" + area.code,
                                      .area_path = area.path, .detail = detail.dump(), .request_id = by.request_id},
                                     now));
    nlohmann::json event = {{"area_code", area.code}, {"area_path", area.path}, {"from", area.mode},
                            {"to", mode}, {"reason", reason}, {"actor", by.name}};
    TC_RETURN_IF_ERROR(events::Publish(c, "AreaModeChanged", event.dump(), now));
    TC_ASSIGN_OR_RETURN(out, GetIn(c, code));
    return Status::Ok();
  }));
  return *out;
}

Result<std::vector<ModeChange>> Areas::ModeHistory(std::string_view code) {
  std::vector<ModeChange> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(GetIn(c, code).status());
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT area_code, mode, reason, actor, at FROM area_mode_history "
                                           "WHERE area_code = ? ORDER BY id DESC",
                                           {std::string(code)}));
    for (const auto& r : rows.rows) out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4)});
    return Status::Ok();
  }));
  return out;
}

Result<AreaSummary> Areas::Summary(std::string_view code) {
  AreaSummary out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(Area area, GetIn(c, code));
    TC_ASSIGN_OR_RETURN(AreaCounts counts, ReadCounts(c, area.code));
    out.residents = counts.residents;
    out.households = counts.households;
    out.elderly_alone = counts.tags[0];
    out.chronic = counts.tags[1];
    out.pregnant = counts.tags[2];
    out.disability = counts.tags[3];
    out.severe_illness = counts.tags[4];
    TC_ASSIGN_OR_RETURN(auto levels, c.Query("SELECT level, COUNT(*) FROM areas WHERE path > ? AND path < ? GROUP BY level",
                                             {area.path, store::PrefixEnd(area.path)}));
    for (const auto& r : levels.rows) {
      const std::string level = r.Text(0);
      int64_t* slot = level == "street"      ? &out.streets
                      : level == "community" ? &out.communities
                      : level == "compound"  ? &out.compounds
                      : level == "building"  ? &out.buildings
                      : level == "unit"      ? &out.units
                                             : nullptr;
      if (slot) *slot = r.Int(1);
    }
    TC_ASSIGN_OR_RETURN(auto kids, c.Query("SELECT COUNT(*) FROM areas WHERE parent_code = ?", {area.code}));
    out.children = kids[0].Int(0);
    TC_ASSIGN_OR_RETURN(auto grids, c.Query("SELECT COUNT(*) FROM grids g JOIN areas a ON a.code = g.community_code "
                                            "WHERE a.path >= ? AND a.path < ?",
                                            {area.path, store::PrefixEnd(area.path)}));
    out.grids = grids[0].Int(0);
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<AreaShape>> Areas::Shapes(std::string_view code) {
  std::vector<AreaShape> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(Area area, GetIn(c, code));
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query(std::string("SELECT ") +
                                    "a.code, a.parent_code, a.name, a.level, a.path, a.mode, a.created_at, a.updated_at, "
                                    "s.geojson, n.residents, n.households FROM areas a "
                                    "LEFT JOIN area_shapes s ON s.area_code = a.code "
                                    "LEFT JOIN area_counts n ON n.area_code = a.code "
                                    "WHERE a.code = ? OR a.parent_code = ? ORDER BY a.path",
                                    {area.code, area.code}));
    std::vector<Area> areas;
    for (const auto& r : rows.rows) areas.push_back(FromRow(r));
    TC_RETURN_IF_ERROR(ApplyEffectiveModes(c, areas));
    for (size_t i = 0; i < rows.size(); ++i) {
      out.push_back({areas[i], rows[i].Text(8), rows[i].Int(9), rows[i].Int(10)});
    }
    return Status::Ok();
  }));
  return out;
}

Status Areas::SetShape(std::string_view code, std::string_view geojson, const audit::Actor& by) {
  const std::string text(geojson);
  const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("type") || !j.contains("coordinates") ||
      (j["type"] != "Polygon" && j["type"] != "MultiPolygon") || !j["coordinates"].is_array()) {
    return FieldInvalid("geometry", "must be a GeoJSON Polygon or MultiPolygon object");
  }
  const Millis now = clock_.Now();
  return store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(Area area, GetIn(c, code));
    TC_RETURN_IF_ERROR(c.Exec("DELETE FROM area_shapes WHERE area_code = ?", {area.code}).status());
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO area_shapes (area_code, geojson) VALUES (?, ?)", {area.code, j.dump()}).status());
    return audit::Append(c,
                         {.actor = by.name, .action = "area.shape", .target = "area:" + area.code, .area_path = area.path,
                          .request_id = by.request_id},
                         now);
  });
}

}  // namespace tc::registry
