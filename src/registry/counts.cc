#include "registry/counts.h"

#include <unordered_map>
#include <vector>

namespace tc::registry {
namespace {

constexpr const char* kTagColumns[5] = {"elderly_alone", "chronic", "pregnant", "disability", "severe_illness"};

// "/a/b/c/" → {"a", "b", "c"}
std::vector<std::string> PathCodes(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 1;
  while (start < path.size()) {
    const size_t end = path.find('/', start);
    if (end == std::string_view::npos) break;
    out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void Accumulate(AreaCounts& into, const AreaCounts& d) {
  into.residents += d.residents;
  into.households += d.households;
  for (size_t i = 0; i < 5; ++i) into.tags[i] += d.tags[i];
}

// One area's row += d (inserted if missing).
Status Upsert(store::Conn& c, const std::string& code, const AreaCounts& d) {
  const std::string sql =
      "INSERT INTO area_counts (area_code, residents, households, elderly_alone, chronic, pregnant, disability, "
      "severe_illness) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (area_code) DO UPDATE SET "
      "residents = area_counts.residents + excluded.residents, "
      "households = area_counts.households + excluded.households, "
      "elderly_alone = area_counts.elderly_alone + excluded.elderly_alone, "
      "chronic = area_counts.chronic + excluded.chronic, pregnant = area_counts.pregnant + excluded.pregnant, "
      "disability = area_counts.disability + excluded.disability, "
      "severe_illness = area_counts.severe_illness + excluded.severe_illness";
  return c.Exec(sql, {code, d.residents, d.households, d.tags[0], d.tags[1], d.tags[2], d.tags[3], d.tags[4]})
      .status();
}

}  // namespace

AreaCounts ResidentDelta(int64_t tags, int sign) {
  AreaCounts d;
  d.residents = sign;
  for (size_t i = 0; i < 5; ++i) d.tags[i] = (tags >> i) & 1 ? sign : 0;
  return d;
}

void CountsDelta::Add(std::string_view unit_path, const AreaCounts& delta) {
  auto it = by_unit_.find(unit_path);
  if (it == by_unit_.end()) it = by_unit_.emplace(std::string(unit_path), AreaCounts{}).first;
  Accumulate(it->second, delta);
}

Status CountsDelta::Apply(store::Conn& c) const {
  std::unordered_map<std::string, AreaCounts> by_area;
  for (const auto& [path, d] : by_unit_) {
    for (const std::string& code : PathCodes(path)) Accumulate(by_area[code], d);
  }
  for (const auto& [code, d] : by_area) TC_RETURN_IF_ERROR(Upsert(c, code, d));
  return Status::Ok();
}

Status AdjustCounts(store::Conn& c, std::string_view unit_path, const AreaCounts& d) {
  for (const std::string& code : PathCodes(unit_path)) TC_RETURN_IF_ERROR(Upsert(c, code, d));
  return Status::Ok();
}


Status RebuildCounts(store::Conn& c) {
  std::unordered_map<std::string, AreaCounts> totals;
  // Per unit first (one pass over residents), then rolled up the unit's path.
  TC_ASSIGN_OR_RETURN(auto units, c.Query(
      "SELECT a.path, COALESCE(r.n, 0), COALESCE(h.n, 0), COALESCE(r.t0, 0), COALESCE(r.t1, 0), COALESCE(r.t2, 0), "
      "COALESCE(r.t3, 0), COALESCE(r.t4, 0) FROM areas a "
      "LEFT JOIN (SELECT unit_code, COUNT(*) AS n FROM households GROUP BY unit_code) h ON h.unit_code = a.code "
      "LEFT JOIN (SELECT hh.unit_code, COUNT(*) AS n, SUM(res.tags & 1) AS t0, SUM((res.tags & 2) / 2) AS t1, "
      "  SUM((res.tags & 4) / 4) AS t2, SUM((res.tags & 8) / 8) AS t3, SUM((res.tags & 16) / 16) AS t4 "
      "  FROM residents res JOIN households hh ON hh.code = res.household_code WHERE res.status = 'active' "
      "  GROUP BY hh.unit_code) r ON r.unit_code = a.code "
      "WHERE a.level = 'unit'"));
  for (const auto& row : units.rows) {
    AreaCounts d;
    d.residents = row.Int(1);
    d.households = row.Int(2);
    for (size_t i = 0; i < 5; ++i) d.tags[i] = row.Int(3 + i);
    for (const std::string& code : PathCodes(row.Text(0))) Accumulate(totals[code], d);
  }
  TC_RETURN_IF_ERROR(c.Exec("DELETE FROM area_counts").status());
  std::vector<std::string> columns = {"area_code", "residents", "households"};
  for (const char* t : kTagColumns) columns.emplace_back(t);
  TC_ASSIGN_OR_RETURN(auto bulk, c.Bulk("area_counts", columns));
  for (const auto& [code, d] : totals) {
    TC_RETURN_IF_ERROR(bulk->Add({code, d.residents, d.households, d.tags[0], d.tags[1], d.tags[2], d.tags[3], d.tags[4]}));
  }
  return bulk->Finish().status();
}

Result<AreaCounts> ReadCounts(store::Conn& c, std::string_view area_code) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT residents, households, elderly_alone, chronic, pregnant, disability, "
                                         "severe_illness FROM area_counts WHERE area_code = ?",
                                         {std::string(area_code)}));
  AreaCounts out;
  if (rows.empty()) return out;
  out.residents = rows[0].Int(0);
  out.households = rows[0].Int(1);
  for (size_t i = 0; i < 5; ++i) out.tags[i] = rows[0].Int(2 + i);
  return out;
}

}  // namespace tc::registry
