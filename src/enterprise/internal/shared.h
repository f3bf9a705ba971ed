// The enterprise service's in-memory state and the helpers its .cc files share. Not for
// other modules.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "enterprise/enterprises.h"
#include "enterprise/matcher.h"
#include "enterprise/model.h"
#include "store/store.h"

namespace tc::enterprise {

inline constexpr int kSections = 20;  // GB/T 4754 sections A–T
inline constexpr int kSizes = 4;      // large, medium, small, micro
inline constexpr const char* kSizeNames[kSizes] = {"large", "medium", "small", "micro"};
int SizeIndex(std::string_view size);            // −1 unknown
int ResumptionIndex(std::string_view state);     // index in kResumptionStates, −1 unknown
inline bool Filed(uint8_t resumption) { return resumption >= 3; }  // filed or open
inline bool Opened(uint8_t resumption) { return resumption == 4; }

// One enterprise as the counters and scopes need it.
struct Slot {
  int64_t id = 0;
  int32_t path = -1;      // index into Shared::paths
  int16_t district = -1;  // index into Shared::districts
  uint8_t industry = 0, size = 0, resumption = 0;
  bool above_scale = false, key = false, active = true;
  int64_t employees = 0, staff_back = 0;
};

struct Counter {
  int64_t enterprises = 0, filed = 0, opened = 0, above_scale = 0, above_scale_open = 0, staff_before = 0,
          staff_back = 0;
  void Add(const Slot& s, int sign) {
    if (!s.active) return;
    enterprises += sign;
    filed += Filed(s.resumption) ? sign : 0;
    opened += Opened(s.resumption) ? sign : 0;
    above_scale += s.above_scale ? sign : 0;
    above_scale_open += s.above_scale && Opened(s.resumption) ? sign : 0;
    staff_before += sign * s.employees;
    staff_back += sign * s.staff_back;
  }
  void Merge(const Counter& o) {
    enterprises += o.enterprises, filed += o.filed, opened += o.opened, above_scale += o.above_scale;
    above_scale_open += o.above_scale_open, staff_before += o.staff_before, staff_back += o.staff_back;
  }
};

struct District {
  std::string code, name, path;
  bool wartime = false;
};

struct CompiledPolicy {
  Policy policy;
  CompiledRule rule;
  Formula benefit;
};

struct Enterprises::Shared {
  mutable std::shared_mutex mu;  // guards everything below
  std::mutex write_mu;           // serialises writes that change slots, facts or benefits
  std::vector<Slot> slots;       // dense
  std::unordered_map<int64_t, uint32_t> slot_of;  // enterprise id → slot
  std::vector<std::string> paths;
  std::unordered_map<std::string, int32_t> path_index;
  std::vector<District> districts;
  std::unordered_map<std::string, int16_t> district_index;
  std::string city_code, city_path;
  bool city_wartime = false;
  std::unordered_map<std::string, std::string> area_names;  // district/street/community code → name
  std::unordered_map<std::string, std::string> risk_high;   // high-risk community path → code
  std::vector<Counter> cells;  // [industry][district][size]
  Matcher facts;               // the matcher's columns, one row per slot
  std::vector<CompiledPolicy> published;
  std::unordered_map<std::string, int64_t> accounts;      // enterprise_user → enterprise
  std::unordered_map<int64_t, std::string> liaison_of;    // enterprise → officer

  size_t Cell(const Slot& s) const { return (size_t(s.industry) * districts.size() + s.district) * kSizes + s.size; }
  void Count(const Slot& s, int sign) {
    if (s.district < 0) return;
    cells[Cell(s)].Add(s, sign);
  }
  int32_t PathIndex(const std::string& p) {
    auto [it, fresh] = path_index.try_emplace(p, int32_t(paths.size()));
    if (fresh) paths.push_back(p);
    return it->second;
  }
  const Slot* Find(int64_t id) const {
    auto it = slot_of.find(id);
    return it == slot_of.end() ? nullptr : &slots[it->second];
  }
  bool InScope(const Slot& s, const Scope& scope) const {
    if (scope.enterprise_id > 0) return s.id == scope.enterprise_id;
    if (scope.under_path.empty() || scope.under_path == "/") return true;
    return s.path >= 0 && paths[s.path].starts_with(scope.under_path);
  }
  bool Wartime(int16_t district) const {
    return city_wartime || (district >= 0 && districts[district].wartime);
  }
  // The high-risk community whose path is a prefix of `path` ("" none).
  std::string HighRiskOf(const std::string& path) const {
    for (const auto& [p, code] : risk_high) {
      if (path.starts_with(p)) return code;
    }
    return "";
  }
};

// Shared helpers of the service's files.
// Puts an enterprise's committed state into memory (new or changed): its slot, the
// counters, the matcher's facts. Caller holds st.mu exclusively.
void PlaceEnterprise(Enterprises::Shared& st, const Enterprise& e, std::string_view resumption, int64_t staff_back,
                     const std::string& path, Millis now);
// Adds the scope's condition on the enterprise alias `e` to sql/params (services.cc).
void ScopeSql(const Scope& scope, std::string& sql, store::Params& params);
Enterprise EnterpriseFromRow(const store::Row& r, size_t first = 0);
extern const char* const kEnterpriseColumns;  // the columns EnterpriseFromRow reads, in order
std::string Today(const Clock& clock);
Status ValidDay(std::string_view day, std::string_view field);

}  // namespace tc::enterprise
