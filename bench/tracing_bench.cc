// bench-tracing: the exposure engine against SQLite and PostgreSQL on the same
// check-ins, in one run. A synthetic city (gen city + venues) is generated into a
// SQLite file (or reused), its check-in stream (gen::StreamCheckins) is fed to the
// engine and bulk-loaded into each peer, which then gets its best indexes. Printed
// side by side: ingest rate, memory (engine) / database size (peers) per check-in,
// p50/p99 of the Xinfadi query over the whole period, close contacts of 100 and
// 1,000 cases, secondary contacts of 100 cases, and source finding from 20 cases —
// with a check that every peer's answers equal the engine's.
//
// Household contacts come from the registry and cost the same whichever answers the
// venue part, so the comparison is of the venue rule only (the engine's
// HouseholdSource is left out; the SQL has no household join).
//
//   bench/tracing.sh [--scale 0.2] [--days 14] [--no-peers]
#include <libpq-fe.h>
#include <sqlite3.h>
#include <sys/resource.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench_util.h"
#include "base/crypto.h"
#include "gen/city.h"
#include "gen/mobility.h"
#include "gen/venues.h"
#include "store/store.h"
#include "tracing/checkins.h"
#include "tracing/index.h"
#include "tracing/queries.h"
#include "tracing/service.h"

namespace tc {
namespace {

using bench::Latency;
using bench::Millis;
using bench::Percentiles;
using bench::Seconds;
using bench::SteadyClock;
using tracing::CaseWindow;
using tracing::Minute;
using tracing::Visit;

constexpr Minute kMargin = 30;

// A peer query that ran past --timeout (then not repeated and not compared).
struct TimedOut {};
double g_timeout_s = 300;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "tracing_bench: %s\n", what.c_str());
  std::exit(1);
}

// The answers compared across engine and peers.
struct Answers {
  int64_t xinfadi_rows = 0, xinfadi_persons = 0;
  std::vector<uint32_t> close100, close1000, secondary100;
  uint32_t top_source = 0;
};

struct Figures {
  std::string name;
  double ingest_per_s = 0;
  double bytes_per_checkin = 0;
  Latency xinfadi, close100, close1000, secondary100, sources20;
  Latency tiers1000;  // engine only: the same ring scored and sorted into tiers
  Latency scored1000;  // the same without the secondary tier (close and exposed only)
  size_t tier_close = 0, tier_secondary = 0, tier_exposed = 0;
  Answers answers;
  bool answers_equal = true;
};

// ------------------------------------------------------------------ SQL peers

class Peer {
 public:
  virtual ~Peer() = default;
  virtual std::string name() const = 0;
  virtual void Begin() = 0;
  virtual void Load(std::span<const Visit> visits) = 0;
  virtual void Finish() = 0;  // indexes and statistics
  virtual int64_t Bytes() = 0;
  virtual void Exec(const std::string& sql) = 0;
  // Runs a query and returns the first column of every row as integers.
  virtual std::vector<int64_t> Column(const std::string& sql) = 0;
  virtual std::vector<std::vector<int64_t>> Rows(const std::string& sql) = 0;
  virtual std::string Greatest() const = 0;
};

