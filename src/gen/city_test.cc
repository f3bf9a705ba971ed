#include "gen/city.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "audit/audit.h"
#include "base/crypto.h"
#include "registry/areas.h"
#include "registry/id_number.h"
#include "registry/residents.h"
#include "store/testing.h"

namespace tc::gen {
namespace {

constexpr int kReferenceYmd = 20220301;

// The generated tables and the order that makes a dump canonical.
const std::vector<std::pair<std::string, std::string>> kTables = {
    {"areas", "code"},
    {"area_shapes", "area_code"},
    {"households", "code"},
    {"residents", "id"},
    {"grids", "code"},
    {"grid_buildings", "building_code"},
    {"area_leaders", "area_code"},
    {"assignments", "id"},
    {"area_counts", "area_code"},
};

class GenCityTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<store::Store> Fresh() {
    auto url = store::testing::FreshDatabaseUrl(GetParam(), "gen");
    EXPECT_TRUE(url.ok()) << url.status().ToString();
    if (!url.ok()) return nullptr;
    auto s = store::Store::Open(*url);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    EXPECT_TRUE((*s)->Migrate().ok());
    return std::move(s).value();
  }

  Result<CitySummary> Generate(store::Store& store, double scale, uint64_t seed) {
    return GenerateCity(store, {.preset = "changchun", .scale = scale, .seed = seed});
  }

  static store::Rows Query(store::Store& store, const std::string& sql) {
    store::Rows out;
    Status s = store.Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(out, c.Query(sql));
      return Status::Ok();
    });
    EXPECT_TRUE(s.ok()) << sql << ": " << s.ToString();
    return out;
  }
  static int64_t Count(store::Store& store, const std::string& sql) {
    auto rows = Query(store, sql);
    return rows.empty() ? -1 : rows[0].Int(0);
  }

  // SHA-256 of every generated row, table by table in key order.
  static std::string Dump(store::Store& store) {
    std::string all;
    for (const auto& [table, key] : kTables) {
      for (const auto& row : Query(store, "SELECT * FROM " + table + " ORDER BY " + key).rows) {
        for (size_t i = 0; i < row.cells.size(); ++i) all += (row.IsNull(i) ? "\\N" : row.Text(i)) + "\x1f";
        all += '\n';
      }
    }
    return Sha256Hex(all);
  }
};

TEST_P(GenCityTest, SameSeedSameCityOtherSeedOtherCity) {
  auto a = Fresh(), b = Fresh(), c = Fresh();
  ASSERT_TRUE(a && b && c);
  auto sa = Generate(*a, 0.0005, 42);
  ASSERT_TRUE(sa.ok()) << sa.status().ToString();
  ASSERT_TRUE(Generate(*b, 0.0005, 42).ok());
  ASSERT_TRUE(Generate(*c, 0.0005, 43).ok());
  const std::string da = Dump(*a);
  EXPECT_EQ(da, Dump(*b));
  EXPECT_NE(da, Dump(*c));
  EXPECT_EQ(sa->residents, 4534);  // round(9,067,000 × 0.0005)
}

TEST_P(GenCityTest, RefusesADatabaseThatHasAreas) {
  auto store = Fresh();
  ASSERT_TRUE(store);
  ASSERT_TRUE(Generate(*store, 0.0002, 1).ok());
  auto again = Generate(*store, 0.0002, 1);
  EXPECT_EQ(again.status().code(), StatusCode::kConflict) << again.status().ToString();
  EXPECT_EQ(Generate(*store, 0.0002, 1).status().code(), StatusCode::kConflict);
  EXPECT_EQ(GenerateCity(*store, {.preset = "atlantis", .scale = 0.01}).status().field_errors().at(0).field, "preset");
  EXPECT_EQ(GenerateCity(*store, {.preset = "changchun", .scale = 0}).status().field_errors().at(0).field, "scale");
  // Rows added later get fresh ids (PostgreSQL's identity sequences were moved on).
  const int64_t max_id = Count(*store, "SELECT MAX(id) FROM assignments");
  ASSERT_TRUE(store
                  ->Tx([](store::Conn& c) {
                    return c
                        .Exec(
                            "INSERT INTO assignments (area_code, cadre_name, cadre_phone, organisation, role, "
                            "since) VALUES ('220100000000', 'x', '13800000000', 'y', 'cadre', 0)")
                        .status();
                  })
                  .ok());
  EXPECT_EQ(Count(*store, "SELECT MAX(id) FROM assignments"), max_id + 1);
  // One audit entry for the one generation, and the chain verifies.
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM audit_log WHERE actor = 'gen' AND action = 'gen.city'"), 1);
  auto report = audit::Verify(*store);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << report->problem;
}

