// The 12345 hotline's benchmark programs (make bench-hotline runs them through
// bench/hotline.sh):
//
//   route      on a city database: what intake does before it writes — normalise,
//              classify, resolve a noisy address — one core, median of --runs over
//              --n requests (corpus texts, addresses as callers say them). Also the
//              routing quality on those addresses at this scale.
//   dashboard  on stores holding a year of requests (tongchou gen hotline): the
//              hotline's three-rate dashboard and rankings from its counters (load time,
//              then each query's median), and the same figures by a plain SQL GROUP BY
//              on SQLite and on PostgreSQL, with the ratios and a check that the answers
//              agree.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <map>
#include <random>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "hotline/address.h"
#include "hotline/address_noise.h"
#include "hotline/classifier.h"
#include "hotline/corpus.h"
#include "hotline/hotline.h"
#include "hotline/text.h"
#include "http/client.h"
#include "registry/lookup.h"
#include "store/store.h"

namespace {

using namespace tc;
using bench::Die;
using bench::Median;
using bench::Must;
using bench::SteadyClock;

std::vector<hotline::AddressArea> Areas(store::Store& s) {
  std::vector<hotline::AddressArea> areas;
  Status st = s.Read([&](store::Conn& c) {
    return registry::ForEachArea(c, [&](const registry::AreaNode& a) {
      areas.push_back({a.code, a.parent_code, a.level, a.name, a.path});
    });
  });
  if (!st.ok()) Die("reading the areas", st);
  return areas;
}

int Route(const std::string& db, int n, int runs) {
  auto store = Must(store::Store::Open(db), "opening " + db);
  const auto t0 = SteadyClock::now();
  const auto areas = Areas(*store);
  auto resolver = hotline::AddressResolver::Build(areas, {});
  const double build_s = bench::Seconds(t0);
  const auto t1 = SteadyClock::now();
  auto examples = hotline::TrainingExamples();
  const hotline::Classifier model = hotline::Classifier::Train(examples);
  const double train_s = bench::Seconds(t1);
  // The inputs: corpus texts (held-out ones, as new callers would write) and noisy addresses.
  auto held = hotline::HeldOutExamples();
  hotline::AddressNoise noise(areas);
  std::mt19937_64 rng(7);
  struct In {
    std::string text, address, expected_community, expected_code, label;
  };
  std::vector<In> inputs;
  inputs.reserve(n);
  for (int i = 0; i < n; ++i) {
    auto a = noise.Make(rng, 0.1);
    const auto& ex = held[rng() % held.size()];
    inputs.push_back({ex.text, a.text, a.expected_community, a.expected_code, ex.code});
  }
  std::printf("city: %zu areas; resolver built in %.2f s; classifier trained on %zu texts in %.2f s\n", areas.size(),
              build_s, examples.size(), train_s);
  std::vector<double> rates;
  int64_t right = 0, manual = 0, wrong = 0, exact = 0, top1 = 0, top3 = 0;
  for (int r = 0; r < runs; ++r) {
    right = manual = wrong = exact = top1 = top3 = 0;
    const auto t = SteadyClock::now();
    for (const auto& in : inputs) {
      auto text = hotline::NormalizeText(in.text, "text");
      auto address = hotline::NormalizeText(in.address, "address");
      if (!text.ok() || !address.ok()) Die("normalising", text.ok() ? address.status() : text.status());
      const auto top = model.Classify(*text, 3);
      const auto m = resolver->Resolve(*address);
      if (m.confidence < 0.6 || m.community_code.empty()) {
        ++manual;
      } else if (m.community_code == in.expected_community) {
        ++right;
        exact += m.code == in.expected_code;
      } else {
        ++wrong;
      }
      for (size_t k = 0; k < top.size(); ++k) {
        if (top[k].code == in.label) {
          top1 += k == 0;
          ++top3;
        }
      }
    }
    rates.push_back(n / bench::Seconds(t));
  }
  std::printf("route: normalise + classify + resolve, one core: %.0f requests/s (median of %d runs of %d; goal >= 2000)\n",
              Median(rates), runs, n);
  std::printf("routing on noisy addresses: right community %.1f %%, exact area %.1f %%, manual dispatch %.1f %%, wrong "
              "community %.2f %%\n",
              100.0 * right / n, 100.0 * exact / n, 100.0 * manual / n, 100.0 * wrong / n);
  std::printf("classification of the held-out texts drawn: top-1 %.1f %%, top-3 %.1f %%\n", 100.0 * top1 / n,
              100.0 * top3 / n);
  return 0;
}

// The same figures by SQL: one GROUP BY over the requests received in [from, to).
struct SqlRow {
  std::string key;
  hotline::Counts c;
};
std::vector<SqlRow> GroupBySql(store::Store& s, const std::string& key_sql, Millis from, Millis to) {
  const std::string sql =
      "SELECT " + key_sql +
      ", SUM(CASE WHEN status <> 'merged' THEN 1 ELSE 0 END),"
      " SUM(CASE WHEN status <> 'merged' AND (responded_at > 0 OR (overdue & 1) = 1) THEN 1 ELSE 0 END),"
      " SUM(CASE WHEN status <> 'merged' AND responded_at > 0 AND (overdue & 1) = 0 AND responded_at <= respond_by "
      "THEN 1 ELSE 0 END),"
      " SUM(CASE WHEN status <> 'merged' AND satisfaction > 0 THEN 1 ELSE 0 END),"
      " SUM(CASE WHEN status <> 'merged' AND satisfaction > 0 AND solved = 1 THEN 1 ELSE 0 END),"
      " SUM(CASE WHEN status <> 'merged' AND satisfaction >= 4 THEN 1 ELSE 0 END)"
      " FROM hotline_requests WHERE received_at >= ? AND received_at < ? GROUP BY 1 ORDER BY 1";
  std::vector<SqlRow> out;
  Status st = s.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(sql, {from, to}));
    for (const auto& r : rows.rows) {
      SqlRow x{r.Text(0), {}};
      x.c.received = r.Int(1);
      x.c.response_due = r.Int(2);
      x.c.responded_on_time = r.Int(3);
      x.c.called_back = r.Int(4);
      x.c.solved = r.Int(5);
      x.c.satisfied = r.Int(6);
      out.push_back(std::move(x));
    }
    return Status::Ok();
  });
  if (!st.ok()) Die("GROUP BY", st);
  return out;
}