class SqlitePeer : public Peer {
 public:
  explicit SqlitePeer(const std::string& path) {
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    path_ = path;
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) Die("sqlite open " + path);
    Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-2000000; PRAGMA mmap_size=8000000000;"
         "PRAGMA temp_store=MEMORY;");
    Exec("CREATE TABLE checkins (person_id INTEGER NOT NULL, venue_id INTEGER NOT NULL, arrive INTEGER NOT NULL, "
         "leave INTEGER)");
    // Interrupts a statement that runs past the deadline.
    sqlite3_progress_handler(
        db_, 100'000,
        [](void* self) -> int {
          auto* me = static_cast<SqlitePeer*>(self);
          return me->deadline_ != SteadyClock::time_point{} && SteadyClock::now() > me->deadline_;
        },
        this);
  }
  ~SqlitePeer() override { sqlite3_close(db_); }
  std::string name() const override { return "SQLite " SQLITE_VERSION; }
  void Exec(const std::string& sql) override {
    char* err = nullptr;
    Arm();
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    deadline_ = {};
    if (rc == SQLITE_INTERRUPT) throw TimedOut{};
    if (rc != SQLITE_OK) Die("sqlite: " + std::string(err ? err : "?") + " in " + sql.substr(0, 80));
  }
  void Begin() override {
    Exec("BEGIN");
    sqlite3_prepare_v2(db_, "INSERT INTO checkins VALUES (?, ?, ?, ?)", -1, &insert_, nullptr);
  }
  void Load(std::span<const Visit> visits) override {
    for (const Visit& v : visits) {
      sqlite3_bind_int64(insert_, 1, v.person);
      sqlite3_bind_int64(insert_, 2, v.venue);
      sqlite3_bind_int64(insert_, 3, v.arrive);
      if (v.leave) {
        sqlite3_bind_int64(insert_, 4, v.leave);
      } else {
        sqlite3_bind_null(insert_, 4);
      }
      if (sqlite3_step(insert_) != SQLITE_DONE) Die("sqlite insert");
      sqlite3_reset(insert_);
    }
  }
  void Finish() override {
    sqlite3_finalize(insert_);
    Exec("COMMIT");
    Exec("CREATE INDEX checkins_venue ON checkins(venue_id, arrive, person_id, leave)");
    Exec("CREATE INDEX checkins_person ON checkins(person_id, arrive, venue_id, leave)");
    Exec("CREATE TABLE venue_maxstay AS SELECT venue_id, MAX(COALESCE(leave - arrive, 0)) AS max_stay FROM checkins "
         "GROUP BY venue_id");
    Exec("CREATE UNIQUE INDEX venue_maxstay_id ON venue_maxstay(venue_id)");
    Exec("ANALYZE");
    Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    querying_ = true;
  }
  int64_t Bytes() override {
    return static_cast<int64_t>(std::filesystem::file_size(path_));
  }
  std::vector<int64_t> Column(const std::string& sql) override {
    std::vector<int64_t> out;
    for (auto& r : Rows(sql)) out.push_back(r.empty() ? 0 : r[0]);
    return out;
  }
  std::vector<std::vector<int64_t>> Rows(const std::string& sql) override {
    std::vector<std::vector<int64_t>> out;
    Arm();
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      Die("sqlite prepare: " + std::string(sqlite3_errmsg(db_)) + " in " + sql.substr(0, 120));
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      std::vector<int64_t> row(sqlite3_column_count(st));
      for (size_t i = 0; i < row.size(); ++i) row[i] = sqlite3_column_int64(st, static_cast<int>(i));
      out.push_back(std::move(row));
    }
    sqlite3_finalize(st);
    deadline_ = {};
    if (rc == SQLITE_INTERRUPT) throw TimedOut{};
    if (rc != SQLITE_DONE) Die("sqlite step: " + std::string(sqlite3_errmsg(db_)));
    return out;
  }
  std::string Greatest() const override { return "MAX"; }

 private:
  // The query-time limit (not during the load and index builds).
  void Arm() {
    if (querying_) deadline_ = SteadyClock::now() + std::chrono::milliseconds(static_cast<int64_t>(g_timeout_s * 1000));
  }
  std::string path_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  SteadyClock::time_point deadline_{};
  bool querying_ = false;
};

