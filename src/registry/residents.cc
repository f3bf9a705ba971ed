#include "registry/residents.h"

#include "registry/lookup.h"

#include <cstring>
#include <nlohmann/json.hpp>

#include "registry/areas.h"
#include "registry/counts.h"
#include "registry/id_number.h"

namespace tc::registry {
namespace {

constexpr const char* kColumns =
    "id, name, id_number, phone, birth_date, sex, household_code, tags, status, merged_into, created_at, updated_at";

struct TagName {
  int64_t bit;
  const char* en;
  const char* zh;
};
constexpr TagName kTagNames[] = {
    {kElderlyAlone, "elderly_alone", "独居老人"}, {kChronic, "chronic", "慢性病"},
    {kPregnant, "pregnant", "孕产妇"},            {kDisability, "disability", "残疾"},
    {kSevereIllness, "severe_illness", "重病"},  {kBedridden, "bedridden", "卧床"},
};

Resident FromRow(const store::Row& r) {
  Resident x;
  x.id = r.Int(0);
  x.name = r.Text(1);
  x.id_number = r.Text(2);
  x.phone = r.Text(3);
  x.birth_date = r.Text(4);
  x.sex = r.Text(5);
  x.household_code = r.Text(6);
  x.tags = r.Int(7);
  x.status = r.Text(8);
  x.merged_into = r.Int(9);
  x.created_at = r.Int(10);
  x.updated_at = r.Int(11);
  return x;
}

store::Value OrNull(const std::string& s) { return s.empty() ? store::Value{} : store::Value{s}; }

Status ValidateName(std::string_view name, Status& invalid) {
  if (name.empty()) invalid.AddFieldError("name", "is required");
  else if (name.size() > 60) invalid.AddFieldError("name", "must be at most 60 bytes");
  for (unsigned char c : name) {
    if (c < 0x20) {
      invalid.AddFieldError("name", "must not contain control characters");
      break;
    }
  }
  return Status::Ok();
}

Result<Resident> GetIn(store::Conn& c, int64_t id) {
  TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kColumns + " FROM residents WHERE id = ?", {id}));
  if (rows.empty()) return NotFound("resident " + std::to_string(id) + " does not exist");
  return FromRow(rows[0]);
}

nlohmann::json Snapshot(const Resident& r) {
  return {{"id", r.id},         {"name", r.name}, {"id_number", r.id_number}, {"phone", r.phone},
          {"birth_date", r.birth_date}, {"sex", r.sex}, {"household_code", r.household_code}, {"tags", r.tags}};
}

}  // namespace

Result<int64_t> ParseCareTags(std::string_view text, std::string_view field) {
  int64_t bits = 0;
  std::string s(text);
  for (const char* sep : {"，", ";", "|", "、"}) {
    for (size_t p = s.find(sep); p != std::string::npos; p = s.find(sep)) s.replace(p, std::strlen(sep), ",");
  }
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    std::string item = s.substr(start, end - start);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    while (!item.empty() && item.front() == ' ') item.erase(0, 1);
    if (!item.empty()) {
      bool found = false;
      for (const auto& t : kTagNames) {
        if (item == t.en || item == t.zh) {
          bits |= t.bit;
          found = true;
        }
      }
      if (!found) {
        return FieldInvalid(std::string(field), "unknown care tag '" + item +
                                                    "' (elderly_alone, chronic, pregnant, disability, severe_illness)");
      }
    }
    start = end + 1;
  }
  return bits;
}

std::vector<std::string> CareTagNames(int64_t tags) {
  std::vector<std::string> out;
  for (const auto& t : kTagNames) {
    if (tags & t.bit) out.emplace_back(t.en);
  }
  return out;
}

