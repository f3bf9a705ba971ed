// SQLite backend: one file in WAL mode with synchronous=FULL (an acknowledged
// commit survives power loss), foreign keys on, a pool of connections. Writers
// serialise on BEGIN IMMEDIATE and wait up to busy_timeout_ms for the lock.
#include <sqlite3.h>

#include <memory>
#include <unordered_map>
#include <string>

#include "store/internal/backends.h"
#include "store/internal/pool.h"

namespace tc::store::internal {
namespace {

Status SqliteError(sqlite3* db, int rc, std::string_view sql) {
  const int ext = sqlite3_extended_errcode(db);
  std::string msg = std::string(sqlite3_errmsg(db)) + " [in: " + StatementHead(sql) + "]";
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY ||
        ext == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return Conflict(msg);
    }
    if (ext == SQLITE_CONSTRAINT_TRIGGER) return PermissionDenied(msg);
    return InvalidArgument(msg);
  }
  if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) return Unavailable(msg);
  return Internal(msg);
}

void Bind(sqlite3_stmt* stmt, int idx, const Value& v) {
  if (auto p = std::get_if<int64_t>(&v)) {
    sqlite3_bind_int64(stmt, idx, *p);
  } else if (auto p = std::get_if<double>(&v)) {
    sqlite3_bind_double(stmt, idx, *p);
  } else if (auto p = std::get_if<std::string>(&v)) {
    sqlite3_bind_text(stmt, idx, p->data(), static_cast<int>(p->size()), SQLITE_TRANSIENT);
  } else {
    sqlite3_bind_null(stmt, idx);
  }
}

class SqliteBulk final : public BulkWriter {
 public:
  SqliteBulk(sqlite3* db, sqlite3_stmt* stmt, std::string sql) : db_(db), stmt_(stmt), sql_(std::move(sql)) {}
  ~SqliteBulk() override { sqlite3_finalize(stmt_); }
  Status Add(const Params& row) override {
    for (size_t i = 0; i < row.size(); ++i) Bind(stmt_, static_cast<int>(i + 1), row[i]);
    const int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, sql_);
    ++rows_;
    return Status::Ok();
  }
  Result<int64_t> Finish() override { return rows_; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  int64_t rows_ = 0;
};

