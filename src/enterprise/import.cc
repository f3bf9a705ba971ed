// The enterprise import: CSV (UTF-8 or GBK) or XLSX as the market-supervision bureau
// exports it, Chinese or English headers, each line validated on its own and named in
// its error; the valid lines written in one transaction (or none, all-or-nothing).
#include <nlohmann/json.hpp>
#include <set>

#include "enterprise/enterprises.h"
#include "enterprise/internal/shared.h"
#include "enterprise/uscc.h"
#include "io/table.h"

namespace tc::enterprise {

namespace {

constexpr size_t kImportBatch = 10'000;  // valid lines per transaction

const std::vector<io::ColumnSpec>& Columns() {
  static const std::vector<io::ColumnSpec> k = {
      {"uscc", {"统一社会信用代码", "信用代码", "社会信用代码", "credit_code"}},
      {"name", {"企业名称", "名称", "市场主体名称", "主体名称"}},
      {"industry", {"行业门类", "门类"}},
      {"division", {"行业代码", "行业大类", "国民经济行业代码", "industry_code"}},
      {"size", {"企业规模", "规模"}},
      {"above_scale", {"规上", "规模以上", "是否规上", "规上企业"}},
      {"key", {"重点企业", "是否重点企业"}},
      {"high_tech", {"高新技术企业", "高新技术"}},
      {"specialised", {"专精特新"}},
      {"district", {"所属区", "区县", "所属区县", "行政区划", "district_code"}},
      {"address", {"住所", "地址", "经营场所", "注册地址"}},
      {"legal_rep", {"法定代表人", "负责人", "经营者"}},
      {"contact_name", {"联系人"}},
      {"contact_phone", {"联系电话", "电话"}},
      {"employees", {"从业人数", "从业人员", "职工人数", "员工人数"}},
      {"revenue", {"营业收入", "营业收入(万元)", "本年营业收入"}},
      {"revenue_prev", {"上年营业收入", "上年同期营业收入", "上年营业收入(万元)"}},
      {"equipment_investment", {"设备投资", "设备投资(万元)"}},
      {"founded_on", {"成立日期", "注册日期"}},
      {"status", {"登记状态", "状态"}},
  };
  return k;
}

// 是/否, true/false, 1/0, Y/N; "" → default.
Result<bool> Flag(std::string_view v, bool dflt, const char* field) {
  if (v.empty()) return dflt;
  if (v == "是" || v == "1" || v == "true" || v == "Y" || v == "y" || v == "yes") return true;
  if (v == "否" || v == "0" || v == "false" || v == "N" || v == "n" || v == "no") return false;
  return FieldInvalid(field, "'" + std::string(v) + "' is not 是/否 (yes/no)");
}

Result<double> Number(std::string_view v, const char* field) {
  if (v.empty()) return 0.0;
  std::string s(v);
  std::erase(s, ',');
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end == s.c_str() || *end != '\0') return FieldInvalid(field, "'" + std::string(v) + "' is not a number");
  return d;
}

std::string SizeOf(std::string_view v) {
  if (v == "大型" || v == "大型企业") return "large";
  if (v == "中型" || v == "中型企业") return "medium";
  if (v == "小型" || v == "小型企业") return "small";
  if (v == "微型" || v == "微型企业") return "micro";
  return std::string(v);
}

std::string StatusOf(std::string_view v) {
  if (v.empty() || v == "存续" || v == "在业" || v == "开业" || v == "在营" || v == "active") return "active";
  if (v == "注销" || v == "吊销" || v == "撤销" || v == "迁出" || v == "closed") return "closed";
  return std::string(v);
}

}  // namespace

