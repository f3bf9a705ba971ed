#include "tracing/stream.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "base/json.h"
#include "io/csv.h"

namespace tc::tracing {
namespace {

const std::vector<io::ColumnSpec>& Columns() {
  static const std::vector<io::ColumnSpec> kColumns = {
      {"person_id", {"人员ID", "人员id", "居民ID", "居民编号"}},
      {"id_number", {"身份证号", "身份证号码", "证件号码"}},
      {"venue_code", {"场所码", "场所编码", "场所代码"}},
      {"arrive_at", {"到达时间", "进入时间", "扫码时间"}},
      {"leave_at", {"离开时间", "离场时间"}},
  };
  return kColumns;
}

class Batcher {
 public:
  Batcher(Tracing& tracing, const StreamOptions& options, const audit::Actor& by, StreamReport& report)
      : tracing_(tracing), options_(options), by_(by), report_(report) {}

  void Reject(int64_t line, std::string field, std::string message) {
    ++report_.checkins.received;
    ++report_.checkins.rejected;
    if (report_.checkins.errors.size() < options_.max_errors) {
      report_.checkins.errors.push_back({line, std::move(field), std::move(message)});
    }
  }
  void Add(NewCheckin c) { pending_.push_back(std::move(c)); }
  size_t pending() const { return pending_.size(); }
  Status Flush() {
    if (pending_.empty()) return Status::Ok();
    TC_ASSIGN_OR_RETURN(auto r, tracing_.Record(pending_, options_.scope_path, by_));
    pending_.clear();
    report_.checkins.received += r.received;
    report_.checkins.accepted += r.accepted;
    report_.checkins.rejected += r.rejected;
    for (auto& e : r.errors) {
      if (report_.checkins.errors.size() < options_.max_errors) report_.checkins.errors.push_back(std::move(e));
    }
    return Status::Ok();
  }

 private:
  Tracing& tracing_;
  const StreamOptions& options_;
  const audit::Actor& by_;
  StreamReport& report_;
  std::vector<NewCheckin> pending_;
};

bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// Fills c from one CSV row; false (after rejecting) if a field is unusable.
bool FromCsv(const io::Row& row, const io::ColumnMap& cols, NewCheckin& c, Batcher& b) {
  c.line = row.line;
  const std::string_view person = io::TrimSpace(cols.Get(row, "person_id"));
  if (!person.empty()) {
    if (!AllDigits(person) || person.size() > 15 || std::stoll(std::string(person)) == 0) {
      b.Reject(row.line, "person_id", "'" + std::string(person) + "' is not a person id (a positive integer)");
      return false;
    }
    c.person_id = std::stoll(std::string(person));
  }
  c.id_number = std::string(io::TrimSpace(cols.Get(row, "id_number")));
  c.venue_code = std::string(io::TrimSpace(cols.Get(row, "venue_code")));
  for (const char* field : {"arrive_at", "leave_at"}) {
    const std::string_view text = io::TrimSpace(cols.Get(row, field));
    if (text.empty()) continue;
    auto t = ParseCheckinTime(text, field);
    if (!t.ok()) {
      b.Reject(row.line, field, t.status().message());
      return false;
    }
    (std::string_view(field) == "arrive_at" ? c.arrive_at : c.leave_at) = *t;
  }
  return true;
}

// Fills c from one JSON object; false (after rejecting) if a field is unusable.
bool FromJsonObject(int64_t line, const nlohmann::json& j, NewCheckin& c, Batcher& b) {
  c.line = line;
  if (!j.is_object()) {
    b.Reject(line, "", "a check-in is a JSON object");
    return false;
  }
  for (const auto& [key, value] : j.items()) {
    if (key == "person_id") {
      if (!value.is_number_integer()) {
        b.Reject(line, key, "person_id must be an integer");
        return false;
      }
      // Non-negative integers arrive unsigned; ids beyond the engine's range exist nowhere.
      if (value.is_number_unsigned() ? value.get<uint64_t>() == 0 || value.get<uint64_t>() > kMaxPersonId
                                     : value.get<int64_t>() <= 0) {
        b.Reject(line, key, "person_id " + value.dump() + " is not a person id (a positive integer)");
        return false;
      }
      c.person_id = value.get<int64_t>();
    } else if (key == "id_number" || key == "venue_code") {
      if (!value.is_string()) {
        b.Reject(line, key, key + " must be a string");
        return false;
      }
      (key == "id_number" ? c.id_number : c.venue_code) = value.get<std::string>();
    } else if (key == "arrive_at" || key == "leave_at") {
      Millis& out = key == "arrive_at" ? c.arrive_at : c.leave_at;
      if (value.is_null() && key == "leave_at") continue;
      if (value.is_number_integer()) {
        if (value.is_number_unsigned() && value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
          b.Reject(line, key, key + " " + value.dump() + " is out of range");
          return false;
        }
        out = value.get<int64_t>();
      } else if (value.is_string()) {
        auto t = ParseCheckinTime(value.get<std::string>(), key);
        if (!t.ok()) {
          b.Reject(line, key, t.status().message());
          return false;
        }
        out = *t;
      } else {
        b.Reject(line, key, key + " must be a time string or Unix milliseconds");
        return false;
      }
    } else {
      b.Reject(line, key, "unknown field '" + key + "'");
      return false;
    }
  }
  return true;
}

// One NDJSON line: parsed with the shared limits, then as an object.
bool FromJsonLine(int64_t line, std::string_view text, NewCheckin& c, Batcher& b) {
  auto j = ParseJson(text, {.max_depth = 8});
  if (!j.ok()) {
    b.Reject(line, "", j.status().message());
    return false;
  }
  return FromJsonObject(line, *j, c, b);
}

}  // namespace

Result<Millis> ParseCheckinTime(std::string_view text, std::string_view field) {
  auto t = ParseTime(text);
  if (!t.ok() && text.size() == 16) t = ParseTime(std::string(text) + ":00");  // "YYYY-MM-DD HH:MM"
  if (!t.ok()) {
    return FieldInvalid(std::string(field), "'" + std::string(text) + "' is not a time (use 2022-03-05T10:30:00+08:00 "
                                                                      "or 2022-03-05 10:30)");
  }
  return *t;
}

namespace {

// One import: the report, the batches, and the end of the run.
class Run {
 public:
  Run(Tracing& tracing, const StreamOptions& options, const audit::Actor& by)
      : options_(options), started_(std::chrono::steady_clock::now()), batcher_(tracing, options, by, report_) {}
  Batcher& batcher() { return batcher_; }
  StreamReport& report() { return report_; }
  // Flushes a full batch; false (the run's fatal error set) if that failed.
  bool MaybeFlush(int64_t bytes) {
    if (static_cast<int>(batcher_.pending()) < options_.batch_rows) return true;
    if (Status s = batcher_.Flush(); !s.ok()) {
      report_.fatal = s;
      return false;
    }
    if (options_.progress) options_.progress(bytes, report_.checkins);
    return true;
  }
  StreamReport Finish() {
    if (Status s = batcher_.Flush(); !s.ok() && report_.fatal.ok()) report_.fatal = s;
    std::stable_sort(report_.checkins.errors.begin(), report_.checkins.errors.end(),
                     [](const CheckinError& a, const CheckinError& b) { return a.line < b.line; });
    report_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    return report_;
  }

