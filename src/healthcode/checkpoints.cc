#include "healthcode/checkpoints.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <unordered_set>

#include "healthcode/codes.h"
#include "healthcode/keys.h"
#include "registry/areas.h"
#include "registry/lookup.h"

namespace tc::healthcode {

namespace {

constexpr Millis kHourMs = 3'600'000;
constexpr Millis kDayMs = 86'400'000;
constexpr Millis kMaxPermitWindow = 92 * kDayMs;  // token.h VerifyOptions::max_permit_lifetime

constexpr CheckpointKind kKinds[] = {CheckpointKind::kHighway, CheckpointKind::kStation, CheckpointKind::kAirport,
                                     CheckpointKind::kCompoundGate, CheckpointKind::kOther};
constexpr Decision kDecisions[] = {Decision::kPass, Decision::kDeny, Decision::kTest};

bool ValidCode(std::string_view s) {
  if (s.empty() || s.size() > 32 || s == "stats") return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  });
}

bool ValidUsername(std::string_view u) { return !u.empty() && u.size() <= 64 && u.find(',') == std::string_view::npos; }

std::string JoinList(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// Text a screen can show: valid UTF-8 without control characters.
bool CleanText(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    if (n == 1 && (c < 0x20 || c == 0x7F)) return false;
    for (int k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

std::string ColourText(std::optional<Colour> c) { return c ? std::string(ColourName(*c)) : ""; }
std::optional<Colour> ColourOfText(const std::string& s) {
  Colour c;
  if (ParseColour(s, &c)) return c;
  return std::nullopt;
}

// The Chinese words for a refusal, for the checkpoint's screen.
std::string RefusalZh(Refusal r, const std::string& kind) {
  const std::string what = kind == "permit" ? "通行证" : kind == "health_code" ? "健康码" : "码";
  switch (r) {
    case Refusal::kBadClock:
      return "本机时钟异常，无法核验";
    case Refusal::kOversized:
      return "码内容过长，不是本市的健康码或通行证";
    case Refusal::kMalformed:
      return "无法识别的码（不是本市的健康码或通行证，或扫描不完整）";
    case Refusal::kUnknownKey:
      return "签名密钥未知，无法核验（码可能伪造）";
    case Refusal::kBadSignature:
      return "签名无效：" + what + "被篡改或伪造";
    case Refusal::kWrongKind:
      return what + "类型不符";
    case Refusal::kAbsurdTime:
      return what + "的时间异常";
    case Refusal::kRetiredKey:
      return "签发密钥已停用，请重新获取" + what;
    case Refusal::kNotYetValid:
      return what + "尚未生效";
    case Refusal::kExpired:
      return kind == "permit" ? "通行证已过期" : what + "已过期，请刷新后重新出示";
    case Refusal::kNone:
      break;
  }
  return "核验失败";
}

std::string DecisionZh(Colour c) {
  switch (c) {
    case Colour::kGreen:
      return "绿码，通行";
    case Colour::kYellow:
      return "黄码，请引导至核酸检测点检测";
    case Colour::kRed:
      return "红码，禁止通行";
  }
  return "";
}

Decision DecisionOf(Colour c) {
  return c == Colour::kGreen ? Decision::kPass : c == Colour::kYellow ? Decision::kTest : Decision::kDeny;
}

// The Shanghai day [start, end) of a date ("" = the day of `now`); InvalidArgument
// naming "date".
Result<std::pair<Millis, std::string>> DayOf(std::string_view date, Millis now) {
  const std::string d = date.empty() ? DateShanghai(now) : std::string(date);
  auto start = ParseTime(d);
  if (d.size() != 10 || !start.ok() || DateShanghai(*start) != d) {
    return FieldInvalid("date", "'" + d + "' is not a date (YYYY-MM-DD)");
  }
  return std::make_pair(*start, d);
}

void Count(PassageCounts& c, const std::string& decision, const std::string& colour, const std::string& kind,
           int64_t n) {
  if (decision == "pass") c.pass += n;
  if (decision == "deny") c.deny += n;
  if (decision == "test") c.test += n;
  if (colour == "green") c.green += n;
  if (colour == "yellow") c.yellow += n;
  if (colour == "red") c.red += n;
  if (kind == "permit") c.permits += n;
}

Permit PermitOfRow(const store::Row& r) {
  Permit p;
  p.id = r.Int(0);
  p.plate = r.Text(1);
  p.note = r.Text(2);
  p.valid_from = r.Int(3);
  p.valid_until = r.Int(4);
  p.payload = r.Text(5);
  p.area_path = r.Text(6);
  p.issued_by = r.Text(7);
  p.issued_at = r.Int(8);
  p.revoked_at = r.Int(9);
  p.revoked_by = r.Text(10);
  p.revoke_reason = r.Text(11);
  return p;
}
constexpr const char* kPermitColumns =
    "id, plate, note, valid_from, valid_until, payload, area_path, issued_by, issued_at, revoked_at, revoked_by, "
    "revoke_reason";

// The path range [p, p') of everything under a path, for `path >= ? AND path < ?`.
std::string PathEnd(std::string_view path) {
  std::string end(path);
  if (end.empty()) return "\x7f";
  end.back() = static_cast<char>(end.back() + 1);
  return end;
}

}  // namespace

std::string_view CheckpointKindName(CheckpointKind k) {
  switch (k) {
    case CheckpointKind::kHighway:
      return "highway";
    case CheckpointKind::kStation:
      return "station";
    case CheckpointKind::kAirport:
      return "airport";
    case CheckpointKind::kCompoundGate:
      return "compound_gate";
    case CheckpointKind::kOther:
      return "other";
  }
  return "other";
}

bool ParseCheckpointKind(std::string_view s, CheckpointKind* out) {
  for (CheckpointKind k : kKinds) {
    if (s == CheckpointKindName(k)) {
      *out = k;
      return true;
    }
  }
  return false;
}

std::string_view DecisionName(Decision d) {
  return d == Decision::kPass ? "pass" : d == Decision::kTest ? "test" : "deny";
}

bool ParseDecision(std::string_view s, Decision* out) {
  for (Decision d : kDecisions) {
    if (s == DecisionName(d)) {
      *out = d;
      return true;
    }
  }
  return false;
}

bool MayWorkAt(const Checkpoint& c, const Caller& by) {
  if (by.staff_only) return std::find(c.staff.begin(), c.staff.end(), by.username) != c.staff.end();
  return !by.area_path.empty() && c.area_path.starts_with(by.area_path);
}

std::string Permit::StatusAt(Millis now) const {
  if (revoked_at != 0) return "revoked";
  if (now >= valid_until) return "expired";
  if (now < valid_from) return "pending";
  return "valid";
}

Result<Millis> ParseWindowTime(std::string_view text, bool until, std::string_view field) {
  auto t = ParseTime(text);
  if (!t.ok()) {
    return FieldInvalid(std::string(field),
                        "'" + std::string(text) + "' is not an RFC 3339 time or a date (YYYY-MM-DD)");
  }
  if (text.size() == 10) {
    if (DateShanghai(*t) != text) return FieldInvalid(std::string(field), "'" + std::string(text) + "' is not a date");
    if (until) return *t + kDayMs;
  }
  return *t;
}

std::string MaskName(std::string_view name) {
  if (name.empty()) return "";
  std::string out;
  size_t i = 0;
  bool first = true;
  size_t count = 0;
  while (i < name.size()) {
    const auto c = static_cast<unsigned char>(name[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    n = std::min(n, name.size() - i);
    if (first) {
      out.append(name.substr(i, n));
      first = false;
    } else {
      out += '*';
    }
    ++count;
    i += n;
  }
  if (count == 1) return "*";
  return out;
}

// ---- State ----

struct Checkpoints::State {
  mutable std::shared_mutex mu;
  std::map<std::string, Checkpoint, std::less<>> by_code;
  std::map<int64_t, std::string> code_of_id;
  std::unordered_set<int64_t> revoked;
  std::mutex write_mu;  // checkpoint and permit writes, one at a time
};

Checkpoints::Checkpoints(store::Store& store, const Clock& clock, SigningKeys& keys, HealthCodes* codes)
    : store_(store), clock_(clock), keys_(keys), codes_(codes), st_(std::make_unique<State>()) {}
Checkpoints::~Checkpoints() = default;

Result<std::unique_ptr<Checkpoints>> Checkpoints::Open(store::Store& store, const Clock& clock, SigningKeys& keys,
                                                       HealthCodes* codes) {
  std::unique_ptr<Checkpoints> c(new Checkpoints(store, clock, keys, codes));
  TC_RETURN_IF_ERROR(c->Load());
  return c;
}

Status Checkpoints::Load() {
  std::map<std::string, Checkpoint, std::less<>> by_code;
  std::unordered_set<int64_t> revoked;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, code, name, kind, area_code, area_name, area_path, staff, "
                                           "created_by, created_at FROM checkpoints"));
    for (const auto& r : rows.rows) {
      Checkpoint cp;
      cp.id = r.Int(0);
      cp.code = r.Text(1);
      cp.name = r.Text(2);
      if (!ParseCheckpointKind(r.Text(3), &cp.kind)) return Internal("checkpoint " + cp.code + ": unknown kind");
      cp.area_code = r.Text(4);
      cp.area_name = r.Text(5);
      cp.area_path = r.Text(6);
      cp.staff = SplitList(r.Text(7));
      cp.created_by = r.Text(8);
      cp.created_at = r.Int(9);
      by_code[cp.code] = std::move(cp);
    }
    TC_ASSIGN_OR_RETURN(auto rv, c.Query("SELECT id FROM transport_permits WHERE revoked_at <> 0"));
    for (const auto& r : rv.rows) revoked.insert(r.Int(0));
    return Status::Ok();
  }));
  std::unique_lock l(st_->mu);
  st_->by_code = std::move(by_code);
  st_->code_of_id.clear();
  for (const auto& [code, cp] : st_->by_code) st_->code_of_id[cp.id] = code;
  st_->revoked = std::move(revoked);
  return Status::Ok();
}

