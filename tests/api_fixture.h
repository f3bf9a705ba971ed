// The shared fixture of the black-box API tests: one real tongchou server for the
// whole run, on a database prepared through the CLI, of the backend named by $TC_BACKEND.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

#include <nlohmann/json.hpp>
#include <set>

#include "api_harness.h"
#include "http/client.h"
#include "store/store.h"
#include "store/testing.h"

namespace tc::testing {

using nlohmann::json;
inline constexpr const char* kPassword = "test-password-1";

// The wall clock in Unix milliseconds (the test city is created at the real time).
inline int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The Shanghai date (YYYY-MM-DD) of Unix milliseconds.
inline std::string ShanghaiDate(int64_t ms) {
  const std::time_t t = static_cast<std::time_t>(ms / 1000 + 8 * 3600);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// One server for the whole suite, on a database prepared through the CLI.
class Api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto url = store::testing::FreshDatabaseUrl(Backend(), "api");
    ASSERT_TRUE(url.ok()) << url.status().ToString();
    db_ = new std::string(*url);
    auto area = [](std::string code, std::string parent, std::string name, std::string level) {
      auto r = RunTongchou({"admin", "create-area", "--db", *db_, "--code", code, "--parent", parent, "--name", name,
                            "--level", level});
      ASSERT_EQ(r.exit_code, 0) << r.output;
    };
    area("220100000000", "", "长春市", "city");
    area("220102000000", "220100000000", "南关区", "district");
    area("220103000000", "220100000000", "宽城区", "district");
    area("220102001000", "220102000000", "永吉街道", "street");
    area("220103001000", "220103000000", "新发街道", "street");
    // Dwellings down to units in one community of each district.
    for (const std::string d : {"220102", "220103"}) {
      const std::string community = d + "001001";
      area(community, d + "001000", d == "220102" ? "永吉社区" : "新发社区", "community");
      area(community + "-001", community, "春光小区", "compound");
      area(community + "-001-01", community + "-001", "1栋", "building");
      area(community + "-001-01-1", community + "-001-01", "1单元", "unit");
    }
    const std::string dwellings = WriteTemp("dwellings.csv",
        "单元编码,房号,地址\n220102001001-001-01-1,0101,1栋1单元101\n220102001001-001-01-1,0102,1栋1单元102\n"
        "220103001001-001-01-1,0101,1栋1单元101\n");
    auto d = RunTongchou({"import", "dwellings", dwellings, "--db", *db_});
    ASSERT_EQ(d.exit_code, 0) << d.output;
    const std::string residents = WriteTemp("residents.csv",
        "姓名,身份证号码,手机号,户编码,重点人群\n"
        "张三," + kNanguanId1 + ",13812345678,220102001001-001-01-1-0101,慢性病\n"
        "李四," + kNanguanId2 + ",13912345678,220102001001-001-01-1-0102,独居老人\n"
        "王五," + kKuanchengId + ",13712345678,220103001001-001-01-1-0101,\n");
    auto r = RunTongchou({"import", "residents", residents, "--db", *db_});
    ASSERT_EQ(r.exit_code, 0) << r.output;
    auto user = [](std::string name, std::string role, std::string area_code) {
      auto r = RunTongchou({"admin", "create-user", "--db", *db_, "--username", name, "--role", role, "--area",
                            area_code, "--password-stdin"},
                           std::string(kPassword) + "\n");
      ASSERT_EQ(r.exit_code, 0) << r.output;
    };
    user("admin", "admin", "220100000000");
    user("nanguan-admin", "admin", "220102000000");
    user("nanguan-op", "area_operator", "220102000000");
    user("kuancheng-op", "area_operator", "220103000000");
    user("nanguan-cmd", "commander", "220102000000");
    user("hotline", "hotline_agent", "220100000000");
    user("throttled", "grid_worker", "220102000000");
    user("grid-yongji", "grid_worker", "220102001001");
    user("sampler-yongji", "sampler", "220102001001");
    user("sampler-xinfa", "sampler", "220103001001");
    user("lab-tech", "lab_technician", "220100000000");
    // Checkpoint staff: one named on the checkpoint checkpoints_api_test.cc sets up, one not.
    user("checkpoint-g1", "checkpoint_staff", "220102000000");
    user("checkpoint-other", "checkpoint_staff", "220102000000");
    // Quarantine-site staff: one named on the site quarantine_api_test.cc registers, one not.
    user("site-a", "site_staff", "220100000000");
    user("site-other", "site_staff", "220100000000");
    // Hospital staff of 南关 (hospitals_api_test.cc).
    user("medic-nanguan", "medical_staff", "220102000000");
    server_ = new ServerProcess();
    // Every test calls from 127.0.0.1: a high address limit so their failed logins do not
    // lock each other out; a long first wait so a throttled test user stays throttled.
    Status s = server_->Start(*db_, {"--login-max-failures", "3", "--login-base-delay", "30",
                                     "--login-address-max-failures", "1000", "--body-limit", "65536",
                                     "--threads", "4"});
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  static void TearDownTestSuite() {
    if (server_) {
      EXPECT_EQ(server_->Stop(), 0) << "graceful shutdown should exit 0";
      delete server_;
      server_ = nullptr;
    }
  }

  struct Resp {
    int status = 0;
    json body;
    std::string raw;
    std::string content_type;
    std::string request_id;
    std::vector<std::pair<std::string, std::string>> headers;
    // The first header with this name (case-insensitive), or "".
    std::string Header(std::string_view name) const {
      for (const auto& [k, v] : headers) {
        if (std::equal(k.begin(), k.end(), name.begin(), name.end(),
                       [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
          return v;
        }
      }
      return "";
    }
  };
  static Resp Call(const std::string& method, const std::string& target, const std::string& token = "",
                   const std::string& body = "", const std::string& content_type = "application/json",
                   std::vector<std::pair<std::string, std::string>> headers = {}) {
    return CallOn(server_->port(), method, target, token, body, content_type, std::move(headers));
  }
  // Call() on another server (one a test started with its own options).
  static Resp CallOn(uint16_t port, const std::string& method, const std::string& target,
                     const std::string& token = "", const std::string& body = "",
                     const std::string& content_type = "application/json",
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
    http::Client client("127.0.0.1", port);
    if (!token.empty()) headers.emplace_back("Authorization", "Bearer " + token);
    if (!body.empty()) headers.emplace_back("Content-Type", content_type);
    auto r = client.Send(method, target, body, headers);
    Resp out;
    if (!r.ok()) {
      ADD_FAILURE() << method << " " << target << ": " << r.status().ToString();
      return out;
    }
    out.status = r->status;
    out.raw = r->body;
    out.content_type = std::string(r->Header("content-type"));
    out.request_id = std::string(r->Header("x-request-id"));
    out.headers = r->headers;
    out.body = json::parse(r->body, nullptr, false);
    return out;
  }
  static std::string Login(const std::string& username) {
    auto r = Call("POST", "/api/v1/auth/login", "", json{{"username", username}, {"password", kPassword}}.dump());
    EXPECT_EQ(r.status, 200) << r.raw;
    return r.body.value("token", "");
  }
  // A record outside the caller's jurisdiction must answer exactly as a missing one:
  // same status, type, title and detail once the two references are swapped.
  static void ExpectLikeMissing(const Resp& outside, const Resp& missing, const std::string& outside_ref,
                                const std::string& missing_ref) {
    EXPECT_GE(outside.status, 400) << outside.raw;
    EXPECT_EQ(outside.status, missing.status) << outside.raw << "\n" << missing.raw;
    EXPECT_EQ(outside.body.value("type", ""), missing.body.value("type", "")) << outside.raw;
    EXPECT_EQ(outside.body.value("title", ""), missing.body.value("title", "")) << outside.raw;
    std::string detail = outside.body.value("detail", "");
    for (size_t at = detail.find(outside_ref); at != std::string::npos; at = detail.find(outside_ref, at)) {
      detail.replace(at, outside_ref.size(), missing_ref);
      at += missing_ref.size();
    }
    EXPECT_EQ(detail, missing.body.value("detail", "")) << outside.raw << "\n" << missing.raw;
  }
  static void ExpectProblem(const Resp& r, int status) {
    EXPECT_EQ(r.status, status) << r.raw;
    EXPECT_EQ(r.content_type, "application/problem+json") << r.raw;
    EXPECT_EQ(r.body.value("status", 0), status) << r.raw;
    EXPECT_FALSE(r.body.value("detail", "").empty()) << r.raw;
    EXPECT_FALSE(r.body.value("type", "").empty()) << r.raw;
  }
  static std::set<std::string> ErrorFields(const Resp& r) {
    std::set<std::string> fields;
    for (const auto& e : r.body.value("errors", json::array())) fields.insert(e.value("field", ""));
    return fields;
  }

  static std::string WriteTemp(const std::string& name, const std::string& content) {
    const std::string path = store::testing::TempSqlitePath("csv") + "." + name;
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(content.data(), 1, content.size(), f);
    std::fclose(f);
    return path;
  }

  // Valid ID numbers (GB 11643 check characters).
  static inline const std::string kNanguanId1 = "220102198503070015";
  static inline const std::string kNanguanId2 = "220102199001010025";
  static inline const std::string kKuanchengId = "220103197001010030";
  static inline std::string* db_ = nullptr;
  static inline ServerProcess* server_ = nullptr;
};

}  // namespace tc::testing
