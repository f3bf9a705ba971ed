// The enterprise service (复工复产、服务企业、惠企政策; docs/enterprises.md): the enterprise
// registry and its import, resumption by filing (备案制, not approval) with the employee
// roster and daily health declarations, the resumption and capacity rates, material
// needs matched to offers, liaison officers (驻企专员) with visits and open items, appeals
// through the hotline's flow (the enterprise channel, high priority) with the five fasts
// measured, and policies whose eligibility rules (policy_rules.h) are matched against
// every enterprise so benefits are pushed without application (免申即享).
//
// In memory: every enterprise's facts in a columnar matcher (matcher.h) and the rate
// counters by industry × district × size, loaded at Open and changed only after a
// commit. Reacts to AreaModeChanged and RiskAreaChanged (in wartime a filing from a
// high-risk community is held; a lifted level releases it), keeping what it learns in
// its own table. Thread-safe: mu_ guards the in-memory state and is never held across
// a store call; writes that touch the matcher are serialised by write_mu_.
//
//   auto e = Enterprises::Open(store, clock, hotline.get());
//   auto ent = (*e)->Create(in, actor);
//   auto filing = (*e)->File(ent->id, filing_input, Scope{}, actor);   // filed, returned or held
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <optional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "enterprise/model.h"
#include "events/events.h"
#include "store/store.h"

namespace tc::hotline {
class Hotline;
}

