// The hotline's category taxonomy (分类) and the departments (承办部门) that handle
// each category. Data, not code: the default comes from data/taxonomy.json embedded in
// the binary, and the store's copy (hotline_categories, hotline_departments) is what
// the platform uses, changed by an administrator. A category's code is dotted: a
// top-level code ("utilities") and its sub-categories ("utilities.water"); requests are
// filed under leaves (codes with no child). Plain values; no locking.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace tc::hotline {

struct Department {
  std::string code, name;
  bool active = true;
};

struct Category {
  std::string code, name;
  std::string department;  // code of the department that handles it
  bool epidemic = false;   // an epidemic matter: the green channel in wartime
  bool active = true;
};

struct Taxonomy {
  std::vector<Department> departments;
  std::vector<Category> categories;  // sorted by code

  const Category* Find(std::string_view code) const;
  const Department* FindDepartment(std::string_view code) const;
  // True if no other category's code starts with `code` + '.'.
  bool IsLeaf(std::string_view code) const;
  std::vector<std::string> Leaves() const;
  // The top-level code of a category ("utilities" for "utilities.water").
  static std::string_view TopLevel(std::string_view code);
};

// Parses {"departments": [{code, name}], "categories": [{code, name, department,
// epidemic?}]}; InvalidArgument naming the entry and field for a missing or malformed
// code, a duplicate, a sub-category without its parent, or an unknown department.
Result<Taxonomy> ParseTaxonomy(std::string_view json);
// Checks one code's shape: lower-case ASCII words joined by '.' or '_', ≤ 64 bytes.
Status ValidateCategoryCode(std::string_view code, std::string_view field);

}  // namespace tc::hotline