Result<Household> Residents::CreateHousehold(std::string_view unit_code, std::string_view room,
                                             std::string_view address, const audit::Actor& by) {
  if (room.empty() || room.size() > 16 || room.find_first_not_of("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") != std::string_view::npos) {
    return FieldInvalid("room", "must be 1 to 16 letters or digits, e.g. 0502");
  }
  if (address.size() > 200) return FieldInvalid("address", "must be at most 200 bytes");
  Household h{std::string(unit_code) + "-" + std::string(room), std::string(unit_code), std::string(address)};
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto unit, c.Query("SELECT level, path FROM areas WHERE code = ?", {h.unit_code}));
    if (unit.empty()) return FieldInvalid("unit_code", "area '" + h.unit_code + "' does not exist");
    if (unit[0].Text(0) != "unit") return FieldInvalid("unit_code", "'" + h.unit_code + "' is a " + unit[0].Text(0) + ", not a unit");
    TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT 1 FROM households WHERE code = ?", {h.code}));
    if (!dup.empty()) return Conflict("household '" + h.code + "' already exists");
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO households (code, unit_code, address, created_at) VALUES (?, ?, ?, ?)",
                              {h.code, h.unit_code, h.address, now})
                           .status());
    AreaCounts one;
    one.households = 1;
    TC_RETURN_IF_ERROR(AdjustCounts(c, unit[0].Text(1), one));
    return audit::Append(c,
                         {.actor = by.name, .action = "household.create", .target = "household:" + h.code,
                          .area_path = unit[0].Text(1), .detail = nlohmann::json({{"address", h.address}}).dump(),
                          .request_id = by.request_id},
                         now);
  }));
  return h;
}

Result<Household> Residents::GetHousehold(std::string_view code) {
  std::optional<Household> h;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT code, unit_code, address FROM households WHERE code = ?",
                                           {std::string(code)}));
    if (!rows.empty()) h = Household{rows[0].Text(0), rows[0].Text(1), rows[0].Text(2)};
    return Status::Ok();
  }));
  if (!h) return NotFound("household '" + std::string(code) + "' does not exist");
  return *h;
}

Result<std::string> Residents::HouseholdAreaPath(std::string_view household_code) {
  std::string path;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(path, registry::HouseholdAreaPath(c, household_code));
    return Status::Ok();
  }));
  return path;
}

Result<Resident> Residents::Create(const NewResident& nr, const audit::Actor& by, std::string_view viewer_scope) {
  Status invalid = InvalidArgument("resident is invalid");
  (void)ValidateName(nr.name, invalid);
  Resident r;
  r.name = nr.name;
  r.household_code = nr.household_code;
  if (!nr.id_number.empty()) {
    auto id = ParseIdNumber(nr.id_number, TodayShanghai());
    if (!id.ok()) {
      for (const auto& fe : id.status().field_errors()) invalid.AddFieldError(fe.field, fe.message);
    } else {
      r.id_number = id->normalized;
      r.birth_date = id->BirthDate();
      r.sex = id->sex == Sex::kMale ? "M" : "F";
      if (!nr.birth_date.empty() && nr.birth_date != r.birth_date) {
        invalid.AddFieldError("birth_date", "is " + nr.birth_date + " but the ID number says " + r.birth_date);
      }
      if (!nr.sex.empty() && nr.sex != r.sex) invalid.AddFieldError("sex", "disagrees with the ID number");
    }
  } else {
    if (!nr.birth_date.empty()) {
      auto t = ParseTime(nr.birth_date);
      if (!t.ok() || nr.birth_date.size() != 10) invalid.AddFieldError("birth_date", "must be a date YYYY-MM-DD");
      else if (*t > clock_.Now()) invalid.AddFieldError("birth_date", "is in the future");
      else r.birth_date = nr.birth_date;
    }
    if (!nr.sex.empty() && nr.sex != "M" && nr.sex != "F") invalid.AddFieldError("sex", "must be M or F");
    r.sex = nr.sex;
  }
  if (!nr.phone.empty()) {
    auto phone = ParsePhone(nr.phone);
    if (!phone.ok()) invalid.AddFieldError("phone", phone.status().field_errors().at(0).message);
    else r.phone = *phone;
  }
  auto tags = ParseCareTags(nr.tags);
  if (!tags.ok()) invalid.AddFieldError("tags", tags.status().field_errors().at(0).message);
  else r.tags = *tags;
  if (nr.household_code.empty()) invalid.AddFieldError("household_code", "is required");
  if (!invalid.field_errors().empty()) return invalid;

  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    auto path = registry::HouseholdAreaPath(c, r.household_code);
    if (!path.ok()) return FieldInvalid("household_code", path.status().message());
    if (!r.id_number.empty()) {
      TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id, name, household_code FROM residents WHERE id_number = ?",
                                            {r.id_number}));
      if (!dup.empty() && !dup[0].Text(2).starts_with(viewer_scope)) {
        return Conflict("ID number " + MaskIdNumber(r.id_number) + " is already registered to another resident")
            .AddFieldError("id_number", "already registered to another resident");
      }
      if (!dup.empty()) {
        return Conflict("ID number " + MaskIdNumber(r.id_number) + " already belongs to resident " +
                        dup[0].Text(0) + " (" + dup[0].Text(1) + ")")
            .AddFieldError("id_number", "already registered as resident " + dup[0].Text(0));
      }
    }
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query(std::string("INSERT INTO residents (name, id_number, phone, birth_date, sex, "
                                            "household_code, tags, status, created_at, updated_at) VALUES "
                                            "(?, ?, ?, ?, ?, ?, ?, 'active', ?, ?) RETURNING ") + kColumns,
                                {r.name, OrNull(r.id_number), OrNull(r.phone), OrNull(r.birth_date), OrNull(r.sex),
                                 r.household_code, r.tags, now, now}));
    r = FromRow(rows[0]);
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO residence_history (resident_id, household_code, moved_in_at, reason, actor) "
                              "VALUES (?, ?, ?, ?, ?)",
                              {r.id, r.household_code, now, std::string("registered"), by.name})
                           .status());
    TC_RETURN_IF_ERROR(AdjustCounts(c, *path, ResidentDelta(r.tags, +1)));
    return audit::Append(c,
                         {.actor = by.name, .action = "resident.create", .target = "resident:" + std::to_string(r.id),
                          .area_path = *path, .detail = nlohmann::json({{"household_code", r.household_code}}).dump(),
                          .request_id = by.request_id},
                         now);
  }));
  return r;
}