// ---- Checkpoints and staff ----

Result<Checkpoint> Checkpoints::Create(const Checkpoint& in, const audit::Actor& by) {
  Status invalid = InvalidArgument("the checkpoint is not valid");
  if (!ValidCode(in.code)) invalid.AddFieldError("code", "1–32 letters, digits, '-' or '_' (not 'stats')");
  if (in.name.empty() || in.name.size() > 200 || !CleanText(in.name)) {
    invalid.AddFieldError("name", "is required (text, at most 200 bytes)");
  }
  for (size_t i = 0; i < in.staff.size(); ++i) {
    if (!ValidUsername(in.staff[i])) {
      invalid.AddFieldError("staff[" + std::to_string(i) + "]", "'" + in.staff[i] + "' is not a username");
    }
  }
  registry::Areas areas(store_, clock_);
  auto area = areas.Get(in.area_code);
  if (!area.ok()) invalid.AddFieldError("area_code", "area '" + in.area_code + "' does not exist");
  if (!invalid.field_errors().empty()) return invalid;

  Checkpoint cp = in;
  cp.area_name = area->name;
  cp.area_path = area->path;
  cp.created_by = by.name;
  cp.created_at = clock_.Now();
  cp.staff.clear();
  for (const auto& u : in.staff) {
    if (std::find(cp.staff.begin(), cp.staff.end(), u) == cp.staff.end()) cp.staff.push_back(u);
  }
  std::lock_guard w(st_->write_mu);
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id FROM checkpoints WHERE code = ?", {cp.code}));
    if (!dup.empty()) return Conflict("checkpoint " + cp.code + " already exists");
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query("INSERT INTO checkpoints (code, name, kind, area_code, area_name, area_path, staff, "
                                "created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                                {cp.code, cp.name, std::string(CheckpointKindName(cp.kind)), cp.area_code, cp.area_name,
                                 cp.area_path, JoinList(cp.staff), cp.created_by, cp.created_at}));
    cp.id = rows[0].Int(0);
    nlohmann::json detail = {{"code", cp.code},
                             {"name", cp.name},
                             {"kind", CheckpointKindName(cp.kind)},
                             {"area", cp.area_code},
                             {"staff", cp.staff}};
    return audit::Append(c,
                         {.actor = by.name,
                          .action = "checkpoint.create",
                          .target = "checkpoint:" + cp.code,
                          .area_path = cp.area_path,
                          .detail = detail.dump(),
                          .request_id = by.request_id},
                         cp.created_at);
  }));
  std::unique_lock l(st_->mu);
  st_->by_code[cp.code] = cp;
  st_->code_of_id[cp.id] = cp.code;
  return cp;
}

