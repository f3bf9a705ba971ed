#include "hotline/hotline.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "base/crypto.h"
#include "base/json.h"
#include "hotline/classifier.h"
#include "hotline/corpus.h"
#include "hotline/text.h"
#include "registry/areas.h"
#include "registry/lookup.h"

namespace tc::hotline {

namespace {

constexpr Millis kHourMs = 3'600'000, kDayMs = 24 * kHourMs;
constexpr std::string_view kChannels[] = {"phone", "web", "mobile", "enterprise", "api", "open311"};

// The classifier trained on the built-in corpus's training split (the held-out split
// stays unseen, so the accuracy reported on it holds for this model), once per process (training takes a
// moment; every Hotline of a test process shares it).
std::shared_ptr<const Classifier> BaseModel() {
  static std::shared_ptr<const Classifier> model = [] {
    auto examples = TrainingExamples();
    return std::make_shared<const Classifier>(Classifier::Train(examples));
  }();
  return model;
}

constexpr std::string_view kColumns =
    "id, channel, caller_name, phone, resident_id, enterprise, text, address_text, attachments, lat, lon, "
    "area_code, area_path, community_code, area_confidence, address_notes, category, suggestions, overridden, "
    "department, priority, wartime, status, received_at, dispatched_at, responded_at, resolved_at, closed_at, "
    "respond_by, handle_by, callback_by, overdue, reminded, escalation, satisfaction, solved, reopen_count, "
    "return_count, callback_attempts, urge_count, merged_into, group_id, next_due, resolution, callback_note, "
    "token, created_by, updated_at";

std::string AttachmentsJson(const std::vector<Attachment>& list) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& x : list) a.push_back({{"name", x.name}, {"type", x.type}, {"size", x.size}, {"url", x.url}});
  return a.dump();
}

std::vector<Attachment> ParseAttachments(const std::string& s) {
  std::vector<Attachment> out;
  auto j = nlohmann::json::parse(s, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& x : j) {
    out.push_back({x.value("name", ""), x.value("type", ""), x.value("url", ""), x.value("size", int64_t{0})});
  }
  return out;
}

std::string SuggestionsJson(const std::vector<Scored>& list) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& s : list) a.push_back({{"code", s.code}, {"score", s.score}});
  return a.dump();
}

Request FromRow(const store::Row& r) {
  Request q;
  size_t i = 0;
  q.id = r.Int(i++);
  q.channel = r.Text(i++);
  q.caller_name = r.Text(i++);
  q.phone = r.Text(i++);
  q.resident_id = r.Int(i++);
  q.enterprise = r.Text(i++);
  q.text = r.Text(i++);
  q.address_text = r.Text(i++);
  q.attachments = ParseAttachments(r.Text(i++));
  q.lat = r.IsNull(i) ? NAN : r.Double(i);
  ++i;
  q.lon = r.IsNull(i) ? NAN : r.Double(i);
  ++i;
  q.area_code = r.Text(i++);
  q.area_path = r.Text(i++);
  q.community_code = r.Text(i++);
  q.area_confidence = r.Double(i++);
  q.address_notes = r.Text(i++);
  q.category = r.Text(i++);
  if (auto j = nlohmann::json::parse(r.Text(i++), nullptr, false); j.is_array()) {
    for (const auto& s : j) q.suggestions.push_back({s.value("code", ""), "", "", "", s.value("score", 0.0)});
  }
  q.overridden = r.Int(i++) != 0;
  RequestState& s = q.state;
  s.department = r.Text(i++);
  ParsePriority(r.Text(i++), &s.priority);
  q.wartime = r.Int(i++) != 0;
  ParseState(r.Text(i++), &s.status);
  s.received_at = r.Int(i++);
  s.dispatched_at = r.Int(i++);
  s.responded_at = r.Int(i++);
  s.resolved_at = r.Int(i++);
  s.closed_at = r.Int(i++);
  s.respond_by = r.Int(i++);
  s.handle_by = r.Int(i++);
  s.callback_by = r.Int(i++);
  s.overdue = static_cast<int>(r.Int(i++));
  s.reminded = static_cast<int>(r.Int(i++));
  s.escalation = static_cast<int>(r.Int(i++));
  s.satisfaction = static_cast<int>(r.Int(i++));
  s.solved = static_cast<int>(r.Int(i++));
  s.reopen_count = static_cast<int>(r.Int(i++));
  s.return_count = static_cast<int>(r.Int(i++));
  s.callback_attempts = static_cast<int>(r.Int(i++));
  s.urge_count = static_cast<int>(r.Int(i++));
  s.merged_into = r.Int(i++);
  q.group_id = r.Int(i++);
  s.next_due = r.Int(i++);
  q.resolution = r.Text(i++);
  q.callback_note = r.Text(i++);
  q.token = r.Text(i++);
  q.created_by = r.Text(i++);
  q.updated_at = r.Int(i++);
  q.number = RequestNumber(q.id, s.received_at);
  return q;
}

// The state columns a transition writes.
Status StoreState(store::Conn& c, int64_t id, const RequestState& s, Millis now, const std::string* resolution,
                  const std::string* callback_note) {
  store::Params p = {s.department,
                     std::string(PriorityName(s.priority)),
                     std::string(StateName(s.status)),
                     s.dispatched_at,
                     s.responded_at,
                     s.resolved_at,
                     s.closed_at,
                     s.respond_by,
                     s.handle_by,
                     s.callback_by,
                     int64_t{s.overdue},
                     int64_t{s.reminded},
                     int64_t{s.escalation},
                     int64_t{s.satisfaction},
                     int64_t{s.solved},
                     int64_t{s.reopen_count},
                     int64_t{s.return_count},
                     int64_t{s.callback_attempts},
                     int64_t{s.urge_count},
                     s.merged_into,
                     s.next_due,
                     now};
  std::string sql =
      "UPDATE hotline_requests SET department = ?, priority = ?, status = ?, dispatched_at = ?, responded_at = ?, "
      "resolved_at = ?, closed_at = ?, respond_by = ?, handle_by = ?, callback_by = ?, overdue = ?, reminded = ?, "
      "escalation = ?, satisfaction = ?, solved = ?, reopen_count = ?, return_count = ?, callback_attempts = ?, "
      "urge_count = ?, merged_into = ?, next_due = ?, updated_at = ?";
  if (resolution) {
    sql += ", resolution = ?";
    p.push_back(*resolution);
  }
  if (callback_note) {
    sql += ", callback_note = ?";
    p.push_back(*callback_note);
  }
  sql += " WHERE id = ?";
  p.push_back(id);
  return c.Exec(sql, p).status();
}

Status AppendLog(store::Conn& c, int64_t id, Millis at, std::string_view actor, std::string_view action, State from,
                 State to, std::string_view department, std::string_view note) {
  return c
      .Exec("INSERT INTO hotline_request_log (request_id, at, actor, action, from_status, to_status, department, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            {id, at, std::string(actor), std::string(action), std::string(StateName(from)),
             std::string(StateName(to)), std::string(department), std::string(note)})
      .status();
}

Status ValidPhone(std::string_view phone) {
  if (phone.size() > 20) return FieldInvalid("phone", "is longer than 20 characters");
  for (char ch : phone) {
    if (!((ch >= '0' && ch <= '9') || ch == '-' || ch == '+' || ch == ' ')) {
      return FieldInvalid("phone", "may hold only digits, '+', '-' and spaces");
    }
  }
  return Status::Ok();
}

std::string ForUpdate(const store::Conn& c) { return c.dialect() == store::Dialect::kPostgres ? " FOR UPDATE" : ""; }

