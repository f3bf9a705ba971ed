// The recovery programmes around enterprises: financing (银企对接: banks' products whose
// eligibility is a rule of the policy language, matched to credit requests), consumption
// vouchers (消费券: batches, issue, redeem, the leverage of spending on voucher value),
// jobs (postings, seekers — returning farmers, graduates —, matches pushed, hires) and
// major projects (start and resume against plan).
#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "base/crypto.h"
#include "enterprise/enterprises.h"
#include "enterprise/internal/shared.h"
#include "enterprise/policy_rules.h"
#include "registry/id_number.h"

namespace tc::enterprise {

namespace {

Status Money(double v, const char* field, double max = 1e9) {
  if (!std::isfinite(v) || v <= 0 || v > max) return FieldInvalid(field, "must be a positive amount");
  return Status::Ok();
}

Status Text(const std::string& v, const char* field, size_t max, bool required = true) {
  if ((required && v.empty()) || v.size() > max) {
    return FieldInvalid(field, std::string(required ? "is required " : "") + "(at most " + std::to_string(max) + " bytes)");
  }
  return Status::Ok();
}

BankProduct ProductFromRow(const store::Row& r) {
  BankProduct p;
  p.id = r.Int(0), p.bank = r.Text(1), p.name = r.Text(2), p.rule = r.Text(3), p.max_amount = r.Double(4);
  p.rate = r.Double(5), p.term_months = r.Int(6), p.active = r.Int(7) != 0;
  return p;
}
constexpr const char* kProductSelect =
    "SELECT id, bank, name, rule, max_amount, rate, term_months, active FROM bank_products";

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string x;
  while (std::getline(in, x, ',')) {
    if (!x.empty()) out.push_back(x);
  }
  return out;
}

}  // namespace

// ---- Financing ----

Result<BankProduct> Enterprises::AddProduct(const BankProduct& in, const audit::Actor& by) {
  TC_RETURN_IF_ERROR(Text(in.bank, "bank", 200));
  TC_RETURN_IF_ERROR(Text(in.name, "name", 200));
  TC_RETURN_IF_ERROR(Money(in.max_amount, "max_amount"));
  if (!std::isfinite(in.rate) || in.rate < 0 || in.rate > 36) return FieldInvalid("rate", "must be 0–36 (percent a year)");
  if (in.term_months <= 0 || in.term_months > 600) return FieldInvalid("term_months", "must be 1–600");
  BankProduct out = in;
  if (out.rule.empty()) out.rule = "true";
  SourcePos at;
  auto rule = ParseRule(out.rule, &at);
  if (!rule.ok()) return FieldInvalid("rule", rule.status().message());
  out.rule = ToString(*rule);
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO bank_products (bank, name, rule, max_amount, rate, term_months, "
                                           "active, created_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?) RETURNING id",
                                           {out.bank, out.name, out.rule, out.max_amount, out.rate, out.term_months, now}));
    out.id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "finance.product", .target = "product:" + std::to_string(out.id),
                             .area_path = "/", .detail = nlohmann::json{{"bank", out.bank}, {"name", out.name}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  out.active = true;
  return out;
}

Result<std::vector<BankProduct>> Enterprises::Products() const {
  return store_.ReadAll<BankProduct>(std::string(kProductSelect) + " ORDER BY id", {}, ProductFromRow);
}

// The products with their eligibility rules parsed once (a rule that no longer parses
// admits nobody).
struct ParsedProduct {
  BankProduct product;
  std::optional<Rule> rule;
};
static std::vector<ParsedProduct> ParseProducts(const std::vector<BankProduct>& products) {
  std::vector<ParsedProduct> out;
  for (const auto& p : products) {
    auto rule = ParseRule(p.rule);
    out.push_back({p, rule.ok() ? std::optional<Rule>(std::move(*rule)) : std::nullopt});
  }
  return out;
}

