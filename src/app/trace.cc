// `tongchou import checkins FILE` and `tongchou trace …`: exposure tracing from the
// command line. Each run loads the exposure engine from the database first (and says
// how long that took), then answers like the API does.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "app/app.h"
#include "gen/evaluation.h"
#include "registry/id_number.h"
#include "tracing/cases.h"
#include "tracing/checkins.h"
#include "tracing/stream.h"

namespace tc::app {
namespace {

double MsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

// Opens the store and loads the engine; prints what it loaded.
std::unique_ptr<tracing::Tracing> LoadEngine(store::Store& store) {
  auto t = std::make_unique<tracing::Tracing>(store, Clock::System());
  const auto t0 = std::chrono::steady_clock::now();
  if (Status s = t->Start(); !s.ok()) {
    std::fprintf(stderr, "tongchou trace: loading check-ins: %s\n", s.ToString().c_str());
    return nullptr;
  }
  const auto st = t->Stats();
  std::printf("engine: %lld check-ins, %.1f MiB (%.2f bytes per check-in), loaded in %.1f s\n",
              static_cast<long long>(st.checkins), static_cast<double>(st.total_bytes()) / (1 << 20),
              st.checkins ? static_cast<double>(st.total_bytes()) / static_cast<double>(st.checkins) : 0.0,
              MsSince(t0) / 1000);
  return t;
}

Result<std::vector<int64_t>> ParseIds(const std::string& text) {
  std::vector<int64_t> ids;
  std::stringstream ss(text);
  for (std::string part; std::getline(ss, part, ',');) {
    if (part.empty() || part.size() > 15 || part.find_first_not_of("0123456789") != std::string::npos) {
      return FieldInvalid("cases", "'" + part + "' is not a case id");
    }
    ids.push_back(std::stoll(part));
  }
  return ids;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "tongchou trace: %s\n", s.ToString().c_str());
  return s.code() == StatusCode::kInvalidArgument || s.code() == StatusCode::kNotFound ? 2 : 1;
}

std::string PersonLabel(const std::map<int64_t, tracing::PersonRef>& people, int64_t id) {
  auto it = people.find(id);
  if (it == people.end()) return std::to_string(id);
  return std::to_string(id) + " " + it->second.name + " " + registry::MaskPhone(it->second.phone);
}


// The tiers and recall curves of one evaluation against one set of the infected.
void PrintJudged(const gen::Evaluation& ev, const gen::Judged& j, const char* basis) {
  std::printf("\n%d cases, judged against %lld %s (tier rules v%lld):\n", ev.n, static_cast<long long>(j.infected),
              basis, static_cast<long long>(ev.tier_rules_version));
  auto pct = [&](int64_t caught) { return j.infected ? 100.0 * static_cast<double>(caught) / j.infected : 0.0; };
  std::printf("  %-14s %10s %8s %8s %10s\n", "tier", "listed", "caught", "recall", "per case");
  std::printf("  %-14s %10lld %8lld %7.1f%% %10.1f\n", "ring (rule)", static_cast<long long>(ev.listed_close),
              static_cast<long long>(j.ring_caught), pct(j.ring_caught), static_cast<double>(ev.listed_close) / ev.n);
  for (const auto& t : j.tiers) {
    std::printf("  %-14s %10lld %8lld %7.1f%% %10.1f\n", t.tier.c_str(), static_cast<long long>(t.listed),
                static_cast<long long>(t.caught), 100 * t.recall, t.per_case);
  }
  std::printf("  top-scored entries to catch as many as the ring: %lld (%.2f%% of the ring)\n",
              static_cast<long long>(j.ranked_for_ring_recall), 100 * j.ranked_share_of_ring);
  std::printf("  %-8s %22s %24s\n", "K/case", "ranked: listed recall", "unranked: listed recall");
  for (size_t i = 0; i < j.ranked.at_k.size(); ++i) {
    const auto& r = j.ranked.at_k[i];
    const auto& u = j.unranked.at_k[i];
    std::printf("  %-8d %13lld %7.1f%% %15lld %7.1f%%\n", r.k, static_cast<long long>(r.listed), 100 * r.recall,
                static_cast<long long>(u.listed), 100 * u.recall);
  }
  auto cell = [](const gen::ListSizeFor& x) {
    return x.per_case < 0 ? std::string("unreachable")
                          : std::to_string(x.per_case) + "/case (" + std::to_string(x.listed) + " listed)";
  };
  for (size_t i = 0; i < j.ranked.needed.size(); ++i) {
    std::printf("  %3.0f%% recall needs: ranked %s, unranked %s\n", 100 * j.ranked.needed[i].recall,
                cell(j.ranked.needed[i]).c_str(), cell(j.unranked.needed[i]).c_str());
  }
}

void PrintTiers(const gen::Evaluation& ev) {
  PrintJudged(ev, ev.all, "infected by the last report");
  PrintJudged(ev, ev.direct, "infected by the traced cases themselves");
}

}  // namespace

