#include "api/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/testing.h"

namespace tc::api {
namespace {

std::string Header(const http::Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::path(store::testing::TempSqlitePath("web")).parent_path() / "dist";
    std::filesystem::create_directories(root_ / "assets");
    std::ofstream(root_ / "index.html") << "<html>console</html>";
    std::ofstream(root_ / "assets" / "app-1a2b3c.js") << "console.log(1)";
    std::ofstream(root_.parent_path() / "secret.txt") << "secret";
  }
  http::Response Get(const std::string& path, const std::string& method = "GET", const std::string& encoding = "") {
    http::Request req;
    req.method = method;
    req.path = path;
    if (!encoding.empty()) req.headers.emplace_back("accept-encoding", encoding);
    return *StaticFiles(root_.string()).Serve(req);
  }
  std::filesystem::path root_;
};

TEST_F(StaticFilesTest, HashedAssetsAreImmutableAndIndexRevalidates) {
  auto js = Get("/assets/app-1a2b3c.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_NE(Header(js, "Cache-Control").find("immutable"), std::string::npos);
  auto index = Get("/");
  EXPECT_EQ(index.body, "<html>console</html>");
  EXPECT_EQ(Header(index, "Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, PrecompressedCopyOnlyForClientsThatTakeGzip) {
  std::ofstream(root_ / "assets" / "app-1a2b3c.js.gz") << "GZIPPED";
  auto gz = Get("/assets/app-1a2b3c.js", "GET", "gzip, deflate, br");
  EXPECT_EQ(gz.body, "GZIPPED");
  EXPECT_EQ(Header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(gz.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(gz, "Vary"), "Accept-Encoding");
  auto plain = Get("/assets/app-1a2b3c.js");
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_EQ(Header(plain, "Content-Encoding"), "");
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToIndexButMissingAssetsAre404) {
  EXPECT_EQ(Get("/residents/42").body, "<html>console</html>");
  EXPECT_EQ(Get("/assets/gone.js").status, 404);
}

TEST_F(StaticFilesTest, NothingOutsideTheRootIsServed) {
  EXPECT_EQ(Get("/../secret.txt").body.find("secret"), std::string::npos);
  EXPECT_EQ(Get("/assets/../../secret.txt").body.find("secret"), std::string::npos);
  EXPECT_EQ(Get("/", "POST").status, 405);
  EXPECT_TRUE(Get("/", "HEAD").body.empty());
}

}  // namespace
}  // namespace tc::api