// The active products an enterprise qualifies for and whose ceiling covers `amount`,
// the cheapest first.
static std::vector<BankProduct> Eligible(const std::vector<ParsedProduct>& products, const Facts& f, double amount) {
  std::vector<BankProduct> out;
  for (const auto& [p, rule] : products) {
    if (!p.active || p.max_amount < amount) continue;
    if (rule && Evaluate(*rule, f)) out.push_back(p);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.rate < b.rate; });
  return out;
}

Result<CreditRequest> Enterprises::RequestCredit(int64_t enterprise_id, double amount, std::string_view purpose,
                                                 const Scope& scope, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(EnterpriseView v, Get(enterprise_id, scope));
  TC_RETURN_IF_ERROR(Money(amount, "amount"));
  TC_RETURN_IF_ERROR(Text(std::string(purpose), "purpose", 1000));
  TC_ASSIGN_OR_RETURN(auto products, Products());
  const Millis now = clock_.Now();
  auto offers = Eligible(ParseProducts(products), FactsOf(v.e, v.resumption, v.staff_back, now), amount);
  const std::string status = offers.empty() ? "open" : "offered";
  CreditRequest out;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO credit_requests (enterprise_id, amount, purpose, status, product_id, "
                                           "granted, created_at, updated_at) VALUES (?, ?, ?, ?, 0, 0, ?, ?) RETURNING id",
                                           {enterprise_id, amount, std::string(purpose), status, now, now}));
    out.id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "finance.request", .target = "enterprise:" + std::to_string(enterprise_id),
                             .area_path = v.area_path, .detail = nlohmann::json{{"amount", amount}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  out.enterprise_id = enterprise_id;
  out.enterprise_name = v.e.name;
  out.amount = amount;
  out.purpose = std::string(purpose);
  out.status = status;
  out.created_at = now;
  out.offers = std::move(offers);
  return out;
}

Result<std::vector<CreditRequest>> Enterprises::CreditRequests(const Scope& scope) const {
  std::string sql = "SELECT r.id, r.enterprise_id, r.product_id, e.name, r.purpose, r.status, r.amount, r.granted, "
                    "r.created_at FROM credit_requests r JOIN enterprises e ON e.id = r.enterprise_id WHERE 1 = 1";
  store::Params params;
  ScopeSql(scope, sql, params);
  sql += " ORDER BY r.id DESC LIMIT 1000";
  TC_ASSIGN_OR_RETURN(auto list, store_.ReadAll<CreditRequest>(sql, params, [](const store::Row& r) {
                        CreditRequest c;
                        c.id = r.Int(0), c.enterprise_id = r.Int(1), c.product_id = r.Int(2), c.enterprise_name = r.Text(3);
                        c.purpose = r.Text(4), c.status = r.Text(5), c.amount = r.Double(6), c.granted = r.Double(7);
                        c.created_at = r.Int(8);
                        return c;
                      }));
  TC_ASSIGN_OR_RETURN(auto all_products, Products());
  const auto products = ParseProducts(all_products);
  const Millis now = clock_.Now();
  for (auto& c : list) {
    if (c.status != "open" && c.status != "offered") continue;
    if (auto v = Get(c.enterprise_id, Scope{}); v.ok()) {
      c.offers = Eligible(products, FactsOf(v->e, v->resumption, v->staff_back, now), c.amount);
    }
  }
  return list;
}

