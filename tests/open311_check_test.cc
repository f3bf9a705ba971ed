// CheckGeoReport against the GeoReport v2 field lists in tests/data/open311/georeport_v2.json:
// replies shaped like the spec's examples pass, and each kind of violation is reported.
#include "open311_check.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <set>

namespace tc::testing {
namespace {

using nlohmann::json;

class GeoReportCheck : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    spec_ = new json;
    const std::string error = ReadGeoReportSpec(kGeoReportSpecPath, *spec_);
    ASSERT_EQ(error, "");
  }
  static void TearDownTestSuite() {
    delete spec_;
    spec_ = nullptr;
  }

  static std::vector<std::string> Check(std::string_view endpoint, const json& reply) {
    return CheckGeoReport(*spec_, endpoint, reply);
  }

  // Exactly one violation, and it contains every one of `parts`.
  static void ExpectOne(std::string_view endpoint, const json& reply, std::initializer_list<std::string> parts) {
    const auto violations = Check(endpoint, reply);
    ASSERT_EQ(violations.size(), 1u) << ::testing::PrintToString(violations);
    for (const auto& part : parts) EXPECT_NE(violations[0].find(part), std::string::npos) << violations[0];
  }

  // Services as a city might list them: one with every member, one with the optional ones null or absent.
  static json Services() {
    return json::parse(R"([
      {"service_code": "epidemic.testing", "service_name": "核酸检测", "description": "核酸检测点、结果查询、采样安排",
       "metadata": false, "type": "realtime", "keywords": "核酸,采样,检测结果", "group": "疫情防控"},
      {"service_code": "heating", "service_name": "供暖", "description": null, "metadata": true,
       "type": "batch", "group": null}
    ])");
  }

  static json Definition() {
    return json::parse(R"({
      "service_code": "heating",
      "attributes": [
        {"variable": true, "code": "ROOM_TEMP", "datatype": "number", "required": false,
         "datatype_description": "室温，摄氏度", "order": 2, "description": "室内温度是多少？"},
        {"variable": true, "code": "SCOPE", "datatype": "singlevaluelist", "required": true,
         "datatype_description": null, "order": 1, "description": "不热的范围",
         "values": [{"key": "unit", "name": "本户"}, {"key": "building", "name": "整栋楼"}]},
        {"variable": false, "code": "NOTICE", "datatype": "text", "required": false, "order": 3,
         "description": "供暖期为每年11月1日至次年3月31日。"}
      ]
    })");
  }

  static json Request() {
    return json::parse(R"({
      "service_request_id": "20220401-000123", "status": "closed", "status_notes": "已派员维修，供水恢复",
      "service_name": "供水", "service_code": "utilities.water", "description": "3号楼从早上开始停水，没有通知",
      "agency_responsible": "市供水集团", "service_notice": "24小时内答复",
      "requested_datetime": "2022-04-01T09:30:00+08:00", "updated_datetime": "2022-04-01T15:02:11+08:00",
      "expected_datetime": "2022-04-02T09:30:00+08:00", "address": "南关区 永吉街道 3号楼",
      "address_id": "220102003001-B03", "zipcode": null, "lat": 43.88, "long": 125.35, "media_url": null
    })");
  }

  static json* spec_;
};

json* GeoReportCheck::spec_ = nullptr;

// --- The spec file itself -------------------------------------------------------------

TEST_F(GeoReportCheck, SpecFileHasEveryEndpointOfTheIssue) {
  for (const char* endpoint : {"GET services.json", "GET services/{service_code}.json", "GET requests.json",
                               "GET requests/{service_request_id}.json", "POST requests.json",
                               "GET tokens/{token}.json", "errors", "GET discovery.json"}) {
    EXPECT_TRUE((*spec_)["endpoints"].contains(endpoint)) << endpoint;
  }
}

