// PostgreSQL backend over libpq: a pool of connections, text-format parameters
// ($n rewritten from ?), results converted by column type. A connection that
// breaks is discarded and a fresh one opened on the next borrow.
#include <libpq-fe.h>

#include <cstdio>
#include <memory>
#include <string>

#include "store/internal/backends.h"
#include "store/internal/pool.h"

namespace tc::store::internal {
namespace {

// Type OIDs from pg_type.h (stable across PostgreSQL versions).
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kFloat4Oid = 700,
              kFloat8Oid = 701, kOidOid = 26;

std::string Redact(const std::string& url) {
  // postgresql://user:secret@host/db → postgresql://user:***@host/db
  auto scheme = url.find("://");
  auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

// COPY ... FROM STDIN in text format: rows buffered and sent in 1 MiB pieces.
class PgBulk final : public BulkWriter {
 public:
  PgBulk(PGconn* conn, std::string table) : conn_(conn), table_(std::move(table)) {}
  ~PgBulk() override {
    if (!finished_) PQputCopyEnd(conn_, "abandoned");  // the transaction fails, as it should
    if (!finished_) (void)Drain();
  }
  Status Add(const Params& row) override {
    for (size_t i = 0; i < row.size(); ++i) {
      if (i) buf_ += '\t';
      const Value& v = row[i];
      if (auto p = std::get_if<int64_t>(&v)) {
        buf_ += std::to_string(*p);
      } else if (auto p = std::get_if<double>(&v)) {
        char tmp[32];
        std::snprintf(tmp, sizeof tmp, "%.17g", *p);
        buf_ += tmp;
      } else if (auto p = std::get_if<std::string>(&v)) {
        for (char c : *p) {
          switch (c) {
            case '\\': buf_ += "\\\\"; break;
            case '\t': buf_ += "\\t"; break;
            case '\n': buf_ += "\\n"; break;
            case '\r': buf_ += "\\r"; break;
            default: buf_ += c;
          }
        }
      } else {
        buf_ += "\\N";
      }
    }
    buf_ += '\n';
    ++rows_;
    if (buf_.size() >= (1 << 20)) return Flush();
    return Status::Ok();
  }
  Result<int64_t> Finish() override {
    TC_RETURN_IF_ERROR(Flush());
    finished_ = true;
    if (PQputCopyEnd(conn_, nullptr) != 1) return Unavailable(std::string("COPY end: ") + PQerrorMessage(conn_));
    Status s = Drain();
    if (!s.ok()) return s;
    return rows_;
  }

 private:
  Status Flush() {
    if (buf_.empty()) return Status::Ok();
    if (PQputCopyData(conn_, buf_.data(), static_cast<int>(buf_.size())) != 1) {
      return Unavailable(std::string("COPY data: ") + PQerrorMessage(conn_));
    }
    buf_.clear();
    return Status::Ok();
  }
  Status Drain() {
    Status s;
    while (PGresult* res = PQgetResult(conn_)) {
      if (PQresultStatus(res) != PGRES_COMMAND_OK && s.ok()) {
        const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        std::string msg = std::string(PQresultErrorMessage(res)) + " [in: COPY " + table_ + "]";
        s = state && (std::string(state) == "23505" || std::string(state) == "23503") ? Conflict(msg) : Internal(msg);
      }
      PQclear(res);
    }
    return s;
  }
  PGconn* conn_;
  std::string table_;
  std::string buf_;
  int64_t rows_ = 0;
  bool finished_ = false;
};

class PgConn final : public Conn {
 public:
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  ~PgConn() override { PQfinish(conn_); }

  Dialect dialect() const override { return Dialect::kPostgres; }
  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }

  Result<Rows> Query(std::string_view sql, const Params& params) override {
    const std::string text = RewritePlaceholders(sql);
    std::vector<std::string> storage(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      const Value& v = params[i];
      if (auto p = std::get_if<int64_t>(&v)) {
        storage[i] = std::to_string(*p);
      } else if (auto p = std::get_if<double>(&v)) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", *p);
        storage[i] = buf;
      } else if (auto p = std::get_if<std::string>(&v)) {
        storage[i] = *p;
      } else {
        continue;  // NULL
      }
      values[i] = storage[i].c_str();
    }
    PGresult* res = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr,
                                 values.data(), nullptr, nullptr, 0);
    std::unique_ptr<PGresult, decltype(&PQclear)> guard(res, &PQclear);
    const ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return Error(res, sql);
    Rows out;
    const int ncol = PQnfields(res);
    const int nrow = PQntuples(res);
    std::vector<Oid> types(ncol);
    for (int c = 0; c < ncol; ++c) {
      out.columns.emplace_back(PQfname(res, c));
      types[c] = PQftype(res, c);
    }
    out.rows.reserve(nrow);
    for (int r = 0; r < nrow; ++r) {
      Row row;
      row.cells.reserve(ncol);
      for (int c = 0; c < ncol; ++c) {
        if (PQgetisnull(res, r, c)) {
          row.cells.emplace_back(std::monostate{});
          continue;
        }
        const char* v = PQgetvalue(res, r, c);
        switch (types[c]) {
          case kInt8Oid:
          case kInt4Oid:
          case kInt2Oid:
          case kOidOid: row.cells.emplace_back(int64_t{std::strtoll(v, nullptr, 10)}); break;
          case kFloat4Oid:
          case kFloat8Oid: row.cells.emplace_back(std::strtod(v, nullptr)); break;
          case kBoolOid: row.cells.emplace_back(int64_t{v[0] == 't' ? 1 : 0}); break;
          default: row.cells.emplace_back(std::string(v, PQgetlength(res, r, c)));
        }
      }
      out.rows.push_back(std::move(row));
    }
    const char* affected = PQcmdTuples(res);
    out.affected = affected && *affected ? std::strtoll(affected, nullptr, 10) : 0;
    return out;
  }

