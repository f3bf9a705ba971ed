// The store: one SQL interface, two backends — SQLite (one file, WAL) and PostgreSQL.
//
//   TC_ASSIGN_OR_RETURN(auto store, Store::Open("sqlite:./tongchou.db"));
//   TC_RETURN_IF_ERROR(store->Migrate());
//   Status s = store->Tx([&](Conn& c) -> Status {
//     TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT name FROM areas WHERE code = ?", {code}));
//     return c.Exec("UPDATE areas SET name = ? WHERE code = ?", {name, code}).status();
//   });
//
// SQL is written once with `?` placeholders in the common subset of both dialects;
// the PostgreSQL backend rewrites `?` to `$n`. Where the dialects differ, ask
// Conn::dialect(). A Store is thread-safe: it owns a pool of connections and each
// Tx()/Read() borrows one for its duration. A Conn is used by one thread at a time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"

namespace tc::store {

enum class Dialect { kSqlite, kPostgres };

// A bound parameter or a result cell. PostgreSQL results arrive as text and are
// converted by column type: integers → int64_t, floating → double, else string.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

struct Row {
  std::vector<Value> cells;
  bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(cells.at(i)); }
  int64_t Int(size_t i) const;        // 0 for NULL; parses text if needed
  double Double(size_t i) const;      // 0 for NULL
  std::string Text(size_t i) const;   // "" for NULL; formats numbers
  std::optional<std::string> OptText(size_t i) const;
};

struct Rows {
  std::vector<std::string> columns;
  std::vector<Row> rows;
  int64_t affected = 0;  // rows changed by INSERT/UPDATE/DELETE
  bool empty() const { return rows.empty(); }
  size_t size() const { return rows.size(); }
  const Row& operator[](size_t i) const { return rows[i]; }
};

// Parameters: a small helper so call sites read `{code, name, int64_t{3}}`.
using Params = std::vector<Value>;

// Appends many rows to one table inside the current transaction, as fast as the
// backend allows: PostgreSQL COPY, SQLite one prepared INSERT. While a BulkWriter
// is open its connection runs nothing else; Finish() (or destruction, which
// abandons the copy and fails the transaction on PostgreSQL) ends it.
class BulkWriter {
 public:
  virtual ~BulkWriter() = default;
  // One row, one value per column given to Conn::Bulk. Conflict on a duplicate key
  // (SQLite reports it here; PostgreSQL at Finish()).
  virtual Status Add(const Params& row) = 0;
  // Rows written.
  virtual Result<int64_t> Finish() = 0;
};

class Conn {
 public:
  virtual ~Conn() = default;
  virtual Dialect dialect() const = 0;
  // Runs one statement with `?` parameters and returns its rows (if any).
  // Unique/foreign-key violations return Conflict; other SQL errors Internal,
  // a lost connection Unavailable. The message names the statement's first words.
  virtual Result<Rows> Query(std::string_view sql, const Params& params = {}) = 0;
  Result<Rows> Exec(std::string_view sql, const Params& params = {}) { return Query(sql, params); }
  // Streams a large result of integer columns without building Rows: fn gets each
  // row's cells (NULL reads as 0). For bulk loads into memory (the tracing engine).
  virtual Status ScanInts(std::string_view sql, const Params& params,
                          const std::function<void(std::span<const int64_t>)>& fn) = 0;
  // Runs several statements without parameters (schema scripts).
  virtual Status ExecScript(std::string_view sql) = 0;
  // Starts a bulk load into `table` (columns in this order).
  virtual Result<std::unique_ptr<BulkWriter>> Bulk(std::string_view table, const std::vector<std::string>& columns) = 0;
};

struct OpenOptions {
  int pool_size = 4;            // connections kept open
  int busy_timeout_ms = 10'000; // SQLite: wait for the write lock this long
};

class Store {
 public:
  virtual ~Store() = default;

