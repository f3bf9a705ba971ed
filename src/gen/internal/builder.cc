#include "gen/internal/builder.h"

#include <algorithm>
#include <cmath>

#include "gen/internal/names.h"

namespace tc::gen::internal {
namespace {

// Sizes of the administrative levels (people), and how much siblings vary (±share).
constexpr int64_t kStreetPeople = 60'000;  // 街道: 50–70k
constexpr double kStreetSpread = 0.2;
constexpr int64_t kTownPeople = 35'000;  // 镇/乡
constexpr double kTownSpread = 0.4;
constexpr double kTownshipShare = 0.25;      // of rural towns, 乡 rather than 镇
constexpr int64_t kCommunityPeople = 7'000;  // 社区: 5–9k
constexpr double kCommunitySpread = 0.3;
constexpr int64_t kVillagePeople = 1'500;   // 村: 1–2k
constexpr int64_t kCompoundPeople = 1'500;  // 小区: 1–2k
constexpr int64_t kGroupPeople = 300;       // 村民组: 200–400
constexpr double kSmallSpread = 0.33;
// A village "building" is a lane of houses: one unit of ~25–47 households.
constexpr double kLaneHouseholds = 37;
constexpr double kLaneSpread = 0.3;
// Urban towers: units per building, doors per floor, floors, share of flats lived in.
constexpr double kUnitsPerTower[] = {0, 0.25, 0.4, 0.2, 0.15};
constexpr double kDoorsPerFloor[] = {0, 0, 0.25, 0.35, 0.4};
constexpr int kMinFloors = 14, kMaxFloors = 33;
constexpr double kMinOccupancy = 0.85, kMaxOccupancy = 0.97;
constexpr int kMaxBuildingsPerCompound = 99;  // building codes have two digits
// Map area per resident in villages relative to the urban core.
constexpr double kRuralDensityFactor = 40;
// Grids (网格): consecutive buildings of a community holding 250–400 households; a
// remainder under 100 households joins the previous grid.
constexpr int kGridMinHouseholds = 250, kGridMaxHouseholds = 400, kGridMergeBelow = 100;
// Leaders' ages: 楼栋长/单元长 are often retired volunteers, 网格长 community staff.
constexpr int kLeaderMinAge = 18, kLeaderMaxAge = 75;
constexpr int kGridLeaderMinAge = 22, kGridLeaderMaxAge = 60;
// Deliberate gaps (each kind also occurs once near the start of every city).
constexpr double kCommunityGapRate = 0.0007, kCompoundGapRate = 0.01, kBuildingGapRate = 0.005;
constexpr double kUnitLeaderGapRate = 0.003, kBuildingLeaderGapRate = 0.001;
constexpr double kDistrictCadreShare = 0.7;  // building cadres from district rather than city departments
constexpr size_t kBatchResidents = 50'000;

std::string Pad(int64_t v, int width) {
  std::string s = std::to_string(v);
  if (static_cast<int>(s.size()) < width) s.insert(0, static_cast<size_t>(width) - s.size(), '0');
  return s;
}

int64_t Count(int64_t people, int64_t per) {
  return std::max<int64_t>(1, std::llround(static_cast<double>(people) / static_cast<double>(per)));
}

std::vector<double> AsWeights(const std::vector<int64_t>& v, double factor = 1) {
  std::vector<double> w;
  w.reserve(v.size());
  for (int64_t x : v) w.push_back(static_cast<double>(x) * factor);
  return w;
}

store::Value OrNull(std::string s) {
  if (s.empty()) return std::monostate{};
  return s;
}

}  // namespace

const std::array<TableSpec, kTableCount>& Tables() {
  static const std::array<TableSpec, kTableCount> kTables = {{
      {"areas", {"code", "parent_code", "name", "level", "path", "mode", "created_at", "updated_at"}},
      {"area_shapes", {"area_code", "geojson"}},
      {"households", {"code", "unit_code", "address", "created_at"}},
      {"residents",
       {"id", "name", "id_number", "phone", "birth_date", "sex", "household_code", "tags", "created_at", "updated_at"}},
      {"grids", {"code", "community_code", "name", "leader_id", "created_at"}},
      {"grid_buildings", {"building_code", "grid_code"}},
      {"area_leaders", {"area_code", "resident_id", "role", "since"}},
      {"assignments", {"id", "area_code", "cadre_name", "cadre_phone", "organisation", "role", "since"}},
  }};
  return kTables;
}

CityBuilder::CityBuilder(const Preset& preset, double scale, uint64_t seed)
    : preset_(preset),
      seed_(seed),
      target_residents_(std::llround(static_cast<double>(preset.Population()) * scale)),
      people_(
          [&] {
            std::vector<std::string> regions;
            for (const auto& d : preset.districts) regions.emplace_back(d.code.substr(0, 6));
            return regions;
          }(),
          seed) {}

Status CityBuilder::Run(const std::function<Status(Batch&)>& emit) {
  const std::string city_code(preset_.city_code);
  const std::string city_path = "/" + city_code + "/";
  AddArea(city_code, "", std::string(preset_.city_name), "city", city_path);
  Polygon outline;
  for (const auto& [lon, lat] : preset_.outline) outline.push_back({lon, lat});
  AddShape(city_code, outline);

  const size_t n = preset_.districts.size();
  std::vector<double> area_weights;
  for (size_t i : preset_.layout_order) area_weights.push_back(preset_.districts[i].area_km2);
  Rng map_rng(SubSeed(seed_, "map"));
  const std::vector<Polygon> laid_out = Partition(outline, area_weights, map_rng);
  std::vector<Polygon> shapes(n);
  for (size_t k = 0; k < n; ++k) shapes[preset_.layout_order[k]] = laid_out[k];

  std::vector<double> people;
  for (const auto& d : preset_.districts) people.push_back(static_cast<double>(d.population));
  const std::vector<int64_t> populations = SplitInteger(target_residents_, people);
  for (size_t i = 0; i < n; ++i) {
    TC_RETURN_IF_ERROR(BuildDistrict(i, shapes[i], populations[i], emit));
  }
  bool any = false;
  for (const auto& rows : batch_.rows) any = any || !rows.empty();
  if (any) TC_RETURN_IF_ERROR(emit(batch_));
  batch_.Clear();
  return Status::Ok();
}

Status CityBuilder::BuildDistrict(size_t index, const Polygon& shape, int64_t population,
                                  const std::function<Status(Batch&)>& emit) {
  const DistrictPreset& d = preset_.districts[index];
  rng_ = Rng(SubSeed(seed_, d.code));
  district_ = index;
  const std::string code(d.code);
  district_code_ = code;
  district_path_ = "/" + std::string(preset_.city_code) + "/" + code + "/";
  AddArea(code, std::string(preset_.city_code), std::string(d.name), "district", district_path_);
  AddShape(code, shape);
  ++summary_.districts;

  const int64_t urban = std::llround(static_cast<double>(population) * (1 - d.rural_share));
  const int64_t rural = population - urban;
  const int64_t streets = urban > 0 ? Count(urban, kStreetPeople) : 0;
  const int64_t towns = rural > 0 ? Count(rural, kTownPeople) : 0;
  std::vector<int64_t> pops = SplitInteger(urban, JitteredWeights(rng_, static_cast<size_t>(streets), kStreetSpread));
  const std::vector<int64_t> town_pops =
      SplitInteger(rural, JitteredWeights(rng_, static_cast<size_t>(towns), kTownSpread));
  // The streets form one compact urban core; the towns share the rest of the land.
  std::vector<double> weights;
  if (streets > 0) weights.push_back(static_cast<double>(urban));
  for (double w : AsWeights(town_pops, kRuralDensityFactor)) weights.push_back(w);
  std::vector<Polygon> parts = Partition(shape, weights, rng_);
  if (streets > 0) {
    std::vector<Polygon> core = Partition(parts[0], AsWeights(pops), rng_);
    parts.erase(parts.begin());
    parts.insert(parts.begin(), core.begin(), core.end());
  }
  pops.insert(pops.end(), town_pops.begin(), town_pops.end());

  std::set<std::string> used;
  for (size_t j = 0; j < pops.size(); ++j) {
    const bool is_urban = static_cast<int64_t>(j) < streets;
    const std::string street = code.substr(0, 6) + Pad(static_cast<int64_t>(j) + 1, 3) + "000";
    std::string name = PlaceWord(rng_, used);
    name += is_urban ? "街道" : rng_.Chance(kTownshipShare) ? "乡" : "镇";
    TC_RETURN_IF_ERROR(BuildStreet(street, name, is_urban, pops[j], parts[j], emit));
  }
  return Status::Ok();
}

Status CityBuilder::BuildStreet(const std::string& code, const std::string& name, bool urban, int64_t population,
                                const Polygon& shape, const std::function<Status(Batch&)>& emit) {
  street_path_ = district_path_ + code + "/";
  street_code_ = code;
  AddArea(code, district_code_, name, "street", street_path_);
  AddShape(code, shape);
  ++summary_.streets;
  AddAssignment(code, "department_head", CityDepartment(rng_));

  const int64_t n = Count(population, urban ? kCommunityPeople : kVillagePeople);
  const std::vector<int64_t> pops =
      SplitInteger(population, JitteredWeights(rng_, static_cast<size_t>(n), urban ? kCommunitySpread : kSmallSpread));
  const std::vector<Polygon> parts = Partition(shape, AsWeights(pops), rng_);
  std::set<std::string> used;
  for (size_t k = 0; k < pops.size(); ++k) {
    const std::string community = code.substr(0, 9) + Pad(static_cast<int64_t>(k) + 1, 3);
    const std::string community_name = urban ? PlaceWord(rng_, used) + "社区" : VillageWord(rng_, used) + "村";
    BuildCommunity(community, community_name, urban, pops[k], parts[k]);
    if (batch_.size(kResidents) >= kBatchResidents) {
      TC_RETURN_IF_ERROR(emit(batch_));
      batch_.Clear();
    }
  }
  return Status::Ok();
}

void CityBuilder::BuildCommunity(const std::string& code, const std::string& name, bool urban, int64_t population,
                                 const Polygon& shape) {
  community_path_ = street_path_ + code + "/";
  AddArea(code, street_code_, name, "community", community_path_);
  AddShape(code, shape);
  const bool first_community = summary_.communities++ == 0;
  if (rng_.Chance(kCommunityGapRate) || first_community) {
    ++summary_.gaps_unassigned_communities;
  } else {
    AddAssignment(code, "deputy", CityDepartment(rng_));
  }

  const int64_t n = Count(population, urban ? kCompoundPeople : kGroupPeople);
  const std::vector<int64_t> pops =
      SplitInteger(population, JitteredWeights(rng_, static_cast<size_t>(n), kSmallSpread));
  const std::vector<Polygon> parts = Partition(shape, AsWeights(pops), rng_);
  candidates_.clear();
  buildings_.clear();
  std::set<std::string> used;
  for (size_t c = 0; c < pops.size(); ++c) {
    const int number = static_cast<int>(c) + 1;
    compound_code_ = code + "-" + Pad(number, 3);
    compound_path_ = community_path_ + compound_code_ + "/";
    const std::string compound_name =
        urban ? PlaceWord(rng_, used) + std::string(CompoundSuffix(rng_)) : "第" + std::to_string(number) + "村民组";
    AddArea(compound_code_, code, compound_name, "compound", compound_path_);
    AddShape(compound_code_, parts[c]);
    const bool first_compound = summary_.compounds++ == 0;
    if (rng_.Chance(kCompoundGapRate) || first_compound) {
      ++summary_.gaps_unassigned_compounds;
    } else {
      AddAssignment(compound_code_, "section_chief", CityDepartment(rng_));
    }
    BuildCompound(compound_code_, number, urban, pops[c]);
  }
  BuildGrids(code);
}

void CityBuilder::BuildCompound(const std::string& code, int number, bool urban, int64_t population) {
  std::vector<int> sizes;
  for (int64_t placed = 0; placed < population;) {
    const int size = static_cast<int>(std::min<int64_t>(People::HouseholdSize(rng_), population - placed));
    sizes.push_back(size);
    placed += size;
  }
  const int64_t households = static_cast<int64_t>(sizes.size());
  const std::vector<BuildingPlan> plans = urban ? PlanTowers(households) : PlanLanes(households);
  const std::string_view district_name = preset_.districts[district_].name;
  size_t next_household = 0;
  for (size_t b = 0; b < plans.size(); ++b) {
    const int building_number = static_cast<int>(b) + 1;
    const std::string building = code + "-" + Pad(building_number, 2);
    const std::string building_path = compound_path_ + building + "/";
    AddArea(building, code, std::to_string(building_number) + (urban ? "栋" : "排"), "building", building_path);
    const int64_t ordinal = summary_.buildings++;
    if (rng_.Chance(kBuildingGapRate) || ordinal == 0) {
      ++summary_.gaps_unassigned_buildings;
    } else {
      AddAssignment(building, "cadre",
                    rng_.Chance(kDistrictCadreShare) ? DistrictDepartment(rng_, district_name) : CityDepartment(rng_));
    }
    const size_t building_begin = candidates_.size();
    int64_t building_households = 0;
    int64_t single_unit_leader = -1;
    const auto& units = plans[b].rooms;
    for (size_t u = 0; u < units.size(); ++u) {
      const int unit_number = static_cast<int>(u) + 1;
      const std::string unit = building + "-" + std::to_string(unit_number);
      AddArea(unit, building, std::to_string(unit_number) + "单元", "unit", building_path + unit + "/");
      const int64_t unit_ordinal = summary_.units++;
      const size_t unit_begin = candidates_.size();
      for (int room : units[u]) {
        const std::string household = unit + "-" + Pad(room, 4);
        std::string address =
            urban ? std::to_string(building_number) + "栋" + std::to_string(unit_number) + "单元" + std::to_string(room)
                  : "第" + std::to_string(number) + "村民组" + std::to_string(building_number) + "排" +
                        std::to_string(room) + "号";
        batch_.rows[kHouseholds].push_back({household, unit, std::move(address), kGeneratedAt});
        ++summary_.households;
        ++building_households;
        persons_.clear();
        people_.Household(rng_, sizes[next_household++], district_, persons_);
        for (Person& p : persons_) {
          const int64_t id = next_resident_id_++;
          batch_.rows[kResidents].push_back({id, std::move(p.name), std::move(p.id_number), OrNull(std::move(p.phone)),
                                             std::move(p.birth_date), std::string(p.male ? "M" : "F"), household,
                                             p.tags, kGeneratedAt, kGeneratedAt});
          candidates_.push_back({id, p.age, false});
          ++summary_.residents;
        }
      }
      if (rng_.Chance(kUnitLeaderGapRate) || unit_ordinal == 0) {
        ++summary_.gaps_units_without_leader;
      } else {
        const int64_t leader = ChooseLeader(unit_begin, candidates_.size(), kLeaderMinAge, kLeaderMaxAge);
        AddLeader(unit, leader, "unit_leader");
        if (units.size() == 1) single_unit_leader = leader;
      }
    }
    if (rng_.Chance(kBuildingLeaderGapRate) || ordinal == 1) {
      ++summary_.gaps_buildings_without_leader;
    } else {
      // With one unit, the 单元长 is also the 楼栋长.
      const int64_t leader = single_unit_leader >= 0
                                 ? single_unit_leader
                                 : ChooseLeader(building_begin, candidates_.size(), kLeaderMinAge, kLeaderMaxAge);
      AddLeader(building, leader, "building_leader");
    }
    buildings_.push_back({building, building_households, building_begin, candidates_.size()});
  }
}

std::vector<CityBuilder::BuildingPlan> CityBuilder::PlanTowers(int64_t households) {
  static const Discrete kUnits(std::vector<double>(std::begin(kUnitsPerTower), std::end(kUnitsPerTower)));
  static const Discrete kDoors(std::vector<double>(std::begin(kDoorsPerFloor), std::end(kDoorsPerFloor)));
  std::vector<BuildingPlan> plans;
  for (int64_t remaining = households; remaining > 0;) {
    int64_t units = static_cast<int64_t>(kUnits.Sample(rng_));
    const int64_t doors = static_cast<int64_t>(kDoors.Sample(rng_));
    int64_t floors = rng_.Range(kMinFloors, kMaxFloors);
    const double occupancy = rng_.Uniform(kMinOccupancy, kMaxOccupancy);
    int64_t occupied = std::llround(static_cast<double>(units * doors * floors) * occupancy);
    if (occupied >= remaining || static_cast<int>(plans.size()) == kMaxBuildingsPerCompound - 1) {
      // The compound's last building: as many units and floors as its households need.
      const double per_floor = static_cast<double>(doors) * occupancy;
      units = std::min(units, std::max<int64_t>(1, static_cast<int64_t>(std::ceil(static_cast<double>(remaining) /
                                                                                  (per_floor * kMinFloors)))));
      floors = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(static_cast<double>(remaining) /
                                                                   (per_floor * static_cast<double>(units)))));
      occupied = remaining;
    }
    BuildingPlan& plan = plans.emplace_back();
    plan.floors = static_cast<int>(floors);
    plan.doors = static_cast<int>(doors);
    const std::vector<int64_t> per_unit = SplitInteger(occupied, std::vector<double>(static_cast<size_t>(units), 1.0));
    for (int64_t want : per_unit) {
      // Selection sampling: `want` of the unit's flats, in order, each set equally likely.
      auto& rooms = plan.rooms.emplace_back();
      const int64_t flats = floors * doors;
      for (int64_t flat = 0; flat < flats && want > 0; ++flat) {
        if (static_cast<int64_t>(rng_.Below(static_cast<uint64_t>(flats - flat))) < want) {
          rooms.push_back(static_cast<int>((flat / doors + 1) * 100 + flat % doors + 1));
          --want;
        }
      }
    }
    remaining -= occupied;
  }
  return plans;
}