  Status ScanInts(std::string_view sql, const Params& params,
                  const std::function<void(std::span<const int64_t>)>& fn) override {
    const std::string text = RewritePlaceholders(sql);
    std::vector<std::string> storage(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    for (size_t i = 0; i < params.size(); ++i) {
      if (auto p = std::get_if<int64_t>(&params[i])) {
        storage[i] = std::to_string(*p);
      } else if (auto p = std::get_if<std::string>(&params[i])) {
        storage[i] = *p;
      } else {
        continue;
      }
      values[i] = storage[i].c_str();
    }
    PGresult* res = PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()), nullptr, values.data(),
                                 nullptr, nullptr, 0);
    std::unique_ptr<PGresult, decltype(&PQclear)> guard(res, &PQclear);
    const ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return Error(res, sql);
    const int ncol = PQnfields(res), nrow = PQntuples(res);
    std::vector<int64_t> cells(ncol);
    for (int r = 0; r < nrow; ++r) {
      for (int c = 0; c < ncol; ++c) {
        cells[c] = PQgetisnull(res, r, c) ? 0 : std::strtoll(PQgetvalue(res, r, c), nullptr, 10);
      }
      fn(cells);
    }
    return Status::Ok();
  }

  Result<std::unique_ptr<BulkWriter>> Bulk(std::string_view table, const std::vector<std::string>& columns) override {
    std::string sql = "COPY " + std::string(table) + " (";
    for (size_t i = 0; i < columns.size(); ++i) sql += (i ? ", " : "") + columns[i];
    sql += ") FROM STDIN";
    PGresult* res = PQexec(conn_, sql.c_str());
    std::unique_ptr<PGresult, decltype(&PQclear)> guard(res, &PQclear);
    if (PQresultStatus(res) != PGRES_COPY_IN) return Error(res, sql);
    return std::unique_ptr<BulkWriter>(new PgBulk(conn_, std::string(table)));
  }

  Status ExecScript(std::string_view sql) override {
    PGresult* res = PQexec(conn_, std::string(sql).c_str());
    std::unique_ptr<PGresult, decltype(&PQclear)> guard(res, &PQclear);
    const ExecStatusType st = PQresultStatus(res);
    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return Error(res, sql);
    return Status::Ok();
  }

 private:
  Status Error(PGresult* res, std::string_view sql) {
    const char* state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
    std::string msg = PQerrorMessage(conn_);
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    msg += " [in: " + StatementHead(sql) + "]";
    if (broken()) return Unavailable(msg);
    const std::string code = state ? state : "";
    if (code == "23505" || code == "23503") return Conflict(msg);
    if (code == "P0001") return PermissionDenied(msg);  // RAISE EXCEPTION from a trigger
    if (code.starts_with("23") || code.starts_with("22")) return InvalidArgument(msg);
    if (code.starts_with("08") || code == "57P01") return Unavailable(msg);
    return Internal(msg);
  }

  PGconn* conn_;
};

class PgStore final : public Store {
 public:
  PgStore(std::string url, const OpenOptions& options)
      : url_(std::move(url)), pool_(options.pool_size, [this] { return Connect(); }) {}

  Dialect dialect() const override { return Dialect::kPostgres; }
  std::string Describe() const override { return Redact(url_); }

  Result<std::unique_ptr<PgConn>> Connect() {
    PGconn* conn = PQconnectdb(url_.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string msg = conn ? PQerrorMessage(conn) : "out of memory";
      while (!msg.empty() && msg.back() == '\n') msg.pop_back();
      PQfinish(conn);
      return Unavailable("cannot connect to PostgreSQL " + Redact(url_) + ": " + msg);
    }
    auto c = std::make_unique<PgConn>(conn);
    TC_RETURN_IF_ERROR(c->ExecScript("SET client_min_messages = warning; SET TIME ZONE 'Asia/Shanghai'"));
    return c;
  }

  Status Tx(const std::function<Status(Conn&)>& fn) override { return Run("BEGIN", fn); }
  Status Read(const std::function<Status(Conn&)>& fn) override {
    return Run("BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", fn);
  }

 private:
  Status Run(const char* begin, const std::function<Status(Conn&)>& fn) {
    TC_ASSIGN_OR_RETURN(auto lease, pool_.Acquire());
    Status b = lease->ExecScript(begin);
    if (!b.ok()) {
      if (lease->broken()) lease.Discard();
      return b;
    }
    Status s;
    try {
      s = fn(*lease);
    } catch (...) {
      (void)lease->ExecScript("ROLLBACK");
      throw;
    }
    if (!s.ok()) {
      if (!lease->ExecScript("ROLLBACK").ok() || lease->broken()) lease.Discard();
      return s;
    }
    Status c = lease->ExecScript("COMMIT");
    if (!c.ok() && lease->broken()) lease.Discard();
    return c;
  }

  std::string url_;
  Pool<PgConn> pool_;
};

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgres(const std::string& url, const OpenOptions& options) {
  auto store = std::make_unique<PgStore>(url, options);
  Status s = store->Read([](Conn&) { return Status::Ok(); });
  if (!s.ok()) return s;
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace tc::store::internal
