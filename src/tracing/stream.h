// Bulk check-ins from a stream: CSV (UTF-8 or GBK, Chinese or English headers, as
// Excel writes) or NDJSON (one JSON object per line). Lines are parsed and recorded
// in batches through Tracing::Record, so each batch is one transaction: bad lines are
// reported with their line number, field and reason, good lines are committed, and
// the engine has them when the call returns. Used by POST /api/v1/checkins and
// `tongchou import checkins`.
//
// Columns / keys: person_id (人员ID) or id_number (身份证号), venue_code (场所码),
// arrive_at (到达时间), leave_at (离开时间, optional). Times: RFC 3339, or
// "YYYY-MM-DD HH:MM[:SS]" in Shanghai time; in NDJSON also Unix milliseconds.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <functional>
#include <istream>
#include <string>
#include <string_view>

#include "tracing/service.h"

namespace tc::tracing {

enum class StreamFormat { kCsv, kNdjson };

struct StreamOptions {
  std::string scope_path = "/";  // venues must lie under it
  int batch_rows = 50'000;
  size_t max_errors = 1000;
  std::function<void(int64_t bytes, const CheckinReport&)> progress;  // after each batch
};

struct StreamReport {
  Status fatal;   // what stopped the stream early (Ok if it was read to the end)
  int64_t lines = 0;
  CheckinReport checkins;  // received/accepted/rejected over all batches; errors capped
  double seconds = 0;
};

StreamReport ImportCheckins(Tracing& tracing, std::istream& in, StreamFormat format, const StreamOptions& options,
                            const audit::Actor& by);

// The same for check-ins already parsed as JSON values (an API request's array; each
// must be an object), numbered from 1 in `lines` and errors.
StreamReport ImportCheckinObjects(Tracing& tracing, const nlohmann::json& items, const StreamOptions& options,
                                  const audit::Actor& by);

// A time field: RFC 3339 / "YYYY-MM-DD HH:MM[:SS]" (Shanghai). InvalidArgument naming `field`.
Result<Millis> ParseCheckinTime(std::string_view text, std::string_view field);

}  // namespace tc::tracing
