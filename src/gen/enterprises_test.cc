#include "gen/enterprises.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "enterprise/industry.h"
#include "enterprise/uscc.h"
#include "gen/city.h"
#include "gen/internal/preset.h"
#include "store/testing.h"

namespace tc::gen {
namespace {

// The Changchun preset's districts as places: ten communities each, the district's
// rural share of them villages, populations at `scale`.
std::vector<EnterprisePlace> ChangchunPlaces(double scale) {
  const internal::Preset* preset = internal::FindPreset("changchun");
  std::vector<EnterprisePlace> places;
  for (const auto& d : preset->districts) {
    const int villages = static_cast<int>(d.rural_share * 10 + 0.5);
    for (int i = 0; i < 10; ++i) {
      const bool rural = i < villages;
      const std::string code = std::string(d.code.substr(0, 6)) + "00100" + std::to_string(i);
      places.push_back({.district_code = std::string(d.code),
                        .district_name = std::string(d.name),
                        .area_code = code,
                        .address_prefix = "长春市" + std::string(d.name) + (rural ? "某村" : "某社区"),
                        .population = static_cast<int64_t>(static_cast<double>(d.population) * scale / 10),
                        .rural = rural});
    }
  }
  return places;
}

class EnterprisesAtOnePercent : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto r = SynthesizeEnterprises(ChangchunPlaces(0.01), {.scale = 0.01, .seed = 7});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    firms_ = new std::vector<enterprise::Enterprise>(std::move(r).value());
  }
  static void TearDownTestSuite() {
    delete firms_;
    firms_ = nullptr;
  }
  static const std::vector<enterprise::Enterprise>& Firms() { return *firms_; }

 private:
  static std::vector<enterprise::Enterprise>* firms_;
};
std::vector<enterprise::Enterprise>* EnterprisesAtOnePercent::firms_ = nullptr;

