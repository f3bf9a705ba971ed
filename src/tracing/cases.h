// Cases (病例) and the contact list (密接 / 次密接 / 风险人员). A tracing run takes cases,
// asks the engine for their ring sorted into tiers by exposure score (tiers.h), and
// lists it (never bypassing the list): one open entry per person in its strongest
// tier, with its score and the terms that explain it (shared venue, time and minutes,
// or the household), a status that moves forward through the tier's statuses
// (TierStatuses), the officer and the times. Within a run each tier's entries are
// listed (and so numbered) by score, highest first. Manual additions and removals
// need a reason. The tier rules are versioned here (tier_rules).
// Every write is audited; CaseConfirmed and ContactListed events go out with the
// commit. Transmission chains follow each case's infector link.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "events/events.h"
#include "store/store.h"
#include "tracing/epidemic.h"
#include "tracing/service.h"
#include "tracing/tiers.h"

namespace tc::tracing {

// How far before onset (or report) a case's trajectory is traced, at most.
inline constexpr int kMaxDaysBeforeOnset = 21;

struct Case {
  int64_t id = 0;
  int64_t resident_id = 0;
  std::string household_code;
  std::string kind;         // confirmed | asymptomatic | suspected (from a positive test, until confirmed)
  std::string onset_date;   // YYYY-MM-DD or "" (asymptomatic)
  std::string report_date;  // YYYY-MM-DD
  std::string hospital;
  int64_t infector_case_id = 0;  // 0: unknown
  std::string note, created_by;
  Millis created_at = 0, updated_at = 0;
  Millis reported_at = 0;  // when reported and isolated; 0: not recorded (see ExposureEnd)
};

// When a case stopped exposing others: isolated at report. The recorded report time,
// else the earlier of when the case was recorded and the end of its report date.
Millis ExposureEnd(const Case& c);

struct NewCase {
  int64_t resident_id = 0;
  std::string kind = "confirmed";
  std::string onset_date, report_date, hospital, note;
  int64_t infector_case_id = 0;
  Millis reported_at = 0;  // optional; must fall on report_date
};

struct CaseListQuery {
  std::string scope;  // household scope key prefix (the caller's node)
  std::string kind;
  int64_t after_id = 0;
  int limit = 100;
};

struct ContactEntry {
  int64_t id = 0;
  int64_t resident_id = 0;
  std::string household_code;
  std::string ring;         // the tier: close | secondary | exposed
  int64_t case_id = 0;      // the case the exposure leads back to
  int64_t via_resident_id = 0;  // secondary: the close contact they met
  std::string reason_kind;  // venue | household | manual
  int64_t venue_id = 0;
  Millis exposure_at = 0;
  std::string reason;
  std::string status;       // pending | notified | quarantined | released
  std::string officer;
  int64_t run_id = 0;
  std::string listed_by;
  Millis listed_at = 0, updated_at = 0, removed_at = 0;
  std::string removed_reason;
  double score = -1;  // the exposure risk (0–1) when listed by a run; −1: manual
  std::vector<std::string> terms;  // what the score is made of, as texts
};

struct ContactListQuery {
  std::string scope;
  std::string ring, status;
  int64_t case_id = 0, run_id = 0;
  bool include_removed = false;
  int64_t after_id = 0;
  int limit = 100;
};

struct StatusChange {
  std::string from, to, officer, note;
  Millis at = 0;
};

struct TraceRequest {
  std::vector<int64_t> case_ids;
  ContactRules rules;
  bool secondary = true;
  bool households = true;
  int days_before_onset = 4;  // the trajectory that counts starts this long before onset
};

struct TraceRun {
  int64_t run_id = 0;
  int64_t close_found = 0, secondary_found = 0, exposed_found = 0;  // per tier
  int64_t ring_found = 0;   // the rule's close ring (close + exposed, for comparison)
  int64_t rules_version = 0;
  int64_t listed = 0;    // new entries
  int64_t upgraded = 0;  // secondary entries that became close
  int64_t already = 0;   // already listed, unchanged
  int64_t skipped_cases = 0;  // people found who are cases themselves
  double engine_ms = 0;
};

struct ChainGraph {
  std::vector<Case> cases;
  std::vector<std::pair<int64_t, int64_t>> links;  // (infector case, infected case)
};

struct SourceRanking {
  int n = 0;                  // first n cases by report date
  std::vector<SourceScore> top;
  // Filled against a generated outbreak's truth by gen::MarkTrueSource, else 0.
  int64_t true_source = 0;    // venue id
  int true_source_rank = 0;   // 1-based; 0 if not among the ranked venues
};

class Cases {
 public:
  Cases(store::Store& store, const Clock& clock, Tracing& tracing)
      : store_(store), clock_(clock), tracing_(tracing) {}

