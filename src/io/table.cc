#include "io/table.h"

#include <algorithm>
#include <array>

namespace tc::io {
namespace {

bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool Accepts(const ColumnSpec& spec, std::string_view header) {
  if (EqualsIgnoreAsciiCase(header, spec.name)) return true;
  return std::any_of(spec.aliases.begin(), spec.aliases.end(),
                     [&](const std::string& alias) { return EqualsIgnoreAsciiCase(header, TrimSpace(alias)); });
}

std::string AcceptedHeaders(const std::vector<ColumnSpec>& spec, const std::string& name) {
  std::vector<std::string> names = {name};
  for (const ColumnSpec& s : spec) {
    if (s.name != name) continue;
    for (const std::string& alias : s.aliases) {
      if (std::find(names.begin(), names.end(), alias) == names.end()) names.push_back(alias);
    }
  }
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

}  // namespace

std::string_view TrimSpace(std::string_view text) {
  constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
  constexpr std::string_view kAsciiSpace = " \t\r\n\v\f";
  for (;;) {
    if (!text.empty() && kAsciiSpace.find(text.front()) != std::string_view::npos) {
      text.remove_prefix(1);
    } else if (text.starts_with(kIdeographicSpace)) {
      text.remove_prefix(kIdeographicSpace.size());
    } else if (!text.empty() && kAsciiSpace.find(text.back()) != std::string_view::npos) {
      text.remove_suffix(1);
    } else if (text.ends_with(kIdeographicSpace)) {
      text.remove_suffix(kIdeographicSpace.size());
    } else {
      return text;
    }
  }
}

bool LooksLikeZip(std::string_view head) {
  // A local file header first, or the end record of an empty archive.
  return head.starts_with("PK\x03\x04") || head.starts_with("PK\x05\x06");
}

Status TableReader::ForEach(Row& row, const std::function<void(int64_t line, const std::string& message)>& bad,
                            const std::function<bool(Row&)>& fn) {
  for (;;) {
    auto more = Next(row);
    if (!more.ok()) {
      const int64_t skipped = skipped_record();
      if (skipped == 0) return more.status();
      bad(skipped, more.status().message());
      continue;
    }
    if (!*more || !fn(row)) return Status::Ok();
  }
}

Result<ColumnMap> ColumnMap::Build(const std::vector<std::string>& header, const std::vector<ColumnSpec>& spec,
                                   const std::vector<std::string>& required_names) {
  ColumnMap map;
  std::vector<std::string> problems;
  std::vector<FieldError> errors;
  for (const ColumnSpec& s : spec) {
    int found = -1;
    for (size_t i = 0; i < header.size(); ++i) {
      const std::string_view text = TrimSpace(header[i]);
      if (text.empty() || !Accepts(s, text)) continue;
      if (found < 0) {
        found = static_cast<int>(i);
        continue;
      }
      std::string problem = "columns " + std::to_string(found + 1) + " (" + header[found] + ") and " +
                            std::to_string(i + 1) + " (" + std::string(text) + ") are both " + s.name;
      errors.push_back({s.name, problem});
      problems.push_back(std::move(problem));
    }
    if (found >= 0) map.columns_.emplace_back(s.name, found);
  }
  std::string missing;
  for (const std::string& name : required_names) {
    if (map.Has(name)) continue;
    const std::string accepted = AcceptedHeaders(spec, name);
    errors.push_back({name, "missing column; accepted headers: " + accepted});
    missing += (missing.empty() ? "" : "; ") + name + " (" + accepted + ")";
  }
  if (!missing.empty()) problems.insert(problems.begin(), "missing required columns: " + missing);
  if (problems.empty()) return map;
  std::string message;
  for (const std::string& p : problems) message += (message.empty() ? "" : "; ") + p;
  Status status = InvalidArgument(std::move(message));
  for (FieldError& e : errors) status.AddFieldError(std::move(e.field), std::move(e.message));
  return status;
}

int ColumnMap::Index(std::string_view canonical) const {
  for (const auto& [name, index] : columns_) {
    if (name == canonical) return index;
  }
  return -1;
}

std::string_view ColumnMap::Get(const Row& row, std::string_view canonical) const {
  const int index = Index(canonical);
  if (index < 0 || static_cast<size_t>(index) >= row.fields.size()) return {};
  return row.fields[index];
}

}  // namespace tc::io
