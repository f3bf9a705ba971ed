// The 12345 hotline service (接诉即办: every request handled on receipt). Intake from
// agents, residents, enterprises, the API and Open311; text normalised (text.h)
// before anything reads it; classified (classifier.h) into the taxonomy; the address
// resolved to the registry (address.h); priority and deadlines from the rules
// (rules.h) and the district's mode; dispatched to the category's department and the
// community's inbox — or, when the address is doubtful or the department unknown, to
// the manual dispatch queue. Duplicates (the same caller on the same matter while it
// is open) are merged into the request already open, which counts an urge (催办).
// Transitions follow workflow.h; every step is kept in hotline_request_log with who
// and why; the sweeper (Tick) sends reminders and escalates missed deadlines. The
// three rates (rates.h) and the hotspots are kept in memory, rebuilt from the store at
// Open and adjusted by every change.
//
// Reacts to AreaModeChanged (wartime districts: the green channel for epidemic
// requests). Writes are one transaction each; the in-memory state changes only after
// the commit. Thread-safe: mu_ guards the in-memory state (never held across a store
// call); the classifier and resolver are immutable and swapped whole.
//
//   auto h = Hotline::Open(store, clock);
//   auto r = (*h)->Intake({.channel = "phone", .phone = "13800000000",
//                          .text = "小区停水两天了", .address_text = "朝阳区光春社区昌河新村5栋"}, actor);
//   (*h)->Act(r->id, {.kind = ActionKind::kAccept}, actor);
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "events/events.h"
#include "hotline/address.h"
#include "hotline/rates.h"
#include "hotline/rules.h"
#include "hotline/taxonomy.h"
#include "hotline/workflow.h"
#include "store/store.h"

namespace tc::hotline {

// One classifier suggestion with its category's names.
struct Scored {
  std::string code, name, department, department_name;
  double score = 0;
};

struct Attachment {
  std::string name, type, url;
  int64_t size = 0;
};

inline constexpr size_t kMaxTextBytes = 8000;     // a request's text after normalisation
inline constexpr size_t kMaxAddressBytes = 400;
inline constexpr size_t kMaxAttachments = 10;

struct NewRequest {
  std::string channel = "api";  // phone | web | mobile | enterprise | api | open311
  std::string caller_name, phone, text, address_text, enterprise;
  std::string category;   // "" → the classifier's top suggestion
  std::string area_code;  // "" → resolved from address_text
  std::vector<Attachment> attachments;
  double lat = NAN, lon = NAN;
  int64_t resident_id = 0;  // the caller's own resident account
};

struct Request {
  int64_t id = 0;
  std::string number;  // 工单号: receipt date + id, "20261206-123"
  std::string channel, caller_name, phone, enterprise, text, address_text;
  std::vector<Attachment> attachments;
  double lat = NAN, lon = NAN;
  int64_t resident_id = 0;
  std::string area_code, area_path, community_code, address_notes;
  double area_confidence = 0;
  std::string category, category_name, department_name;
  std::vector<Scored> suggestions;
  bool overridden = false;
  bool wartime = false;
  RequestState state;  // status, department, priority, deadlines, flags
  std::string resolution, callback_note, token, created_by;
  int64_t group_id = 0;
  Millis updated_at = 0;
};

struct LogEntry {
  int64_t id = 0;
  Millis at = 0;
  std::string actor, action, from_status, to_status, department, note;
};

// Which requests a caller sees: an area subtree, and for department handlers only
// their departments' requests.
struct Scope {
  std::string under_path;                 // "" or "/": the whole city
  bool departments_only = false;          // restrict to `departments`
  std::vector<std::string> departments;
  int64_t resident_id = 0;                // only requests filed for this resident (0: any)
  std::string created_by;                 // only requests this account filed ("" any): residents, enterprises
};

struct RequestQuery {
  Scope scope;
  std::string status;       // "" any, a state name, "open" (every open state)
  std::string department;   // "" any
  std::string category;     // "" any; a top-level code matches its sub-categories
  std::vector<std::string> statuses;    // any of these states (with `status`: both must hold)
  std::vector<std::string> categories;  // any of these exact codes
  std::vector<std::string> exclude_prefixes;  // no category starting with these ("epidemic.")
  bool newest_first = false;  // by id descending (after_id then means "before")
  bool overdue_only = false;
  Millis from = 0, to = 0;  // receipt window (0: open-ended)
  std::vector<int64_t> ids;  // "" any
  int64_t after_id = 0;
  int64_t limit = 200;
};

struct Hotspot {
  std::string community_code, community_name, path, category, category_name;
  int64_t count = 0;          // in the window
  double baseline = 0;        // the average per window over the baseline days before it
  double ratio = 0;
  Millis first = 0, last = 0;
  std::vector<int64_t> request_ids;  // up to 20, newest first
};

struct RankingRow {
  std::string key, name;
  Counts counts;
  double score = 0;
  int rank = 0;
};

struct RetrainReport {
  int64_t examples = 0, overrides = 0;
  Millis at = 0;
};

class Classifier;

class Hotline {
 public:
  static Result<std::unique_ptr<Hotline>> Open(store::Store& store, const Clock& clock);
  ~Hotline();

