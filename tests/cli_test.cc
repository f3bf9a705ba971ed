// Black-box tests of the command line: the generator's determinism seen through
// `tongchou export`, and `tongchou import` exit codes and line reports.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "api_harness.h"
#include "store/testing.h"

namespace tc::testing {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Generates a city and exports `kind` as CSV; returns the file's bytes.
std::string GenerateAndExport(uint64_t seed, const std::string& kind) {
  auto url = store::testing::FreshDatabaseUrl(Backend(), "gen");
  EXPECT_TRUE(url.ok()) << url.status().ToString();
  auto gen = RunTongchou({"gen", "city", "--db", *url, "--scale", "0.002", "--seed", std::to_string(seed), "--quiet"});
  EXPECT_EQ(gen.exit_code, 0) << gen.output;
  const std::string out = store::testing::TempSqlitePath("export") + ".csv";
  auto exp = RunTongchou({"export", kind, "--db", *url, "--out", out});
  EXPECT_EQ(exp.exit_code, 0) << exp.output;
  return Slurp(out);
}

TEST(Cli, SameSeedGivesAByteIdenticalExport) {
  for (const std::string kind : {"residents", "areas", "assignments"}) {
    const std::string a = GenerateAndExport(42, kind);
    const std::string b = GenerateAndExport(42, kind);
    EXPECT_GT(a.size(), 1000u) << kind;
    EXPECT_TRUE(a == b) << kind << " exports differ for the same seed";
    if (kind == "residents") {
      EXPECT_NE(a, GenerateAndExport(43, kind)) << "another seed must give another city";
    }
  }
}

TEST(Cli, GenRefusesANonEmptyDatabase) {
  auto url = store::testing::FreshDatabaseUrl(Backend(), "gen2");
  ASSERT_TRUE(url.ok());
  ASSERT_EQ(RunTongchou({"gen", "city", "--db", *url, "--scale", "0.001", "--quiet"}).exit_code, 0);
  auto again = RunTongchou({"gen", "city", "--db", *url, "--scale", "0.001", "--quiet"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("already has"), std::string::npos) << again.output;
}

TEST(Cli, ImportReportsRejectedLinesAndExitsThree) {
  auto url = store::testing::FreshDatabaseUrl(Backend(), "import");
  ASSERT_TRUE(url.ok());
  ASSERT_EQ(RunTongchou({"gen", "city", "--db", *url, "--scale", "0.001", "--quiet"}).exit_code, 0);
  const std::string csv = store::testing::TempSqlitePath("import") + ".csv";
  std::ofstream(csv) << "姓名,户编码,手机号\n甲,no-such-household,\n乙,,13800000000\n丙,also-missing,123\n";
  auto r = RunTongchou({"import", "residents", csv, "--db", *url});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("line 2: household_code"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("line 3: household_code: is required"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("line 4: phone"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("3 lines read, 0 accepted, 3 rejected"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace tc::testing