std::vector<Checkpoint> Checkpoints::List(const Caller& by) const {
  std::shared_lock l(st_->mu);
  std::vector<Checkpoint> out;
  for (const auto& [code, cp] : st_->by_code) {
    if (MayWorkAt(cp, by)) out.push_back(cp);
  }
  return out;
}

Result<Checkpoint> Checkpoints::Find(std::string_view code, const Caller& by) const {
  std::shared_lock l(st_->mu);
  auto it = st_->by_code.find(code);
  if (it == st_->by_code.end() || !MayWorkAt(it->second, by)) return NoSuch("checkpoint " + std::string(code));
  return it->second;
}

Result<Checkpoint> Checkpoints::Get(std::string_view code, const Caller& by) const { return Find(code, by); }

Result<Checkpoint> Checkpoints::SetStaff(std::string_view code, std::span<const std::string> usernames,
                                         const Caller& by, const audit::Actor& actor) {
  if (by.staff_only) return NoSuch("checkpoint " + std::string(code));
  TC_ASSIGN_OR_RETURN(Checkpoint cp, Find(code, by));
  std::vector<std::string> staff;
  for (size_t i = 0; i < usernames.size(); ++i) {
    if (!ValidUsername(usernames[i])) {
      return FieldInvalid("staff[" + std::to_string(i) + "]", "'" + usernames[i] + "' is not a username");
    }
    if (std::find(staff.begin(), staff.end(), usernames[i]) == staff.end()) staff.push_back(usernames[i]);
  }
  std::lock_guard w(st_->write_mu);
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("UPDATE checkpoints SET staff = ? WHERE id = ?", {JoinList(staff), cp.id}).status());
    nlohmann::json detail = {{"staff", staff}, {"before", cp.staff}};
    return audit::Append(c,
                         {.actor = actor.name,
                          .action = "checkpoint.staff",
                          .target = "checkpoint:" + cp.code,
                          .area_path = cp.area_path,
                          .detail = detail.dump(),
                          .request_id = actor.request_id},
                         now);
  }));
  std::unique_lock l(st_->mu);
  st_->by_code[cp.code].staff = staff;
  return st_->by_code[cp.code];
}

