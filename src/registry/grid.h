// Grids (网格) and responsibility (包保). A grid covers a set of buildings of one
// community and has a grid leader (网格长); buildings have a building leader (楼栋长)
// and units a unit leader (单元长) — the "三长", all residents. Cadres are assigned
// to nodes by rank: department head → street, deputy → community, section chief →
// compound, cadre → building. The coverage report finds every node under an area
// with nobody responsible or without its leaders ("每一寸、每平方米有人管").
// Thread-safe (stateless over the store).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace tc::registry {

struct Grid {
  std::string code;  // community code + "-G" + number
  std::string community_code;
  std::string name;
  int64_t leader_id = 0;  // 0: no grid leader
  int64_t buildings = 0;
};

struct Assignment {
  int64_t id = 0;
  std::string area_code;
  std::string cadre_name;
  std::string cadre_phone;
  std::string organisation;
  std::string role;  // department_head, deputy, section_chief, cadre
  Millis since = 0;
};

// The level an assignment role binds to ("department_head" → "street"), or "" if unknown.
std::string_view LevelForAssignmentRole(std::string_view role);

struct CoverageGap {
  std::string code;
  std::string name;
  std::string level;
  std::vector<std::string> problems;  // "no 包保 cadre", "no building leader", ...
};

struct LevelCoverage {
  int64_t total = 0;
  int64_t with_gaps = 0;
};

struct CoverageReport {
  std::string area_code;
  std::map<std::string, LevelCoverage> by_level;  // street, community, compound, building, unit, grid
  int64_t total_gaps = 0;
  std::vector<CoverageGap> gaps;  // in path order, at most the requested limit
};

class Grids {
 public:
  Grids(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // A grid in a community; `number` 1–99 gives code "<community>-G07". Audited.
  Result<Grid> CreateGrid(std::string_view community_code, int number, std::string_view name, const audit::Actor& by);
  Result<std::vector<Grid>> ListGrids(std::string_view community_code);
  // Puts buildings (of the grid's community) into the grid, moving them from any other. Audited.
  Status AddBuildings(std::string_view grid_code, const std::vector<std::string>& building_codes,
                      const audit::Actor& by);
  // The grid leader must be an active resident of the grid's community. Audited.
  Status SetGridLeader(std::string_view grid_code, int64_t resident_id, const audit::Actor& by);
  // Building or unit leader; the resident must live in that building or unit. Audited.
  Status SetAreaLeader(std::string_view area_code, int64_t resident_id, const audit::Actor& by);

  // 包保: the role must fit the area's level. Audited.
  Result<Assignment> Assign(const Assignment& a, const audit::Actor& by);
  Status EndAssignment(int64_t id, const audit::Actor& by);
  Result<std::vector<Assignment>> Assignments(std::string_view area_code);

  // Gaps under the area with this code (all of them counted, the first `limit` listed).
  Result<CoverageReport> Coverage(std::string_view area_code, int limit);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace tc::registry