class SqliteConn final : public Conn {
 public:
  explicit SqliteConn(sqlite3* db) : db_(db) {}
  ~SqliteConn() override {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  Result<Rows> Query(std::string_view sql, const Params& params) override {
    sqlite3_stmt* stmt = nullptr;
    auto it = cache_.find(std::string(sql));
    if (it != cache_.end()) {
      stmt = it->second;
    } else {
      int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
      if (cache_.size() > 256) {
        for (auto& [s, st] : cache_) sqlite3_finalize(st);
        cache_.clear();
      }
      cache_.emplace(std::string(sql), stmt);
    }
    struct Reset {
      sqlite3_stmt* s;
      ~Reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
      }
    } reset{stmt};
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return Internal("statement expects " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                      " parameters, got " + std::to_string(params.size()) + " [in: " + StatementHead(sql) + "]");
    }
    for (size_t i = 0; i < params.size(); ++i) Bind(stmt, static_cast<int>(i + 1), params[i]);
    Rows out;
    const int ncol = sqlite3_column_count(stmt);
    for (int c = 0; c < ncol; ++c) out.columns.emplace_back(sqlite3_column_name(stmt, c));
    for (;;) {
      int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return SqliteError(db_, rc, sql);
      Row row;
      row.cells.reserve(ncol);
      for (int c = 0; c < ncol; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_INTEGER: row.cells.emplace_back(int64_t{sqlite3_column_int64(stmt, c)}); break;
          case SQLITE_FLOAT: row.cells.emplace_back(sqlite3_column_double(stmt, c)); break;
          case SQLITE_NULL: row.cells.emplace_back(std::monostate{}); break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            row.cells.emplace_back(std::string(text, sqlite3_column_bytes(stmt, c)));
          }
        }
      }
      out.rows.push_back(std::move(row));
    }
    out.affected = sqlite3_changes64(db_);
    return out;
  }

  Status ScanInts(std::string_view sql, const Params& params,
                  const std::function<void(std::span<const int64_t>)>& fn) override {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
    std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)> guard(stmt, &sqlite3_finalize);
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return Internal("statement expects " + std::to_string(sqlite3_bind_parameter_count(stmt)) +
                      " parameters, got " + std::to_string(params.size()) + " [in: " + StatementHead(sql) + "]");
    }
    for (size_t i = 0; i < params.size(); ++i) Bind(stmt, static_cast<int>(i + 1), params[i]);
    std::vector<int64_t> cells(sqlite3_column_count(stmt));
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      for (size_t c = 0; c < cells.size(); ++c) cells[c] = sqlite3_column_int64(stmt, static_cast<int>(c));
      fn(cells);
    }
    if (rc != SQLITE_DONE) return SqliteError(db_, rc, sql);
    return Status::Ok();
  }

  Result<std::unique_ptr<BulkWriter>> Bulk(std::string_view table, const std::vector<std::string>& columns) override {
    std::string sql = "INSERT INTO " + std::string(table) + " (";
    std::string marks;
    for (size_t i = 0; i < columns.size(); ++i) {
      sql += (i ? ", " : "") + columns[i];
      marks += i ? ", ?" : "?";
    }
    sql += ") VALUES (" + marks + ")";
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, sql);
    return std::unique_ptr<BulkWriter>(new SqliteBulk(db_, stmt, std::move(sql)));
  }

  Status ExecScript(std::string_view sql) override {
    char* err = nullptr;
    int rc = sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
      Status s = SqliteError(db_, rc, sql);
      sqlite3_free(err);
      return s;
    }
    return Status::Ok();
  }

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteStore final : public Store {
 public:
  SqliteStore(std::string path, const OpenOptions& options)
      : path_(std::move(path)),
        pool_(path_ == ":memory:" ? 1 : options.pool_size,
              [this, timeout = options.busy_timeout_ms] { return Connect(timeout); }) {}

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return "sqlite:" + path_; }

  Result<std::unique_ptr<Conn>> Connect(int busy_timeout_ms) {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path_.c_str(), &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
      std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
      sqlite3_close_v2(db);
      return Unavailable("cannot open SQLite database '" + path_ + "': " + msg);
    }
    sqlite3_busy_timeout(db, busy_timeout_ms);
    auto conn = std::make_unique<SqliteConn>(db);
    Status s = conn->ExecScript(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    if (!s.ok()) return Unavailable("cannot set up SQLite database '" + path_ + "': " + s.message());
    return std::unique_ptr<Conn>(std::move(conn));
  }

  Status Tx(const std::function<Status(Conn&)>& fn) override { return Run("BEGIN IMMEDIATE", fn); }
  Status Read(const std::function<Status(Conn&)>& fn) override { return Run("BEGIN", fn); }
  // PRAGMA foreign_keys only takes effect outside a transaction; the connection
  // goes back to the pool with it on again (or is dropped if that fails).
  Status CheckedBulkTx(const std::function<Status(Conn&)>& fn) override {
    return Run("BEGIN IMMEDIATE", fn, /*foreign_keys=*/false);
  }

 private:
  Status Run(const char* begin, const std::function<Status(Conn&)>& fn, bool foreign_keys = true) {
    TC_ASSIGN_OR_RETURN(auto lease, pool_.Acquire());
    if (!foreign_keys) {
      TC_RETURN_IF_ERROR(lease->ExecScript("PRAGMA foreign_keys=OFF"));
      struct Restore {
        decltype(lease)& l;
        ~Restore() {
          if (l.operator->() == nullptr) return;
          // The pragma is silently ignored inside a transaction left open by a failed
          // ROLLBACK: read it back, and drop the connection unless it is on.
          auto on = l->ExecScript("PRAGMA foreign_keys=ON").ok() ? l->Query("PRAGMA foreign_keys", {})
                                                                  : Result<Rows>(Internal("foreign_keys"));
          if (!on.ok() || on->empty() || on->rows[0].Int(0) != 1) l.Discard();
        }
      } restore{lease};
      return Begun(lease, begin, fn);
    }
    return Begun(lease, begin, fn);
  }

  template <typename Lease>
  Status Begun(Lease& lease, const char* begin, const std::function<Status(Conn&)>& fn) {
    TC_RETURN_IF_ERROR(lease->ExecScript(begin));
    Status s;
    try {
      s = fn(*lease);
    } catch (...) {
      (void)lease->ExecScript("ROLLBACK");
      throw;
    }
    if (!s.ok()) {
      if (!lease->ExecScript("ROLLBACK").ok()) lease.Discard();
      return s;
    }
    Status c = lease->ExecScript("COMMIT");
    if (!c.ok()) {
      if (!lease->ExecScript("ROLLBACK").ok()) lease.Discard();
    }
    return c;
  }

  std::string path_;
  Pool<Conn> pool_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenSqlite(const std::string& path, const OpenOptions& options) {
  auto store = std::make_unique<SqliteStore>(path, options);
  // Open one connection now so a bad path fails at Open, not at first use.
  Status s = store->Read([](Conn&) { return Status::Ok(); });
  if (!s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace tc::store::internal
