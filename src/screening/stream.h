// Scans and lab results as lines: CSV (UTF-8 or GBK, Chinese or English headers, as
// Excel and lab systems write them) or NDJSON (one JSON object per line), and single
// JSON objects. Each line becomes a record (numbered by its line) or a LineError
// naming the line and the field; nothing is written here.
//
// Scan columns / keys: site (采样点), tube (试管码), id_number (身份证号) or person_id
// (人员ID), at (采样时间; optional), retest (复核; optional true/false), close (封管).
// Result columns / keys: tube (试管码), result (结果: negative/positive/invalid or
// 阴性/阳性/无效), ct (CT值; optional), lab (检测机构; optional), at (报告时间; optional).
// Times: RFC 3339, "YYYY-MM-DD HH:MM[:SS]" (Shanghai), or in NDJSON Unix milliseconds.
#pragma once

#include <istream>
#include <nlohmann/json_fwd.hpp>
#include <vector>

#include "screening/screening.h"

namespace tc::screening {

enum class LineFormat { kCsv, kNdjson };

template <typename T>
struct Parsed {
  Status fatal;  // what stopped the reading (a bad header, an unterminated quote)
  int64_t lines = 0;
  std::vector<T> records;
  std::vector<LineError> errors;
};

Parsed<Scan> ParseScans(std::istream& in, LineFormat format, int64_t round_id);
Parsed<TubeResult> ParseResults(std::istream& in, LineFormat format);
// One JSON object (a single API request); `line` numbers it.
Parsed<Scan> ScanFromJson(const nlohmann::json& j, int64_t round_id);
Parsed<TubeResult> ResultFromJson(const nlohmann::json& j);

// A time: RFC 3339 or "YYYY-MM-DD HH:MM[:SS]" in Shanghai. InvalidArgument naming `field`.
Result<Millis> ParseLineTime(std::string_view text, std::string_view field);

}  // namespace tc::screening