bool Same(const hotline::RateBook::Answer& a, const std::vector<SqlRow>& b) {
  std::map<std::string, hotline::Counts> x;
  for (const auto& r : a.rows) x[r.key].Add(r.counts);
  if (x.size() != b.size()) return false;
  for (const auto& r : b) {
    const auto& c = x[r.key];
    if (c.received != r.c.received || c.response_due != r.c.response_due ||
        c.responded_on_time != r.c.responded_on_time || c.called_back != r.c.called_back || c.solved != r.c.solved ||
        c.satisfied != r.c.satisfied) {
      return false;
    }
  }
  return true;
}

int Dashboard(const std::string& sqlite_url, const std::string& pg_url, const std::string& from_date,
              const std::string& to_date, const std::string& month, int runs) {
  struct Store {
    std::string name;
    std::unique_ptr<store::Store> s;
  };
  std::vector<Store> stores;
  stores.push_back({"sqlite", Must(store::Store::Open(sqlite_url), "opening " + sqlite_url)});
  if (!pg_url.empty()) stores.push_back({"postgres", Must(store::Store::Open(pg_url), "opening " + pg_url)});
  const Millis from = Must(ParseTime(from_date + "T00:00:00+08:00"), "from");
  const Millis to = Must(ParseTime(to_date + "T00:00:00+08:00"), "to") + 86'400'000;
  const Millis m0 = Must(ParseTime(month + "-01T00:00:00+08:00"), "month");
  int y = 0, mo = 0;
  std::sscanf(month.c_str(), "%d-%d", &y, &mo);
  char next[32];
  std::snprintf(next, sizeof next, "%04d-%02d-01", mo == 12 ? y + 1 : y, mo == 12 ? 1 : mo + 1);
  const Millis m1 = Must(ParseTime(std::string(next) + "T00:00:00+08:00"), "month end");
  int64_t total_rows = 0;
  (void)stores[0].s->Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto r, c.Query("SELECT COUNT(*) FROM hotline_requests"));
    total_rows = r[0].Int(0);
    return Status::Ok();
  });
  std::printf("requests stored: %lld; period %s .. %s; month %s\n", static_cast<long long>(total_rows),
              from_date.c_str(), to_date.c_str(), month.c_str());
  const std::string last_day_of_month = DateShanghai(m1 - 1);
  struct Query {
    std::string name;
    hotline::RateBook::GroupBy by;
    bool month_only;
    std::string sql_key;
  };
  const std::vector<Query> queries = {
      {"rates by department, the year", hotline::RateBook::GroupBy::kDepartment, false, "department"},
      {"rates by community, the month", hotline::RateBook::GroupBy::kCommunity, true, "community_code"},
  };
  std::map<std::string, double> ours;
  std::map<std::string, std::map<std::string, double>> peers;
  bool all_same = true;
  for (auto& st : stores) {
    const auto t = SteadyClock::now();
    ManualClock clock(to);
    auto h = Must(hotline::Hotline::Open(*st.s, clock), "opening the hotline on " + st.name);
    std::printf("%s: the hotline's counters rebuilt from %lld requests in %.1f s\n", st.name.c_str(),
                static_cast<long long>(total_rows), bench::Seconds(t));
    for (const auto& q : queries) {
      std::vector<double> ms;
      hotline::RateBook::Answer ans;
      for (int r = 0; r < runs; ++r) {
        const auto tq = SteadyClock::now();
        ans = Must(q.month_only ? h->Rates(month + "-01", last_day_of_month, q.by, "", "")
                                : h->Rates(from_date, to_date, q.by, "", ""),
                   q.name);
        ms.push_back(bench::Millis(tq));
      }
      if (st.name == "sqlite") ours[q.name] = Median(ms);
      std::vector<double> pms;
      std::vector<SqlRow> rows;
      for (int r = 0; r < std::max(3, runs / 2); ++r) {
        const auto tq = SteadyClock::now();
        rows = GroupBySql(*st.s, q.sql_key, q.month_only ? m0 : from, q.month_only ? m1 : to);
        pms.push_back(bench::Millis(tq));
      }
      peers[q.name][st.name] = Median(pms);
      const bool same = Same(ans, rows);
      all_same = all_same && same;
      std::printf("  %-32s ours %.3f ms  %s GROUP BY %.0f ms  answers %s\n", q.name.c_str(), Median(ms),
                  st.name.c_str(), Median(pms), same ? "equal" : "DIFFER");
    }
    std::vector<double> rk;
    for (int r = 0; r < runs; ++r) {
      const auto tq = SteadyClock::now();
      (void)Must(h->Rankings(month, hotline::RateBook::GroupBy::kStreet), "rankings");
      rk.push_back(bench::Millis(tq));
    }
    std::printf("  %-32s ours %.3f ms\n", "monthly ranking of streets", Median(rk));
    if (st.name == "sqlite") ours["ranking"] = Median(rk);
  }
  std::printf("\n%-32s %10s %14s %14s %8s\n", "query", "ours ms", "sqlite ms", "postgres ms", "ratio");
  for (const auto& q : queries) {
    const auto& p = peers[q.name];
    double better = p.at("sqlite");
    if (p.contains("postgres")) better = std::min(better, p.at("postgres"));
    std::printf("%-32s %10.3f %14.0f %14s %7.0fx\n", q.name.c_str(), ours[q.name], p.at("sqlite"),
                p.contains("postgres") ? std::to_string(static_cast<long long>(p.at("postgres"))).c_str() : "-",
                better / std::max(ours[q.name], 1e-3));
  }
  std::printf("goal: dashboard < 100 ms and >= 10x the better peer's GROUP BY; answers %s\n",
              all_same ? "equal on every store" : "DIFFER");
  return all_same ? 0 : 1;
}