class PostgresPeer : public Peer {
 public:
  explicit PostgresPeer(const std::string& url) {
    conn_ = PQconnectdb(url.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) Die("postgres: " + std::string(PQerrorMessage(conn_)));
    Exec("SET client_min_messages = warning");
    Exec("DROP TABLE IF EXISTS checkins, venue_maxstay");
    Exec("CREATE TABLE checkins (person_id BIGINT NOT NULL, venue_id BIGINT NOT NULL, arrive BIGINT NOT NULL, "
         "leave BIGINT)");
    Exec("SET work_mem = '256MB'");
    Exec("SET maintenance_work_mem = '2GB'");
    auto v = Rows("SHOW server_version_num");
    version_ = v.empty() ? 0 : v[0][0];
  }
  ~PostgresPeer() override { PQfinish(conn_); }
  std::string name() const override { return "PostgreSQL " + std::to_string(version_ / 10000); }
  void Exec(const std::string& sql) override {
    PGresult* r = PQexec(conn_, sql.c_str());
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) Fail(r, sql);
    PQclear(r);
  }
  // Query-time limit (not during the load).
  void StartQueries() { Exec("SET statement_timeout = " + std::to_string(static_cast<int64_t>(g_timeout_s * 1000))); }
  [[noreturn]] void Fail(PGresult* r, const std::string& sql) {
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    if (state && std::string(state) == "57014") {  // query_canceled: the statement timeout
      PQclear(r);
      throw TimedOut{};
    }
    Die("postgres: " + std::string(PQerrorMessage(conn_)) + " in " + sql.substr(0, 120));
  }
  void Begin() override {
    PGresult* r = PQexec(conn_, "COPY checkins FROM STDIN");
    if (PQresultStatus(r) != PGRES_COPY_IN) Die("postgres COPY: " + std::string(PQerrorMessage(conn_)));
    PQclear(r);
  }
  void Load(std::span<const Visit> visits) override {
    std::string buf;
    buf.reserve(visits.size() * 40);
    char line[96];
    for (const Visit& v : visits) {
      const int n = v.leave ? std::snprintf(line, sizeof line, "%u\t%u\t%lld\t%lld\n", v.person, v.venue,
                                            static_cast<long long>(v.arrive), static_cast<long long>(v.leave))
                            : std::snprintf(line, sizeof line, "%u\t%u\t%lld\t\\N\n", v.person, v.venue,
                                            static_cast<long long>(v.arrive));
      buf.append(line, n);
    }
    if (PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) != 1) Die("postgres copy data");
  }
  void Finish() override {
    if (PQputCopyEnd(conn_, nullptr) != 1) Die("postgres copy end");
    PGresult* r = PQgetResult(conn_);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Die("postgres copy: " + std::string(PQerrorMessage(conn_)));
    PQclear(r);
    while ((r = PQgetResult(conn_))) PQclear(r);
    Exec("CREATE INDEX checkins_venue ON checkins(venue_id, arrive) INCLUDE (person_id, leave)");
    Exec("CREATE INDEX checkins_person ON checkins(person_id, arrive) INCLUDE (venue_id, leave)");
    Exec("CREATE TABLE venue_maxstay AS SELECT venue_id, MAX(COALESCE(leave - arrive, 0)) AS max_stay FROM checkins "
         "GROUP BY venue_id");
    Exec("CREATE UNIQUE INDEX venue_maxstay_id ON venue_maxstay(venue_id)");
    Exec("VACUUM ANALYZE checkins");  // the visibility map makes index-only scans possible
    Exec("ANALYZE venue_maxstay");
    StartQueries();
  }
  int64_t Bytes() override { return Column("SELECT pg_total_relation_size('checkins')")[0]; }
  std::vector<int64_t> Column(const std::string& sql) override {
    std::vector<int64_t> out;
    for (auto& r : Rows(sql)) out.push_back(r.empty() ? 0 : r[0]);
    return out;
  }
  std::vector<std::vector<int64_t>> Rows(const std::string& sql) override {
    PGresult* r = PQexec(conn_, sql.c_str());
    const auto st = PQresultStatus(r);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) Fail(r, sql);
    std::vector<std::vector<int64_t>> out(PQntuples(r));
    for (int i = 0; i < PQntuples(r); ++i) {
      out[i].resize(PQnfields(r));
      for (int j = 0; j < PQnfields(r); ++j) out[i][j] = std::atoll(PQgetvalue(r, i, j));
    }
    PQclear(r);
    return out;
  }
  std::string Greatest() const override { return "GREATEST"; }

 private:
  PGconn* conn_ = nullptr;
  int64_t version_ = 0;
};

// The queries, written once for both peers.
void LoadCases(Peer& p, const std::string& table, const std::vector<CaseWindow>& cases) {
  p.Exec("DROP TABLE IF EXISTS " + table);
  p.Exec("CREATE TEMP TABLE " + table + " (person_id BIGINT PRIMARY KEY, from_m BIGINT, to_m BIGINT)");
  std::string sql;
  for (size_t i = 0; i < cases.size(); ++i) {
    if (i % 1000 == 0) {
      if (!sql.empty()) p.Exec(sql);
      sql = "INSERT INTO " + table + " VALUES ";
    } else {
      sql += ", ";
    }
    sql += "(" + std::to_string(cases[i].person) + ", " + std::to_string(cases[i].from) + ", " +
           std::to_string(cases[i].to) + ")";
  }
  if (!cases.empty()) p.Exec(sql);
}