Result<CreditRequest> Enterprises::DecideCredit(int64_t id, int64_t product_id, double granted, const audit::Actor& by) {
  if (granted < 0 || !std::isfinite(granted)) return FieldInvalid("granted", "must be 0 (declined) or a positive amount");
  TC_ASSIGN_OR_RETURN(auto all, CreditRequests(Scope{}));
  auto it = std::find_if(all.begin(), all.end(), [&](const auto& c) { return c.id == id; });
  if (it == all.end()) return NoSuch("credit request " + std::to_string(id));
  CreditRequest c = *it;
  if (c.status == "granted" || c.status == "declined") {
    return Conflict("credit request " + std::to_string(id) + " is already " + c.status);
  }
  if (granted > 0) {
    auto p = std::find_if(c.offers.begin(), c.offers.end(), [&](const auto& o) { return o.id == product_id; });
    if (p == c.offers.end()) {
      return FieldInvalid("product_id", "product " + std::to_string(product_id) + " is not one the enterprise qualifies for");
    }
    if (granted > p->max_amount) return FieldInvalid("granted", "exceeds the product's ceiling");
  }
  const Millis now = clock_.Now();
  c.status = granted > 0 ? "granted" : "declined";
  c.product_id = granted > 0 ? product_id : 0;
  c.granted = granted;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& conn) -> Status {
    TC_RETURN_IF_ERROR(conn.Exec("UPDATE credit_requests SET status = ?, product_id = ?, granted = ?, updated_at = ? WHERE id = ?",
                                 {c.status, c.product_id, granted, now, id})
                           .status());
    return audit::Append(conn, {.actor = by.name, .action = "finance.decide", .target = "credit:" + std::to_string(id),
                                .area_path = "/", .detail = nlohmann::json{{"status", c.status}, {"granted", granted}}.dump(),
                                .request_id = by.request_id},
                         now);
  }));
  return c;
}

// ---- Vouchers ----

namespace {
VoucherBatch BatchFromRow(const store::Row& r) {
  VoucherBatch b;
  b.id = r.Int(0), b.name = r.Text(1), b.face_value = r.Double(2), b.min_spend = r.Double(3), b.total = r.Int(4);
  b.industries = r.Text(5), b.valid_from = r.Int(6), b.valid_to = r.Int(7), b.issued = r.Int(8), b.redeemed = r.Int(9);
  b.spend = r.Double(10), b.value_redeemed = r.Double(11);
  return b;
}
constexpr const char* kBatchSelect =
    "SELECT b.id, b.name, b.face_value, b.min_spend, b.total, b.industries, b.valid_from, b.valid_to, "
    "(SELECT COUNT(*) FROM vouchers v WHERE v.batch_id = b.id), "
    "(SELECT COUNT(*) FROM vouchers v WHERE v.batch_id = b.id AND v.status = 'redeemed'), "
    "(SELECT COALESCE(SUM(spend), 0) FROM vouchers v WHERE v.batch_id = b.id AND v.status = 'redeemed'), "
    "(SELECT COUNT(*) FROM vouchers v WHERE v.batch_id = b.id AND v.status = 'redeemed') * b.face_value "
    "FROM voucher_batches b";
}  // namespace

Result<VoucherBatch> Enterprises::CreateBatch(const VoucherBatch& in, const audit::Actor& by) {
  TC_RETURN_IF_ERROR(Text(in.name, "name", 200));
  TC_RETURN_IF_ERROR(Money(in.face_value, "face_value", 1e6));
  if (!std::isfinite(in.min_spend) || in.min_spend < in.face_value) {
    return FieldInvalid("min_spend", "must be at least the face value (满 min_spend 减 face_value)");
  }
  if (in.total <= 0 || in.total > 100'000'000) return FieldInvalid("total", "must be 1–100,000,000");
  if (in.valid_to <= in.valid_from) return FieldInvalid("valid_to", "must be after valid_from");
  for (const auto& s : SplitList(in.industries)) {
    if (s.size() != 1 || s[0] < 'A' || s[0] > 'T') return FieldInvalid("industries", "'" + s + "' is not a section letter A–T");
  }
  const Millis now = clock_.Now();
  VoucherBatch out = in;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO voucher_batches (name, face_value, min_spend, total, industries, "
                                           "valid_from, valid_to, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                           "RETURNING id",
                                           {in.name, in.face_value, in.min_spend, in.total, in.industries, in.valid_from,
                                            in.valid_to, by.name, now}));
    out.id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "voucher.batch", .target = "batch:" + std::to_string(out.id),
                             .area_path = "/", .detail = nlohmann::json{{"name", in.name}, {"total", in.total}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  out.issued = out.redeemed = 0;
  out.spend = out.value_redeemed = 0;
  return out;
}

