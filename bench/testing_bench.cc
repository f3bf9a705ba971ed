// bench-testing: the mass-testing module (src/screening) against the same operations
// written directly in SQL on SQLite and PostgreSQL, in one run, on a generated city.
//
//  1. a whole-city round registered in bulk (batches of Scan records, pool size 10,
//     one site per community, tubes filled building by building), all but a held-out
//     share of the residents (they are the door lists and the HTTP phase's people);
//  2. sustained single registrations over HTTP from many keep-alive connections: ours
//     is the real `tongchou serve` on a copy of the database after phase 1; each peer
//     gets as many concurrent connections running the registration transaction;
//  3. lab results for the closed tubes, in batches (peer: an UPDATE per tube);
//  4. positive-tube fan-out, one call per tube (follow-ups per member, an event);
//  5. whole-city coverage by district mid-round;
//  6. a building's door-knocking list with names;
//  7. a resident's own results.
//
// The peers use a normalized schema of their own (peer_tubes, peer_samples,
// peer_followups, peer_events) beside the city's residents: the SQLite peer in a copy
// of the city's file, the PostgreSQL peer with the residents, households and areas
// loaded by COPY first (setup, untimed). Everything is durable (SQLite WAL with
// synchronous=FULL, PostgreSQL fsync on).
//
//   bench/testing.sh [--scale 0.01] [--city FILE] [--no-http] [--no-peers]
#include <fcntl.h>
#include <libpq-fe.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <spawn.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cinttypes>
#include <cmath>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "auth/accounts.h"
#include "base/crypto.h"
#include "base/time.h"
#include "bench_util.h"
#include "gen/city.h"
#include "http/client.h"
#include "registry/lookup.h"
#include "screening/screening.h"
#include "store/store.h"

extern char** environ;

namespace tc {
namespace {

using bench::Latency;
using bench::Percentiles;
using bench::Seconds;
using bench::SteadyClock;

pid_t g_server = 0;  // the tongchou serve we started (stopped on Die)

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "testing_bench: %s\n", what.c_str());
  if (g_server != 0) kill(g_server, SIGKILL);
  std::exit(1);
}

constexpr int64_t kBedriddenTag = 32;  // registry::kBedridden
constexpr int kPool = 10;

// ------------------------------------------------------------------ the workload

struct Person {
  uint32_t id = 0;
  uint32_t unit = 0;  // area index
  char id_number[19] = {};
};

struct AreaInfo {
  std::string code, level, path;
  int32_t parent = -1;
  int32_t community = -1;  // the community above (or itself)
};

struct PlannedScan {
  uint32_t person;  // index into people
  uint32_t tube;    // index into tubes
  uint32_t site;    // community area index
  bool close;
};

struct PlannedTube {
  std::string barcode;
  int members = 0;
  bool closed = false;
};

struct Workload {
  std::vector<AreaInfo> areas;
  std::unordered_map<std::string, int32_t> area_by_code;
  std::string city_code, city_path;
  std::vector<int32_t> communities;  // area indexes
  std::vector<int32_t> districts;
  std::vector<int32_t> buildings;    // with at least one resident
  std::vector<Person> people;        // with an ID number, in building order
  std::vector<PlannedScan> bulk;     // phase 1
  std::vector<PlannedTube> tubes;
  std::vector<uint32_t> held_out;    // people (indexes) not registered in phase 1
  std::vector<uint32_t> fanout_tubes;   // full closed tubes kept back for phase 4
  std::vector<uint32_t> result_tubes;   // closed tubes for phase 3
  std::vector<uint32_t> door_buildings; // area indexes
  std::vector<uint32_t> lookups;        // person ids for phase 7
  Millis base_at = 0;                   // phase 1 scans: base_at + i ms
  int64_t residents = 0;                // active residents (due)
};

std::string SiteCode(const Workload& w, uint32_t community) { return "S" + w.areas[community].code; }

void BuildWorkload(store::Store& store, Workload& w, int hold_out, size_t fanouts, size_t results, size_t doors,
                   size_t lookups, uint64_t seed) {
  Status s = store.Read([&](store::Conn& c) -> Status {
    TC_RETURN_IF_ERROR(registry::ForEachArea(c, [&](const registry::AreaNode& a) {
      AreaInfo info{a.code, a.level, a.path, -1, -1};
      if (auto it = w.area_by_code.find(a.parent_code); it != w.area_by_code.end()) info.parent = it->second;
      const int32_t index = static_cast<int32_t>(w.areas.size());
      if (a.level == "community") info.community = index;
      else if (info.parent >= 0) info.community = w.areas[info.parent].community;
      if (a.level == "community") w.communities.push_back(index);
      if (a.level == "district") w.districts.push_back(index);
      if (a.level == "city" && w.city_code.empty()) w.city_code = a.code, w.city_path = a.path;
      w.area_by_code.emplace(a.code, index);
      w.areas.push_back(std::move(info));
    }));
    int64_t after = 0;
    for (;;) {
      int64_t last = after;
      TC_ASSIGN_OR_RETURN(int64_t n, registry::ForEachResidentPlace(c, after, 500'000, [&](const registry::ResidentPlace& p) {
        last = p.id;
        ++w.residents;
        auto it = w.area_by_code.find(p.unit_code);
        if (p.id_number.size() != 18 || it == w.area_by_code.end()) return;
        Person person;
        person.id = static_cast<uint32_t>(p.id);
        person.unit = static_cast<uint32_t>(it->second);
        std::memcpy(person.id_number, p.id_number.data(), 18);
        w.people.push_back(person);
      }));
      if (n < 500'000) break;
      after = last;
    }
    return Status::Ok();
  });
  if (!s.ok()) Die("reading the city: " + s.ToString());
  if (w.city_code.empty()) Die("the database has no city");
  // Building order: areas are in path order, so by unit index (then id).
  std::stable_sort(w.people.begin(), w.people.end(), [](const Person& a, const Person& b) { return a.unit < b.unit; });
  std::mt19937_64 rng(seed);
  std::set<int32_t> buildings;
  // Phase 1: every community's residents in building order onto its site's tubes,
  // except every hold_out-th person (by a hash of the id: spread evenly).
  std::vector<int64_t> open_tube(w.areas.size(), -1);  // community → tube index
  std::vector<int64_t> tube_seq(w.areas.size(), 0);
  std::vector<int64_t> last_scan(w.areas.size(), -1);
  for (uint32_t i = 0; i < w.people.size(); ++i) {
    const Person& p = w.people[i];
    const int32_t community = w.areas[p.unit].community;
    if (w.areas[p.unit].parent >= 0) buildings.insert(w.areas[p.unit].parent);
    if (community < 0) continue;
    if ((static_cast<uint64_t>(p.id) * 0x9E3779B97F4A7C15ULL >> 40) % hold_out == 0) {
      w.held_out.push_back(i);
      continue;
    }
    int64_t& t = open_tube[community];
    if (t < 0) {
      t = static_cast<int64_t>(w.tubes.size());
      w.tubes.push_back({"P" + w.areas[community].code + "-" + std::to_string(++tube_seq[community]), 0, false});
    }
    PlannedTube& tube = w.tubes[t];
    ++tube.members;
    w.bulk.push_back({i, static_cast<uint32_t>(t), static_cast<uint32_t>(community), false});
    last_scan[community] = static_cast<int64_t>(w.bulk.size()) - 1;
    if (tube.members == kPool) {
      tube.closed = true;
      t = -1;
    }
  }
  // The last, partly filled tube of each site is closed by the worker at the end.
  for (int32_t c : w.communities) {
    if (open_tube[c] >= 0 && last_scan[c] >= 0) {
      w.bulk[last_scan[c]].close = true;
      w.tubes[open_tube[c]].closed = true;
    }
  }
  w.base_at = NowMillis() - 3LL * 3600 * 1000;
  if (static_cast<int64_t>(w.bulk.size()) > 3LL * 3600 * 1000 - 60'000) Die("too many scans for the time base");
  // Fan-out tubes: full tubes spread over the round; the rest of the closed tubes get results.
  std::vector<uint32_t> full;
  for (uint32_t t = 0; t < w.tubes.size(); ++t) {
    if (w.tubes[t].members == kPool) full.push_back(t);
  }
  std::set<uint32_t> kept;
  for (size_t k = 0; k < fanouts && !full.empty(); ++k) kept.insert(full[(k * full.size()) / fanouts]);
  w.fanout_tubes.assign(kept.begin(), kept.end());
  for (uint32_t t = 0; t < w.tubes.size() && w.result_tubes.size() < results; ++t) {
    if (w.tubes[t].closed && !kept.contains(t)) w.result_tubes.push_back(t);
  }
  std::vector<int32_t> b(buildings.begin(), buildings.end());
  w.buildings = b;
  for (size_t k = 0; k < doors && !b.empty(); ++k) w.door_buildings.push_back(b[rng() % b.size()]);
  for (size_t k = 0; k < lookups && !w.people.empty(); ++k) w.lookups.push_back(w.people[rng() % w.people.size()].id);
}

// ------------------------------------------------------------------ figures

struct Concurrent_ {
  double per_s = 0;
  int64_t done = 0, errors = 0;
  Latency latency;
  std::string first_error;
};

struct Figures {
  std::string name;
  bool has_bulk = false, has_http = false, has_results = false, has_reads = false;
  double bulk_s = 0;
  int64_t bulk_accepted = 0;
  Concurrent_ sat, paced;  // phase 2: as fast as answered; at the offered rate
  double results_s = 0;
  int64_t results_applied = 0;
  Latency fanout, coverage, door, own;
  int64_t fanout_followups = 0;
  // Answers compared with ours.
  std::map<std::string, std::array<int64_t, 3>> districts;  // path prefix → due, sampled, resulted
  int64_t door_people = 0, own_rows = 0;
};

template <typename Fn>
Latency Time(size_t n, Fn&& fn) {
  std::vector<double> ms;
  ms.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const auto t0 = SteadyClock::now();
    fn(i);
    ms.push_back(bench::Millis(t0));
  }
  return Percentiles(std::move(ms));
}