std::vector<CityBuilder::BuildingPlan> CityBuilder::PlanLanes(int64_t households) {
  const int64_t lanes = std::min<int64_t>(
      kMaxBuildingsPerCompound, std::max<int64_t>(1, std::llround(static_cast<double>(households) / kLaneHouseholds)));
  const std::vector<int64_t> sizes =
      SplitInteger(households, JitteredWeights(rng_, static_cast<size_t>(lanes), kLaneSpread));
  std::vector<BuildingPlan> plans;
  for (int64_t size : sizes) {
    BuildingPlan& plan = plans.emplace_back();
    plan.floors = 1;
    plan.doors = static_cast<int>(size);
    auto& rooms = plan.rooms.emplace_back();
    for (int house = 1; house <= size; ++house) rooms.push_back(house);
  }
  return plans;
}

void CityBuilder::BuildGrids(const std::string& community_code) {
  std::vector<std::pair<size_t, size_t>> groups;  // [first, last) building
  size_t start = 0;
  int64_t households = 0;
  int64_t target = rng_.Range(kGridMinHouseholds, kGridMaxHouseholds);
  for (size_t i = 0; i < buildings_.size(); ++i) {
    households += buildings_[i].households;
    if (households >= target) {
      groups.emplace_back(start, i + 1);
      start = i + 1;
      households = 0;
      target = rng_.Range(kGridMinHouseholds, kGridMaxHouseholds);
    }
  }
  if (start < buildings_.size()) {
    if (!groups.empty() && households < kGridMergeBelow)
      groups.back().second = buildings_.size();
    else
      groups.emplace_back(start, buildings_.size());
  }
  for (size_t g = 0; g < groups.size(); ++g) {
    const auto [first, last] = groups[g];
    const std::string grid = community_code + "-G" + Pad(static_cast<int64_t>(g) + 1, 2);
    const int64_t leader =
        ChooseLeader(buildings_[first].begin, buildings_[last - 1].end, kGridLeaderMinAge, kGridLeaderMaxAge);
    batch_.rows[kGrids].push_back({grid, community_code, "第" + std::to_string(g + 1) + "网格",
                                   leader >= 0 ? store::Value(leader) : store::Value(), kGeneratedAt});
    ++summary_.grids;
    for (size_t b = first; b < last; ++b) batch_.rows[kGridBuildings].push_back({buildings_[b].code, grid});
  }
}

