#include "registry/importer.h"

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "io/csv.h"
#include "registry/areas.h"
#include "registry/counts.h"
#include "registry/grid.h"
#include "registry/id_number.h"
#include "registry/residents.h"

namespace tc::registry {
namespace {

constexpr size_t kInChunk = 500;  // codes per "IN (...)" look-up

// One parsed line waiting for its batch: the values to insert, or why it is rejected.
struct Pending {
  int64_t line = 0;
  store::Params values;
  std::string key;       // the row's own code / ID number (for duplicate checks)
  std::string parent;    // the code it hangs off (parent area, unit, household, area)
  std::string extra;     // kind-specific (area level)
  int64_t tags = 0;
};

struct KindSpec {
  std::string table;
  std::vector<std::string> columns;  // insert columns
  std::vector<io::ColumnSpec> csv;   // accepted headers
  std::vector<std::string> required;
};

const KindSpec& Spec(ImportKind kind) {
  static const KindSpec kAreas{
      "areas",
      {"code", "parent_code", "name", "level", "path", "mode", "created_at", "updated_at"},
      {{"code", {"编码", "区划代码", "代码", "area_code"}},
       {"parent_code", {"上级编码", "上级代码", "父级编码", "parent"}},
       {"name", {"名称", "地名"}},
       {"level", {"层级", "级别", "类型"}}},
      {"code", "parent_code", "name", "level"}};
  static const KindSpec kDwellings{"households",
                                   {"code", "unit_code", "address", "created_at"},
                                   {{"unit_code", {"单元编码", "单元代码", "unit"}},
                                    {"room", {"房号", "户号", "门牌号"}},
                                    {"address", {"地址", "住址"}}},
                                   {"unit_code", "room"}};
  static const KindSpec kResidents{
      "residents",
      {"name", "id_number", "phone", "birth_date", "sex", "household_code", "tags", "status", "created_at",
       "updated_at"},
      {{"name", {"姓名"}},
       {"id_number", {"身份证号", "身份证号码", "公民身份号码", "证件号码", "idcard"}},
       {"phone", {"手机号", "手机号码", "联系电话", "电话", "mobile"}},
       {"household_code", {"户编码", "户代码", "household"}},
       {"birth_date", {"出生日期", "birthday"}},
       {"sex", {"性别", "gender"}},
       {"tags", {"重点人群", "标签", "care_tags"}}},
      {"name", "household_code"}};
  static const KindSpec kAssignments{
      "assignments",
      {"area_code", "cadre_name", "cadre_phone", "organisation", "role", "since"},
      {{"area_code", {"包保对象编码", "区域编码", "编码", "area"}},
       {"cadre_name", {"包保干部", "干部姓名", "姓名", "cadre"}},
       {"cadre_phone", {"联系电话", "手机号", "电话", "phone"}},
       {"organisation", {"单位", "所在单位", "organization"}},
       {"role", {"职务", "包保类型", "角色"}}},
      {"area_code", "cadre_name", "cadre_phone", "role"}};
  switch (kind) {
    case ImportKind::kAreas: return kAreas;
    case ImportKind::kDwellings: return kDwellings;
    case ImportKind::kResidents: return kResidents;
    case ImportKind::kAssignments: return kAssignments;
  }
  return kAreas;
}

const char* KindName(ImportKind kind) {
  switch (kind) {
    case ImportKind::kAreas: return "areas";
    case ImportKind::kDwellings: return "dwellings";
    case ImportKind::kResidents: return "residents";
    case ImportKind::kAssignments: return "assignments";
  }
  return "";
}

std::optional<Level> ParseLevelAlias(std::string_view s) {
  if (auto l = ParseLevel(s)) return l;
  static const std::pair<const char*, Level> kZh[] = {
      {"市", Level::kCity},        {"区", Level::kDistrict},     {"县", Level::kDistrict},
      {"区县", Level::kDistrict},  {"街道", Level::kStreet},     {"乡镇", Level::kStreet},
      {"镇", Level::kStreet},      {"乡", Level::kStreet},       {"社区", Level::kCommunity},
      {"村", Level::kCommunity},   {"小区", Level::kCompound},   {"村民组", Level::kCompound},
      {"楼栋", Level::kBuilding},  {"楼", Level::kBuilding},     {"单元", Level::kUnit}};
  for (const auto& [zh, level] : kZh) {
    if (s == zh) return level;
  }
  return std::nullopt;
}

std::string_view RoleAlias(std::string_view s) {
  if (s == "部门负责人" || s == "department_head") return "department_head";
  if (s == "副职" || s == "deputy") return "deputy";
  if (s == "科级干部" || s == "科长" || s == "section_chief") return "section_chief";
  if (s == "干部" || s == "cadre") return "cadre";
  return s;
}

// Looks up which of `keys` exist, `sql_head` being "SELECT key, value FROM ... WHERE key IN ".
Status LookUp(store::Conn& c, const std::string& sql_head, const std::vector<std::string>& keys,
              std::unordered_map<std::string, std::vector<std::string>>& found) {
  for (size_t i = 0; i < keys.size(); i += kInChunk) {
    const size_t n = std::min(kInChunk, keys.size() - i);
    std::string sql = sql_head + "(";
    store::Params params;
    for (size_t j = 0; j < n; ++j) {
      sql += j ? ", ?" : "?";
      params.emplace_back(keys[i + j]);
    }
    sql += ")";
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
    for (const auto& r : rows.rows) {
      std::vector<std::string> values;
      for (size_t k = 1; k < r.cells.size(); ++k) values.push_back(r.Text(k));
      found[r.Text(0)] = std::move(values);
    }
  }
  return Status::Ok();
}

class Importer {
 public:
  Importer(store::Store& store, const Clock& clock, ImportKind kind, const audit::Actor& by,
           const ImportOptions& options, ImportReport& report)
      : store_(store), clock_(clock), kind_(kind), by_(by), options_(options), report_(report) {}