std::vector<char32_t> CodePoints(std::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + len > s.size()) len = 1;
    char32_t v = len == 1 ? c : c & (0x7F >> len);
    for (size_t k = 1; k < len; ++k) v = (v << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(v);
    i += len;
  }
  return out;
}

}  // namespace

std::string RequestNumber(int64_t id, Millis received_at) {
  std::string date = DateShanghai(received_at);
  std::erase(date, '-');
  return date + "-" + std::to_string(id);
}

int64_t ParseRequestNumber(std::string_view s) {
  if (auto dash = s.find('-'); dash != std::string_view::npos) s = s.substr(dash + 1);
  if (s.empty() || s.size() > 18) return 0;
  int64_t v = 0;
  for (char ch : s) {
    if (ch < '0' || ch > '9') return 0;
    v = v * 10 + (ch - '0');
  }
  return v;
}

double TextSimilarity(std::string_view a, std::string_view b) {
  const auto ca = CodePoints(a), cb = CodePoints(b);
  if (ca.size() < 2 || cb.size() < 2) return a == b ? 1 : 0;
  std::unordered_map<uint64_t, int> grams;
  for (size_t i = 0; i + 1 < ca.size(); ++i) ++grams[(uint64_t{ca[i]} << 32) | ca[i + 1]];
  int shared = 0;
  for (size_t i = 0; i + 1 < cb.size(); ++i) {
    auto it = grams.find((uint64_t{cb[i]} << 32) | cb[i + 1]);
    if (it != grams.end() && it->second > 0) {
      --it->second;
      ++shared;
    }
  }
  return 2.0 * shared / double(ca.size() - 1 + cb.size() - 1);
}

struct Hotline::Shared {
  mutable std::shared_mutex mu;  // guards everything below
  Taxonomy taxonomy;
  HotlineRules rules;
  std::shared_ptr<const Classifier> model;
  RetrainReport trained;
  std::shared_ptr<const AddressResolver> resolver;
  std::vector<AddressArea> areas;  // for rebuilding the resolver with new aliases
  std::unordered_map<std::string, size_t> area_index;  // code → index in areas
  std::unordered_map<std::string, std::string> area_name;  // community/street/district code → name
  std::unordered_map<std::string, std::string> district_of;  // community code → district code
  std::string city_code, city_path;
  bool city_wartime = false;
  std::unordered_map<std::string, bool> district_wartime;
  std::map<std::string, std::vector<std::string>> staff;  // department → usernames
  std::unordered_set<std::string> api_keys;              // hashes of live keys
  std::unique_ptr<RateBook> book;
  struct Recent {
    Millis at;
    std::string community, category;
    int64_t id;
  };
  std::deque<Recent> recent;  // receipt order, the hotspot horizon

  bool Wartime(const std::string& community) const {
    if (city_wartime) return true;
    auto d = district_of.find(community);
    if (d == district_of.end()) return false;
    auto w = district_wartime.find(d->second);
    return w != district_wartime.end() && w->second;
  }
  void Count(const RequestState& s, std::string_view community, int sign) {
    book->Apply(s.received_at, s.department, community, ContributionOf(s, rules.satisfied_from), sign);
  }
  // A committed change of one request: its contribution moves from `before` to `after`.
  struct Change {
    RequestState before, after;
    std::string community;
  };
  void Recount(const std::vector<Change>& changes) {
    std::unique_lock lock(mu);
    for (const auto& ch : changes) {
      Count(ch.before, ch.community, -1);
      Count(ch.after, ch.community, +1);
    }
  }
  void Remember(Millis at, const std::string& community, const std::string& category, int64_t id, Millis now) {
    recent.push_back({at, community, category, id});
    const Millis horizon = now - (rules.hotspot_baseline_days * kDayMs + rules.hotspot_window_hours * kHourMs);
    while (!recent.empty() && recent.front().at < horizon) recent.pop_front();
  }
};

Hotline::Hotline(store::Store& store, const Clock& clock)
    : store_(store), clock_(clock), st_(std::make_unique<Shared>()) {}
Hotline::~Hotline() = default;

namespace {

Result<Taxonomy> LoadTaxonomy(store::Conn& c) {
  Taxonomy t;
  TC_ASSIGN_OR_RETURN(auto d, c.Query("SELECT code, name, active FROM hotline_departments ORDER BY code"));
  for (const auto& r : d.rows) t.departments.push_back({r.Text(0), r.Text(1), r.Int(2) != 0});
  TC_ASSIGN_OR_RETURN(auto cs, c.Query("SELECT code, name, department_code, epidemic, active FROM hotline_categories ORDER BY code"));
  for (const auto& r : cs.rows) t.categories.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3) != 0, r.Int(4) != 0});
  return t;
}

