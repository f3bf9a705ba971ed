// Open311 GeoReport v2 conformance of JSON replies, against the field lists in
// tests/data/open311/georeport_v2.json (the spec as data; its `conventions` say how
// to read it). Test support only: depends on nlohmann_json, not on the binary.
//
//   nlohmann::json spec;
//   ASSERT_EQ(ReadGeoReportSpec(kGeoReportSpecPath, spec), "");
//   auto reply = Call("GET", "/open311/v2/services.json");
//   EXPECT_THAT(CheckGeoReport(spec, "GET services.json", reply.body), IsEmpty());
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace tc::testing {

// The spec file in the source tree (set by tests/CMakeLists.txt for every target
// that links tc_open311_check).
inline constexpr const char* kGeoReportSpecPath = TC_GEOREPORT_SPEC;

// Reads and parses the spec file into `spec`; returns "" or what went wrong.
std::string ReadGeoReportSpec(const std::string& path, nlohmann::json& spec);

// Every way `reply` breaks the spec's reply for `endpoint` (a key of the spec's
// `endpoints`, e.g. "GET requests.json", "POST requests.json", "errors"), one
// readable line each, naming the endpoint and the JSON path ("$[0].status"): a
// missing required field, a wrong type, null where none is allowed, a value outside
// the allowed list or range, a bad datetime, an object where an array is due, too
// few or too many items, duplicates, a member the spec does not have, and the
// spec's rules across fields. Empty when the reply conforms. An unknown endpoint or
// a malformed spec node is reported as a line too, never thrown.
std::vector<std::string> CheckGeoReport(const nlohmann::json& spec, std::string_view endpoint,
                                        const nlohmann::json& reply);

// Whether `text` is a W3C date-time (the ISO 8601 profile the spec requires):
// YYYY-MM-DDThh:mm, optionally :ss and a fraction, then Z or ±hh:mm; the date must
// exist (no 2月30日) and the time be in range.
bool IsW3cDateTime(std::string_view text);

}  // namespace tc::testing