// ---- Scans and the passage log ----

Status Checkpoints::Insert(int64_t checkpoint_id, const std::string& source, ScanResult& r,
                           const std::string& operator_name) {
  r.at = clock_.Now();
  return store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO checkpoint_passages (checkpoint_id, at, source, kind, person_id, plate, permit_id, "
                "colour_seen, colour, decision, reason, refusal, verified, operator) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                {checkpoint_id, r.at, source, r.kind, r.person_id, r.plate, r.permit_id, ColourText(r.colour_seen),
                 ColourText(r.colour), std::string(DecisionName(r.decision)), r.reason,
                 std::string(r.refusal == Refusal::kNone ? "" : RefusalName(r.refusal)), int64_t{r.verified ? 1 : 0},
                 operator_name}));
    r.passage_id = rows[0].Int(0);
    return Status::Ok();
  });
}

Result<ScanResult> Checkpoints::Scan(std::string_view code, std::string_view payload, const Caller& by,
                                     const audit::Actor& actor) {
  TC_ASSIGN_OR_RETURN(Checkpoint cp, Find(code, by));
  // A keyboard-wedge scanner ends with CR/LF; spaces around are not part of a code.
  while (!payload.empty() && std::isspace(static_cast<unsigned char>(payload.front()))) payload.remove_prefix(1);
  while (!payload.empty() && std::isspace(static_cast<unsigned char>(payload.back()))) payload.remove_suffix(1);
  const Millis now = clock_.Now();
  const KeySet keys = keys_.Public();
  ScanResult r;
  Refusal why = Refusal::kNone;
  // As a health code first; a permit answers wrong_kind, then is verified as one. A
  // refusal after the kind check (times, keys) still tells the kind.
  auto claims = Verify(payload, keys, now, {.expect = Kind::kHealthCode}, &why);
  if (!claims.ok() && why == Refusal::kWrongKind) {
    claims = Verify(payload, keys, now, {.expect = Kind::kTransportPermit}, &why);
    r.kind = "permit";
  } else if (claims.ok() || why == Refusal::kAbsurdTime || why == Refusal::kRetiredKey ||
             why == Refusal::kNotYetValid || why == Refusal::kExpired) {
    r.kind = "health_code";
  }
  if (!claims.ok()) {
    r.decision = Decision::kDeny;
    r.refusal = why;
    r.reason = RefusalZh(why, r.kind);
    r.detail = claims.status().message();
  } else if (claims->kind == Kind::kHealthCode) {
    r.verified = true;
    r.colour_seen = claims->colour;
    r.expires_at = claims->expires_at;
    if (codes_ == nullptr) return Unavailable("health codes are not loaded in this process");
    const int64_t resident = codes_->ResidentOfToken(claims->token);
    auto live = resident != 0 ? codes_->ColourOf(resident) : Result<Colour>(NotFound("token"));
    if (!live.ok()) {
      r.decision = Decision::kDeny;
      r.reason = "查无此码对应的居民，禁止通行";
    } else {
      r.person_id = resident;
      r.colour = *live;
      r.decision = DecisionOf(*live);
      r.reason = DecisionZh(*live);
      if (*live != claims->colour) {
        r.reason += "（码上显示" + std::string(ColourNameZh(claims->colour)) + "，实时状态已变为" +
                    std::string(ColourNameZh(*live)) + "，以实时状态为准）";
      }
    }
  } else {
    r.verified = true;
    r.permit_id = static_cast<int64_t>(claims->permit_id);
    r.plate = claims->plate;
    r.expires_at = std::min(claims->expires_at, claims->valid_until);
    bool revoked;
    {
      std::shared_lock l(st_->mu);
      revoked = st_->revoked.contains(r.permit_id);
    }
    if (revoked) {
      r.decision = Decision::kDeny;
      r.reason = "通行证已撤销";
    } else {
      r.decision = Decision::kPass;
      r.reason = "通行证有效：" + claims->plate + (claims->note.empty() ? "" : "，" + claims->note);
    }
  }
  TC_RETURN_IF_ERROR(Insert(cp.id, "scan", r, actor.name));
  return r;
}