Status StoreTaxonomy(store::Conn& c, const Taxonomy& t, const Taxonomy& old, Millis now) {
  std::set<std::string> listed;
  for (const auto& d : t.departments) {
    listed.insert(d.code);
    if (old.FindDepartment(d.code)) {
      TC_RETURN_IF_ERROR(c.Exec("UPDATE hotline_departments SET name = ?, active = ?, updated_at = ? WHERE code = ?",
                                {d.name, int64_t{d.active}, now, d.code})
                             .status());
    } else {
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO hotline_departments (code, name, active, updated_at) VALUES (?, ?, ?, ?)",
                                {d.code, d.name, int64_t{d.active}, now})
                             .status());
    }
  }
  for (const auto& d : old.departments) {
    if (!listed.contains(d.code)) {
      TC_RETURN_IF_ERROR(
          c.Exec("UPDATE hotline_departments SET active = 0, updated_at = ? WHERE code = ?", {now, d.code}).status());
    }
  }
  listed.clear();
  for (const auto& cat : t.categories) {
    listed.insert(cat.code);
    if (old.Find(cat.code)) {
      TC_RETURN_IF_ERROR(c.Exec("UPDATE hotline_categories SET name = ?, department_code = ?, epidemic = ?, active = ?, "
                                "updated_at = ? WHERE code = ?",
                                {cat.name, cat.department, int64_t{cat.epidemic}, int64_t{cat.active}, now, cat.code})
                             .status());
    } else {
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO hotline_categories (code, name, department_code, epidemic, active, updated_at) "
                                "VALUES (?, ?, ?, ?, ?, ?)",
                                {cat.code, cat.name, cat.department, int64_t{cat.epidemic}, int64_t{cat.active}, now})
                             .status());
    }
  }
  for (const auto& cat : old.categories) {
    if (!listed.contains(cat.code)) {
      TC_RETURN_IF_ERROR(
          c.Exec("UPDATE hotline_categories SET active = 0, updated_at = ? WHERE code = ?", {now, cat.code}).status());
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Hotline>> Hotline::Open(store::Store& store, const Clock& clock) {
  std::unique_ptr<Hotline> h(new Hotline(store, clock));
  Shared& st = *h->st_;
  const Millis now = clock.Now();
  // The taxonomy: seeded from the built-in one on first start.
  TC_RETURN_IF_ERROR(store.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(st.taxonomy, LoadTaxonomy(c));
    if (st.taxonomy.categories.empty()) {
      TC_ASSIGN_OR_RETURN(auto builtin, ParseTaxonomy(TaxonomyJson()));
      TC_RETURN_IF_ERROR(StoreTaxonomy(c, builtin, st.taxonomy, now));
      TC_ASSIGN_OR_RETURN(st.taxonomy, LoadTaxonomy(c));
    }
    return Status::Ok();
  }));
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rules, c.Query("SELECT version, rules, changed_by, reason, changed_at FROM hotline_rules "
                                            "ORDER BY version DESC LIMIT 1"));
    if (!rules.empty()) {
      TC_ASSIGN_OR_RETURN(st.rules, ParseHotlineRules(rules[0].Text(1), HotlineRules{}));
      st.rules.version = rules[0].Int(0);
      st.rules.changed_by = rules[0].Text(2);
      st.rules.reason = rules[0].Text(3);
      st.rules.changed_at = rules[0].Int(4);
    }
    TC_ASSIGN_OR_RETURN(auto staff, c.Query("SELECT department_code, username FROM hotline_department_staff ORDER BY 1, 2"));
    for (const auto& r : staff.rows) st.staff[r.Text(0)].push_back(r.Text(1));
    TC_ASSIGN_OR_RETURN(auto keys, c.Query("SELECT key_hash FROM hotline_api_keys WHERE revoked_at = 0"));
    for (const auto& r : keys.rows) st.api_keys.insert(r.Text(0));
    // The area tree (through the registry's reads) and the hotline's own aliases.
    RateGeography geo;
    std::unordered_map<std::string, int32_t> street_idx, district_idx;
    TC_RETURN_IF_ERROR(registry::ForEachArea(c, [&](const registry::AreaNode& a) {
      st.area_index[a.code] = st.areas.size();
      st.areas.push_back({a.code, a.parent_code, a.level, a.name, a.path});
      if (a.level == "city" && st.city_code.empty()) {
        st.city_code = a.code;
        st.city_path = a.path;
      } else if (a.level == "district") {
        district_idx[a.code] = static_cast<int32_t>(geo.district_codes.size());
        geo.district_codes.push_back(a.code);
        st.area_name[a.code] = a.name;
      } else if (a.level == "street") {
        street_idx[a.code] = static_cast<int32_t>(geo.street_codes.size());
        geo.street_codes.push_back(a.code);
        auto d = district_idx.find(a.parent_code);
        geo.street_district.push_back(d == district_idx.end() ? 0 : d->second);
        st.area_name[a.code] = a.name;
      } else if (a.level == "community") {
        geo.community_codes.push_back(a.code);
        auto s = street_idx.find(a.parent_code);
        const int32_t si = s == street_idx.end() ? 0 : s->second;
        geo.community_street.push_back(si);
        if (!geo.district_codes.empty()) st.district_of[a.code] = geo.district_codes[geo.street_district[si]];
        st.area_name[a.code] = a.name;
      }
    }));
    if (geo.district_codes.empty()) geo.district_codes.push_back("");
    if (geo.street_codes.empty()) {
      geo.street_codes.push_back("");
      geo.street_district.push_back(0);
    }
    std::vector<std::string> depts;
    for (const auto& d : st.taxonomy.departments) depts.push_back(d.code);
    st.book = std::make_unique<RateBook>(std::move(geo), std::move(depts));
    TC_ASSIGN_OR_RETURN(auto aliases, c.Query("SELECT alias, area_code FROM hotline_aliases"));
    std::vector<AddressAlias> al;
    for (const auto& r : aliases.rows) al.push_back({r.Text(0), r.Text(1)});
    st.resolver = AddressResolver::Build(st.areas, al);
    return Status::Ok();
  }));
  // Modes: the city's and each district's (registry service).
  registry::Areas areas(store, clock);
  if (!st.city_code.empty()) {
    if (auto a = areas.Get(st.city_code); a.ok()) st.city_wartime = a->mode == registry::kWartime;
  }
  for (const auto& a : st.areas) {
    if (a.level != "district") continue;
    if (auto d = areas.Get(a.code); d.ok()) st.district_wartime[a.code] = d->mode == registry::kWartime;
  }
  // The rates and the recent requests, from every stored request.
  const Millis horizon = now - (st.rules.hotspot_baseline_days * kDayMs + st.rules.hotspot_window_hours * kHourMs);
  int64_t after = 0;
  while (true) {
    int64_t read = 0;
    TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id, received_at, department, community_code, status, responded_at, "
                                             "respond_by, overdue, satisfaction, solved, category FROM hotline_requests "
                                             "WHERE id > ? ORDER BY id LIMIT 100000",
                                             {after}));
      for (const auto& r : rows.rows) {
        RequestState s;
        s.received_at = r.Int(1);
        s.department = r.Text(2);
        ParseState(r.Text(4), &s.status);
        s.responded_at = r.Int(5);
        s.respond_by = r.Int(6);
        s.overdue = static_cast<int>(r.Int(7));
        s.satisfaction = static_cast<int>(r.Int(8));
        s.solved = static_cast<int>(r.Int(9));
        const std::string community = r.Text(3);
        st.Count(s, community, +1);
        if (s.received_at >= horizon && s.status != State::kMerged) {
          st.recent.push_back({s.received_at, community, r.Text(10), r.Int(0)});
        }
        after = r.Int(0);
        ++read;
      }
      return Status::Ok();
    }));
    if (read < 100000) break;
  }
  std::sort(st.recent.begin(), st.recent.end(), [](const auto& a, const auto& b) { return a.at < b.at; });
  // The classifier: the corpus plus the overrides recorded so far.
  TC_RETURN_IF_ERROR(h->Retrain({"system", ""}).status());
  return h;
}

Status Hotline::OnEvent(const events::Event& e) {
  if (e.type != "AreaModeChanged") return Status::Ok();
  auto j = nlohmann::json::parse(e.payload, nullptr, false);
  if (!j.is_object()) return Status::Ok();
  const std::string code = j.value("area_code", std::string());
  const bool wartime = j.value("to", std::string()) == registry::kWartime;
  std::unique_lock lock(st_->mu);
  if (code == st_->city_code) {
    st_->city_wartime = wartime;
  } else if (st_->district_wartime.contains(code)) {
    st_->district_wartime[code] = wartime;
  }
  return Status::Ok();
}

Result<std::vector<Scored>> Hotline::Classify(std::string_view text, size_t k) const {
  TC_ASSIGN_OR_RETURN(auto norm, NormalizeText(text, "text"));
  if (norm.empty()) return FieldInvalid("text", "is empty");
  if (norm.size() > kMaxTextBytes) {
    return FieldInvalid("text", "is " + std::to_string(norm.size()) + " bytes; at most " + std::to_string(kMaxTextBytes));
  }
  std::shared_lock lock(st_->mu);
  std::vector<Scored> out;
  for (const auto& s : st_->model->Classify(norm, k)) {
    Scored x{s.code, "", "", "", s.score};
    if (const Category* c = st_->taxonomy.Find(s.code)) {
      x.name = c->name;
      x.department = c->department;
      if (const Department* d = st_->taxonomy.FindDepartment(c->department)) x.department_name = d->name;
    }
    out.push_back(std::move(x));
  }
  return out;
}

Result<AddressMatch> Hotline::ResolveAddress(std::string_view text) const {
  TC_ASSIGN_OR_RETURN(auto norm, NormalizeText(text, "address"));
  if (norm.size() > kMaxAddressBytes) return FieldInvalid("address", "is longer than " + std::to_string(kMaxAddressBytes) + " bytes");
  std::shared_ptr<const AddressResolver> r;
  {
    std::shared_lock lock(st_->mu);
    r = st_->resolver;
  }
  return r->Resolve(norm);
}