namespace tc::enterprise {

// Which enterprises a caller sees: an area subtree (a district officer's district), or
// one enterprise (an enterprise user's own).
struct Scope {
  std::string under_path;     // "" or "/": the whole city
  int64_t enterprise_id = 0;  // > 0: only this enterprise
};

struct EnterpriseQuery {
  Scope scope;
  std::string q;          // name or USCC contains
  std::string industry;   // section letter
  std::string size;
  std::string district;   // district code
  std::string resumption; // a resumption state
  int above_scale = -1;   // 0/1, −1 any
  int key = -1;
  int64_t after_id = 0;
  int64_t limit = 100;
};

struct EnterpriseView {
  Enterprise e;
  std::string resumption;
  int64_t staff_back = 0;
  std::string district_name, area_path, liaison;  // liaison officer's username ("" none)
};

// A field-by-field change; unset fields keep their value.
struct EnterprisePatch {
  std::optional<std::string> name, industry, division, size, address, area_code, legal_rep, contact_name,
      contact_phone, founded_on, status;
  std::optional<bool> above_scale, key, high_tech, specialised;
  std::optional<int64_t> employees;
  std::optional<double> revenue, revenue_prev, equipment_investment;
};

struct ImportReport {
  int64_t lines = 0, created = 0, updated = 0, rejected = 0;
  struct LineError {
    int64_t line = 0;
    std::string record, field, message;
  };
  std::vector<LineError> errors;  // the first 1,000
};

// ---- Resumption by filing ----
struct RosterEntry {
  std::string name, id_number, phone;
};
struct FilingInput {
  // The anti-epidemic plan (防疫方案): who is responsible, the measures, a temporary
  // isolation point, days of protective supplies in stock.
  std::string responsible, responsible_phone;
  std::vector<std::string> measures;
  bool isolation_point = false;
  int64_t supply_days = 0;
  int64_t staff_before = 0;
  std::string open_on;  // YYYY-MM-DD
  std::vector<RosterEntry> roster;
};
struct Filing {
  int64_t id = 0, enterprise_id = 0;
  std::string status;  // filed | returned | held | superseded
  std::string plan_json;
  int64_t staff_before = 0, roster_count = 0;
  std::string open_on;
  std::vector<std::string> reasons;
  std::string filed_by;
  Millis filed_at = 0, opened_at = 0;
};
struct Employee {
  int64_t id = 0, enterprise_id = 0, resident_id = 0;
  std::string name, id_number, phone, status;
  bool back = false;
};
struct Declaration {
  int64_t employee_id = 0;  // or by ID number
  std::string id_number;
  double temperature = 36.5;
  std::string symptoms;
  bool at_work = true;
};
struct DeclareReport {
  int64_t declared = 0, staff_back = 0;
  std::vector<int64_t> fever;  // employees with a temperature ≥ 37.3 or symptoms: not at work
};

// The rates for one group (an industry, a district, a size class, or the city).
struct RateRow {
  std::string key, name;
  int64_t enterprises = 0, filed = 0, opened = 0;  // filed counts filed and open
  int64_t above_scale = 0, above_scale_open = 0;
  int64_t staff_before = 0, staff_back = 0;
  double ResumptionRate() const { return enterprises ? double(opened) / enterprises : 0; }
  double FilingRate() const { return enterprises ? double(filed) / enterprises : 0; }
  double CapacityRate() const { return staff_before ? double(staff_back) / staff_before : 0; }
  double AboveScaleRate() const { return above_scale ? double(above_scale_open) / above_scale : 0; }
};
struct RatesAnswer {
  RateRow total;
  std::vector<RateRow> rows;
};
struct HistoryRow {
  std::string day;
  RateRow row;
};

// ---- Services ----
struct Need {
  int64_t id = 0, enterprise_id = 0;
  std::string enterprise_name, kind, item, unit, status, needed_by;
  double quantity = 0, matched = 0;
  Millis created_at = 0;
};
struct Offer {
  int64_t id = 0, enterprise_id = 0;
  std::string supplier, kind, item, unit, contact;
  double quantity = 0, remaining = 0;
  Millis created_at = 0;
};
struct Allocation {
  int64_t id = 0, need_id = 0, offer_id = 0;
  double quantity = 0;
  std::string status;
  Millis matched_at = 0, fulfilled_at = 0;
};
inline constexpr const char* kNeedKinds[] = {"masks", "disinfectant", "test_kits", "raw_materials", "logistics_pass",
                                             "other"};

struct Visit {
  int64_t id = 0, enterprise_id = 0;
  std::string username, note;
  Millis visited_at = 0;
};
struct Item {
  int64_t id = 0, enterprise_id = 0;
  std::string title, status, opened_by, note, enterprise_name;
  Millis due_at = 0, opened_at = 0, done_at = 0;
  bool overdue = false;
};
struct Liaison {
  int64_t enterprise_id = 0;
  std::string enterprise_name, username, assigned_by;
  Millis assigned_at = 0;
  int64_t visits = 0, open_items = 0, overdue_items = 0;
  Millis last_visit = 0;
};

// An appeal (诉求) is a hotline request; the five fasts (五个快速) are measured from its
// workflow timestamps: deploy (received → dispatched), accept (dispatched → accepted),
// handle and feed back (accepted → resolved), coordinate (returns and reassignments).
struct AppealInput {
  std::string text, contact_name, phone;
  std::string category;  // "" → the hotline's classifier
};
struct Appeal {
  int64_t request_id = 0, enterprise_id = 0;
  std::string number, status, category, department, enterprise_name, text;
  Millis received_at = 0, dispatched_at = 0, responded_at = 0, resolved_at = 0, closed_at = 0;
  int returns = 0, satisfaction = 0;
};
struct FiveFasts {
  int64_t appeals = 0, dispatched = 0, accepted = 0, resolved = 0, closed = 0, coordinated = 0;
  // Medians and 90th percentiles in seconds (−1: nothing measured).
  double deploy_p50 = -1, deploy_p90 = -1, accept_p50 = -1, accept_p90 = -1, handle_p50 = -1, handle_p90 = -1;
  double satisfaction = 0;  // mean over rated
};

// ---- Policies ----
struct Policy {
  int64_t id = 0;
  std::string code, name, package, summary, rule, benefit, status;
  double budget = 0;
  std::string created_by;
  Millis created_at = 0, updated_at = 0, published_at = 0, retired_at = 0;
};
struct PolicyInput {
  std::string code, name, package, summary, rule, benefit;
  double budget = 0;
};
struct Term {
  std::string condition, actual;
  bool holds = false;
};
struct PolicyVerdict {
  int64_t policy_id = 0;
  std::string policy_code, policy_name;
  bool qualifies = false;
  double amount = 0;
  std::vector<Term> terms;
  std::string benefit_status;  // the pushed benefit's status ("" none)
};
struct Breakdown {
  std::string key, name;
  int64_t enterprises = 0;
  double amount = 0;
};
struct DryRun {
  int64_t enterprises = 0, considered = 0;
  double amount = 0, budget = 0;
  bool over_budget = false;
  std::vector<Breakdown> by_industry, by_district, by_size;
  std::vector<std::pair<EnterpriseView, double>> sample;  // up to 20, the largest amounts
  double match_ms = 0;
};
struct Benefit {
  int64_t policy_id = 0, enterprise_id = 0;
  std::string policy_code, policy_name, enterprise_name, status, reference;
  double amount = 0;
  Millis pushed_at = 0, decided_at = 0, disbursed_at = 0;
};
struct PolicyTotals {
  int64_t policy_id = 0;
  std::string code, name, status;
  int64_t pushed = 0, confirmed = 0, declined = 0, disbursed = 0, revoked = 0;
  double amount_pushed = 0, amount_disbursed = 0, budget = 0;
};

// ---- Financing, vouchers, jobs, projects ----
struct BankProduct {
  int64_t id = 0;
  std::string bank, name, rule;
  double max_amount = 0, rate = 0;
  int64_t term_months = 0;
  bool active = true;
};
struct CreditRequest {
  int64_t id = 0, enterprise_id = 0, product_id = 0;
  std::string enterprise_name, purpose, status;
  double amount = 0, granted = 0;
  Millis created_at = 0;
  std::vector<BankProduct> offers;  // eligible products, best rate first
};
struct VoucherBatch {
  int64_t id = 0;
  std::string name, industries;
  double face_value = 0, min_spend = 0;
  int64_t total = 0, issued = 0, redeemed = 0;
  double spend = 0, value_redeemed = 0;
  Millis valid_from = 0, valid_to = 0;
  // Spending drawn per yuan of voucher value redeemed (撬动比).
  double Leverage() const { return value_redeemed > 0 ? spend / value_redeemed : 0; }
};
struct Voucher {
  int64_t id = 0, batch_id = 0, merchant_id = 0;
  std::string code, holder, status;
  double spend = 0;
  Millis issued_at = 0, redeemed_at = 0;
};
struct JobPosting {
  int64_t id = 0, enterprise_id = 0;
  std::string enterprise_name, title, district_code, for_kinds, status, industry;
  int64_t openings = 0, filled = 0;
  double wage_min = 0, wage_max = 0;
};
struct JobSeeker {
  int64_t id = 0;
  std::string name, phone, kind, district_code, industries, status;
  double wage_min = 0;
};
struct JobMatch {
  int64_t posting_id = 0, seeker_id = 0;
  double score = 0;
  std::string status, title, enterprise_name, seeker_name;
};
struct Project {
  int64_t id = 0, enterprise_id = 0;
  std::string name, district_code, planned_start, started_on, status, note;
  double investment = 0;
  bool late = false;  // planned start passed and not started
};
struct ProjectSummary {
  int64_t projects = 0, started = 0, late = 0, stopped = 0;
  double investment = 0, investment_started = 0;
};

// The facts a rule reads about an enterprise in a resumption state with `staff_back`
// employees at work, at `now` (its age). Percentages to two decimals.
Facts FactsOf(const Enterprise& e, std::string_view resumption, int64_t staff_back, Millis now);

class Enterprises {
 public:
  // `hotline` may be null (appeals then answer Unavailable).
  static Result<std::unique_ptr<Enterprises>> Open(store::Store& store, const Clock& clock,
                                                   hotline::Hotline* hotline);
  ~Enterprises();