// The PostgreSQL path drops the residents' indexes for the load and builds them
// again: afterwards the same indexes exist and still enforce one ID, one record.
TEST_P(GenCityTest, ResidentIndexesAreBackAfterTheLoad) {
  auto store = Fresh();
  ASSERT_TRUE(store);
  ASSERT_TRUE(Generate(*store, 0.0002, 1).ok());
  if (GetParam() == "postgres") {
    EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM pg_indexes WHERE tablename = 'residents' AND indexname IN "
                            "('residents_household', 'residents_name', 'residents_phone', 'residents_id_number_key')"),
              4);
  }
  Status dup = store->Tx([](store::Conn& c) {
    return c.Exec("INSERT INTO residents (name, id_number, household_code, tags, status, created_at, updated_at) "
                  "SELECT 'x', id_number, household_code, 0, 'active', 0, 0 FROM residents LIMIT 1").status();
  });
  EXPECT_EQ(dup.code(), StatusCode::kConflict) << dup.ToString();
}

// Counts, codes, paths, grids, leaders, shapes and gaps on a city of ~18,000.
TEST_P(GenCityTest, StructureIsCompleteAndMatchesTheSummary) {
  auto store = Fresh();
  ASSERT_TRUE(store);
  auto summary = Generate(*store, 0.002, 7);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const CitySummary& s = *summary;

  std::map<std::string, int64_t> levels;
  for (const auto& row : Query(*store, "SELECT level, COUNT(*) FROM areas GROUP BY level").rows) {
    levels[row.Text(0)] = row.Int(1);
  }
  EXPECT_EQ(levels["city"], 1);
  EXPECT_EQ(levels["district"], s.districts);
  EXPECT_EQ(s.districts, 11);
  EXPECT_EQ(levels["street"], s.streets);
  EXPECT_EQ(levels["community"], s.communities);
  EXPECT_EQ(levels["compound"], s.compounds);
  EXPECT_EQ(levels["building"], s.buildings);
  EXPECT_EQ(levels["unit"], s.units);
  EXPECT_GE(s.streets, s.districts);
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM households"), s.households);
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM residents"), s.residents);
  EXPECT_EQ(s.residents, 18134);
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM grids"), s.grids);
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM assignments"), s.assignments);
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM area_shapes"), s.shapes);
  EXPECT_EQ(Count(*store,
                  "SELECT COUNT(*) FROM (SELECT leader_id AS r FROM grids WHERE leader_id IS NOT NULL "
                  "UNION SELECT resident_id FROM area_leaders) x"),
            s.leaders);

  // The registry's per-area rollup is filled.
  EXPECT_EQ(Count(*store, "SELECT residents FROM area_counts WHERE area_code = '220100000000'"), s.residents);
  EXPECT_EQ(Count(*store, "SELECT households FROM area_counts WHERE area_code = '220100000000'"), s.households);
  EXPECT_EQ(Count(*store, "SELECT elderly_alone FROM area_counts WHERE area_code = '220100000000'"),
            Count(*store, "SELECT COUNT(*) FROM residents WHERE tags & 1 = 1"));

  // Codes valid for their level; path = parent's path + code + '/'.
  std::map<std::string, std::string> path_of;
  for (const auto& row : Query(*store,
                               "SELECT code, parent_code, level, path, mode, created_at FROM areas "
                               "ORDER BY path")
                             .rows) {
    const auto level = registry::ParseLevel(row.Text(2));
    ASSERT_TRUE(level) << row.Text(2);
    EXPECT_TRUE(registry::ValidateAreaCode(row.Text(0), *level).ok()) << row.Text(0);
    const std::string parent_path = row.IsNull(1) ? "/" : path_of[row.Text(1)];
    EXPECT_EQ(row.Text(3), parent_path + row.Text(0) + "/");
    EXPECT_EQ(row.Text(4), "peacetime");
    EXPECT_EQ(row.Int(5), 1'646'064'000'000);
    path_of[row.Text(0)] = row.Text(3);
  }
  // Households and residents lie under their unit's scope key.
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM households WHERE code NOT LIKE unit_code || '-%'"), 0);
  EXPECT_EQ(Count(*store,
                  "SELECT COUNT(*) FROM households h WHERE NOT EXISTS "
                  "(SELECT 1 FROM residents r WHERE r.household_code = h.code)"),
            0);

  // Every building in exactly one grid of its community; every grid has a leader living in it.
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM grid_buildings"), s.buildings);
  EXPECT_EQ(Count(*store,
                  "SELECT COUNT(*) FROM areas a WHERE a.level = 'building' AND NOT EXISTS "
                  "(SELECT 1 FROM grid_buildings g WHERE g.building_code = a.code)"),
            0);
  EXPECT_EQ(Count(*store,
                  "SELECT COUNT(*) FROM grid_buildings gb JOIN grids g ON g.code = gb.grid_code "
                  "WHERE gb.building_code NOT LIKE g.community_code || '-%'"),
            0);
  EXPECT_EQ(Count(*store, "SELECT COUNT(*) FROM grids WHERE leader_id IS NULL"), 0);
  EXPECT_EQ(Count(*store,
                  "SELECT COUNT(*) FROM grids g JOIN residents r ON r.id = g.leader_id "
                  "WHERE r.household_code NOT LIKE g.community_code || '-%'"),
            0);
  // Leaders live where they lead.
  EXPECT_EQ(Count(*store,
                  "SELECT COUNT(*) FROM area_leaders l JOIN residents r ON r.id = l.resident_id "
                  "WHERE r.household_code NOT LIKE l.area_code || '-%'"),
            0);

  // Deliberate gaps, as counted.
  EXPECT_GE(s.gaps_unassigned_buildings, 1);
  EXPECT_GE(s.gaps_unassigned_compounds, 1);
  EXPECT_GE(s.gaps_unassigned_communities, 1);
  EXPECT_GE(s.gaps_units_without_leader, 1);
  EXPECT_GE(s.gaps_buildings_without_leader, 1);
  auto unassigned = [&](const std::string& level) {
    return Count(*store, "SELECT COUNT(*) FROM areas a WHERE a.level = '" + level +
                             "' AND NOT EXISTS (SELECT 1 FROM assignments x WHERE x.area_code = a.code)");
  };
  EXPECT_EQ(unassigned("street"), 0);
  EXPECT_EQ(unassigned("community"), s.gaps_unassigned_communities);
  EXPECT_EQ(unassigned("compound"), s.gaps_unassigned_compounds);
  EXPECT_EQ(unassigned("building"), s.gaps_unassigned_buildings);
  auto leaderless = [&](const std::string& level) {
    return Count(*store, "SELECT COUNT(*) FROM areas a WHERE a.level = '" + level +
                             "' AND NOT EXISTS (SELECT 1 FROM area_leaders l WHERE l.area_code = a.code)");
  };
  EXPECT_EQ(leaderless("unit"), s.gaps_units_without_leader);
  EXPECT_EQ(leaderless("building"), s.gaps_buildings_without_leader);
  for (const auto& row : Query(*store, "SELECT cadre_phone, role FROM assignments").rows) {
    EXPECT_TRUE(registry::ParsePhone(row.Text(0)).ok()) << row.Text(0);
  }

  // Shapes: city down to compound; children tile their parent (shoelace within 0.1%).
  std::map<std::string, double> area_of;
  std::map<std::string, std::string> parent_of;
  for (const auto& row : Query(*store,
                               "SELECT a.code, a.parent_code, a.level, s.geojson FROM areas a "
                               "LEFT JOIN area_shapes s ON s.area_code = a.code")
                             .rows) {
    const std::string level = row.Text(2);
    const bool wants_shape = level != "building" && level != "unit";
    ASSERT_EQ(!row.IsNull(3), wants_shape) << row.Text(0);
    if (!wants_shape) continue;
    const auto geo = nlohmann::json::parse(row.Text(3));
    ASSERT_EQ(geo["type"], "Polygon");
    const auto& ring = geo["coordinates"][0];
    ASSERT_GE(ring.size(), 4u);
    EXPECT_EQ(ring.front(), ring.back());
    double twice = 0;
    for (size_t i = 0; i + 1 < ring.size(); ++i) {
      const double lon = ring[i][0], lat = ring[i][1], lon2 = ring[i + 1][0], lat2 = ring[i + 1][1];
      EXPECT_TRUE(lon > 124.2 && lon < 127.2 && lat > 43.0 && lat < 45.3) << row.Text(0);
      twice += lon * lat2 - lon2 * lat;
    }
    EXPECT_GT(twice, 0) << row.Text(0) << " is not counter-clockwise";
    area_of[row.Text(0)] = twice / 2;
    if (!row.IsNull(1)) parent_of[row.Text(0)] = row.Text(1);
  }
  std::map<std::string, double> children_sum;
  for (const auto& [child, parent] : parent_of) children_sum[parent] += area_of[child];
  for (const auto& [parent, sum] : children_sum) {
    EXPECT_NEAR(sum / area_of[parent], 1.0, 0.001) << parent;
  }
  EXPECT_GE(children_sum.size(), static_cast<size_t>(1 + s.districts + s.streets + s.communities));
}

