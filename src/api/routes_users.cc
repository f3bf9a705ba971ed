// Accounts within the caller's jurisdiction.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "api/render.h"
#include "auth/roles.h"

namespace tc::api {

void Api::AddUserRoutes() {
  router_.Add("GET", "/api/v1/users",
              {.summary = "Users whose jurisdiction lies under yours",
               .tag = "users",
               .permission = std::string(auth::perm::kUserRead),
               .response_schema = R"({"type":"object","properties":{"items":{"type":"array"}}})"},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto users, deps_.accounts.ListUsers(ctx.principal().area_path));
                nlohmann::json items = nlohmann::json::array();
                for (const auto& u : users) items.push_back(UserJson(u));
                return JsonReply({{"items", items}});
              });
  router_.Add("POST", "/api/v1/users",
              {.summary = "Create a user bound to an area in your jurisdiction",
               .tag = "users",
               .permission = std::string(auth::perm::kUserWrite),
               .request_schema = R"({"type":"object","required":["username","password","role","area_code"],
                 "additionalProperties":false,"properties":{"username":{"type":"string"},
                 "display_name":{"type":"string"},"password":{"type":"string","minLength":8},
                 "role":{"type":"string","enum":["admin","commander","area_operator","grid_worker",
                 "hotline_agent","department_handler","enterprise_user","resident","sampler",
                 "lab_technician", "checkpoint_staff", "site_staff", "medical_staff"]},
                 "area_code":{"type":"string"},"resident_id":{"type":"integer"}}})",
               .response_schema = R"({"type":"object"})",
               .success_status = 201},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                auth::NewUser nu;
                nu.username = f.String("username", {.required = true, .max_bytes = 64});
                nu.display_name = f.String("display_name", {.max_bytes = 100});
                nu.password = f.String("password", {.required = true, .max_bytes = 256});
                nu.role = f.String("role", {.required = true, .max_bytes = 32});
                nu.area_code = f.String("area_code", {.required = true, .max_bytes = 64});
                nu.resident_id = f.Int("resident_id", false).value_or(0);
                TC_RETURN_IF_ERROR(
                    f.Finish({"username", "display_name", "password", "role", "area_code", "resident_id"}));
                TC_ASSIGN_OR_RETURN(auto area, CoveredArea(ctx, nu.area_code, "area_code"));
                nu.area_path = area.path;
                if (nu.resident_id > 0) {
                  // The resident must live under the account's node (and so the creator's).
                  auto person = deps_.residents.Get(nu.resident_id);
                  if (!person.ok()) return FieldInvalid("resident_id", "resident " + std::to_string(nu.resident_id) +
                                                                           " does not exist");
                  auto home = deps_.screening.PersonPath(nu.resident_id);
                  if (home.empty() || !home.starts_with(area.path)) {
                    return FieldInvalid("resident_id", "resident " + std::to_string(nu.resident_id) +
                                                           " does not live under " + area.code);
                  }
                }
                TC_ASSIGN_OR_RETURN(auto user, deps_.accounts.CreateUser(nu, ctx.actor()));
                return JsonReply(UserJson(user), 201);
              });
  router_.Add("POST", "/api/v1/users/{username}/disable",
              {.summary = "Disable a user and revoke their sessions",
               .tag = "users",
               .permission = std::string(auth::perm::kUserWrite),
               .success_status = 204},
              [this](Context& ctx) -> Result<Reply> {
                const std::string username(ctx.Param("username"));
                TC_ASSIGN_OR_RETURN(auto user, deps_.accounts.FindUser(username));
                TC_RETURN_IF_ERROR(ctx.RequireCovers(user.area_path, "user '" + username + "'"));
                if (user.id == ctx.principal().user_id) return Conflict("you cannot disable your own account");
                TC_RETURN_IF_ERROR(deps_.accounts.DisableUser(username, ctx.actor()));
                return Reply{.status = 204};
              });
}

}  // namespace tc::api