  void Reject(int64_t line, std::string field, std::string message) {
    ++report_.rejected;
    if (report_.errors.size() < options_.max_errors) report_.errors.push_back({line, std::move(field), std::move(message)});
  }

  // Field-level checks that need no database. Appends to batch_ or rejects.
  void Parse(const io::Row& row, const io::ColumnMap& cols) {
    auto get = [&](std::string_view name) { return std::string(io::TrimSpace(cols.Get(row, name))); };
    const Millis now = clock_.Now();
    Pending p;
    p.line = row.line;
    switch (kind_) {
      case ImportKind::kAreas: {
        const std::string code = get("code"), parent = get("parent_code"), name = get("name"), level_text = get("level");
        auto level = ParseLevelAlias(level_text);
        if (!level) return Reject(row.line, "level", "unknown level '" + level_text + "'");
        if (Status s = ValidateAreaCode(code, *level); !s.ok()) return Reject(row.line, "code", s.field_errors()[0].message);
        if (name.empty() || name.size() > 100) return Reject(row.line, "name", "is required (at most 100 bytes)");
        if (parent.empty()) return Reject(row.line, "parent_code", "is required (create the city with tongchou admin create-area)");
        p.key = code;
        p.parent = parent;
        p.extra = std::string(LevelName(*level));
        p.values = {code, parent, name, p.extra, std::string(), std::string(kPeacetime), now, now};
        break;
      }
      case ImportKind::kDwellings: {
        const std::string unit = get("unit_code"), room = get("room"), address = get("address");
        if (unit.empty()) return Reject(row.line, "unit_code", "is required");
        if (room.empty() || room.size() > 16 ||
            room.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != std::string::npos) {
          return Reject(row.line, "room", "must be 1 to 16 letters or digits, e.g. 0502");
        }
        if (address.size() > 200) return Reject(row.line, "address", "must be at most 200 bytes");
        p.key = unit + "-" + room;
        p.parent = unit;
        p.values = {p.key, unit, address, now};
        break;
      }
      case ImportKind::kResidents: {
        const std::string name = get("name"), id_text = get("id_number"), phone_text = get("phone"),
                          household = get("household_code"), birth = get("birth_date"), sex_text = get("sex"),
                          tags_text = get("tags");
        if (name.empty() || name.size() > 60) return Reject(row.line, "name", "is required (at most 60 bytes)");
        if (household.empty()) return Reject(row.line, "household_code", "is required");
        store::Value id_value, birth_value, sex_value, phone_value;
        std::string sex = sex_text == "男" ? "M" : sex_text == "女" ? "F" : sex_text;
        if (!sex.empty() && sex != "M" && sex != "F") return Reject(row.line, "sex", "must be 男/女 or M/F");
        if (!id_text.empty()) {
          auto id = ParseIdNumber(id_text, today_);
          if (!id.ok()) return Reject(row.line, "id_number", id.status().field_errors()[0].message);
          const std::string id_sex = id->sex == Sex::kMale ? "M" : "F";
          if (!sex.empty() && sex != id_sex) return Reject(row.line, "sex", "disagrees with the ID number");
          if (!birth.empty() && birth != id->BirthDate()) {
            return Reject(row.line, "birth_date", "is " + birth + " but the ID number says " + id->BirthDate());
          }
          p.key = id->normalized;
          id_value = id->normalized;
          birth_value = id->BirthDate();
          sex_value = id_sex;
        } else {
          if (!birth.empty()) {
            if (birth.size() != 10 || !ParseTime(birth).ok()) return Reject(row.line, "birth_date", "must be a date YYYY-MM-DD");
            birth_value = birth;
          }
          if (!sex.empty()) sex_value = sex;
        }
        if (!phone_text.empty()) {
          auto phone = ParsePhone(phone_text);
          if (!phone.ok()) return Reject(row.line, "phone", phone.status().field_errors()[0].message);
          phone_value = *phone;
        }
        auto tags = ParseCareTags(tags_text);
        if (!tags.ok()) return Reject(row.line, "tags", tags.status().field_errors()[0].message);
        p.tags = *tags;
        p.parent = household;
        p.values = {name, id_value, phone_value, birth_value, sex_value, household, *tags, std::string("active"), now, now};
        break;
      }
      case ImportKind::kAssignments: {
        const std::string area = get("area_code"), cadre = get("cadre_name"), phone_text = get("cadre_phone"),
                          org = get("organisation");
        const std::string role(RoleAlias(get("role")));
        if (LevelForAssignmentRole(role).empty()) {
          return Reject(row.line, "role", "must be department_head/部门负责人, deputy/副职, section_chief/科级干部 or cadre/干部");
        }
        if (cadre.empty() || cadre.size() > 60) return Reject(row.line, "cadre_name", "is required (at most 60 bytes)");
        auto phone = ParsePhone(phone_text, "cadre_phone");
        if (!phone.ok()) return Reject(row.line, "cadre_phone", phone.status().field_errors()[0].message);
        p.parent = area;
        p.extra = role;
        p.values = {area, cadre, *phone, org, role, now};
        break;
      }
    }
    batch_.push_back(std::move(p));
  }

