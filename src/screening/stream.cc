#include "screening/stream.h"

#include <charconv>
#include <map>
#include <nlohmann/json.hpp>

#include "base/json.h"
#include "io/csv.h"

namespace tc::screening {
namespace {

const std::vector<io::ColumnSpec>& ScanColumns() {
  static const std::vector<io::ColumnSpec> k = {
      {"site", {"采样点", "采样点编码", "采样点代码", "site_code"}},
      {"tube", {"试管码", "试管条码", "管码", "条码", "barcode"}},
      {"id_number", {"身份证号", "身份证号码", "证件号码"}},
      {"person_id", {"人员ID", "人员id", "居民ID"}},
      {"at", {"采样时间", "时间"}},
      {"retest", {"复核", "单管复核"}},
      {"close", {"封管"}},
  };
  return k;
}

const std::vector<io::ColumnSpec>& ResultColumns() {
  static const std::vector<io::ColumnSpec> k = {
      {"tube", {"试管码", "试管条码", "管码", "条码", "barcode"}},
      {"result", {"结果", "检测结果"}},
      {"ct", {"CT值", "Ct值", "ct值", "CT"}},
      {"lab", {"检测机构", "实验室", "lab_code"}},
      {"at", {"报告时间", "检测时间", "时间"}},
  };
  return k;
}

// A line's fields as text, whatever the format.
using Fields = std::map<std::string, std::string, std::less<>>;

std::string_view Trim(std::string_view s) { return io::TrimSpace(s); }

// Fields of a JSON object; false with `error` for a non-object or a nested value.
bool FieldsOfJson(const nlohmann::json& j, int64_t line, Fields& out, LineError& error) {
  if (!j.is_object()) {
    error = {line, "", "a line is a JSON object"};
    return false;
  }
  for (const auto& [key, value] : j.items()) {
    if (value.is_string()) {
      out[key] = value.get<std::string>();
    } else if (value.is_boolean()) {
      out[key] = value.get<bool>() ? "true" : "false";
    } else if (value.is_number()) {
      out[key] = value.dump();
    } else if (value.is_null()) {
      continue;
    } else {
      error = {line, key, key + " must be a string, number or boolean"};
      return false;
    }
  }
  return true;
}

bool Unknown(const Fields& f, std::initializer_list<std::string_view> allowed, int64_t line, LineError& error) {
  for (const auto& [key, value] : f) {
    bool ok = false;
    for (auto a : allowed) ok = ok || key == a;
    if (!ok) {
      error = {line, key, "unknown field '" + key + "'"};
      return true;
    }
  }
  return false;
}

std::string Get(const Fields& f, std::string_view key) {
  auto it = f.find(key);
  return it == f.end() ? std::string() : std::string(Trim(it->second));
}

bool ParseFlag(const std::string& text, std::string_view field, int64_t line, bool& out, LineError& error) {
  if (text.empty() || text == "false" || text == "0" || text == "否") {
    out = false;
    return true;
  }
  if (text == "true" || text == "1" || text == "是") {
    out = true;
    return true;
  }
  error = {line, std::string(field), "'" + text + "' is not true or false"};
  return false;
}

bool TimeField(const std::string& text, std::string_view field, int64_t line, Millis& out, LineError& error) {
  if (text.empty()) return true;
  bool digits = true;
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  if (digits && text.size() >= 12 && text.size() <= 15) {
    std::from_chars(text.data(), text.data() + text.size(), out);
    return true;
  }
  auto t = ParseLineTime(text, field);
  if (!t.ok()) {
    error = {line, std::string(field), t.status().message()};
    return false;
  }
  out = *t;
  return true;
}

bool ScanOf(const Fields& f, int64_t line, int64_t round_id, Scan& s, LineError& error) {
  if (Unknown(f, {"site", "tube", "id_number", "person_id", "at", "retest", "close"}, line, error)) return false;
  s.line = line;
  s.round_id = round_id;
  s.site_code = Get(f, "site");
  s.tube = Get(f, "tube");
  s.id_number = Get(f, "id_number");
  const std::string person = Get(f, "person_id");
  if (s.site_code.empty()) {
    error = {line, "site", "the test site's code is required"};
    return false;
  }
  if (s.tube.empty()) {
    error = {line, "tube", "the tube barcode is required"};
    return false;
  }
  if (!person.empty()) {
    auto [p, ec] = std::from_chars(person.data(), person.data() + person.size(), s.person_id);
    if (ec != std::errc() || p != person.data() + person.size() || s.person_id <= 0 || s.person_id > UINT32_MAX) {
      error = {line, "person_id", "'" + person + "' is not a person id (a positive integer)"};
      return false;
    }
  } else if (s.id_number.empty()) {
    error = {line, "id_number", "the person's ID number (or person_id) is required"};
    return false;
  }
  return TimeField(Get(f, "at"), "at", line, s.at, error) &&
         ParseFlag(Get(f, "retest"), "retest", line, s.retest, error) &&
         ParseFlag(Get(f, "close"), "close", line, s.close_after, error);
}

bool ResultOf(const Fields& f, int64_t line, TubeResult& r, LineError& error) {
  if (Unknown(f, {"tube", "result", "ct", "lab", "at"}, line, error)) return false;
  r.line = line;
  r.tube = Get(f, "tube");
  r.result = Get(f, "result");
  r.lab_code = Get(f, "lab");
  if (r.tube.empty()) {
    error = {line, "tube", "the tube barcode is required"};
    return false;
  }
  if (r.result.empty()) {
    error = {line, "result", "the result is required (negative, positive or invalid)"};
    return false;
  }
  if (const std::string ct = Get(f, "ct"); !ct.empty()) {
    try {
      size_t used = 0;
      r.ct = std::stod(ct, &used);
      if (used != ct.size()) throw std::invalid_argument(ct);
    } catch (const std::exception&) {
      error = {line, "ct", "'" + ct + "' is not a number"};
      return false;
    }
  }
  return TimeField(Get(f, "at"), "at", line, r.at, error);
}

template <typename T, typename Convert>
Parsed<T> ParseLines(std::istream& in, LineFormat format, const std::vector<io::ColumnSpec>& columns,
                     const std::vector<std::string>& required, Convert&& convert) {
  Parsed<T> out;
  auto take = [&](const Fields& f, int64_t line) {
    T rec;
    LineError error;
    if (convert(f, line, rec, error)) {
      out.records.push_back(std::move(rec));
    } else {
      out.errors.push_back(std::move(error));
    }
  };
  if (format == LineFormat::kNdjson) {
    std::string text;
    int64_t number = 0;
    while (std::getline(in, text)) {
      ++number;
      if (!text.empty() && text.back() == '\r') text.pop_back();
      if (Trim(text).empty()) continue;
      ++out.lines;
      auto j = ParseJson(text, {.max_depth = 4});
      LineError error;
      Fields f;
      if (!j.ok()) {
        out.errors.push_back({number, "", j.status().message()});
      } else if (!FieldsOfJson(*j, number, f, error)) {
        out.errors.push_back(std::move(error));
      } else {
        take(f, number);
      }
    }
    return out;
  }
  io::CsvReader reader(in);
  auto header = reader.ReadHeader();
  if (!header.ok()) {
    out.fatal = header.status();
    return out;
  }
  auto cols = io::ColumnMap::Build(*header, columns, required);
  if (!cols.ok()) {
    out.fatal = cols.status();
    return out;
  }
  io::Row row;
  Status read = reader.ForEach(
      row,
      [&](int64_t line, const std::string& message) {
        ++out.lines;
        out.errors.push_back({line, "", message});
      },
      [&](io::Row& r) {
        ++out.lines;
        Fields f;
        for (const auto& spec : columns) {
          if (cols->Has(spec.name)) f[spec.name] = std::string(cols->Get(r, spec.name));
        }
        take(f, r.line);
        return true;
      });
  if (!read.ok()) out.fatal = read;
  return out;
}

}  // namespace

Result<Millis> ParseLineTime(std::string_view text, std::string_view field) {
  auto t = ParseTime(text);
  if (!t.ok() && text.size() == 16) t = ParseTime(std::string(text) + ":00");
  if (!t.ok()) {
    return FieldInvalid(std::string(field), "'" + std::string(text) +
                                                "' is not a time (use 2022-03-05T10:30:00+08:00 or 2022-03-05 10:30)");
  }
  return *t;
}

Parsed<Scan> ParseScans(std::istream& in, LineFormat format, int64_t round_id) {
  return ParseLines<Scan>(in, format, ScanColumns(), {"site", "tube"},
                          [&](const Fields& f, int64_t line, Scan& s, LineError& e) {
                            return ScanOf(f, line, round_id, s, e);
                          });
}

Parsed<TubeResult> ParseResults(std::istream& in, LineFormat format) {
  return ParseLines<TubeResult>(in, format, ResultColumns(), {"tube", "result"}, ResultOf);
}

Parsed<Scan> ScanFromJson(const nlohmann::json& j, int64_t round_id) {
  Parsed<Scan> out;
  out.lines = 1;
  Fields f;
  LineError error;
  Scan s;
  if (FieldsOfJson(j, 1, f, error) && ScanOf(f, 1, round_id, s, error)) {
    out.records.push_back(std::move(s));
  } else {
    out.errors.push_back(std::move(error));
  }
  return out;
}

Parsed<TubeResult> ResultFromJson(const nlohmann::json& j) {
  Parsed<TubeResult> out;
  out.lines = 1;
  Fields f;
  LineError error;
  TubeResult r;
  if (FieldsOfJson(j, 1, f, error) && ResultOf(f, 1, r, error)) {
    out.records.push_back(std::move(r));
  } else {
    out.errors.push_back(std::move(error));
  }
  return out;
}

}  // namespace tc::screening
