#include "healthcode/codes.h"

#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "base/crypto.h"
#include "base/json.h"
#include "healthcode/internal/versioned.h"
#include "registry/areas.h"
#include "registry/lookup.h"
#include "screening/screening.h"
#include "tracing/cases.h"
#include "tracing/checkins.h"
#include "tracing/service.h"

namespace tc::healthcode {

// ---- Rules ----

namespace {

Status ColourField(const nlohmann::json& v, const std::string& field, Colour* out) {
  if (!v.is_string() || !ParseColour(v.get<std::string>(), out)) {
    return FieldInvalid(field, field + " is green, yellow or red");
  }
  return Status::Ok();
}

Status IntField(const nlohmann::json& v, const std::string& field, int lo, int hi, int* out) {
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
    return FieldInvalid(field, field + " is a whole number, " + std::to_string(lo) + "–" + std::to_string(hi));
  }
  *out = v.get<int>();
  return Status::Ok();
}

// Applies {"key": colour-or-number, …} of a section to the slots it names.
struct Slot {
  const char* key;
  Colour* colour = nullptr;
  int* number = nullptr;
  int lo = 0, hi = 0;
};

Status ApplySection(const nlohmann::json& doc, const std::string& section, std::initializer_list<Slot> slots) {
  if (!doc.is_object()) return FieldInvalid(section, section + " is an object");
  for (const auto& [key, value] : doc.items()) {
    const Slot* slot = nullptr;
    for (const Slot& s : slots) {
      if (key == s.key) slot = &s;
    }
    const std::string field = section + "." + key;
    if (slot == nullptr) {
      std::string known;
      for (const Slot& s : slots) known += (known.empty() ? "" : ", ") + std::string(s.key);
      return FieldInvalid(field, "unknown rule '" + field + "' (" + known + ")");
    }
    if (slot->colour) TC_RETURN_IF_ERROR(ColourField(value, field, slot->colour));
    if (slot->number) TC_RETURN_IF_ERROR(IntField(value, field, slot->lo, slot->hi, slot->number));
  }
  return Status::Ok();
}

}  // namespace

Result<HealthRules> ParseHealthRules(std::string_view json, const HealthRules& base) {
  TC_ASSIGN_OR_RETURN(auto doc, ParseJson(json));
  if (!doc.is_object()) return FieldInvalid("rules", "the rules are a JSON object");
  HealthRules r = base;
  r.version = 0;
  for (const auto& [key, value] : doc.items()) {
    if (key == "case") {
      TC_RETURN_IF_ERROR(ApplySection(value, key, {{"confirmed", &r.case_confirmed}, {"asymptomatic", &r.case_asymptomatic},
                                                   {"suspected", &r.case_suspected}}));
    } else if (key == "contact") {
      TC_RETURN_IF_ERROR(ApplySection(value, key, {{"close", &r.contact_close}, {"secondary", &r.contact_secondary},
                                                   {"exposed", &r.contact_exposed}}));
    } else if (key == "tube_positive") {
      TC_RETURN_IF_ERROR(ColourField(value, key, &r.tube_positive));
    } else if (key == "residence") {
      TC_RETURN_IF_ERROR(ApplySection(value, key, {{"high", &r.residence_high}, {"medium", &r.residence_medium}}));
    } else if (key == "visit") {
      TC_RETURN_IF_ERROR(ApplySection(value, key, {{"high", &r.visit_high}, {"medium", &r.visit_medium},
                                                   {"days", nullptr, &r.visit_days, 1, 30}}));
    } else if (key == "test") {
      TC_RETURN_IF_ERROR(ApplySection(value, key, {{"colour", &r.test_missing}, {"hours", nullptr, &r.test_hours, 0, 24 * 14}}));
    } else if (key == "code_ttl_seconds") {
      TC_RETURN_IF_ERROR(IntField(value, key, 30, 3600, &r.code_ttl_seconds));
    } else {
      return FieldInvalid(key, "unknown rule '" + key + "' (case, contact, tube_positive, residence, visit, test, "
                               "code_ttl_seconds)");
    }
  }
  return r;
}

std::string HealthRulesJson(const HealthRules& r) {
  auto c = [](Colour x) { return std::string(ColourName(x)); };
  return nlohmann::json{
      {"case", {{"confirmed", c(r.case_confirmed)}, {"asymptomatic", c(r.case_asymptomatic)}, {"suspected", c(r.case_suspected)}}},
      {"contact", {{"close", c(r.contact_close)}, {"secondary", c(r.contact_secondary)}, {"exposed", c(r.contact_exposed)}}},
      {"tube_positive", c(r.tube_positive)},
      {"residence", {{"high", c(r.residence_high)}, {"medium", c(r.residence_medium)}}},
      {"visit", {{"high", c(r.visit_high)}, {"medium", c(r.visit_medium)}, {"days", r.visit_days}}},
      {"test", {{"hours", r.test_hours}, {"colour", c(r.test_missing)}}},
      {"code_ttl_seconds", r.code_ttl_seconds}}
      .dump();
}

// ---- State ----

