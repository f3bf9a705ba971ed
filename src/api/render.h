// JSON renderings of module records shared by several route files.
#pragma once

#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "auth/accounts.h"
#include "registry/areas.h"

namespace tc::api {

nlohmann::json PrincipalJson(const auth::Principal& p);
nlohmann::json UserJson(const auth::User& u);
nlohmann::json AreaJson(const registry::Area& a);
nlohmann::json AuditJson(const audit::Entry& e);

}  // namespace tc::api