  Status OnEvent(const events::Event& e);

  // ---- Registry ----
  Result<EnterpriseView> Create(const Enterprise& in, const audit::Actor& by);
  Result<EnterpriseView> Update(int64_t id, const EnterprisePatch& p, const Scope& scope, const audit::Actor& by);
  Result<EnterpriseView> Get(int64_t id, const Scope& scope) const;
  Result<EnterpriseView> GetByUscc(std::string_view uscc, const Scope& scope) const;
  Result<std::vector<EnterpriseView>> List(const EnterpriseQuery& q) const;
  // CSV (UTF-8/GBK) or XLSX as the market-supervision bureau exports it; rows keyed by
  // USCC (a known code updates). Every line validated; the valid lines are written in
  // one transaction unless `all_or_nothing` and any line failed.
  // `in` must be seekable (a file or string stream); `name` names it in messages.
  // Lines of an enterprise outside `under_path` ("" or "/": the city) are that line's error.
  Result<ImportReport> Import(std::istream& in, std::string_view name, bool all_or_nothing,
                              std::string_view under_path, const audit::Actor& by);
  // enterprise_user accounts acting for an enterprise.
  Status LinkAccount(std::string_view username, int64_t enterprise_id, const audit::Actor& by);
  int64_t EnterpriseOfUser(std::string_view username) const;  // 0: none
  std::string DistrictPath(std::string_view district_code) const;