// Pairs (a: a source's visit in its window, b: another visit at the venue) that are
// contacts under the rules, b's person not in any excluded table.
std::string ContactJoin(const std::string& sources, const std::vector<std::string>& excluded) {
  const std::string margin = "(CASE WHEN a.leave IS NULL OR b.leave IS NULL THEN " + std::to_string(kMargin) +
                             " ELSE 0 END)";
  std::string sql = " FROM " + sources +
                    " c JOIN checkins a ON a.person_id = c.person_id AND a.arrive BETWEEN c.from_m AND c.to_m"
                    " JOIN venue_maxstay m ON m.venue_id = a.venue_id"
                    " JOIN checkins b ON b.venue_id = a.venue_id AND b.arrive BETWEEN a.arrive - m.max_stay - " +
                    std::to_string(kMargin) + " AND COALESCE(a.leave, a.arrive) + " + std::to_string(kMargin) +
                    " WHERE b.arrive <= COALESCE(a.leave, a.arrive) + " + margin +
                    " AND a.arrive <= COALESCE(b.leave, b.arrive) + " + margin;
  for (const auto& t : excluded) sql += " AND NOT EXISTS (SELECT 1 FROM " + t + " x WHERE x.person_id = b.person_id)";
  return sql;
}

std::vector<uint32_t> Sorted(std::vector<int64_t> v) {
  std::vector<uint32_t> out(v.begin(), v.end());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint32_t> PeerClose(Peer& p, const std::vector<CaseWindow>& cases) {
  LoadCases(p, "q_cases", cases);
  return Sorted(p.Column("SELECT DISTINCT b.person_id" + ContactJoin("q_cases", {"q_cases"})));
}

std::vector<uint32_t> PeerSecondary(Peer& p, const std::vector<CaseWindow>& cases) {
  LoadCases(p, "q_cases", cases);
  Minute last = 0;
  for (const auto& c : cases) last = std::max(last, c.to);
  p.Exec("DROP TABLE IF EXISTS ring1");
  p.Exec("CREATE TEMP TABLE ring1 AS SELECT b.person_id AS person_id, MIN(" + p.Greatest() +
         "(a.arrive, b.arrive)) AS from_m, " + std::to_string(last) + " AS to_m" +
         ContactJoin("q_cases", {"q_cases"}) + " GROUP BY b.person_id");
  p.Exec("CREATE UNIQUE INDEX ring1_person ON ring1(person_id)");
  return Sorted(p.Column("SELECT DISTINCT b.person_id" + ContactJoin("ring1", {"q_cases", "ring1"})));
}

// Venues the cases visited with how many of them, and each venue's traffic over the
// whole-day window; scored like the engine.
uint32_t PeerTopSource(Peer& p, const std::vector<CaseWindow>& cases, Minute day_from, Minute day_to,
                       int64_t population) {
  LoadCases(p, "q_cases", cases);
  auto rows = p.Rows(
      "SELECT k.venue_id, k.n, (SELECT COUNT(*) FROM checkins x WHERE x.venue_id = k.venue_id AND x.arrive BETWEEN " +
      std::to_string(day_from) + " AND " + std::to_string(day_to) +
      ") FROM (SELECT venue_id, COUNT(DISTINCT c.person_id) AS n FROM q_cases c JOIN checkins a ON a.person_id = "
      "c.person_id AND a.arrive BETWEEN c.from_m AND c.to_m GROUP BY venue_id) k");
  uint32_t best = 0;
  double best_score = -1;
  int64_t best_k = -1;
  for (const auto& r : rows) {
    const double expected = static_cast<double>(cases.size()) *
                            (1 - std::exp(-static_cast<double>(r[2]) / static_cast<double>(population)));
    const double score = tracing::PoissonTailScore(r[1], expected);
    if (score > best_score || (score == best_score && (r[1] > best_k || (r[1] == best_k && r[0] < best)))) {
      best = static_cast<uint32_t>(r[0]);
      best_score = score;
      best_k = r[1];
    }
  }
  return best;
}

// ------------------------------------------------------------------ the run

struct Workload {
  uint32_t market = 0;
  Minute start = 0, end = 0;  // the whole period
  std::vector<CaseWindow> cases100, cases1000, cases20;
  int64_t population = 0;
  Minute day_from = 0, day_to = 0;  // source finding window (whole days)
};

// p50/p99 over `repeats` runs; a run slower than 30 s is not repeated; a run past
// the timeout gives {-1, -1} and `timed_out`.
template <typename Fn>
Latency Time(int repeats, Fn&& fn, bool* timed_out = nullptr) {
  std::vector<double> ms;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = SteadyClock::now();
    try {
      fn();
    } catch (const TimedOut&) {
      if (timed_out) *timed_out = true;
      return {-1, -1};
    }
    ms.push_back(Millis(t0));
    if (ms.back() > 30'000) break;
  }
  return Percentiles(ms);
}

bool g_secondary = true;

// Counts distinct person ids with a bitmap (the same for the engine and the peers).
struct DistinctPersons {
  std::vector<bool> seen;
  int64_t count = 0;
  void Add(uint32_t p) {
    if (p >= seen.size()) seen.resize(std::max<size_t>(p + 1, seen.size() * 2), false);
    if (!seen[p]) {
      seen[p] = true;
      ++count;
    }
  }
};

void RunEngineQueries(const tracing::Index& index, const Workload& w, std::span<const tracing::VenueTrait> venues,
                      int repeats, Figures& f) {
  tracing::ContactQuery q;
  q.secondary = false;
  f.xinfadi = Time(repeats, [&] {
    auto v = tracing::Visitors(index, w.market, w.start, w.end);
    f.answers.xinfadi_rows = static_cast<int64_t>(v.visits.size());
    f.answers.xinfadi_persons = v.persons;
  });
  // Only the query is timed; turning its answer into the ids compared with the peers' is not.
  auto persons_of = [](std::span<const tracing::Exposure> ring) {
    std::vector<uint32_t> out;
    for (const auto& e : ring) out.push_back(e.person);
    return out;
  };
  BigVector<tracing::Exposure> ring;
  q.cases = w.cases100;
  f.close100 = Time(repeats, [&] { ring = tracing::FindContacts(index, q).close; });
  f.answers.close100 = persons_of(ring);
  q.cases = w.cases1000;
  f.close1000 = Time(repeats, [&] { ring = tracing::FindContacts(index, q).close; });
  f.answers.close1000 = persons_of(ring);
  // The same cases' ring scored and sorted into tiers, the secondary tier included
  // (from the close tier): what a tracing run now costs against the ring above.
  tracing::TierQuery tq;
  tq.cases = w.cases1000;
  tq.venues = venues;
  tracing::TierResult tiers;
  tq.secondary = false;
  f.scored1000 = Time(repeats, [&] { tiers = tracing::FindTiers(index, tq); });
  tq.secondary = true;
  f.tiers1000 = Time(repeats, [&] { tiers = tracing::FindTiers(index, tq); });
  if (tiers.ring != static_cast<int64_t>(ring.size())) Die("the scored ring differs from the close ring");
  f.tier_close = tiers.close.size();
  f.tier_secondary = tiers.secondary.size();
  f.tier_exposed = tiers.exposed.size();
  q.cases = w.cases100;
  q.secondary = true;
  if (g_secondary) {
    f.secondary100 = Time(repeats, [&] { ring = tracing::FindContacts(index, q).secondary; });
    f.answers.secondary100 = persons_of(ring);
  }
  f.sources20 = Time(repeats, [&] {
    auto top = tracing::RankSources(index, w.cases20, w.population, 10);
    f.answers.top_source = top.empty() ? 0 : top[0].venue;
  });
}

void RunPeerQueries(Peer& p, const Workload& w, int repeats, Figures& f, bool& timed_out) {
  const std::string xinfadi = "SELECT person_id, arrive, leave FROM checkins WHERE venue_id = " +
                              std::to_string(w.market) + " AND arrive BETWEEN " + std::to_string(w.start - 1440) +
                              " AND " + std::to_string(w.end) + " AND COALESCE(leave, arrive) >= " +
                              std::to_string(w.start);
  f.xinfadi = Time(repeats, [&] {
    auto rows = p.Rows(xinfadi);
    f.answers.xinfadi_rows = static_cast<int64_t>(rows.size());
    DistinctPersons distinct;
    for (const auto& r : rows) distinct.Add(static_cast<uint32_t>(r[0]));
    f.answers.xinfadi_persons = distinct.count;
  }, &timed_out);
  f.close100 = Time(repeats, [&] { f.answers.close100 = PeerClose(p, w.cases100); }, &timed_out);
  f.close1000 = Time(repeats, [&] { f.answers.close1000 = PeerClose(p, w.cases1000); }, &timed_out);
  if (g_secondary) {
    f.secondary100 = Time(repeats, [&] { f.answers.secondary100 = PeerSecondary(p, w.cases100); }, &timed_out);
  }
  f.sources20 = Time(repeats, [&] {
    f.answers.top_source = PeerTopSource(p, w.cases20, w.day_from, w.day_to, w.population);
  }, &timed_out);
}

int64_t PeakRssBytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<int64_t>(u.ru_maxrss) * 1024;
}

