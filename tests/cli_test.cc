// Black-box tests of the command line: the generator's determinism seen through
// `tongchou export`, `tongchou import` exit codes and line reports, and
// `tongchou healthcode verify` on codes the test signs.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "api_harness.h"
#include "base/crypto.h"
#include "enterprise/uscc.h"
#include "healthcode/token.h"
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

TEST(Cli, ImportEnterprisesCommitsALargeFileInBatchesAndNamesTheBadLines) {
  auto url = store::testing::FreshDatabaseUrl(Backend(), "entimport");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  ASSERT_EQ(RunTongchou({"gen", "city", "--db", *url, "--scale", "0.001", "--quiet"}).exit_code, 0);
  // More valid lines than one batch (10,000), two bad ones among them.
  std::string csv = "统一社会信用代码,企业名称,行业代码,所属区,从业人数,营业收入,上年营业收入\n";
  constexpr int kLines = 10'050;
  for (int i = 0; i < kLines; ++i) {
    char org[9];
    std::snprintf(org, sizeof org, "%08d", 30'000'000 + i);
    auto code = enterprise::MakeUscc('9', '2', "220102", org);
    ASSERT_TRUE(code.ok()) << code.status().ToString();
    csv += *code + ",商户" + std::to_string(i) + ",5211,南关区,3,20,30\n";
    if (i == 5) csv += "NOT-A-CODE,坏行,5211,南关区,3,20,30\n";
    if (i == 10'020) csv += *code + ",重复,5211,南关区,3,20,30\n";
  }
  const std::string path = store::testing::TempSqlitePath("enterprises") + ".csv";
  std::ofstream(path, std::ios::binary) << csv;
  auto r = RunTongchou({"import", "enterprises", path, "--db", *url});
  EXPECT_EQ(r.exit_code, 3) << r.output;
  EXPECT_NE(r.output.find("line 8: NOT-A-CODE: uscc: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("uscc: appears on an earlier line of the file"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("10052 lines, 10050 created, 0 updated, 2 rejected"), std::string::npos) << r.output;
  // Everything was written: importing again updates every line and creates none.
  auto again = RunTongchou({"import", "enterprises", path, "--db", *url});
  EXPECT_NE(again.output.find("0 created, 10050 updated"), std::string::npos) << again.output;
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

namespace tc::testing {
namespace {

// The tracing loop from the command line on a small generated outbreak: check-ins,
// an outbreak with ground truth, the evaluation report and source ranking, and a
// check-in import with bad lines.
TEST(Cli, TraceEvaluatesAGeneratedOutbreak) {
  auto url = store::testing::FreshDatabaseUrl(Backend(), "trace");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  ASSERT_EQ(RunTongchou({"gen", "city", "--db", *url, "--scale", "0.003", "--seed", "3", "--quiet"}).exit_code, 0);
  auto checkins = RunTongchou({"gen", "checkins", "--db", *url, "--days", "12", "--seed", "3"});
  ASSERT_EQ(checkins.exit_code, 0) << checkins.output;
  auto outbreak = RunTongchou({"gen", "outbreak", "--db", *url, "--source", "auto", "--from", "2022-03-01T07:00",
                               "--hours", "10", "--seed", "3"});
  ASSERT_EQ(outbreak.exit_code, 0) << outbreak.output;
  auto eval = RunTongchou({"trace", "evaluate", "--db", *url, "--n", "1,2"});
  ASSERT_EQ(eval.exit_code, 0) << eval.output;
  EXPECT_NE(eval.output.find("recall"), std::string::npos) << eval.output;
  // One row per count: "    1 ..." and "    2 ...".
  EXPECT_NE(eval.output.find("\n    1 "), std::string::npos) << eval.output;
  EXPECT_NE(eval.output.find("\n    2 "), std::string::npos) << eval.output;
  auto sources = RunTongchou({"trace", "sources", "--db", *url, "--first", "2", "--top", "5"});
  ASSERT_EQ(sources.exit_code, 0) << sources.output;
  EXPECT_NE(sources.output.find("true source (generated outbreak)"), std::string::npos) << sources.output;

  // Import: one good line (a resident at the market), one unknown venue, one malformed time.
  auto stats = RunTongchou({"trace", "visitors", "--db", *url, "--venue", "NOPE-0000", "--from", "2022-03-01 00:00"});
  EXPECT_EQ(stats.exit_code, 2) << stats.output;  // unknown venue: a usage error naming it
  EXPECT_NE(stats.output.find("NOPE-0000"), std::string::npos) << stats.output;
  const std::string csv = store::testing::TempSqlitePath("checkins") + ".csv";
  {
    std::ofstream out(csv);
    out << "人员ID,场所码,到达时间\n1,NOPE-0000,2022-03-02 10:00\n1,NOPE-0000,yesterday\n";
  }
  auto imp = RunTongchou({"import", "checkins", csv, "--db", *url});
  EXPECT_EQ(imp.exit_code, 3) << imp.output;
  EXPECT_NE(imp.output.find("line 2: venue_code"), std::string::npos) << imp.output;
  EXPECT_NE(imp.output.find("line 3: arrive_at"), std::string::npos) << imp.output;
}

}  // namespace
}  // namespace tc::testing

namespace tc::testing {
namespace {

// `tongchou healthcode verify` offline: the test signs with the token library and a
// key it made, writes the public key file, and runs the binary on the codes.
TEST(Cli, HealthcodeVerifyAcceptsAValidCodeAndRefusesATamperedOne) {
  ASSERT_TRUE(InitCrypto().ok());
  const Millis now = 1796083200000LL;  // 2026-12-01T08:00+08:00
  auto key = healthcode::GenerateKey("cli1", now - 86'400'000);
  ASSERT_TRUE(key.ok());
  healthcode::KeySet keys;
  ASSERT_TRUE(keys.Add(healthcode::PublicKeyOf(*key)).ok());
  const std::string key_file = store::testing::TempSqlitePath("hckeys") + ".json";
  std::ofstream(key_file) << healthcode::KeySetJson(keys);

  healthcode::Claims c{.kind = healthcode::Kind::kHealthCode, .issued_at = now - 60'000, .expires_at = now + 240'000};
  c.colour = healthcode::Colour::kYellow;
  auto text = healthcode::Sign(c, *key);
  ASSERT_TRUE(text.ok());
  const std::string at = std::to_string(now);

  auto ok = RunTongchou({"healthcode", "verify", "--keys", key_file, *text, "--now", at});
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_NE(ok.output.find("colour:  yellow"), std::string::npos) << ok.output;
  EXPECT_NE(ok.output.find("expires: 2026-12-01T08:04:00"), std::string::npos) << ok.output;
  // The same code from a scanner on standard input, with its CR LF.
  auto piped = RunTongchou({"healthcode", "verify", "--keys", key_file, "-", "--now", "2026-12-01T08:01:00+08:00"},
                           *text + "\r\n");
  EXPECT_EQ(piped.exit_code, 0) << piped.output;

  std::string tampered = *text;
  tampered[20] = tampered[20] == 'A' ? 'B' : 'A';
  auto bad = RunTongchou({"healthcode", "verify", "--keys", key_file, tampered, "--now", at});
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_NE(bad.output.find("refused: bad signature"), std::string::npos) << bad.output;

  auto late = RunTongchou({"healthcode", "verify", "--keys", key_file, *text, "--now", std::to_string(now + 240'000)});
  EXPECT_EQ(late.exit_code, 1) << late.output;
  EXPECT_NE(late.output.find("refused: expired"), std::string::npos) << late.output;

  auto no_file = RunTongchou({"healthcode", "verify", "--keys", key_file + ".missing", *text});
  EXPECT_EQ(no_file.exit_code, 2) << no_file.output;
  const std::string broken = store::testing::TempSqlitePath("hckeys-bad") + ".json";
  std::ofstream(broken) << "{\"format\":\"tongchou-healthcode-keys/1\",\"keys\":[]}";
  auto bad_file = RunTongchou({"healthcode", "verify", "--keys", broken, *text});
  EXPECT_EQ(bad_file.exit_code, 2) << bad_file.output;
  EXPECT_NE(bad_file.output.find("keys: is empty"), std::string::npos) << bad_file.output;
}

}  // namespace
}  // namespace tc::testing
