#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "audit/audit.h"
#include "auth/accounts.h"
#include "registry/areas.h"
#include "registry/lookup.h"

namespace tc::app {
namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "tongchou: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int RunCreateUser(const AdminUserOptions& o) {
  std::string password;
  if (!std::getline(std::cin, password)) {
    std::fprintf(stderr, "tongchou: --password-stdin: no password on standard input\n");
    return 2;
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  registry::Areas areas(*store, Clock::System());
  auto area = areas.Get(o.area);
  if (!area.ok()) return Fail(FieldInvalid("--area", area.status().message()));
  auth::Accounts accounts(*store, Clock::System(), {});
  if (o.resident_id != 0) {
    auto person = store->Read([&](store::Conn& c) { return registry::Person(c, o.resident_id).status(); });
    if (!person.ok()) return Fail(FieldInvalid("--resident", person.message()));
  }
  auto user = accounts.CreateUser(
      {o.username, o.display_name, password, o.role, area->code, area->path, o.resident_id}, {CliActor(), ""});
  if (!user.ok()) return Fail(user.status());
  std::printf("created user %s (id %lld), role %s, area %s %s\n", user->username.c_str(),
              static_cast<long long>(user->id), std::string(auth::RoleName(user->role)).c_str(),
              area->code.c_str(), area->name.c_str());
  return 0;
}

int RunListUsers(const std::string& db) {
  auto store = OpenMigrated(db);
  if (!store) return 1;
  auth::Accounts accounts(*store, Clock::System(), {});
  auto users = accounts.ListUsers("/");
  if (!users.ok()) return Fail(users.status());
  std::printf("%-24s %-20s %-14s %-9s %s\n", "USERNAME", "ROLE", "AREA", "STATE", "CREATED");
  for (const auto& u : *users) {
    std::printf("%-24s %-20s %-14s %-9s %s\n", u.username.c_str(), std::string(auth::RoleName(u.role)).c_str(),
                u.area_code.c_str(), u.disabled ? "disabled" : "active", FormatShanghai(u.created_at).c_str());
  }
  return 0;
}

int RunDisableUser(const std::string& db, const std::string& username) {
  auto store = OpenMigrated(db);
  if (!store) return 1;
  auth::Accounts accounts(*store, Clock::System(), {});
  if (Status s = accounts.DisableUser(username, {CliActor(), ""}); !s.ok()) return Fail(s);
  std::printf("disabled user %s and revoked their sessions\n", username.c_str());
  return 0;
}

int RunVerifyAudit(const std::string& db) {
  auto store = OpenMigrated(db);
  if (!store) return 2;
  auto report = audit::Verify(*store);
  if (!report.ok()) {
    Fail(report.status());
    return 2;
  }
  if (report->ok()) {
    std::printf("audit log intact: %lld entries verified\n", static_cast<long long>(report->checked));
    return 0;
  }
  std::printf("audit log BROKEN at entry %lld: %s (%lld entries read)\n",
              static_cast<long long>(report->broken_seq.value_or(0)), report->problem.c_str(),
              static_cast<long long>(report->checked));
  return 1;
}

int RunCreateArea(const AdminAreaOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  registry::Areas areas(*store, Clock::System());
  auto area = areas.Create({o.code, o.parent, o.name, o.level}, {CliActor(), ""});
  if (!area.ok()) return Fail(area.status());
  std::printf("created %s %s %s\n", std::string(registry::LevelName(area->level)).c_str(), area->code.c_str(),
              area->name.c_str());
  return 0;
}

}  // namespace tc::app