std::string Ratio(double engine, double peer) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f×", engine > 0 ? peer / engine : 0.0);
  return buf;
}

}  // namespace
}  // namespace tc

int main(int argc, char** argv) {
  using namespace tc;
  CLI::App cli{"bench-tracing: the exposure engine against SQLite and PostgreSQL"};
  double scale = 0.2;
  int days = 14, repeats = 10;
  std::string city_db, pg, work = "build/bench-tracing";
  bool no_peers = false;
  uint64_t seed = 1;
  cli.add_option("--scale", scale, "City size (1.0 = 9.07 M residents)");
  cli.add_option("--days", days, "Days of check-ins");
  cli.add_option("--repeats", repeats, "Runs of each query (p50/p99 over them)");
  cli.add_option("--work", work, "Folder for the city and the SQLite peer");
  cli.add_option("--pg", pg, "PostgreSQL URL of an empty database for the peer (none: no PostgreSQL)");
  cli.add_flag("--no-peers", no_peers, "Engine only (for scales the peers cannot hold)");
  cli.add_option("--seed", seed, "Random seed");
  bool no_secondary = false;
  cli.add_flag("--no-secondary", no_secondary, "Skip the secondary-contacts query (it grows to the whole city)");
  cli.add_option("--timeout", g_timeout_s, "Seconds a peer query may run (then reported as a timeout)");
  CLI11_PARSE(cli, argc, argv);
  g_secondary = !no_secondary;
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress lines as they happen
  if (!InitCrypto().ok()) Die("crypto");
  std::filesystem::create_directories(work);
  char scale_text[32];
  std::snprintf(scale_text, sizeof scale_text, "%g", scale);
  city_db = work + "/city-" + scale_text + ".db";

  // The city and its venues (kept between runs: generating a full city takes minutes).
  const bool fresh = !std::filesystem::exists(city_db);
  auto store = store::Store::Open("sqlite:" + city_db);
  if (!store.ok() || !(*store)->Migrate().ok()) Die("cannot open " + city_db);
  if (fresh) {
    const auto t0 = SteadyClock::now();
    auto city = gen::GenerateCity(**store, {.scale = scale, .seed = seed});
    if (!city.ok()) Die(city.status().ToString());
    auto venues = gen::GenerateVenues(**store, {.seed = seed});
    if (!venues.ok()) Die(venues.status().ToString());
    std::printf("city: %lld residents, %lld venues, generated in %.0f s\n", static_cast<long long>(city->residents),
                static_cast<long long>(venues->venues), Seconds(t0));
  }

  // Stream the check-ins: the engine ingests them; the peers get the same rows.
  std::vector<std::unique_ptr<Peer>> peers;
  if (!no_peers) {
    peers.push_back(std::make_unique<SqlitePeer>(work + "/peer-" + scale_text + ".sqlite"));
    if (!pg.empty()) peers.push_back(std::make_unique<PostgresPeer>(pg));
  }
  std::vector<double> peer_seconds(peers.size(), 0);
  for (auto& p : peers) p->Begin();
  tracing::Index index;
  index.set_auto_merge(false);
  index.set_seal_threshold(64u << 20);
  double engine_seconds = 0;
  const int64_t rss_before = PeakRssBytes();
  gen::CheckinOptions co;
  co.days = days;
  co.seed = seed;
  std::vector<uint32_t> persons_seen;
  auto sum = gen::StreamCheckins(**store, co, [&](std::span<const Visit> batch, int day) -> Status {
    auto t0 = SteadyClock::now();
    for (const Visit& v : batch) index.Add(v);
    engine_seconds += Seconds(t0);
    for (size_t i = 0; i < peers.size(); ++i) {
      t0 = SteadyClock::now();
      peers[i]->Load(batch);
      peer_seconds[i] += Seconds(t0);
    }
    (void)day;
    return Status::Ok();
  });
  if (!sum.ok()) Die(sum.status().ToString());
  std::printf("streamed %lld check-ins; engine ingest so far %.1f s; merging segments...\n",
              static_cast<long long>(index.size()), engine_seconds);
  {
    const auto t0 = SteadyClock::now();
    index.Compact();
    engine_seconds += Seconds(t0);
  }
  std::printf("engine ingest %.1f s in all (%.0f check-ins/s)\n", engine_seconds, index.size() / engine_seconds);
  const int64_t n = index.size();
  for (size_t i = 0; i < peers.size(); ++i) {
    const auto t0 = SteadyClock::now();
    peers[i]->Finish();
    peer_seconds[i] += Seconds(t0);
  }
  const auto stats = index.Stats();
  std::printf("check-ins: %lld over %d days (%lld residents, %lld venues); stream generated in %.0f s\n",
              static_cast<long long>(n), days, static_cast<long long>(sum->residents),
              static_cast<long long>(sum->venues), sum->seconds);
  std::printf("engine: venue-major %.2f, person-major %.2f, other %.2f bytes per check-in; peak RSS grew %.1f GiB\n",
              static_cast<double>(stats.venue_bytes) / n, static_cast<double>(stats.person_bytes) / n,
              static_cast<double>(stats.other_bytes) / n,
              static_cast<double>(PeakRssBytes() - rss_before) / (1 << 30));

  // The workload: the big market over the whole period; random cases among people
  // who checked in, 4-day windows; 20 cases who visited the market, for sources.
  Workload w;
  w.market = static_cast<uint32_t>(sum->market_id);
  w.start = tracing::ToMinute(co.start);
  w.end = w.start + days * 1440 - 1;
  w.population = sum->residents;
  w.day_from = w.start;
  w.day_to = w.end;
  std::mt19937_64 rng(seed);
  auto random_cases = [&](size_t count) {
    std::vector<CaseWindow> out;
    std::set<uint32_t> taken;
    while (out.size() < count) {
      const uint32_t p = static_cast<uint32_t>(rng() % static_cast<uint64_t>(sum->residents) + 1);
      if (!taken.insert(p).second) continue;
      const Minute from = w.start + static_cast<Minute>(rng() % std::max(1, days - 4)) * 1440;
      out.push_back({p, from, from + 4 * 1440 - 1});
    }
    return out;
  };
  w.cases100 = random_cases(100);
  w.cases1000 = random_cases(1000);
  {
    auto visitors = index.VenueVisits(w.market, w.start, w.end);
    std::set<uint32_t> taken;
    for (size_t tries = 0; w.cases20.size() < 20 && tries < 100'000 && !visitors.empty(); ++tries) {
      const uint32_t p = visitors[rng() % visitors.size()].person;
      if (taken.insert(p).second) w.cases20.push_back({p, w.start, w.end});
    }
  }

  std::vector<Figures> all;
  Figures engine;
  engine.name = "engine";
  engine.ingest_per_s = n / engine_seconds;
  engine.bytes_per_checkin = static_cast<double>(stats.total_bytes()) / n;
  std::vector<tracing::VenueTrait> venue_traits;
  if (!tracing::LoadVenueTraits(**store, venue_traits).ok()) Die("cannot read the venues");
  RunEngineQueries(index, w, venue_traits, repeats, engine);
  all.push_back(engine);
  for (size_t i = 0; i < peers.size(); ++i) {
    Figures f;
    f.name = peers[i]->name();
    f.ingest_per_s = n / peer_seconds[i];
    f.bytes_per_checkin = static_cast<double>(peers[i]->Bytes()) / n;
    bool timed_out = false;
    RunPeerQueries(*peers[i], w, std::max(3, repeats / 3), f, timed_out);
    const Answers& a = engine.answers;
    // A query that timed out has no answer to compare; the rest must agree.
    if (f.secondary100.p50_ms < 0) f.answers.secondary100 = a.secondary100;
    if (f.close1000.p50_ms < 0) f.answers.close1000 = a.close1000;
    if (f.close100.p50_ms < 0) f.answers.close100 = a.close100;
    if (f.xinfadi.p50_ms < 0) f.answers.xinfadi_rows = a.xinfadi_rows, f.answers.xinfadi_persons = a.xinfadi_persons;
    if (f.sources20.p50_ms < 0) f.answers.top_source = a.top_source;
    f.answers_equal = f.answers.xinfadi_rows == a.xinfadi_rows && f.answers.xinfadi_persons == a.xinfadi_persons &&
                      f.answers.close100 == a.close100 && f.answers.close1000 == a.close1000 &&
                      f.answers.secondary100 == a.secondary100 && f.answers.top_source == a.top_source;
    all.push_back(f);
  }

  std::printf("\nXinfadi query: %lld visits by %lld people; close contacts: %zu of 100 cases, %zu of 1,000; "
              "secondary of 100: %zu\n\n",
              static_cast<long long>(engine.answers.xinfadi_rows), static_cast<long long>(engine.answers.xinfadi_persons),
              engine.answers.close100.size(), engine.answers.close1000.size(), engine.answers.secondary100.size());
  std::printf("%-34s", "");
  for (const auto& f : all) std::printf(" %22s", f.name.c_str());
  std::printf("\n");
  auto row = [&](const char* label, auto get, const char* fmt) {
    std::printf("%-34s", label);
    for (const auto& f : all) {
      char cell[64];
      std::snprintf(cell, sizeof cell, fmt, get(f));
      std::printf(" %22s", cell);
    }
    std::printf("\n");
  };
  row("ingest (check-ins/s)", [](const Figures& f) { return f.ingest_per_s; }, "%.0f");
  row("bytes per check-in (RAM / disk)", [](const Figures& f) { return f.bytes_per_checkin; }, "%.2f");
  auto lat = [&](const char* label, Latency Figures::*m) {
    std::printf("%-34s", label);
    for (const auto& f : all) {
      char cell[64];
      if (m == &Figures::secondary100 && !g_secondary) {
        std::snprintf(cell, sizeof cell, "not run");
      } else if ((f.*m).p50_ms < 0) {
        std::snprintf(cell, sizeof cell, "timeout > %.0f s", g_timeout_s);
      } else {
        std::snprintf(cell, sizeof cell, "%.2f / %.2f", (f.*m).p50_ms, (f.*m).p99_ms);
      }
      std::printf(" %22s", cell);
    }
    std::printf("\n");
  };
  lat("Xinfadi query p50 / p99 (ms)", &Figures::xinfadi);
  lat("close contacts, 100 cases", &Figures::close100);
  lat("close contacts, 1,000 cases", &Figures::close1000);
  lat("secondary contacts, 100 cases", &Figures::secondary100);
  lat("source finding, 20 cases", &Figures::sources20);
  std::printf("%-34s %10.2f / %.2f\n", "scored ring → close + exposed, 1,000", engine.scored1000.p50_ms,
              engine.scored1000.p99_ms);
  std::printf("%-34s %10.2f / %.2f\n", "all three tiers, 1,000 cases", engine.tiers1000.p50_ms,
              engine.tiers1000.p99_ms);
  std::printf("  tiers of 1,000 cases: %zu close, %zu secondary, %zu exposed (the ring: %zu); against the close ring "
              "(p50; goal ≤ 1.5×): scored ring %.2f×, all three tiers %.2f×\n",
              engine.tier_close, engine.tier_secondary, engine.tier_exposed, engine.answers.close1000.size(),
              engine.scored1000.p50_ms / engine.close1000.p50_ms, engine.tiers1000.p50_ms / engine.close1000.p50_ms);
  std::printf("%-34s", "answers equal the engine's");
  for (const auto& f : all) std::printf(" %22s", f.name == "engine" ? "-" : f.answers_equal ? "yes" : "NO");
  std::printf("\n");
  if (all.size() > 1) {
    std::printf("\nspeed-up of the engine over the better peer (p50):\n");
    auto best = [&](Latency Figures::*m) {
      double b = 1e300;
      for (size_t i = 1; i < all.size(); ++i) b = std::min(b, (all[i].*m).p50_ms < 0 ? g_timeout_s * 1000 : (all[i].*m).p50_ms);
      return b;
    };
    for (auto [label, m] : {std::pair{"Xinfadi", &Figures::xinfadi}, std::pair{"close 100", &Figures::close100},
                            std::pair{"close 1,000", &Figures::close1000},
                            std::pair{"secondary 100", &Figures::secondary100},
                            std::pair{"sources 20", &Figures::sources20}}) {
      bool all_timeout = true;
      for (size_t i = 1; i < all.size(); ++i) all_timeout = all_timeout && (all[i].*m).p50_ms < 0;
      std::printf("  %-14s %s%s\n", label, all_timeout ? "> " : "", Ratio((engine.*m).p50_ms, best(m)).c_str());
    }
  }
  bool ok = true;
  for (const auto& f : all) ok = ok && f.answers_equal;
  return ok ? 0 : 1;
}
