#include "gen/city.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "gen/internal/builder.h"
#include "gen/internal/preset.h"
#include "registry/counts.h"

namespace tc::gen {
namespace {

using internal::Batch;
using internal::Tables;

// SQLite page cache while generating (KiB, as PRAGMA cache_size takes negative
// values): enough for the random-order indexes of a full-scale city's residents.
constexpr int64_t kGenerationCacheKib = 1 << 20;
constexpr int64_t kDefaultCacheKib = 2000;  // SQLite's default

Status WriteBatch(store::Conn& conn, Batch& batch) {
  for (size_t t = 0; t < internal::kTableCount; ++t) {
    auto& rows = batch.rows[t];
    if (rows.empty()) continue;
    const auto& spec = Tables()[t];
    TC_ASSIGN_OR_RETURN(auto writer, conn.Bulk(spec.name, spec.columns));
    for (const auto& row : rows) TC_RETURN_IF_ERROR(writer->Add(row));
    TC_RETURN_IF_ERROR(writer->Finish().status());
  }
  return Status::Ok();
}

// Explicit ids leave PostgreSQL's identity sequences behind; move them past the rows.
Status AdvanceSequences(store::Conn& conn) {
  if (conn.dialect() != store::Dialect::kPostgres) return Status::Ok();  // SQLite AUTOINCREMENT follows by itself
  for (const char* table : {"residents", "assignments"}) {
    const std::string t(table);
    TC_RETURN_IF_ERROR(conn.Query("SELECT setval(pg_get_serial_sequence('" + t +
                                  "', 'id'), COALESCE((SELECT MAX(id) FROM " + t + "), 0) + 1, false)")
                           .status());
  }
  return Status::Ok();
}

std::string AuditDetail(const CityOptions& o, const CitySummary& s) {
  nlohmann::json counts = nlohmann::json::object();
  for (const auto& [name, value] : SummaryCounts(s)) counts[std::string(name)] = value;
  return nlohmann::json{{"preset", o.preset}, {"scale", o.scale}, {"seed", o.seed}, {"counts", counts}}.dump();
}

}  // namespace

std::vector<std::pair<std::string_view, int64_t>> SummaryCounts(const CitySummary& s) {
  return {{"districts", s.districts},
          {"streets", s.streets},
          {"communities", s.communities},
          {"compounds", s.compounds},
          {"buildings", s.buildings},
          {"units", s.units},
          {"households", s.households},
          {"residents", s.residents},
          {"grids", s.grids},
          {"leaders", s.leaders},
          {"assignments", s.assignments},
          {"shapes", s.shapes},
          {"gaps_unassigned_communities", s.gaps_unassigned_communities},
          {"gaps_unassigned_compounds", s.gaps_unassigned_compounds},
          {"gaps_unassigned_buildings", s.gaps_unassigned_buildings},
          {"gaps_units_without_leader", s.gaps_units_without_leader},
          {"gaps_buildings_without_leader", s.gaps_buildings_without_leader}};
}

std::vector<std::string> PresetNames() { return internal::PresetNames(); }

Result<CitySummary> GenerateCity(store::Store& store, const CityOptions& options) {
  const internal::Preset* preset = internal::FindPreset(options.preset);
  if (!preset) {
    std::string known;
    for (const auto& name : internal::PresetNames()) known += (known.empty() ? "" : ", ") + name;
    return FieldInvalid("preset", "unknown preset '" + options.preset + "' (known: " + known + ")");
  }
  if (!(options.scale >= kMinScale && options.scale <= kMaxScale)) {
    char range[64];
    std::snprintf(range, sizeof range, "must be between %g and %g", kMinScale, kMaxScale);
    return FieldInvalid("scale", range);
  }
  auto progress = [&](std::string_view stage, int64_t done, int64_t total) {
    if (options.progress) options.progress(stage, done, total);
  };

  internal::CityBuilder builder(*preset, options.scale, options.seed);
  const int64_t total = builder.target_residents();
  const bool sqlite = store.dialect() == store::Dialect::kSqlite;
  Status s = store.Tx([&](store::Conn& conn) -> Status {
    TC_ASSIGN_OR_RETURN(auto existing, conn.Query("SELECT COUNT(*) FROM areas"));
    if (existing[0].Int(0) > 0) {
      return Conflict("the database already has " + existing[0].Text(0) +
                      " areas; gen city fills an empty database only");
    }
    if (sqlite) TC_RETURN_IF_ERROR(conn.ExecScript("PRAGMA cache_size = -" + std::to_string(kGenerationCacheKib)));
    struct RestoreCache {
      store::Conn& conn;
      bool on;
      ~RestoreCache() {
        if (on) (void)conn.ExecScript("PRAGMA cache_size = -" + std::to_string(kDefaultCacheKib));
      }
    } restore{conn, sqlite};

    if (!sqlite) {
      // Bulk loading on PostgreSQL: build the residents' secondary indexes once,
      // sorted, after the load instead of row by row (same names and definitions
      // as migration 2; all inside this transaction).
      TC_RETURN_IF_ERROR(conn.ExecScript(
          "SET LOCAL maintenance_work_mem = '512MB';"
          "DROP INDEX residents_household; DROP INDEX residents_name; DROP INDEX residents_phone;"
          "ALTER TABLE residents DROP CONSTRAINT residents_id_number_key;"));
    }
    int64_t written = 0;
    progress("residents", 0, total);
    TC_RETURN_IF_ERROR(builder.Run([&](Batch& batch) -> Status {
      TC_RETURN_IF_ERROR(WriteBatch(conn, batch));
      written += static_cast<int64_t>(batch.size(internal::kResidents));
      progress("residents", written, total);
      return Status::Ok();
    }));
    if (!sqlite) {
      progress("indexes", 0, 1);
      TC_RETURN_IF_ERROR(conn.ExecScript(
          "ALTER TABLE residents ADD CONSTRAINT residents_id_number_key UNIQUE (id_number);"
          "CREATE INDEX residents_household ON residents(household_code);"
          "CREATE INDEX residents_name ON residents(name, household_code);"
          "CREATE INDEX residents_phone ON residents(phone);"));
    }
    TC_RETURN_IF_ERROR(AdvanceSequences(conn));
    progress("counts", 0, 1);
    TC_RETURN_IF_ERROR(registry::RebuildCounts(conn));  // the registry's rollup, as after any bulk load
    const std::string city_path = "/" + std::string(preset->city_code) + "/";
    TC_RETURN_IF_ERROR(audit::Append(conn,
                                     {.actor = "gen",
                                      .action = "gen.city",
                                      .target = "area:" + std::string(preset->city_code),
                                      .area_path = city_path,
                                      .detail = AuditDetail(options, builder.summary())},
                                     NowMillis()));
    progress("commit", 0, 1);
    return Status::Ok();
  });
  TC_RETURN_IF_ERROR(s);
  if (sqlite) {
    // The one big transaction grew the write-ahead log to about the database's size;
    // fold it in and truncate it. Checkpoints run outside a transaction.
    (void)store.Read([](store::Conn& conn) -> Status {
      TC_RETURN_IF_ERROR(conn.ExecScript("COMMIT"));
      Status checkpoint = conn.ExecScript("PRAGMA wal_checkpoint(TRUNCATE)");
      TC_RETURN_IF_ERROR(conn.ExecScript("BEGIN"));
      return checkpoint;
    });
  }
  progress("commit", 1, 1);
  return builder.summary();
}

}  // namespace tc::gen