namespace {

enum FactKind : uint8_t { kCase = 1, kContact = 2, kTube = 3, kVisit = 4 };

struct Fact {
  FactKind kind = kCase;
  uint8_t sub = 0;      // case: 0 confirmed 1 asymptomatic 2 suspected; contact: tier (0 close 1 secondary 2 exposed)
  int64_t ref = 0;      // case id | contact id | round id | community index
  Millis since = 0;     // visit: the latest arrival
  std::string note;     // contact: its status; tube: the barcode; visit: the venue's name
};

constexpr uint32_t kNoUnit = UINT32_MAX;

uint8_t CaseSub(std::string_view kind) { return kind == "asymptomatic" ? 1 : kind == "suspected" ? 2 : 0; }
uint8_t TierSub(std::string_view tier) { return tier == "secondary" ? 1 : tier == "exposed" ? 2 : 0; }

std::string StatusZh(std::string_view s) {
  if (s == "pending") return "待通知";
  if (s == "notified") return "已通知";
  if (s == "quarantined") return "隔离中";
  if (s == "monitoring") return "健康监测中";
  return std::string(s);
}

std::string ShortTime(Millis t) {
  std::string s = FormatShanghai(t);  // 2026-12-03T14:05:00+08:00
  return s.size() >= 16 ? s.substr(0, 10) + " " + s.substr(11, 5) : s;
}

}  // namespace

struct HealthCodes::State {
  mutable std::shared_mutex mu;  // everything below; exclusive to change
  std::mutex write_mu;           // event handlers, recomputes, rule changes: one at a time
  HealthRules rules;
  // People and places.
  std::vector<uint32_t> unit_of;          // person → unit index (kNoUnit: not a resident)
  std::vector<std::string> unit_paths;    // unit index → path
  std::vector<int32_t> unit_community;    // unit index → community index (−1)
  std::vector<uint32_t> comm_first, comm_people;  // residents per community (CSR)
  std::vector<uint8_t> comm_level;        // community → declared level (from RiskAreaChanged)
  std::vector<Millis> comm_since;
  std::vector<std::string> comm_name;
  std::vector<int32_t> comm_district;     // community → district index (−1)
  std::vector<std::string> district_codes;
  std::vector<uint8_t> district_wartime;
  std::vector<Millis> district_since;
  // Facts and kept colours.
  std::unordered_map<uint32_t, std::vector<Fact>> facts;
  std::unordered_map<int32_t, std::vector<uint32_t>> visitors_of;  // community → people with a visit fact there
  std::vector<uint8_t> colour;                 // person → kept colour
  std::unordered_map<uint32_t, Millis> since;  // person → since (absent: green since the city began)
  std::vector<uint32_t> dirty;                 // kept colours changed at lookup, not yet stored
  // Token keys.
  std::array<uint8_t, crypto_generichash_KEYBYTES> enc_key{}, mac_key{};
};

HealthCodes::HealthCodes(store::Store& store, const Clock& clock, RiskAreas& risk, screening::Screening& screening,
                         tracing::Tracing& tracing, tracing::Cases& cases)
    : store_(store), clock_(clock), risk_(risk), screening_(screening), tracing_(tracing), cases_(cases),
      st_(std::make_unique<State>()) {}
HealthCodes::~HealthCodes() = default;