Result<Request> Hotline::Intake(const NewRequest& in, const audit::Actor& by) {
  // 1. Validate and normalise everything before writing anything.
  if (std::find(std::begin(kChannels), std::end(kChannels), in.channel) == std::end(kChannels)) {
    return FieldInvalid("channel", "'" + in.channel + "' is not phone, web, mobile, enterprise, api or open311");
  }
  if (in.text.size() > 4 * kMaxTextBytes) {
    return FieldInvalid("text", "is " + std::to_string(in.text.size()) + " bytes; at most " + std::to_string(kMaxTextBytes));
  }
  TC_ASSIGN_OR_RETURN(std::string text, NormalizeText(in.text, "text"));
  if (text.empty()) return FieldInvalid("text", "is required: what the caller asks for");
  if (text.size() > kMaxTextBytes) {
    return FieldInvalid("text", "is " + std::to_string(text.size()) + " bytes; at most " + std::to_string(kMaxTextBytes));
  }
  if (in.address_text.size() > 4 * kMaxAddressBytes) return FieldInvalid("address", "is longer than " + std::to_string(kMaxAddressBytes) + " bytes");
  TC_ASSIGN_OR_RETURN(std::string address, NormalizeText(in.address_text, "address"));
  if (address.size() > kMaxAddressBytes) return FieldInvalid("address", "is longer than " + std::to_string(kMaxAddressBytes) + " bytes");
  TC_ASSIGN_OR_RETURN(std::string caller, NormalizeText(in.caller_name, "caller_name"));
  if (caller.size() > 120) return FieldInvalid("caller_name", "is longer than 120 bytes");
  TC_ASSIGN_OR_RETURN(std::string enterprise, NormalizeText(in.enterprise, "enterprise"));
  if (enterprise.size() > 200) return FieldInvalid("enterprise", "is longer than 200 bytes");
  TC_RETURN_IF_ERROR(ValidPhone(in.phone));
  if (in.attachments.size() > kMaxAttachments) {
    return FieldInvalid("attachments", "at most " + std::to_string(kMaxAttachments) + " attachments");
  }
  for (size_t i = 0; i < in.attachments.size(); ++i) {
    const auto& a = in.attachments[i];
    const std::string f = "attachments[" + std::to_string(i) + "]";
    if (a.name.empty() || a.name.size() > 200) return FieldInvalid(f + ".name", "is required, at most 200 bytes");
    if (!NormalizeText(a.name, f + ".name").ok()) return FieldInvalid(f + ".name", "is not valid UTF-8");
    if (a.type.size() > 100 || a.url.size() > 1000) return FieldInvalid(f, "type or url is too long");
    if (a.size < 0) return FieldInvalid(f + ".size", "is negative");
  }
  if (!std::isnan(in.lat) && !(in.lat >= -90 && in.lat <= 90)) return FieldInvalid("lat", "is outside -90..90");
  if (!std::isnan(in.lon) && !(in.lon >= -180 && in.lon <= 180)) return FieldInvalid("long", "is outside -180..180");

  // 2. Classify, route, prioritise (in memory).
  const Millis now = clock_.Now();
  std::vector<Scored> suggestions;
  TC_ASSIGN_OR_RETURN(suggestions, Classify(text, 3));
  std::string category = in.category;
  HotlineRules rules;
  std::string department;
  bool epidemic = false;
  AddressMatch place;
  bool wartime = false;
  std::string city_path;
  {
    std::shared_lock lock(st_->mu);
    rules = st_->rules;
    city_path = st_->city_path;
    if (category.empty()) {
      if (suggestions.empty()) return FieldInvalid("category", "is required: the classifier has no categories");
      category = suggestions.front().code;
    }
    const Category* cat = st_->taxonomy.Find(category);
    if (!cat || !cat->active) return FieldInvalid("category", "'" + category + "' is not an active category");
    if (!st_->taxonomy.IsLeaf(category)) {
      return FieldInvalid("category", "'" + category + "' has sub-categories; choose one of them");
    }
    epidemic = cat->epidemic;
    if (const Department* d = st_->taxonomy.FindDepartment(cat->department); d && d->active) department = d->code;
    if (!in.area_code.empty()) {
      // An area the agent chose: resolved exactly, if the registry has it.
      auto found = st_->area_index.find(in.area_code);
      if (found == st_->area_index.end()) return FieldInvalid("area_code", "'" + in.area_code + "' is not an area");
      const AddressArea* it = &st_->areas[found->second];
      place.code = it->code;
      place.path = it->path;
      place.level = it->level;
      place.confidence = 1;
      place.notes.push_back("chosen by the agent");
      for (const auto& a : st_->areas) {
        if (a.level == "community" && it->path.starts_with(a.path)) place.community_code = a.code;
      }
    } else {
      place = st_->resolver->Resolve(address);
    }
    wartime = st_->Wartime(place.community_code);
  }
  (void)epidemic;
  const Priority priority = rules.PriorityOf(category, wartime);
  const bool routed = !department.empty() && !place.community_code.empty() && place.confidence >= rules.address_confidence;
  RequestState s = Received(priority, routed ? department : "", rules, now);
  std::string notes;
  for (const auto& n : place.notes) notes += (notes.empty() ? "" : "; ") + n;
  const bool overridden = !suggestions.empty() && suggestions.front().code != category;
  const std::string token = RandomHex(12);
  const std::string path = place.path.empty() ? city_path : place.path;

  // 3. One transaction: a duplicate merges into the open request; else the new one.
  Request out;
  int64_t merged_into = 0;
  RequestState target_before, target_after;
  std::string target_community;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    merged_into = 0;
    if (!in.phone.empty() && rules.duplicate_hours > 0) {
      TC_ASSIGN_OR_RETURN(auto dup, c.Query("SELECT id, text FROM hotline_requests WHERE phone = ? AND received_at >= ? "
                                            "AND category = ? AND status NOT IN ('closed', 'merged') ORDER BY id DESC LIMIT 20",
                                            {in.phone, now - rules.duplicate_hours * kHourMs, category}));
      for (const auto& r : dup.rows) {
        if (TextSimilarity(r.Text(1), text) >= rules.duplicate_similarity) {
          merged_into = r.Int(0);
          break;
        }
      }
    }
    if (merged_into) {
      s.status = State::kMerged;
      s.merged_into = merged_into;
      s.closed_at = now;
      s.next_due = 0;
    }
    TC_ASSIGN_OR_RETURN(
        auto ins,
        c.Query("INSERT INTO hotline_requests (channel, caller_name, phone, resident_id, enterprise, text, address_text, "
                "attachments, lat, lon, area_code, area_path, community_code, area_confidence, address_notes, category, "
                "suggestions, overridden, department, priority, wartime, status, received_at, dispatched_at, responded_at, "
                "resolved_at, closed_at, respond_by, handle_by, callback_by, overdue, reminded, escalation, satisfaction, "
                "solved, reopen_count, return_count, callback_attempts, urge_count, merged_into, group_id, next_due, "
                "resolution, callback_note, token, created_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, ?, 0, ?, '', '', ?, ?, ?) "
                "RETURNING id",
                {in.channel, caller, in.phone, in.resident_id, enterprise, text, address,
                 AttachmentsJson(in.attachments),
                 std::isnan(in.lat) ? store::Value{} : store::Value{in.lat},
                 std::isnan(in.lon) ? store::Value{} : store::Value{in.lon}, place.code, path, place.community_code,
                 place.confidence, notes, category, SuggestionsJson(suggestions), int64_t{overridden}, s.department,
                 std::string(PriorityName(s.priority)), int64_t{wartime}, std::string(StateName(s.status)), now,
                 s.dispatched_at, s.closed_at, s.respond_by, s.handle_by, merged_into, s.next_due, token, by.name, now}));
    const int64_t id = ins[0].Int(0);
    std::string note = "received by " + in.channel;
    if (merged_into) {
      note = "same caller, same matter: merged into " + std::to_string(merged_into);
    } else if (!routed) {
      note = department.empty() ? "no active department for " + category
                                : "address not resolved with confidence (" + std::to_string(place.confidence) + ")";
    }
    TC_RETURN_IF_ERROR(AppendLog(c, id, now, by.name, "receive", State::kPendingDispatch, s.status, s.department, note));
    if (merged_into) {
      TC_ASSIGN_OR_RETURN(auto t, c.Query("SELECT " + std::string(kColumns) + " FROM hotline_requests WHERE id = ?" + ForUpdate(c),
                                          {merged_into}));
      Request target = FromRow(t[0]);
      target_before = target.state;
      target_after = target.state;
      target_community = target.community_code;
      TC_RETURN_IF_ERROR(Apply(target_after, {.kind = ActionKind::kUrge}, rules, now));
      TC_RETURN_IF_ERROR(StoreState(c, merged_into, target_after, now, nullptr, nullptr));
      TC_RETURN_IF_ERROR(AppendLog(c, merged_into, now, by.name, "urge", target_before.status, target_after.status,
                                   target_after.department, "the caller called again: " + std::to_string(id)));
    }
    TC_ASSIGN_OR_RETURN(auto row, c.Query("SELECT " + std::string(kColumns) + " FROM hotline_requests WHERE id = ?", {id}));
    out = FromRow(row[0]);
    return Status::Ok();
  }));
  {
    std::unique_lock lock(st_->mu);
    st_->Count(out.state, out.community_code, +1);
    if (!merged_into) st_->Remember(now, out.community_code, out.category, out.id, now);
  }
  out.suggestions = suggestions;
  TC_ASSIGN_OR_RETURN(auto full, Get(out.id));
  full.suggestions = suggestions;
  return full;
}