Result<ScanResult> Checkpoints::Record(std::string_view code, const ManualEntry& e, const Caller& by,
                                       const audit::Actor& actor) {
  TC_ASSIGN_OR_RETURN(Checkpoint cp, Find(code, by));
  Status invalid = InvalidArgument("the passage is not valid");
  std::string plate;
  for (char c : e.plate) {
    if (c == ' ') continue;
    plate += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  if (plate.empty() == (e.person_id == 0)) {
    invalid.AddFieldError(e.person_id == 0 ? "plate" : "person_id", "give either a plate or a person_id");
  }
  if (!plate.empty() && (plate.size() > kMaxPlateBytes || !CleanText(plate))) {
    invalid.AddFieldError("plate", "at most 16 bytes of text");
  }
  if (e.person_id < 0) invalid.AddFieldError("person_id", "is a resident id");
  if (e.decision != Decision::kPass && e.reason.empty()) {
    invalid.AddFieldError("reason", "is required to deny or send to testing");
  }
  if (e.reason.size() > 500 || !CleanText(e.reason)) invalid.AddFieldError("reason", "text of at most 500 bytes");
  if (!invalid.field_errors().empty()) return invalid;

  ScanResult r;
  r.kind = e.person_id != 0 ? "person" : "vehicle";
  r.person_id = e.person_id;
  r.plate = plate;
  r.colour_seen = e.colour_seen;
  r.colour = e.colour_seen;
  r.decision = e.decision;
  r.reason = e.reason.empty() ? "人工登记：通行" : e.reason;
  r.at = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    if (r.person_id != 0) {
      auto person = registry::Person(c, r.person_id);
      if (!person.ok()) {
        if (person.status().code() == StatusCode::kNotFound) {
          return FieldInvalid("person_id", "resident " + std::to_string(r.person_id) + " does not exist");
        }
        return person.status();
      }
    }
    TC_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("INSERT INTO checkpoint_passages (checkpoint_id, at, source, kind, person_id, plate, permit_id, "
                "colour_seen, colour, decision, reason, refusal, verified, operator) "
                "VALUES (?, ?, 'manual', ?, ?, ?, 0, ?, ?, ?, ?, '', 0, ?) RETURNING id",
                {cp.id, r.at, r.kind, r.person_id, r.plate, ColourText(r.colour_seen), ColourText(r.colour),
                 std::string(DecisionName(r.decision)), r.reason, actor.name}));
    r.passage_id = rows[0].Int(0);
    nlohmann::json detail = {{"passage_id", r.passage_id},
                             {"kind", r.kind},
                             {"person_id", r.person_id},
                             {"plate", r.plate},
                             {"colour_seen", ColourText(r.colour_seen)},
                             {"decision", DecisionName(r.decision)},
                             {"reason", r.reason}};
    return audit::Append(c,
                         {.actor = actor.name,
                          .action = "checkpoint.passage",
                          .target = "checkpoint:" + cp.code,
                          .area_path = cp.area_path,
                          .detail = detail.dump(),
                          .request_id = actor.request_id},
                         r.at);
  }));
  return r;
}