int RunImportCheckins(const ImportCliOptions& o) {
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "tongchou import: cannot open %s\n", o.file.c_str());
    return 2;
  }
  struct stat st {};
  const int64_t size = stat(o.file.c_str(), &st) == 0 ? st.st_size : 0;
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  tracing::Tracing tracing(*store, Clock::System());
  if (Status s = tracing.Start(); !s.ok()) {
    std::fprintf(stderr, "tongchou import: loading check-ins: %s\n", s.ToString().c_str());
    return 1;
  }
  const bool ndjson = o.file.ends_with(".ndjson") || o.file.ends_with(".jsonl");
  tracing::StreamOptions options;
  options.batch_rows = std::max(o.batch, 1);
  options.max_errors = o.max_errors;
  const bool tty = isatty(2);
  options.progress = [&](int64_t bytes, const tracing::CheckinReport& r) {
    if (!tty) return;
    std::fprintf(stderr, "\r  %5.1f%%  %lld accepted, %lld rejected", size ? 100.0 * bytes / size : 0.0,
                 static_cast<long long>(r.accepted), static_cast<long long>(r.rejected));
  };
  const auto r = tracing::ImportCheckins(tracing, in, ndjson ? tracing::StreamFormat::kNdjson : tracing::StreamFormat::kCsv,
                                         options, {CliActor(), ""});
  if (tty) std::fprintf(stderr, "\n");
  for (const auto& e : r.checkins.errors) {
    std::printf("line %lld: %s%s%s\n", static_cast<long long>(e.line), e.field.c_str(), e.field.empty() ? "" : ": ",
                e.message.c_str());
  }
  if (r.checkins.rejected > static_cast<int64_t>(r.checkins.errors.size())) {
    std::printf("... and %lld more rejected lines\n",
                static_cast<long long>(r.checkins.rejected - static_cast<int64_t>(r.checkins.errors.size())));
  }
  std::printf("%s: %lld lines read, %lld accepted, %lld rejected in %.2f s (%.0f lines/s)\n", o.file.c_str(),
              static_cast<long long>(r.lines), static_cast<long long>(r.checkins.accepted),
              static_cast<long long>(r.checkins.rejected), r.seconds, r.seconds > 0 ? r.lines / r.seconds : 0.0);
  if (!r.fatal.ok()) {
    std::fprintf(stderr, "tongchou import: stopped: %s\n", r.fatal.ToString().c_str());
    return 1;
  }
  return r.checkins.rejected > 0 ? 3 : 0;
}

