// Builds the OpenAPI 3.0 document from the router's routes and their docs, so
// the document and the server cannot drift apart (openapi_test.cc checks both ways).
#include <nlohmann/json.hpp>

#include "api/api.h"

namespace tc::api {
namespace {

nlohmann::json ParseSchema(const std::string& text, const std::string& where) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded()) throw std::logic_error("invalid JSON schema in route doc of " + where);
  return j;
}

std::string OperationId(const Route& r) {
  std::string id = r.method;
  for (char& c : id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool up = true;
  for (size_t i = std::string("/api/v1").size(); i < r.pattern.size(); ++i) {
    const char c = r.pattern[i];
    if (c == '/' || c == '-' || c == '{' || c == '}' || c == '.') {
      up = true;
      continue;
    }
    id += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return id;
}

}  // namespace

std::string Api::OpenApiJson() const {
  if (!openapi_.empty()) return openapi_;
  nlohmann::json paths = nlohmann::json::object();
  const nlohmann::json problem_ref = {{"$ref", "#/components/schemas/Problem"}};
  for (const Route& r : router_.routes()) {
    nlohmann::json op = {{"summary", r.doc.summary}, {"operationId", OperationId(r)}, {"tags", {r.doc.tag}}};
    nlohmann::json params = nlohmann::json::array();
    for (const auto& seg : r.segments) {
      if (seg.size() > 2 && seg.front() == '{') {
        params.push_back({{"name", seg.substr(1, seg.size() - 2)},
                          {"in", "path"},
                          {"required", true},
                          {"schema", {{"type", "string"}}}});
      }
    }
    for (const auto& q : r.doc.query) {
      params.push_back({{"name", q.name},
                        {"in", "query"},
                        {"required", q.required},
                        {"description", q.description},
                        {"schema", {{"type", q.type}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (!r.doc.request_schema.empty()) {
      op["requestBody"] = {{"required", true},
                           {"content",
                            {{"application/json", {{"schema", ParseSchema(r.doc.request_schema, r.pattern)}}}}}};
    }
    nlohmann::json ok = {{"description", "success"}};
    if (!r.doc.response_schema.empty()) {
      ok["content"] = {{"application/json", {{"schema", ParseSchema(r.doc.response_schema, r.pattern)}}}};
    }
    op["responses"] = {{std::to_string(r.doc.success_status), ok},
                       {"default",
                        {{"description", "an error, as RFC 9457 problem details"},
                         {"content", {{"application/problem+json", {{"schema", problem_ref}}}}}}}};
    if (r.doc.access == Access::kPublic) {
      op["security"] = nlohmann::json::array();
    } else {
      op["security"] = {{{"bearer", nlohmann::json::array()}}};
      if (r.doc.access == Access::kPermission) op["x-permission"] = r.doc.permission;
    }
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.pattern][method] = op;
  }
  nlohmann::json doc = {
      {"openapi", "3.0.3"},
      {"info",
       {{"title", "Tongchou (统筹) city operations API"},
        {"version", deps_.version},
        {"description",
         "Epidemic control and economic and social recovery, run together. Every endpoint except login, health "
         "and this document needs a bearer token; every error is RFC 9457 problem+json."}}},
      {"servers", {{{"url", "/"}}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas",
         {{"Problem",
           {{"type", "object"},
            {"properties",
             {{"type", {{"type", "string"}}},
              {"title", {{"type", "string"}}},
              {"status", {{"type", "integer"}}},
              {"detail", {{"type", "string"}}},
              {"instance", {{"type", "string"}}},
              {"request_id", {{"type", "string"}}},
              {"errors",
               {{"type", "array"},
                {"items",
                 {{"type", "object"},
                  {"properties",
                   {{"field", {{"type", "string"}}},
                    {"pointer", {{"type", "string"}}},
                    {"message", {{"type", "string"}}}}}}}}}}}}}}}}}};
  return doc.dump(2);
}

}  // namespace tc::api
