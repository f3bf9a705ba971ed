#include "store/store.h"

#include <charconv>
#include <cstdio>

#include "base/time.h"
#include "store/internal/backends.h"
#include "store/migrations.h"

namespace tc::store {

int64_t Row::Int(size_t i) const {
  const Value& v = cells.at(i);
  if (auto p = std::get_if<int64_t>(&v)) return *p;
  if (auto p = std::get_if<double>(&v)) return static_cast<int64_t>(*p);
  if (auto p = std::get_if<std::string>(&v)) {
    int64_t out = 0;
    std::from_chars(p->data(), p->data() + p->size(), out);
    return out;
  }
  return 0;
}

double Row::Double(size_t i) const {
  const Value& v = cells.at(i);
  if (auto p = std::get_if<double>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return static_cast<double>(*p);
  if (auto p = std::get_if<std::string>(&v)) return std::strtod(p->c_str(), nullptr);
  return 0;
}

std::string Row::Text(size_t i) const {
  const Value& v = cells.at(i);
  if (auto p = std::get_if<std::string>(&v)) return *p;
  if (auto p = std::get_if<int64_t>(&v)) return std::to_string(*p);
  if (auto p = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", *p);
    return buf;
  }
  return "";
}

std::optional<std::string> Row::OptText(size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

Result<std::unique_ptr<Store>> Store::Open(std::string_view url, const OpenOptions& options) {
  if (url.starts_with("sqlite:")) {
    std::string path(url.substr(7));
    if (path.starts_with("//")) path = path.substr(2);  // sqlite://PATH is accepted too
    if (path.empty()) return InvalidArgument("--db: sqlite URL needs a path, e.g. sqlite:./tongchou.db");
    return internal::OpenSqlite(path, options);
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return internal::OpenPostgres(std::string(url), options);
  }
  return InvalidArgument("--db: unknown database URL '" + std::string(url) +
                         "' (expected sqlite:PATH or postgresql://...)");
}

namespace internal {

std::string StatementHead(std::string_view sql) {
  std::string s(sql.substr(0, 60));
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return s;
}

}  // namespace internal

std::string PrefixEnd(std::string_view prefix) {
  std::string out(prefix);
  if (!out.empty()) out.back() = static_cast<char>(out.back() + 1);
  return out;
}

std::string RewritePlaceholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int n = 0;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
      out += c;
    } else if (c == '\'' || c == '"') {
      quote = c;
      out += c;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(++n);
    } else {
      out += c;
    }
  }
  return out;
}

Result<int> Store::SchemaVersion() {
  int version = 0;
  Status s = Read([&](Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    version = static_cast<int>(rows[0].Int(0));
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return version;
}

Status Store::Migrate() {
  // The bookkeeping table itself is created idempotently outside the numbered list.
  TC_RETURN_IF_ERROR(Tx([](Conn& c) {
    return c.ExecScript(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
  }));
  for (const Migration& m : AllMigrations()) {
    TC_RETURN_IF_ERROR(Tx([&](Conn& c) -> Status {
      if (c.dialect() == Dialect::kPostgres) {
        // Serialise concurrent migrators (two servers starting at once).
        TC_RETURN_IF_ERROR(c.Query("SELECT pg_advisory_xact_lock(7201022001)").status());
      }
      TC_ASSIGN_OR_RETURN(auto done,
                          c.Query("SELECT 1 FROM schema_migrations WHERE version = ?", {int64_t{m.version}}));
      if (!done.empty()) return Status::Ok();
      Status s = c.ExecScript(RenderMigration(m, c.dialect()));
      if (!s.ok()) {
        return Internal("migration " + std::to_string(m.version) + " (" + m.name + ") failed: " + s.message());
      }
      return c.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                    {int64_t{m.version}, m.name, NowMillis()})
          .status();
    }));
  }
  return Status::Ok();
}

Status LockIdOrder(Conn& c, int64_t key) {
  if (c.dialect() == Dialect::kSqlite) return Status::Ok();
  return c.Query("SELECT pg_advisory_xact_lock(?)", {key}).status();
}

}  // namespace tc::store
