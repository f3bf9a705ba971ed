#include "store/testing.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <vector>
#include <mutex>
#include <fstream>
#include <thread>

#include "base/crypto.h"
#include "store/store.h"

namespace tc::store::testing {

Result<std::string> PgAdminUrl() {
  const char* env = std::getenv("TC_PG_ENV");
  if (!env || !*env) return Unavailable("TC_PG_ENV is not set: run the tests through ctest (make test)");
  std::ifstream in(env);
  if (!in) return Unavailable(std::string("no test PostgreSQL server: cannot read ") + env);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("TC_PG_URL=")) {
      std::string v = line.substr(10);
      if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') v = v.substr(1, v.size() - 2);
      return v;
    }
  }
  return Unavailable(std::string("no TC_PG_URL line in ") + env);
}

Result<std::string> CreatePgDatabase(std::string_view prefix) {
  TC_ASSIGN_OR_RETURN(std::string admin, PgAdminUrl());
  TC_RETURN_IF_ERROR(InitCrypto());
  std::string name = std::string(prefix) + "_" + std::to_string(getpid()) + "_" + RandomHex(4);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  {
    OpenOptions one;
    one.pool_size = 1;
    TC_ASSIGN_OR_RETURN(auto store, Store::Open(admin, one));
    // CREATE DATABASE cannot run inside a transaction block: commit the one Read opened first.
    TC_RETURN_IF_ERROR(store->Read([&](Conn& c) -> Status {
      TC_RETURN_IF_ERROR(c.ExecScript("COMMIT"));
      Status s = c.ExecScript("CREATE DATABASE " + name);
      TC_RETURN_IF_ERROR(c.ExecScript("BEGIN"));
      return s;
    }));
  }
  const auto at = admin.find("/postgres?");
  if (at == std::string::npos) return Internal("unexpected test admin URL " + admin);
  return admin.substr(0, at) + "/" + name + admin.substr(at + 9);
}

namespace {

// The folders TempSqlitePath made, removed when the test process exits (a generated
// city's database is a gigabyte; left behind, they filled the disk).
struct TempDirs {
  std::mutex mu;
  std::vector<std::filesystem::path> dirs;
  static TempDirs& Get() {
    static TempDirs* t = [] {
      auto* made = new TempDirs;
      std::atexit([] {
        TempDirs& all = Get();
        std::lock_guard lock(all.mu);
        std::error_code ec;
        for (const auto& d : all.dirs) std::filesystem::remove_all(d, ec);
      });
      return made;
    }();
    return *t;
  }
};

}  // namespace

std::string TempSqlitePath(std::string_view prefix) {
  static std::atomic<int> counter{0};
  (void)InitCrypto();
  auto dir = std::filesystem::temp_directory_path() /
             ("tc-" + std::string(prefix) + "-" + std::to_string(getpid()) + "-" +
              std::to_string(counter++) + "-" + RandomHex(3));
  std::filesystem::create_directories(dir);
  TempDirs& temp = TempDirs::Get();
  {
    std::lock_guard lock(temp.mu);
    temp.dirs.push_back(dir);
  }
  return (dir / "test.db").string();
}

Result<std::string> FreshDatabaseUrl(std::string_view backend, std::string_view prefix) {
  if (backend == "sqlite") return "sqlite:" + TempSqlitePath(prefix);
  if (backend == "postgres") return CreatePgDatabase(prefix);
  return InvalidArgument("unknown backend " + std::string(backend));
}

bool SomeoneWaitsForAnAdvisoryLock(Store& store) {
  for (int i = 0; i < 1000; ++i) {
    int64_t waiting = 0;
    Status s = store.Read([&](Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(auto r, c.Query("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                                          "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"));
      waiting = r[0].Int(0);
      return Status::Ok();
    });
    if (!s.ok()) return false;
    if (waiting > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

}  // namespace tc::store::testing
