#include "base/json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace tc {
namespace {

TEST(Json, ParsesObjectsArraysAndScalars) {
  auto v = ParseJson(R"({"a":[1,-2,3.5,"x",null,true,{"b":{}}],"c":18446744073709551615})");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)["a"][1].get<int64_t>(), -2);
  EXPECT_EQ((*v)["a"][3], "x");
  EXPECT_TRUE((*v)["a"][6]["b"].is_object());
  EXPECT_TRUE((*v)["c"].is_number_unsigned());
  EXPECT_EQ(ParseJson("[]").value(), nlohmann::json::array());
  EXPECT_EQ(ParseJson("7").value(), 7);
}

// Regression: POST /api/v1/checkins with {"person_id":[[[[…]]]]} nested 100,000 deep
// overflowed the stack and killed the server.
TEST(Json, DeepNestingIsRefusedNotACrash) {
  std::string deep = R"({"person_id":)" + std::string(100'000, '[') + std::string(100'000, ']') + "}";
  auto v = ParseJson(deep);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kMalformed);
  EXPECT_NE(v.status().message().find("nested deeper than 64 levels at /person_id/0/0"), std::string::npos)
      << v.status().message();
  // Exactly the limit is fine; one more is not.
  EXPECT_TRUE(ParseJson(std::string(64, '[') + std::string(64, ']')).ok());
  EXPECT_FALSE(ParseJson(std::string(65, '[') + std::string(65, ']')).ok());
  EXPECT_TRUE(ParseJson("[[1]]", {.max_depth = 2}).ok());
  EXPECT_FALSE(ParseJson("[[[1]]]", {.max_depth = 2}).ok());
}

// Regression: a key given twice was accepted silently (the last one won).
TEST(Json, DuplicateKeysAreRefusedWithTheirPath) {
  auto v = ParseJson(R"({"person_id":1,"person_id":2})");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("key 'person_id' appears twice in the object at /"), std::string::npos)
      << v.status().message();
  auto nested = ParseJson(R"({"items":[{"a":1},{"a":1,"b":2,"a":3}]})");
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.status().message().find("at /items/1"), std::string::npos) << nested.status().message();
  // The same key in two objects is fine.
  EXPECT_TRUE(ParseJson(R"([{"a":1},{"a":2}])").ok());
}

// Regression: invalid UTF-8 in JSON was refused without saying where.
TEST(Json, InvalidUtf8IsRefusedWithItsPosition) {
  const std::string text = "{\"name\":\"\xD5\xD4\"}";  // GBK bytes of 赵
  auto v = ParseJson(text);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("at byte"), std::string::npos) << v.status().message();
  EXPECT_NE(v.status().message().find("column"), std::string::npos) << v.status().message();
  EXPECT_EQ(v.status().message().find('\xD5'), std::string::npos) << "the message must not echo the bytes";
}

TEST(Json, NulInsideAStringIsRefused) {
  auto v = ParseJson(R"({"a":[{"name":"x\u0000y"}]})");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.status().message().find("NUL character at /a/0/name"), std::string::npos) << v.status().message();
}

TEST(Json, SyntaxErrorsAndTrailingGarbageAreRefused) {
  for (const char* bad : {"", "{", "{\"a\":}", "[1,]", "{} {}", "tru", "{\"a\":1}x", "'a'"}) {
    auto v = ParseJson(bad);
    EXPECT_FALSE(v.ok()) << bad;
    if (!v.ok()) {
      EXPECT_EQ(v.status().code(), StatusCode::kMalformed) << bad;
    }
  }
}

}  // namespace
}  // namespace tc
