// Test support: fresh databases on both backends. Used by unit and API tests only.
// The PostgreSQL server is the throwaway one tests/pg.sh starts (a ctest fixture);
// its admin URL is read from the file named by the TC_PG_ENV environment variable.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace tc::store {
class Store;
}  // namespace tc::store

namespace tc::store::testing {

// The admin URL of the test PostgreSQL server, or Unavailable saying why not.
Result<std::string> PgAdminUrl();
// Creates a uniquely named empty database on the test server; returns its URL.
Result<std::string> CreatePgDatabase(std::string_view prefix);
// A path for a new SQLite file in a fresh temporary folder.
std::string TempSqlitePath(std::string_view prefix);
// A URL for a fresh database: "sqlite" → a temp file, "postgres" → a new test database.
Result<std::string> FreshDatabaseUrl(std::string_view backend, std::string_view prefix);

// PostgreSQL: true once a session of the store's database waits for an advisory lock
// (store::LockIdOrder), polled every 10 ms for at most ten seconds; false otherwise.
bool SomeoneWaitsForAnAdvisoryLock(Store& store);

}  // namespace tc::store::testing
