#include "hotline/taxonomy.h"

#include <algorithm>
#include <set>

#include <nlohmann/json.hpp>

#include "base/json.h"

namespace tc::hotline {

const Category* Taxonomy::Find(std::string_view code) const {
  auto it = std::lower_bound(categories.begin(), categories.end(), code,
                             [](const Category& c, std::string_view k) { return c.code < k; });
  return it != categories.end() && it->code == code ? &*it : nullptr;
}

const Department* Taxonomy::FindDepartment(std::string_view code) const {
  for (const auto& d : departments) {
    if (d.code == code) return &d;
  }
  return nullptr;
}

bool Taxonomy::IsLeaf(std::string_view code) const {
  const std::string prefix = std::string(code) + ".";
  auto it = std::lower_bound(categories.begin(), categories.end(), prefix,
                             [](const Category& c, std::string_view k) { return c.code < k; });
  return it == categories.end() || !it->code.starts_with(prefix);
}

std::vector<std::string> Taxonomy::Leaves() const {
  std::vector<std::string> out;
  for (const auto& c : categories) {
    if (c.active && IsLeaf(c.code)) out.push_back(c.code);
  }
  return out;
}

std::string_view Taxonomy::TopLevel(std::string_view code) { return code.substr(0, code.find('.')); }

Status ValidateCategoryCode(std::string_view code, std::string_view field) {
  if (code.empty()) return FieldInvalid(std::string(field), "is required");
  if (code.size() > 64) return FieldInvalid(std::string(field), "is longer than 64 bytes");
  char prev = '.';
  for (char ch : code) {
    const bool word = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
    if (!word && ch != '.') {
      return FieldInvalid(std::string(field), "'" + std::string(code) + "' may hold only a-z, 0-9, '_' and '.'");
    }
    if (ch == '.' && prev == '.') return FieldInvalid(std::string(field), "'" + std::string(code) + "' has an empty part");
    prev = ch;
  }
  if (prev == '.') return FieldInvalid(std::string(field), "'" + std::string(code) + "' ends with '.'");
  return Status::Ok();
}

Result<Taxonomy> ParseTaxonomy(std::string_view text) {
  TC_ASSIGN_OR_RETURN(auto j, ParseJson(text));
  if (!j.is_object()) return InvalidArgument("taxonomy: expected a JSON object");
  Taxonomy t;
  std::set<std::string> dept_codes;
  const auto text_of = [](const nlohmann::json& o, const char* key) -> std::string {
    auto it = o.find(key);
    return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (!j.contains("departments") || !j["departments"].is_array()) {
    return FieldInvalid("departments", "expected an array");
  }
  for (size_t i = 0; i < j["departments"].size(); ++i) {
    const auto& d = j["departments"][i];
    const std::string where = "departments[" + std::to_string(i) + "]";
    if (!d.is_object()) return FieldInvalid(where, "expected an object");
    Department dep{text_of(d, "code"), text_of(d, "name"), d.value("active", true)};
    TC_RETURN_IF_ERROR(ValidateCategoryCode(dep.code, where + ".code"));
    if (dep.name.empty()) return FieldInvalid(where + ".name", "is required");
    if (!dept_codes.insert(dep.code).second) return FieldInvalid(where + ".code", "'" + dep.code + "' is listed twice");
    t.departments.push_back(std::move(dep));
  }
  if (!j.contains("categories") || !j["categories"].is_array()) {
    return FieldInvalid("categories", "expected an array");
  }
  std::set<std::string> codes;
  for (size_t i = 0; i < j["categories"].size(); ++i) {
    const auto& c = j["categories"][i];
    const std::string where = "categories[" + std::to_string(i) + "]";
    if (!c.is_object()) return FieldInvalid(where, "expected an object");
    Category cat{text_of(c, "code"), text_of(c, "name"), text_of(c, "department"), c.value("epidemic", false),
                 c.value("active", true)};
    TC_RETURN_IF_ERROR(ValidateCategoryCode(cat.code, where + ".code"));
    if (cat.name.empty()) return FieldInvalid(where + ".name", "is required");
    if (!dept_codes.contains(cat.department)) {
      return FieldInvalid(where + ".department", "'" + cat.department + "' is not a listed department");
    }
    if (!codes.insert(cat.code).second) return FieldInvalid(where + ".code", "'" + cat.code + "' is listed twice");
    t.categories.push_back(std::move(cat));
  }
  for (size_t i = 0; i < t.categories.size(); ++i) {
    const auto& code = t.categories[i].code;
    if (auto dot = code.rfind('.'); dot != std::string::npos && !codes.contains(code.substr(0, dot))) {
      return FieldInvalid("categories[" + std::to_string(i) + "].code",
                          "'" + code + "' has no parent category '" + code.substr(0, dot) + "'");
    }
  }
  std::sort(t.categories.begin(), t.categories.end(), [](const Category& a, const Category& b) { return a.code < b.code; });
  return t;
}

}  // namespace tc::hotline