// Agents at a steady pace: each of `agents` threads sends one intake every 1/rate
// seconds on its own keep-alive connection; a request's latency runs from when it was
// due (not when it was sent), so a slow answer that delays the next ones counts against
// them too (no coordinated omission).
int Intake(uint16_t port, const std::string& token, const std::string& bodies_file, int agents, double rate,
           int seconds) {
  std::vector<std::string> bodies;
  std::ifstream in(bodies_file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) bodies.push_back(line);
  }
  if (bodies.empty()) Die("reading " + bodies_file, InvalidArgument("no bodies"));
  std::mutex mu;
  std::vector<double> all;
  int64_t errors = 0;
  const auto start = SteadyClock::now() + std::chrono::milliseconds(200);
  std::vector<std::thread> threads;
  for (int a = 0; a < agents; ++a) {
    threads.emplace_back([&, a] {
      http::Client client("127.0.0.1", port, 10'000);
      const std::vector<std::pair<std::string, std::string>> headers = {
          {"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}};
      const auto period = std::chrono::duration<double>(1.0 / rate);
      const auto phase = std::chrono::duration<double>(period * (double(a) / agents));
      std::vector<double> mine;
      int64_t bad = 0;
      for (int k = 0;; ++k) {
        const auto due = start + std::chrono::duration_cast<SteadyClock::duration>(phase + period * k);
        if (due >= start + std::chrono::seconds(seconds)) break;
        std::this_thread::sleep_until(due);
        auto r = client.Send("POST", "/api/v1/hotline/requests", bodies[(a * 7919 + k) % bodies.size()], headers);
        mine.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - due).count());
        if (!r.ok() || r->status != 201) ++bad;
      }
      std::lock_guard lock(mu);
      all.insert(all.end(), mine.begin(), mine.end());
      errors += bad;
    });
  }
  for (auto& t : threads) t.join();
  const auto lat = bench::Percentiles(all);
  std::sort(all.begin(), all.end());
  std::printf("intake at a steady pace: %d agents x %.1f requests/s = %.0f requests/s for %d s: %zu sent, p50 %.1f ms, "
              "p99 %.1f ms, max %.1f ms, errors %lld (goal p99 < 50 ms)\n",
              agents, rate, agents * rate, seconds, all.size(), lat.p50_ms, lat.p99_ms, all.empty() ? 0 : all.back(),
              static_cast<long long>(errors));
  return errors ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"The 12345 hotline's benchmarks"};
  app.require_subcommand(1);
  std::string db, sqlite_url, pg_url, from = "2025-01-01", to = "2025-12-31", month = "2025-06";
  int n = 20000, runs = 5;
  auto* route = app.add_subcommand("route", "normalise + classify + resolve per core, on a city database");
  route->add_option("--db", db, "The city database URL")->required();
  route->add_option("--n", n, "Requests per run")->capture_default_str();
  route->add_option("--runs", runs, "Runs (the median is reported)")->capture_default_str();
  auto* dash = app.add_subcommand("dashboard", "the three rates from the counters vs SQL GROUP BY");
  dash->add_option("--sqlite", sqlite_url, "SQLite store with the requests")->required();
  dash->add_option("--pg", pg_url, "PostgreSQL store with the same requests");
  dash->add_option("--from", from, "First receipt day of the period")->capture_default_str();
  dash->add_option("--to", to, "Last receipt day of the period")->capture_default_str();
  dash->add_option("--month", month, "The month for community figures and rankings")->capture_default_str();
  dash->add_option("--runs", runs, "Runs per query (the median is reported)")->capture_default_str();
  int port = 0, agents = 32, seconds = 20;
  double rate = 4;
  std::string token, bodies;
  auto* intake = app.add_subcommand("intake", "POST intakes at a steady pace from concurrent agents; latency percentiles");
  intake->add_option("--port", port, "The server's port on 127.0.0.1")->required();
  intake->add_option("--token", token, "A hotline agent's bearer token")->required();
  intake->add_option("--bodies", bodies, "A file of JSON request bodies, one per line")->required();
  intake->add_option("--agents", agents, "Concurrent agents (connections)")->capture_default_str();
  intake->add_option("--rate", rate, "Requests per second per agent")->capture_default_str();
  intake->add_option("--seconds", seconds, "How long")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (*route) return Route(db, n, runs);
  if (*intake) return Intake(static_cast<uint16_t>(port), token, bodies, agents, rate, seconds);
  return Dashboard(sqlite_url, pg_url, from, to, month, runs);
}
