// Login, logout and "who am I".
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "api/render.h"

namespace tc::api {

void Api::AddAuthRoutes() {
  router_.Add("POST", "/api/v1/auth/login",
              {.summary = "Exchange username and password for a bearer token (429 with Retry-After while throttled)",
               .tag = "auth",
               .access = Access::kPublic,
               .request_schema = R"({"type":"object","required":["username","password"],"additionalProperties":false,
                 "properties":{"username":{"type":"string"},"password":{"type":"string"}}})",
               .response_schema = R"({"type":"object","properties":{"token":{"type":"string"},
                 "expires_at":{"type":"string","format":"date-time"},"user":{"type":"object"}}})"},
              [this](Context& ctx) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(auto body, ctx.JsonBody());
                FieldReader f(body);
                const std::string username = f.String("username", {.required = true, .max_bytes = 64});
                const std::string password = f.String("password", {.required = true, .max_bytes = 256});
                TC_RETURN_IF_ERROR(f.Finish({"username", "password"}));
                TC_ASSIGN_OR_RETURN(auto login, deps_.accounts.Login(username, password, ctx.client_addr(),
                                                                     ctx.request_id()));
                return JsonReply({{"token", login.token},
                                  {"expires_at", FormatShanghai(login.principal.expires_at)},
                                  {"user", PrincipalJson(login.principal)}});
              });
  router_.Add("POST", "/api/v1/auth/logout",
              {.summary = "Revoke the bearer token of this request", .tag = "auth", .access = Access::kLoggedIn,
               .success_status = 204},
              [this](Context& ctx) -> Result<Reply> {
                std::string_view h = ctx.request().Header("authorization");
                TC_RETURN_IF_ERROR(deps_.accounts.Logout(h.substr(7), ctx.request_id()));
                return Reply{.status = 204};
              });
  router_.Add("GET", "/api/v1/auth/me",
              {.summary = "The logged-in user, role, permissions and jurisdiction",
               .tag = "auth",
               .access = Access::kLoggedIn,
               .response_schema = R"({"type":"object"})"},
              [this](Context& ctx) -> Result<Reply> {
                nlohmann::json me = PrincipalJson(ctx.principal());
                auto area = deps_.areas.Get(ctx.principal().area_code);
                if (area.ok()) me["area"] = AreaJson(*area);
                return JsonReply(me);
              });
}

}  // namespace tc::api