// Every reply node has known types and every field a name and a boolean `required`, so a
// typo in the data file cannot silently switch a check off.
TEST_F(GeoReportCheck, SpecFileNodesAreWellFormed) {
  const std::set<std::string> types = {"string", "number", "integer", "boolean", "datetime", "array", "object"};
  const std::set<std::string> keys = {"name",  "type",   "required",  "nullable",  "values",
                                      "min",   "max",    "max_chars", "min_items", "max_items",
                                      "items", "unique", "fields",    "rules",     "required_when",
                                      "note",  "basis",  "extension", "$ref"};
  int nodes = 0;
  std::function<void(const json&, const std::string&)> walk = [&](const json& node, const std::string& where) {
    ++nodes;
    ASSERT_TRUE(node.is_object()) << where;
    if (node.contains("$ref")) {
      ASSERT_TRUE((*spec_)["definitions"].contains(node["$ref"].get<std::string>())) << where;
      return;
    }
    for (const auto& [key, value] : node.items()) EXPECT_TRUE(keys.count(key)) << where << " has key " << key;
    const json list = node["type"].is_array() ? node["type"] : json::array({node["type"]});
    for (const auto& t : list) EXPECT_TRUE(types.count(t.get<std::string>())) << where << " type " << t;
    for (const auto& field : node.value("fields", json::array())) {
      ASSERT_TRUE(field.contains("name")) << where;
      EXPECT_TRUE(field["required"].is_boolean()) << where << "." << field["name"];
      walk(field, where + "." + field["name"].get<std::string>());
    }
    if (node.contains("items")) walk(node["items"], where + "[]");
  };
  for (const auto& [name, endpoint] : (*spec_)["endpoints"].items()) walk(endpoint["reply"], name);
  for (const auto& [name, definition] : (*spec_)["definitions"].items()) walk(definition, name);
  EXPECT_GT(nodes, 60);
}

