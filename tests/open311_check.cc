#include "open311_check.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace tc::testing {
namespace {

using nlohmann::json;

// One pass over a reply: the spec (for $ref), the endpoint prefix, the violations.
class Checker {
 public:
  Checker(const json& spec, std::string_view endpoint) : spec_(spec), prefix_(std::string(endpoint) + ": ") {}

  void Node(const json& node_in, const json& value, const std::string& path) {
    const json* node = Resolve(node_in, path);
    if (node == nullptr) return;
    if (value.is_null()) {
      if (!node->value("nullable", false)) Add(path, "null where the spec wants " + TypeNames(*node));
      return;
    }
    if (!TypeMatches(*node, value, path)) return;
    if (node->contains("values")) Values(*node, value, path);
    if (value.is_number()) Range(*node, value, path);
    if (value.is_string() && node->contains("max_chars")) {
      size_t chars = CodePoints(value.get_ref<const std::string&>());
      size_t max = (*node)["max_chars"].get<size_t>();
      if (chars > max) Add(path, std::to_string(chars) + " characters, more than the spec's " + std::to_string(max));
    }
    if (value.is_array()) Array(*node, value, path);
    if (value.is_object()) Object(*node, value, path);
  }

  std::vector<std::string> Take() { return std::move(out_); }
  void Add(const std::string& path, const std::string& what) { out_.push_back(prefix_ + path + ": " + what); }

 private:
  const json* Resolve(const json& node, const std::string& path) {
    if (!node.is_object()) {
      Add(path, "spec node is not an object");
      return nullptr;
    }
    if (!node.contains("$ref")) return &node;
    const std::string name = node["$ref"].is_string() ? node["$ref"].get<std::string>() : "";
    auto defs = spec_.find("definitions");
    if (defs == spec_.end() || !defs->contains(name)) {
      Add(path, "spec refers to a definition \"" + name + "\" it does not have");
      return nullptr;
    }
    return &(*defs)[name];
  }

  static std::vector<std::string> Types(const json& node) {
    auto t = node.find("type");
    if (t == node.end()) return {};
    if (t->is_string()) return {t->get<std::string>()};
    std::vector<std::string> types;
    if (t->is_array())
      for (const auto& one : *t)
        if (one.is_string()) types.push_back(one.get<std::string>());
    return types;
  }

  static std::string TypeNames(const json& node) {
    std::string names;
    for (const auto& t : Types(node)) names += (names.empty() ? "" : " or ") + t;
    if (node.value("nullable", false)) names += " or null";
    return names.empty() ? "(no type)" : names;
  }

  static std::string Kind(const json& value) {
    switch (value.type()) {
      case json::value_t::null:
        return "null";
      case json::value_t::boolean:
        return "a boolean";
      case json::value_t::string:
        return "a string";
      case json::value_t::array:
        return "an array";
      case json::value_t::object:
        return "an object";
      case json::value_t::number_float:
        return "a number with a fraction";
      default:
        return "an integer";
    }
  }

  static std::string Shown(const json& value) {
    std::string text = value.dump();
    return text.size() > 60 ? text.substr(0, 57) + "..." : text;
  }

  // Reports and returns false when `value` has none of the node's types.
  bool TypeMatches(const json& node, const json& value, const std::string& path) {
    const auto types = Types(node);
    if (types.empty()) {
      Add(path, "spec node has no type");
      return false;
    }
    bool datetime_tried = false;
    for (const auto& t : types) {
      if (t == "string" && value.is_string()) return true;
      if (t == "number" && value.is_number()) return true;
      if (t == "integer" && (value.is_number_integer() || value.is_number_unsigned())) return true;
      if (t == "boolean" && value.is_boolean()) return true;
      if (t == "array" && value.is_array()) return true;
      if (t == "object" && value.is_object()) return true;
      if (t == "datetime" && value.is_string()) {
        if (IsW3cDateTime(value.get_ref<const std::string&>())) return true;
        datetime_tried = true;
      }
      if (t != "string" && t != "number" && t != "integer" && t != "boolean" && t != "array" && t != "object" &&
          t != "datetime") {
        Add(path, "spec names an unknown type \"" + t + "\"");
        return false;
      }
    }
    if (datetime_tried) {
      Add(path,
          Shown(value) + " is not a W3C datetime with a zone (e.g. 2010-01-01T00:00:00Z or 2022-04-01T09:30:00+08:00)");
    } else {
      Add(path, Kind(value) + " where the spec wants " + TypeNames(node));
    }
    return false;
  }

