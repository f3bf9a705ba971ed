// Versioned schema migrations. Each migration has a version, a name and SQL for
// both dialects (mostly shared text with a few tokens replaced per dialect:
// {{PK}} → an auto-increment BIGINT primary key, {{BINARY}} → byte-order collation). Applied in order inside one
// transaction each, and recorded in schema_migrations. Modules append their own.
#pragma once

#include <string>
#include <vector>

#include "store/store.h"

namespace tc::store {

struct Migration {
  int version;
  std::string name;
  std::string sql;           // dialect-neutral with {{PK}}/{{BINARY}} tokens
  std::string sqlite_extra;  // appended for SQLite only (triggers and the like)
  std::string postgres_extra;  // appended for PostgreSQL only
};

// All migrations in version order. The list only grows; a released migration is never edited.
const std::vector<Migration>& AllMigrations();

// The SQL text of a migration for a dialect (tokens replaced).
std::string RenderMigration(const Migration& m, Dialect d);

}  // namespace tc::store
