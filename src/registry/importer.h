// Bulk import into the registry: areas, dwellings (households), residents and
// 包保 assignments. Input is what Excel in China writes — CSV (UTF-8 or GBK/GB18030,
// BOM or not) or an .xlsx workbook (its first worksheet), told apart by content — with
// a header row of English or Chinese column names. Each line (row) is
// validated; a bad line is rejected with its line number, field and reason and
// the rest go on; accepted lines are committed in batches (one transaction and one
// audit entry per batch), so an interrupted import keeps what it acknowledged.
// Thread-safe (stateless over the store).
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "io/table.h"
#include "store/store.h"

namespace tc::registry {

enum class ImportKind { kAreas, kDwellings, kResidents, kAssignments };
Result<ImportKind> ParseImportKind(std::string_view name);  // "areas", "dwellings", "residents", "assignments"

struct ImportError {
  int64_t line = 0;    // physical line in a CSV file, row number in a sheet (the header is 1)
  std::string field;   // canonical column name, or "" for the whole line
  std::string message;
};

struct ImportReport {
  Status fatal;          // what stopped the import early (Ok if it read everything)
  int64_t lines = 0;     // data lines read
  int64_t accepted = 0;  // committed
  int64_t rejected = 0;
  std::string record_noun = "line";  // what ImportError::line counts: "line" (CSV) or "row" (XLSX)
  std::vector<ImportError> errors;  // the first max_errors of them
  double seconds = 0;
};

struct ImportOptions {
  // Only rows under this area path (and scope key) are accepted; "/" and "" = anywhere.
  std::string scope_path = "/";
  std::string scope_key;
  int batch_rows = 20'000;
  size_t max_errors = 1000;
  // SQLite page cache for the import's connection, MiB (0: leave the connection's own).
  int64_t sqlite_cache_mib = 0;
  // Called after every batch with bytes of input consumed so far.
  std::function<void(int64_t bytes, const ImportReport&)> progress;
};

// Reads the whole stream (seekable: a file or a string; CSV or XLSX by content, see
// io::ReadTable). `fatal` is set for what stops the import as a whole (not a readable
// table, unreadable header, missing required columns, encoding error, store down);
// the counts then still say what was committed before it.
ImportReport Import(store::Store& store, const Clock& clock, ImportKind kind, std::istream& in,
                            const audit::Actor& by, const ImportOptions& options = {});
// The same from a table already opened (io::OpenTable), its header not yet read.
ImportReport Import(store::Store& store, const Clock& clock, ImportKind kind, io::TableReader& table,
                    const audit::Actor& by, const ImportOptions& options = {});

}  // namespace tc::registry
