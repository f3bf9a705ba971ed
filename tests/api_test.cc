// Black-box API tests: the real tongchou binary on a fresh database of the backend
// named by $TC_BACKEND (ctest runs this binary once for sqlite, once for postgres).
#include "api_fixture.h"

namespace tc::testing {
namespace {

using nlohmann::json;

TEST_F(Api, HealthReportsTheBackend) {
  auto r = Call("GET", "/api/v1/health");
  ASSERT_EQ(r.status, 200) << r.raw;
  EXPECT_EQ(r.body["status"], "ok");
  EXPECT_EQ(r.body["database"], Backend() == "sqlite" ? "sqlite" : "postgresql");
  EXPECT_GE(r.body["schema_version"].get<int>(), 1);
}

TEST_F(Api, OpenApiListsEveryEndpointAndEveryListedEndpointExists) {
  auto doc = Call("GET", "/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.body["openapi"].get<std::string>().substr(0, 2), "3.");
  // The endpoints this server must have; a route missing from the document fails here.
  const std::set<std::pair<std::string, std::string>> required = {
      {"get", "/api/v1/health"},          {"get", "/api/v1/openapi.json"},
      {"post", "/api/v1/auth/login"},     {"post", "/api/v1/auth/logout"},
      {"get", "/api/v1/auth/me"},         {"get", "/api/v1/users"},
      {"post", "/api/v1/users"},          {"post", "/api/v1/users/{username}/disable"},
      {"get", "/api/v1/areas"},           {"post", "/api/v1/areas"},
      {"get", "/api/v1/areas/{code}"},    {"patch", "/api/v1/areas/{code}"},
      {"put", "/api/v1/areas/{code}/mode"}, {"get", "/api/v1/areas/{code}/mode-history"},
      {"get", "/api/v1/audit"},           {"get", "/api/v1/audit/verify"},
  };
  for (const auto& [method, path] : required) {
    EXPECT_TRUE(doc.body["paths"].contains(path) && doc.body["paths"][path].contains(method))
        << method << " " << path << " is missing from openapi.json";
  }
  // And every documented operation is served: without a token, secured ones say 401, none says 404/405.
  for (const auto& [path, ops] : doc.body["paths"].items()) {
    for (const auto& [method, op] : ops.items()) {
      std::string target = path;
      for (auto p = target.find('{'); p != std::string::npos; p = target.find('{')) {
        target.replace(p, target.find('}') - p + 1, "220102000000");
      }
      std::string upper = method;
      for (auto& c : upper) c = static_cast<char>(std::toupper(c));
      auto r = Call(upper, target, "", upper == "GET" ? "" : "{}");
      if (path.starts_with("/open311/") && r.status == 404) {
        // GeoReport answers a record that does not exist with 404 and its error array;
        // an unrouted path says "no such Open311 resource".
        ASSERT_TRUE(r.body.is_array() && !r.body.empty()) << r.raw;
        EXPECT_EQ(r.body[0].value("description", "").find("no such Open311 resource"), std::string::npos) << target;
        continue;
      }
      EXPECT_NE(r.status, 404) << upper << " " << target;
      EXPECT_NE(r.status, 405) << upper << " " << target;
      if (!op["security"].empty()) {
        EXPECT_EQ(r.status, 401) << upper << " " << target;
        EXPECT_TRUE(op.contains("x-permission") || op["security"][0].contains("bearer")) << path;
      }
    }
  }
}

TEST_F(Api, LoginMeLogout) {
  const std::string token = Login("nanguan-op");
  ASSERT_FALSE(token.empty());
  auto me = Call("GET", "/api/v1/auth/me", token);
  ASSERT_EQ(me.status, 200) << me.raw;
  EXPECT_EQ(me.body["username"], "nanguan-op");
  EXPECT_EQ(me.body["role"], "area_operator");
  EXPECT_EQ(me.body["area"]["name"], "南关区");
  EXPECT_EQ(Call("POST", "/api/v1/auth/logout", token).status, 204);
  ExpectProblem(Call("GET", "/api/v1/auth/me", token), 401);
}

TEST_F(Api, BadPasswordAndUnknownUserGetTheSameAnswer) {
  auto bad = Call("POST", "/api/v1/auth/login", "", json{{"username", "hotline"}, {"password", "wrong-one"}}.dump());
  ExpectProblem(bad, 401);
  auto unknown = Call("POST", "/api/v1/auth/login", "", json{{"username", "nobody"}, {"password", "wrong-one"}}.dump());
  ExpectProblem(unknown, 401);
  EXPECT_EQ(bad.body["detail"], unknown.body["detail"]);
}

TEST_F(Api, RepeatedFailuresThrottleEvenTheRightPassword) {
  for (int i = 0; i < 3; ++i) {
    ExpectProblem(Call("POST", "/api/v1/auth/login", "", json{{"username", "throttled"}, {"password", "nope-nope"}}.dump()),
                  401);
  }
  auto locked = Call("POST", "/api/v1/auth/login", "", json{{"username", "throttled"}, {"password", kPassword}}.dump());
  ExpectProblem(locked, 429);
  // Other users are unaffected.
  EXPECT_FALSE(Login("hotline").empty());
}

TEST_F(Api, MissingGarbageAndExpiredTokensAre401) {
  auto missing = Call("GET", "/api/v1/areas");
  ExpectProblem(missing, 401);
  ExpectProblem(Call("GET", "/api/v1/areas", "not-a-real-token"), 401);
  ASSERT_EQ(Call("GET", "/api/v1/areas", Login("hotline")).status, 200);
  // A second session, not yet used (the server remembers a used live session for up to
  // 2 s, so a change made by another process shows within that time, not at once).
  const std::string token = Login("hotline");
  // Expire the sessions in the database, as the clock would.
  auto store = store::Store::Open(*db_);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Tx([](store::Conn& c) {
                        return c.Exec("UPDATE sessions SET expires_at = 1 WHERE revoked_at IS NULL").status();
                      })
                  .ok());
  auto expired = Call("GET", "/api/v1/areas", token);
  ExpectProblem(expired, 401);
  EXPECT_NE(expired.body["detail"].get<std::string>().find("expired"), std::string::npos) << expired.raw;
}

TEST_F(Api, DistrictUserCannotReadOrWriteAnotherDistrict) {
  const std::string op = Login("nanguan-op");
  const std::string admin = Login("admin");
  auto before = Call("GET", "/api/v1/areas?parent=220103000000", admin);
  ASSERT_EQ(before.status, 200);
  // Reads outside the node answer as if the area did not exist (regression: 403 vs 404
  // told which codes exist).
  ExpectProblem(Call("GET", "/api/v1/areas/220103000000", op), 404);
  ExpectLikeMissing(Call("GET", "/api/v1/areas/220103000000", op), Call("GET", "/api/v1/areas/220199000000", op),
                    "220103000000", "220199000000");
  ExpectProblem(Call("GET", "/api/v1/areas/220103001000", op), 404);
  ExpectProblem(Call("GET", "/api/v1/areas?parent=220103000000", op), 404);
  ExpectProblem(Call("GET", "/api/v1/areas?parent=220100000000", op), 404);
  ExpectProblem(Call("GET", "/api/v1/areas/220103000000/mode-history", op), 404);
  auto search = Call("GET", "/api/v1/areas?q=%E8%A1%97%E9%81%93", op);  // 街道
  ASSERT_EQ(search.status, 200) << search.raw;
  ASSERT_EQ(search.body["items"].size(), 1u);
  EXPECT_EQ(search.body["items"][0]["code"], "220102001000");
  // Writes outside the node.
  ExpectProblem(Call("POST", "/api/v1/areas", op,
                     json{{"code", "220103002000"}, {"parent_code", "220103000000"}, {"name", "x"}, {"level", "street"}}
                         .dump()),
                422);
  ExpectProblem(Call("PATCH", "/api/v1/areas/220103000000", op, json{{"name", "被改名"}}.dump()), 404);
  const std::string cmd = Login("nanguan-cmd");
  ExpectProblem(Call("PUT", "/api/v1/areas/220103000000/mode", cmd,
                     json{{"mode", "wartime"}, {"reason", "test"}}.dump()),
                404);
  const std::string district_admin = Login("nanguan-admin");
  ExpectProblem(Call("POST", "/api/v1/users", district_admin,
                     json{{"username", "intruder"}, {"password", "long-enough-1"}, {"role", "admin"},
                          {"area_code", "220103000000"}}
                         .dump()),
                422);
  ExpectLikeMissing(Call("POST", "/api/v1/users/kuancheng-op/disable", district_admin),
                    Call("POST", "/api/v1/users/nobody-here/disable", district_admin), "kuancheng-op", "nobody-here");
  // A role without the permission is refused even inside its node.
  ExpectProblem(Call("PUT", "/api/v1/areas/220102000000/mode", op, json{{"mode", "wartime"}, {"reason", "t"}}.dump()),
                403);
  // Nothing changed.
  auto district = Call("GET", "/api/v1/areas/220103000000", admin);
  EXPECT_EQ(district.body["name"], "宽城区");
  EXPECT_EQ(district.body["mode"], "peacetime");
  EXPECT_EQ(Call("GET", "/api/v1/areas?parent=220103000000", admin).body, before.body);
  auto kuancheng = Call("POST", "/api/v1/auth/login", "", json{{"username", "kuancheng-op"}, {"password", kPassword}}.dump());
  EXPECT_EQ(kuancheng.status, 200) << "kuancheng-op must not have been disabled";
  EXPECT_NE(Call("GET", "/api/v1/users", admin).raw.find("kuancheng-op"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/users", district_admin).raw.find("kuancheng-op"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/users", admin).raw.find("intruder"), std::string::npos);
}

TEST_F(Api, DistrictUserWorksInsideItsNode) {
  const std::string op = Login("nanguan-op");
  auto created = Call("POST", "/api/v1/areas", op,
                      json{{"code", "220102002000"}, {"parent_code", "220102000000"}, {"name", "自强街道"},
                           {"level", "street"}}
                          .dump());
  ASSERT_EQ(created.status, 201) << created.raw;
  EXPECT_EQ(created.body["path"], "/220100000000/220102000000/220102002000/");
  auto renamed = Call("PATCH", "/api/v1/areas/220102002000", op, json{{"name", "自强街道办事处"}}.dump());
  ASSERT_EQ(renamed.status, 200) << renamed.raw;
  EXPECT_EQ(renamed.body["name"], "自强街道办事处");
  const std::string cmd = Login("nanguan-cmd");
  auto war = Call("PUT", "/api/v1/areas/220102000000/mode", cmd,
                  json{{"mode", "wartime"}, {"reason", "永吉街道出现聚集性疫情"}}.dump());
  ASSERT_EQ(war.status, 200) << war.raw;
  EXPECT_EQ(Call("GET", "/api/v1/areas/220102002000", op).body["mode"], "wartime");
  auto history = Call("GET", "/api/v1/areas/220102000000/mode-history", op);
  ASSERT_EQ(history.body["items"].size(), 1u);
  EXPECT_EQ(history.body["items"][0]["actor"], "nanguan-cmd");
  ASSERT_EQ(Call("PUT", "/api/v1/areas/220102000000/mode", cmd,
                 json{{"mode", "peacetime"}, {"reason", "解除"}}.dump()).status,
            200);
}

TEST_F(Api, AuditIsScopedAndVerifies) {
  const std::string district_admin = Login("nanguan-admin");
  auto entries = Call("GET", "/api/v1/audit?limit=1000", district_admin);
  ASSERT_EQ(entries.status, 200) << entries.raw;
  ASSERT_FALSE(entries.body["items"].empty());
  for (const auto& e : entries.body["items"]) {
    EXPECT_EQ(e["area_path"].get<std::string>().rfind("/220100000000/220102000000/", 0), 0u) << e.dump();
  }
  ExpectProblem(Call("GET", "/api/v1/audit", Login("nanguan-op")), 403);
  auto verify = Call("GET", "/api/v1/audit/verify", Login("admin"));
  ASSERT_EQ(verify.status, 200);
  EXPECT_EQ(verify.body["ok"], true) << verify.raw;
  EXPECT_GT(verify.body["checked"].get<int>(), 10);
}

TEST_F(Api, VerifyAuditFindsAnEditedRow) {
  // A separate database, so the shared server's chain stays intact.
  auto url = store::testing::FreshDatabaseUrl(Backend(), "tamper");
  ASSERT_TRUE(url.ok());
  ASSERT_EQ(RunTongchou({"admin", "create-area", "--db", *url, "--code", "220100000000", "--name", "长春市",
                         "--level", "city"}).exit_code, 0);
  for (const char* code : {"220102000000", "220103000000", "220104000000"}) {
    ASSERT_EQ(RunTongchou({"admin", "create-area", "--db", *url, "--code", code, "--parent", "220100000000",
                           "--name", "区", "--level", "district"}).exit_code, 0);
  }
  auto intact = RunTongchou({"admin", "verify-audit", "--db", *url});
  EXPECT_EQ(intact.exit_code, 0) << intact.output;
  EXPECT_NE(intact.output.find("intact: 4 entries"), std::string::npos) << intact.output;
  {
    auto store = store::Store::Open(*url);
    ASSERT_TRUE(store.ok());
    Status s = (*store)->Tx([](store::Conn& c) -> Status {
      // Someone with database access removes the guard and rewrites history.
      TC_RETURN_IF_ERROR(c.ExecScript(c.dialect() == store::Dialect::kSqlite
                                          ? "DROP TRIGGER audit_log_no_update"
                                          : "DROP TRIGGER audit_log_no_change ON audit_log"));
      return c.Exec("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 3").status();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  auto broken = RunTongchou({"admin", "verify-audit", "--db", *url});
  EXPECT_EQ(broken.exit_code, 1) << broken.output;
  EXPECT_NE(broken.output.find("BROKEN at entry 3"), std::string::npos) << broken.output;
}

TEST_F(Api, BadInputGetsProblemsNamingTheField) {
  const std::string op = Login("nanguan-op");
  auto malformed = Call("POST", "/api/v1/areas", op, "{\"code\": ");
  ExpectProblem(malformed, 400);
  ExpectProblem(Call("POST", "/api/v1/areas", op, "[1,2]"), 400);
  ExpectProblem(Call("POST", "/api/v1/areas", op, "code=1", "application/x-www-form-urlencoded"), 400);
  auto types = Call("POST", "/api/v1/areas", op,
                    json{{"code", 220102003000LL}, {"parent_code", "220102000000"}, {"name", true}, {"level", "street"}}
                        .dump());
  ExpectProblem(types, 422);
  EXPECT_EQ(ErrorFields(types), (std::set<std::string>{"code", "name"}));
  auto unknown = Call("PATCH", "/api/v1/areas/220102000000", op, json{{"name", "x"}, {"colour", "red"}}.dump());
  ExpectProblem(unknown, 422);
  EXPECT_EQ(ErrorFields(unknown), (std::set<std::string>{"colour"}));
  auto bad_code = Call("POST", "/api/v1/areas", op,
                       json{{"code", "2201020030"}, {"parent_code", "220102000000"}, {"name", "x"}, {"level", "street"}}
                           .dump());
  ExpectProblem(bad_code, 422);
  EXPECT_EQ(ErrorFields(bad_code), (std::set<std::string>{"code"}));
  ExpectProblem(Call("GET", "/api/v1/areas?q=a&limit=abc", op), 422);
  ExpectProblem(Call("POST", "/api/v1/areas", op, std::string(70000, 'x')), 413);
  ExpectProblem(Call("GET", "/api/v1/no-such-thing", op), 404);
  ExpectProblem(Call("DELETE", "/api/v1/areas", op), 405);
  // Nothing was created by any of that.
  ExpectProblem(Call("GET", "/api/v1/areas/220102003000", op), 404);
}

TEST_F(Api, GarbageDoesNotTakeTheServerDown) {
  std::vector<std::string> garbage = {
      "GARBAGE\r\n\r\n",
      "GET\r\n\r\n",
      "GET /api/v1/health HTTP/9.9\r\n\r\n",
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\n{\"a\"",
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
      "GET /api/v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n",
      std::string("\x00\x01\x02\xff\xfe\r\n\r\n", 9),
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n\xff\xfe\xfd{}[]\"\\",
      "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n",
  };
  http::Client client("127.0.0.1", server_->port(), 5000);
  for (const auto& g : garbage) {
    auto r = client.SendRaw(g);
    if (r.ok()) {
      EXPECT_GE(r->status, 400) << g.substr(0, 40);
      EXPECT_LT(r->status, 500) << g.substr(0, 40);
    }
  }
  auto health = Call("GET", "/api/v1/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_FALSE(Login("hotline").empty());
}

TEST_F(Api, RequestIdIsEchoedAndLogged) {
  auto r = Call("GET", "/api/v1/health", "", "", "application/json", {{"X-Request-Id", "trace-me-42"}});
  EXPECT_EQ(r.request_id, "trace-me-42");
  auto generated = Call("GET", "/api/v1/health");
  EXPECT_EQ(generated.request_id.size(), 16u);
  ASSERT_TRUE(server_->WaitForOutput("\"request_id\":\"trace-me-42\""));
  // The access log is JSON lines with method, path and status.
  const std::string out = server_->Output();
  const auto pos = out.find("\"request_id\":\"trace-me-42\"");
  const auto start = out.rfind('\n', pos) + 1;
  const json line = json::parse(out.substr(start, out.find('\n', pos) - start));
  EXPECT_EQ(line["path"], "/api/v1/health");
  EXPECT_EQ(line["status"], 200);
}

// A fresh database with the city and one admin, "alice", for a test's own server.
std::string FreshDatabaseWithAlice() {
  auto url = store::testing::FreshDatabaseUrl(Backend(), "throttle");
  EXPECT_TRUE(url.ok()) << url.status().ToString();
  if (!url.ok()) return "";
  auto area = RunTongchou({"admin", "create-area", "--db", *url, "--code", "220100000000", "--name", "长春市",
                           "--level", "city"});
  EXPECT_EQ(area.exit_code, 0) << area.output;
  auto user = RunTongchou({"admin", "create-user", "--db", *url, "--username", "alice", "--role", "admin", "--area",
                           "220100000000", "--password-stdin"},
                          std::string(kPassword) + "\n");
  EXPECT_EQ(user.exit_code, 0) << user.output;
  return *url;
}

std::string LoginBody(const std::string& username, const std::string& password) {
  return json{{"username", username}, {"password", password}}.dump();
}

// Broke: a throttled login answered 429 without saying when to retry.
TEST_F(Api, ThrottledLoginHadNoRetryAfter) {
  for (int i = 0; i < 3; ++i) {
    ExpectProblem(Call("POST", "/api/v1/auth/login", "", LoginBody("nobody-ra", "nope-nope")), 401);
  }
  auto r = Call("POST", "/api/v1/auth/login", "", LoginBody("nobody-ra", "nope-nope"));
  ExpectProblem(r, 429);
  const std::string header = r.Header("Retry-After");
  ASSERT_FALSE(header.empty()) << r.raw;
  ASSERT_TRUE(std::all_of(header.begin(), header.end(), ::isdigit)) << header;
  const int seconds = std::stoi(header);
  EXPECT_GE(seconds, 1);
  EXPECT_LE(seconds, 30);  // the fixture's --login-base-delay: the first wait
  EXPECT_EQ(r.body.value("retry_after", 0), seconds) << r.raw;
  EXPECT_NE(r.body["detail"].get<std::string>().find("try again in " + header + " s"), std::string::npos) << r.raw;
  // A failed login that is not throttled has none.
  EXPECT_EQ(Call("POST", "/api/v1/auth/login", "", LoginBody("hotline", "nope-nope")).Header("Retry-After"), "");
}

// Broke: behind a reverse proxy every client had the proxy's address, so a few
// failures locked everybody out.
TEST_F(Api, ProxiedClientsLockedEachOtherOut) {
  const std::string db = FreshDatabaseWithAlice();
  ServerProcess proxied;
  ASSERT_TRUE(proxied.Start(db, {"--trusted-proxies", "127.0.0.1,::1", "--login-address-max-failures", "3",
                                 "--login-max-failures", "100"})
                  .ok());
  auto login = [&](const std::string& user, const std::string& password, const std::string& forwarded_for) {
    return CallOn(proxied.port(), "POST", "/api/v1/auth/login", "", LoginBody(user, password), "application/json",
                  {{"X-Forwarded-For", forwarded_for}});
  };
  // One client behind the proxy sprays wrong passwords: its own address is locked out...
  for (int i = 0; i < 3; ++i) ExpectProblem(login("user" + std::to_string(i), "nope-nope", "203.0.113.1"), 401);
  auto locked = login("alice", kPassword, "203.0.113.1");
  ExpectProblem(locked, 429);
  EXPECT_FALSE(locked.Header("Retry-After").empty());
  // ...and another client behind the same proxy is not (the left-most entry is its own claim, ignored).
  auto other = login("alice", kPassword, "203.0.113.1, 203.0.113.2");
  ASSERT_EQ(other.status, 200) << other.raw;
  // The session and the access log name the real client.
  auto store = store::Store::Open(db);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Read([](store::Conn& c) -> Status {
                        TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT remote_addr FROM sessions"));
                        EXPECT_EQ(rows.size(), 1u);
                        for (const auto& row : rows.rows) EXPECT_EQ(row.Text(0), "203.0.113.2");
                        return Status::Ok();
                      })
                  .ok());
  EXPECT_TRUE(proxied.WaitForOutput("\"remote\":\"203.0.113.2\"")) << proxied.Output();
  EXPECT_EQ(proxied.Stop(), 0);
}

TEST_F(Api, UntrustedPeerCannotSpoofItsAddress) {
  const std::string db = FreshDatabaseWithAlice();
  ServerProcess server;  // 127.0.0.1 is not a trusted proxy here
  ASSERT_TRUE(server.Start(db, {"--trusted-proxies", "10.0.0.0/8", "--login-address-max-failures", "3",
                                "--login-max-failures", "100"})
                  .ok());
  auto login = [&](const std::string& user, const std::string& password, const std::string& forwarded_for) {
    return CallOn(server.port(), "POST", "/api/v1/auth/login", "", LoginBody(user, password), "application/json",
                  {{"X-Forwarded-For", forwarded_for}});
  };
  // A fresh forged address with every guess does not escape the address limit.
  for (int i = 0; i < 3; ++i) {
    ExpectProblem(login("user" + std::to_string(i), "nope-nope", "198.51.100." + std::to_string(i)), 401);
  }
  ExpectProblem(login("alice", kPassword, "198.51.100.99"), 429);
  ASSERT_TRUE(server.WaitForOutput("\"status\":429"));
  const std::string log = server.Output();
  EXPECT_EQ(log.find("198.51.100."), std::string::npos) << log;
  EXPECT_NE(log.find("\"remote\":\"127.0.0.1\""), std::string::npos) << log;
  EXPECT_EQ(server.Stop(), 0);
}

// Broke: the lockout lived in the server's memory, so a restart lifted it.
TEST_F(Api, RestartLiftedTheLockout) {
  const std::string db = FreshDatabaseWithAlice();
  // Only options the server had before the fix, so this test ran against it too.
  const std::vector<std::string> options = {"--login-max-failures", "2"};
  ServerProcess server;
  ASSERT_TRUE(server.Start(db, options).ok());
  for (int i = 0; i < 20; ++i) {
    ExpectProblem(CallOn(server.port(), "POST", "/api/v1/auth/login", "", LoginBody("user" + std::to_string(i),
                                                                                     "nope-nope")),
                  401);
  }
  ExpectProblem(CallOn(server.port(), "POST", "/api/v1/auth/login", "", LoginBody("alice", kPassword)), 429);
  ASSERT_EQ(server.Stop(), 0);
  ServerProcess restarted;
  ASSERT_TRUE(restarted.Start(db, options).ok());
  auto r = CallOn(restarted.port(), "POST", "/api/v1/auth/login", "", LoginBody("alice", kPassword));
  ExpectProblem(r, 429);
  EXPECT_GT(r.body.value("retry_after", 0), 600) << r.raw;  // the address lockout (15 min by default)
  EXPECT_EQ(restarted.Stop(), 0);
}

}  // namespace
}  // namespace tc::testing