 private:
  const StreamOptions& options_;
  const std::chrono::steady_clock::time_point started_;
  StreamReport report_;
  Batcher batcher_;
};

}  // namespace

StreamReport ImportCheckinObjects(Tracing& tracing, const nlohmann::json& items, const StreamOptions& options,
                                  const audit::Actor& by) {
  Run run(tracing, options, by);
  int64_t number = 0;
  for (const auto& item : items) {
    ++number;
    ++run.report().lines;
    NewCheckin c;
    if (FromJsonObject(number, item, c, run.batcher())) run.batcher().Add(std::move(c));
    if (!run.MaybeFlush(0)) break;
  }
  return run.Finish();
}

StreamReport ImportCheckins(Tracing& tracing, std::istream& in, StreamFormat format, const StreamOptions& options,
                            const audit::Actor& by) {
  Run run(tracing, options, by);
  StreamReport& report = run.report();
  Batcher& batcher = run.batcher();
  auto finish = [&] { return run.Finish(); };
  auto maybe_flush = [&](int64_t bytes) { return run.MaybeFlush(bytes); };
  if (format == StreamFormat::kNdjson) {
    std::string line;
    int64_t number = 0, bytes = 0;
    while (std::getline(in, line)) {
      ++number;
      bytes += static_cast<int64_t>(line.size()) + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (io::TrimSpace(line).empty()) continue;
      ++report.lines;
      NewCheckin c;
      if (FromJsonLine(number, line, c, batcher)) batcher.Add(std::move(c));
      if (!maybe_flush(bytes)) return finish();
    }
    return finish();
  }
  io::CsvReader reader(in);
  auto header = reader.ReadHeader();
  if (!header.ok()) {
    report.fatal = header.status();
    return finish();
  }
  auto cols = io::ColumnMap::Build(*header, Columns(), {"venue_code", "arrive_at"});
  if (!cols.ok()) {
    report.fatal = cols.status();
    return finish();
  }
  if (!cols->Has("person_id") && !cols->Has("id_number")) {
    report.fatal = FieldInvalid("person_id", "the header needs a person_id (人员ID) or id_number (身份证号) column");
    return finish();
  }
  io::Row row;
  bool flush_failed = false;
  Status read = reader.ForEach(
      row,
      [&](int64_t line, const std::string& message) {
        ++report.lines;
        batcher.Reject(line, "", message);
      },
      [&](io::Row& r) {
        ++report.lines;
        NewCheckin c;
        if (FromCsv(r, *cols, c, batcher)) batcher.Add(std::move(c));
        flush_failed = !maybe_flush(reader.bytes_read());
        return !flush_failed;
      });
  if (!flush_failed && !read.ok()) report.fatal = read;
  return finish();
}

}  // namespace tc::tracing