namespace {

// What one resident's facts, place and tests make: the colour, and the reasons if asked.
struct Eval {
  Colour colour = Colour::kGreen;
  std::vector<Reason> reasons;
  bool time_bound = false;  // a reason depends on the clock (visit, test)
};

void Add(Eval& e, bool want, Colour c, std::string code, std::string text, Millis since, Millis until) {
  if (c == Colour::kGreen) return;
  e.colour = std::max(e.colour, c);
  if (want) e.reasons.push_back({std::move(code), c, std::move(text), since, until});
}

// `last_negative`: the person's latest negative sample time, or −1 to ask `ask`.
template <typename AskNegative>
Eval Evaluate(const HealthCodes::State& st, uint32_t p, Millis now, bool want, AskNegative&& ask) {
  Eval e;
  const HealthRules& r = st.rules;
  if (p >= st.unit_of.size() || st.unit_of[p] == kNoUnit) return e;
  const int32_t comm = st.unit_community[st.unit_of[p]];
  if (auto it = st.facts.find(p); it != st.facts.end()) {
    for (const Fact& f : it->second) {
      switch (f.kind) {
        case kCase: {
          static const char* const kCodes[] = {"case.confirmed", "case.asymptomatic", "case.suspected"};
          static const char* const kTexts[] = {"确诊病例", "无症状感染者", "疑似病例（核酸检测阳性，待诊断）"};
          const Colour c = f.sub == 0 ? r.case_confirmed : f.sub == 1 ? r.case_asymptomatic : r.case_suspected;
          Add(e, want, c, kCodes[f.sub], std::string(kTexts[f.sub]) + "（病例 " + std::to_string(f.ref) + "）",
              f.since, 0);
          break;
        }
        case kContact: {
          static const char* const kCodes[] = {"contact.close", "contact.secondary", "contact.exposed"};
          static const char* const kTexts[] = {"密切接触者", "次密切接触者", "风险人员（与病例有时空交集），需按要求完成核酸检测"};
          const Colour c = f.sub == 0 ? r.contact_close : f.sub == 1 ? r.contact_secondary : r.contact_exposed;
          Add(e, want, c, kCodes[f.sub], std::string(kTexts[f.sub]) + "（" + StatusZh(f.note) + "）", f.since, 0);
          break;
        }
        case kTube:
          Add(e, want, r.tube_positive, "tube.positive",
              "所在混采管 " + f.note + " 检测异常，待单管复核", f.since, 0);
          break;
        case kVisit: {
          const auto c = static_cast<int32_t>(f.ref);
          const Level level = static_cast<Level>(st.comm_level[c]);
          const Millis until = f.since + int64_t{r.visit_days} * 86'400'000;
          if (level == Level::kLow || now >= until) break;
          e.time_bound = true;
          const bool high = level == Level::kHigh;
          Add(e, want, high ? r.visit_high : r.visit_medium, high ? "visit.high" : "visit.medium",
              std::to_string(r.visit_days) + " 天内到访过" + std::string(LevelNameZh(level)) + "区：" + st.comm_name[c] +
                  "（" + f.note + "，" + ShortTime(f.since) + "）",
              f.since, until);
          break;
        }
      }
    }
  }
  if (comm >= 0) {
    const Level level = static_cast<Level>(st.comm_level[comm]);
    if (level != Level::kLow) {
      const bool high = level == Level::kHigh;
      Add(e, want, high ? r.residence_high : r.residence_medium, high ? "residence.high" : "residence.medium",
          "居住在" + std::string(LevelNameZh(level)) + "区：" + st.comm_name[comm], st.comm_since[comm], 0);
    }
    const int32_t district = st.comm_district[comm];
    if (r.test_hours > 0 && r.test_missing != Colour::kGreen && district >= 0 && st.district_wartime[district]) {
      e.time_bound = true;
      const Millis last = ask(p);
      const Millis window = int64_t{r.test_hours} * 3'600'000;
      if (last <= 0 || now - last > window) {
        Add(e, want, r.test_missing, "test.missing",
            "战时要求 " + std::to_string(r.test_hours) + " 小时内核酸阴性；" +
                (last > 0 ? "最近一次阴性采样于 " + ShortTime(last) : std::string("没有阴性结果")),
            last > 0 ? last + window : st.district_since[district], 0);
      }
    }
  }
  // The strongest reasons first.
  if (want) std::stable_sort(e.reasons.begin(), e.reasons.end(), [](const Reason& x, const Reason& y) { return x.colour > y.colour; });
  return e;
}

// Stores changed colours (resident, colour, since).
Status StoreColours(store::Store& store, std::vector<std::tuple<uint32_t, Colour, Millis>> rows) {
  if (rows.empty()) return Status::Ok();
  // One row per resident (the last given wins): an upsert may not touch a row twice.
  std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return std::get<0>(x) < std::get<0>(y); });
  std::vector<std::tuple<uint32_t, Colour, Millis>> unique;
  for (auto& r : rows) {
    if (!unique.empty() && std::get<0>(unique.back()) == std::get<0>(r)) unique.back() = r;
    else unique.push_back(r);
  }
  rows.swap(unique);
  return store.Tx([&](store::Conn& c) -> Status {
    for (size_t i = 0; i < rows.size(); i += 200) {
      const size_t n = std::min<size_t>(200, rows.size() - i);
      std::string sql = "INSERT INTO hc_colours (resident_id, colour, since) VALUES ";
      store::Params params;
      for (size_t k = 0; k < n; ++k) {
        const auto& [p, colour, since] = rows[i + k];
        sql += k ? ", (?, ?, ?)" : "(?, ?, ?)";
        params.emplace_back(int64_t{p});
        params.emplace_back(std::string(ColourName(colour)));
        params.emplace_back(since);
      }
      sql += " ON CONFLICT (resident_id) DO UPDATE SET colour = excluded.colour, since = excluded.since";
      TC_RETURN_IF_ERROR(c.Exec(sql, params).status());
    }
    return Status::Ok();
  });
}

}  // namespace

// ---- Tokens ----

namespace {

uint32_t Round(const std::array<uint8_t, crypto_generichash_KEYBYTES>& key, uint8_t round, uint32_t half) {
  uint8_t msg[5] = {round, static_cast<uint8_t>(half), static_cast<uint8_t>(half >> 8), static_cast<uint8_t>(half >> 16),
                    static_cast<uint8_t>(half >> 24)};
  uint8_t out[16];
  crypto_generichash(out, sizeof out, msg, sizeof msg, key.data(), key.size());
  return uint32_t{out[0]} | uint32_t{out[1]} << 8 | uint32_t{out[2]} << 16 | uint32_t{out[3]} << 24;
}

void Mac(const std::array<uint8_t, crypto_generichash_KEYBYTES>& key, const uint8_t* enc8, uint8_t* mac8) {
  uint8_t out[16];
  crypto_generichash(out, sizeof out, enc8, 8, key.data(), key.size());
  std::memcpy(mac8, out, 8);
}

}  // namespace

Token HealthCodes::TokenOf(int64_t resident_id) const {
  // A four-round Feistel network (a pseudorandom permutation of 64-bit ids, keyed by
  // the module's secret), then a MAC over its output: opaque, and reversible only
  // with the secret.
  auto id = static_cast<uint64_t>(resident_id);
  uint32_t l = static_cast<uint32_t>(id >> 32), r = static_cast<uint32_t>(id);
  for (uint8_t i = 0; i < 4; ++i) {
    const uint32_t next = l ^ Round(st_->enc_key, i, r);
    l = r;
    r = next;
  }
  Token t{};
  for (int i = 0; i < 4; ++i) {
    t[i] = static_cast<uint8_t>(l >> (8 * i));
    t[4 + i] = static_cast<uint8_t>(r >> (8 * i));
  }
  Mac(st_->mac_key, t.data(), t.data() + 8);
  return t;
}

int64_t HealthCodes::ResidentOfToken(const Token& t) const {
  uint8_t mac[8];
  Mac(st_->mac_key, t.data(), mac);
  if (sodium_memcmp(mac, t.data() + 8, 8) != 0) return 0;
  uint32_t l = 0, r = 0;
  for (int i = 0; i < 4; ++i) {
    l |= uint32_t{t[i]} << (8 * i);
    r |= uint32_t{t[4 + i]} << (8 * i);
  }
  for (int i = 3; i >= 0; --i) {
    const uint32_t prev = r ^ Round(st_->enc_key, static_cast<uint8_t>(i), l);
    r = l;
    l = prev;
  }
  const uint64_t id = uint64_t{l} << 32 | r;
  return id > 0 && id < (uint64_t{1} << 40) ? static_cast<int64_t>(id) : 0;
}