Result<Request> Hotline::Get(int64_t id) {
  std::optional<Request> out;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT " + std::string(kColumns) + " FROM hotline_requests WHERE id = ?", {id}));
    if (!rows.empty()) out = FromRow(rows[0]);
    return Status::Ok();
  }));
  if (!out) return NoSuch("request " + std::to_string(id));
  std::shared_lock lock(st_->mu);
  const auto name_of = [&](Scored& s) {
    if (const Category* c = st_->taxonomy.Find(s.code)) {
      s.name = c->name;
      s.department = c->department;
      if (const Department* d = st_->taxonomy.FindDepartment(c->department)) s.department_name = d->name;
    }
  };
  for (auto& s : out->suggestions) name_of(s);
  if (const Category* c = st_->taxonomy.Find(out->category)) out->category_name = c->name;
  if (const Department* d = st_->taxonomy.FindDepartment(out->state.department)) out->department_name = d->name;
  return *out;
}

Result<Request> Hotline::GetByToken(std::string_view token) {
  int64_t id = 0;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT id FROM hotline_requests WHERE token = ?", {std::string(token)}));
    if (!rows.empty()) id = rows[0].Int(0);
    return Status::Ok();
  }));
  if (!id) return NoSuch("token " + std::string(token));
  return Get(id);
}

namespace {
// The WHERE clause of a scope (appended to `sql`, parameters to `p`).
void ScopeWhere(const Scope& scope, std::string& sql, store::Params& p) {
  if (!scope.under_path.empty() && scope.under_path != "/") {
    sql += " AND area_path >= ? AND area_path < ?";
    p.push_back(scope.under_path);
    p.push_back(store::PrefixEnd(scope.under_path));
  }
  if (scope.departments_only) {
    if (scope.departments.empty()) {
      sql += " AND 1 = 0";
    } else {
      sql += " AND department IN (";
      for (size_t i = 0; i < scope.departments.size(); ++i) {
        sql += i ? ", ?" : "?";
        p.push_back(scope.departments[i]);
      }
      sql += ")";
    }
  }
  if (scope.resident_id) {
    sql += " AND resident_id = ?";
    p.push_back(scope.resident_id);
  }
  if (!scope.created_by.empty()) {
    sql += " AND created_by = ?";
    p.push_back(scope.created_by);
  }
}

bool InScope(const Scope& scope, const Request& r) {
  if (!scope.under_path.empty() && scope.under_path != "/" && !r.area_path.starts_with(scope.under_path)) return false;
  if (scope.departments_only &&
      std::find(scope.departments.begin(), scope.departments.end(), r.state.department) == scope.departments.end()) {
    return false;
  }
  if (scope.resident_id && r.resident_id != scope.resident_id) return false;
  if (!scope.created_by.empty() && r.created_by != scope.created_by) return false;
  return true;
}
}  // namespace

Result<std::vector<Request>> Hotline::List(const RequestQuery& q) {
  std::string sql = "SELECT " + std::string(kColumns) + " FROM hotline_requests WHERE ";
  store::Params p;
  if (q.newest_first) {
    sql += "id < ?";
    p.push_back(q.after_id > 0 ? q.after_id : INT64_MAX);
  } else {
    sql += "id > ?";
    p.push_back(q.after_id);
  }
  ScopeWhere(q.scope, sql, p);
  if (q.status == "open") {
    sql += " AND status NOT IN ('closed', 'merged')";
  } else if (!q.status.empty()) {
    State s;
    if (!ParseState(q.status, &s)) return FieldInvalid("status", "'" + q.status + "' is not a request state or 'open'");
    sql += " AND status = ?";
    p.push_back(q.status);
  }
  if (!q.department.empty()) {
    sql += " AND department = ?";
    p.push_back(q.department);
  }
  if (!q.category.empty()) {
    sql += " AND (category = ? OR (category >= ? AND category < ?))";
    p.push_back(q.category);
    p.push_back(q.category + ".");
    p.push_back(q.category + "/");
  }
  const auto in_list = [&](const char* column, const std::vector<std::string>& values) {
    if (values.empty()) return;
    sql += std::string(" AND ") + column + " IN (";
    for (size_t i = 0; i < values.size(); ++i) {
      sql += i ? ", ?" : "?";
      p.push_back(values[i]);
    }
    sql += ")";
  };
  in_list("status", q.statuses);
  in_list("category", q.categories);
  for (const auto& prefix : q.exclude_prefixes) {
    sql += " AND NOT (category >= ? AND category < ?)";
    p.push_back(prefix);
    p.push_back(store::PrefixEnd(prefix));
  }
  if (q.overdue_only) sql += " AND overdue > 0 AND status NOT IN ('closed', 'merged')";
  if (q.from) {
    sql += " AND received_at >= ?";
    p.push_back(q.from);
  }
  if (q.to) {
    sql += " AND received_at < ?";
    p.push_back(q.to);
  }
  if (!q.ids.empty()) {
    sql += " AND id IN (";
    for (size_t i = 0; i < q.ids.size(); ++i) {
      sql += i ? ", ?" : "?";
      p.push_back(q.ids[i]);
    }
    sql += ")";
  }
  sql += q.newest_first ? " ORDER BY id DESC LIMIT ?" : " ORDER BY id LIMIT ?";
  p.push_back(std::clamp<int64_t>(q.limit, 1, 5000));
  TC_ASSIGN_OR_RETURN(auto list, store_.ReadAll<Request>(sql, p, FromRow));
  std::shared_lock lock(st_->mu);
  for (auto& r : list) {
    if (const Category* c = st_->taxonomy.Find(r.category)) r.category_name = c->name;
    if (const Department* d = st_->taxonomy.FindDepartment(r.state.department)) r.department_name = d->name;
  }
  return list;
}

Result<std::vector<LogEntry>> Hotline::Log(int64_t id) {
  return store_.ReadAll<LogEntry>(
      "SELECT id, at, actor, action, from_status, to_status, department, note FROM hotline_request_log "
      "WHERE request_id = ? ORDER BY id",
      {id}, [](const store::Row& r) {
        return LogEntry{r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7)};
      });
}