Result<ImportReport> Enterprises::Import(std::istream& in, std::string_view path, bool all_or_nothing,
                                         std::string_view under_path, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(auto table, io::ReadTable(in, path));
  TC_ASSIGN_OR_RETURN(auto header, table->ReadHeader());
  TC_ASSIGN_OR_RETURN(auto cols, io::ColumnMap::Build(header, Columns(), {"uscc", "name", "division", "district"}));
  ImportReport rep;
  int64_t last_rejected = -1;  // a line with several bad fields counts once
  auto reject = [&](int64_t line, std::string record, std::string field, std::string message) {
    if (line != last_rejected) ++rep.rejected;
    last_rejected = line;
    if (rep.errors.size() < 1000) rep.errors.push_back({line, std::move(record), std::move(field), std::move(message)});
  };
  // District by code or name.
  std::unordered_map<std::string, std::string> district_code;
  {
    std::shared_lock lock(st_->mu);
    for (const auto& d : st_->districts) {
      district_code[d.code] = d.code;
      district_code[d.code.substr(0, 6)] = d.code;
      district_code[d.name] = d.code;
    }
  }
  struct Line {
    int64_t line;
    Enterprise e;
  };
  std::vector<Line> lines;
  std::set<std::string> seen;
  // Writes the accumulated valid lines in one transaction, then memory and benefits.
  auto flush = [&]() -> Status {
    if (lines.empty()) return Status::Ok();
    const Millis now = clock_.Now();
    std::vector<int64_t> ids;
    std::lock_guard write(st_->write_mu);
    TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
      std::unordered_map<std::string, int64_t> existing;
      std::vector<std::string> codes;
      for (const auto& l : lines) codes.push_back(l.e.uscc);
      TC_RETURN_IF_ERROR(store::QueryIn(c, "SELECT uscc, id FROM enterprises WHERE uscc IN ", "", std::span<const std::string>(codes),
                                        [&](const store::Row& r) { existing[r.Text(0)] = r.Int(1); }));
      for (auto& l : lines) {
        Enterprise& e = l.e;
        auto path = PlaceOf(c, e);
        if (!path.ok()) {
          if (all_or_nothing) return path.status();
          reject(l.line, e.uscc, "area_code", path.status().message());
          continue;
        }
        if (auto it = existing.find(e.uscc); it != existing.end()) {
          TC_RETURN_IF_ERROR(
              c.Exec("UPDATE enterprises SET name = ?, industry = ?, division = ?, size = ?, above_scale = ?, "
                     "key_enterprise = ?, high_tech = ?, specialised = ?, district_code = ?, area_code = ?, area_path = ?, "
                     "address = ?, legal_rep = ?, contact_name = ?, contact_phone = ?, employees = ?, revenue = ?, "
                     "revenue_prev = ?, equipment_investment = ?, founded_on = ?, status = ?, updated_at = ? WHERE id = ?",
                     {e.name, e.industry, e.division, e.size, int64_t{e.above_scale}, int64_t{e.key}, int64_t{e.high_tech},
                      int64_t{e.specialised}, e.district_code, e.area_code, *path, e.address, e.legal_rep, e.contact_name,
                      e.contact_phone, e.employees, e.revenue, e.revenue_prev, e.equipment_investment, e.founded_on,
                      e.status, now, it->second})
                  .status());
          ids.push_back(it->second);
          ++rep.updated;
        } else {
          TC_ASSIGN_OR_RETURN(
              auto rows,
              c.Query("INSERT INTO enterprises (uscc, name, industry, division, size, above_scale, key_enterprise, "
                      "high_tech, specialised, district_code, area_code, area_path, address, legal_rep, contact_name, "
                      "contact_phone, employees, revenue, revenue_prev, equipment_investment, founded_on, status, "
                      "resumption, staff_back, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                      "?, ?, ?, ?, ?, ?, ?, 'not_filed', 0, ?, ?) RETURNING id",
                      {e.uscc, e.name, e.industry, e.division, e.size, int64_t{e.above_scale}, int64_t{e.key},
                       int64_t{e.high_tech}, int64_t{e.specialised}, e.district_code, e.area_code, *path, e.address,
                       e.legal_rep, e.contact_name, e.contact_phone, e.employees, e.revenue, e.revenue_prev,
                       e.equipment_investment, e.founded_on, e.status, now, now}));
          ids.push_back(rows[0].Int(0));
          ++rep.created;
        }
      }
      return audit::Append(c, {.actor = by.name, .action = "enterprise.import", .target = "enterprises", .area_path = "/",
                               .detail = nlohmann::json{{"file", std::string(path)}, {"created", rep.created}, {"updated", rep.updated},
                                                        {"rejected", rep.rejected}}.dump(),
                               .request_id = by.request_id},
                           now);
    }));
    TC_RETURN_IF_ERROR(ReloadMany(ids));
    TC_RETURN_IF_ERROR(RematchMany(ids, by));
    lines.clear();
    return Status::Ok();
  };
  Status write_error;  // a batch that could not be written stops the import
  io::Row row;
  TC_RETURN_IF_ERROR(table->ForEach(
      row, [&](int64_t line, const std::string& message) { reject(line, "", "", message); },
      [&](io::Row& r) {
        ++rep.lines;
        Enterprise e;
        const std::string raw_uscc(cols.Get(r, "uscc"));
        e.uscc = NormalizeUscc(raw_uscc);
        e.name = std::string(cols.Get(r, "name"));
        e.industry = std::string(cols.Get(r, "industry"));
        std::string division(cols.Get(r, "division"));
        // A four-digit class ("3611") or a section-prefixed code ("C3611") names its division.
        if (!division.empty() && division[0] >= 'A' && division[0] <= 'T') {
          if (e.industry.empty()) e.industry = division.substr(0, 1);
          division = division.substr(1);
        }
        e.division = division.size() > 2 && std::all_of(division.begin(), division.end(), ::isdigit) ? division.substr(0, 2) : division;
        e.size = SizeOf(cols.Get(r, "size"));
        const std::string district(cols.Get(r, "district"));
        auto d = district_code.find(district);
        e.district_code = d == district_code.end() ? district : d->second;
        e.address = std::string(cols.Get(r, "address"));
        e.legal_rep = std::string(cols.Get(r, "legal_rep"));
        e.contact_name = std::string(cols.Get(r, "contact_name"));
        e.contact_phone = std::string(cols.Get(r, "contact_phone"));
        e.founded_on = std::string(cols.Get(r, "founded_on"));
        e.status = StatusOf(cols.Get(r, "status"));
        Status bad = InvalidArgument("line " + std::to_string(r.line));
        auto flag = [&](const char* col, bool& out) {
          auto v = Flag(cols.Get(r, col), false, col);
          if (v.ok()) {
            out = *v;
          } else {
            bad.AddFieldError(col, v.status().message());
          }
        };
        flag("above_scale", e.above_scale);
        flag("key", e.key);
        flag("high_tech", e.high_tech);
        flag("specialised", e.specialised);
        auto num = [&](const char* col, double& out) {
          auto v = Number(cols.Get(r, col), col);
          if (v.ok()) {
            out = *v;
          } else {
            bad.AddFieldError(col, v.status().message());
          }
        };
        double employees = 0;
        num("employees", employees);
        e.employees = int64_t(employees);
        num("revenue", e.revenue);
        num("revenue_prev", e.revenue_prev);
        num("equipment_investment", e.equipment_investment);
        const std::string record = raw_uscc.empty() ? e.name : raw_uscc;
        if (!bad.field_errors().empty()) {
          for (const auto& f : bad.field_errors()) reject(r.line, record, f.field, f.message);
          return true;
        }
        if (Status s = CheckEnterpriseFields(e); !s.ok()) {
          if (s.field_errors().empty()) reject(r.line, record, "", s.message());
          for (const auto& f : s.field_errors()) reject(r.line, record, f.field, f.message);
          return true;
        }
        if (const std::string dp = DistrictPath(e.district_code);
            !under_path.empty() && under_path != "/" && !dp.starts_with(under_path)) {
          reject(r.line, record, "district_code", "district " + e.district_code + " is outside your jurisdiction");
          return true;
        }
        if (!seen.insert(e.uscc).second) {
          reject(r.line, record, "uscc", "appears on an earlier line of the file");
          return true;
        }
        lines.push_back({r.line, std::move(e)});
        // Large files are written in batches (an all-or-nothing import waits for the end).
        if (!all_or_nothing && lines.size() >= kImportBatch) {
          write_error = flush();
          return write_error.ok();
        }
        return true;
      }));
  TC_RETURN_IF_ERROR(write_error);
  if (all_or_nothing && rep.rejected > 0) return rep;
  TC_RETURN_IF_ERROR(flush());
  return rep;
}

Status Enterprises::ReloadMany(std::span<const int64_t> ids) {
  return store_.Read([&](store::Conn& c) -> Status {
    std::vector<std::pair<Enterprise, std::array<std::string, 3>>> rows;
    TC_RETURN_IF_ERROR(store::QueryIn(c, std::string("SELECT ") + kEnterpriseColumns + " FROM enterprises WHERE id IN ", "", ids,
                                      [&](const store::Row& r) {
                                        rows.push_back({EnterpriseFromRow(r), {r.Text(24), r.Text(25), r.Text(26)}});
                                      }));
    std::unique_lock lock(st_->mu);
    const Millis now = clock_.Now();
    for (const auto& [e, extra] : rows) PlaceEnterprise(*st_, e, extra[0], std::stoll(extra[1]), extra[2], now);
    return Status::Ok();
  });
}

}  // namespace tc::enterprise