TEST_F(GeoReportCheck, SpecFileCarriesTheAllowedValuesAndRequestRules) {
  auto field = [&](const json& node, const std::string& name) {
    for (const auto& f : node["fields"])
      if (f["name"] == name) return f;
    return json();
  };
  const json& endpoints = (*spec_)["endpoints"];
  const json service = endpoints["GET services.json"]["reply"]["items"];
  EXPECT_EQ(field(service, "type")["values"], json({"realtime", "batch", "blackbox"}));
  EXPECT_EQ(field(service, "metadata")["type"], "boolean");
  const json attribute = field(endpoints["GET services/{service_code}.json"]["reply"], "attributes")["items"];
  EXPECT_EQ(field(attribute, "datatype")["values"],
            json({"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}));
  EXPECT_EQ(field((*spec_)["definitions"]["request"], "status")["values"], json({"open", "closed"}));

  std::set<std::string> filters;
  for (const auto& a : endpoints["GET requests.json"]["arguments"]) filters.insert(a["name"]);
  EXPECT_EQ(filters, (std::set<std::string>{"jurisdiction_id", "service_request_id", "service_code", "start_date",
                                            "end_date", "status"}));
  const json rules = endpoints["GET requests.json"]["argument_rules"];
  EXPECT_EQ(rules[0]["max_days"], 90);
  EXPECT_EQ(rules[1]["max_results"], 1000);

  std::set<std::string> post;
  for (const auto& a : endpoints["POST requests.json"]["arguments"]) post.insert(a["name"]);
  for (const char* name :
       {"api_key", "service_code", "lat", "long", "address_string", "address_id", "attribute[code]", "description",
        "media_url", "first_name", "last_name", "email", "phone", "device_id", "account_id"})
    EXPECT_TRUE(post.count(name)) << name;
  EXPECT_EQ(endpoints["POST requests.json"]["argument_rules"][0]["groups"],
            json::parse(R"([["lat","long"],["address_string"],["address_id"]])"));
}

// --- Replies that conform ---------------------------------------------------------------

TEST_F(GeoReportCheck, AcceptsAServiceList) {
  EXPECT_EQ(Check("GET services.json", Services()), std::vector<std::string>{});
}

TEST_F(GeoReportCheck, AcceptsAServiceDefinition) {
  EXPECT_EQ(Check("GET services/{service_code}.json", Definition()), std::vector<std::string>{});
  EXPECT_EQ(Check("GET services/{service_code}.json", json::parse(R"({"service_code": "other", "attributes": []})")),
            std::vector<std::string>{});
}

TEST_F(GeoReportCheck, AcceptsPostRepliesOfEveryServiceType) {
  const std::vector<std::string> none;
  // realtime: the id at once; batch: a token; blackbox: neither.
  EXPECT_EQ(Check("POST requests.json", json::parse(R"([{"service_request_id": "20220401-000124",
      "service_notice": "将在2小时内响应", "account_id": null}])")),
            none);
  EXPECT_EQ(Check("POST requests.json", json::parse(R"([{"token": "tk-5561", "service_notice": null}])")), none);
  EXPECT_EQ(Check("POST requests.json", json::parse(R"([{"service_notice": "已受理"}])")), none);
}

TEST_F(GeoReportCheck, AcceptsATokenReply) {
  EXPECT_EQ(Check("GET tokens/{token}.json",
                  json::parse(R"([{"service_request_id": "20220401-000125", "token": "tk-5561"}])")),
            std::vector<std::string>{});
}

TEST_F(GeoReportCheck, AcceptsRequestListsAndASingleRequest) {
  json open = Request();
  open["service_request_id"] = "20220401-000126";
  open["status"] = "open";
  // The members the spec says may not be returned, left out; the nullable ones null.
  for (const char* name : {"status_notes", "agency_responsible", "service_notice", "expected_datetime", "lat", "long"})
    open.erase(name);
  open["description"] = nullptr;
  open["updated_datetime"] = nullptr;
  open["address_id"] = nullptr;
  EXPECT_EQ(Check("GET requests.json", json::array({Request(), open})), std::vector<std::string>{});
  EXPECT_EQ(Check("GET requests.json", json::array()), std::vector<std::string>{});
  EXPECT_EQ(Check("GET requests/{service_request_id}.json", json::array({Request()})), std::vector<std::string>{});
}

TEST_F(GeoReportCheck, AcceptsErrorArrays) {
  EXPECT_EQ(Check("errors", json::parse(R"([{"code": 403, "description": "api_key 无效"},
                                           {"code": "jurisdiction_unknown", "description": "jurisdiction_id 不属于本市"}])")),
            std::vector<std::string>{});
}

TEST_F(GeoReportCheck, AcceptsADiscoveryDocument) {
  EXPECT_EQ(Check("GET discovery.json", json::parse(R"({"changeset": "2022-04-01T00:00:00+08:00",
      "contact": "12345热线中心 api@example.gov.cn", "key_service": "向热线中心申请 api_key",
      "endpoints": [{"specification": "http://wiki.open311.org/GeoReport_v2", "url": "https://city.example/open311/v2",
                     "changeset": "2022-04-01T00:00:00+08:00", "type": "production", "formats": ["application/json"]}]})")),
            std::vector<std::string>{});
}

// --- Each kind of violation -------------------------------------------------------------

TEST_F(GeoReportCheck, ReportsAMissingRequiredField) {
  json services = Services();
  services[0].erase("service_name");
  ExpectOne("GET services.json", services, {"GET services.json: ", "$[0].service_name", "missing (required)"});
  json requests = json::array({Request()});
  requests[0].erase("requested_datetime");
  ExpectOne("GET requests.json", requests, {"$[0].requested_datetime", "missing"});
}

TEST_F(GeoReportCheck, ReportsAWrongType) {
  json services = Services();
  services[1]["metadata"] = "true";  // the XML text, not a JSON boolean
  ExpectOne("GET services.json", services, {"$[1].metadata", "a string where the spec wants boolean"});
  json requests = json::array({Request()});
  requests[0]["service_request_id"] = 638344;
  ExpectOne("GET requests.json", requests, {"$[0].service_request_id", "an integer where the spec wants string"});
  requests = json::array({Request()});
  requests[0]["lat"] = "43.88";
  ExpectOne("GET requests.json", requests, {"$[0].lat", "a string where the spec wants number"});
}

TEST_F(GeoReportCheck, ReportsNullWhereTheSpecAllowsNone) {
  json requests = json::array({Request()});
  requests[0]["status"] = nullptr;
  ExpectOne("GET requests.json", requests, {"$[0].status", "null where the spec wants string"});
}

TEST_F(GeoReportCheck, ReportsAValueOutsideTheAllowedList) {
  json requests = json::array({Request()});
  requests[0]["status"] = "pending";
  ExpectOne("GET requests.json", requests, {"$[0].status", "\"pending\" is not one of open|closed"});
  json services = Services();
  services[0]["type"] = "instant";
  ExpectOne("GET services.json", services, {"$[0].type", "is not one of realtime|batch|blackbox"});
  json definition = Definition();
  definition["attributes"][0]["datatype"] = "dropdown";
  ExpectOne("GET services/{service_code}.json", definition, {"$.attributes[0].datatype", "\"dropdown\" is not one of"});
}

TEST_F(GeoReportCheck, ReportsAnObjectWhereTheSpecReturnsAnArray) {
  ExpectOne("GET services.json", json{{"services", Services()}}, {"$: an object where the spec wants array"});
  ExpectOne("GET requests/{service_request_id}.json", Request(), {"$: an object where the spec wants array"});
  ExpectOne("errors", json::parse(R"({"code": 404, "description": "没有这个诉求"})"),
            {"$: an object where the spec wants array"});
}

TEST_F(GeoReportCheck, ReportsBadDatetimes) {
  for (const char* bad : {"2022-04-01 09:30:00+08:00",  // space, not T
                          "2022-04-01T09:30:00",        // no zone
                          "2022-04-01T09:30:00+0800",   // zone without colon
                          "2022-04-01",                 // no time
                          "2022-02-30T09:30:00Z",       // no such day
                          "2022-13-01T09:30:00Z",       // no such month
                          "2022-04-01T24:00:00Z",       // hour out of range
                          "2022-04-01T09:30:00.Z",      // fraction without digits
                          "1648776600000"}) {           // milliseconds as text
    json requests = json::array({Request()});
    requests[0]["updated_datetime"] = bad;
    ExpectOne("GET requests.json", requests, {"$[0].updated_datetime", "is not a W3C datetime with a zone"});
  }
  json requests = json::array({Request()});
  requests[0]["requested_datetime"] = 1648776600000;
  ExpectOne("GET requests.json", requests, {"$[0].requested_datetime", "an integer where the spec wants datetime"});
}

TEST_F(GeoReportCheck, DatetimeAcceptsTheW3cForms) {
  for (const char* good : {"1994-11-05T08:15:30-05:00", "1994-11-05T13:15:30Z", "2022-04-01T09:30+08:00",
                           "2022-04-01T09:30:00.123+08:00", "2024-02-29T00:00:00Z"})
    EXPECT_TRUE(IsW3cDateTime(good)) << good;
  EXPECT_FALSE(IsW3cDateTime("2023-02-29T00:00:00Z"));
  EXPECT_FALSE(IsW3cDateTime("2022-04-01T09:30:00Z "));
  EXPECT_FALSE(IsW3cDateTime("2022-04-01T09:60:00Z"));
  EXPECT_FALSE(IsW3cDateTime("2022-04-01T09:30:00+24:00"));
}

TEST_F(GeoReportCheck, ReportsAMemberTheSpecDoesNotHave) {
  json requests = json::array({Request()});
  requests[0]["caller_phone"] = "138****0000";
  ExpectOne("GET requests.json", requests, {"$[0].caller_phone", "not a GeoReport v2 field"});
}

TEST_F(GeoReportCheck, ReportsBothATokenAndAnId) {
  ExpectOne("POST requests.json", json::parse(R"([{"service_request_id": "1", "token": "tk-1"}])"),
            {"$[0]", "more than one of service_request_id, token"});
}

TEST_F(GeoReportCheck, ReportsHalfAPointAndNoLocation) {
  json requests = json::array({Request()});
  requests[0].erase("long");
  ExpectOne("GET requests.json", requests, {"$[0]", "only some of lat, long"});
  requests = json::array({Request()});
  requests[0]["lat"] = nullptr;
  requests[0]["long"] = nullptr;
  requests[0]["address"] = nullptr;
  requests[0]["address_id"] = nullptr;
  ExpectOne("GET requests.json", requests, {"$[0]", "none of lat+long or address or address_id"});
}

TEST_F(GeoReportCheck, ReportsACoordinateOutOfRange) {
  json requests = json::array({Request()});
  requests[0]["lat"] = 125.35;  // longitude in the latitude's place
  ExpectOne("GET requests.json", requests, {"$[0].lat", "above the spec's maximum 90"});
}

TEST_F(GeoReportCheck, ReportsAListAttributeWithoutValues) {
  json definition = Definition();
  definition["attributes"][1].erase("values");
  ExpectOne("GET services/{service_code}.json", definition, {"$.attributes[1].values", "missing (required when"});
  // A number attribute needs no values.
  EXPECT_FALSE(Definition()["attributes"][0].contains("values"));
}

TEST_F(GeoReportCheck, ReportsBadAttributeOrders) {
  json definition = Definition();
  definition["attributes"][2]["order"] = 1;
  ExpectOne("GET services/{service_code}.json", definition, {"$.attributes[2].order", "repeats an earlier item's"});
  definition = Definition();
  definition["attributes"][0]["order"] = 0;
  ExpectOne("GET services/{service_code}.json", definition, {"$.attributes[0].order", "below the spec's minimum 1"});
  definition = Definition();
  definition["attributes"][0]["order"] = 1.5;
  ExpectOne("GET services/{service_code}.json", definition, {"$.attributes[0].order", "wants integer"});
}

TEST_F(GeoReportCheck, ReportsDuplicateCodes) {
  json services = Services();
  services[1]["service_code"] = "epidemic.testing";
  ExpectOne("GET services.json", services, {"$[1].service_code", "must be unique"});
}

TEST_F(GeoReportCheck, ReportsWrongItemCounts) {
  ExpectOne("GET requests/{service_request_id}.json", json::array({Request(), Request()}),
            {"$: 2 items, the spec allows at most 1"});
  ExpectOne("POST requests.json", json::array(), {"$: 0 items, the spec wants at least 1"});
  ExpectOne("errors", json::array(), {"$: 0 items"});
  json many = json::array();
  for (int i = 0; i < 1001; ++i) {
    json r = Request();
    r["service_request_id"] = std::to_string(i);
    many.push_back(r);
  }
  ExpectOne("GET requests.json", many, {"$: 1001 items, the spec allows at most 1000"});
}

// The 4000-character limit counts characters, not UTF-8 bytes: 4000 Chinese characters
// (12000 bytes) pass, 4001 do not.
TEST_F(GeoReportCheck, DescriptionLimitCountsCharactersNotBytes) {
  std::string text;
  for (int i = 0; i < 4000; ++i) text += "水";
  json requests = json::array({Request()});
  requests[0]["description"] = text;
  EXPECT_EQ(Check("GET requests.json", requests), std::vector<std::string>{});
  requests[0]["description"] = text + "水";
  ExpectOne("GET requests.json", requests, {"$[0].description", "4001 characters, more than the spec's 4000"});
}

TEST_F(GeoReportCheck, ReportsABrokenErrorItem) {
  ExpectOne("errors", json::parse(R"([{"code": 400}])"), {"$[0].description", "missing"});
  ExpectOne("errors", json::parse(R"([{"code": true, "description": "x"}])"), {"$[0].code", "wants integer or string"});
}

TEST_F(GeoReportCheck, ReportsEveryViolationNotJustTheFirst) {
  json requests = json::array({Request()});
  requests[0]["status"] = "pending";
  requests[0].erase("service_code");
  requests[0]["requested_datetime"] = "yesterday";
  EXPECT_EQ(Check("GET requests.json", requests).size(), 3u);
}

TEST_F(GeoReportCheck, ReportsAnUnknownEndpoint) {
  ExpectOne("GET reqests.json", json::array(), {"GET reqests.json: $", "no such endpoint"});
}

}  // namespace
}  // namespace tc::testing