  // Checks the batch against the store and what this file already added, inserts
  // the rest, adjusts counts and writes one audit entry — one transaction.
  Status Commit() {
    if (batch_.empty()) return Status::Ok();
    int64_t accepted = 0;
    std::vector<ImportError> rejected;
    std::vector<std::pair<std::string, int64_t>> accepted_keys;  // key → line
    // Every row's parent is looked up (or was found by an earlier batch) before it is
    // inserted, so the store need not check the foreign keys again row by row.
    Status s = store_.CheckedBulkTx([&](store::Conn& c) -> Status {
      if (c.dialect() == store::Dialect::kSqlite && options_.sqlite_cache_mib > 0) {
        // Index pages of big tables are touched at random; keep them in memory.
        // The setting stays with this pooled connection: meant for one-shot CLI runs.
        TC_RETURN_IF_ERROR(c.ExecScript("PRAGMA cache_size = -" + std::to_string(options_.sqlite_cache_mib * 1024)));
      }
      rejected.clear();
      accepted_keys.clear();
      // Parents already found by an earlier batch are not looked up again (areas and
      // households are never deleted or moved); each distinct one is looked up once.
      std::vector<std::string> parents, keys;
      std::unordered_set<std::string_view> asked;
      for (const auto& p : batch_) {
        if (!parent_cache_.contains(p.parent) && asked.insert(p.parent).second) parents.push_back(p.parent);
        if (!p.key.empty()) keys.push_back(p.key);
      }
      std::unordered_map<std::string, std::vector<std::string>> parent_info, existing;
      switch (kind_) {
        case ImportKind::kAreas:
        case ImportKind::kAssignments:
        case ImportKind::kDwellings:
          TC_RETURN_IF_ERROR(LookUp(c, "SELECT code, level, path FROM areas WHERE code IN ", parents, parent_info));
          break;
        case ImportKind::kResidents:
          TC_RETURN_IF_ERROR(LookUp(c, "SELECT h.code, a.code, a.path FROM households h JOIN areas a ON "
                                       "a.code = h.unit_code WHERE h.code IN ",
                                    parents, parent_info));
          break;
      }
      if (kind_ == ImportKind::kAreas) TC_RETURN_IF_ERROR(LookUp(c, "SELECT code, name FROM areas WHERE code IN ", keys, existing));
      if (kind_ == ImportKind::kDwellings) TC_RETURN_IF_ERROR(LookUp(c, "SELECT code, unit_code FROM households WHERE code IN ", keys, existing));
      if (kind_ == ImportKind::kResidents) TC_RETURN_IF_ERROR(LookUp(c, "SELECT id_number, id, household_code FROM residents WHERE id_number IN ", keys, existing));
      for (auto& [code, values] : parent_info) CacheParent(code, std::move(values));

      const KindSpec& spec = Spec(kind_);
      TC_ASSIGN_OR_RETURN(auto bulk, c.Bulk(spec.table, spec.columns));
      CountsDelta deltas;
      std::unordered_map<std::string, std::pair<std::string, std::string>> batch_areas;  // code → level, path
      std::unordered_map<std::string, int64_t> batch_keys;  // key → line, accepted in this batch
      std::vector<const Pending*> to_insert;
      for (auto& p : batch_) {
        auto reject = [&](std::string field, std::string message) {
          rejected.push_back({p.line, std::move(field), std::move(message)});
        };
        // Parent: in the store, or added earlier in this file (areas only).
        std::string parent_level, parent_path;
        if (auto it = parent_cache_.find(p.parent); it != parent_cache_.end()) {
          const std::vector<std::string>& info = parent_values_[it->second];
          parent_level = info[0];
          parent_path = info[1];
        } else if (auto it2 = file_areas_.find(p.parent); kind_ != ImportKind::kResidents && it2 != file_areas_.end()) {
          parent_level = it2->second.first;
          parent_path = it2->second.second;
        } else if (auto it3 = batch_areas.find(p.parent); kind_ == ImportKind::kAreas && it3 != batch_areas.end()) {
          parent_level = it3->second.first;
          parent_path = it3->second.second;
        } else {
          const char* field = kind_ == ImportKind::kAreas       ? "parent_code"
                              : kind_ == ImportKind::kDwellings ? "unit_code"
                              : kind_ == ImportKind::kResidents ? "household_code"
                                                                : "area_code";
          reject(field, "'" + p.parent + "' does not exist");
          continue;
        }
        const std::string& unit_path = parent_path;  // for residents: the household's unit path
        if (!parent_path.starts_with(options_.scope_path)) {  // answered as if it did not exist
          const char* field = kind_ == ImportKind::kAreas       ? "parent_code"
                              : kind_ == ImportKind::kDwellings ? "unit_code"
                              : kind_ == ImportKind::kResidents ? "household_code"
                                                                : "area_code";
          reject(field, "'" + p.parent + "' does not exist");
          continue;
        }
        if (!p.key.empty()) {
          if (auto e = existing.find(p.key); e != existing.end()) {
            // A resident outside the caller's jurisdiction is not named.
            reject(kind_ == ImportKind::kResidents ? "id_number" : "code",
                   kind_ != ImportKind::kResidents             ? "'" + p.key + "' already exists"
                   : e->second[1].starts_with(options_.scope_key) ? "already registered as resident " + e->second[0]
                                                                  : "already registered to another resident");
            continue;
          }
          auto seen = file_keys_.find(p.key);
          auto seen_here = batch_keys.find(p.key);
          if (seen != file_keys_.end() || seen_here != batch_keys.end()) {
            const int64_t first = seen != file_keys_.end() ? seen->second : seen_here->second;
            reject(kind_ == ImportKind::kResidents ? "id_number" : "code",
                   "repeats line " + std::to_string(first) + " of this file");
            continue;
          }
        }
        switch (kind_) {
          case ImportKind::kAreas: {
            auto parent_level_enum = ParseLevel(parent_level);
            Status ok = ValidateChildCode(p.parent, *parent_level_enum, p.key, *ParseLevel(p.extra));
            if (!ok.ok()) {
              reject(ok.field_errors()[0].field, ok.field_errors()[0].message);
              continue;
            }
            p.values[4] = parent_path + p.key + "/";
            batch_areas[p.key] = {p.extra, parent_path + p.key + "/"};
            break;
          }
          case ImportKind::kDwellings: {
            if (parent_level != "unit") {
              reject("unit_code", "'" + p.parent + "' is a " + parent_level + ", not a unit");
              continue;
            }
            AreaCounts one;
            one.households = 1;
            deltas.Add(parent_path, one);
            break;
          }
          case ImportKind::kResidents: {
            if (!options_.scope_key.empty() && !p.parent.starts_with(options_.scope_key)) {
              reject("household_code", "'" + p.parent + "' is outside your jurisdiction");
              continue;
            }
            deltas.Add(unit_path, ResidentDelta(p.tags, +1));
            break;
          }
          case ImportKind::kAssignments: {
            if (LevelForAssignmentRole(p.extra) != parent_level) {
              reject("role", "a " + p.extra + " is assigned to a " + std::string(LevelForAssignmentRole(p.extra)) +
                                 ", and " + p.parent + " is a " + parent_level);
              continue;
            }
            break;
          }
        }
        to_insert.push_back(&p);
        if (!p.key.empty()) {
          accepted_keys.emplace_back(p.key, p.line);
          batch_keys.emplace(p.key, p.line);
        }
        ++accepted;
      }
      if (kind_ == ImportKind::kResidents) {
        // Insert in household order: the household index then grows in runs rather
        // than at random (ids follow that order, not the file's). Checks above ran
        // in file order, so the first of two lines with one ID number is the one kept.
        std::stable_sort(to_insert.begin(), to_insert.end(),
                         [](const Pending* a, const Pending* b) { return a->parent < b->parent; });
      }
      for (const Pending* p : to_insert) TC_RETURN_IF_ERROR(bulk->Add(p->values));
      TC_RETURN_IF_ERROR(bulk->Finish().status());
      TC_RETURN_IF_ERROR(deltas.Apply(c));
      nlohmann::json detail = {{"kind", KindName(kind_)},
                               {"first_line", batch_.front().line},
                               {"last_line", batch_.back().line},
                               {"accepted", accepted},
                               {"rejected", rejected.size()}};
      if (accepted == 0) return Status::Ok();
      for (auto& [code, info] : batch_areas) file_areas_[code] = info;
      return audit::Append(c,
                           {.actor = by_.name, .action = std::string("import.") + KindName(kind_),
                            .target = std::string("import:") + KindName(kind_),
                            .area_path = options_.scope_path.empty() ? "/" : options_.scope_path,
                            .detail = detail.dump(), .request_id = by_.request_id},
                           clock_.Now());
    });
    if (!s.ok()) return s;  // nothing of the batch was committed
    for (auto& [key, line] : accepted_keys) file_keys_.emplace(std::move(key), line);
    report_.accepted += accepted;
    for (auto& e : rejected) Reject(e.line, std::move(e.field), std::move(e.message));
    batch_.clear();
    return Status::Ok();
  }

