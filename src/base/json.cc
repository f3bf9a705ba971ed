#include "base/json.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tc {
namespace {

using nlohmann::json;

// Builds the value from parser events, keeping the path to the current value for
// messages. Returning false from an event stops the parser; `error` says why.
class Builder {
 public:
  explicit Builder(JsonLimits limits) : limits_(limits) {}

  json& root() { return root_; }
  const std::string& error() const { return error_; }

  bool null() { return Put(nullptr); }
  bool boolean(bool v) { return Put(v); }
  bool number_integer(json::number_integer_t v) { return Put(v); }
  bool number_unsigned(json::number_unsigned_t v) { return Put(v); }
  bool number_float(json::number_float_t v, const std::string&) { return Put(v); }
  bool string(std::string& v) {
    if (v.find('\0') != std::string::npos) return Fail("a string contains a NUL character at " + Path(true));
    return Put(std::move(v));
  }
  bool binary(json::binary_t&) { return Fail("binary values are not JSON"); }

  bool start_object(std::size_t) { return Open(json::object()); }
  bool end_object() { return Close(); }
  bool start_array(std::size_t) { return Open(json::array()); }
  bool end_array() { return Close(); }

  bool key(std::string& k) {
    Level& top = stack_.back();
    if (top.value->contains(k)) {
      top.key = k;
      return Fail("key '" + k + "' appears twice in the object at " + Path(false));
    }
    top.key = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& ex) {
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error while
    // parsing value - invalid literal; last read: 'tru'": keep the place and the reason, not
    // the echo of the input.
    std::string what = ex.what();
    if (auto at = what.find("] "); at != std::string::npos) what.erase(0, at + 2);
    if (auto last = what.find("; last read"); last != std::string::npos) what.erase(last);
    return Fail("not valid JSON at byte " + std::to_string(position) + " (" + what + ")");
  }

 private:
  struct Level {
    json* value;
    std::string key;  // objects: the key being read
  };

  // The JSON pointer of the value being read (`inner`) or of the current container.
  std::string Path(bool inner) const {
    std::string p;
    const size_t n = stack_.size();
    for (size_t i = 0; i < n; ++i) {
      if (i + 1 == n && !inner) break;
      const Level& l = stack_[i];
      p += '/';
      if (l.value->is_object()) {
        for (char c : l.key) p += c == '~' ? std::string("~0") : c == '/' ? std::string("~1") : std::string(1, c);
      } else {  // the open child is the last element; the value being read comes next
        p += std::to_string(l.value->size() - (i + 1 == n ? 0 : 1));
      }
    }
    return p.empty() ? "/" : p;
  }

  bool Fail(std::string why) {
    if (error_.empty()) error_ = std::move(why);
    return false;
  }

  // Places a value in the current container (or as the root); returns where it went.
  json* Place(json&& v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return &root_;
    }
    Level& top = stack_.back();
    if (top.value->is_object()) return &((*top.value)[top.key] = std::move(v));
    top.value->push_back(std::move(v));
    return &top.value->back();
  }
  bool Put(json&& v) {
    Place(std::move(v));
    return true;
  }
  bool Open(json&& container) {
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      return Fail("nested deeper than " + std::to_string(limits_.max_depth) + " levels at " + Path(true));
    }
    json* placed = Place(std::move(container));
    stack_.push_back({placed, {}});
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }

  const JsonLimits limits_;
  json root_;
  std::vector<Level> stack_;
  std::string error_;
};

}  // namespace

Result<nlohmann::json> ParseJson(std::string_view text, JsonLimits limits) {
  Builder builder(limits);
  const bool ok = json::sax_parse(text.begin(), text.end(), &builder, json::input_format_t::json, /*strict=*/true);
  if (!ok) return Malformed(builder.error().empty() ? "not valid JSON" : builder.error());
  return std::move(builder.root());
}

}  // namespace tc
