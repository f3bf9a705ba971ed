// bench-registry: the registry at city scale, on SQLite and PostgreSQL in one run.
// Prints, per backend: synthetic-city generation time and database size, CSV
// import rate for 1 M residents, and p50/p99 latency of resident search by ID
// number, by name within a community, and of the city-wide coverage report.
//
//   bench/registry.sh [--scale 1.0] [--import-rows 1000000] [--queries 2000]
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "base/crypto.h"
#include "gen/city.h"
#include "registry/areas.h"
#include "registry/grid.h"
#include "registry/id_number.h"
#include "registry/importer.h"
#include "registry/residents.h"
#include "store/store.h"

namespace tc {
namespace {

using Clock_ = std::chrono::steady_clock;

double Seconds(Clock_::time_point since) { return std::chrono::duration<double>(Clock_::now() - since).count(); }

struct Latency {
  double p50_ms = 0, p99_ms = 0;
};

Latency Percentiles(std::vector<double> ms) {
  if (ms.empty()) return {};
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<size_t>(q * (ms.size() - 1) + 0.5))]; };
  return {at(0.5), at(0.99)};
}

struct Figures {
  std::string backend;
  double gen_seconds = 0;
  int64_t residents = 0;
  double db_mb = 0;
  double import_rows_per_s = 0;
  int64_t import_accepted = 0;
  Latency by_id, by_name, coverage;
  int64_t coverage_gaps = 0;
};

// A CSV of `rows` new residents in existing households, with IDs that cannot clash
// with the generated city's (born 2000-2019 in 110101, a Beijing district).
std::string ImportCsv(store::Store& store, int64_t rows, uint64_t seed) {
  std::vector<std::string> households;
  Status s = store.Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto r, c.Query("SELECT code FROM households ORDER BY code LIMIT 200000"));
    for (const auto& row : r.rows) households.push_back(row.Text(0));
    return Status::Ok();
  });
  if (!s.ok() || households.empty()) return "";
  std::mt19937_64 rng(seed);
  std::string out = "姓名,身份证号码,手机号,户编码,重点人群\n";
  out.reserve(rows * 80);
  char id17[48], line[256];
  for (int64_t i = 0; i < rows; ++i) {
    const int day = static_cast<int>(i / 500 % 7300);  // 500 per birth date
    const int seq = static_cast<int>(i % 500) * 2 + 1;
    int y = 2000 + day / 365, doy = day % 365, m = 1, dd;
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    while (doy >= kDays[m - 1]) doy -= kDays[m++ - 1];
    dd = doy + 1;
    std::snprintf(id17, sizeof id17, "110101%04d%02d%02d%03d", y, m, dd, seq % 1000);
    std::snprintf(line, sizeof line, "导入%lld,%s%c,1%d%09lld,%s,%s\n", static_cast<long long>(i), id17,
                  registry::IdCheckCharacter(id17), 3 + static_cast<int>(i % 7),
                  static_cast<long long>(rng() % 1000000000), households[rng() % households.size()].c_str(),
                  i % 50 == 0 ? "慢性病" : "");
    out += line;
  }
  return out;
}

Result<Figures> Run(const std::string& backend, const std::string& url, double scale, int64_t import_rows,
                    int queries) {
  Figures f;
  f.backend = backend;
  store::OpenOptions oo;
  oo.pool_size = 4;
  TC_ASSIGN_OR_RETURN(auto store, store::Store::Open(url, oo));
  TC_RETURN_IF_ERROR(store->Migrate());

  auto t0 = Clock_::now();
  gen::CityOptions co;
  co.preset = "changchun";
  co.scale = scale;
  co.seed = 1;
  co.progress = [](std::string_view stage, int64_t done, int64_t total) {
    std::fprintf(stderr, "\r  %-12s %lld / %lld      ", std::string(stage).c_str(), static_cast<long long>(done),
                 static_cast<long long>(total));
  };
  TC_ASSIGN_OR_RETURN(auto summary, gen::GenerateCity(*store, co));
  std::fprintf(stderr, "\n");
  f.gen_seconds = Seconds(t0);
  f.residents = summary.residents;

  if (import_rows > 0) {
    const std::string csv = ImportCsv(*store, import_rows, 7);
    std::istringstream in(csv);
    t0 = Clock_::now();
    registry::ImportOptions io;
    io.batch_rows = 50'000;
    io.sqlite_cache_mib = 1024;  // as `tongchou import` does
    auto report = registry::Import(*store, Clock::System(), registry::ImportKind::kResidents, in, {"bench", ""}, io);
    const double secs = Seconds(t0);
    if (!report.fatal.ok()) return report.fatal;
    f.import_accepted = report.accepted;
    f.import_rows_per_s = report.lines / secs;
  }

  if (backend == "sqlite") {
    std::string path = url.substr(7);
    int64_t bytes = 0;
    for (const char* suffix : {"", "-wal"}) {
      struct stat st {};
      if (stat((path + suffix).c_str(), &st) == 0) bytes += st.st_size;
    }
    f.db_mb = bytes / 1048576.0;
  } else {
    TC_RETURN_IF_ERROR(store->Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto r, c.Query("SELECT pg_database_size(current_database())"));
      f.db_mb = r[0].Int(0) / 1048576.0;
      return Status::Ok();
    }));
  }

  // Sample residents for the look-ups (same sample on both backends: ordered by id).
  struct Sample {
    std::string id_number, name, community_scope;
  };
  std::vector<Sample> sample;
  TC_RETURN_IF_ERROR(store->Read([&](store::Conn& c) -> Status {
    const int64_t step = std::max<int64_t>(1, f.residents / queries);
    TC_ASSIGN_OR_RETURN(auto r, c.Query("SELECT id_number, name, household_code FROM residents WHERE id % ? = 0 "
                                        "AND id_number IS NOT NULL ORDER BY id LIMIT ?",
                                        {step, int64_t{queries}}));
    for (const auto& row : r.rows) sample.push_back({row.Text(0), row.Text(1), row.Text(2).substr(0, 12)});
    return Status::Ok();
  }));
  registry::Residents residents(*store, Clock::System());
  std::vector<double> ms;
  for (const auto& s : sample) {
    auto q0 = Clock_::now();
    auto r = residents.List({.scope = "2201", .id_number = s.id_number, .limit = 10});
    ms.push_back(Seconds(q0) * 1000);
    if (!r.ok() || r->size() != 1) return Internal("search by ID found " + std::to_string(r.ok() ? r->size() : 0));
  }
  f.by_id = Percentiles(ms);
  ms.clear();
  for (const auto& s : sample) {
    auto q0 = Clock_::now();
    auto r = residents.List({.scope = s.community_scope, .name = s.name, .limit = 50});
    ms.push_back(Seconds(q0) * 1000);
    if (!r.ok() || r->empty()) return Internal("search by name found nothing");
  }
  f.by_name = Percentiles(ms);
  ms.clear();
  registry::Grids grids(*store, Clock::System());
  for (int i = 0; i < 7; ++i) {
    auto q0 = Clock_::now();
    auto r = grids.Coverage("220100000000", 500);
    ms.push_back(Seconds(q0) * 1000);
    if (!r.ok()) return r.status();
    f.coverage_gaps = r->total_gaps;
  }
  f.coverage = Percentiles(ms);
  return f;
}

}  // namespace
}  // namespace tc