Result<std::vector<VoucherBatch>> Enterprises::Batches() const {
  return store_.ReadAll<VoucherBatch>(std::string(kBatchSelect) + " ORDER BY b.id", {}, BatchFromRow);
}

Result<Voucher> Enterprises::IssueVoucher(int64_t batch_id, std::string_view holder_phone, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(std::string phone, registry::ParsePhone(holder_phone, "holder"));
  const Millis now = clock_.Now();
  Voucher v;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto b, c.Query(std::string(kBatchSelect) + " WHERE b.id = ?", {batch_id}));
    if (b.empty()) return NoSuch("voucher batch " + std::to_string(batch_id));
    const VoucherBatch batch = BatchFromRow(b[0]);
    if (now >= batch.valid_to) return Conflict("voucher batch " + std::to_string(batch_id) + " has expired");
    if (batch.issued >= batch.total) return Conflict("voucher batch " + std::to_string(batch_id) + " is all issued");
    TC_ASSIGN_OR_RETURN(auto mine, c.Query("SELECT COUNT(*) FROM vouchers WHERE batch_id = ? AND holder = ?", {batch_id, phone}));
    if (mine[0].Int(0) > 0) return Conflict("holder " + registry::MaskPhone(phone) + " already has a voucher of this batch");
    v.code = "V" + std::to_string(batch_id) + "-" + RandomToken(8);
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO vouchers (batch_id, code, holder, status, issued_at, redeemed_at, "
                                           "merchant_id, spend) VALUES (?, ?, ?, 'issued', ?, 0, 0, 0) RETURNING id",
                                           {batch_id, v.code, phone, now}));
    v.id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "voucher.issue", .target = "voucher:" + std::to_string(v.id),
                             .area_path = "/", .detail = nlohmann::json{{"batch", batch_id}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  v.batch_id = batch_id;
  v.holder = phone;
  v.status = "issued";
  v.issued_at = now;
  return v;
}