Result<Request> Hotline::Act(int64_t id, const Action& a, const Scope& scope, const audit::Actor& by) {
  Action action = a;
  {
    auto norm = NormalizeText(a.note, "note");
    if (!norm.ok()) return norm.status();
    if (norm->size() > kMaxTextBytes) return FieldInvalid("note", "is longer than " + std::to_string(kMaxTextBytes) + " bytes");
    action.note = *norm;
  }
  HotlineRules rules;
  {
    std::shared_lock lock(st_->mu);
    rules = st_->rules;
    if (!action.department.empty()) {
      const Department* d = st_->taxonomy.FindDepartment(action.department);
      if (!d || !d->active) return FieldInvalid("department", "'" + action.department + "' is not an active department");
    }
  }
  const Millis now = clock_.Now();
  std::vector<Shared::Change> changes;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    changes.clear();
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT " + std::string(kColumns) + " FROM hotline_requests WHERE id = ?" + ForUpdate(c), {id}));
    if (rows.empty()) return NoSuch("request " + std::to_string(id));
    Request r = FromRow(rows[0]);
    if (!InScope(scope, r)) return NoSuch("request " + std::to_string(id));
    if (action.kind == ActionKind::kMerge) {
      if (action.into == id) return FieldInvalid("into", "a request cannot merge into itself");
      TC_ASSIGN_OR_RETURN(auto t, c.Query("SELECT status FROM hotline_requests WHERE id = ?", {action.into}));
      if (t.empty()) return FieldInvalid("into", "request " + std::to_string(action.into) + " does not exist");
      State ts;
      ParseState(t[0].Text(0), &ts);
      if (!IsOpen(ts)) return FieldInvalid("into", "request " + std::to_string(action.into) + " is not open");
    }
    RequestState s = r.state;
    TC_RETURN_IF_ERROR(Apply(s, action, rules, now));
    const bool resolving = action.kind == ActionKind::kResolve;
    const bool callback = action.kind == ActionKind::kCallback || action.kind == ActionKind::kCallbackFailed;
    TC_RETURN_IF_ERROR(StoreState(c, id, s, now, resolving ? &action.note : nullptr, callback ? &action.note : nullptr));
    TC_RETURN_IF_ERROR(AppendLog(c, id, now, by.name, ActionName(action.kind), r.state.status, s.status, s.department,
                                 action.kind == ActionKind::kCallback
                                     ? "satisfaction " + std::to_string(action.satisfaction) +
                                           (action.solved == 1 ? ", solved" : ", not solved") +
                                           (action.note.empty() ? "" : ": " + action.note)
                                 : action.kind == ActionKind::kMerge ? "merged into " + std::to_string(action.into)
                                                                     : action.note));
    changes.push_back({r.state, s, r.community_code});
    // A group's lead resolved: its open members with it.
    if (resolving && r.group_id == id) {
      TC_ASSIGN_OR_RETURN(auto members, c.Query("SELECT " + std::string(kColumns) + " FROM hotline_requests WHERE group_id = ? "
                                                "AND id <> ? AND status IN ('dispatched', 'accepted')",
                                                {id, id}));
      for (const auto& m : members.rows) {
        Request mr = FromRow(m);
        RequestState ms = mr.state;
        Action follow{.kind = ActionKind::kResolve, .note = action.note};
        if (!Apply(ms, follow, rules, now).ok()) continue;
        TC_RETURN_IF_ERROR(StoreState(c, mr.id, ms, now, &follow.note, nullptr));
        TC_RETURN_IF_ERROR(AppendLog(c, mr.id, now, by.name, "resolve", mr.state.status, ms.status, ms.department,
                                     "resolved with the matter of " + std::to_string(id) + ": " + follow.note));
        changes.push_back({mr.state, ms, mr.community_code});
      }
    }
    return Status::Ok();
  }));
  st_->Recount(changes);
  return Get(id);
}

Result<Request> Hotline::Group(int64_t lead, std::span<const int64_t> members, const Scope& scope, const audit::Actor& by) {
  if (members.empty()) return FieldInvalid("members", "name at least one request to group with the lead");
  if (members.size() > 1000) return FieldInvalid("members", "at most 1000 requests at once");
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    std::vector<int64_t> all = {lead};
    all.insert(all.end(), members.begin(), members.end());
    for (size_t i = 0; i < all.size(); ++i) {
      const int64_t id = all[i];
      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT " + std::string(kColumns) + " FROM hotline_requests WHERE id = ?" + ForUpdate(c), {id}));
      if (rows.empty()) return FieldInvalid(i ? "members" : "lead", "request " + std::to_string(id) + " does not exist");
      Request r = FromRow(rows[0]);
      if (!InScope(scope, r)) return FieldInvalid(i ? "members" : "lead", "request " + std::to_string(id) + " does not exist");
      if (!IsOpen(r.state.status)) {
        return Conflict("request " + std::to_string(id) + " is " + std::string(StateName(r.state.status)) + "; only open requests join a matter");
      }
      if (r.group_id && r.group_id != lead) {
        return Conflict("request " + std::to_string(id) + " already belongs to the matter of " + std::to_string(r.group_id));
      }
      TC_RETURN_IF_ERROR(c.Exec("UPDATE hotline_requests SET group_id = ?, updated_at = ? WHERE id = ?", {lead, now, id}).status());
      TC_RETURN_IF_ERROR(AppendLog(c, id, now, by.name, "group", r.state.status, r.state.status, r.state.department,
                                   i ? "joined the matter of " + std::to_string(lead)
                                     : "leads a matter of " + std::to_string(all.size()) + " requests"));
    }
    return Status::Ok();
  }));
  return Get(lead);
}

Result<int64_t> Hotline::Tick() {
  const Millis now = clock_.Now();
  HotlineRules rules;
  {
    std::shared_lock lock(st_->mu);
    rules = st_->rules;
  }
  int64_t changed = 0;
  while (true) {
    std::vector<Shared::Change> changes;
    TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
      changes.clear();
      TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT " + std::string(kColumns) + " FROM hotline_requests WHERE next_due > 0 "
                                             "AND next_due <= ? ORDER BY next_due LIMIT 500",
                                             {now}));
      for (const auto& row : rows.rows) {
        Request r = FromRow(row);
        RequestState s = r.state;
        const SweepResult sw = Sweep(s, rules, now);
        TC_RETURN_IF_ERROR(StoreState(c, r.id, s, now, nullptr, nullptr));
        const auto names = [](int flags) {
          std::string n;
          if (flags & kRespondFlag) n += "respond ";
          if (flags & kHandleFlag) n += "handle ";
          if (flags & kCallbackFlag) n += "callback ";
          if (!n.empty()) n.pop_back();
          return n;
        };
        if (sw.reminded) {
          TC_RETURN_IF_ERROR(AppendLog(c, r.id, now, "system", "remind", s.status, s.status, s.department,
                                       "deadline near: " + names(sw.reminded)));
        }
        if (sw.overdue || sw.escalated) {
          TC_RETURN_IF_ERROR(AppendLog(c, r.id, now, "system", "escalate", s.status, s.status, s.department,
                                       "escalation level " + std::to_string(s.escalation) +
                                           (sw.overdue ? "; deadline missed: " + names(sw.overdue) : "")));
        }
        changes.push_back({r.state, s, r.community_code});
      }
      return Status::Ok();
    }));
    st_->Recount(changes);
    changed += static_cast<int64_t>(changes.size());
    if (changes.size() < 500) break;
  }
  return changed;
}

namespace {
Result<int64_t> DayOf(std::string_view date, std::string_view field) {
  int y = 0, m = 0, d = 0;
  if (date.size() != 10 || std::sscanf(std::string(date).c_str(), "%4d-%2d-%2d", &y, &m, &d) != 3) {
    return FieldInvalid(std::string(field), "'" + std::string(date) + "' is not a date (YYYY-MM-DD)");
  }
  auto days = DaysFromCivil(y, m, d);
  if (!days.ok()) return FieldInvalid(std::string(field), "'" + std::string(date) + "' is not a date");
  return *days;
}
}  // namespace