int main(int argc, char** argv) {
  CLI::App app{"bench-registry: the registry at city scale on SQLite and PostgreSQL"};
  double scale = 1.0;
  int64_t import_rows = 1'000'000;
  int queries = 2000;
  std::string sqlite_path = "/tmp/tongchou-bench-registry.db";
  std::string pg_url;
  app.add_option("--scale", scale, "City scale (1.0 = 9.07 M residents)")->capture_default_str();
  app.add_option("--import-rows", import_rows, "Residents in the import CSV")->capture_default_str();
  app.add_option("--queries", queries, "Look-ups per latency figure")->capture_default_str();
  app.add_option("--sqlite", sqlite_path, "SQLite file (deleted first)")->capture_default_str();
  app.add_option("--pg", pg_url, "PostgreSQL URL of an empty database ('' = skip)");
  CLI11_PARSE(app, argc, argv);
  if (!tc::InitCrypto().ok()) return 1;

  std::vector<tc::Figures> figures;
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(sqlite_path + suffix);
  std::vector<std::pair<std::string, std::string>> runs = {{"sqlite", "sqlite:" + sqlite_path}};
  if (!pg_url.empty()) runs.emplace_back("postgresql", pg_url);
  for (const auto& [backend, url] : runs) {
    std::fprintf(stderr, "== %s\n", backend.c_str());
    auto f = tc::Run(backend, url, scale, import_rows, queries);
    if (!f.ok()) {
      std::fprintf(stderr, "%s: %s\n", backend.c_str(), f.status().ToString().c_str());
      return 1;
    }
    figures.push_back(*f);
  }
  std::printf("\nbench-registry  scale %.3g (%lld residents), %lld-row import, %d look-ups per figure\n\n", scale,
              static_cast<long long>(figures[0].residents), static_cast<long long>(import_rows), queries);
  std::printf("%-34s", "measure");
  for (const auto& f : figures) std::printf("%16s", f.backend.c_str());
  if (figures.size() == 2) std::printf("%14s", "pg/sqlite");
  std::printf("\n");
  auto row = [&](const char* name, auto get, const char* fmt) {
    std::printf("%-34s", name);
    for (const auto& f : figures) std::printf(fmt, get(f));
    if (figures.size() == 2 && get(figures[0]) > 0) std::printf("%13.2fx", get(figures[1]) / get(figures[0]));
    std::printf("\n");
  };
  row("generate city (s)", [](const tc::Figures& f) { return f.gen_seconds; }, "%16.1f");
  row("database size (MiB)", [](const tc::Figures& f) { return f.db_mb; }, "%16.0f");
  row("import residents (rows/s)", [](const tc::Figures& f) { return f.import_rows_per_s; }, "%16.0f");
  row("search by ID p50 (ms)", [](const tc::Figures& f) { return f.by_id.p50_ms; }, "%16.3f");
  row("search by ID p99 (ms)", [](const tc::Figures& f) { return f.by_id.p99_ms; }, "%16.3f");
  row("name in community p50 (ms)", [](const tc::Figures& f) { return f.by_name.p50_ms; }, "%16.3f");
  row("name in community p99 (ms)", [](const tc::Figures& f) { return f.by_name.p99_ms; }, "%16.3f");
  row("coverage report, city p50 (ms)", [](const tc::Figures& f) { return f.coverage.p50_ms; }, "%16.1f");
  row("coverage report, city p99 (ms)", [](const tc::Figures& f) { return f.coverage.p99_ms; }, "%16.1f");
  std::printf("\n(coverage report found %lld gaps; goals: generation < 600 s, import >= 100000 rows/s on SQLite, "
              "ID search p99 < 5 ms, city coverage < 1000 ms)\n",
              static_cast<long long>(figures[0].coverage_gaps));
  return 0;
}