int64_t CityBuilder::ChooseLeader(size_t begin, size_t end, int min_age, int max_age) {
  if (begin >= end) return -1;
  // Preferred: the right age and no other role; then any adult without one; then anyone free.
  const std::function<bool(const Candidate&)> passes[] = {
      [&](const Candidate& c) { return !c.leader && c.age >= min_age && c.age <= max_age; },
      [&](const Candidate& c) { return !c.leader && c.age >= kLeaderMinAge; },
      [&](const Candidate& c) { return !c.leader; },
  };
  for (const auto& fits : passes) {
    int64_t count = 0;
    for (size_t i = begin; i < end; ++i) count += fits(candidates_[i]) ? 1 : 0;
    if (count == 0) continue;
    int64_t k = static_cast<int64_t>(rng_.Below(static_cast<uint64_t>(count)));
    for (size_t i = begin; i < end; ++i) {
      if (fits(candidates_[i]) && k-- == 0) {
        candidates_[i].leader = true;
        ++summary_.leaders;
        return candidates_[i].id;
      }
    }
  }
  // Everyone here already leads something: one of them takes this role too.
  return candidates_[begin + rng_.Below(end - begin)].id;
}

void CityBuilder::AddArea(const std::string& code, const std::string& parent_code, const std::string& name,
                          std::string_view level, const std::string& path) {
  batch_.rows[kAreas].push_back({code, parent_code.empty() ? store::Value() : store::Value(parent_code), name,
                                 std::string(level), path, std::string("peacetime"), kGeneratedAt, kGeneratedAt});
}

void CityBuilder::AddShape(const std::string& code, const Polygon& shape) {
  batch_.rows[kShapes].push_back({code, GeoJson(shape)});
  ++summary_.shapes;
}

void CityBuilder::AddAssignment(const std::string& area_code, std::string_view role, std::string organisation) {
  const bool male = rng_.Chance(0.6);
  batch_.rows[kAssignments].push_back({next_assignment_id_++, area_code, PersonName(rng_, male), people_.CadrePhone(),
                                       std::move(organisation), std::string(role), kGeneratedAt});
  ++summary_.assignments;
}

void CityBuilder::AddLeader(const std::string& area_code, int64_t resident_id, std::string_view role) {
  batch_.rows[kLeaders].push_back({area_code, resident_id, std::string(role), kGeneratedAt});
}

}  // namespace tc::gen::internal