Result<RateBook::Answer> Hotline::Rates(std::string_view from, std::string_view to, RateBook::GroupBy by,
                                        std::string_view department, std::string_view area_code) const {
  TC_ASSIGN_OR_RETURN(int64_t d0, DayOf(from, "from"));
  TC_ASSIGN_OR_RETURN(int64_t d1, DayOf(to, "to"));
  if (d1 < d0) return FieldInvalid("to", "is before from");
  if (d1 - d0 > 3660) return FieldInvalid("to", "the period is longer than ten years");
  std::shared_lock lock(st_->mu);
  return st_->book->Query(d0, d1, by, department, area_code);
}

Result<std::vector<RankingRow>> Hotline::Rankings(std::string_view month, RateBook::GroupBy by) const {
  if (month.size() != 7) return FieldInvalid("month", "'" + std::string(month) + "' is not a month (YYYY-MM)");
  TC_ASSIGN_OR_RETURN(int64_t d0, DayOf(std::string(month) + "-01", "month"));
  int y, m, d;
  CivilFromDays(d0, y, m, d);
  auto next = DaysFromCivil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1);
  if (!next.ok()) return next.status();
  std::shared_lock lock(st_->mu);
  auto ans = st_->book->Query(d0, *next - 1, by, "", "");
  std::vector<RankingRow> out;
  for (auto& row : ans.rows) {
    if (row.key.empty()) continue;  // unrouted / no department: not ranked
    RankingRow r{row.key, "", row.counts, row.counts.Score(), 0};
    if (by == RateBook::GroupBy::kDepartment) {
      if (const Department* dep = st_->taxonomy.FindDepartment(row.key)) r.name = dep->name;
    } else if (auto it = st_->area_name.find(row.key); it != st_->area_name.end()) {
      r.name = it->second;
    }
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const RankingRow& a, const RankingRow& b) {
    return a.score != b.score ? a.score > b.score : a.key < b.key;
  });
  for (size_t i = 0; i < out.size(); ++i) out[i].rank = static_cast<int>(i + 1);
  return out;
}

std::vector<Hotspot> Hotline::Hotspots() const {
  const Millis now = clock_.Now();
  std::shared_lock lock(st_->mu);
  const HotlineRules& r = st_->rules;
  const Millis window_start = now - r.hotspot_window_hours * kHourMs;
  const Millis base_start = window_start - r.hotspot_baseline_days * kDayMs;
  struct Acc {
    int64_t window = 0, base = 0;
    Millis first = 0, last = 0;
    std::vector<int64_t> ids;
  };
  std::map<std::pair<std::string, std::string>, Acc> acc;
  for (const auto& e : st_->recent) {
    if (e.community.empty() || e.at < base_start || e.at > now) continue;
    Acc& a = acc[{e.community, e.category}];
    if (e.at >= window_start) {
      ++a.window;
      if (!a.first) a.first = e.at;
      a.last = e.at;
      a.ids.push_back(e.id);
    } else {
      ++a.base;
    }
  }
  const double windows = double(r.hotspot_baseline_days * 24) / double(r.hotspot_window_hours);
  std::vector<Hotspot> out;
  for (auto& [key, a] : acc) {
    if (a.window < r.hotspot_min_count) continue;
    const double baseline = a.base / windows;
    if (a.window < r.hotspot_ratio * baseline) continue;
    Hotspot h;
    h.community_code = key.first;
    h.category = key.second;
    h.count = a.window;
    h.baseline = baseline;
    h.ratio = baseline > 0 ? a.window / baseline : 0;
    h.first = a.first;
    h.last = a.last;
    std::reverse(a.ids.begin(), a.ids.end());
    if (a.ids.size() > 20) a.ids.resize(20);
    h.request_ids = std::move(a.ids);
    if (auto it = st_->area_name.find(key.first); it != st_->area_name.end()) h.community_name = it->second;
    if (auto a = st_->area_index.find(key.first); a != st_->area_index.end()) h.path = st_->areas[a->second].path;
    if (const Category* c = st_->taxonomy.Find(key.second)) h.category_name = c->name;
    out.push_back(std::move(h));
  }
  std::sort(out.begin(), out.end(), [](const Hotspot& a, const Hotspot& b) {
    return a.count != b.count ? a.count > b.count : a.community_code < b.community_code;
  });
  return out;
}

Taxonomy Hotline::CurrentTaxonomy() const {
  std::shared_lock lock(st_->mu);
  return st_->taxonomy;
}

Result<Taxonomy> Hotline::SetTaxonomy(std::string_view json, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(auto t, ParseTaxonomy(json));
  const Millis now = clock_.Now();
  Taxonomy stored;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto old, LoadTaxonomy(c));
    TC_RETURN_IF_ERROR(StoreTaxonomy(c, t, old, now));
    TC_ASSIGN_OR_RETURN(stored, LoadTaxonomy(c));
    nlohmann::json detail = {{"departments", t.departments.size()}, {"categories", t.categories.size()}};
    return audit::Append(c, {.actor = by.name, .action = "hotline.taxonomy", .target = "hotline:taxonomy",
                             .area_path = "/", .detail = detail.dump(), .request_id = by.request_id},
                         now);
  }));
  std::unique_lock lock(st_->mu);
  st_->taxonomy = stored;
  return stored;
}

std::vector<std::string> Hotline::DepartmentsOf(std::string_view username) const {
  std::shared_lock lock(st_->mu);
  std::vector<std::string> out;
  for (const auto& [dept, users] : st_->staff) {
    if (std::find(users.begin(), users.end(), username) != users.end()) out.push_back(dept);
  }
  return out;
}

Result<std::vector<std::string>> Hotline::Staff(std::string_view department) {
  std::shared_lock lock(st_->mu);
  if (!st_->taxonomy.FindDepartment(department)) return NoSuch("department " + std::string(department));
  auto it = st_->staff.find(std::string(department));
  return it == st_->staff.end() ? std::vector<std::string>{} : it->second;
}

Status Hotline::SetStaff(std::string_view department, std::span<const std::string> usernames, const audit::Actor& by) {
  {
    std::shared_lock lock(st_->mu);
    if (!st_->taxonomy.FindDepartment(department)) return NoSuch("department " + std::string(department));
  }
  for (size_t i = 0; i < usernames.size(); ++i) {
    if (usernames[i].empty() || usernames[i].size() > 64) {
      return FieldInvalid("usernames[" + std::to_string(i) + "]", "is empty or longer than 64 bytes");
    }
  }
  std::vector<std::string> list(usernames.begin(), usernames.end());
  std::sort(list.begin(), list.end());
  list.erase(std::unique(list.begin(), list.end()), list.end());
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("DELETE FROM hotline_department_staff WHERE department_code = ?", {std::string(department)}).status());
    for (const auto& u : list) {
      TC_RETURN_IF_ERROR(c.Exec("INSERT INTO hotline_department_staff (department_code, username) VALUES (?, ?)",
                                {std::string(department), u})
                             .status());
    }
    nlohmann::json detail = {{"staff", list}};
    return audit::Append(c, {.actor = by.name, .action = "hotline.staff", .target = "department:" + std::string(department),
                             .area_path = "/", .detail = detail.dump(), .request_id = by.request_id},
                         now);
  }));
  std::unique_lock lock(st_->mu);
  st_->staff[std::string(department)] = list;
  return Status::Ok();
}

HotlineRules Hotline::CurrentRules() const {
  std::shared_lock lock(st_->mu);
  return st_->rules;
}