TEST_F(EnterprisesAtOnePercent, CountNearTheTarget) {
  // 1.365 million at scale 1 → 13,650 at 0.01, exactly (the count is split, not drawn).
  EXPECT_EQ(static_cast<int64_t>(Firms().size()), 13'650);
  for (size_t i = 0; i < Firms().size(); ++i) EXPECT_EQ(Firms()[i].id, static_cast<int64_t>(i) + 1);
}

TEST_F(EnterprisesAtOnePercent, CodesValidUniqueAndInTheirDistrict) {
  std::set<std::string> codes, orgs;
  for (const auto& e : Firms()) {
    auto info = enterprise::ParseUscc(e.uscc);
    ASSERT_TRUE(info.ok()) << e.uscc << ": " << info.status().ToString();
    EXPECT_EQ(info->normalized, e.uscc);
    EXPECT_EQ(info->authority, '9');
    EXPECT_EQ(info->division, e.district_code.substr(0, 6));
    EXPECT_TRUE(codes.insert(e.uscc).second) << "duplicate " << e.uscc;
    EXPECT_TRUE(orgs.insert(info->organisation_code).second) << "duplicate organisation code " << e.uscc;
  }
}

TEST_F(EnterprisesAtOnePercent, NamesUniqueAndShapedByForm) {
  std::set<std::string> names;
  for (const auto& e : Firms()) {
    EXPECT_TRUE(names.insert(e.name).second) << "duplicate name " << e.name;
    const char type = e.uscc[1];
    if (type == '1') {
      EXPECT_TRUE(e.name.ends_with("有限公司")) << e.name;
    } else if (type == '3') {
      EXPECT_TRUE(e.name.ends_with("专业合作社")) << e.name;
    } else {
      EXPECT_EQ(type, '2');
      EXPECT_FALSE(e.name.ends_with("有限公司")) << e.name;
    }
    EXPECT_FALSE(e.legal_rep.empty());
    EXPECT_EQ(e.contact_phone.size(), 11u);
    EXPECT_TRUE(e.address.ends_with("号")) << e.address;
  }
}

TEST_F(EnterprisesAtOnePercent, LegalFormAndIndustryMixPlausible) {
  std::map<char, int64_t> by_type;
  std::map<std::string, int64_t> by_division;
  std::map<std::string, int64_t> individual_division;
  for (const auto& e : Firms()) {
    ++by_type[e.uscc[1]];
    ++by_division[e.division];
    if (e.uscc[1] == '2') ++individual_division[e.division];
    EXPECT_TRUE(enterprise::ValidateIndustry(e.industry, e.division).ok()) << e.industry << e.division;
  }
  const double n = static_cast<double>(Firms().size());
  EXPECT_NEAR(by_type['2'] / n, 0.68, 0.01);    // individual businesses
  EXPECT_NEAR(by_type['1'] / n, 0.295, 0.01);   // companies
  EXPECT_NEAR(by_type['3'] / n, 0.025, 0.005);  // co-ops
  // Individual businesses: mostly retail, catering and resident services.
  const double individuals = static_cast<double>(by_type['2']);
  EXPECT_GT((individual_division["52"] + individual_division["62"] + individual_division["80"]) / individuals, 0.7);
  // Changchun's autos are there, and every big section of the economy.
  EXPECT_GT(by_division["36"], 50);
  for (const char* d : {"51", "47", "65", "54", "13", "70", "72"}) EXPECT_GT(by_division[d], 20) << d;
}

TEST_F(EnterprisesAtOnePercent, SizesAndAboveScaleFollowTheThresholds) {
  int64_t above = 0, key = 0, micro = 0, high_tech = 0, equipment = 0;
  double min_key_revenue = 1e18, max_other_above = 0;
  for (const auto& e : Firms()) {
    const double annual = e.revenue_prev / kRevenuePeriodShare;
    auto size = enterprise::ClassifySize(e.division, e.employees, annual);
    ASSERT_TRUE(size.ok());
    // The size was classified on last year's revenue, the quarter scaled to a year.
    EXPECT_EQ(e.size, enterprise::SizeName(*size)) << e.name << " " << e.employees << " " << annual;
    if (e.above_scale) {
      ++above;
      EXPECT_NE(e.uscc[1], '2') << "an individual business above scale: " << e.name;
      if (e.industry != "E") {
        EXPECT_TRUE(*enterprise::IsAboveScale(e.division, annual)) << e.name;
      }
    }
    if (e.key) {
      ++key;
      EXPECT_TRUE(e.above_scale);
      min_key_revenue = std::min(min_key_revenue, e.revenue_prev);
    } else if (e.above_scale) {
      max_other_above = std::max(max_other_above, e.revenue_prev);
    }
    micro += e.size == "micro";
    high_tech += e.high_tech;
    equipment += e.equipment_investment > 0;
    EXPECT_GE(e.employees, 1);
    EXPECT_GE(e.revenue, 0);
    EXPECT_GE(e.founded_on, "1985-01-01");
    EXPECT_LE(e.founded_on, "2020-12-31");
  }
  // A few thousand at scale 1: 20–80 at 0.01.
  EXPECT_GE(above, 20);
  EXPECT_LE(above, 80);
  // Key enterprises: the 320 biggest at scale 1, so 3 here, the biggest above-scale ones.
  EXPECT_EQ(key, 3);
  EXPECT_GE(min_key_revenue, max_other_above);
  EXPECT_GT(micro / static_cast<double>(Firms().size()), 0.85);  // most market entities are micro
  EXPECT_GT(high_tech, 0);
  EXPECT_GT(equipment, 0);
}

TEST_F(EnterprisesAtOnePercent, EpidemicHitsCateringHarderThanSoftware) {
  auto fall = [&](std::string_view division) {
    double prev = 0, now = 0;
    for (const auto& e : Firms()) {
      if (e.division != division) continue;
      prev += e.revenue_prev;
      now += e.revenue;
    }
    return 1.0 - now / prev;
  };
  EXPECT_GT(fall("62"), 0.3);
  EXPECT_LT(fall("65"), 0.15);
  EXPECT_GT(fall("62"), fall("51"));
  EXPECT_GT(fall("52"), fall("65"));
}

TEST_F(EnterprisesAtOnePercent, CoopsLiveInVillages) {
  int64_t coops = 0, rural = 0;
  for (const auto& e : Firms()) {
    if (e.uscc[1] != '3') continue;
    ++coops;
    rural += e.address.find("某村") != std::string::npos;
  }
  EXPECT_GT(rural, coops * 9 / 10);
}

TEST(Enterprises, DeterministicForASeed) {
  const auto places = ChangchunPlaces(0.002);
  auto a = SynthesizeEnterprises(places, {.scale = 0.002, .seed = 3});
  auto b = SynthesizeEnterprises(places, {.scale = 0.002, .seed = 3});
  auto c = SynthesizeEnterprises(places, {.scale = 0.002, .seed = 4});
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  ASSERT_EQ(a->size(), b->size());
  size_t same_as_c = 0;
  for (size_t i = 0; i < a->size(); ++i) {
    const auto &x = (*a)[i], &y = (*b)[i];
    EXPECT_EQ(x.uscc, y.uscc);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.revenue, y.revenue);
    EXPECT_EQ(x.employees, y.employees);
    EXPECT_EQ(x.founded_on, y.founded_on);
    EXPECT_EQ(x.contact_phone, y.contact_phone);
    if (i < c->size()) same_as_c += x.name == (*c)[i].name;
  }
  EXPECT_LT(same_as_c, a->size() / 10);  // another seed, another population
}