std::string HealthCodes::TokenText(const Token& t) {
  static const char* const kHex = "0123456789abcdef";
  std::string s(32, '0');
  for (size_t i = 0; i < t.size(); ++i) {
    s[2 * i] = kHex[t[i] >> 4];
    s[2 * i + 1] = kHex[t[i] & 15];
  }
  return s;
}

bool HealthCodes::ParseTokenText(std::string_view s, Token* t) {
  if (s.size() != 32) return false;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (size_t i = 0; i < 16; ++i) {
    const int hi = nibble(s[2 * i]), lo = nibble(s[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    (*t)[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

// ---- Loading ----

namespace {

// Adds a visit fact for everyone who checked in within the visit window at a venue
// in community `comm` (the latest arrival per person); appends them to `touched`.
Status LoadVisits(HealthCodes::State& st, tracing::Tracing& tracing, const RiskAreas& risk, int32_t comm, Millis now,
                  std::vector<uint32_t>* touched) {
  const std::string path = risk.CommunityPath(comm);
  if (path.empty()) return Status::Ok();
  const Millis from = now - int64_t{st.rules.visit_days} * 86'400'000;
  std::unordered_map<uint32_t, std::pair<Millis, std::string>> latest;
  for (int64_t after = 0;;) {
    TC_ASSIGN_OR_RETURN(auto venues, tracing.ListVenues(path, "", "", after, 500));
    if (venues.empty()) break;
    for (const auto& v : venues) {
      after = v.id;
      TC_ASSIGN_OR_RETURN(auto visitors, tracing.VenueVisitors(v.code, from, now));
      for (const auto& visit : visitors.visits) {
        const Millis at = tracing::ToMillis(visit.arrive);
        auto& slot = latest[visit.person];
        if (at > slot.first) slot = {at, v.name};
      }
    }
  }
  auto& list = st.visitors_of[comm];
  for (auto& [p, visit] : latest) {
    auto& fs = st.facts[p];
    std::erase_if(fs, [&](const Fact& f) { return f.kind == kVisit && f.ref == comm; });
    fs.push_back({kVisit, 0, comm, visit.first, std::move(visit.second)});
    list.push_back(p);
    if (touched) touched->push_back(p);
  }
  return Status::Ok();
}

// The module's token secret, made on first use.
Result<std::string> TokenSecret(store::Store& store) {
  std::string secret;
  TC_RETURN_IF_ERROR(store.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("INSERT INTO hc_settings (name, value) VALUES ('token_secret', ?) "
                              "ON CONFLICT (name) DO NOTHING",
                              {RandomHex(32)})
                           .status());
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT value FROM hc_settings WHERE name = 'token_secret'", {}));
    secret = rows[0].Text(0);
    return Status::Ok();
  }));
  return secret;
}

}  // namespace

Result<std::unique_ptr<HealthCodes>> HealthCodes::Open(store::Store& store, const Clock& clock, RiskAreas& risk,
                                                       screening::Screening& screening, tracing::Tracing& tracing,
                                                       tracing::Cases& cases) {
  TC_RETURN_IF_ERROR(InitCrypto());
  std::unique_ptr<HealthCodes> h(new HealthCodes(store, clock, risk, screening, tracing, cases));
  State& st = *h->st_;
  TC_ASSIGN_OR_RETURN(std::string secret, TokenSecret(store));
  crypto_generichash(st.enc_key.data(), st.enc_key.size(), reinterpret_cast<const uint8_t*>(secret.data()),
                     secret.size(), reinterpret_cast<const uint8_t*>("tongchou token enc"), 18);
  crypto_generichash(st.mac_key.data(), st.mac_key.size(), reinterpret_cast<const uint8_t*>(secret.data()),
                     secret.size(), reinterpret_cast<const uint8_t*>("tongchou token mac"), 18);

  // Communities from the risk module; districts and units from the registry.
  const size_t communities = risk.CommunityCount();
  st.comm_level.resize(communities);
  st.comm_since.resize(communities);
  st.comm_name.resize(communities);
  st.comm_district.assign(communities, -1);
  std::unordered_map<std::string, int32_t> district_by_code;
  for (size_t i = 0; i < communities; ++i) {
    const auto c = static_cast<int32_t>(i);
    st.comm_level[i] = static_cast<uint8_t>(risk.LevelOf(c));
    st.comm_since[i] = risk.LevelSince(c);
    st.comm_name[i] = risk.CommunityName(c);
  }
  std::unordered_map<std::string, uint32_t> unit_by_code;
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    std::unordered_map<std::string, int32_t> comm_by_code;
    for (size_t i = 0; i < communities; ++i) comm_by_code[risk.CommunityCode(static_cast<int32_t>(i))] = static_cast<int32_t>(i);
    // Areas come parents first: a unit's community is its parent's (or its own).
    std::unordered_map<std::string, int32_t> comm_of_area;
    TC_RETURN_IF_ERROR(registry::ForEachArea(c, [&](const registry::AreaNode& a) {
      if (a.level == "district") {
        district_by_code[a.code] = static_cast<int32_t>(st.district_codes.size());
        st.district_codes.push_back(a.code);
        return;
      }
      int32_t comm = -1;
      if (auto it = comm_by_code.find(a.code); it != comm_by_code.end()) {
        comm = it->second;
      } else if (auto p = comm_of_area.find(a.parent_code); p != comm_of_area.end()) {
        comm = p->second;
      }
      if (a.level != "unit") {
        if (comm >= 0) comm_of_area[a.code] = comm;
        return;
      }
      unit_by_code[a.code] = static_cast<uint32_t>(st.unit_paths.size());
      st.unit_paths.push_back(a.path);
      st.unit_community.push_back(comm);
    }));
    int64_t after = 0;
    for (;;) {
      TC_ASSIGN_OR_RETURN(int64_t n, registry::ForEachResidentPlace(c, after, 200'000, [&](const registry::ResidentPlace& r) {
        after = r.id;
        const auto unit = unit_by_code.find(r.unit_code);
        if (unit == unit_by_code.end()) return;
        if (static_cast<size_t>(r.id) >= st.unit_of.size()) st.unit_of.resize(static_cast<size_t>(r.id) + 1, kNoUnit);
        st.unit_of[r.id] = unit->second;
      }));
      if (n == 0) break;
    }
    return Status::Ok();
  }));
  // Each community's district: the path's second component.
  for (size_t i = 0; i < communities; ++i) {
    const std::string path = risk.CommunityPath(static_cast<int32_t>(i));
    for (const auto& [code, idx] : district_by_code) {
      if (path.find("/" + code + "/") != std::string::npos) st.comm_district[i] = idx;
    }
  }
  st.district_wartime.assign(st.district_codes.size(), 0);
  st.district_since.assign(st.district_codes.size(), 0);
  registry::Areas areas(store, clock);
  for (size_t i = 0; i < st.district_codes.size(); ++i) {
    auto a = areas.Get(st.district_codes[i]);
    if (a.ok() && a->mode == registry::kWartime) {
      st.district_wartime[i] = 1;
      auto history = areas.ModeHistory(st.district_codes[i]);
      st.district_since[i] = history.ok() && !history->empty() ? history->front().at : 0;
    }
  }
  // Residents per community.
  st.comm_first.assign(communities + 1, 0);
  for (uint32_t unit : st.unit_of) {
    if (unit != kNoUnit && st.unit_community[unit] >= 0) ++st.comm_first[st.unit_community[unit] + 1];
  }
  for (size_t i = 0; i < communities; ++i) st.comm_first[i + 1] += st.comm_first[i];
  st.comm_people.resize(st.comm_first[communities]);
  {
    std::vector<uint32_t> fill(st.comm_first.begin(), st.comm_first.end() - 1);
    for (size_t p = 0; p < st.unit_of.size(); ++p) {
      const uint32_t unit = st.unit_of[p];
      if (unit != kNoUnit && st.unit_community[unit] >= 0) st.comm_people[fill[st.unit_community[unit]]++] = static_cast<uint32_t>(p);
    }
  }
  st.colour.assign(st.unit_of.size(), 0);

  // Rules, then the facts from the other modules' services.
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rules, internal::LoadRules(c, internal::RulesTable::kHealthCode, true));
    if (!rules.empty()) {
      TC_ASSIGN_OR_RETURN(st.rules, ParseHealthRules(rules[0].rules, HealthRules{}));
      st.rules.version = rules[0].version;
      st.rules.changed_by = rules[0].changed_by;
      st.rules.changed_at = rules[0].changed_at;
      st.rules.reason = rules[0].reason;
    }
    return Status::Ok();
  }));
  for (int64_t after = 0;;) {
    TC_ASSIGN_OR_RETURN(auto page, cases.List({.scope = "", .kind = "", .after_id = after, .limit = 1000}));
    if (page.empty()) break;
    for (const auto& k : page) {
      after = k.id;
      st.facts[static_cast<uint32_t>(k.resident_id)].push_back({kCase, CaseSub(k.kind), k.id, k.created_at, ""});
    }
  }
  for (int64_t after = 0;;) {
    tracing::ContactListQuery q;
    q.after_id = after;
    q.limit = 1000;
    TC_ASSIGN_OR_RETURN(auto page, cases.Contacts(q));
    if (page.empty()) break;
    for (const auto& k : page) {
      after = k.id;
      if (k.status == "released") continue;
      auto& fs = st.facts[static_cast<uint32_t>(k.resident_id)];
      std::erase_if(fs, [](const Fact& f) { return f.kind == kContact; });
      fs.push_back({kContact, TierSub(k.ring), k.id, k.listed_at, k.status});
    }
  }
  for (int64_t after = 0;;) {
    screening::FollowupQuery q;
    q.scope_path = "/";
    q.after_id = after;
    q.limit = 1000;
    TC_ASSIGN_OR_RETURN(auto page, screening.Followups(q));
    if (page.empty()) break;
    for (const auto& f : page) {
      after = f.id;
      if (f.status == "closed") continue;
      auto& fs = st.facts[static_cast<uint32_t>(f.person_id)];
      std::erase_if(fs, [&](const Fact& x) { return x.kind == kTube && x.ref == f.round_id; });
      fs.push_back({kTube, 0, f.round_id, f.created_at, f.tube});
    }
  }
  // Visits to the communities declared medium or high.
  for (size_t i = 0; i < communities; ++i) {
    if (st.comm_level[i] != static_cast<uint8_t>(Level::kLow)) {
      TC_RETURN_IF_ERROR(LoadVisits(st, tracing, risk, static_cast<int32_t>(i), clock.Now(), nullptr));
    }
  }
  // Kept colours and their since-times; then every colour from the facts.
  TC_RETURN_IF_ERROR(store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT resident_id, colour, since FROM hc_colours", {}));
    for (const auto& r : rows.rows) {
      const auto p = static_cast<uint32_t>(r.Int(0));
      if (p >= st.colour.size()) continue;
      Colour col;
      if (ParseColour(r.Text(1), &col)) st.colour[p] = static_cast<uint8_t>(col);
      st.since[p] = r.Int(2);
    }
    return Status::Ok();
  }));
  TC_RETURN_IF_ERROR(h->FullRecompute().status());
  return h;
}