Result<Voucher> Enterprises::Redeem(std::string_view code, int64_t merchant_id, double spend, const Scope& scope,
                                    const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(EnterpriseView m, Get(merchant_id, scope));
  if (!std::isfinite(spend) || spend <= 0 || spend > 1e8) return FieldInvalid("spend", "must be a positive amount of yuan");
  const Millis now = clock_.Now();
  Voucher v;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT v.id, v.batch_id, v.holder, v.status, v.issued_at, b.face_value, "
                                           "b.min_spend, b.industries, b.valid_from, b.valid_to FROM vouchers v JOIN "
                                           "voucher_batches b ON b.id = v.batch_id WHERE v.code = ?",
                                           {std::string(code)}));
    if (rows.empty()) return NoSuch("voucher " + std::string(code));
    const auto& r = rows[0];
    if (r.Text(3) == "redeemed") return Conflict("voucher " + std::string(code) + " was already redeemed");
    if (now < r.Int(8) || now >= r.Int(9)) return Conflict("voucher " + std::string(code) + " is not valid now");
    if (spend < r.Double(6)) {
      return FieldInvalid("spend", "is below the voucher's minimum purchase of " + r.Text(6) + " yuan");
    }
    const auto industries = SplitList(r.Text(7));
    if (!industries.empty() && std::find(industries.begin(), industries.end(), m.e.industry) == industries.end()) {
      return FieldInvalid("merchant_id", "merchant's industry " + m.e.industry + " does not accept this voucher (" + r.Text(7) + ")");
    }
    TC_ASSIGN_OR_RETURN(auto upd, c.Exec("UPDATE vouchers SET status = 'redeemed', redeemed_at = ?, merchant_id = ?, "
                                         "spend = ? WHERE id = ? AND status = 'issued'",
                                         {now, merchant_id, spend, r.Int(0)}));
    if (upd.affected != 1) return Conflict("voucher " + std::string(code) + " was already redeemed");
    v = {r.Int(0), r.Int(1), merchant_id, std::string(code), r.Text(2), "redeemed", spend, r.Int(4), now};
    return audit::Append(c, {.actor = by.name, .action = "voucher.redeem", .target = "voucher:" + std::to_string(v.id),
                             .area_path = m.area_path, .detail = nlohmann::json{{"merchant", merchant_id}, {"spend", spend}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return v;
}

// ---- Jobs ----

namespace {
constexpr const char* kSeekerKinds[] = {"returning_farmer", "graduate", "other"};
bool KnownKind(std::string_view k) {
  return std::any_of(std::begin(kSeekerKinds), std::end(kSeekerKinds), [&](const char* x) { return k == x; });
}
JobPosting PostingFromRow(const store::Row& r) {
  JobPosting p;
  p.id = r.Int(0), p.enterprise_id = r.Int(1), p.enterprise_name = r.Text(2), p.title = r.Text(3);
  p.openings = r.Int(4), p.filled = r.Int(5), p.district_code = r.Text(6), p.wage_min = r.Double(7);
  p.wage_max = r.Double(8), p.for_kinds = r.Text(9), p.status = r.Text(10), p.industry = r.Text(11);
  return p;
}
constexpr const char* kPostingSelect =
    "SELECT p.id, p.enterprise_id, e.name, p.title, p.openings, p.filled, p.district_code, p.wage_min, p.wage_max, "
    "p.for_kinds, p.status, e.industry FROM job_postings p JOIN enterprises e ON e.id = p.enterprise_id";
}  // namespace

Result<JobPosting> Enterprises::PostJob(int64_t enterprise_id, const JobPosting& in, const Scope& scope,
                                        const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(EnterpriseView v, Get(enterprise_id, scope));
  TC_RETURN_IF_ERROR(Text(in.title, "title", 200));
  if (in.openings <= 0 || in.openings > 100'000) return FieldInvalid("openings", "must be 1–100,000");
  if (!std::isfinite(in.wage_min) || in.wage_min < 0 || !std::isfinite(in.wage_max) || in.wage_max < in.wage_min) {
    return FieldInvalid("wage_max", "must be at least wage_min (yuan a month)");
  }
  for (const auto& k : SplitList(in.for_kinds)) {
    if (!KnownKind(k)) return FieldInvalid("for_kinds", "'" + k + "' is not returning_farmer, graduate or other");
  }
  const Millis now = clock_.Now();
  JobPosting out = in;
  out.enterprise_id = enterprise_id;
  out.enterprise_name = v.e.name;
  out.district_code = v.e.district_code;
  out.industry = v.e.industry;
  out.status = "open";
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO job_postings (enterprise_id, title, openings, filled, district_code, "
                                           "wage_min, wage_max, for_kinds, status, created_at) VALUES (?, ?, ?, 0, ?, ?, ?, "
                                           "?, 'open', ?) RETURNING id",
                                           {enterprise_id, in.title, in.openings, out.district_code, in.wage_min,
                                            in.wage_max, in.for_kinds, now}));
    out.id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "jobs.post", .target = "enterprise:" + std::to_string(enterprise_id),
                             .area_path = v.area_path, .detail = nlohmann::json{{"posting", out.id}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  return out;
}

Result<JobSeeker> Enterprises::AddSeeker(const JobSeeker& in, const audit::Actor& by) {
  TC_RETURN_IF_ERROR(Text(in.name, "name", 100));
  TC_ASSIGN_OR_RETURN(std::string phone, registry::ParsePhone(in.phone, "phone"));
  if (!KnownKind(in.kind)) return FieldInvalid("kind", "'" + in.kind + "' is not returning_farmer, graduate or other");
  if (!in.district_code.empty() && DistrictPath(in.district_code).empty()) {
    return FieldInvalid("district_code", "'" + in.district_code + "' is not a district of the city");
  }
  for (const auto& s : SplitList(in.industries)) {
    if (s.size() != 1 || s[0] < 'A' || s[0] > 'T') return FieldInvalid("industries", "'" + s + "' is not a section letter A–T");
  }
  const Millis now = clock_.Now();
  JobSeeker out = in;
  out.phone = phone;
  out.status = "seeking";
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO job_seekers (name, phone, kind, district_code, industries, wage_min, "
                                           "status, created_at) VALUES (?, ?, ?, ?, ?, ?, 'seeking', ?) RETURNING id",
                                           {in.name, phone, in.kind, in.district_code, in.industries, in.wage_min, now}));
    out.id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "jobs.seeker", .target = "seeker:" + std::to_string(out.id),
                             .area_path = "/", .detail = nlohmann::json{{"kind", in.kind}}.dump(), .request_id = by.request_id},
                         now);
  }));
  return out;
}