  size_t pending() const { return batch_.size(); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Remembers a parent found in the store; its values (level or unit code, path) are
  // shared by all parents with the same path (the households of one unit).
  void CacheParent(const std::string& code, std::vector<std::string> values) {
    auto [it, added] = parent_value_ids_.try_emplace(values[1], parent_values_.size());
    if (added) parent_values_.push_back(std::move(values));
    parent_cache_.emplace(code, it->second);
  }

  store::Store& store_;
  const Clock& clock_;
  const ImportKind kind_;
  const audit::Actor& by_;
  const ImportOptions& options_;
  ImportReport& report_;
  const int today_ = TodayShanghai();
  std::vector<Pending> batch_;
  std::unordered_map<std::string, int64_t> file_keys_;  // code / ID number → line that added it
  std::unordered_map<std::string, std::pair<std::string, std::string>> file_areas_;  // code → level, path
  // Parents found in the store by earlier batches: code → index into parent_values_.
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> parent_cache_;
  std::unordered_map<std::string, uint32_t> parent_value_ids_;  // path → index into parent_values_
  std::vector<std::vector<std::string>> parent_values_;
};

}  // namespace

Result<ImportKind> ParseImportKind(std::string_view name) {
  if (name == "areas") return ImportKind::kAreas;
  if (name == "dwellings" || name == "households") return ImportKind::kDwellings;
  if (name == "residents") return ImportKind::kResidents;
  if (name == "assignments") return ImportKind::kAssignments;
  return InvalidArgument("unknown import kind '" + std::string(name) + "' (areas, dwellings, residents, assignments)");
}

ImportReport Import(store::Store& store, const Clock& clock, ImportKind kind, std::istream& in, const audit::Actor& by,
                    const ImportOptions& options) {
  Result<std::unique_ptr<io::TableReader>> table = io::ReadTable(in);
  if (!table.ok()) {
    ImportReport report;
    report.fatal = table.status();
    return report;
  }
  return Import(store, clock, kind, **table, by, options);
}

ImportReport Import(store::Store& store, const Clock& clock, ImportKind kind, io::TableReader& reader,
                    const audit::Actor& by, const ImportOptions& options) {
  const auto started = std::chrono::steady_clock::now();
  ImportReport report;
  report.record_noun = std::string(reader.record_noun());
  auto finish = [&] {
    std::stable_sort(report.errors.begin(), report.errors.end(),
                     [](const ImportError& a, const ImportError& b) { return a.line < b.line; });
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return report;
  };
  auto header = reader.ReadHeader();
  if (!header.ok()) {
    report.fatal = header.status();
    return finish();
  }
  auto cols = io::ColumnMap::Build(*header, Spec(kind).csv, Spec(kind).required);
  if (!cols.ok()) {
    report.fatal = cols.status();
    return finish();
  }
  Importer importer(store, clock, kind, by, options, report);
  io::Row row;
  bool commit_failed = false;
  Status read = reader.ForEach(
      row,
      [&](int64_t line, const std::string& message) {
        ++report.lines;
        importer.Reject(line, "", message);
      },
      [&](io::Row& r) {
        ++report.lines;
        importer.Parse(r, *cols);
        if (static_cast<int>(importer.pending()) < options.batch_rows) return true;
        if (Status s = importer.Commit(); !s.ok()) {
          report.fatal = s;
          commit_failed = true;
          return false;
        }
        if (options.progress) options.progress(reader.bytes_read(), report);
        return true;
      });
  if (commit_failed) return finish();
  report.fatal = read;
  if (Status s = importer.Commit(); !s.ok() && report.fatal.ok()) report.fatal = s;
  if (options.progress) options.progress(reader.bytes_read(), report);
  return finish();
}

}  // namespace tc::registry