  // AreaModeChanged → the district's mode. Other events are ignored.
  Status OnEvent(const events::Event& e);

  // The top `k` categories for a text (normalised first; InvalidArgument naming
  // "text" if empty, too long or not UTF-8). Creates nothing.
  Result<std::vector<Scored>> Classify(std::string_view text, size_t k = 3) const;
  // The registry place an address text names (normalised first).
  Result<AddressMatch> ResolveAddress(std::string_view text) const;

  // Validates everything before writing anything (InvalidArgument naming the field),
  // then stores the request with its first log entry in one transaction.
  Result<Request> Intake(const NewRequest& r, const audit::Actor& by);
  // Many requests in one transaction each group of `batch` (bulk loads and tests).
  Result<Request> Get(int64_t id);
  Result<Request> GetByToken(std::string_view token);
  Result<std::vector<Request>> List(const RequestQuery& q);
  Result<std::vector<LogEntry>> Log(int64_t id);
  // One workflow step (workflow.h) on a request the caller's scope covers (NotFound
  // otherwise). A dispatch/reassign names an active department. Resolving a group's
  // lead resolves its open members with the same note.
  Result<Request> Act(int64_t id, const Action& a, const Scope& scope, const audit::Actor& by);
  // Many callers, one matter (a burst pipe): the members join the lead's group.
  Result<Request> Group(int64_t lead, std::span<const int64_t> members, const Scope& scope,
                        const audit::Actor& by);
  // Reminders and escalations for every request whose next_due has come; returns how
  // many requests changed.
  Result<int64_t> Tick();

  // The three rates for receipt days [from, to] (Shanghai dates "YYYY-MM-DD").
  Result<RateBook::Answer> Rates(std::string_view from, std::string_view to, RateBook::GroupBy by,
                                 std::string_view department, std::string_view area_code) const;
  // A month's ranking ("YYYY-MM") of departments or areas by the weighted score.
  Result<std::vector<RankingRow>> Rankings(std::string_view month, RateBook::GroupBy by) const;
  // Communities where one category's requests in the last window far exceed their
  // baseline (an early warning for the command centre), most requests first.
  std::vector<Hotspot> Hotspots() const;

  Taxonomy CurrentTaxonomy() const;
  // Replaces the taxonomy (a category or department no longer listed is kept inactive,
  // so old requests still name it). Audited.
  Result<Taxonomy> SetTaxonomy(std::string_view json, const audit::Actor& by);
  // The departments whose staff list names `username`.
  std::vector<std::string> DepartmentsOf(std::string_view username) const;
  Result<std::vector<std::string>> Staff(std::string_view department);
  Status SetStaff(std::string_view department, std::span<const std::string> usernames, const audit::Actor& by);

  HotlineRules CurrentRules() const;
  Result<HotlineRules> SetRules(std::string_view json, std::string_view reason, const audit::Actor& by);
  Result<std::vector<HotlineRules>> RulesHistory();

  Status AddAlias(std::string_view alias, std::string_view area_code, const audit::Actor& by);

  // Retrains the classifier on the corpus plus every agent override recorded since.
  Result<RetrainReport> Retrain(const audit::Actor& by);
  // One audit entry for a read that showed these requests' phones in full.
  Status AuditUnmaskedRead(std::span<const int64_t> ids, std::string_view area_path, const audit::Actor& by);
  RetrainReport LastTraining() const;

  // Open311 API keys: a new key (shown once), and whether a key is live.
  Result<std::string> IssueApiKey(std::string_view name, const audit::Actor& by);
  bool ApiKeyValid(std::string_view key) const;

  // The city's root area code (Open311's jurisdiction_id).
  std::string CityCode() const;
  // The names of an area's chain from the district down, cut at `deepest_level`
  // ("compound": 朝阳区红旗街道光春社区昌河新村); "" for an unknown code.
  std::string PlaceName(std::string_view code, std::string_view deepest_level) const;

  struct Shared;  // internal

 private:
  Hotline(store::Store& store, const Clock& clock);
  store::Store& store_;
  const Clock& clock_;
  std::unique_ptr<Shared> st_;
};

// "20261206-123" for request 123 received on 2026-12-06; ParseNumber accepts that or
// the bare id (0 if neither).
std::string RequestNumber(int64_t id, Millis received_at);
int64_t ParseRequestNumber(std::string_view s);
// Dice overlap of the two texts' character bigrams, in [0, 1].
double TextSimilarity(std::string_view a, std::string_view b);

}  // namespace tc::hotline