// ---- Changes ----

namespace {

// Re-evaluates `touched` people and keeps their colours; returns the rows to store.
std::vector<std::tuple<uint32_t, Colour, Millis>> Reevaluate(HealthCodes::State& st, std::vector<uint32_t>& touched,
                                                             Millis now, screening::Screening& screening) {
  std::sort(touched.begin(), touched.end());
  touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
  std::vector<std::tuple<uint32_t, Colour, Millis>> rows;
  for (uint32_t p : touched) {
    if (p >= st.colour.size()) continue;
    const Eval e = Evaluate(st, p, now, false, [&](uint32_t q) { return screening.LastNegativeSampled(q); });
    if (static_cast<uint8_t>(e.colour) == st.colour[p]) continue;
    st.colour[p] = static_cast<uint8_t>(e.colour);
    st.since[p] = now;
    rows.emplace_back(p, e.colour, now);
  }
  return rows;
}

// Rows for the kept colours changed at lookup and not yet stored.
std::vector<std::tuple<uint32_t, Colour, Millis>> TakeDirty(HealthCodes::State& st) {
  std::vector<std::tuple<uint32_t, Colour, Millis>> rows;
  std::sort(st.dirty.begin(), st.dirty.end());
  st.dirty.erase(std::unique(st.dirty.begin(), st.dirty.end()), st.dirty.end());
  for (uint32_t p : st.dirty) rows.emplace_back(p, static_cast<Colour>(st.colour[p]), st.since[p]);
  st.dirty.clear();
  return rows;
}

void Erase(std::unordered_map<uint32_t, std::vector<Fact>>& facts, uint32_t p,
           const std::function<bool(const Fact&)>& match) {
  auto it = facts.find(p);
  if (it == facts.end()) return;
  std::erase_if(it->second, match);
  if (it->second.empty()) facts.erase(it);
}

}  // namespace

