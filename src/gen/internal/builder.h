// CityBuilder: generates a city's rows top-down, one district after another, into
// batches of rows per table that the caller writes. Rows come parents before
// children and residents in household-code order, so each batch can be written
// table by table in the order of Tables() without breaking a foreign key. Holds
// one community's working set at a time. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "gen/city.h"
#include "gen/internal/people.h"
#include "gen/internal/preset.h"
#include "gen/internal/rng.h"
#include "gen/internal/shapes.h"
#include "store/store.h"

namespace tc::gen::internal {

// Every generated row carries this time: 2022-03-01T00:00:00+08:00.
inline constexpr int64_t kGeneratedAt = 1'646'064'000'000;

enum TableId { kAreas, kShapes, kHouseholds, kResidents, kGrids, kGridBuildings, kLeaders, kAssignments, kTableCount };

struct TableSpec {
  std::string_view name;
  std::vector<std::string> columns;
};
// The generated tables in write order (referenced tables first).
const std::array<TableSpec, kTableCount>& Tables();

struct Batch {
  std::array<std::vector<store::Params>, kTableCount> rows;
  size_t size(TableId t) const { return rows[t].size(); }
  void Clear() {
    for (auto& r : rows) r.clear();
  }
};

class CityBuilder {
 public:
  CityBuilder(const Preset& preset, double scale, uint64_t seed);

  // round(preset population × scale): the exact number of residents Run makes.
  int64_t target_residents() const { return target_residents_; }

  // Generates the city, handing each full batch (and the last) to emit, which
  // should write and may then reuse it. Stops at emit's first error.
  Status Run(const std::function<Status(Batch&)>& emit);

  const CitySummary& summary() const { return summary_; }

 private:
  struct Candidate {  // a resident of the community being built, for leader choice
    int64_t id;
    int age;
    bool leader;
  };
  struct BuiltBuilding {
    std::string code;
    int64_t households;
    size_t begin, end;  // candidates_ range
  };
  struct BuildingPlan {
    int floors = 0, doors = 0;
    std::vector<std::vector<int>> rooms;  // per unit: occupied rooms (floor·100 + door, or house number)
  };

  Status BuildDistrict(size_t index, const Polygon& shape, int64_t population,
                       const std::function<Status(Batch&)>& emit);
  Status BuildStreet(const std::string& code, const std::string& name, bool urban, int64_t population,
                     const Polygon& shape, const std::function<Status(Batch&)>& emit);
  void BuildCommunity(const std::string& code, const std::string& name, bool urban, int64_t population,
                      const Polygon& shape);
  void BuildCompound(const std::string& code, int number, bool urban, int64_t population);
  void BuildGrids(const std::string& community_code);
  std::vector<BuildingPlan> PlanTowers(int64_t households);
  std::vector<BuildingPlan> PlanLanes(int64_t households);
  // A resident of candidates_[begin, end) aged [min_age, max_age] who leads nothing
  // yet, relaxing the conditions when nobody fits; -1 if the range is empty.
  int64_t ChooseLeader(size_t begin, size_t end, int min_age, int max_age);

  void AddArea(const std::string& code, const std::string& parent_code, const std::string& name, std::string_view level,
               const std::string& path);
  void AddShape(const std::string& code, const Polygon& shape);
  void AddAssignment(const std::string& area_code, std::string_view role, std::string organisation);
  void AddLeader(const std::string& area_code, int64_t resident_id, std::string_view role);

  const Preset& preset_;
  uint64_t seed_;
  int64_t target_residents_;
  People people_;
  Batch batch_;
  CitySummary summary_;

  // The district being built.
  Rng rng_{0};
  size_t district_ = 0;
  std::string district_code_, street_code_, compound_code_;
  std::string district_path_, street_path_, community_path_, compound_path_;

  // The community being built.
  std::vector<Candidate> candidates_;
  std::vector<BuiltBuilding> buildings_;
  std::vector<Person> persons_;

  int64_t next_resident_id_ = 1;
  int64_t next_assignment_id_ = 1;
};

}  // namespace tc::gen::internal