Result<std::vector<Passage>> Checkpoints::Passages(std::string_view code, const PassageQuery& q, const Caller& by) {
  TC_ASSIGN_OR_RETURN(Checkpoint cp, Find(code, by));
  if (q.limit < 1 || q.limit > 500) return FieldInvalid("limit", "must be 1 to 500");
  if (q.after_id < 0) return FieldInvalid("after_id", "must not be negative");
  if (q.before_id < 0) return FieldInvalid("before_id", "must not be negative");
  std::vector<Passage> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(
        auto rows,
        c.Query("SELECT id, at, source, kind, person_id, plate, permit_id, colour_seen, colour, decision, reason, "
                "refusal, verified, operator FROM checkpoint_passages WHERE checkpoint_id = ? AND id > ? AND id < ? "
                "ORDER BY id DESC LIMIT ?",
                {cp.id, q.after_id, q.before_id > 0 ? q.before_id : INT64_MAX, int64_t{q.limit}}));
    std::vector<int64_t> people;
    for (const auto& r : rows.rows) {
      Passage p;
      p.id = r.Int(0);
      p.at = r.Int(1);
      p.source = r.Text(2);
      p.kind = r.Text(3);
      p.person_id = r.Int(4);
      p.plate = r.Text(5);
      p.permit_id = r.Int(6);
      p.colour_seen = ColourOfText(r.Text(7));
      p.colour = ColourOfText(r.Text(8));
      (void)ParseDecision(r.Text(9), &p.decision);
      p.reason = r.Text(10);
      p.refusal = r.Text(11);
      p.verified = r.Int(12) != 0;
      p.operator_name = r.Text(13);
      if (p.person_id != 0) people.push_back(p.person_id);
      out.push_back(std::move(p));
    }
    std::sort(people.begin(), people.end());
    people.erase(std::unique(people.begin(), people.end()), people.end());
    TC_ASSIGN_OR_RETURN(auto briefs, registry::PeopleById(c, people));
    std::map<int64_t, std::string> names;
    for (const auto& b : briefs) names[b.id] = MaskName(b.name);
    for (auto& p : out) {
      if (auto it = names.find(p.person_id); it != names.end()) p.person_name = it->second;
    }
    return Status::Ok();
  }));
  return out;
}