Status HealthCodes::OnEvent(const events::Event& e) {
  static const std::unordered_set<std::string_view> kTypes = {
      "CaseConfirmed", "CaseSuspected", "ContactListed", "ContactStatusChanged", "ContactRemoved",
      "TubePositive",  "FollowupClosed", "RiskAreaChanged", "AreaModeChanged"};
  if (!kTypes.contains(e.type)) return Status::Ok();
  auto j = nlohmann::json::parse(e.payload, nullptr, false);
  if (!j.is_object()) return Malformed("event " + std::to_string(e.seq) + " (" + e.type + "): payload is not an object");
  State& st = *st_;
  std::lock_guard w(st.write_mu);
  const Millis now = clock_.Now();
  std::vector<uint32_t> touched;
  auto person = [](const nlohmann::json& v) -> uint32_t {
    const int64_t id = v.is_number_integer() ? v.get<int64_t>() : 0;
    return id > 0 && id < INT32_MAX ? static_cast<uint32_t>(id) : 0;
  };
  std::unique_lock x(st.mu);
  if (e.type == "CaseConfirmed" || e.type == "CaseSuspected") {
    const uint32_t p = person(j.value("resident_id", nlohmann::json()));
    const int64_t case_id = j.value("case_id", int64_t{0});
    Erase(st.facts, p, [&](const Fact& f) { return f.kind == kCase; });
    st.facts[p].push_back({kCase, CaseSub(j.value("kind", std::string())), case_id, e.at, ""});
    touched.push_back(p);
  } else if (e.type == "ContactListed") {
    const auto& items = j.value("contacts", nlohmann::json::array());
    for (const auto& c : items) {
      const uint32_t p = person(c.value("resident_id", nlohmann::json()));
      if (p == 0) continue;
      Erase(st.facts, p, [](const Fact& f) { return f.kind == kContact; });
      st.facts[p].push_back({kContact, TierSub(c.value("tier", std::string())), c.value("contact_id", int64_t{0}), e.at,
                             "pending"});
      touched.push_back(p);
    }
  } else if (e.type == "ContactStatusChanged" || e.type == "ContactRemoved") {
    const uint32_t p = person(j.value("resident_id", nlohmann::json()));
    const int64_t contact = j.value("contact_id", int64_t{0});
    const std::string to = j.value("to", std::string());
    Erase(st.facts, p, [&](const Fact& f) { return f.kind == kContact && f.ref == contact; });
    if (e.type == "ContactStatusChanged" && to != "released" && p != 0) {
      st.facts[p].push_back({kContact, TierSub(j.value("tier", std::string())), contact, e.at, to});
    }
    touched.push_back(p);
  } else if (e.type == "TubePositive") {
    const int64_t round = j.value("round_id", int64_t{0});
    const std::string tube = j.value("tube", std::string());
    for (const auto& m : j.value("members", nlohmann::json::array())) {
      const uint32_t p = person(m.value("resident_id", nlohmann::json()));
      if (p == 0) continue;
      Erase(st.facts, p, [&](const Fact& f) { return f.kind == kTube && f.ref == round; });
      st.facts[p].push_back({kTube, 0, round, e.at, tube});
      touched.push_back(p);
    }
  } else if (e.type == "FollowupClosed") {
    const uint32_t p = person(j.value("resident_id", nlohmann::json()));
    const int64_t round = j.value("round_id", int64_t{0});
    Erase(st.facts, p, [&](const Fact& f) { return f.kind == kTube && f.ref == round; });
    touched.push_back(p);
  } else if (e.type == "RiskAreaChanged") {
    const int32_t comm = risk_.CommunityOfPath(j.value("area_path", std::string()));
    Level level;
    if (comm >= 0 && ParseLevel(j.value("level", std::string()), &level)) {
      st.comm_level[comm] = static_cast<uint8_t>(level);
      st.comm_since[comm] = j.value("since", e.at);
      if (auto v = st.visitors_of.find(comm); v != st.visitors_of.end()) {
        for (uint32_t p : v->second) {
          Erase(st.facts, p, [&](const Fact& f) { return f.kind == kVisit && f.ref == comm; });
          touched.push_back(p);
        }
        st.visitors_of.erase(v);
      }
      if (level != Level::kLow) TC_RETURN_IF_ERROR(LoadVisits(st, tracing_, risk_, comm, now, &touched));
      for (uint32_t i = st.comm_first[comm]; i < st.comm_first[comm + 1]; ++i) touched.push_back(st.comm_people[i]);
    }
  } else if (e.type == "AreaModeChanged") {
    const std::string code = j.value("area_code", std::string());
    for (size_t d = 0; d < st.district_codes.size(); ++d) {
      if (st.district_codes[d] != code) continue;
      st.district_wartime[d] = j.value("to", std::string()) == registry::kWartime ? 1 : 0;
      st.district_since[d] = e.at;
      for (size_t c = 0; c < st.comm_district.size(); ++c) {
        if (st.comm_district[c] != static_cast<int32_t>(d)) continue;
        for (uint32_t i = st.comm_first[c]; i < st.comm_first[c + 1]; ++i) touched.push_back(st.comm_people[i]);
      }
    }
  }
  auto rows = Reevaluate(st, touched, now, screening_);
  auto dirty = TakeDirty(st);
  rows.insert(rows.end(), dirty.begin(), dirty.end());
  x.unlock();
  Status s = StoreColours(store_, rows);
  if (!s.ok()) {  // kept in memory; stored with the next change
    std::unique_lock again(st.mu);
    for (const auto& row : rows) st.dirty.push_back(std::get<0>(row));
  }
  return s;
}