int RunTrace(const std::string& what, const TraceCliOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  auto tracing = LoadEngine(*store);
  if (!tracing) return 1;
  tracing::Cases cases(*store, Clock::System(), *tracing);

  if (what == "stats") {
    const auto s = tracing->Stats();
    std::printf("segments %lld, venue-major %.1f MiB, person-major %.1f MiB, other %.1f MiB\n",
                static_cast<long long>(s.segments), s.venue_bytes / 1048576.0, s.person_bytes / 1048576.0,
                s.other_bytes / 1048576.0);
    return 0;
  }
  if (what == "visitors") {
    auto from = tracing::ParseCheckinTime(o.from, "from");
    if (!from.ok()) return Fail(from.status());
    Millis to = NowMillis();
    if (!o.to.empty()) {
      auto t = tracing::ParseCheckinTime(o.to, "to");
      if (!t.ok()) return Fail(t.status());
      to = *t;
    }
    const auto t0 = std::chrono::steady_clock::now();
    auto r = tracing->VenueVisitors(o.venue, *from, to);
    const double ms = MsSince(t0);
    if (!r.ok()) return Fail(r.status());
    std::printf("%s %s: %zu visits by %lld people from %s to %s (%.2f ms)\n", r->venue.code.c_str(),
                r->venue.name.c_str(), r->visits.size(), static_cast<long long>(r->distinct_persons),
                FormatShanghai(*from).c_str(), FormatShanghai(to).c_str(), ms);
    std::vector<uint32_t> ids;
    for (size_t i = 0; i < r->visits.size() && static_cast<int>(i) < o.show; ++i) ids.push_back(r->visits[i].person);
    auto people = tracing->People(ids);
    std::map<int64_t, tracing::PersonRef> by_id;
    if (people.ok()) {
      for (auto& p : *people) by_id[p.id] = p;
    }
    for (size_t i = 0; i < r->visits.size() && static_cast<int>(i) < o.show; ++i) {
      const auto& v = r->visits[i];
      std::printf("  %s  %s%s\n", FormatShanghai(tracing::ToMillis(v.arrive)).substr(0, 16).c_str(),
                  PersonLabel(by_id, v.person).c_str(),
                  v.leave ? (" → " + FormatShanghai(tracing::ToMillis(v.leave)).substr(11, 5)).c_str() : "");
    }
    return 0;
  }
  if (what == "contacts") {
    std::vector<int64_t> ids;
    if (!o.cases.empty()) {
      auto parsed = ParseIds(o.cases);
      if (!parsed.ok()) return Fail(parsed.status());
      ids = *parsed;
    } else if (o.first > 0) {
      auto list = cases.List({.scope = "", .limit = 1'000'000});
      if (!list.ok()) return Fail(list.status());
      std::sort(list->begin(), list->end(), [](const auto& a, const auto& b) {
        return a.report_date != b.report_date ? a.report_date < b.report_date : a.id < b.id;
      });
      for (int i = 0; i < o.first && i < static_cast<int>(list->size()); ++i) ids.push_back((*list)[i].id);
    }
    if (ids.empty()) return Fail(FieldInvalid("cases", "give --cases or --first"));
    tracing::ContactRules rules;
    rules.margin_without_leave = o.margin;
    if (o.list) {
      auto run = cases.Trace({ids, rules, !o.no_secondary, true, 4}, {CliActor(), ""});
      if (!run.ok()) return Fail(run.status());
      std::printf("run %lld (tier rules v%lld): the ring of %lld people sorted in %.1f ms into %lld close, %lld "
                  "secondary and %lld exposed; %lld newly listed, %lld moved to a stronger tier, %lld already "
                  "listed\n",
                  static_cast<long long>(run->run_id), static_cast<long long>(run->rules_version),
                  static_cast<long long>(run->ring_found), run->engine_ms, static_cast<long long>(run->close_found),
                  static_cast<long long>(run->secondary_found), static_cast<long long>(run->exposed_found),
                  static_cast<long long>(run->listed), static_cast<long long>(run->upgraded),
                  static_cast<long long>(run->already));
      return 0;
    }
    auto windows = cases.Windows(ids, 4);
    if (!windows.ok()) return Fail(windows.status());
    const auto t0 = std::chrono::steady_clock::now();
    auto r = tracing->Contacts(*windows, rules, !o.no_secondary, true);
    const double ms = MsSince(t0);
    if (!r.ok()) return Fail(r.status());
    std::printf("%zu cases: %zu close contacts, %zu secondary contacts (%.1f ms, %lld visits examined; not listed: "
                "add --list)\n",
                ids.size(), r->close.size(), r->secondary.size(), ms, static_cast<long long>(r->visits_examined));
    std::vector<uint32_t> persons;
    for (size_t i = 0; i < r->close.size() && static_cast<int>(i) < o.show; ++i) persons.push_back(r->close[i].person);
    auto people = tracing->People(persons);
    std::map<int64_t, tracing::PersonRef> by_id;
    if (people.ok()) {
      for (auto& p : *people) by_id[p.id] = p;
    }
    for (size_t i = 0; i < r->close.size() && static_cast<int>(i) < o.show; ++i) {
      const auto& e = r->close[i];
      std::printf("  close  %s  %s\n", PersonLabel(by_id, e.person).c_str(),
                  e.route == tracing::Route::kHousehold
                      ? ("household of " + std::to_string(e.source)).c_str()
                      : ("venue " + std::to_string(e.venue) + " at " +
                         FormatShanghai(tracing::ToMillis(e.at)).substr(0, 16) + " with " + std::to_string(e.source))
                            .c_str());
    }
    return 0;
  }
  if (what == "sources") {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = cases.RankSourcesOfFirst(o.first, static_cast<size_t>(o.top));
    if (r.ok()) {
      if (Status marked = gen::MarkTrueSource(*store, *r); !marked.ok()) return Fail(marked);
    }
    const double ms = MsSince(t0);
    if (!r.ok()) return Fail(r.status());
    std::vector<uint32_t> ids;
    for (const auto& s : r->top) ids.push_back(s.venue);
    auto venues = tracing->VenuesById(ids);
    std::map<int64_t, tracing::Venue> by_id;
    if (venues.ok()) {
      for (auto& v : *venues) by_id[v.id] = v;
    }
    std::printf("source ranking from the first %d cases (%.1f ms):\n", r->n, ms);
    int rank = 0;
    for (const auto& s : r->top) {
      const auto& v = by_id[s.venue];
      std::printf("  %2d. %-22s %-24s %3lld of %d cases, %.2f expected from %lld check-ins, score %.1f%s\n", ++rank,
                  v.code.c_str(), v.name.c_str(), static_cast<long long>(s.cases), r->n, s.expected,
                  static_cast<long long>(s.traffic), s.score, s.venue == r->true_source ? "  ← true source" : "");
    }
    if (r->true_source) {
      std::printf("true source (generated outbreak): venue %lld, rank %s\n", static_cast<long long>(r->true_source),
                  r->true_source_rank ? std::to_string(r->true_source_rank).c_str() : "not in the list");
    }
    return 0;
  }
  if (what == "evaluate") {
    std::stringstream ss(o.n);
    std::vector<gen::Evaluation> evaluations;
    std::printf("%5s %10s %10s %10s %10s %8s %8s %8s %8s %6s\n", "cases", "infected", "listed-1", "listed-2",
                "caught-1", "caught-2", "recall-1", "recall12", "total", "source");
    for (std::string part; std::getline(ss, part, ',');) {
      if (part.empty() || part.find_first_not_of("0123456789") != std::string::npos || part.size() > 5) {
        return Fail(FieldInvalid("n", "'" + o.n + "' is not a list of counts"));
      }
      tracing::ContactRules rules;
      rules.margin_without_leave = o.margin;
      auto tier_rules = cases.CurrentTierRules();
      if (!tier_rules.ok()) return Fail(tier_rules.status());
      auto ev = gen::EvaluateTracing(*store, cases, *tracing, std::stoi(part), rules, *tier_rules);
      if (!ev.ok()) return Fail(ev.status());
      evaluations.push_back(*ev);
      std::printf("%5d %10lld %10lld %10lld %10lld %8lld %7.1f%% %7.1f%% %8lld %6s\n", ev->n,
                  static_cast<long long>(ev->infected_by_then), static_cast<long long>(ev->listed_close),
                  static_cast<long long>(ev->listed_secondary), static_cast<long long>(ev->caught_close),
                  static_cast<long long>(ev->caught_secondary), 100 * ev->recall_close, 100 * ev->recall_both,
                  static_cast<long long>(ev->infected_total),
                  ev->source.true_source_rank ? ("#" + std::to_string(ev->source.true_source_rank)).c_str() : "-");
    }
    std::printf("infected: truly infected by the last traced report, not among the traced cases; caught-1/-2: of "
                "them, on the close / secondary ring; source: rank of the true source venue\n");
    for (const gen::Evaluation& ev : evaluations) PrintTiers(ev);
    return 0;
  }
  std::fprintf(stderr, "tongchou trace: unknown query '%s'\n", what.c_str());
  return 2;
}

}  // namespace tc::app