// ------------------------------------------------------------------ SQL peers

// A parameter: an integer or text.
struct P {
  P(int64_t v) : is_int(true), i(v) {}                    // NOLINT
  P(int v) : is_int(true), i(v) {}                        // NOLINT
  P(uint32_t v) : is_int(true), i(v) {}                   // NOLINT
  P(double v) : is_int(false), s(std::to_string(v)) {}    // NOLINT
  P(std::string v) : is_int(false), s(std::move(v)) {}    // NOLINT
  P(const char* v) : is_int(false), s(v) {}               // NOLINT
  bool is_int;
  int64_t i = 0;
  std::string s;
  std::string Text() const { return is_int ? std::to_string(i) : s; }
};
using Row = std::vector<std::string>;

int64_t Int(const std::string& s) { return std::atoll(s.c_str()); }

// One connection of a peer.
class Db {
 public:
  virtual ~Db() = default;
  virtual bool pg() const = 0;
  virtual void Exec(const std::string& sql) = 0;
  // A statement with ? parameters (prepared once per connection); its rows. Errors
  // return false with `error` set when `error` is given, else end the program.
  virtual bool Run(const std::string& sql, const std::vector<P>& params, std::vector<Row>* rows,
                   std::string* error = nullptr) = 0;
  virtual int64_t Changes() = 0;  // rows changed by the last Run
  // Appends rows (tab-separated fields, \N for NULL) to a table.
  virtual void Copy(const std::string& table, const std::vector<std::string>& lines, int columns) = 0;
  std::vector<Row> Q(const std::string& sql, const std::vector<P>& params = {}) {
    std::vector<Row> rows;
    Run(sql, params, &rows);
    return rows;
  }
  void X(const std::string& sql, const std::vector<P>& params = {}) { Run(sql, params, nullptr); }
};

class SqliteDb : public Db {
 public:
  SqliteDb(const std::string& path, bool main) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      Die("sqlite open " + path);
    }
    sqlite3_busy_timeout(db_, 600'000);
    Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;");
    if (main) Exec("PRAGMA cache_size=-1000000; PRAGMA mmap_size=4000000000;");
  }
  ~SqliteDb() override {
    for (auto& [sql, st] : stmts_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  bool pg() const override { return false; }
  void Exec(const std::string& sql) override {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
      Die("sqlite: " + std::string(err ? err : "?") + " in " + sql.substr(0, 100));
    }
  }
  bool Run(const std::string& sql, const std::vector<P>& params, std::vector<Row>* rows,
           std::string* error) override {
    sqlite3_stmt*& st = stmts_[sql];
    if (st == nullptr && sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      Die("sqlite prepare: " + std::string(sqlite3_errmsg(db_)) + " in " + sql.substr(0, 200));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      if (params[i].is_int) {
        sqlite3_bind_int64(st, static_cast<int>(i + 1), params[i].i);
      } else {
        sqlite3_bind_text(st, static_cast<int>(i + 1), params[i].s.data(), static_cast<int>(params[i].s.size()),
                          SQLITE_TRANSIENT);
      }
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      if (rows == nullptr) continue;
      Row row(sqlite3_column_count(st));
      for (size_t i = 0; i < row.size(); ++i) {
        const auto* text = sqlite3_column_text(st, static_cast<int>(i));
        if (text) row[i] = reinterpret_cast<const char*>(text);
      }
      rows->push_back(std::move(row));
    }
    changes_ = sqlite3_changes(db_);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE) {
      const std::string msg = sqlite3_errmsg(db_);
      if (error) {
        *error = msg;
        return false;
      }
      Die("sqlite step: " + msg + " in " + sql.substr(0, 200));
    }
    return true;
  }
  int64_t Changes() override { return changes_; }
  void Copy(const std::string& table, const std::vector<std::string>& lines, int columns) override {
    std::string sql = "INSERT INTO " + table + " VALUES (";
    for (int i = 0; i < columns; ++i) sql += i ? ", ?" : "?";
    sql += ")";
    std::vector<P> params;
    for (const auto& line : lines) {
      params.clear();
      size_t at = 0;
      for (int i = 0; i < columns; ++i) {
        const size_t tab = line.find('\t', at);
        params.emplace_back(line.substr(at, tab == std::string::npos ? std::string::npos : tab - at));
        at = tab + 1;
      }
      Run(sql, params, nullptr, nullptr);
    }
  }

 private:
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> stmts_;
  int64_t changes_ = 0;
};

class PgDb : public Db {
 public:
  explicit PgDb(const std::string& url) {
    conn_ = PQconnectdb(url.c_str());
    if (PQstatus(conn_) != CONNECTION_OK) Die("postgres: " + std::string(PQerrorMessage(conn_)));
    Exec("SET client_min_messages = warning");
  }
  ~PgDb() override { PQfinish(conn_); }
  bool pg() const override { return true; }
  void Exec(const std::string& sql) override {
    PGresult* r = PQexec(conn_, sql.c_str());
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      Die("postgres: " + std::string(PQerrorMessage(conn_)) + " in " + sql.substr(0, 100));
    }
    PQclear(r);
  }
  bool Run(const std::string& sql, const std::vector<P>& params, std::vector<Row>* rows,
           std::string* error) override {
    auto it = names_.find(sql);
    if (it == names_.end()) {
      std::string text;
      int n = 0;
      for (char c : sql) {
        if (c == '?') {
          text += "$" + std::to_string(++n);
        } else {
          text += c;
        }
      }
      const std::string name = "s" + std::to_string(names_.size());
      PGresult* r = PQprepare(conn_, name.c_str(), text.c_str(), 0, nullptr);
      if (PQresultStatus(r) != PGRES_COMMAND_OK) Die("postgres prepare: " + std::string(PQerrorMessage(conn_)) + " in " + sql);
      PQclear(r);
      it = names_.emplace(sql, name).first;
    }
    std::vector<std::string> texts;
    texts.reserve(params.size());
    for (const auto& p : params) texts.push_back(p.Text());
    std::vector<const char*> values;
    for (const auto& t : texts) values.push_back(t.c_str());
    PGresult* r = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()), values.data(), nullptr,
                                 nullptr, 0);
    const auto st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      const std::string msg = PQerrorMessage(conn_);
      PQclear(r);
      if (error) {
        *error = msg;
        return false;
      }
      Die("postgres: " + msg + " in " + sql.substr(0, 200));
    }
    const char* affected = PQcmdTuples(r);
    changes_ = affected && *affected ? std::atoll(affected) : 0;
    if (rows) {
      for (int i = 0; i < PQntuples(r); ++i) {
        Row row(PQnfields(r));
        for (int j = 0; j < PQnfields(r); ++j) row[j] = PQgetvalue(r, i, j);
        rows->push_back(std::move(row));
      }
    }
    PQclear(r);
    return true;
  }
  int64_t Changes() override { return changes_; }
  void Copy(const std::string& table, const std::vector<std::string>& lines, int) override {
    PGresult* r = PQexec(conn_, ("COPY " + table + " FROM STDIN").c_str());
    if (PQresultStatus(r) != PGRES_COPY_IN) Die("postgres COPY: " + std::string(PQerrorMessage(conn_)));
    PQclear(r);
    std::string buf;
    for (const auto& line : lines) {
      buf += line;
      buf += '\n';
      if (buf.size() > (1 << 20)) {
        if (PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) != 1) Die("postgres copy data");
        buf.clear();
      }
    }
    if (!buf.empty() && PQputCopyData(conn_, buf.data(), static_cast<int>(buf.size())) != 1) Die("postgres copy data");
    if (PQputCopyEnd(conn_, nullptr) != 1) Die("postgres copy end");
    r = PQgetResult(conn_);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) Die("postgres copy: " + std::string(PQerrorMessage(conn_)));
    PQclear(r);
    while ((r = PQgetResult(conn_))) PQclear(r);
  }

 private:
  PGconn* conn_ = nullptr;
  std::unordered_map<std::string, std::string> names_;
  int64_t changes_ = 0;
};

// A COPY field: tabs, newlines and backslashes escaped; NULL as \N.
std::string CopyField(const char* s) {
  if (s == nullptr) return "\\N";
  std::string out;
  for (const char* c = s; *c; ++c) {
    if (*c == '\t') out += "\\t";
    else if (*c == '\n') out += "\\n";
    else if (*c == '\\') out += "\\\\";
    else out += *c;
  }
  return out;
}

