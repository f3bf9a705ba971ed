// `tongchou import KIND FILE` and `tongchou export KIND`: the registry's bulk CSV
// paths from the command line, with progress on the terminal for large files.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "app/app.h"
#include "io/csv_writer.h"
#include "io/xlsx_writer.h"
#include "registry/importer.h"

namespace tc::app {

int RunImport(const ImportCliOptions& o) {
  auto kind = registry::ParseImportKind(o.kind);
  if (!kind.ok()) {
    std::fprintf(stderr, "tongchou import: %s\n", kind.status().message().c_str());
    return 2;
  }
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "tongchou import: cannot open %s\n", o.file.c_str());
    return 2;
  }
  struct stat st {};
  const int64_t size = stat(o.file.c_str(), &st) == 0 ? st.st_size : 0;
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  registry::ImportOptions options;
  options.batch_rows = o.batch;
  options.max_errors = o.max_errors;
  options.sqlite_cache_mib = o.cache_mib;
  const bool tty = isatty(2);
  options.progress = [&](int64_t bytes, const registry::ImportReport& r) {
    if (!tty) return;
    std::fprintf(stderr, "\r  %5.1f%%  %lld lines, %lld accepted, %lld rejected", size ? 100.0 * bytes / size : 0.0,
                 static_cast<long long>(r.lines), static_cast<long long>(r.accepted),
                 static_cast<long long>(r.rejected));
  };
  const registry::ImportReport r = registry::Import(*store, Clock::System(), *kind, in, {CliActor(), ""}, options);
  if (tty) std::fprintf(stderr, "\n");
  for (const auto& e : r.errors) {
    std::printf("line %lld: %s%s%s\n", static_cast<long long>(e.line), e.field.c_str(), e.field.empty() ? "" : ": ",
                e.message.c_str());
  }
  if (r.rejected > static_cast<int64_t>(r.errors.size())) {
    std::printf("... and %lld more rejected lines\n", static_cast<long long>(r.rejected - r.errors.size()));
  }
  std::printf("%s: %lld lines read, %lld accepted, %lld rejected in %.2f s (%.0f lines/s)\n", o.file.c_str(),
              static_cast<long long>(r.lines), static_cast<long long>(r.accepted), static_cast<long long>(r.rejected),
              r.seconds, r.seconds > 0 ? r.lines / r.seconds : 0.0);
  if (!r.fatal.ok()) {
    std::fprintf(stderr, "tongchou import: stopped: %s\n", r.fatal.ToString().c_str());
    return 1;
  }
  return r.rejected > 0 ? 3 : 0;
}

int RunExport(const ExportCliOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  std::string sql;
  std::vector<std::string> header;
  if (o.kind == "residents") {
    sql = "SELECT id, name, id_number, phone, birth_date, sex, household_code, tags FROM residents "
          "WHERE status = 'active' ORDER BY id";
    header = {"id", "name", "id_number", "phone", "birth_date", "sex", "household_code", "tags"};
  } else if (o.kind == "areas") {
    sql = "SELECT code, parent_code, name, level, path FROM areas ORDER BY path";
    header = {"code", "parent_code", "name", "level", "path"};
  } else if (o.kind == "dwellings") {
    sql = "SELECT code, unit_code, address FROM households ORDER BY code";
    header = {"code", "unit_code", "address"};
  } else if (o.kind == "assignments") {
    sql = "SELECT area_code, cadre_name, cadre_phone, organisation, role FROM assignments WHERE ended_at IS NULL "
          "ORDER BY area_code, id";
    header = {"area_code", "cadre_name", "cadre_phone", "organisation", "role"};
  } else {
    std::fprintf(stderr, "tongchou export: unknown kind '%s' (residents, areas, dwellings, assignments)\n",
                 o.kind.c_str());
    return 2;
  }
  std::unique_ptr<io::XlsxWriter> xlsx;
  std::ofstream file;
  std::unique_ptr<io::CsvWriter> csv;
  if (o.format == "xlsx") {
    auto w = io::XlsxWriter::Create(o.out, o.kind);
    if (!w.ok()) {
      std::fprintf(stderr, "tongchou export: %s\n", w.status().ToString().c_str());
      return 1;
    }
    xlsx = std::move(w).value();
    if (Status s = xlsx->WriteHeader(header); !s.ok()) return 1;
  } else {
    if (o.out != "-") file.open(o.out, std::ios::binary);
    csv = std::make_unique<io::CsvWriter>(o.out == "-" ? std::cout : file);
    if (Status s = csv->WriteRow(header); !s.ok()) return 1;
  }
  // Audited like any bulk read of personal data: this export is unmasked.
  Status s = store->Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(sql));
    for (const auto& r : rows.rows) {
      std::vector<std::string> fields;
      for (size_t i = 0; i < r.cells.size(); ++i) fields.push_back(r.Text(i));
      TC_RETURN_IF_ERROR(xlsx ? xlsx->WriteRow(fields) : csv->WriteRow(fields));
    }
    return Status::Ok();
  });
  if (s.ok() && xlsx) s = xlsx->Close();
  if (s.ok()) {
    s = store->Tx([&](store::Conn& c) {
      return audit::Append(c, {.actor = CliActor(), .action = "export." + o.kind, .target = "export:" + o.out,
                               .area_path = "/"}, NowMillis());
    });
  }
  if (!s.ok()) {
    std::fprintf(stderr, "tongchou export: %s\n", s.ToString().c_str());
    return 1;
  }
  return 0;
}

}  // namespace tc::app
