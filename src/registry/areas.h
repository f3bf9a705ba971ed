// Areas: the administrative hierarchy every record hangs off —
// city → district/county (区/县) → street/township (街道/乡镇) → community/village
// (社区/村) → compound (小区) → building (楼栋) → unit (单元). Area levels down to
// community use the 12-digit statistical division code (统计用区划代码).
// Each area stores its materialised path ("/220100000000/220102000000/"), which is
// what jurisdiction checks compare. Peacetime/wartime mode (平战结合) is set on
// the city or a district by the command centre, with history, and publishes
// AreaModeChanged; a deeper area reports the mode of its district.
// Thread-safe (stateless over the store).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace tc::registry {

enum class Level { kCity, kDistrict, kStreet, kCommunity, kCompound, kBuilding, kUnit };
std::string_view LevelName(Level level);  // "district"
std::optional<Level> ParseLevel(std::string_view name);

inline constexpr std::string_view kPeacetime = "peacetime";  // 平时
inline constexpr std::string_view kWartime = "wartime";      // 战时

struct Area {
  std::string code;
  std::string parent_code;  // "" for the root
  std::string name;
  Level level = Level::kCity;
  std::string path;
  std::string mode;  // effective mode: own for city/district, the district's below
  Millis created_at = 0;
  Millis updated_at = 0;
};

struct NewArea {
  std::string code;
  std::string parent_code;  // "" creates a root (a city); only one root is allowed
  std::string name;
  std::string level;
};

struct ModeChange {
  std::string area_code;
  std::string mode;
  std::string reason;
  std::string actor;
  Millis at = 0;
};

// Checks a code for a level: 12 digits for city..community (with the digits
// below the level zero and the level's own digits not all zero), 1–64 of
// [0-9A-Za-z-] for compound and below. Names field "code".
Status ValidateAreaCode(std::string_view code, Level level);

// Checks that `code` at `level` may be a child of the area `parent_code` at
// `parent_level`: the next level down, and the code extends the parent's
// (significant digits for division codes, "<parent>-<suffix>" below community).
Status ValidateChildCode(std::string_view parent_code, Level parent_level, std::string_view code, Level level);

// The scope key of an area: a string that is a prefix of the scope key of every
// area, household and resident under it, and of nothing else. Administrative
// codes contribute their significant digits (city 2201, district 220102, street
// 220102001, community 220102001001); derived codes (compound and below, which
// are the parent's code + '-' + a suffix) contribute the code and a '-'.
// High-volume tables (households, residents) store only their code, which
// starts with their unit's scope key, so a jurisdiction filter is a prefix range.
std::string ScopeKeyOfCode(std::string_view code);
// The scope key of the last area of a materialised path ("/2201…/220102…/"); "" (all
// of the city) for "/".
std::string ScopeKeyOfPath(std::string_view path);

// What lies under an area: from the rollup (residents, households, care tags)
// and from the tree (areas by level, grids).
struct AreaSummary {
  int64_t residents = 0;
  int64_t households = 0;
  int64_t elderly_alone = 0, chronic = 0, pregnant = 0, disability = 0, severe_illness = 0;
  int64_t children = 0;
  int64_t streets = 0, communities = 0, compounds = 0, buildings = 0, units = 0, grids = 0;
};

// A child area with its GeoJSON geometry ("" if it has none) and population.
struct AreaShape {
  Area area;
  std::string geojson;
  int64_t residents = 0;
  int64_t households = 0;
};

class Areas {
 public:
  Areas(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // NotFound naming the code.
  Result<Area> Get(std::string_view code);
  // Direct children ordered by code; NotFound if the parent does not exist.
  Result<std::vector<Area>> Children(std::string_view parent_code);
  // Areas whose name contains `text`, under `under_path`, at most `limit`, by path.
  Result<std::vector<Area>> Search(std::string_view text, std::string_view under_path, int limit);
  // Validates (field errors), checks the parent exists and the level is the next
  // one down, Conflict if the code exists. Audited.
  Result<Area> Create(const NewArea& area, const audit::Actor& by);
  // Audited. InvalidArgument naming "name" if empty or over 100 bytes.
  Result<Area> Rename(std::string_view code, std::string_view name, const audit::Actor& by);
  // City or district only; mode is "peacetime" or "wartime"; reason is required.
  // Records history, audits and publishes AreaModeChanged in one transaction.
  Result<Area> SetMode(std::string_view code, std::string_view mode, std::string_view reason,
                       const audit::Actor& by);
  // Newest first.
  Result<std::vector<ModeChange>> ModeHistory(std::string_view code);
  Result<AreaSummary> Summary(std::string_view code);
  // The area itself (first) and its children, each with geometry and counts.
  Result<std::vector<AreaShape>> Shapes(std::string_view code);
  // Sets an area's geometry (GeoJSON Polygon/MultiPolygon text). Audited.
  Status SetShape(std::string_view code, std::string_view geojson, const audit::Actor& by);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace tc::registry