// Loads the city's areas, households and residents (the columns the peer's SQL
// reads) from the SQLite city into PostgreSQL, with the indexes the registry has.
void LoadCityIntoPg(PgDb& pg, const std::string& city_db) {
  sqlite3* src = nullptr;
  if (sqlite3_open_v2(city_db.c_str(), &src, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) Die("open " + city_db);
  pg.Exec("DROP TABLE IF EXISTS peer_followups, peer_events, peer_samples, peer_tubes, residents, households, areas");
  pg.Exec("CREATE TABLE areas (code TEXT PRIMARY KEY, parent_code TEXT, name TEXT NOT NULL, level TEXT NOT NULL, "
          "path TEXT COLLATE \"C\" NOT NULL UNIQUE)");
  pg.Exec("CREATE TABLE households (code TEXT COLLATE \"C\" PRIMARY KEY, unit_code TEXT NOT NULL)");
  pg.Exec("CREATE TABLE residents (id BIGINT PRIMARY KEY, name TEXT NOT NULL, id_number TEXT UNIQUE, phone TEXT, "
          "household_code TEXT COLLATE \"C\" NOT NULL, tags INTEGER NOT NULL, status TEXT NOT NULL)");
  struct Table {
    const char* name;
    const char* select;
    int columns;
  };
  for (const Table& t : {Table{"areas", "SELECT code, parent_code, name, level, path FROM areas", 5},
                         Table{"households", "SELECT code, unit_code FROM households", 2},
                         Table{"residents",
                               "SELECT id, name, id_number, phone, household_code, tags, status FROM residents", 7}}) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(src, t.select, -1, &st, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(src));
    std::vector<std::string> lines;
    auto flush = [&] {
      pg.Copy(t.name, lines, t.columns);
      lines.clear();
    };
    while (sqlite3_step(st) == SQLITE_ROW) {
      std::string line;
      for (int i = 0; i < t.columns; ++i) {
        if (i) line += '\t';
        line += CopyField(reinterpret_cast<const char*>(sqlite3_column_text(st, i)));
      }
      lines.push_back(std::move(line));
      if (lines.size() == 200'000) flush();
    }
    flush();
    sqlite3_finalize(st);
  }
  sqlite3_close(src);
  pg.Exec("CREATE INDEX areas_parent ON areas(parent_code)");
  pg.Exec("CREATE INDEX households_unit ON households(unit_code)");
  pg.Exec("CREATE INDEX residents_household ON residents(household_code)");
  pg.Exec("VACUUM ANALYZE areas");
  pg.Exec("VACUUM ANALYZE households");
  pg.Exec("VACUUM ANALYZE residents");
}

// The peer's own tables, as a developer would write them.
void CreatePeerTables(Db& db) {
  const std::string pk = db.pg() ? "BIGSERIAL PRIMARY KEY" : "INTEGER PRIMARY KEY";
  db.Exec("DROP TABLE IF EXISTS peer_followups; DROP TABLE IF EXISTS peer_events; DROP TABLE IF EXISTS peer_samples; "
          "DROP TABLE IF EXISTS peer_tubes;");
  db.Exec("CREATE TABLE peer_tubes (id " + pk +
          ", barcode TEXT NOT NULL UNIQUE, round BIGINT NOT NULL, site TEXT NOT NULL, capacity INTEGER NOT NULL, "
          "n INTEGER NOT NULL, closed INTEGER NOT NULL, opened_at BIGINT NOT NULL, closed_at BIGINT NOT NULL, "
          "result TEXT NOT NULL DEFAULT '', ct DOUBLE PRECISION NOT NULL DEFAULT 0, resulted_at BIGINT NOT NULL "
          "DEFAULT 0)");
  db.Exec("CREATE TABLE peer_samples (round BIGINT NOT NULL, person BIGINT NOT NULL, tube_id BIGINT NOT NULL, "
          "at BIGINT NOT NULL, UNIQUE (round, person))");
  db.Exec("CREATE INDEX peer_samples_tube ON peer_samples(tube_id)");
  db.Exec("CREATE INDEX peer_samples_person ON peer_samples(person, at)");
  db.Exec("CREATE TABLE peer_followups (id " + pk +
          ", round BIGINT NOT NULL, tube_id BIGINT NOT NULL, reason TEXT NOT NULL, person BIGINT NOT NULL, "
          "building_code TEXT NOT NULL, unit_code TEXT NOT NULL, status TEXT NOT NULL, isolation TEXT NOT NULL, "
          "created_at BIGINT NOT NULL)");
  db.Exec("CREATE INDEX peer_followups_person ON peer_followups(person, round)");
  db.Exec("CREATE TABLE peer_events (id " + pk + ", type TEXT NOT NULL, payload TEXT NOT NULL, at BIGINT NOT NULL)");
  if (db.pg()) {
    db.Exec("CREATE TEMP TABLE stage (line BIGINT, site TEXT, tube TEXT, id_number TEXT, at BIGINT, close INTEGER)");
  } else {
    db.Exec("CREATE TEMP TABLE stage (line INTEGER, site TEXT, tube TEXT, id_number TEXT, at INTEGER, close INTEGER)");
  }
  db.Exec("CREATE INDEX stage_tube ON stage(tube)");
}

constexpr int64_t kRound = 1;

// Phase 1, set-based: each batch staged, then tubes, samples (person by ID number,
// duplicates and full or closed tubes refused), counts and closing in one transaction.
void PeerBulk(Db& db, const Workload& w, size_t batch, Figures& f) {
  const std::string upsert_tubes =
      "INSERT INTO peer_tubes (barcode, round, site, capacity, n, closed, opened_at, closed_at) "
      "SELECT tube, " + std::to_string(kRound) + ", MIN(site), " + std::to_string(kPool) +
      ", 0, 0, MIN(at), 0 FROM stage WHERE true GROUP BY tube ON CONFLICT (barcode) DO NOTHING";
  const std::string insert_samples =
      "INSERT INTO peer_samples (round, person, tube_id, at) SELECT " + std::to_string(kRound) +
      ", r.id, t.id, s.at FROM (SELECT st.*, ROW_NUMBER() OVER (PARTITION BY st.tube ORDER BY st.line) AS k "
      "FROM stage st) s JOIN residents r ON r.id_number = s.id_number AND r.status = 'active' "
      "JOIN peer_tubes t ON t.barcode = s.tube WHERE t.closed = 0 AND t.n + s.k <= t.capacity "
      "ON CONFLICT (round, person) DO NOTHING";
  const std::string count =
      "UPDATE peer_tubes SET n = (SELECT COUNT(*) FROM peer_samples s WHERE s.tube_id = peer_tubes.id) "
      "WHERE barcode IN (SELECT tube FROM stage)";
  const std::string close =
      "UPDATE peer_tubes SET closed = 1, closed_at = (SELECT MAX(at) FROM stage s WHERE s.tube = peer_tubes.barcode) "
      "WHERE barcode IN (SELECT tube FROM stage) AND closed = 0 AND "
      "(n >= capacity OR barcode IN (SELECT tube FROM stage WHERE close = 1))";
  std::vector<std::string> lines;
  const auto t0 = SteadyClock::now();
  for (size_t from = 0; from < w.bulk.size(); from += batch) {
    const size_t to = std::min(w.bulk.size(), from + batch);
    lines.clear();
    for (size_t i = from; i < to; ++i) {
      const PlannedScan& s = w.bulk[i];
      lines.push_back(std::to_string(i) + "\t" + SiteCode(w, s.site) + "\t" + w.tubes[s.tube].barcode + "\t" +
                      std::string(w.people[s.person].id_number, 18) + "\t" + std::to_string(w.base_at + int64_t(i)) +
                      "\t" + (s.close ? "1" : "0"));
    }
    db.Exec(db.pg() ? "BEGIN" : "BEGIN IMMEDIATE");
    db.X("DELETE FROM stage");
    db.Copy("stage", lines, 6);
    if (db.pg()) db.Exec("ANALYZE stage");
    db.X(upsert_tubes);
    db.X(insert_samples);
    f.bulk_accepted += db.Changes();
    db.X(count);
    db.X(close);
    db.Exec("COMMIT");
  }
  f.bulk_s = Seconds(t0);
  f.has_bulk = true;
}

// One registration as a single transaction: the person by ID number, the duplicate
// check, the tube (opened on first use, refused when closed), the sample, the count.
// Returns "" or the reason it was refused.
std::string PeerRegister(Db& db, const std::string& site, const std::string& tube, const char* id_number, Millis at) {
  std::string error;
  db.Exec(db.pg() ? "BEGIN" : "BEGIN IMMEDIATE");
  auto fail = [&](std::string why) {
    db.Exec("ROLLBACK");
    return why;
  };
  std::vector<Row> rows;
  db.Run("SELECT id FROM residents WHERE id_number = ? AND status = 'active'", {std::string(id_number, 18)}, &rows);
  if (rows.empty()) return fail("no such resident");
  const int64_t person = Int(rows[0][0]);
  rows.clear();
  db.Run("SELECT t.barcode FROM peer_samples s JOIN peer_tubes t ON t.id = s.tube_id WHERE s.round = ? AND "
         "s.person = ?",
         {kRound, person}, &rows);
  if (!rows.empty()) return fail("already sampled on " + rows[0][0]);
  rows.clear();
  db.Run(db.pg() ? "SELECT id, n, capacity, closed FROM peer_tubes WHERE barcode = ? FOR UPDATE"
                 : "SELECT id, n, capacity, closed FROM peer_tubes WHERE barcode = ?",
         {tube}, &rows);
  int64_t tube_id = 0, n = 0, capacity = kPool;
  if (rows.empty()) {
    rows.clear();
    db.Run("INSERT INTO peer_tubes (barcode, round, site, capacity, n, closed, opened_at, closed_at) VALUES "
           "(?, ?, ?, ?, 0, 0, ?, 0) RETURNING id",
           {tube, kRound, site, kPool, at}, &rows);
    tube_id = Int(rows[0][0]);
  } else {
    if (rows[0][3] != "0") return fail("tube closed");
    tube_id = Int(rows[0][0]);
    n = Int(rows[0][1]);
    capacity = Int(rows[0][2]);
  }
  if (!db.Run("INSERT INTO peer_samples (round, person, tube_id, at) VALUES (?, ?, ?, ?)", {kRound, person, tube_id, at},
              nullptr, &error)) {
    return fail(error);
  }
  db.X("UPDATE peer_tubes SET n = ?, closed = ?, closed_at = ? WHERE id = ?",
       {n + 1, n + 1 >= capacity ? 1 : 0, n + 1 >= capacity ? at : 0, tube_id});
  db.Exec("COMMIT");
  return "";
}

// Phase 3: an UPDATE per tube (closed, no result yet), `batch` to a transaction.
void PeerResults(Db& db, const Workload& w, size_t batch, Figures& f) {
  const Millis now = NowMillis();
  const auto t0 = SteadyClock::now();
  for (size_t from = 0; from < w.result_tubes.size(); from += batch) {
    db.Exec(db.pg() ? "BEGIN" : "BEGIN IMMEDIATE");
    for (size_t i = from; i < std::min(w.result_tubes.size(), from + batch); ++i) {
      const std::string& barcode = w.tubes[w.result_tubes[i]].barcode;
      db.X("UPDATE peer_tubes SET result = ?, ct = ?, resulted_at = ? WHERE barcode = ? AND closed = 1 AND "
           "result = ''",
           {"negative", 0.0, now, barcode});
      if (db.Changes() == 1) {
        ++f.results_applied;
      } else {  // why: never registered, still open, or already resulted
        db.Q("SELECT closed, result FROM peer_tubes WHERE barcode = ?", {barcode});
      }
    }
    db.Exec("COMMIT");
  }
  f.results_s = Seconds(t0);
  f.has_results = true;
}

// Phase 4: the tube's result, its members with their unit and building, a follow-up
// per member without an open one, and the event, in one transaction.
void PeerFanout(Db& db, const std::string& barcode, Figures& f) {
  const Millis now = NowMillis();
  db.Exec(db.pg() ? "BEGIN" : "BEGIN IMMEDIATE");
  auto rows = db.Q("UPDATE peer_tubes SET result = 'positive', ct = ?, resulted_at = ? WHERE barcode = ? AND "
                   "closed = 1 AND result = '' RETURNING id, round",
                   {28.5, now, barcode});
  if (rows.empty()) Die("peer fan-out: tube " + barcode + " not closed or already resulted");
  const int64_t tube = Int(rows[0][0]), round = Int(rows[0][1]);
  auto members = db.Q("SELECT s.person, h.unit_code, u.parent_code FROM peer_samples s JOIN residents r ON r.id = "
                      "s.person JOIN households h ON h.code = r.household_code JOIN areas u ON u.code = h.unit_code "
                      "WHERE s.tube_id = ?",
                      {tube});
  nlohmann::json list = nlohmann::json::array();
  for (const Row& m : members) {
    db.X("INSERT INTO peer_followups (round, tube_id, reason, person, building_code, unit_code, status, isolation, "
         "created_at) SELECT ?, ?, 'positive', ?, ?, ?, 'open', 'home', ? WHERE NOT EXISTS (SELECT 1 FROM "
         "peer_followups WHERE person = ? AND round = ? AND status <> 'closed')",
         {round, tube, Int(m[0]), m[2], m[1], now, Int(m[0]), round});
    f.fanout_followups += db.Changes();
    list.push_back({{"resident_id", Int(m[0])}, {"building", m[2]}, {"unit", m[1]}});
  }
  nlohmann::json payload = {{"round_id", round}, {"tube", barcode}, {"result", "positive"}, {"members", list}};
  db.X("INSERT INTO peer_events (type, payload, at) VALUES ('TubePositive', ?, ?)", {payload.dump(), now});
  db.Exec("COMMIT");
}

std::string CoverageSql(const Workload& w, size_t district_path_len) {
  return "SELECT substr(u.path, 1, " + std::to_string(district_path_len) +
         ") AS d, COUNT(*), SUM(CASE WHEN (r.tags & " + std::to_string(kBedriddenTag) +
         ") <> 0 THEN 1 ELSE 0 END), COUNT(s.person), SUM(CASE WHEN t.result <> '' THEN 1 ELSE 0 END) "
         "FROM residents r JOIN households h ON h.code = r.household_code JOIN areas u ON u.code = h.unit_code "
         "LEFT JOIN peer_samples s ON s.round = " + std::to_string(kRound) +
         " AND s.person = r.id LEFT JOIN peer_tubes t ON t.id = s.tube_id "
         "WHERE r.status = 'active' AND u.path LIKE '" + w.city_path + "%' GROUP BY 1 ORDER BY 1";
}

const char* kDoorSql =
    "SELECT h.unit_code, r.id, r.name, r.phone, r.household_code, r.tags FROM areas u JOIN households h ON "
    "h.unit_code = u.code JOIN residents r ON r.household_code = h.code AND r.status = 'active' WHERE "
    "u.parent_code = ? AND NOT EXISTS (SELECT 1 FROM peer_samples s WHERE s.round = ? AND s.person = r.id) "
    "ORDER BY h.unit_code, r.id";

const char* kOwnSql =
    "SELECT s.round, t.barcode, s.at, t.result, t.resulted_at FROM peer_samples s JOIN peer_tubes t ON t.id = "
    "s.tube_id WHERE s.person = ? ORDER BY s.at DESC LIMIT 10";

// ------------------------------------------------------------------ concurrency

using Concurrent = Concurrent_;

// `threads` workers; worker t registers the held-out people of its chunk, one
// call of `one` each, until `seconds` have passed. `one(t, person index, tube
// barcode, site code)` returns "" or an error.
// `rate` 0: each worker sends its next call as soon as the last is answered (the
// saturation rate; latency is then connections ÷ rate). `rate` > 0: the workers
// together offer `rate` calls a second on a fixed schedule, and latency counts from
// each call's scheduled time (a late answer delays the next call's start but not
// its clock); calls not sent by the deadline are not done, so a system that falls
// behind shows a rate below the offered one. `part` 0 or 1: the first or second half of each worker's people.
template <typename Setup, typename One>
Concurrent RunConcurrent(const Workload& w, int threads, double seconds, double rate, int part, Setup&& setup,
                         One&& one) {
  std::vector<std::vector<double>> lat(threads);
  std::atomic<int64_t> done{0}, errors{0};
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::mutex error_mu;
  std::string first_error;
  SteadyClock::time_point start, deadline;
  std::vector<std::thread> pool;
  const size_t chunk = w.held_out.size() / threads;
  if (chunk == 0) Die("too few held-out people for " + std::to_string(threads) + " connections");
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto state = setup(t);
      ++ready;
      while (!go.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      const size_t from = t * chunk + part * (chunk / 2), to = from + chunk / 2;
      const uint32_t first = w.held_out[from];
      const int32_t community = w.areas[w.people[first].unit].community;
      const std::string site = SiteCode(w, community);
      lat[t].reserve(4096);
      const double period_s = rate > 0 ? threads / rate : 0;
      for (size_t i = from; i < to; ++i) {
        auto t0 = SteadyClock::now();
        if (rate > 0) {  // this worker's k-th call, phase-shifted across workers
          const double at_s = period_s * (static_cast<double>(i - from) + static_cast<double>(t) / threads);
          t0 = start + std::chrono::microseconds(static_cast<int64_t>(at_s * 1e6));
          if (t0 >= deadline || SteadyClock::now() >= deadline) break;  // a call not sent is not done
          std::this_thread::sleep_until(t0);
        } else if (t0 >= deadline) {
          break;
        }
        const std::string tube = "H" + std::to_string(part) + "-" + std::to_string(t) + "-" +
                                 std::to_string((i - from) / kPool);
        std::string err = one(state, w.held_out[i], tube, site);
        lat[t].push_back(bench::Millis(t0));
        if (err.empty()) {
          ++done;
        } else {
          ++errors;
          std::lock_guard lock(error_mu);
          if (first_error.empty()) first_error = err;
        }
      }
    });
  }
  while (ready.load() < threads) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  start = SteadyClock::now() + std::chrono::milliseconds(20);
  deadline = start + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  go = true;
  for (auto& th : pool) th.join();
  const double elapsed = Seconds(start);  // until the last answer
  std::vector<double> all;
  for (auto& v : lat) all.insert(all.end(), v.begin(), v.end());
  Concurrent out;
  out.done = done;
  out.errors = errors;
  out.per_s = static_cast<double>(done) / elapsed;
  out.latency = Percentiles(std::move(all));
  out.first_error = first_error;
  return out;
}

