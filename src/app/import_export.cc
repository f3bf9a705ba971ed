// `tongchou import KIND FILE` (CSV or XLSX) and `tongchou export KIND`: the registry's
// bulk paths from the command line, with progress on the terminal for large files.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <utility>

#include "app/app.h"
#include "enterprise/enterprises.h"
#include "hotline/hotline.h"
#include "registry/export.h"
#include "io/csv_writer.h"
#include "io/xlsx_writer.h"
#include "registry/importer.h"

namespace tc::app {

// `tongchou import enterprises FILE`: the market-supervision bureau's export (CSV or XLSX)
// through the enterprise service, committed in batches; exit 0 all accepted, 3 some rejected.
int RunImportEnterprises(const ImportCliOptions& o) {
  const auto fail = [](const Status& s) {
    std::fprintf(stderr, "tongchou import enterprises: %s\n", s.ToString().c_str());
    return 1;
  };
  std::ifstream in(o.file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "tongchou import: cannot open %s\n", o.file.c_str());
    return 2;
  }
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  // The hotline's resolver places the addresses in the registry's tree.
  auto hl = hotline::Hotline::Open(*store, Clock::System());
  if (!hl.ok()) return fail(hl.status());
  auto ent = enterprise::Enterprises::Open(*store, Clock::System(), hl->get());
  if (!ent.ok()) return fail(ent.status());
  auto r = (*ent)->Import(in, o.file, false, "", {CliActor(), ""});
  if (!r.ok()) return fail(r.status());
  for (const auto& e : r->errors) {
    std::printf("line %lld: %s%s%s%s\n", static_cast<long long>(e.line), e.record.empty() ? "" : (e.record + ": ").c_str(),
                e.field.c_str(), e.field.empty() ? "" : ": ", e.message.c_str());
  }
  std::printf("%s: %lld lines, %lld created, %lld updated, %lld rejected\n", o.file.c_str(),
              static_cast<long long>(r->lines), static_cast<long long>(r->created), static_cast<long long>(r->updated),
              static_cast<long long>(r->rejected));
  return r->rejected > 0 ? 3 : 0;
}

int RunImport(const ImportCliOptions& o) {
  if (o.kind == "enterprises") return RunImportEnterprises(o);
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
    std::printf("%s %lld: %s%s%s\n", r.record_noun.c_str(), static_cast<long long>(e.line), e.field.c_str(),
                e.field.empty() ? "" : ": ", e.message.c_str());
  }
  if (r.rejected > static_cast<int64_t>(r.errors.size())) {
    std::printf("... and %lld more rejected %ss\n", static_cast<long long>(r.rejected - r.errors.size()),
                r.record_noun.c_str());
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
  if (o.kind != "residents" && o.kind != "areas" && o.kind != "dwellings" && o.kind != "assignments") {
    std::fprintf(stderr, "tongchou export: unknown kind '%s' (%s)\n", o.kind.c_str(), registry::kExportKinds);
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
  } else {
    if (o.out != "-") file.open(o.out, std::ios::binary);
    csv = std::make_unique<io::CsvWriter>(o.out == "-" ? std::cout : file);
  }
  // Audited like any bulk read of personal data: this export is unmasked.
  bool header = true;
  Status s = registry::ExportRows(*store, o.kind, [&](const std::vector<std::string>& fields) {
    if (std::exchange(header, false) && xlsx) return xlsx->WriteHeader(fields);
    return xlsx ? xlsx->WriteRow(fields) : csv->WriteRow(fields);
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
