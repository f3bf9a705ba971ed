#include "hotline/rates.h"

#include <algorithm>
#include <map>

namespace tc::hotline {

namespace {
constexpr Millis kDayMs = 86'400'000;
uint64_t Key(int64_t period, int32_t dept, int32_t area) {
  return (static_cast<uint64_t>(period & 0xFFFFF) << 44) | (static_cast<uint64_t>(dept & 0xFFF) << 32) |
         static_cast<uint32_t>(area);
}
int64_t PeriodOf(uint64_t k) { return static_cast<int64_t>(k >> 44); }
int32_t DeptOfKey(uint64_t k) { return static_cast<int32_t>((k >> 32) & 0xFFF); }
int32_t AreaOfKey(uint64_t k) { return static_cast<int32_t>(k & 0xFFFFFFFF); }
}  // namespace

void Counts::Add(const Counts& o, int sign) {
  received += sign * o.received;
  response_due += sign * o.response_due;
  responded_on_time += sign * o.responded_on_time;
  called_back += sign * o.called_back;
  solved += sign * o.solved;
  satisfied += sign * o.satisfied;
  overdue += sign * o.overdue;
}

Counts ContributionOf(const RequestState& s, int satisfied_from) {
  Counts c;
  if (s.status == State::kMerged) return c;
  c.received = 1;
  const bool late = (s.overdue & kRespondFlag) != 0;
  c.response_due = (s.responded_at > 0 || late) ? 1 : 0;
  c.responded_on_time = (s.responded_at > 0 && !late && s.responded_at <= s.respond_by) ? 1 : 0;
  c.called_back = s.satisfaction > 0 ? 1 : 0;
  c.solved = s.satisfaction > 0 && s.solved == 1 ? 1 : 0;
  c.satisfied = s.satisfaction >= satisfied_from ? 1 : 0;
  c.overdue = s.overdue & (kRespondFlag | kHandleFlag) ? 1 : 0;
  return c;
}

int64_t ShanghaiDay(Millis t) {
  const Millis local = t + kShanghaiOffsetMs;
  return local >= 0 ? local / kDayMs : (local - kDayMs + 1) / kDayMs;
}

int64_t MonthOfDay(int64_t day) {
  int y, m, d;
  CivilFromDays(day, y, m, d);
  return int64_t{y} * 12 + (m - 1);
}

RateBook::RateBook(RateGeography geo, std::vector<std::string> departments) : geo_(std::move(geo)) {
  departments_.push_back("");
  dept_index_[""] = 0;
  for (auto& d : departments) Dept(d);
  for (size_t i = 0; i < geo_.community_codes.size(); ++i) community_index_[geo_.community_codes[i]] = static_cast<int32_t>(i);
  for (size_t i = 0; i < geo_.street_codes.size(); ++i) street_index_[geo_.street_codes[i]] = static_cast<int32_t>(i);
  for (size_t i = 0; i < geo_.district_codes.size(); ++i) district_index_[geo_.district_codes[i]] = static_cast<int32_t>(i);
}

int32_t RateBook::Dept(std::string_view code) {
  auto it = dept_index_.find(std::string(code));
  if (it != dept_index_.end()) return it->second;
  const auto idx = static_cast<int32_t>(departments_.size());
  departments_.emplace_back(code);
  dept_index_.emplace(std::string(code), idx);
  return idx;
}

int32_t RateBook::DeptOf(std::string_view code) const {
  auto it = dept_index_.find(std::string(code));
  return it == dept_index_.end() ? -1 : it->second;
}

void RateBook::Apply(Millis received_at, std::string_view department, std::string_view community, const Counts& delta,
                     int sign) {
  const int64_t day = ShanghaiDay(received_at);
  const int32_t dept = Dept(department);
  int32_t comm = -1, district = -1;
  if (auto it = community_index_.find(std::string(community)); it != community_index_.end()) {
    comm = it->second;
    district = geo_.street_district[geo_.community_street[comm]];
  }
  month_[Key(MonthOfDay(day), dept, comm + 1)].Add(delta, sign);
  day_[Key(day, dept, district + 1)].Add(delta, sign);
}

RateBook::Answer RateBook::Query(int64_t from_day, int64_t to_day, GroupBy by, std::string_view department,
                                 std::string_view area_code) const {
  Answer ans;
  int32_t dept_filter = -1;
  if (!department.empty()) {
    dept_filter = DeptOf(department);
    if (dept_filter < 0) return ans;
  }
  // The area filter: a district (exact per day), or a street/community (by month).
  int32_t f_district = -1, f_street = -1, f_community = -1;
  if (!area_code.empty()) {
    if (auto it = district_index_.find(std::string(area_code)); it != district_index_.end()) {
      f_district = it->second;
    } else if (auto s = street_index_.find(std::string(area_code)); s != street_index_.end()) {
      f_street = s->second;
    } else if (auto c = community_index_.find(std::string(area_code)); c != community_index_.end()) {
      f_community = c->second;
    }  // else: the city (or anything above the districts): no filter
  }
  std::map<std::string, Counts> groups;
  const bool by_month = by == GroupBy::kStreet || by == GroupBy::kCommunity || f_street >= 0 || f_community >= 0;
  if (!by_month) {
    for (const auto& [k, c] : day_) {
      const int64_t day = PeriodOf(k);
      if (day < from_day || day > to_day) continue;
      const int32_t dept = DeptOfKey(k);
      if (dept_filter >= 0 && dept != dept_filter) continue;
      const int32_t district = AreaOfKey(k) - 1;
      if (f_district >= 0 && district != f_district) continue;
      const std::string key = by == GroupBy::kDepartment ? departments_[dept]
                              : district >= 0            ? geo_.district_codes[district]
                                                         : std::string();
      groups[key].Add(c);
      ans.total.Add(c);
    }
  } else {
    ans.whole_months = true;
    const int64_t m0 = MonthOfDay(from_day), m1 = MonthOfDay(to_day);
    for (const auto& [k, c] : month_) {
      const int64_t month = PeriodOf(k);
      if (month < m0 || month > m1) continue;
      const int32_t dept = DeptOfKey(k);
      if (dept_filter >= 0 && dept != dept_filter) continue;
      const int32_t comm = AreaOfKey(k) - 1;
      const int32_t street = comm >= 0 ? geo_.community_street[comm] : -1;
      const int32_t district = street >= 0 ? geo_.street_district[street] : -1;
      if (f_district >= 0 && district != f_district) continue;
      if (f_street >= 0 && street != f_street) continue;
      if (f_community >= 0 && comm != f_community) continue;
      std::string key;
      switch (by) {
        case GroupBy::kDepartment: key = departments_[dept]; break;
        case GroupBy::kDistrict: key = district >= 0 ? geo_.district_codes[district] : ""; break;
        case GroupBy::kStreet: key = street >= 0 ? geo_.street_codes[street] : ""; break;
        case GroupBy::kCommunity: key = comm >= 0 ? geo_.community_codes[comm] : ""; break;
      }
      groups[key].Add(c);
      ans.total.Add(c);
    }
  }
  for (auto& [k, c] : groups) ans.rows.push_back({k, c});
  return ans;
}

}  // namespace tc::hotline