// Phase 2 for ours, over HTTP: the same calls, schedule and latency clock as
// RunConcurrent, but every connection driven by one client thread on epoll (500
// threads with blocking clients spent more of the two cores switching than the server
// spent serving).
Concurrent RunEpoll(const Workload& w, int conns, double seconds, double rate, int part, uint16_t port,
                    const std::string& target, const std::string& token) {
  struct Conn {
    int fd = -1;
    size_t from = 0, to = 0, i = 0;  // its people: held_out[from, to), the next one i
    int64_t k = 0;                   // calls sent
    std::string site, out, in;
    size_t sent = 0;
    bool busy = false;
    SteadyClock::time_point t0;
  };
  const size_t chunk = w.held_out.size() / conns;
  if (chunk == 0) Die("too few held-out people for " + std::to_string(conns) + " connections");
  std::vector<Conn> cs(conns);
  const int ep = epoll_create1(0);
  for (int t = 0; t < conns; ++t) {
    Conn& c = cs[t];
    c.from = c.i = t * chunk + part * (chunk / 2);
    c.to = c.from + chunk / 2;
    c.site = SiteCode(w, w.areas[w.people[w.held_out[c.from]].unit].community);
    c.fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) Die("connect: " + std::string(strerror(errno)));
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(t);
    epoll_ctl(ep, EPOLL_CTL_ADD, c.fd, &ev);
  }
  std::vector<double> lat;
  lat.reserve(1 << 20);
  int64_t done = 0, errors = 0;
  std::string first_error;
  const auto start = SteadyClock::now() + std::chrono::milliseconds(20);
  const auto deadline = start + std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  const double period_s = rate > 0 ? conns / rate : 0;
  auto due = [&](const Conn& c, int t, SteadyClock::time_point now) {
    if (rate <= 0) return now;
    const double at_s = period_s * (static_cast<double>(c.k) + static_cast<double>(t) / conns);
    return start + std::chrono::microseconds(static_cast<int64_t>(at_s * 1e6));
  };
  auto flush = [&](Conn& c, int t) {
    while (c.sent < c.out.size()) {
      const ssize_t n = write(c.fd, c.out.data() + c.sent, c.out.size() - c.sent);
      if (n < 0) {
        if (errno != EAGAIN) Die("write: " + std::string(strerror(errno)));
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u32 = static_cast<uint32_t>(t);
        epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
        return;
      }
      c.sent += static_cast<size_t>(n);
    }
  };
  int busy = 0;
  std::vector<epoll_event> events(conns);
  for (;;) {
    const auto now = SteadyClock::now();
    auto next_wake = deadline;
    bool pending = now < start;  // a call still to send
    for (int t = 0; t < conns; ++t) {
      Conn& c = cs[t];
      if (c.busy || c.i >= c.to || now < start) continue;
      const auto when = due(c, t, now);
      if (when >= deadline || now >= deadline) continue;
      pending = true;
      if (when > now) {
        next_wake = std::min(next_wake, when);
        continue;
      }
      const uint32_t person = w.held_out[c.i];
      const std::string tube = "H" + std::to_string(part) + "-" + std::to_string(t) + "-" +
                               std::to_string((c.i - c.from) / kPool);
      nlohmann::json body = {{"site", c.site}, {"tube", tube}, {"id_number", std::string(w.people[person].id_number, 18)}};
      const std::string text = body.dump();
      c.out = "POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
              "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(text.size()) + "\r\n\r\n" +
              text;
      c.sent = 0;
      c.in.clear();
      c.busy = true;
      c.t0 = when;
      ++c.k;
      ++busy;
      flush(c, t);
    }
    if (busy == 0 && !pending) break;
    int timeout_ms = 1;
    if (busy == 0 && next_wake > now) {
      timeout_ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(next_wake - now).count());
      timeout_ms = std::clamp(timeout_ms, 0, 50);
    }
    if (now < start) timeout_ms = 1;
    const int n = epoll_wait(ep, events.data(), conns, timeout_ms);
    for (int e = 0; e < n; ++e) {
      const int t = static_cast<int>(events[e].data.u32);
      Conn& c = cs[t];
      if (events[e].events & EPOLLOUT) {
        flush(c, t);
        if (c.sent == c.out.size()) {
          epoll_event ev{};
          ev.events = EPOLLIN;
          ev.data.u32 = static_cast<uint32_t>(t);
          epoll_ctl(ep, EPOLL_CTL_MOD, c.fd, &ev);
        }
      }
      if (!(events[e].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) continue;
      char buf[16384];
      for (;;) {
        const ssize_t r = read(c.fd, buf, sizeof buf);
        if (r > 0) {
          c.in.append(buf, static_cast<size_t>(r));
          continue;
        }
        if (r == 0) Die("the server closed a connection");
        if (errno == EAGAIN) break;
        Die("read: " + std::string(strerror(errno)));
      }
      const size_t head = c.in.find("\r\n\r\n");
      if (!c.busy || head == std::string::npos) continue;
      std::string lower = c.in.substr(0, head);
      for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      const size_t cl = lower.find("content-length:");
      const size_t length = cl == std::string::npos ? 0 : std::strtoull(lower.c_str() + cl + 15, nullptr, 10);
      if (c.in.size() < head + 4 + length) continue;
      const int status = std::atoi(c.in.c_str() + 9);
      lat.push_back(bench::Millis(c.t0));
      if (status == 201) {
        ++done;
      } else {
        ++errors;
        if (first_error.empty()) first_error = std::to_string(status) + " " + c.in.substr(head + 4, length);
      }
      c.in.erase(0, head + 4 + length);
      c.busy = false;
      --busy;
      ++c.i;
    }
  }
  const double elapsed = Seconds(start);
  for (Conn& c : cs) close(c.fd);
  close(ep);
  Concurrent out;
  out.done = done;
  out.errors = errors;
  out.per_s = static_cast<double>(done) / elapsed;
  out.latency = Percentiles(std::move(lat));
  out.first_error = first_error;
  return out;
}