Result<Resident> Residents::Get(int64_t id) {
  std::optional<Resident> r;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(r, GetIn(c, id));
    return Status::Ok();
  }));
  return *r;
}

Result<std::vector<Resident>> Residents::List(const ResidentQuery& q) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM residents WHERE household_code >= ? AND household_code < ?";
  store::Params params{q.scope, store::PrefixEnd(q.scope)};
  if (q.scope.empty()) {
    sql = std::string("SELECT ") + kColumns + " FROM residents WHERE 1 = 1";
    params.clear();
  }
  if (!q.id_number.empty()) {
    std::string id = q.id_number;
    if (!id.empty() && id.back() == 'x') id.back() = 'X';
    sql += " AND id_number = ?";
    params.emplace_back(id);
  }
  if (!q.name.empty()) {
    sql += " AND name = ?";
    params.emplace_back(q.name);
  }
  if (!q.phone.empty()) {
    auto phone = ParsePhone(q.phone);
    sql += " AND phone = ?";
    params.emplace_back(phone.ok() ? *phone : q.phone);
  }
  if (q.tags) {
    sql += " AND (tags & ?) <> 0";
    params.emplace_back(q.tags);
  }
  if (!q.include_merged) sql += " AND status = 'active'";
  if (q.after_id > 0) {
    sql += " AND id > ?";
    params.emplace_back(q.after_id);
  }
  sql += " ORDER BY id LIMIT ?";
  params.emplace_back(int64_t{q.limit});
  return store_.ReadAll<Resident>(sql, params, FromRow);
}

