// Black-box regression tests of issue 14 (what landed, made trustworthy): bodies that
// crashed or misled the server, and records outside a user's jurisdiction that could
// be told apart from missing ones.
#include <chrono>

#include "api_fixture.h"

namespace tc::testing {
namespace {

using nlohmann::json;

template <typename Resp>
std::string Detail(const Resp& r) {
  return r.body.value("detail", "");
}

// Regression: POST /api/v1/checkins with {"person_id":[[[[…]]]]} nested 100,000 deep
// overflowed the stack and killed the server without a log line.
TEST_F(Api, DeeplyNestedJsonIsRefusedAndTheServerStaysUp) {
  const std::string admin = Login("admin");
  // As deep as the test server's 64 KiB body limit allows (the crash took 100,000 levels
  // in production's 8 MiB; base.Json.DeepNestingIsRefusedNotACrash parses those).
  const std::string deep = R"({"person_id":)" + std::string(32'000, '[') + std::string(32'000, ']') + "}";
  for (const char* path : {"/api/v1/checkins", "/api/v1/residents", "/api/v1/tracing/runs", "/api/v1/cases"}) {
    auto r = Call("POST", path, admin, deep);
    ExpectProblem(r, 400);
    EXPECT_NE(Detail(r).find("nested deeper than 64 levels at /person_id/0"), std::string::npos) << path << r.raw;
  }
  auto ndjson = Call("POST", "/api/v1/checkins", admin, deep + "\n", "application/x-ndjson");
  EXPECT_EQ(ndjson.status, 200) << ndjson.raw;
  EXPECT_NE(ndjson.raw.find("nested deeper than"), std::string::npos) << ndjson.raw;
  EXPECT_EQ(Call("GET", "/api/v1/health", "").status, 200);
}

// Regression: duplicate keys were accepted (the last won), invalid UTF-8 was refused
// without saying where, person_id -1 answered "person_id or id_number is required",
// and arrive_at of 1970 "arrive_at is required".
TEST_F(Api, MisleadingCheckinBodiesGetErrorsThatSayWhatIsWrong) {
  const std::string admin = Login("admin");
  auto dup = Call("POST", "/api/v1/checkins", admin,
                  R"({"person_id":1,"person_id":2,"venue_code":"V-0001","arrive_at":"2022-03-01 10:00"})");
  ExpectProblem(dup, 400);
  EXPECT_NE(Detail(dup).find("key 'person_id' appears twice"), std::string::npos) << dup.raw;
  auto bad_utf8 = Call("POST", "/api/v1/checkins", admin, "{\"venue_code\":\"\xD5\xD4\"}");
  ExpectProblem(bad_utf8, 400);
  EXPECT_NE(Detail(bad_utf8).find("at byte"), std::string::npos) << bad_utf8.raw;
  auto negative = Call("POST", "/api/v1/checkins", admin,
                       json{{"person_id", -1}, {"venue_code", "V-0001"}, {"arrive_at", "2022-03-01 10:00"}}.dump());
  ExpectProblem(negative, 422);
  EXPECT_NE(Detail(negative).find("person_id -1 is not a person id"), std::string::npos) << negative.raw;
  auto epoch = Call("POST", "/api/v1/checkins", admin,
                    json{{"id_number", kNanguanId1}, {"venue_code", "V-0001"}, {"arrive_at", 0}}.dump());
  ExpectProblem(epoch, 422);
  EXPECT_NE(Detail(epoch).find("before the city's records begin"), std::string::npos) << epoch.raw;
  auto huge = Call("POST", "/api/v1/checkins", admin,
                   json{{"person_id", 18446744073709551615ULL}, {"venue_code", "V-0001"}, {"arrive_at", 0}}.dump());
  ExpectProblem(huge, 422);
}

// Regression: a community user was told an out-of-area ID number apart from an
// unknown one, and could record a check-in for any resident of the city at their venue.
TEST_F(Api, CheckinsOfResidentsOutsideTheCommunityAnswerLikeUnknownOnes) {
  const std::string admin = Login("admin"), grid = Login("grid-yongji");
  const std::string venue = "220102001001-V9101";
  ASSERT_EQ(Call("POST", "/api/v1/venues", admin,
                 json{{"code", venue}, {"name", "永吉便利店"}, {"kind", "supermarket"}, {"area_code", "220102001001"}}
                     .dump())
                .status,
            201);
  const int64_t t = NowMs();  // the test city began moments ago
  auto checkin = [&](const json& who) {
    json body = who;
    body["venue_code"] = venue;
    body["arrive_at"] = t;
    return Call("POST", "/api/v1/checkins", grid, body.dump());
  };
  const std::string unknown_id = "220103197001010049";
  ExpectLikeMissing(checkin({{"id_number", kKuanchengId}}), checkin({{"id_number", unknown_id}}), kKuanchengId,
                    unknown_id);
  auto wang = Call("GET", "/api/v1/residents?id_number=" + kKuanchengId, admin);
  ASSERT_EQ(wang.body["items"].size(), 1u);
  const int64_t wang_id = wang.body["items"][0]["id"];
  ExpectLikeMissing(checkin({{"person_id", wang_id}}), checkin({{"person_id", 987654321}}), std::to_string(wang_id),
                    "987654321");
  // Their own resident is recorded; person_id and id_number that disagree are refused.
  EXPECT_EQ(checkin({{"id_number", kNanguanId1}}).status, 201);
  auto zhang = Call("GET", "/api/v1/residents?id_number=" + kNanguanId1, admin);
  auto mixed = checkin({{"person_id", zhang.body["items"][0]["id"]}, {"id_number", kNanguanId2}});
  ExpectProblem(mixed, 422);
  EXPECT_EQ(mixed.body["errors"][0]["field"], "id_number") << mixed.raw;
  // Nobody outside was recorded at the venue.
  auto visitors = Call("GET", "/api/v1/venues/" + venue + "/visitors?from=2020-01-01%2000:00", admin);
  ASSERT_EQ(visitors.status, 200) << visitors.raw;
  EXPECT_EQ(visitors.body["distinct_persons"], 1);
}

// Regression: creating a resident with an ID number registered in another district
// answered 409 "already belongs to resident 5001 (王雨霞)".
TEST_F(Api, AnIdNumberRegisteredInAnotherDistrictIsRefusedWithoutNamingItsResident) {
  const std::string grid = Login("grid-yongji");
  auto r = Call("POST", "/api/v1/residents", grid,
                json{{"name", "冒名"}, {"id_number", kKuanchengId}, {"household_code", "220102001001-001-01-1-0102"}}
                    .dump());
  ExpectProblem(r, 409);
  EXPECT_EQ(r.raw.find("王五"), std::string::npos) << r.raw;
  auto wang = Call("GET", "/api/v1/residents?id_number=" + kKuanchengId, Login("admin"));
  const std::string wang_id = std::to_string(wang.body["items"][0]["id"].get<int64_t>());
  EXPECT_EQ(r.raw.find("resident " + wang_id), std::string::npos) << r.raw;
  // The city sees whose number it is.
  auto city = Call("POST", "/api/v1/residents", Login("admin"),
                   json{{"name", "冒名"}, {"id_number", kKuanchengId}, {"household_code", "220102001001-001-01-1-0102"}}
                       .dump());
  ExpectProblem(city, 409);
  EXPECT_NE(city.raw.find("王五"), std::string::npos) << city.raw;
}

// Regression: resident 4294967297 (2^32 + 1) was cast to 32 bits and answered person
// 1's trajectory; days_before_onset was cast to int before its range check.
TEST_F(Api, IdsAndNumbersBeyondTheirRangeAreNotTruncated) {
  const std::string admin = Login("admin");
  ExpectProblem(Call("GET", "/api/v1/residents/4294967297/trajectory", admin), 404);
  ExpectProblem(Call("GET", "/api/v1/residents/99999999999999999999/trajectory", admin), 404);
  auto run = Call("POST", "/api/v1/tracing/runs", admin,
                  json{{"case_ids", {1}}, {"days_before_onset", 4294967300LL}}.dump());
  ExpectProblem(run, 422);
  EXPECT_EQ(ErrorFields(run), std::set<std::string>{"days_before_onset"});
  ExpectProblem(Call("GET", "/api/v1/cases/9223372036854775808", admin), 404);
}

}  // namespace
}  // namespace tc::testing