  // url: "sqlite:PATH" (PATH may be relative; ":memory:" for a private in-memory
  // database, tests only), "postgresql://..." or "postgres://..." (libpq URI).
  // InvalidArgument for an unknown scheme; Unavailable if the database cannot be opened.
  static Result<std::unique_ptr<Store>> Open(std::string_view url, const OpenOptions& options = {});

  virtual Dialect dialect() const = 0;
  // The URL with any password removed, for logs.
  virtual std::string Describe() const = 0;

  // Runs fn in a read-write transaction; commits if fn returns Ok, rolls back
  // otherwise (and on exceptions, rethrown). SQLite takes the write lock at BEGIN
  // (BEGIN IMMEDIATE) so transactions never fail half-way on lock upgrades.
  virtual Status Tx(const std::function<Status(Conn&)>& fn) = 0;
  // Tx() for bulk loads whose caller has itself checked, inside fn, that every row's
  // references exist (and they cannot vanish: nothing deletes the referenced rows).
  // SQLite then skips its per-row foreign-key look-ups; PostgreSQL runs a plain Tx().
  virtual Status CheckedBulkTx(const std::function<Status(Conn&)>& fn) { return Tx(fn); }
  // Runs fn on a connection in a read-only transaction (a consistent snapshot).
  virtual Status Read(const std::function<Status(Conn&)>& fn) = 0;
  // One query in Read(), each row turned into a T by from_row (a list endpoint's
  // usual shape).
  template <typename T, typename FromRow>
  Result<std::vector<T>> ReadAll(std::string_view sql, const Params& params, FromRow&& from_row) {
    std::vector<T> out;
    TC_RETURN_IF_ERROR(Read([&](Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
      out.reserve(rows.rows.size());
      for (const auto& r : rows.rows) out.push_back(from_row(r));
      return Status::Ok();
    }));
    return out;
  }

  // Applies pending schema migrations (see migrations.h); idempotent.
  Status Migrate();
  // Highest applied migration version (0 for an empty database).
  Result<int> SchemaVersion();
};

// The smallest string greater than every string that starts with `prefix`, for an
// index-friendly prefix match `col >= prefix AND col < PrefixEnd(prefix)` on a column
// with byte-order collation (areas.path, *.area_path). `prefix` must not end in 0xFF.
std::string PrefixEnd(std::string_view prefix);

// Makes the ids a table draws in this transaction become visible in id order: on
// PostgreSQL ids are drawn at insert but rows appear at commit, so without it a reader
// of `id > last` can read a higher id, move past a lower one that commits later, and
// never see it. Takes a transaction-scoped advisory lock (`key` names the table's
// writers) held until commit or rollback, so the next writer draws its ids after this
// one has finished. Call it in the write transaction before inserting. A no-op on
// SQLite, whose writers already commit one at a time.
Status LockIdOrder(Conn& c, int64_t key);

// Runs `head` + "(?, ?, …)" + `tail` once per chunk of 500 `values` (an IN list),
// calling fn(row) for every row returned; stops at the first error.
template <typename T, typename Fn>
Status QueryIn(Conn& c, std::string_view head, std::string_view tail, std::span<const T> values, Fn&& fn) {
  constexpr size_t kChunk = 500;
  for (size_t i = 0; i < values.size(); i += kChunk) {
    const size_t n = std::min(kChunk, values.size() - i);
    std::string sql(head);
    sql += '(';
    Params params;
    for (size_t k = i; k < i + n; ++k) {
      sql += k > i ? ", ?" : "?";
      params.emplace_back(values[k]);
    }
    sql += ')';
    sql += tail;
    TC_ASSIGN_OR_RETURN(auto rows, c.Query(sql, params));
    for (const auto& r : rows.rows) fn(r);
  }
  return Status::Ok();
}

// Rewrites `?` placeholders to `$1..$n`, leaving quoted literals alone.
std::string RewritePlaceholders(std::string_view sql);

}  // namespace tc::store
