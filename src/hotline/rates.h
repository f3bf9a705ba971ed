// The three rates of 接诉即办 — response, resolution, satisfaction — kept as counters
// that every change of a request adjusts (its old contribution out, its new one in),
// so a dashboard over a year of a big city's requests is a sum over small tables,
// never a scan. Counters by (month of receipt, department, community) and by (day of
// receipt, department, district). Also the recent requests for hotspot detection.
//
// Definitions (docs/hotline.md): response rate = requests accepted within the
// response deadline / requests whose response fell due (accepted, or overdue);
// resolution rate = callbacks where the caller says solved / callbacks; satisfaction
// rate = callbacks rated ≥ satisfied_from / callbacks. Merged duplicates count nothing.
// Not thread-safe: the service guards it with its mutex.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/time.h"
#include "hotline/workflow.h"

namespace tc::hotline {

struct Counts {
  int64_t received = 0, response_due = 0, responded_on_time = 0, called_back = 0, solved = 0, satisfied = 0;
  int64_t overdue = 0;  // handling or response deadline missed

  void Add(const Counts& o, int sign = 1);
  double ResponseRate() const { return response_due ? double(responded_on_time) / double(response_due) : 0; }
  double ResolutionRate() const { return called_back ? double(solved) / double(called_back) : 0; }
  double SatisfactionRate() const { return called_back ? double(satisfied) / double(called_back) : 0; }
  // Beijing's monthly ranking weights: response 10 %, resolution 45 %, satisfaction 45 %.
  double Score() const { return 0.10 * ResponseRate() + 0.45 * ResolutionRate() + 0.45 * SatisfactionRate(); }
};

// What one request adds to the counters in its current state.
Counts ContributionOf(const RequestState& s, int satisfied_from);

// The area tree's levels the counters roll up through: every community's street and
// district (indices into the lists given at construction).
struct RateGeography {
  std::vector<std::string> district_codes, street_codes, community_codes;
  std::vector<int32_t> street_district, community_street;
};

class RateBook {
 public:
  RateBook(RateGeography geo, std::vector<std::string> departments);

  // `community` "" (unrouted) counts under no area but in its department and the city.
  void Apply(Millis received_at, std::string_view department, std::string_view community, const Counts& delta,
             int sign);

  enum class GroupBy { kDepartment, kDistrict, kStreet, kCommunity };
  struct Row {
    std::string key;  // department code or area code ("" for unrouted / no department)
    Counts counts;
  };
  // Counts for receipt days [from_day, to_day] (days since the epoch, Shanghai), grouped,
  // restricted to one department ("" all) and to the areas under `area_code` ("" all).
  // District and department groups are exact per day; street and community groups
  // (or an area filter below district) count whole months: the months that the day
  // range touches — `whole_months` says so.
  struct Answer {
    std::vector<Row> rows;
    Counts total;
    bool whole_months = false;
  };
  Answer Query(int64_t from_day, int64_t to_day, GroupBy by, std::string_view department,
               std::string_view area_code) const;

  size_t Cells() const { return month_.size() + day_.size(); }

 private:
  int32_t Dept(std::string_view code);
  int32_t DeptOf(std::string_view code) const;
  RateGeography geo_;
  std::vector<std::string> departments_;  // index 0: "" (none)
  std::unordered_map<std::string, int32_t> dept_index_, community_index_, street_index_, district_index_;
  // (month, dept, community+1) and (day, dept, district+1) → counts; 0 = none.
  std::unordered_map<uint64_t, Counts> month_, day_;
};

// Days since 1970-01-01 of a time's Shanghai date, and the month index (year*12+month-1).
int64_t ShanghaiDay(Millis t);
int64_t MonthOfDay(int64_t day);

}  // namespace tc::hotline