Status HealthCodes::Tick() {
  State& st = *st_;
  std::lock_guard w(st.write_mu);
  const Millis now = clock_.Now();
  std::vector<uint32_t> touched;
  std::unique_lock x(st.mu);
  for (size_t c = 0; c < st.comm_level.size(); ++c) {
    const auto comm = static_cast<int32_t>(c);
    if (auto v = st.visitors_of.find(comm); v != st.visitors_of.end()) {
      for (uint32_t p : v->second) {
        Erase(st.facts, p, [&](const Fact& f) { return f.kind == kVisit && f.ref == comm; });
        touched.push_back(p);
      }
      st.visitors_of.erase(v);
    }
    if (st.comm_level[c] != static_cast<uint8_t>(Level::kLow)) {
      TC_RETURN_IF_ERROR(LoadVisits(st, tracing_, risk_, comm, now, &touched));
    }
  }
  auto rows = Reevaluate(st, touched, now, screening_);
  auto dirty = TakeDirty(st);
  rows.insert(rows.end(), dirty.begin(), dirty.end());
  x.unlock();
  Status s = StoreColours(store_, rows);
  if (!s.ok()) {
    std::unique_lock again(st.mu);
    for (const auto& row : rows) st.dirty.push_back(std::get<0>(row));
  }
  return s;
}

// ---- Reads ----

Result<CodeStatus> HealthCodes::Lookup(int64_t resident_id) {
  State& st = *st_;
  const Millis now = clock_.Now();
  CodeStatus out;
  out.resident_id = resident_id;
  out.evaluated_at = now;
  const auto p = static_cast<uint32_t>(resident_id);
  Eval e;
  {
    std::shared_lock r(st.mu);
    if (resident_id <= 0 || p >= st.unit_of.size() || st.unit_of[p] == kNoUnit) {
      return NoSuch("resident " + std::to_string(resident_id));
    }
    e = Evaluate(st, p, now, true, [&](uint32_t q) { return screening_.LastNegativeSampled(q); });
    out.rules_version = st.rules.version;
    if (static_cast<uint8_t>(e.colour) == st.colour[p]) {
      auto it = st.since.find(p);
      out.since = it == st.since.end() ? 0 : it->second;
      out.colour = e.colour;
      out.reasons = std::move(e.reasons);
      return out;
    }
  }
  // The clock moved a time-bound fact (a visit's window, the 72 h) past its edge.
  std::unique_lock x(st.mu);
  st.colour[p] = static_cast<uint8_t>(e.colour);
  st.since[p] = now;
  st.dirty.push_back(p);
  out.colour = e.colour;
  out.since = now;
  out.reasons = std::move(e.reasons);
  return out;
}

Result<Colour> HealthCodes::ColourOf(int64_t resident_id) {
  State& st = *st_;
  const auto p = static_cast<uint32_t>(resident_id);
  std::shared_lock r(st.mu);
  if (resident_id <= 0 || p >= st.unit_of.size() || st.unit_of[p] == kNoUnit) {
    return NoSuch("resident " + std::to_string(resident_id));
  }
  return Evaluate(st, p, clock_.Now(), false, [&](uint32_t q) { return screening_.LastNegativeSampled(q); }).colour;
}