  // The resident must exist and be active and not yet a case (Conflict naming the
  // case); dates valid, onset ≤ report ≤ today; the infector an existing case.
  Result<Case> Create(const NewCase& c, const audit::Actor& by);
  // A suspected case confirmed as confirmed or asymptomatic (Conflict otherwise);
  // publishes CaseConfirmed.
  Result<Case> Confirm(int64_t id, std::string_view kind, const audit::Actor& by);
  // The bus subscriber: IndividualPositive (mass testing) → a suspected case for the
  // investigators (nothing if the person is already a case); QuarantineStatusChanged →
  // the contact quarantined / released, an escalation a suspected case. Others: ignored.
  Status OnEvent(const events::Event& e);
  Result<Case> Get(int64_t id);
  Result<std::vector<Case>> List(const CaseListQuery& q);
  // Sets or clears (0) the infector link; refuses a link that would make a cycle.
  Result<Case> SetInfector(int64_t id, int64_t infector_case_id, const audit::Actor& by);
  // Every case connected to this one through infector links.
  Result<ChainGraph> Chain(int64_t id, int max_cases = 2000);
  // The household scope key of a case (jurisdiction).
  static std::string ScopeOf(const Case& c);

  // Runs the engine for the cases and lists what it finds.
  Result<TraceRun> Trace(const TraceRequest& req, const audit::Actor& by);
  // The windows the engine uses for these cases.
  Result<std::vector<CaseWindow>> Windows(const std::vector<int64_t>& case_ids, int days_before_onset);

  Result<std::vector<ContactEntry>> Contacts(const ContactListQuery& q);
  Result<ContactEntry> GetContact(int64_t id);
  Result<std::vector<StatusChange>> ContactHistory(int64_t id);
  // Moves the status forward (Conflict otherwise, naming the current status).
  Result<ContactEntry> SetContactStatus(int64_t id, std::string_view status, std::string_view officer,
                                        std::string_view note, const audit::Actor& by);
  // The same for many entries, each in its own transaction: per id, the entry or the error.
  std::vector<Result<ContactEntry>> SetContactStatuses(std::span<const int64_t> ids, std::string_view status,
                                                       std::string_view officer, std::string_view note,
                                                       const audit::Actor& by);
  // A manual entry (reason required); Conflict if the person is already listed or a case.
  Result<ContactEntry> AddContact(int64_t resident_id, std::string_view ring, int64_t case_id, std::string_view reason,
                                  const audit::Actor& by);
  Result<ContactEntry> RemoveContact(int64_t id, std::string_view reason, const audit::Actor& by);

  // The tier rules in force (the built-in defaults, version 0, until one is stored).
  Result<TierRules> CurrentTierRules();
  // Stores a new version: the JSON on top of the rules in force (ParseTierRules);
  // a reason is required. Audited.
  Result<TierRules> SetTierRules(std::string_view json, std::string_view reason, const audit::Actor& by);
  // Every stored version, the newest first.
  Result<std::vector<TierRules>> TierRulesHistory();

  // The cases of these residents (those that are cases), by id.
  Result<std::vector<Case>> OfResidents(std::span<const int64_t> resident_ids);
  // Source ranking from the first n cases (by report date, then id).
  Result<SourceRanking> RankSourcesOfFirst(int n, size_t top);

  // The epidemic under a household scope key ("" = the whole city): case counts,
  // new ones on the clock's day, open contacts by ring and status, and the daily
  // curve by onset and report date (epidemic.h; implemented in epidemic.cc).
  Result<EpidemicSummary> Epidemic(const std::string& scope);

 private:
  Status OnQuarantine(const events::Event& e);
  store::Store& store_;
  const Clock& clock_;
  Tracing& tracing_;
};

// "2022-03-05" → Shanghai midnight in Unix ms; InvalidArgument naming `field`.
Result<Millis> ParseDate(std::string_view date, std::string_view field);

}  // namespace tc::tracing