Result<std::vector<JobPosting>> Enterprises::Postings(const Scope& scope) const {
  std::string sql = std::string(kPostingSelect) + " WHERE 1 = 1";
  store::Params params;
  ScopeSql(scope, sql, params);
  sql += " ORDER BY p.id DESC LIMIT 2000";
  return store_.ReadAll<JobPosting>(sql, params, PostingFromRow);
}

Result<std::vector<JobMatch>> Enterprises::MatchJobs(int per_seeker, const audit::Actor& by) {
  per_seeker = std::clamp(per_seeker, 1, 20);
  const Millis now = clock_.Now();
  std::vector<JobMatch> made;
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto posts, c.Query(std::string(kPostingSelect) + " WHERE p.status = 'open' AND p.filled < p.openings"));
    TC_ASSIGN_OR_RETURN(auto seekers, c.Query("SELECT id, name, phone, kind, district_code, industries, wage_min FROM "
                                              "job_seekers WHERE status = 'seeking'"));
    TC_ASSIGN_OR_RETURN(auto old, c.Query("SELECT posting_id, seeker_id FROM job_matches"));
    std::set<std::pair<int64_t, int64_t>> seen;
    for (const auto& r : old.rows) seen.insert({r.Int(0), r.Int(1)});
    std::vector<JobPosting> ps;
    for (const auto& r : posts.rows) ps.push_back(PostingFromRow(r));
    for (const auto& s : seekers.rows) {
      const auto wanted = SplitList(s.Text(5));
      std::vector<std::pair<double, const JobPosting*>> scored;
      for (const auto& p : ps) {
        const auto kinds = SplitList(p.for_kinds);
        if (!kinds.empty() && std::find(kinds.begin(), kinds.end(), s.Text(3)) == kinds.end()) continue;
        if (p.wage_max < s.Double(6)) continue;
        double score = 1;
        if (!s.Text(4).empty() && p.district_code == s.Text(4)) score += 2;
        if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), p.industry) != wanted.end()) score += 2;
        if (!kinds.empty()) score += 1;  // a posting aimed at the seeker's kind
        score += std::min(1.0, (p.wage_max - s.Double(6)) / 5000.0);
        scored.push_back({score, &p});
      }
      std::stable_sort(scored.begin(), scored.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
      int pushed = 0;
      for (const auto& [score, p] : scored) {
        if (pushed >= per_seeker) break;
        if (seen.contains({p->id, s.Int(0)})) continue;
        TC_RETURN_IF_ERROR(c.Exec("INSERT INTO job_matches (posting_id, seeker_id, score, status, pushed_at) VALUES "
                                  "(?, ?, ?, 'pushed', ?)",
                                  {p->id, s.Int(0), score, now})
                               .status());
        made.push_back({p->id, s.Int(0), score, "pushed", p->title, p->enterprise_name, s.Text(1)});
        ++pushed;
      }
    }
    return audit::Append(c, {.actor = by.name, .action = "jobs.match", .target = "jobs", .area_path = "/",
                             .detail = nlohmann::json{{"pushed", made.size()}}.dump(), .request_id = by.request_id},
                         now);
  }));
  return made;
}