Result<RecomputeReport> HealthCodes::FullRecompute() {
  State& st = *st_;
  std::lock_guard w(st.write_mu);
  const auto t0 = std::chrono::steady_clock::now();
  const Millis now = clock_.Now();
  RecomputeReport rep;
  std::vector<Millis> negatives;
  std::vector<uint8_t> next;
  {
    std::shared_lock r(st.mu);
    const bool tests = st.rules.test_hours > 0 &&
                       std::any_of(st.district_wartime.begin(), st.district_wartime.end(), [](uint8_t w) { return w != 0; });
    if (tests) {
      negatives.assign(st.unit_of.size(), 0);
      screening_.LastNegativeSampled(negatives);
    }
    next.resize(st.colour.size());
    for (size_t p = 0; p < st.unit_of.size(); ++p) {
      if (st.unit_of[p] == kNoUnit) continue;
      ++rep.residents;
      const Eval e = Evaluate(st, static_cast<uint32_t>(p), now, false,
                              [&](uint32_t q) { return q < negatives.size() ? negatives[q] : Millis{0}; });
      next[p] = static_cast<uint8_t>(e.colour);
      (e.colour == Colour::kRed ? rep.counts.red : e.colour == Colour::kYellow ? rep.counts.yellow : rep.counts.green)++;
    }
  }
  std::vector<std::tuple<uint32_t, Colour, Millis>> rows;
  {
    std::unique_lock x(st.mu);
    for (size_t p = 0; p < next.size() && p < st.colour.size(); ++p) {
      if (next[p] == st.colour[p]) continue;
      ++rep.changed;
      st.colour[p] = next[p];
      st.since[static_cast<uint32_t>(p)] = now;
      rows.emplace_back(static_cast<uint32_t>(p), static_cast<Colour>(next[p]), now);
    }
    auto dirty = TakeDirty(st);
    rows.insert(rows.end(), dirty.begin(), dirty.end());
  }
  rep.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  Status s = StoreColours(store_, rows);
  if (!s.ok()) {
    std::unique_lock again(st.mu);
    for (const auto& row : rows) st.dirty.push_back(std::get<0>(row));
    return s;
  }
  return rep;
}

namespace {

// Units under a path, as a bitmap by unit index.
std::vector<uint8_t> UnitsUnder(const HealthCodes::State& st, std::string_view path) {
  std::vector<uint8_t> in(st.unit_paths.size(), 0);
  for (size_t u = 0; u < st.unit_paths.size(); ++u) {
    in[u] = path.empty() || path == "/" || st.unit_paths[u].starts_with(path) ? 1 : 0;
  }
  return in;
}

}  // namespace

ColourCounts HealthCodes::Counts(std::string_view under_path) {
  const State& st = *st_;
  std::shared_lock r(st.mu);
  const auto in = UnitsUnder(st, under_path);
  ColourCounts out;
  for (size_t p = 0; p < st.unit_of.size(); ++p) {
    const uint32_t u = st.unit_of[p];
    if (u == kNoUnit || !in[u]) continue;
    const auto c = static_cast<Colour>(st.colour[p]);
    (c == Colour::kRed ? out.red : c == Colour::kYellow ? out.yellow : out.green)++;
  }
  return out;
}

std::vector<int64_t> HealthCodes::ResidentsOfColour(Colour c, std::string_view under_path, int64_t after_id, int limit) {
  const State& st = *st_;
  std::shared_lock r(st.mu);
  const auto in = UnitsUnder(st, under_path);
  std::vector<int64_t> out;
  for (size_t p = static_cast<size_t>(std::max<int64_t>(after_id + 1, 0)); p < st.unit_of.size(); ++p) {
    const uint32_t u = st.unit_of[p];
    if (u == kNoUnit || !in[u] || st.colour[p] != static_cast<uint8_t>(c)) continue;
    out.push_back(static_cast<int64_t>(p));
    if (static_cast<int>(out.size()) >= limit) break;
  }
  return out;
}

Result<HealthRules> HealthCodes::CurrentRules() {
  std::shared_lock r(st_->mu);
  return st_->rules;
}

Result<HealthRules> HealthCodes::SetRules(std::string_view json, std::string_view reason, const audit::Actor& by) {
  if (reason.empty() || reason.size() > 2000) return FieldInvalid("reason", "a reason is required (≤ 2000 bytes)");
  State& st = *st_;
  HealthRules next;
  {
    std::lock_guard w(st.write_mu);
    {
      std::shared_lock r(st.mu);
      TC_ASSIGN_OR_RETURN(next, ParseHealthRules(json, st.rules));
    }
    const Millis now = clock_.Now();
    TC_ASSIGN_OR_RETURN(next.version, internal::StoreVersion(store_, internal::RulesTable::kHealthCode,
                                                             HealthRulesJson(next), reason, by, now, "healthcode.rules"));
    next.changed_by = by.name;
    next.changed_at = now;
    next.reason = std::string(reason);
    std::unique_lock x(st.mu);
    st.rules = next;
  }
  TC_RETURN_IF_ERROR(FullRecompute().status());
  return next;
}

Result<std::vector<HealthRules>> HealthCodes::RulesHistory() {
  return internal::History<HealthRules>(store_, internal::RulesTable::kHealthCode,
                                        [](const std::string& json) { return ParseHealthRules(json, HealthRules{}); });
}

std::string HealthCodes::PathOf(int64_t resident_id) const {
  const State& st = *st_;
  std::shared_lock r(st.mu);
  const auto p = static_cast<size_t>(resident_id);
  if (resident_id <= 0 || p >= st.unit_of.size() || st.unit_of[p] == kNoUnit) return "";
  return st.unit_paths[st.unit_of[p]];
}

int64_t HealthCodes::Residents() const {
  const State& st = *st_;
  std::shared_lock r(st.mu);
  return std::count_if(st.unit_of.begin(), st.unit_of.end(), [](uint32_t u) { return u != kNoUnit; });
}

}  // namespace tc::healthcode
