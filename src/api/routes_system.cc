// GET /api/v1/health and GET /api/v1/openapi.json: public.
#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"

namespace tc::api {

void Api::AddSystemRoutes() {
  router_.Add("GET", "/api/v1/health",
              {.summary = "Liveness and store health",
               .tag = "system",
               .access = Access::kPublic,
               .response_schema = R"({"type":"object","properties":{"status":{"type":"string"},
                 "version":{"type":"string"},"database":{"type":"string"},"schema_version":{"type":"integer"},
                 "time":{"type":"string"}}})"},
              [this](Context&) -> Result<Reply> {
                TC_ASSIGN_OR_RETURN(int version, deps_.store.SchemaVersion());
                return JsonReply({{"status", "ok"},
                                  {"version", deps_.version},
                                  {"database", deps_.store.dialect() == store::Dialect::kSqlite ? "sqlite" : "postgresql"},
                                  {"schema_version", version},
                                  {"time", FormatShanghai(deps_.clock.Now())}});
              });
  router_.Add("GET", "/api/v1/openapi.json",
              {.summary = "This API's OpenAPI 3 document",
               .tag = "system",
               .access = Access::kPublic,
               .response_schema = R"({"type":"object"})"},
              [this](Context&) -> Result<Reply> {
                Reply r;
                r.body = openapi_;
                return r;
              });
}

}  // namespace tc::api