void PrintConcurrent(const std::string& who, const char* how, const Concurrent& r, int connections, double seconds) {
  std::printf("phase 2 %s, %s: %lld registrations from %d connections in %.0f s: %.0f/s, p50 %.2f ms, p99 %.2f ms, "
              "%lld errors%s%s\n",
              who.c_str(), how, static_cast<long long>(r.done), connections, seconds, r.per_s, r.latency.p50_ms,
              r.latency.p99_ms, static_cast<long long>(r.errors), r.first_error.empty() ? "" : ": ",
              r.first_error.substr(0, 200).c_str());
}

// ------------------------------------------------------------------ the server

struct Server {
  pid_t pid = 0;
  uint16_t port = 0;
};

Server StartServer(const std::string& binary, const std::string& db, int threads, const std::string& log) {
  int out[2];
  if (pipe(out) != 0) Die("pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_addclose(&fa, out[0]);
  posix_spawn_file_actions_addopen(&fa, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const std::string th = std::to_string(threads);
  std::vector<std::string> args = {binary,          "serve",        "--db",        "sqlite:" + db, "--listen",
                                   "127.0.0.1:0",   "--threads",    th,            "--pool-size",  th,
                                   "--access-log",  "off",          "--log-level", "warn",         "--web",
                                   "",              "--body-limit", "1048576"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  Server s;
  if (posix_spawn(&s.pid, binary.c_str(), &fa, nullptr, argv.data(), environ) != 0) Die("cannot start " + binary);
  posix_spawn_file_actions_destroy(&fa);
  g_server = s.pid;
  close(out[1]);
  FILE* in = fdopen(out[0], "r");
  char line[512];
  while (std::fgets(line, sizeof line, in)) {
    unsigned port = 0;
    if (std::sscanf(line, "tongchou listening on http://127.0.0.1:%u", &port) == 1) {
      s.port = static_cast<uint16_t>(port);
      break;
    }
  }
  if (s.port == 0) Die("the server did not start; see " + log);
  // Keep reading (and dropping) its stdout so it never blocks on a full pipe.
  std::thread([in] {
    char buf[512];
    while (std::fgets(buf, sizeof buf, in)) {
    }
    std::fclose(in);
  }).detach();
  return s;
}

void StopServer(Server& s) {
  if (s.pid == 0) return;
  kill(s.pid, SIGTERM);
  int status = 0;
  waitpid(s.pid, &status, 0);
  s.pid = 0;
  g_server = 0;
}

std::string ExeDir() {
  std::error_code ec;
  return std::filesystem::read_symlink("/proc/self/exe", ec).parent_path().string();
}

void CopyFile(const std::string& from, const std::string& to) {
  std::filesystem::remove(to);
  std::filesystem::remove(to + "-wal");
  std::filesystem::remove(to + "-shm");
  const std::string cmd = "cp --reflink=auto '" + from + "' '" + to + "'";
  if (std::system(cmd.c_str()) != 0) Die("cannot copy " + from);
}

// Folds a SQLite database's WAL into its main file (so the file alone is a copy).
void Checkpoint(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("open " + path);
  int log = 0, done = 0;
  if (sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log, &done) != SQLITE_OK) {
    Die("checkpoint " + path + ": " + sqlite3_errmsg(db));
  }
  sqlite3_close(db);
}

// A consistent copy of a SQLite database that other connections hold open (the WAL's
// committed pages included): the online backup.
void Backup(const std::string& from, const std::string& to) {
  std::filesystem::remove(to);
  std::filesystem::remove(to + "-wal");
  std::filesystem::remove(to + "-shm");
  sqlite3 *src = nullptr, *dst = nullptr;
  if (sqlite3_open(from.c_str(), &src) != SQLITE_OK || sqlite3_open(to.c_str(), &dst) != SQLITE_OK) {
    Die("backup: cannot open " + from + " or " + to);
  }
  sqlite3_backup* b = sqlite3_backup_init(dst, "main", src, "main");
  if (b == nullptr) Die("backup: " + std::string(sqlite3_errmsg(dst)));
  const int rc = sqlite3_backup_step(b, -1);
  sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) Die("backup of " + from + ": " + sqlite3_errstr(rc));
  sqlite3_close(dst);
  sqlite3_close(src);
}

int64_t PeakRss() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<int64_t>(u.ru_maxrss) * 1024;
}

std::string Fmt(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

}  // namespace
}  // namespace tc