Result<HotlineRules> Hotline::SetRules(std::string_view json, std::string_view reason, const audit::Actor& by) {
  if (reason.empty()) return FieldInvalid("reason", "is required");
  HotlineRules base = CurrentRules();
  TC_ASSIGN_OR_RETURN(auto r, ParseHotlineRules(json, base));
  const Millis now = clock_.Now();
  r.changed_by = by.name;
  r.reason = std::string(reason);
  r.changed_at = now;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto ins, c.Query("INSERT INTO hotline_rules (rules, changed_by, reason, changed_at) VALUES (?, ?, ?, ?) "
                                          "RETURNING version",
                                          {HotlineRulesJson(r), by.name, std::string(reason), now}));
    r.version = ins[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "hotline.rules", .target = "hotline_rules:" + std::to_string(r.version),
                             .area_path = "/", .detail = HotlineRulesJson(r), .request_id = by.request_id},
                         now);
  }));
  std::unique_lock lock(st_->mu);
  st_->rules = r;
  return r;
}

Result<std::vector<HotlineRules>> Hotline::RulesHistory() {
  TC_ASSIGN_OR_RETURN(auto rows, store_.ReadAll<store::Row>("SELECT version, rules, changed_by, reason, changed_at FROM "
                                                            "hotline_rules ORDER BY version DESC",
                                                            {}, [](const store::Row& r) { return r; }));
  std::vector<HotlineRules> out;
  for (const auto& row : rows) {
    TC_ASSIGN_OR_RETURN(auto r, ParseHotlineRules(row.Text(1), HotlineRules{}));
    r.version = row.Int(0);
    r.changed_by = row.Text(2);
    r.reason = row.Text(3);
    r.changed_at = row.Int(4);
    out.push_back(std::move(r));
  }
  return out;
}

Status Hotline::AddAlias(std::string_view alias_in, std::string_view area_code, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(auto alias, NormalizeText(alias_in, "alias"));
  if (alias.size() < 4 || alias.size() > 100) return FieldInvalid("alias", "must be 2 to about 30 characters");
  std::string path;
  {
    std::shared_lock lock(st_->mu);
    if (auto a = st_->area_index.find(std::string(area_code)); a != st_->area_index.end()) path = st_->areas[a->second].path;
  }
  if (path.empty()) return FieldInvalid("area_code", "'" + std::string(area_code) + "' is not an area");
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO hotline_aliases (alias, area_code, created_by, created_at) VALUES (?, ?, ?, ?)",
                              {alias, std::string(area_code), by.name, now})
                           .status());
    nlohmann::json detail = {{"alias", alias}};
    return audit::Append(c, {.actor = by.name, .action = "hotline.alias", .target = "area:" + std::string(area_code),
                             .area_path = path, .detail = detail.dump(), .request_id = by.request_id},
                         now);
  }));
  std::vector<AddressAlias> aliases;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT alias, area_code FROM hotline_aliases"));
    for (const auto& r : rows.rows) aliases.push_back({r.Text(0), r.Text(1)});
    return Status::Ok();
  }));
  std::vector<AddressArea> areas;
  {
    std::shared_lock lock(st_->mu);
    areas = st_->areas;
  }
  std::shared_ptr<const AddressResolver> resolver = AddressResolver::Build(areas, aliases);
  std::unique_lock lock(st_->mu);
  st_->resolver = std::move(resolver);
  return Status::Ok();
}

Result<RetrainReport> Hotline::Retrain(const audit::Actor& by) {
  // The overrides: the category an agent chose over the classifier's first suggestion.
  std::vector<Example> overrides;
  TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT category, text FROM hotline_requests WHERE overridden = 1 ORDER BY id"));
    for (const auto& r : rows.rows) overrides.push_back({r.Text(0), r.Text(1), 2.0});
    return Status::Ok();
  }));
  RetrainReport report;
  report.at = clock_.Now();
  report.overrides = static_cast<int64_t>(overrides.size());
  std::shared_ptr<const Classifier> model;
  if (overrides.empty()) {
    model = BaseModel();
    report.examples = static_cast<int64_t>(TrainingExamples().size());
  } else {
    auto examples = TrainingExamples();
    examples.insert(examples.end(), overrides.begin(), overrides.end());
    report.examples = static_cast<int64_t>(examples.size());
    model = std::make_shared<const Classifier>(Classifier::Train(examples));
    if (by.name != "system") {
      TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
        nlohmann::json detail = {{"examples", report.examples}, {"overrides", report.overrides}};
        return audit::Append(c, {.actor = by.name, .action = "hotline.retrain", .target = "hotline:classifier",
                                 .area_path = "/", .detail = detail.dump(), .request_id = by.request_id},
                             report.at);
      }));
    }
  }
  std::unique_lock lock(st_->mu);
  st_->model = std::move(model);
  st_->trained = report;
  return report;
}

Status Hotline::AuditUnmaskedRead(std::span<const int64_t> ids, std::string_view area_path, const audit::Actor& by) {
  if (ids.empty()) return Status::Ok();
  nlohmann::json detail = {{"requests", std::vector<int64_t>(ids.begin(), ids.end())}};
  return store_.Tx([&](store::Conn& c) {
    return audit::Append(c, {.actor = by.name, .action = "hotline.unmask", .target = "hotline_requests",
                             .area_path = std::string(area_path), .detail = detail.dump(), .request_id = by.request_id},
                         clock_.Now());
  });
}

RetrainReport Hotline::LastTraining() const {
  std::shared_lock lock(st_->mu);
  return st_->trained;
}

Result<std::string> Hotline::IssueApiKey(std::string_view name, const audit::Actor& by) {
  if (name.empty() || name.size() > 100) return FieldInvalid("name", "is required, at most 100 bytes");
  const std::string key = RandomToken(24);
  const std::string hash = Sha256Hex(key);
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO hotline_api_keys (key_hash, name, created_by, created_at, revoked_at) VALUES (?, ?, ?, ?, 0)",
                              {hash, std::string(name), by.name, now})
                           .status());
    nlohmann::json detail = {{"name", name}};
    return audit::Append(c, {.actor = by.name, .action = "hotline.api_key", .target = "open311",
                             .area_path = "/", .detail = detail.dump(), .request_id = by.request_id},
                         now);
  }));
  std::unique_lock lock(st_->mu);
  st_->api_keys.insert(hash);
  return key;
}

bool Hotline::ApiKeyValid(std::string_view key) const {
  if (key.empty() || key.size() > 200) return false;
  const std::string hash = Sha256Hex(key);
  std::shared_lock lock(st_->mu);
  return st_->api_keys.contains(hash);
}

std::string Hotline::PlaceName(std::string_view code, std::string_view deepest_level) const {
  static constexpr std::string_view kLevels[] = {"district", "street", "community", "compound", "building", "unit"};
  std::shared_lock lock(st_->mu);
  auto it = st_->area_index.find(std::string(code));
  if (it == st_->area_index.end()) return {};
  const std::string& path = st_->areas[it->second].path;
  std::string out;
  bool past = false;
  for (std::string_view level : kLevels) {
    if (past) break;
    past = level == deepest_level;
    // The chain's area at this level: the one whose path prefixes ours.
    for (size_t start = 1; start < path.size();) {
      const size_t end = path.find('/', start);
      if (end == std::string::npos) break;
      const std::string c = path.substr(start, end - start);
      if (auto a = st_->area_index.find(c); a != st_->area_index.end() && st_->areas[a->second].level == level) {
        out += st_->areas[a->second].name;
      }
      start = end + 1;
    }
  }
  return out;
}

std::string Hotline::CityCode() const {
  std::shared_lock lock(st_->mu);
  return st_->city_code;
}

}  // namespace tc::hotline