  void Values(const json& node, const json& value, const std::string& path) {
    const json& allowed = node["values"];
    if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : "|") + (a.is_string() ? a.get<std::string>() : a.dump());
    Add(path, Shown(value) + " is not one of " + list);
  }

  void Range(const json& node, const json& value, const std::string& path) {
    const double v = value.get<double>();
    if (node.contains("min") && v < node["min"].get<double>())
      Add(path, value.dump() + " is below the spec's minimum " + node["min"].dump());
    if (node.contains("max") && v > node["max"].get<double>())
      Add(path, value.dump() + " is above the spec's maximum " + node["max"].dump());
  }

  void Array(const json& node, const json& value, const std::string& path) {
    const size_t n = value.size();
    if (node.contains("min_items") && n < node["min_items"].get<size_t>())
      Add(path, std::to_string(n) + " items, the spec wants at least " + node["min_items"].dump());
    if (node.contains("max_items") && n > node["max_items"].get<size_t>())
      Add(path, std::to_string(n) + " items, the spec allows at most " + node["max_items"].dump());
    if (node.contains("items"))
      for (size_t i = 0; i < n; ++i) Node(node["items"], value[i], path + "[" + std::to_string(i) + "]");
    for (const auto& field : node.value("unique", json::array())) {
      const std::string name = field.get<std::string>();
      std::set<std::string> seen;
      for (size_t i = 0; i < n; ++i) {
        if (!value[i].is_object() || !value[i].contains(name) || value[i][name].is_null()) continue;
        if (!seen.insert(value[i][name].dump()).second)
          Add(path + "[" + std::to_string(i) + "]." + name,
              Shown(value[i][name]) + " repeats an earlier item's (must be unique)");
      }
    }
  }

  static bool Present(const json& object, const std::string& name) {
    auto it = object.find(name);
    return it != object.end() && !it->is_null();
  }

  // `required_when: {"sibling": [values...]}` holds when every named sibling has one of its values.
  static bool RequiredWhen(const json& field, const json& object) {
    auto when = field.find("required_when");
    if (when == field.end() || !when->is_object()) return false;
    for (const auto& [sibling, values] : when->items()) {
      auto it = object.find(sibling);
      if (it == object.end() || std::find(values.begin(), values.end(), *it) == values.end()) return false;
    }
    return true;
  }

  void Object(const json& node, const json& value, const std::string& path) {
    std::set<std::string> known;
    for (const auto& field : node.value("fields", json::array())) {
      const std::string name = field.value("name", "");
      known.insert(name);
      const std::string at = path + "." + name;
      if (!value.contains(name)) {
        if (field.value("required", false)) {
          Add(at, "missing (required)");
        } else if (RequiredWhen(field, value)) {
          Add(at, "missing (required when " + field["required_when"].dump() + ")");
        }
        continue;
      }
      Node(field, value[name], at);
    }
    for (const auto& [name, member] : value.items())
      if (!known.count(name))
        Add(path + "." + name, "not a GeoReport v2 field (an extension must be listed in the spec file)");
    for (const auto& rule : node.value("rules", json::array())) Rule(rule, value, path);
  }

  static std::string Names(const json& list, const char* sep) {
    std::string names;
    for (const auto& n : list)
      names += (names.empty() ? "" : sep) + (n.is_string() ? n.get<std::string>() : Names(n, "+"));
    return names;
  }