Result<Resident> Residents::Update(int64_t id, std::optional<std::string> name, std::optional<std::string> phone,
                                   std::optional<std::string> tags, const audit::Actor& by) {
  Status invalid = InvalidArgument("resident update is invalid");
  if (name) (void)ValidateName(*name, invalid);
  std::optional<std::string> new_phone;
  if (phone) {
    if (phone->empty()) {
      new_phone = "";
    } else {
      auto p = ParsePhone(*phone);
      if (!p.ok()) invalid.AddFieldError("phone", p.status().field_errors().at(0).message);
      else new_phone = *p;
    }
  }
  std::optional<int64_t> new_tags;
  if (tags) {
    auto t = ParseCareTags(*tags);
    if (!t.ok()) invalid.AddFieldError("tags", t.status().field_errors().at(0).message);
    else new_tags = *t;
  }
  if (!invalid.field_errors().empty()) return invalid;
  const Millis now = clock_.Now();
  std::optional<Resident> out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(Resident before, GetIn(c, id));
    if (before.status != "active") return Conflict("resident " + std::to_string(id) + " was merged into " +
                                                   std::to_string(before.merged_into));
    Resident after = before;
    nlohmann::json changed = nlohmann::json::object();
    if (name && *name != before.name) {
      after.name = *name;
      changed["name"] = {{"from", before.name}, {"to", *name}};
    }
    if (new_phone && *new_phone != before.phone) {
      after.phone = *new_phone;
      changed["phone"] = "changed";  // the audit log keeps no plain phone numbers
    }
    if (new_tags && *new_tags != before.tags) {
      after.tags = *new_tags;
      changed["tags"] = {{"from", CareTagNames(before.tags)}, {"to", CareTagNames(*new_tags)}};
    }
    if (changed.empty()) {
      out = before;
      return Status::Ok();
    }
    TC_RETURN_IF_ERROR(c.Exec("UPDATE residents SET name = ?, phone = ?, tags = ?, updated_at = ? WHERE id = ?",
                              {after.name, OrNull(after.phone), after.tags, now, id})
                           .status());
    TC_ASSIGN_OR_RETURN(std::string path, registry::HouseholdAreaPath(c, before.household_code));
    if (after.tags != before.tags) {
      TC_RETURN_IF_ERROR(AdjustCounts(c, path, ResidentDelta(before.tags, -1)));
      TC_RETURN_IF_ERROR(AdjustCounts(c, path, ResidentDelta(after.tags, +1)));
    }
    TC_RETURN_IF_ERROR(audit::Append(c,
                                     {.actor = by.name, .action = "resident.update",
                                      .target = "resident:" + std::to_string(id), .area_path = path,
                                      .detail = changed.dump(), .request_id = by.request_id},
                                     now));
    TC_ASSIGN_OR_RETURN(out, GetIn(c, id));
    return Status::Ok();
  }));
  return *out;
}

Result<Resident> Residents::Move(int64_t id, std::string_view household_code, std::string_view reason,
                                 const audit::Actor& by) {
  if (reason.empty()) return FieldInvalid("reason", "is required");
  const Millis now = clock_.Now();
  std::optional<Resident> out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(Resident before, GetIn(c, id));
    if (before.status != "active") return Conflict("resident " + std::to_string(id) + " was merged");
    if (before.household_code == household_code) return FieldInvalid("household_code", "is the current household");
    auto to_path = registry::HouseholdAreaPath(c, household_code);
    if (!to_path.ok()) return FieldInvalid("household_code", to_path.status().message());
    TC_ASSIGN_OR_RETURN(std::string from_path, registry::HouseholdAreaPath(c, before.household_code));
    TC_RETURN_IF_ERROR(c.Exec("UPDATE residents SET household_code = ?, updated_at = ? WHERE id = ?",
                              {std::string(household_code), now, id})
                           .status());
    TC_ASSIGN_OR_RETURN(auto open, c.Exec("UPDATE residence_history SET moved_out_at = ? WHERE resident_id = ? "
                                          "AND moved_out_at IS NULL",
                                          {now, id}));
    if (open.affected == 0) {
      // Generated and bulk-imported residents have no history row yet: record where they were.
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO residence_history (resident_id, household_code, moved_in_at, moved_out_at, "
                                "reason, actor) VALUES (?, ?, ?, ?, ?, ?)",
                                {id, before.household_code, before.created_at, now, std::string("registered (bulk)"),
                                 std::string("import")})
                             .status());
    }
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO residence_history (resident_id, household_code, moved_in_at, reason, actor) "
                              "VALUES (?, ?, ?, ?, ?)",
                              {id, std::string(household_code), now, std::string(reason), by.name})
                           .status());
    TC_RETURN_IF_ERROR(AdjustCounts(c, from_path, ResidentDelta(before.tags, -1)));
    TC_RETURN_IF_ERROR(AdjustCounts(c, *to_path, ResidentDelta(before.tags, +1)));
    nlohmann::json detail = {{"from", before.household_code}, {"to", household_code}, {"reason", reason}};
    // Both places see the move in their audit view.
    for (const std::string* path : {&from_path, &*to_path}) {
      TC_RETURN_IF_ERROR(audit::Append(c,
                                       {.actor = by.name, .action = "resident.move",
                                        .target = "resident:" + std::to_string(id), .area_path = *path,
                                        .detail = detail.dump(), .request_id = by.request_id},
                                       now));
      if (from_path == *to_path) break;
    }
    TC_ASSIGN_OR_RETURN(out, GetIn(c, id));
    return Status::Ok();
  }));
  return *out;
}