  // ---- Resumption ----
  // Files (备案) for resumption. Malformed input (a roster line's ID number, a bad date)
  // is InvalidArgument naming the field and stores nothing; a filing missing required
  // items is stored as returned with its reasons; in wartime an enterprise in a
  // high-risk community is held with the reason; else filed.
  Result<Filing> File(int64_t enterprise_id, const FilingInput& in, const Scope& scope, const audit::Actor& by);
  Result<std::vector<Filing>> Filings(int64_t enterprise_id, const Scope& scope) const;
  // The enterprise declares itself producing (needs a filed filing).
  Result<EnterpriseView> DeclareOpen(int64_t enterprise_id, const Scope& scope, const audit::Actor& by);
  Result<std::vector<Employee>> Roster(int64_t enterprise_id, const Scope& scope) const;
  // One audit entry for a read that showed the roster's ID numbers and phones in full.
  Status AuditUnmaskedRoster(int64_t enterprise_id, const audit::Actor& by);
  // Employees' daily declarations for `day` (YYYY-MM-DD; "" today); all or nothing.
  Result<DeclareReport> Declare(int64_t enterprise_id, std::string_view day, std::span<const Declaration> ds,
                                const Scope& scope, const audit::Actor& by);
  // The rates grouped by "industry", "district", "size" or "above_scale".
  Result<RatesAnswer> Rates(std::string_view group_by, const Scope& scope, std::string_view industry = "",
                            std::string_view district = "") const;
  // Today's city, industry, district and size rates kept as `day`'s history (idempotent).
  Status SnapshotDay(std::string_view day);
  Result<std::vector<HistoryRow>> History(std::string_view dim, std::string_view key, std::string_view from,
                                          std::string_view to) const;

  // ---- Material needs ----
  Result<Need> DeclareNeed(int64_t enterprise_id, const Need& in, const Scope& scope, const audit::Actor& by);
  Result<Offer> AddOffer(const Offer& in, const audit::Actor& by);
  Result<std::vector<Need>> Needs(const Scope& scope, std::string_view status) const;
  Result<std::vector<Offer>> Offers(std::string_view kind) const;
  // Allocates offers of the same kind (and item, if named) to open needs, oldest first.
  Result<std::vector<Allocation>> MatchNeeds(const audit::Actor& by);
  Result<Allocation> Fulfil(int64_t allocation_id, const Scope& scope, const audit::Actor& by);
  Result<std::vector<Allocation>> Allocations(int64_t need_id, const Scope& scope) const;

  // ---- Liaison officers ----
  Status AssignLiaison(int64_t enterprise_id, std::string_view username, const Scope& scope, const audit::Actor& by);
  Result<std::vector<Liaison>> Liaisons(const Scope& scope, std::string_view username) const;
  std::vector<int64_t> EnterprisesOfLiaison(std::string_view username) const;
  Result<Visit> LogVisit(int64_t enterprise_id, const Visit& v, const Scope& scope, const audit::Actor& by);
  Result<std::vector<Visit>> Visits(int64_t enterprise_id, const Scope& scope) const;
  Result<Item> OpenItem(int64_t enterprise_id, std::string_view title, Millis due_at, const Scope& scope,
                        const audit::Actor& by);
  Result<Item> CloseItem(int64_t item_id, std::string_view note, const Scope& scope, const audit::Actor& by);
  Result<std::vector<Item>> Items(const Scope& scope, bool open_only, std::string_view liaison) const;

  // ---- Appeals ----
  Result<Appeal> FileAppeal(int64_t enterprise_id, const AppealInput& in, const Scope& scope, const audit::Actor& by);
  Result<std::vector<Appeal>> Appeals(const Scope& scope, int64_t limit) const;
  Result<FiveFasts> MeasureFiveFasts(const Scope& scope, Millis from, Millis to) const;