TEST(Enterprises, BadInputRefused) {
  const auto places = ChangchunPlaces(0.01);
  EXPECT_EQ(SynthesizeEnterprises(places, {.scale = 0}).status().field_errors().at(0).field, "scale");
  EXPECT_EQ(SynthesizeEnterprises({}, {}).status().field_errors().at(0).field, "places");
  auto bad = places;
  bad[3].district_code = "2201";
  EXPECT_EQ(SynthesizeEnterprises(bad, {}).status().field_errors().at(0).field, "places[3].district_code");
}

// gen enterprises on a generated city, on both backends.
class GenEnterprisesTest : public ::testing::TestWithParam<std::string> {
 protected:
  std::unique_ptr<store::Store> Fresh() {
    auto url = store::testing::FreshDatabaseUrl(GetParam(), "gen_enterprises");
    EXPECT_TRUE(url.ok()) << url.status().ToString();
    if (!url.ok()) return nullptr;
    auto s = store::Store::Open(*url);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (!s.ok()) return nullptr;
    EXPECT_TRUE((*s)->Migrate().ok());
    return std::move(s).value();
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
};

TEST_P(GenEnterprisesTest, LoadsTheCitysEnterprisesOnce) {
  auto store = Fresh();
  ASSERT_TRUE(store);
  EXPECT_EQ(GenerateEnterprises(*store, {.scale = 0.0005}).status().code(), StatusCode::kNotFound);
  ASSERT_TRUE(GenerateCity(*store, {.preset = "changchun", .scale = 0.0005, .seed = 2}).ok());
  auto summary = GenerateEnterprises(*store, {.scale = 0.0005, .seed = 2});
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->enterprises, 683);  // round(1,365,000 × 0.0005)
  EXPECT_EQ(summary->individual + summary->companies + summary->coops, summary->enterprises);
  EXPECT_EQ(summary->large + summary->medium + summary->small + summary->micro, summary->enterprises);
  EXPECT_EQ(summary->key, 1);

  auto rows = Query(*store,
                    "SELECT e.uscc, e.district_code, e.area_path, a.path, e.name, e.resumption, e.key_enterprise, "
                    "e.address FROM enterprises e LEFT JOIN areas a ON a.code = e.area_code ORDER BY e.id");
  ASSERT_EQ(static_cast<int64_t>(rows.size()), summary->enterprises);
  int64_t key = 0;
  for (const auto& r : rows.rows) {
    EXPECT_TRUE(enterprise::ValidateUscc(r.Text(0)).ok()) << r.Text(0);
    EXPECT_EQ(r.Text(0).substr(2, 6), r.Text(1).substr(0, 6));
    EXPECT_EQ(r.Text(2), r.Text(3)) << "area_path is the community's path";
    EXPECT_TRUE(r.Text(2).find("/" + r.Text(1) + "/") != std::string::npos) << "under its district";
    EXPECT_EQ(r.Text(5), "not_filed");
    EXPECT_TRUE(r.Text(7).starts_with("长春市")) << r.Text(7);
    key += r.Int(6);
  }
  EXPECT_EQ(key, 1);
  EXPECT_EQ(Query(*store, "SELECT COUNT(*) FROM audit_log WHERE action = 'gen.enterprises'")[0].Int(0), 1);
  // Runs once.
  EXPECT_EQ(GenerateEnterprises(*store, {.scale = 0.0005}).status().code(), StatusCode::kConflict);
  EXPECT_EQ(Query(*store, "SELECT COUNT(*) FROM enterprises")[0].Int(0), summary->enterprises);
}

INSTANTIATE_TEST_SUITE_P(Backends, GenEnterprisesTest, ::testing::Values("sqlite", "postgres"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace tc::gen