int main(int argc, char** argv) {
  using namespace tc;
  CLI::App cli{"bench-testing: mass testing against SQLite and PostgreSQL"};
  double scale = 0.01;
  std::string city, work = "build/bench-testing", pg, tongchou;
  size_t batch = 100'000, result_batch = 10'000, results = 1'000'000, fanouts = 200, doors = 200, lookups = 10'000;
  int hold_out = 16, connections = 500, server_threads = 64, repeats = 100, peer_repeats = 3;
  double http_seconds = 20, http_rate = 5000;
  bool no_http = false, no_peers = false, keep = false, thread_client = false;
  uint64_t seed = 1;
  cli.add_option("--scale", scale, "City size (1.0 = 9.07 M residents) when generating it");
  cli.add_option("--city", city, "The city's SQLite file (kept as it is; default WORK/city-SCALE.db, generated if absent)");
  cli.add_option("--work", work, "Folder for the city and the run's copies");
  cli.add_option("--pg", pg, "PostgreSQL URL of an empty database for the peer (none: no PostgreSQL)");
  cli.add_option("--tongchou", tongchou, "The tongchou binary (default: next to this program's folder)");
  cli.add_option("--batch", batch, "Scans per Register call (and per peer transaction) in phase 1");
  cli.add_option("--result-batch", result_batch, "Tube results per call / transaction in phase 3");
  cli.add_option("--results", results, "Tube results applied in phase 3 (at most the closed tubes)");
  cli.add_option("--fanouts", fanouts, "Positive pooled tubes in phase 4");
  cli.add_option("--doors", doors, "Door lists (random buildings) in phase 6");
  cli.add_option("--lookups", lookups, "Own-result lookups in phase 7");
  cli.add_option("--hold-out", hold_out, "One resident in N is left for phase 2 and the door lists");
  cli.add_option("--connections", connections, "Concurrent connections in phase 2");
  cli.add_option("--server-threads", server_threads, "tongchou serve --threads (and --pool-size)");
  cli.add_option("--http-seconds", http_seconds, "How long phase 2 runs for each system");
  cli.add_option("--http-rate", http_rate, "Registrations a second offered in phase 2's paced run (all connections)");
  cli.add_option("--repeats", repeats, "Runs of our coverage query");
  cli.add_option("--peer-repeats", peer_repeats, "Runs of each peer's coverage query");
  cli.add_flag("--no-http", no_http, "Skip phase 2");
  cli.add_flag("--thread-client", thread_client,
               "Phase 2 for ours from a thread per connection (blocking clients) instead of one epoll thread");
  cli.add_flag("--no-peers", no_peers, "Ours only");
  cli.add_flag("--keep", keep, "Keep the run's database copies");
  cli.add_option("--seed", seed, "Random seed");
  CLI11_PARSE(cli, argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (!InitCrypto().ok()) Die("crypto");
  std::filesystem::create_directories(work);
  char scale_text[32];
  std::snprintf(scale_text, sizeof scale_text, "%g", scale);
  if (city.empty()) city = work + "/city-" + scale_text + ".db";
  if (tongchou.empty()) tongchou = ExeDir() + "/../tongchou";
  const auto t_all = SteadyClock::now();

  if (!std::filesystem::exists(city)) {
    const auto t0 = SteadyClock::now();
    auto store = store::Store::Open("sqlite:" + city);
    if (!store.ok() || !(*store)->Migrate().ok()) Die("cannot create " + city);
    auto made = gen::GenerateCity(**store, {.scale = scale, .seed = seed});
    if (!made.ok()) Die(made.status().ToString());
    std::printf("city: %lld residents generated in %.0f s\n", static_cast<long long>(made->residents), Seconds(t0));
  }
  Checkpoint(city);

  // ---- ours: a copy of the city, the engine, sites, a lab, the round, a sampler.
  const std::string ours_db = work + "/run-ours.db";
  {
    const auto t0 = SteadyClock::now();
    CopyFile(city, ours_db);
    std::printf("setup (untimed): copied the city to %s in %.0f s\n", ours_db.c_str(), Seconds(t0));
  }
  store::OpenOptions so;
  so.pool_size = 8;
  auto opened_store = store::Store::Open("sqlite:" + ours_db, so);
  if (!opened_store.ok()) Die(opened_store.status().ToString());
  auto store = std::move(opened_store).value();
  if (Status s = store->Migrate(); !s.ok()) Die("migrate: " + s.ToString());

  Workload w;
  {
    const auto t0 = SteadyClock::now();
    BuildWorkload(*store, w, hold_out, fanouts, results, doors, lookups, seed);
    std::printf("workload: %lld active residents (%zu with an ID number), %zu communities = sites, %zu districts, "
                "%zu buildings; phase 1: %zu scans onto %zu tubes, %zu held out; built in %.1f s\n",
                static_cast<long long>(w.residents), w.people.size(), w.communities.size(), w.districts.size(),
                w.buildings.size(), w.bulk.size(), w.tubes.size(), w.held_out.size(), Seconds(t0));
  }
  size_t district_path_len = 0;
  for (int32_t d : w.districts) {
    if (district_path_len != 0 && w.areas[d].path.size() != district_path_len) Die("district paths differ in length");
    district_path_len = w.areas[d].path.size();
  }

  const Clock& clock = Clock::System();
  const audit::Actor actor{"bench", ""};
  std::unique_ptr<screening::Screening> sc;
  {
    const auto t0 = SteadyClock::now();
    auto opened = screening::Screening::Open(*store, clock);
    if (!opened.ok()) Die("screening open: " + opened.status().ToString());
    sc = std::move(opened).value();
    std::printf("setup (untimed): mass-testing engine loaded %lld residents in %.1f s\n",
                static_cast<long long>(sc->PeopleLoaded()), Seconds(t0));
  }
  const std::string sampler = "bench-sampler", password = "bench-sampler-pass-2026";
  int64_t round_id = 0;
  {
    const auto t0 = SteadyClock::now();
    for (int32_t c : w.communities) {
      screening::Site site;
      site.code = SiteCode(w, c);
      site.name = "采样点 " + w.areas[c].code;
      site.area_code = w.areas[c].code;
      site.hours = "00:00-24:00";
      site.lanes = 20;
      site.per_hour = 200;
      site.staff = {sampler};
      if (auto r = sc->CreateSite(site, actor); !r.ok()) Die("site: " + r.status().ToString());
    }
    screening::Lab lab;
    lab.code = "LAB1";
    lab.name = "检测机构";
    lab.capacity_per_day = 1'000'000;
    if (auto r = sc->CreateLab(lab, actor); !r.ok()) Die("lab: " + r.status().ToString());
    screening::NewRound nr;
    nr.name = "全员核酸 bench";
    nr.area_codes = {w.city_code};
    nr.starts_on = DateShanghai(NowMillis() - 86'400'000);
    nr.ends_on = DateShanghai(NowMillis() + 86'400'000);
    nr.pool_size = kPool;
    auto round = sc->CreateRound(nr, {}, actor);
    if (!round.ok()) Die("round: " + round.status().ToString());
    round_id = round->id;
    auth::Accounts accounts(*store, clock, {});
    auth::NewUser u{sampler, "采样员", password, "sampler", w.city_code, w.city_path, 0};
    if (auto r = accounts.CreateUser(u, actor); !r.ok()) Die("user: " + r.status().ToString());
    std::printf("setup (untimed): %zu sites, a lab, round %lld (%lld due), a sampler account, in %.1f s\n",
                w.communities.size(), static_cast<long long>(round_id), static_cast<long long>(round->due_count),
                Seconds(t0));
  }

  std::vector<Figures> all(1);
  all.reserve(3);  // ours, SQLite, PostgreSQL: `ours` stays valid
  Figures& ours = all[0];
  ours.name = "ours";

  // ---- phase 1: ours
  {
    std::vector<screening::Scan> scans;
    const auto t0 = SteadyClock::now();
    for (size_t from = 0; from < w.bulk.size(); from += batch) {
      const size_t to = std::min(w.bulk.size(), from + batch);
      scans.clear();
      scans.reserve(to - from);
      for (size_t i = from; i < to; ++i) {
        const PlannedScan& p = w.bulk[i];
        screening::Scan s;
        s.line = static_cast<int64_t>(i - from + 1);
        s.round_id = round_id;
        s.site_code = SiteCode(w, p.site);
        s.tube = w.tubes[p.tube].barcode;
        s.id_number.assign(w.people[p.person].id_number, 18);
        s.at = w.base_at + static_cast<int64_t>(i);
        s.close_after = p.close;
        scans.push_back(std::move(s));
      }
      auto rep = sc->Register(scans, sampler, false, actor);
      if (!rep.status.ok()) Die("register: " + rep.status.ToString());
      if (rep.rejected != 0) Die("register: line " + std::to_string(rep.errors.at(0).line) + ": " + rep.errors[0].message);
      ours.bulk_accepted += rep.accepted;
    }
    ours.bulk_s = Seconds(t0);
    ours.has_bulk = true;
    std::printf("phase 1 ours: %lld registrations in %.1f s (%.0f/s)\n", static_cast<long long>(ours.bulk_accepted),
                ours.bulk_s, ours.bulk_accepted / ours.bulk_s);
  }

  // ---- phase 2: ours over HTTP, the real server on a copy
  std::string token;
  if (!no_http) {
    const std::string serve_db = work + "/run-serve.db";
    auto t0 = SteadyClock::now();
    Backup(ours_db, serve_db);
    std::printf("setup (untimed): copied our database after phase 1 in %.0f s\n", Seconds(t0));
    t0 = SteadyClock::now();
    Server server = StartServer(tongchou, serve_db, server_threads, work + "/serve.log");
    std::printf("setup (untimed): tongchou serve on a copy after phase 1, %d threads, ready in %.0f s\n",
                server_threads, Seconds(t0));
    {
      http::Client client("127.0.0.1", server.port);
      nlohmann::json body = {{"username", sampler}, {"password", password}};
      auto r = client.Send("POST", "/api/v1/auth/login", body.dump(), {{"Content-Type", "application/json"}});
      if (!r.ok() || r->status != 200) Die("login failed: " + (r.ok() ? r->body : r.status().ToString()));
      token = nlohmann::json::parse(r->body)["token"];
    }
    const std::string target = "/api/v1/testing/rounds/" + std::to_string(round_id) + "/samples";
    const std::vector<std::pair<std::string, std::string>> headers = {{"Authorization", "Bearer " + token},
                                                                      {"Content-Type", "application/json"}};
    auto setup = [&](int) {
      auto c = std::make_unique<http::Client>("127.0.0.1", server.port, 60'000);
      auto r = c->Send("GET", "/api/v1/auth/me", {}, headers);  // connect
      if (!r.ok() || r->status != 200) Die("warm-up request failed");
      return c;
    };
    auto one = [&](std::unique_ptr<http::Client>& c, uint32_t person, const std::string& tube,
                   const std::string& site) {
      nlohmann::json body = {{"site", site}, {"tube", tube}, {"id_number", std::string(w.people[person].id_number, 18)}};
      auto r = c->Send("POST", target, body.dump(), headers);
      if (!r.ok()) return r.status().ToString();
      if (r->status != 201) return std::to_string(r->status) + " " + r->body;
      return std::string();
    };
    if (!thread_client) {
      ours.sat = RunEpoll(w, connections, http_seconds, 0, 0, server.port, target, token);
      PrintConcurrent("ours (epoll client)", "saturated", ours.sat, connections, http_seconds);
      ours.paced = RunEpoll(w, connections, http_seconds, http_rate, 1, server.port, target, token);
      PrintConcurrent("ours (epoll client)", "paced", ours.paced, connections, http_seconds);
    } else {
    ours.sat = RunConcurrent(w, connections, http_seconds, 0, 0, setup, one);
    PrintConcurrent("ours", "saturated", ours.sat, connections, http_seconds);
    ours.paced = RunConcurrent(w, connections, http_seconds, http_rate, 1, setup, one);
    PrintConcurrent("ours", "paced", ours.paced, connections, http_seconds);
    }
    StopServer(server);
    ours.has_http = true;
    if (!keep) std::filesystem::remove(serve_db), std::filesystem::remove(serve_db + "-wal"),
        std::filesystem::remove(serve_db + "-shm");
  }

  // ---- phase 3: ours
  {
    const Millis now = NowMillis();
    std::vector<screening::TubeResult> batch_results;
    const auto t0 = SteadyClock::now();
    for (size_t from = 0; from < w.result_tubes.size(); from += result_batch) {
      batch_results.clear();
      for (size_t i = from; i < std::min(w.result_tubes.size(), from + result_batch); ++i) {
        batch_results.push_back({static_cast<int64_t>(i - from + 1), w.tubes[w.result_tubes[i]].barcode, "negative",
                                 0, "", now});
      }
      auto rep = sc->Report(batch_results, actor);
      if (rep.rejected != 0) Die("report: " + rep.errors.at(0).message);
      ours.results_applied += rep.applied;
    }
    ours.results_s = Seconds(t0);
    ours.has_results = true;
    std::printf("phase 3 ours: %lld tube results in %.1f s (%.0f/s)\n", static_cast<long long>(ours.results_applied),
                ours.results_s, ours.results_applied / ours.results_s);
  }
  // ---- phases 4–7: ours
  {
    ours.fanout = Time(w.fanout_tubes.size(), [&](size_t i) {
      std::vector<screening::TubeResult> one = {{1, w.tubes[w.fanout_tubes[i]].barcode, "positive", 28.5, "", 0}};
      auto rep = sc->Report(one, actor);
      if (rep.applied != 1) Die("fan-out: " + (rep.errors.empty() ? std::string("?") : rep.errors[0].message));
      ours.fanout_followups += rep.followups;
    });
    screening::CoverageReport cov;
    ours.coverage = Time(repeats, [&](size_t) {
      auto r = sc->CoverageOf(round_id, w.city_code);
      if (!r.ok()) Die("coverage: " + r.status().ToString());
      cov = std::move(r).value();
    });
    for (const auto& d : cov.children) {
      ours.districts[w.areas[w.area_by_code.at(d.area_code)].path] = {d.due, d.sampled, d.resulted};
    }
    ours.door = Time(w.door_buildings.size(), [&](size_t i) {
      auto list = sc->DoorListOf(round_id, w.areas[w.door_buildings[i]].code);
      if (!list.ok()) Die("door list: " + list.status().ToString());
      std::vector<int64_t> ids;
      for (const auto& u : list->units) {
        for (const auto& p : u.people) ids.push_back(p.person_id);
      }
      std::vector<registry::PersonBrief> people;
      Status s = store->Read([&](store::Conn& c) -> Status {
        TC_ASSIGN_OR_RETURN(people, registry::PeopleById(c, ids));
        return Status::Ok();
      });
      if (!s.ok()) Die("names: " + s.ToString());
      ours.door_people += static_cast<int64_t>(people.size());
    });
    ours.own = Time(w.lookups.size(), [&](size_t i) {
      auto r = sc->ResultsOf(w.lookups[i]);
      if (!r.ok()) Die("results of: " + r.status().ToString());
      ours.own_rows += static_cast<int64_t>(r->size());
    });
    ours.has_reads = true;
    std::printf("phases 4–7 ours: fan-out p50 %.2f ms (%lld follow-ups), coverage p50 %.3f ms, door list p50 %.3f ms "
                "(%lld people), own results p50 %.4f ms\n",
                ours.fanout.p50_ms, static_cast<long long>(ours.fanout_followups), ours.coverage.p50_ms,
                ours.door.p50_ms, static_cast<long long>(ours.door_people), ours.own.p50_ms);
    std::printf("bench process peak RSS so far: %.2f GiB\n", static_cast<double>(PeakRss()) / (1 << 30));
  }
  sc.reset();
  store.reset();

  // ---- the peers
  if (!no_peers) {
    std::vector<std::string> names = {"sqlite"};
    if (!pg.empty()) names.push_back("pg");
    const std::string peer_sqlite = work + "/run-peer.sqlite";
    for (const auto& kind : names) {
      Figures f;
      std::unique_ptr<Db> db;
      const auto t0 = SteadyClock::now();
      if (kind == "sqlite") {
        CopyFile(city, peer_sqlite);
        db = std::make_unique<SqliteDb>(peer_sqlite, true);
        f.name = "SQLite " SQLITE_VERSION;
      } else {
        auto pgdb = std::make_unique<PgDb>(pg);
        pgdb->Exec("SET maintenance_work_mem = '1GB'");
        LoadCityIntoPg(*pgdb, city);
        auto v = pgdb->Q("SHOW server_version_num");
        f.name = "PostgreSQL " + std::to_string(Int(v.at(0).at(0)) / 10000);
        pgdb->Exec("SET work_mem = '256MB'");
        db = std::move(pgdb);
      }
      CreatePeerTables(*db);
      std::printf("setup (untimed): %s peer: the city's residents, households and areas %s, in %.0f s\n",
                  f.name.c_str(), kind == "sqlite" ? "in a copy of its file" : "loaded by COPY and indexed",
                  Seconds(t0));

      PeerBulk(*db, w, batch, f);
      std::printf("phase 1 %s: %lld registrations in %.1f s (%.0f/s)\n", f.name.c_str(),
                  static_cast<long long>(f.bulk_accepted), f.bulk_s, f.bulk_accepted / f.bulk_s);
      if (db->pg()) {
        db->Exec("VACUUM ANALYZE peer_tubes");
        db->Exec("VACUUM ANALYZE peer_samples");
      } else {
        db->Exec("ANALYZE peer_tubes; ANALYZE peer_samples");
      }

      if (!no_http) {
        auto setup = [&](int) -> std::unique_ptr<Db> {
          if (kind == "sqlite") return std::make_unique<SqliteDb>(peer_sqlite, false);
          return std::make_unique<PgDb>(pg);
        };
        auto one = [&](std::unique_ptr<Db>& c, uint32_t person, const std::string& tube, const std::string& site) {
          return PeerRegister(*c, site, tube, w.people[person].id_number, NowMillis());
        };
        f.sat = RunConcurrent(w, connections, http_seconds, 0, 0, setup, one);
        PrintConcurrent(f.name, "saturated", f.sat, connections, http_seconds);
        f.paced = RunConcurrent(w, connections, http_seconds, http_rate, 1, setup, one);
        PrintConcurrent(f.name, "paced", f.paced, connections, http_seconds);
        f.has_http = true;
        // Untimed: the held-out people back to unsampled, as in ours (phase 2 ran on a copy).
        db->Exec(db->pg() ? "BEGIN" : "BEGIN IMMEDIATE");
        db->X("DELETE FROM peer_samples WHERE tube_id IN (SELECT id FROM peer_tubes WHERE barcode LIKE 'H%')");
        db->X("DELETE FROM peer_tubes WHERE barcode LIKE 'H%'");
        db->Exec("COMMIT");
      }

      PeerResults(*db, w, result_batch, f);
      std::printf("phase 3 %s: %lld tube results in %.1f s (%.0f/s)\n", f.name.c_str(),
                  static_cast<long long>(f.results_applied), f.results_s, f.results_applied / f.results_s);
      f.fanout = Time(w.fanout_tubes.size(), [&](size_t i) { PeerFanout(*db, w.tubes[w.fanout_tubes[i]].barcode, f); });
      if (db->pg()) db->Exec("ANALYZE peer_tubes; ANALYZE peer_samples");
      const std::string cov_sql = CoverageSql(w, district_path_len);
      f.coverage = Time(peer_repeats, [&](size_t) {
        auto rows = db->Q(cov_sql);
        f.districts.clear();
        for (const Row& r : rows) f.districts[r[0]] = {Int(r[1]), Int(r[3]), Int(r[4])};
      });
      f.door = Time(w.door_buildings.size(), [&](size_t i) {
        f.door_people += static_cast<int64_t>(db->Q(kDoorSql, {w.areas[w.door_buildings[i]].code, kRound}).size());
      });
      f.own = Time(w.lookups.size(), [&](size_t i) {
        f.own_rows += static_cast<int64_t>(db->Q(kOwnSql, {static_cast<int64_t>(w.lookups[i])}).size());
      });
      f.has_reads = true;
      std::printf("phases 4–7 %s: fan-out p50 %.2f ms (%lld follow-ups), coverage p50 %.0f ms, door list p50 %.2f ms "
                  "(%lld people), own results p50 %.3f ms\n",
                  f.name.c_str(), f.fanout.p50_ms, static_cast<long long>(f.fanout_followups), f.coverage.p50_ms,
                  f.door.p50_ms, static_cast<long long>(f.door_people), f.own.p50_ms);
      db.reset();
      if (kind == "sqlite" && !keep) {
        std::filesystem::remove(peer_sqlite);
        std::filesystem::remove(peer_sqlite + "-wal");
        std::filesystem::remove(peer_sqlite + "-shm");
      }
      all.push_back(std::move(f));
    }
  }
  if (!keep) {
    std::filesystem::remove(ours_db);
    std::filesystem::remove(ours_db + "-wal");
    std::filesystem::remove(ours_db + "-shm");
  }

  // ---- the table
  std::printf("\ncity: %lld residents; phase 1: %zu registrations (%zu tubes of %d, %zu sites); phase 2: %d "
              "connections for %.0f s each (client and server on the same 2 cores); phase 3: %zu results in batches "
              "of %zu; %zu fan-outs, %d/%d coverage runs, %zu door lists, %zu own-result lookups\n\n",
              static_cast<long long>(w.residents), w.bulk.size(), w.tubes.size(), kPool, w.communities.size(),
              connections, http_seconds, w.result_tubes.size(), result_batch, w.fanout_tubes.size(), repeats,
              peer_repeats, w.door_buildings.size(), w.lookups.size());
  std::printf("%-40s", "");
  for (const auto& f : all) std::printf(" %22s", f.name.c_str());
  std::printf(" %12s  %s\n", "ratio", "goal");
  auto best_time = [&](double Figures::*m) {
    double b = 0;
    for (size_t i = 1; i < all.size(); ++i) b = b == 0 ? all[i].*m : std::min(b, all[i].*m);
    return b;
  };
  auto best_rate = [&](auto get) {
    double b = 0;
    for (size_t i = 1; i < all.size(); ++i) b = std::max(b, get(all[i]));
    return b;
  };
  bool ok = true;
  // The goal itself, then the ≥ 10× the better peer every goal also asks.
  std::string verdict_text;
  auto verdict = [&](bool goal, double ratio) {
    const bool tenfold = all.size() == 1 || ratio >= 10;
    ok = ok && goal && tenfold;
    verdict_text = std::string(goal ? "met" : "NOT met") + "; ≥ 10×: " +
                   (all.size() == 1 ? "no peers" : tenfold ? "met" : "NOT met");
    return verdict_text.c_str();
  };
  {  // 1
    std::printf("%-40s", "1. bulk registrations: s (per s)");
    for (const auto& f : all) {
      std::printf(" %22s", (Fmt("%.1f", f.bulk_s) + " (" + Fmt("%.0f", f.bulk_accepted / f.bulk_s) + ")").c_str());
    }
    const double ratio = all.size() > 1 ? best_time(&Figures::bulk_s) / ours.bulk_s : 0;
    const double full_city_s = ours.bulk_s * 9.0e6 / std::max<double>(1, ours.bulk_accepted);
    std::printf(" %11.1f×  < 30 s for 9 M (%.1f s at this rate): %s\n", ratio, full_city_s,
                verdict(full_city_s < 30, ratio));
  }
  if (ours.has_http) {  // 2
    std::printf("%-40s", "2a. HTTP saturated: per s (p50 / p99 ms)");
    for (const auto& f : all) {
      std::printf(" %22s", (Fmt("%.0f", f.sat.per_s) + " (" + Fmt("%.1f", f.sat.latency.p50_ms) + " / " +
                            Fmt("%.1f", f.sat.latency.p99_ms) + ")").c_str());
    }
    const double peer = best_rate([](const Figures& f) { return f.sat.per_s; });
    const double ratio = peer > 0 ? ours.sat.per_s / peer : 0;
    std::printf(" %11.1f×  ≥ 5,000/s: %s\n", ratio,
                verdict(ours.sat.per_s >= 5000 && ours.sat.errors == 0, ratio));
    std::printf("%-40s", ("2b. HTTP offered " + Fmt("%.0f", http_rate) + "/s: done (p50 / p99)").c_str());
    for (const auto& f : all) {
      std::printf(" %22s", (Fmt("%.0f", f.paced.per_s) + " (" + Fmt("%.1f", f.paced.latency.p50_ms) + " / " +
                            Fmt("%.1f", f.paced.latency.p99_ms) + ")").c_str());
    }
    double best_p99 = 0;
    for (size_t i = 1; i < all.size(); ++i) {
      best_p99 = best_p99 == 0 ? all[i].paced.latency.p99_ms : std::min(best_p99, all[i].paced.latency.p99_ms);
    }
    const double p99_ratio = best_p99 > 0 ? best_p99 / ours.paced.latency.p99_ms : 0;
    std::printf(" %11.1f×  p99 < 50 ms at %.0f/s: %s\n", p99_ratio, http_rate,
                verdict(ours.paced.per_s >= 0.98 * http_rate && ours.paced.latency.p99_ms < 50 &&
                            ours.paced.errors == 0, p99_ratio));
  }
  {  // 3
    std::printf("%-40s", "3. tube results: s (per s)");
    for (const auto& f : all) {
      std::printf(" %22s",
                  (Fmt("%.1f", f.results_s) + " (" + Fmt("%.0f", f.results_applied / f.results_s) + ")").c_str());
    }
    const double ratio = all.size() > 1 ? best_time(&Figures::results_s) / ours.results_s : 0;
    std::printf(" %11.1f×  (no own goal): %s\n", ratio, verdict(true, ratio));
  }
  auto lat_row = [&](const char* label, Latency Figures::*m, double goal_ms, bool use_p99, const char* goal_text) {
    std::printf("%-40s", label);
    for (const auto& f : all) {
      std::printf(" %22s", (Fmt("%.3f", (f.*m).p50_ms) + " / " + Fmt("%.3f", (f.*m).p99_ms)).c_str());
    }
    double peer = 0;
    for (size_t i = 1; i < all.size(); ++i) peer = peer == 0 ? (all[i].*m).p50_ms : std::min(peer, (all[i].*m).p50_ms);
    const double ratio = peer > 0 ? peer / (ours.*m).p50_ms : 0;
    const double mine = use_p99 ? (ours.*m).p99_ms : (ours.*m).p50_ms;
    std::printf(" %11.0f×  %s: %s\n", ratio, goal_text, verdict(mine < goal_ms, ratio));
  };
  lat_row("4. positive fan-out p50 / p99 ms", &Figures::fanout, 10, false, "< 10 ms");
  lat_row("5. city coverage p50 / p99 ms", &Figures::coverage, 100, false, "< 100 ms");
  lat_row("6. door list + names p50 / p99 ms", &Figures::door, 10, false, "< 10 ms");
  lat_row("7. own results p50 / p99 ms", &Figures::own, 5, true, "p99 < 5 ms");
  // Answers.
  std::printf("%-40s", "answers equal ours");
  bool equal = true;
  for (const auto& f : all) {
    if (&f == &ours) {
      std::printf(" %22s", "-");
      continue;
    }
    const bool same = f.bulk_accepted == ours.bulk_accepted && f.results_applied == ours.results_applied &&
                      f.fanout_followups == ours.fanout_followups && f.districts == ours.districts &&
                      f.door_people == ours.door_people && f.own_rows == ours.own_rows;
    equal = equal && same;
    std::printf(" %22s", same ? "yes" : "NO");
  }
  std::printf("\n(ratio: ours against the better peer — time for 1 and 3, rate for 2a, p99 for 2b, p50 for 4–7; fan-outs made "
              "%lld follow-ups; door lists %lld people; own results %lld rows; total run %.0f s)\n",
              static_cast<long long>(ours.fanout_followups), static_cast<long long>(ours.door_people),
              static_cast<long long>(ours.own_rows), Seconds(t_all));
  if (!equal) {
    for (const auto& f : all) {
      std::printf("  %s: accepted %lld, results %lld, follow-ups %lld, door %lld, own %lld, districts %zu\n",
                  f.name.c_str(), static_cast<long long>(f.bulk_accepted), static_cast<long long>(f.results_applied),
                  static_cast<long long>(f.fanout_followups), static_cast<long long>(f.door_people),
                  static_cast<long long>(f.own_rows), f.districts.size());
    }
  }
  std::printf("every goal met: %s\n", ok ? "yes" : "no");
  return equal ? 0 : 1;
}