int AgeOn20220301(const std::string& birth_date) {
  const int y = std::stoi(birth_date.substr(0, 4)), m = std::stoi(birth_date.substr(5, 2)),
            d = std::stoi(birth_date.substr(8, 2));
  return 2022 - y - ((m > 3 || (m == 3 && d > 1)) ? 1 : 0);
}

// People on a city of ~18,000: valid unique IDs and phones, census-like ages and households.
TEST_P(GenCityTest, ResidentsLookLikeTheCensus) {
  auto store = Fresh();
  ASSERT_TRUE(store);
  auto summary = Generate(*store, 0.002, 3);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  std::set<std::string> ids, phones;
  std::map<std::string, int> household_size;
  std::map<std::string, int> household_first_age;
  int64_t n = 0, young = 0, working = 0, old = 0, male = 0, elderly_alone = 0, chronic = 0, disabled = 0;
  int64_t home = 0;
  const auto rows = Query(*store,
                          "SELECT id, name, id_number, phone, birth_date, sex, household_code, tags "
                          "FROM residents ORDER BY id");
  for (const auto& row : rows.rows) {
    ++n;
    const std::string id = row.Text(2);
    auto info = registry::ParseIdNumber(id, kReferenceYmd);
    ASSERT_TRUE(info.ok()) << id << ": " << info.status().ToString();
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << id;
    EXPECT_EQ(info->BirthDate(), row.Text(4));
    EXPECT_EQ(info->sex == registry::Sex::kMale ? "M" : "F", row.Text(5));
    home += id.substr(0, 4) == "2201";
    const int age = AgeOn20220301(row.Text(4));
    ASSERT_GE(age, 0);
    ASSERT_LE(age, 100);
    if (row.IsNull(3)) {
      EXPECT_TRUE(age < 12 || age >= 80) << row.Text(1) << " aged " << age << " has no phone";
    } else {
      EXPECT_GE(age, 12);
      EXPECT_TRUE(registry::ParsePhone(row.Text(3)).ok()) << row.Text(3);
      EXPECT_TRUE(phones.insert(row.Text(3)).second) << "duplicate " << row.Text(3);
    }
    EXPECT_GE(row.Text(1).size(), 6u);  // surname and at least one given character
    young += age <= 14;
    working += age >= 15 && age <= 59;
    old += age >= 60;
    male += row.Text(5) == "M";
    const std::string household = row.Text(6);
    if (household_size[household]++ == 0) household_first_age[household] = age;
    const int64_t tags = row.Int(7);
    EXPECT_EQ(tags & ~registry::kAllCareTags, 0);
    if (tags & registry::kElderlyAlone) {
      ++elderly_alone;
      EXPECT_GE(age, 65);
    }
    chronic += (tags & registry::kChronic) != 0;
    disabled += (tags & registry::kDisability) != 0;
  }
  ASSERT_GE(n, 15'000);
  const double total = static_cast<double>(n);
  EXPECT_NEAR(young / total, 0.1795, 0.02);
  EXPECT_NEAR(working / total, 0.6335, 0.02);
  EXPECT_NEAR(old / total, 0.1870, 0.02);
  EXPECT_NEAR(male / total, 0.51, 0.02);
  EXPECT_NEAR(home / total, 0.9, 0.03);
  EXPECT_NEAR(disabled / total, 0.06, 0.015);
  EXPECT_GT(chronic, 0);
  EXPECT_GT(elderly_alone, 0);

  int64_t alone = 0;
  for (const auto& [household, size] : household_size) {
    alone += size == 1;
    EXPECT_GE(household_first_age[household], 18) << household << " is headed by a child";
  }
  // A child lives with a head at least 20 years older.
  for (const auto& row : rows.rows) {
    const int age = AgeOn20220301(row.Text(4));
    const int head = household_first_age[row.Text(6)];
    if (age < 18) {
      EXPECT_LE(age, head - 20) << row.Text(6);
    }
  }
  const double households = static_cast<double>(household_size.size());
  EXPECT_EQ(static_cast<int64_t>(household_size.size()), summary->households);
  EXPECT_GE(total / households, 2.5);
  EXPECT_LE(total / households, 2.75);
  EXPECT_GE(alone / households, 0.20);
  EXPECT_LE(alone / households, 0.30);
}

INSTANTIATE_TEST_SUITE_P(Backends, GenCityTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

// A full-scale city into a SQLite file, timed; never part of the suite:
//   TC_GEN_SCALE=1 TC_GEN_DB=/tmp/city.db ./tc_gen_test --gtest_also_run_disabled_tests --gtest_filter=*FullScale*
TEST(GenCityFullScale, DISABLED_FullScaleSqlite) {
  const char* scale_env = std::getenv("TC_GEN_SCALE");
  const char* db_env = std::getenv("TC_GEN_DB");
  const double scale = scale_env ? std::atof(scale_env) : 1.0;
  const std::string path = db_env ? db_env : "/tmp/tc-gen-full.db";
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  auto store = store::Store::Open("sqlite:" + path);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Migrate().ok());
  const auto start = std::chrono::steady_clock::now();
  auto summary = GenerateCity(
      **store, {.preset = "changchun",
                .scale = scale,
                .seed = 1,
                .progress = [&](std::string_view stage, int64_t done, int64_t total) {
                  const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
                  std::fprintf(stderr, "%7.1fs %s %lld / %lld\n", t, std::string(stage).c_str(),
                               static_cast<long long>(done), static_cast<long long>(total));
                }});
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  store->reset();
  for (const auto& [name, value] : SummaryCounts(*summary)) {
    std::printf("%-32s %12lld\n", std::string(name).c_str(), static_cast<long long>(value));
  }
  std::printf("seconds %.1f, database %.2f GB\n", seconds, static_cast<double>(std::filesystem::file_size(path)) / 1e9);
}

}  // namespace
}  // namespace tc::gen