Result<std::vector<Residence>> Residents::History(int64_t id) {
  std::vector<Residence> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(GetIn(c, id).status());
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT household_code, moved_in_at, moved_out_at, reason, actor FROM "
                                           "residence_history WHERE resident_id = ? ORDER BY id",
                                           {id}));
    for (const auto& r : rows.rows) out.push_back({r.Text(0), r.Int(1), r.Int(2), r.Text(3), r.Text(4)});
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<DuplicateCandidate>> Residents::DuplicateCandidates(std::string_view scope, int limit) {
  const std::string lo(scope), hi = store::PrefixEnd(scope);
  const std::string cols_a = "a.id, a.name, a.id_number, a.phone, a.birth_date, a.sex, a.household_code, a.tags, "
                             "a.status, a.merged_into, a.created_at, a.updated_at";
  std::string cols_b = cols_a;
  for (size_t p = cols_b.find("a."); p != std::string::npos; p = cols_b.find("a.", p + 2)) cols_b[p] = 'b';
  const std::string base = "SELECT " + cols_a + ", " + cols_b + " FROM residents a JOIN residents b ON ";
  const std::string where =
      " AND a.id < b.id AND a.status = 'active' AND b.status = 'active'"
      " AND (a.id_number IS NULL OR b.id_number IS NULL)"
      " AND a.household_code >= ? AND a.household_code < ? AND b.household_code >= ? AND b.household_code < ?";
  std::vector<DuplicateCandidate> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    auto collect = [&](const std::string& sql, const std::string& reason) -> Status {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query(sql, {lo, hi, lo, hi, int64_t{limit}}));
      for (const auto& row : rows.rows) {
        store::Row ra, rb;
        ra.cells.assign(row.cells.begin(), row.cells.begin() + 12);
        rb.cells.assign(row.cells.begin() + 12, row.cells.end());
        DuplicateCandidate d{FromRow(ra), FromRow(rb), reason};
        bool seen = false;
        for (const auto& o : out) seen = seen || (o.a.id == d.a.id && o.b.id == d.b.id);
        if (!seen) out.push_back(std::move(d));
      }
      return Status::Ok();
    };
    TC_RETURN_IF_ERROR(collect(base + "b.name = a.name AND b.phone = a.phone WHERE a.phone IS NOT NULL" + where +
                                   " ORDER BY a.id LIMIT ?",
                               "same name and phone"));
    return collect(base +
                       "b.name = a.name AND b.birth_date = a.birth_date AND "
                       "substr(b.household_code, 1, 12) = substr(a.household_code, 1, 12) WHERE a.birth_date IS NOT NULL" +
                       where + " ORDER BY a.id LIMIT ?",
                   "same name and birth date in one community");
  }));
  if (static_cast<int>(out.size()) > limit) out.resize(limit);
  return out;
}

