// Tracing (流调): runs that list contacts, source finding, evaluation, engine stats.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <sstream>

#include "api/api.h"
#include "api/context.h"
#include "api/export.h"
#include "api/tracing_common.h"
#include "auth/roles.h"
#include "gen/evaluation.h"
#include "registry/areas.h"
#include "registry/id_number.h"
#include "tracing/cases.h"
#include "tracing/checkins.h"
#include "tracing/stream.h"

namespace tc::api {

using nlohmann::json;

void Api::AddTracingRoutes() {
  using namespace auth::perm;
  tracing::Tracing& tr = deps_.tracing;
  tracing::Cases& cases = deps_.cases;

  // ---- Tracing ----
  router_.Add(
      "POST", "/api/v1/tracing/runs",
      {.summary = "Trace the contacts of cases, score them and put them on the contact list in tiers "
                  "(close, secondary, exposed)",
       .tag = "tracing",
       .permission = std::string(kTraceRun),
       .request_schema = std::string(R"({"type":"object","required":["case_ids"],"additionalProperties":false,
         "properties":{"case_ids":{"type":"array","items":{"type":"integer"}},
         "margin_minutes":{"type":"integer","minimum":0,"maximum":)") + std::to_string(tracing::kMaxMarginMinutes) + R"(,"description":"presence margin without leave times, default 30"},
         "secondary":{"type":"boolean"},"households":{"type":"boolean"},
         "days_before_onset":{"type":"integer","description":"default 4"}}})",
       .response_schema = R"({"type":"object","properties":{"run_id":{"type":"integer"},
         "close_found":{"type":"integer","description":"close tier"},"secondary_found":{"type":"integer"},
         "exposed_found":{"type":"integer"},"ring_found":{"type":"integer","description":"the rule's close ring"},
         "tier_rules_version":{"type":"integer"},"listed":{"type":"integer"}}})",
       .success_status = 201},
      [&cases](Context& ctx) -> Result<Reply> {
        TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
        tracing::TraceRequest req;
        Status invalid = InvalidArgument("tracing run is invalid");
        for (const auto& [key, value] : body.items()) {
          if (key == "case_ids") {
            if (!value.is_array() || value.empty()) {
              invalid.AddFieldError(key, "a non-empty array of case ids is required");
              continue;
            }
            for (const auto& id : value) {
              if (!id.is_number_integer()) {
                invalid.AddFieldError(key, "case ids are integers");
                break;
              }
              req.case_ids.push_back(id.get<int64_t>());
            }
          } else if (key == "margin_minutes") {
            if (!value.is_number_integer() || value.get<int64_t>() < 0 ||
                value.get<uint64_t>() > static_cast<uint64_t>(tracing::kMaxMarginMinutes)) {
              invalid.AddFieldError(key, "margin_minutes must be 0–" + std::to_string(tracing::kMaxMarginMinutes));
            } else {
              req.rules.margin_without_leave = value.get<int64_t>();
            }
          } else if (key == "secondary" || key == "households") {
            if (!value.is_boolean()) {
              invalid.AddFieldError(key, key + " must be true or false");
            } else {
              (key == "secondary" ? req.secondary : req.households) = value.get<bool>();
            }
          } else if (key == "days_before_onset") {
            if (!value.is_number_integer() || value.get<int64_t>() < 0 ||
                value.get<uint64_t>() > static_cast<uint64_t>(tracing::kMaxDaysBeforeOnset)) {
              invalid.AddFieldError(key, "days_before_onset must be an integer from 0 to " +
                                             std::to_string(tracing::kMaxDaysBeforeOnset));
            } else {
              req.days_before_onset = static_cast<int>(value.get<int64_t>());
            }
          } else {
            invalid.AddFieldError(key, "unknown field '" + key + "'");
          }
        }
        if (!body.contains("case_ids")) invalid.AddFieldError("case_ids", "case_ids is required");
        if (!invalid.field_errors().empty()) return invalid;
        for (int64_t id : req.case_ids) {
          auto c = CoveredCase(ctx, cases, id);
          if (!c.ok()) {
            if (c.status().code() == StatusCode::kNotFound) return FieldInvalid("case_ids", c.status().message());
            return c.status();
          }
        }
        TC_ASSIGN_OR_RETURN(auto run, cases.Trace(req, ctx.actor()));
        return JsonReply({{"run_id", run.run_id},
                          {"close_found", run.close_found},
                          {"secondary_found", run.secondary_found},
                          {"exposed_found", run.exposed_found},
                          {"ring_found", run.ring_found},
                          {"tier_rules_version", run.rules_version},
                          {"listed", run.listed},
                          {"upgraded", run.upgraded},
                          {"already_listed", run.already},
                          {"skipped_cases", run.skipped_cases},
                          {"engine_ms", run.engine_ms}},
                         201);
      });
  router_.Add("GET", "/api/v1/tracing/sources",
              {.summary = "Source finding: venues ranked by how over-represented they are in the first N cases' "
                          "trajectories against their normal traffic",
               .tag = "tracing",
               .permission = std::string(kTraceRun),
               .query = {{"first", "how many cases, by report date (default 20)", "integer"},
                         {"top", "venues to return, 1-200 (default 20)", "integer"}},
               .response_schema = R"({"type":"object","properties":{"cases":{"type":"integer"},
                 "items":{"type":"array"}}})"},
              [&cases, &tr](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int64_t first, ctx.QueryInt("first", 20, 1, 10'000));
                TC_ASSIGN_OR_RETURN(int64_t top, ctx.QueryInt("top", 20, 1, 200));
                TC_ASSIGN_OR_RETURN(auto ranking, cases.RankSourcesOfFirst(static_cast<int>(first), top));
                std::vector<uint32_t> ids;
                for (const auto& s : ranking.top) ids.push_back(s.venue);
                TC_ASSIGN_OR_RETURN(auto venues, tr.VenuesById(ids));
                std::map<int64_t, const tracing::Venue*> by_id;
                for (const auto& v : venues) by_id[v.id] = &v;
                json items = json::array();
                int rank = 0;
                for (const auto& s : ranking.top) {
                  auto v = by_id.find(s.venue);
                  json venue = v == by_id.end() ? json(nullptr) : VenueJson(*v->second);
                  char why[256];
                  std::snprintf(why, sizeof why,
                                "%lld of %d cases were here; %.2f expected from its %lld check-ins over those days; "
                                "chance of that many or more: 1e-%.1f",
                                static_cast<long long>(s.cases), ranking.n, s.expected,
                                static_cast<long long>(s.traffic), s.score);
                  items.push_back({{"rank", ++rank},
                                   {"venue", venue},
                                   {"cases", s.cases},
                                   {"expected", s.expected},
                                   {"traffic", s.traffic},
                                   {"score", s.score},
                                   {"explanation", why}});
                }
                return JsonReply({{"cases", ranking.n}, {"items", items}});
              });
  router_.Add("GET", "/api/v1/tracing/tier-rules",
              {.summary = "The contact-tier rules in force: thresholds, actions, test schedule, score weights",
               .tag = "tracing",
               .permission = std::string(kCaseRead),
               .response_schema = R"({"type":"object","properties":{"version":{"type":"integer"},
                 "tiers":{"type":"object"},"weights":{"type":"object"},"statuses":{"type":"object"}}})"},
              [&cases](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto rules, cases.CurrentTierRules());
                return JsonReply(json::parse(tracing::TierRulesJson(rules)));
              });
  router_.Add("GET", "/api/v1/tracing/tier-rules/history",
              {.summary = "Every stored version of the contact-tier rules, the newest first",
               .tag = "tracing",
               .permission = std::string(kCaseRead),
               .response_schema = R"({"type":"object","properties":{"items":{"type":"array"}}})"},
              [&cases](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto all, cases.TierRulesHistory());
                json items = json::array();
                for (const auto& r : all) items.push_back(json::parse(tracing::TierRulesJson(r)));
                return JsonReply({{"items", items}});
              });
  router_.Add("PUT", "/api/v1/tracing/tier-rules",
              {.summary = "A new version of the contact-tier rules (city level): the given settings on top of the "
                          "rules in force, with a reason",
               .tag = "tracing",
               .permission = std::string(kAreaMode),
               .request_schema = R"({"type":"object","required":["reason"],"properties":{
                 "reason":{"type":"string"},"tiers":{"type":"object"},"weights":{"type":"object"}}})",
               .response_schema = R"({"type":"object","properties":{"version":{"type":"integer"}}})"},
              [&cases](Context& ctx) -> Result<Reply> {
                // The rules are the city's: only a city-level account changes them.
                const std::string& path = ctx.principal().area_path;
                if (std::count(path.begin(), path.end(), '/') > 2) {
                  return PermissionDenied("the contact-tier rules are set at city level");
                }
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                const auto reason = body.find("reason");
                if (reason == body.end() || !reason->is_string()) {
                  return FieldInvalid("reason", "a reason (text) is required");
                }
                const std::string why = reason->get<std::string>();
                body.erase("reason");
                TC_ASSIGN_OR_RETURN(auto rules, cases.SetTierRules(body.dump(), why, ctx.actor()));
                return JsonReply(json::parse(tracing::TierRulesJson(rules)));
              });
  router_.Add("GET", "/api/v1/tracing/evaluation",
              {.summary = "Against a generated outbreak's ground truth: recall of the close and secondary rings "
                          "and the rank of the true source, from the first N detected cases",
               .tag = "tracing",
               .permission = std::string(kTraceRun),
               .query = {{"n", "comma-separated case counts (default 5,10,20)"},
                         {"margin_minutes",
                          "presence margin without leave times, 0-" + std::to_string(tracing::kMaxMarginMinutes) +
                              " (default " + std::to_string(tracing::ContactRules{}.margin_without_leave) + ")",
                          "integer"}},
               .response_schema = R"({"type":"object","properties":{"items":{"type":"array"}}})"},
              [this, &cases, &tr](Context& ctx) -> Result<Reply> {
                std::vector<int> ns;
                const std::string spec = ctx.Query("n").value_or("5,10,20");
                std::stringstream ss(spec);
                for (std::string part; std::getline(ss, part, ',');) {
                  if (part.empty() || part.size() > 5 || part.find_first_not_of("0123456789") != std::string::npos) {
                    return FieldInvalid("n", "'" + spec + "' is not a list of counts");
                  }
                  ns.push_back(std::stoi(part));
                }
                if (ns.empty() || ns.size() > 10) return FieldInvalid("n", "give 1–10 counts");
                TC_ASSIGN_OR_RETURN(int64_t margin, ctx.QueryInt("margin_minutes", tracing::ContactRules{}.margin_without_leave,
                                                                 0, tracing::kMaxMarginMinutes));
                tracing::ContactRules rules;
                rules.margin_without_leave = margin;
                TC_ASSIGN_OR_RETURN(auto tier_rules, cases.CurrentTierRules());
                json items = json::array();
                for (int n : ns) {
                  TC_ASSIGN_OR_RETURN(auto ev, gen::EvaluateTracing(deps_.store, cases, tr, n, rules, tier_rules));
                  items.push_back({{"n", ev.n},
                                   {"infected_by_then", ev.infected_by_then},
                                   {"infected_total", ev.infected_total},
                                   {"listed_close", ev.listed_close},
                                   {"listed_secondary", ev.listed_secondary},
                                   {"caught_close", ev.caught_close},
                                   {"caught_secondary", ev.caught_secondary},
                                   {"recall_close", ev.recall_close},
                                   {"recall_both", ev.recall_both},
                                   {"true_source_venue_id", ev.source.true_source},
                                   {"true_source_rank", ev.source.true_source_rank},
                                   {"tier_rules_version", ev.tier_rules_version},
                                   {"tiers", TierRecallJson(ev.all.tiers)},
                                   {"ranked", RecallCurveJson(ev.all.ranked)},
                                   {"unranked", RecallCurveJson(ev.all.unranked)},
                                   {"ranked_for_ring_recall", ev.all.ranked_for_ring_recall},
                                   {"ranked_share_of_ring", ev.all.ranked_share_of_ring},
                                   {"direct", JudgedJson(ev.direct)}});
                }
                return JsonReply({{"items", items}});
              });
  router_.Add("GET", "/api/v1/tracing/stats",
              {.summary = "The exposure engine: check-ins held, segments and memory",
               .tag = "tracing",
               .permission = std::string(kTraceRun),
               .response_schema = R"({"type":"object"})"},
              [&tr](Context&) -> Result<Reply> {
                const auto s = tr.Stats();
                return JsonReply({{"checkins", s.checkins},
                                  {"segments", s.segments},
                                  {"venue_bytes", s.venue_bytes},
                                  {"person_bytes", s.person_bytes},
                                  {"other_bytes", s.other_bytes},
                                  {"bytes_per_checkin", s.checkins ? static_cast<double>(s.total_bytes()) /
                                                                          static_cast<double>(s.checkins)
                                                                    : 0.0}});
              });
}

}  // namespace tc::api
