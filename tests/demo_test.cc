// Black-box tests of `tongchou demo` and --listen: the banner names the console's
// URL with the bound port, the demo's clock shows the last day of its data, and the
// quarantine hotel and the hospitals it seeds are there.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "api_harness.h"
#include "base/time.h"
#include "http/client.h"
#include "store/store.h"
#include "store/testing.h"

namespace tc::testing {
namespace {

using nlohmann::json;

json Get(uint16_t port, const std::string& target, const std::string& token = "") {
  http::Client client("127.0.0.1", port);
  std::vector<std::pair<std::string, std::string>> headers;
  if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
  auto r = client.Send("GET", target, "", headers);
  EXPECT_TRUE(r.ok()) << target << ": " << r.status().ToString();
  if (!r.ok()) return json();
  EXPECT_EQ(r->status, 200) << target << ": " << r->body;
  return json::parse(r->body, nullptr, false);
}

// The Shanghai date of the latest check-in, read straight from the store.
std::string LastCheckinDate(const std::string& url) {
  auto store = store::Store::Open(url);
  EXPECT_TRUE(store.ok()) << store.status().ToString();
  if (!store.ok()) return "";
  int64_t last = 0;
  EXPECT_TRUE((*store)->Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT MAX(arrive_at) FROM checkins"));
    last = rows[0].Int(0);
    return Status::Ok();
  }).ok());
  return DateShanghai(last);
}

TEST(Demo, PrintsTheConsoleUrlAndRunsOnTheLastDayOfItsData) {
  auto url = store::testing::FreshDatabaseUrl(Backend(), "demo");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  ServerProcess demo;
  Status s = demo.Start(*url, {"--scale", "0.001", "--access-log", "off"}, "demo");
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_TRUE(demo.WaitForOutput("Stop with Ctrl-C")) << demo.Output();
  const std::string out = demo.Output();
  const std::string console = "http://127.0.0.1:" + std::to_string(demo.port()) + "/";
  EXPECT_NE(out.find("Open      " + console + " "), std::string::npos) << out;
  EXPECT_EQ(out.find("/api/v1/health"), std::string::npos) << "the console, not the health check:\n" << out;
  EXPECT_NE(out.find("admin / commander / nanguan"), std::string::npos) << out;

  const std::string last_day = LastCheckinDate(*url);
  ASSERT_EQ(last_day.substr(0, 7), "2022-03") << "the demo city's check-ins are in March 2022";
  EXPECT_NE(out.find("Today     " + last_day), std::string::npos) << out;
  const json health = Get(demo.port(), "/api/v1/health");
  EXPECT_EQ(health.value("time", "").substr(0, 10), last_day) << health.dump();

  // The overview's numbers count "new today" on that day.
  http::Client client("127.0.0.1", demo.port());
  auto login = client.Send("POST", "/api/v1/auth/login",
                           json{{"username", "commander"}, {"password", "tongchou-demo"}}.dump(),
                           {{"Content-Type", "application/json"}});
  ASSERT_TRUE(login.ok() && login->status == 200) << (login.ok() ? login->body : login.status().ToString());
  const json summary = Get(demo.port(), "/api/v1/epidemic/summary", json::parse(login->body).value("token", ""));
  EXPECT_EQ(summary.value("today", ""), last_day) << summary.dump();
  EXPECT_GT(summary["cases"].value("total", 0), 0) << "the demo has an outbreak";
  ASSERT_FALSE(summary["curve"].empty());
  EXPECT_LE(summary["curve"].back().value("date", ""), last_day);

  // Quarantine: site01 works the demo hotel (20 rooms) and sees its guests checked in
  // today on the day's check list; the command sees the people by state.
  auto site_login = client.Send("POST", "/api/v1/auth/login",
                                json{{"username", "site01"}, {"password", "tongchou-demo"}}.dump(),
                                {{"Content-Type", "application/json"}});
  ASSERT_TRUE(site_login.ok() && site_login->status == 200)
      << (site_login.ok() ? site_login->body : site_login.status().ToString());
  const std::string site_token = json::parse(site_login->body).value("token", "");
  const json sites = Get(demo.port(), "/api/v1/quarantine/sites", site_token);
  ASSERT_EQ(sites["items"].size(), 1u) << sites.dump();
  EXPECT_EQ(sites["items"][0].value("rooms", 0), 20) << sites.dump();
  EXPECT_GT(sites["items"][0].value("checked_in", 0), 0) << sites.dump();
  const json checks = Get(demo.port(), "/api/v1/quarantine/check-list", site_token);
  EXPECT_EQ(checks["items"].size(), static_cast<size_t>(sites["items"][0].value("checked_in", 0))) << checks.dump();
  const json counts = Get(demo.port(), "/api/v1/quarantine/summary", json::parse(login->body).value("token", ""));
  EXPECT_GT(counts["states"].value("assigned", 0) + counts["states"].value("picked_up", 0), 0) << counts.dump();

  // Hospitals: the demo seeds a designated hospital and a fever clinic with beds by kind,
  // so the hospitals page has rows and the confirmed cases a hospital to be suggested.
  const json hospitals = Get(demo.port(), "/api/v1/hospitals", json::parse(login->body).value("token", ""));
  int designated = 0, fever_clinics = 0;
  for (const auto& h : hospitals["items"]) {
    const json& beds = h["beds"];
    const int64_t all = beds.value("ordinary", 0) + beds.value("severe", 0) + beds.value("icu", 0);
    EXPECT_GT(all, 0) << "a demo hospital without beds: " << h.dump();
    if (h.value("kind", "") == "designated") {
      ++designated;
      EXPECT_GT(beds.value("icu", 0), 0) << h.dump();
    }
    if (h.value("kind", "") == "fever_clinic") ++fever_clinics;
  }
  EXPECT_EQ(designated, 1) << hospitals.dump();
  EXPECT_EQ(fever_clinics, 1) << hospitals.dump();
  EXPECT_EQ(demo.Stop(), 0);
}

TEST(Demo, ListenOnEveryInterfaceWithAnyPortPrintsTheBoundPort) {
  auto url = store::testing::FreshDatabaseUrl(Backend(), "listen");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  ServerProcess server;
  Status s = server.Start(*url, {"--listen", ":0", "--access-log", "off", "--today", "2022-03-10"});
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_NE(server.port(), 0);
  EXPECT_NE(server.Output().find("listening on http://0.0.0.0:" + std::to_string(server.port())), std::string::npos)
      << server.Output();
  // --today: the clock shows that day.
  EXPECT_EQ(Get(server.port(), "/api/v1/health").value("time", "").substr(0, 10), "2022-03-10");
  EXPECT_EQ(server.Stop(), 0);

  auto bad = RunTongchou({"serve", "--db", *url, "--today", "2022-02-30"});
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("--today"), std::string::npos) << bad.output;
}

}  // namespace
}  // namespace tc::testing