  void Rule(const json& rule, const json& object, const std::string& path) {
    const std::string kind = rule.value("rule", "");
    const json fields = rule.value("fields", json::array());
    const json groups = rule.value("groups", json::array());
    if (kind == "at_most_one_of") {
      int present = 0;
      for (const auto& f : fields) present += Present(object, f.get<std::string>());
      if (present > 1) Add(path, "has more than one of " + Names(fields, ", ") + " (at most one allowed)");
    } else if (kind == "together") {
      int present = 0;
      for (const auto& f : fields) present += Present(object, f.get<std::string>());
      if (present != 0 && present != static_cast<int>(fields.size()))
        Add(path, "has only some of " + Names(fields, ", ") + " (all or none)");
    } else if (kind == "at_least_one_of") {
      for (const auto& group : groups) {
        bool all = true;
        for (const auto& f : group) all = all && Present(object, f.get<std::string>());
        if (all) return;
      }
      Add(path, "has none of " + Names(groups, " or ") + " (one is required)");
    } else {
      Add(path, "spec names an unknown rule \"" + kind + "\"");
    }
  }

  static size_t CodePoints(const std::string& s) {
    return static_cast<size_t>(
        std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
  }

  const json& spec_;
  std::string prefix_;
  std::vector<std::string> out_;
};

bool Digits(std::string_view s, size_t at, size_t n, int& value) {
  if (at + n > s.size()) return false;
  value = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  return true;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

bool IsW3cDateTime(std::string_view s) {
  int year, month, day, hour, minute, second = 0;
  if (!Digits(s, 0, 4, year) || s.size() < 16 || s[4] != '-' || !Digits(s, 5, 2, month) || s[7] != '-' ||
      !Digits(s, 8, 2, day) || s[10] != 'T' || !Digits(s, 11, 2, hour) || s[13] != ':' || !Digits(s, 14, 2, minute))
    return false;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 || minute > 59) return false;
  size_t at = 16;
  if (at < s.size() && s[at] == ':') {
    if (!Digits(s, at + 1, 2, second) || second > 59) return false;
    at += 3;
    if (at < s.size() && s[at] == '.') {
      size_t digits = 0;
      while (at + 1 + digits < s.size() && s[at + 1 + digits] >= '0' && s[at + 1 + digits] <= '9') ++digits;
      if (digits == 0) return false;
      at += 1 + digits;
    }
  }
  if (at < s.size() && s[at] == 'Z') return at + 1 == s.size();
  int zone_hour, zone_minute;
  return at + 6 == s.size() && (s[at] == '+' || s[at] == '-') && Digits(s, at + 1, 2, zone_hour) && s[at + 3] == ':' &&
         Digits(s, at + 4, 2, zone_minute) && zone_hour <= 23 && zone_minute <= 59;
}

std::string ReadGeoReportSpec(const std::string& path, json& spec) {
  std::ifstream in(path);
  if (!in) return "cannot open the GeoReport spec file " + path;
  std::stringstream text;
  text << in.rdbuf();
  spec = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (spec.is_discarded()) return "the GeoReport spec file " + path + " is not valid JSON";
  if (!spec.contains("endpoints") || !spec["endpoints"].is_object()) return path + " has no \"endpoints\" object";
  return "";
}

std::vector<std::string> CheckGeoReport(const json& spec, std::string_view endpoint, const json& reply) {
  Checker checker(spec, endpoint);
  const auto endpoints = spec.find("endpoints");
  if (endpoints == spec.end() || !endpoints->is_object() || !endpoints->contains(std::string(endpoint))) {
    checker.Add("$", "no such endpoint in the GeoReport spec file");
    return checker.Take();
  }
  const json& entry = (*endpoints)[std::string(endpoint)];
  if (!entry.contains("reply")) {
    checker.Add("$", "the spec file gives this endpoint no reply");
    return checker.Take();
  }
  checker.Node(entry["reply"], reply, "$");
  return checker.Take();
}

}  // namespace tc::testing