Result<HourlyStats> Checkpoints::Stats(std::string_view code, std::string_view date, const Caller& by) {
  TC_ASSIGN_OR_RETURN(Checkpoint cp, Find(code, by));
  TC_ASSIGN_OR_RETURN(auto day, DayOf(date, clock_.Now()));
  HourlyStats out;
  out.date = day.second;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT (at - ?) / ? AS h, decision, colour, kind, COUNT(*) "
                                           "FROM checkpoint_passages WHERE checkpoint_id = ? AND at >= ? AND at < ? "
                                           "GROUP BY 1, 2, 3, 4",
                                           {day.first, kHourMs, cp.id, day.first, day.first + kDayMs}));
    for (const auto& r : rows.rows) {
      const int64_t h = r.Int(0);
      if (h < 0 || h > 23) return Internal("checkpoint stats: hour " + std::to_string(h) + " out of the day");
      Count(out.hours[static_cast<size_t>(h)], r.Text(1), r.Text(2), r.Text(3), r.Int(4));
      Count(out.totals, r.Text(1), r.Text(2), r.Text(3), r.Int(4));
    }
    return Status::Ok();
  }));
  return out;
}

Result<std::vector<CheckpointTotals>> Checkpoints::TotalsUnder(std::string_view date, std::string_view under_path,
                                                               const Caller& by) {
  TC_ASSIGN_OR_RETURN(auto day, DayOf(date, clock_.Now()));
  std::map<int64_t, CheckpointTotals> totals;
  for (Checkpoint& cp : List(by)) {
    if (!cp.area_path.starts_with(under_path)) continue;
    const int64_t id = cp.id;
    totals[id] = {std::move(cp), {}};
  }
  if (totals.empty()) return std::vector<CheckpointTotals>{};
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT checkpoint_id, decision, colour, kind, COUNT(*) "
                                           "FROM checkpoint_passages WHERE at >= ? AND at < ? "
                                           "GROUP BY checkpoint_id, decision, colour, kind",
                                           {day.first, day.first + kDayMs}));
    for (const auto& r : rows.rows) {
      auto it = totals.find(r.Int(0));
      if (it != totals.end()) Count(it->second.totals, r.Text(1), r.Text(2), r.Text(3), r.Int(4));
    }
    return Status::Ok();
  }));
  std::vector<CheckpointTotals> out;
  for (auto& [id, t] : totals) out.push_back(std::move(t));
  std::sort(out.begin(), out.end(),
            [](const CheckpointTotals& a, const CheckpointTotals& b) { return a.checkpoint.code < b.checkpoint.code; });
  return out;
}

// ---- Permits ----

Result<Permit> Checkpoints::IssuePermit(const NewPermit& in, std::string_view area_path, const audit::Actor& by) {
  const Millis now = clock_.Now();
  Status invalid = InvalidArgument("the transport permit is not valid");
  std::string plate;
  for (char c : in.plate) {
    if (c == ' ') continue;
    plate += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  if (plate.empty() || plate.size() > kMaxPlateBytes || !CleanText(plate)) {
    invalid.AddFieldError("plate", "is required: the vehicle's plate, at most 16 bytes (京A12345)");
  }
  if (in.note.size() > kMaxNoteBytes || !CleanText(in.note)) {
    invalid.AddFieldError("note", "cargo or route, at most 64 bytes of text");
  }
  // Whole seconds, as the signed payload carries them.
  const Millis from = in.valid_from / 1000 * 1000, until = in.valid_until / 1000 * 1000;
  if (from < kSaneTimeMin || from >= kSaneTimeMax) invalid.AddFieldError("valid_from", "is not a sane time");
  if (until <= from) {
    invalid.AddFieldError("valid_until", "must be after valid_from");
  } else if (until <= now) {
    invalid.AddFieldError("valid_until", "is already past");
  } else if (until - from > kMaxPermitWindow || until - now > kMaxPermitWindow) {
    invalid.AddFieldError("valid_until", "a permit is valid for at most 92 days from today and from valid_from");
  }
  if (!invalid.field_errors().empty()) return invalid;

  Permit p;
  p.plate = plate;
  p.note = in.note;
  p.valid_from = from;
  p.valid_until = until;
  p.area_path = std::string(area_path);
  p.issued_by = by.name;
  p.issued_at = now;
  std::lock_guard w(st_->write_mu);
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows,
                        c.Query("INSERT INTO transport_permits (plate, note, valid_from, valid_until, payload, "
                                "area_path, issued_by, issued_at, revoked_at, revoked_by, revoke_reason) "
                                "VALUES (?, ?, ?, ?, '', ?, ?, ?, 0, '', '') RETURNING id",
                                {p.plate, p.note, p.valid_from, p.valid_until, p.area_path, p.issued_by, p.issued_at}));
    p.id = rows[0].Int(0);
    Claims claims;
    claims.kind = Kind::kTransportPermit;
    claims.issued_at = now;
    claims.expires_at = p.valid_until;
    claims.permit_id = static_cast<uint64_t>(p.id);
    claims.plate = p.plate;
    claims.valid_from = p.valid_from;
    claims.valid_until = p.valid_until;
    claims.note = p.note;
    TC_ASSIGN_OR_RETURN(p.payload, keys_.Sign(claims));
    TC_RETURN_IF_ERROR(c.Exec("UPDATE transport_permits SET payload = ? WHERE id = ?", {p.payload, p.id}).status());
    nlohmann::json detail = {{"plate", p.plate},
                             {"note", p.note},
                             {"valid_from", FormatShanghai(p.valid_from)},
                             {"valid_until", FormatShanghai(p.valid_until)}};
    return audit::Append(c,
                         {.actor = by.name,
                          .action = "permit.issue",
                          .target = "permit:" + std::to_string(p.id),
                          .area_path = p.area_path,
                          .detail = detail.dump(),
                          .request_id = by.request_id},
                         now);
  }));
  return p;
}

