// JSON renderings of module records shared by several route files.
#pragma once

#include <nlohmann/json.hpp>

#include "audit/audit.h"
#include "auth/accounts.h"
#include "registry/areas.h"
#include "registry/grid.h"
#include "registry/residents.h"

namespace tc::api {

nlohmann::json PrincipalJson(const auth::Principal& p);
nlohmann::json UserJson(const auth::User& u);
nlohmann::json AreaJson(const registry::Area& a);
nlohmann::json AuditJson(const audit::Entry& e);
// ID number and phone masked (220102********123X, 138****5678) unless `unmasked`.
nlohmann::json ResidentJson(const registry::Resident& r, bool unmasked);
nlohmann::json CoverageJson(const registry::CoverageReport& r);

}  // namespace tc::api