Result<Resident> Residents::Merge(int64_t keep_id, int64_t merge_id, const audit::Actor& by) {
  if (keep_id == merge_id) return FieldInvalid("merge_id", "must differ from keep_id");
  const Millis now = clock_.Now();
  std::optional<Resident> out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(Resident keep, GetIn(c, keep_id));
    TC_ASSIGN_OR_RETURN(Resident gone, GetIn(c, merge_id));
    if (keep.status != "active" || gone.status != "active") {
      return Conflict("resident " + std::to_string(keep.status != "active" ? keep_id : merge_id) + " is already merged");
    }
    if (!keep.id_number.empty() && !gone.id_number.empty() && keep.id_number != gone.id_number) {
      return Conflict("residents " + std::to_string(keep_id) + " and " + std::to_string(merge_id) +
                      " have different ID numbers: they are two people");
    }
    Resident merged = keep;
    if (merged.id_number.empty()) merged.id_number = gone.id_number;
    if (merged.phone.empty()) merged.phone = gone.phone;
    if (merged.birth_date.empty()) merged.birth_date = gone.birth_date;
    if (merged.sex.empty()) merged.sex = gone.sex;
    merged.tags |= gone.tags;
    // The merged record gives up its ID number first (it is unique).
    TC_RETURN_IF_ERROR(c.Exec("UPDATE residents SET status = 'merged', merged_into = ?, id_number = NULL, "
                              "updated_at = ? WHERE id = ?",
                              {keep_id, now, merge_id})
                           .status());
    TC_RETURN_IF_ERROR(c.Exec("UPDATE residents SET id_number = ?, phone = ?, birth_date = ?, sex = ?, tags = ?, "
                              "updated_at = ? WHERE id = ?",
                              {OrNull(merged.id_number), OrNull(merged.phone), OrNull(merged.birth_date),
                               OrNull(merged.sex), merged.tags, now, keep_id})
                           .status());
    TC_RETURN_IF_ERROR(c.Exec("UPDATE residence_history SET moved_out_at = ? WHERE resident_id = ? AND moved_out_at IS NULL",
                              {now, merge_id})
                           .status());
    nlohmann::json snapshot = {{"kept", Snapshot(keep)}, {"merged", Snapshot(gone)}};
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO resident_merges (kept_id, merged_id, snapshot, actor, at) VALUES (?, ?, ?, ?, ?)",
                              {keep_id, merge_id, snapshot.dump(), by.name, now})
                           .status());
    TC_ASSIGN_OR_RETURN(std::string path, registry::HouseholdAreaPath(c, keep.household_code));
    TC_ASSIGN_OR_RETURN(std::string gone_path, registry::HouseholdAreaPath(c, gone.household_code));
    TC_RETURN_IF_ERROR(AdjustCounts(c, gone_path, ResidentDelta(gone.tags, -1)));
    TC_RETURN_IF_ERROR(AdjustCounts(c, path, ResidentDelta(keep.tags, -1)));
    TC_RETURN_IF_ERROR(AdjustCounts(c, path, ResidentDelta(merged.tags, +1)));
    TC_RETURN_IF_ERROR(audit::Append(c,
                                     {.actor = by.name, .action = "resident.merge",
                                      .target = "resident:" + std::to_string(keep_id), .area_path = path,
                                      .detail = nlohmann::json({{"merged_id", merge_id}}).dump(),
                                      .request_id = by.request_id},
                                     now));
    TC_ASSIGN_OR_RETURN(out, GetIn(c, keep_id));
    return Status::Ok();
  }));
  return *out;
}

Status Residents::AuditUnmaskedRead(const std::vector<int64_t>& ids, std::string_view purpose,
                                    std::string_view area_path, const audit::Actor& by) {
  if (ids.empty()) return Status::Ok();
  nlohmann::json detail = {{"resident_ids", ids}, {"purpose", purpose}};
  return store_.Tx([&](store::Conn& c) {
    return audit::Append(c,
                         {.actor = by.name, .action = "resident.unmask", .target = "residents:" + std::to_string(ids.size()),
                          .area_path = std::string(area_path), .detail = detail.dump(), .request_id = by.request_id},
                         clock_.Now());
  });
}

}  // namespace tc::registry