Result<std::vector<Permit>> Checkpoints::Permits(std::string_view under_path, int64_t before_id, int limit) {
  if (limit < 1 || limit > 1000) return FieldInvalid("limit", "must be 1 to 1000");
  if (before_id < 0) return FieldInvalid("before_id", "must not be negative");
  return store_.ReadAll<Permit>(
      std::string("SELECT ") + kPermitColumns +
          " FROM transport_permits WHERE area_path >= ? AND area_path < ? AND id < ? "
          "ORDER BY id DESC LIMIT ?",
      {std::string(under_path), PathEnd(under_path), before_id > 0 ? before_id : INT64_MAX, int64_t{limit}},
      PermitOfRow);
}

Result<Permit> Checkpoints::GetPermit(int64_t id, std::string_view under_path) {
  TC_ASSIGN_OR_RETURN(auto rows, store_.ReadAll<Permit>(
                                     std::string("SELECT ") + kPermitColumns + " FROM transport_permits WHERE id = ?",
                                     {id}, PermitOfRow));
  if (rows.empty() || !rows[0].area_path.starts_with(under_path)) {
    return NoSuch("transport permit " + std::to_string(id));
  }
  return rows[0];
}

Result<Permit> Checkpoints::RevokePermit(int64_t id, std::string_view reason, std::string_view under_path,
                                         const audit::Actor& by) {
  if (reason.empty() || reason.size() > 500 || !CleanText(reason)) {
    return FieldInvalid("reason", "is required (text, at most 500 bytes)");
  }
  std::lock_guard w(st_->write_mu);
  TC_ASSIGN_OR_RETURN(Permit p, GetPermit(id, under_path));
  if (p.revoked_at != 0) return Conflict("transport permit " + std::to_string(id) + " is already revoked");
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("UPDATE transport_permits SET revoked_at = ?, revoked_by = ?, revoke_reason = ? "
                              "WHERE id = ?",
                              {now, by.name, std::string(reason), id})
                           .status());
    nlohmann::json detail = {{"plate", p.plate}, {"reason", reason}};
    return audit::Append(c,
                         {.actor = by.name,
                          .action = "permit.revoke",
                          .target = "permit:" + std::to_string(id),
                          .area_path = p.area_path,
                          .detail = detail.dump(),
                          .request_id = by.request_id},
                         now);
  }));
  {
    std::unique_lock l(st_->mu);
    st_->revoked.insert(id);
  }
  p.revoked_at = now;
  p.revoked_by = by.name;
  p.revoke_reason = std::string(reason);
  return p;
}

}  // namespace tc::healthcode