  // ---- Policies ----
  Result<Policy> CreatePolicy(const PolicyInput& in, const audit::Actor& by);
  Result<Policy> UpdatePolicy(int64_t id, const PolicyInput& in, const audit::Actor& by);  // drafts only
  Result<Policy> GetPolicy(int64_t id) const;
  Result<std::vector<Policy>> Policies(std::string_view status) const;
  // Who a rule and formula would reach and what it would cost, without storing anything.
  Result<DryRun> DryRunPolicy(std::string_view rule, std::string_view benefit, double budget, const Scope& scope) const;
  // Publishes a draft: every enterprise that qualifies gets the benefit pushed (免申即享).
  Result<PolicyTotals> Publish(int64_t id, const audit::Actor& by);
  Result<Policy> Retire(int64_t id, std::string_view reason, const audit::Actor& by);
  // Why an enterprise qualifies or not, for every published policy (or one).
  Result<std::vector<PolicyVerdict>> Explain(int64_t enterprise_id, int64_t policy_id, const Scope& scope) const;
  Result<std::vector<Benefit>> Benefits(const Scope& scope, int64_t policy_id, std::string_view status,
                                        int64_t limit) const;
  // confirm | decline (the enterprise), disburse (the finance office, with a reference).
  Result<Benefit> ActOnBenefit(int64_t policy_id, int64_t enterprise_id, std::string_view action,
                               std::string_view reference, const Scope& scope, const audit::Actor& by);
  Result<std::vector<PolicyTotals>> Totals() const;
  // Matches every enterprise against every published policy (ms) — the benchmark's path.
  double RematchAllMs() const;

  // ---- Financing ----
  Result<BankProduct> AddProduct(const BankProduct& in, const audit::Actor& by);
  Result<std::vector<BankProduct>> Products() const;
  Result<CreditRequest> RequestCredit(int64_t enterprise_id, double amount, std::string_view purpose,
                                      const Scope& scope, const audit::Actor& by);
  Result<std::vector<CreditRequest>> CreditRequests(const Scope& scope) const;
  Result<CreditRequest> DecideCredit(int64_t id, int64_t product_id, double granted, const audit::Actor& by);

  // ---- Vouchers ----
  Result<VoucherBatch> CreateBatch(const VoucherBatch& in, const audit::Actor& by);
  Result<std::vector<VoucherBatch>> Batches() const;
  Result<Voucher> IssueVoucher(int64_t batch_id, std::string_view holder_phone, const audit::Actor& by);
  // The merchant (an enterprise) redeems a voucher on a purchase of `spend` yuan.
  Result<Voucher> Redeem(std::string_view code, int64_t merchant_id, double spend, const Scope& scope,
                         const audit::Actor& by);

  // ---- Jobs ----
  Result<JobPosting> PostJob(int64_t enterprise_id, const JobPosting& in, const Scope& scope, const audit::Actor& by);
  Result<JobSeeker> AddSeeker(const JobSeeker& in, const audit::Actor& by);
  Result<std::vector<JobPosting>> Postings(const Scope& scope) const;
  // Scores every open posting against every seeking seeker and pushes the best few per
  // seeker (kind welcomed, district, industry, wage); returns the new matches.
  Result<std::vector<JobMatch>> MatchJobs(int per_seeker, const audit::Actor& by);
  Result<std::vector<JobMatch>> Matches(int64_t seeker_id, int64_t posting_id) const;
  Result<JobMatch> Hire(int64_t posting_id, int64_t seeker_id, const Scope& scope, const audit::Actor& by);

  // ---- Major projects ----
  Result<Project> AddProject(const Project& in, const audit::Actor& by);
  Result<Project> SetProjectStatus(int64_t id, std::string_view status, std::string_view day, std::string_view note,
                                   const audit::Actor& by);
  Result<std::vector<Project>> Projects(std::string_view district) const;
  ProjectSummary SummarizeProjects() const;

  struct Shared;  // internal

 private:
  Enterprises(store::Store& store, const Clock& clock, hotline::Hotline* hotline);
  Result<std::string> PlaceOf(store::Conn& c, Enterprise& e) const;
  Status CheckEnterpriseFields(Enterprise& e) const;  // normalises codes; field errors
  Status Reload(int64_t id);                              // the store's row into memory
  Status RematchOne(int64_t id, const audit::Actor& by);  // benefits after a change of facts
  Status RematchMany(std::span<const int64_t> ids, const audit::Actor& by);
  Status ReloadMany(std::span<const int64_t> ids);
  Status LoadPolicies();
  EnterpriseView ViewOf(const store::Row& r) const;
  // The enterprise's area path if `scope` covers it, else NotFound.
  Result<std::string> PathInScope(int64_t enterprise_id, const Scope& scope) const;
  store::Store& store_;
  const Clock& clock_;
  hotline::Hotline* hotline_;
  std::unique_ptr<Shared> st_;
};

}  // namespace tc::enterprise
