// The one JSON parser for everything that arrives from outside (request bodies,
// NDJSON lines, files): nlohmann/json's event (SAX) parser building the value with
// limits, so that no input can exhaust the stack or say two things at once.
//
//   TC_ASSIGN_OR_RETURN(nlohmann::json v, ParseJson(body));           // any value
//   auto v = ParseJson(line, {.max_depth = 8});                         // tighter
//
// Refused, as Malformed with the place named: text that is not JSON (byte offset,
// line and column; invalid UTF-8 included), nesting deeper than `max_depth`, a key
// repeated in one object, and a NUL character inside a string (the path named as a
// JSON pointer, e.g. "/items/3/name"). Thread-safe (no shared state).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string_view>

#include "base/status.h"

namespace tc {

struct JsonLimits {
  // Objects and arrays nested in each other; the API's bodies need fewer than 10.
  int max_depth = 64;
};

Result<nlohmann::json> ParseJson(std::string_view text, JsonLimits limits = {});

}  // namespace tc