Result<std::vector<JobMatch>> Enterprises::Matches(int64_t seeker_id, int64_t posting_id) const {
  std::string sql = "SELECT m.posting_id, m.seeker_id, m.score, m.status, p.title, e.name, s.name FROM job_matches m "
                    "JOIN job_postings p ON p.id = m.posting_id JOIN enterprises e ON e.id = p.enterprise_id JOIN "
                    "job_seekers s ON s.id = m.seeker_id WHERE 1 = 1";
  store::Params params;
  if (seeker_id > 0) {
    sql += " AND m.seeker_id = ?";
    params.emplace_back(seeker_id);
  }
  if (posting_id > 0) {
    sql += " AND m.posting_id = ?";
    params.emplace_back(posting_id);
  }
  sql += " ORDER BY m.score DESC, m.posting_id LIMIT 2000";
  return store_.ReadAll<JobMatch>(sql, params, [](const store::Row& r) {
    return JobMatch{r.Int(0), r.Int(1), r.Double(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6)};
  });
}

Result<JobMatch> Enterprises::Hire(int64_t posting_id, int64_t seeker_id, const Scope& scope, const audit::Actor& by) {
  TC_ASSIGN_OR_RETURN(auto ms, Matches(seeker_id, posting_id));
  if (ms.empty()) return NoSuch("match of seeker " + std::to_string(seeker_id) + " and posting " + std::to_string(posting_id));
  TC_ASSIGN_OR_RETURN(auto posts, store_.ReadAll<JobPosting>(std::string(kPostingSelect) + " WHERE p.id = ?", {posting_id},
                                                             PostingFromRow));
  TC_ASSIGN_OR_RETURN(std::string path, PathInScope(posts.at(0).enterprise_id, scope));
  if (ms[0].status == "hired") return Conflict("seeker " + std::to_string(seeker_id) + " is already hired for this posting");
  const Millis now = clock_.Now();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto upd, c.Exec("UPDATE job_postings SET filled = filled + 1, status = CASE WHEN filled + 1 >= "
                                         "openings THEN 'closed' ELSE status END WHERE id = ? AND filled < openings",
                                         {posting_id}));
    if (upd.affected != 1) return Conflict("posting " + std::to_string(posting_id) + " is filled");
    TC_RETURN_IF_ERROR(c.Exec("UPDATE job_matches SET status = 'hired' WHERE posting_id = ? AND seeker_id = ?",
                              {posting_id, seeker_id})
                           .status());
    TC_RETURN_IF_ERROR(c.Exec("UPDATE job_seekers SET status = 'hired' WHERE id = ?", {seeker_id}).status());
    return audit::Append(c, {.actor = by.name, .action = "jobs.hire", .target = "posting:" + std::to_string(posting_id),
                             .area_path = path, .detail = nlohmann::json{{"seeker", seeker_id}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  ms[0].status = "hired";
  return ms[0];
}

// ---- Major projects ----

namespace {
constexpr const char* kProjectStates[] = {"planned", "started", "stopped", "resumed", "completed"};
Project ProjectFromRow(const store::Row& r, const std::string& today) {
  Project p;
  p.id = r.Int(0), p.name = r.Text(1), p.district_code = r.Text(2), p.enterprise_id = r.Int(3);
  p.investment = r.Double(4), p.planned_start = r.Text(5), p.started_on = r.Text(6), p.status = r.Text(7);
  p.note = r.Text(8);
  p.late = p.status == "planned" && p.planned_start < today;
  return p;
}
constexpr const char* kProjectSelect =
    "SELECT id, name, district_code, enterprise_id, investment, planned_start, started_on, status, note FROM major_projects";
}  // namespace

Result<Project> Enterprises::AddProject(const Project& in, const audit::Actor& by) {
  TC_RETURN_IF_ERROR(Text(in.name, "name", 200));
  if (DistrictPath(in.district_code).empty()) {
    return FieldInvalid("district_code", "'" + in.district_code + "' is not a district of the city");
  }
  TC_RETURN_IF_ERROR(Money(in.investment, "investment", 1e10));
  TC_RETURN_IF_ERROR(ValidDay(in.planned_start, "planned_start"));
  if (in.enterprise_id != 0) TC_RETURN_IF_ERROR(PathInScope(in.enterprise_id, Scope{}).status());
  const Millis now = clock_.Now();
  Project out = in;
  out.status = "planned";
  out.started_on.clear();
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("INSERT INTO major_projects (name, district_code, enterprise_id, investment, "
                                           "planned_start, started_on, status, note, created_at, updated_at) VALUES "
                                           "(?, ?, ?, ?, ?, '', 'planned', ?, ?, ?) RETURNING id",
                                           {in.name, in.district_code, in.enterprise_id, in.investment, in.planned_start,
                                            in.note, now, now}));
    out.id = rows[0].Int(0);
    return audit::Append(c, {.actor = by.name, .action = "project.create", .target = "project:" + std::to_string(out.id),
                             .area_path = DistrictPath(in.district_code), .detail = nlohmann::json{{"name", in.name}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  out.late = out.planned_start < Today(clock_);
  return out;
}

Result<Project> Enterprises::SetProjectStatus(int64_t id, std::string_view status, std::string_view day,
                                              std::string_view note, const audit::Actor& by) {
  if (std::none_of(std::begin(kProjectStates), std::end(kProjectStates), [&](const char* s) { return status == s; })) {
    return FieldInvalid("status", "'" + std::string(status) + "' is not planned, started, stopped, resumed or completed");
  }
  const std::string on = day.empty() ? Today(clock_) : std::string(day);
  TC_RETURN_IF_ERROR(ValidDay(on, "day"));
  const std::string today = Today(clock_);
  TC_ASSIGN_OR_RETURN(auto rows, store_.ReadAll<Project>(std::string(kProjectSelect) + " WHERE id = ?", {id},
                                                         [&](const store::Row& r) { return ProjectFromRow(r, today); }));
  if (rows.empty()) return NoSuch("project " + std::to_string(id));
  Project p = rows[0];
  // planned → started → stopped ⇄ resumed → completed
  const std::string& from = p.status;
  const bool ok = (status == "started" && from == "planned") || (status == "stopped" && (from == "started" || from == "resumed")) ||
                  (status == "resumed" && from == "stopped") ||
                  (status == "completed" && (from == "started" || from == "resumed"));
  if (!ok) return Conflict("project " + std::to_string(id) + " is " + from + "; it cannot become " + std::string(status));
  const Millis now = clock_.Now();
  p.status = std::string(status);
  if (status == "started") p.started_on = on;
  if (!note.empty()) p.note = std::string(note);
  TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(c.Exec("UPDATE major_projects SET status = ?, started_on = ?, note = ?, updated_at = ? WHERE id = ?",
                              {p.status, p.started_on, p.note, now, id})
                           .status());
    return audit::Append(c, {.actor = by.name, .action = "project.status", .target = "project:" + std::to_string(id),
                             .area_path = DistrictPath(p.district_code),
                             .detail = nlohmann::json{{"from", from}, {"to", status}, {"day", on}}.dump(),
                             .request_id = by.request_id},
                         now);
  }));
  p.late = false;
  return p;
}

Result<std::vector<Project>> Enterprises::Projects(std::string_view district) const {
  std::string sql = std::string(kProjectSelect);
  store::Params params;
  if (!district.empty()) {
    sql += " WHERE district_code = ?";
    params.emplace_back(std::string(district));
  }
  sql += " ORDER BY planned_start, id LIMIT 5000";
  const std::string today = Today(clock_);
  return store_.ReadAll<Project>(sql, params, [&](const store::Row& r) { return ProjectFromRow(r, today); });
}

ProjectSummary Enterprises::SummarizeProjects() const {
  ProjectSummary s;
  auto all = Projects("");
  if (!all.ok()) return s;
  for (const auto& p : *all) {
    ++s.projects;
    s.investment += p.investment;
    if (p.status != "planned") {
      ++s.started;
      s.investment_started += p.investment;
    }
    if (p.late) ++s.late;
    if (p.status == "stopped") ++s.stopped;
  }
  return s;
}

}  // namespace tc::enterprise
