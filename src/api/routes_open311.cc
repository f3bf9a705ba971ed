// Open311 GeoReport v2 under /open311/v2/ (docs/open311.md): the hotline's leaf
// categories as services, requests listed, shown and filed (POST with an api_key
// issued by POST /api/v1/hotline/api-keys), tokens, discovery. Replies are JSON;
// every error is the spec's array of {code, description} with 400, 403 or 404. GET is
// public, so a reply shows no caller, phone or internal note, phone-like numbers in
// descriptions are masked, addresses stop at the compound, and epidemic requests
// (health matters of named people) are not listed.
#include <cmath>

#include <nlohmann/json.hpp>

#include "api/api.h"
#include "api/context.h"
#include "hotline/hotline.h"

namespace tc::api {

using nlohmann::json;

namespace {

constexpr std::string_view kHiddenPrefix = "epidemic.";
constexpr int64_t kMaxResults = 1000;
constexpr Millis kDefaultWindow = 90LL * 86'400'000;

Reply Errors(int status, const std::string& description) {
  Reply r = JsonReply(json::array({{{"code", status}, {"description", description}}}), status);
  r.content_type = "application/json; charset=utf-8";
  return r;
}

int StatusOf(const Status& s) {
  switch (s.code()) {
    case StatusCode::kNotFound: return 404;
    case StatusCode::kUnauthenticated:
    case StatusCode::kPermissionDenied: return 403;
    default: return 400;
  }
}

// Every Open311 handler: a non-ok Status becomes the spec's error array.
HandlerFn Open311(std::function<Result<Reply>(Context&)> fn) {
  return [fn = std::move(fn)](Context& ctx) -> Result<Reply> {
    Result<Reply> r = fn(ctx);
    if (r.ok()) {
      r->content_type = "application/json; charset=utf-8";
      return r;
    }
    const Status& s = r.status();
    if (s.code() == StatusCode::kInternal || s.code() == StatusCode::kUnavailable) {
      return Errors(400, "service error; request id " + ctx.request_id());
    }
    return Errors(StatusOf(s), s.message());
  };
}

// "{x}.json" → x; NotFound for another format.
Result<std::string> JsonFile(std::string_view segment, std::string_view what) {
  if (!segment.ends_with(".json") || segment.size() <= 5) {
    return NotFound(std::string(what) + " '" + std::string(segment) + "': only .json is served");
  }
  return std::string(segment.substr(0, segment.size() - 5));
}

// A value of the request: the query string (GET) or the form body (POST).
std::optional<std::string> Arg(const Context& ctx, std::string_view name) {
  auto v = ctx.request().method == "POST" ? FormField(ctx.request().body, name) : ctx.Query(name);
  if (v && v->empty()) return std::nullopt;  // an empty optional argument counts as absent
  return v;
}

std::vector<std::string> CommaList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t comma = s.find(',', start);
    std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

// Runs of 7 or more digits (phones, ID numbers) in public text become '*'.
std::string MaskNumbers(const std::string& s) {
  std::string out = s;
  size_t i = 0;
  while (i < out.size()) {
    if (out[i] < '0' || out[i] > '9') {
      ++i;
      continue;
    }
    size_t e = i;
    while (e < out.size() && ((out[e] >= '0' && out[e] <= '9') || out[e] == 'X' || out[e] == 'x')) ++e;
    if (e - i >= 7) {
      for (size_t k = i + 3; k < e - 2; ++k) out[k] = '*';
    }
    i = e;
  }
  return out;
}

bool IsLeafService(const hotline::Taxonomy& t, std::string_view code) {
  const hotline::Category* c = t.Find(code);
  return c && c->active && t.IsLeaf(code);
}

json ServiceJson(const hotline::Taxonomy& t, const hotline::Category& c) {
  const std::string_view top = hotline::Taxonomy::TopLevel(c.code);
  const hotline::Category* parent = t.Find(top);
  return {{"service_code", c.code},
          {"service_name", c.name},
          {"description", nullptr},
          {"metadata", false},
          {"type", "realtime"},
          {"keywords", nullptr},
          {"group", parent ? json(parent->name) : json(nullptr)}};
}

json RequestJson311(const hotline::Request& r, const hotline::Hotline& h) {
  const hotline::State st = r.state.status;
  const bool closed = st == hotline::State::kResolved || st == hotline::State::kClosed || st == hotline::State::kMerged;
  json notes = nullptr;
  if (st == hotline::State::kMerged) {
    notes = "Duplicate request; merged into " + std::to_string(r.state.merged_into) + ".";
  } else if (!r.resolution.empty()) {
    notes = MaskNumbers(r.resolution);
  }
  json j = {{"service_request_id", r.number},
            {"status", closed ? "closed" : "open"},
            {"status_notes", notes},
            {"service_name", r.category_name.empty() ? json(nullptr) : json(r.category_name)},
            {"service_code", r.category},
            {"description", MaskNumbers(r.text)},
            {"agency_responsible", r.department_name.empty() ? json(nullptr) : json(r.department_name)},
            {"service_notice", nullptr},
            {"requested_datetime", FormatShanghai(r.state.received_at)},
            {"updated_datetime", FormatShanghai(r.updated_at)},
            {"expected_datetime", r.state.handle_by ? json(FormatShanghai(r.state.handle_by)) : json(nullptr)}};
  // The place, cut at the compound (no building, unit or room in a public reply).
  std::string address = r.area_code.empty() ? std::string() : h.PlaceName(r.area_code, "compound");
  std::string address_id = r.area_code;
  if (const size_t dash = address_id.find('-'); dash != std::string::npos) {
    address_id = address_id.substr(0, address_id.find('-', dash + 1));
  }
  j["address"] = address.empty() ? json(MaskNumbers(r.address_text)) : json(address);
  j["address_id"] = address_id.empty() ? json(nullptr) : json(address_id);
  if (!std::isnan(r.lat) && !std::isnan(r.lon)) {
    j["lat"] = r.lat;
    j["long"] = r.lon;
  }
  return j;
}

}  // namespace

void Api::AddOpen311Routes() {
  hotline::Hotline& h = deps_.hotline;
  const auto jurisdiction = [&h](const Context& ctx) -> Status {
    auto j = Arg(ctx, "jurisdiction_id");
    if (j && *j != h.CityCode()) {
      return NotFound("jurisdiction_id '" + *j + "' not found; this endpoint serves '" + h.CityCode() + "'");
    }
    return Status::Ok();
  };
  const RouteDoc pub = {.summary = "", .tag = "open311", .access = Access::kPublic};
  const auto doc = [&pub](std::string summary) {
    RouteDoc d = pub;
    d.summary = std::move(summary);
    return d;
  };

  router_.Add("GET", "/open311/v2/discovery.json", doc("Open311 service discovery"),
              Open311([this](Context& ctx) -> Result<Reply> {
                const std::string host(ctx.request().Header("host"));
                return JsonReply({{"changeset", "2026-12-06T00:00:00+08:00"},
                                  {"contact", "12345 市民服务热线"},
                                  {"key_service", "POST /api/v1/hotline/api-keys (hotline.manage)"},
                                  {"endpoints", json::array({{{"specification", "http://wiki.open311.org/GeoReport_v2"},
                                                              {"url", "http://" + host + "/open311/v2"},
                                                              {"changeset", "2026-12-06T00:00:00+08:00"},
                                                              {"type", "production"},
                                                              {"formats", json::array({"application/json"})}}})}});
              }));
  router_.Add("GET", "/open311/v2/services.json", doc("Open311: the hotline's categories as services"),
              Open311([&h, jurisdiction](Context& ctx) -> Result<Reply> {
                TC_RETURN_IF_ERROR(jurisdiction(ctx));
                const hotline::Taxonomy t = h.CurrentTaxonomy();
                json items = json::array();
                for (const auto& c : t.categories) {
                  if (IsLeafService(t, c.code)) items.push_back(ServiceJson(t, c));
                }
                return JsonReply(items);
              }));
  router_.Add("GET", "/open311/v2/services/{file}", doc("Open311: a service definition ({service_code}.json)"),
              Open311([&h, jurisdiction](Context& ctx) -> Result<Reply> {
                TC_RETURN_IF_ERROR(jurisdiction(ctx));
                TC_ASSIGN_OR_RETURN(std::string code, JsonFile(ctx.Param("file"), "service"));
                const hotline::Taxonomy t = h.CurrentTaxonomy();
                if (!IsLeafService(t, code)) return NotFound("service_code '" + code + "' not found");
                return JsonReply({{"service_code", code}, {"attributes", json::array()}});
              }));
  router_.Add("GET", "/open311/v2/requests.json",
              doc("Open311: requests, newest first (service_request_id, service_code, status, start_date, end_date)"),
              Open311([&h, jurisdiction, this](Context& ctx) -> Result<Reply> {
                TC_RETURN_IF_ERROR(jurisdiction(ctx));
                hotline::RequestQuery q;
                q.newest_first = true;
                q.limit = kMaxResults;
                q.exclude_prefixes = {std::string(kHiddenPrefix)};
                if (auto ids = Arg(ctx, "service_request_id")) {
                  for (const auto& s : CommaList(*ids)) {
                    const int64_t id = hotline::ParseRequestNumber(s);
                    if (!id) return InvalidArgument("service_request_id '" + s + "' is not a request number");
                    q.ids.push_back(id);
                  }
                } else {
                  const hotline::Taxonomy t = h.CurrentTaxonomy();
                  if (auto codes = Arg(ctx, "service_code")) {
                    for (const auto& c : CommaList(*codes)) {
                      if (!IsLeafService(t, c)) return InvalidArgument("service_code '" + c + "' is not a service");
                      q.categories.push_back(c);
                    }
                  }
                  if (auto st = Arg(ctx, "status")) {
                    for (const auto& s : CommaList(*st)) {
                      if (s == "open") {
                        q.statuses.insert(q.statuses.end(), {"pending_dispatch", "dispatched", "accepted"});
                      } else if (s == "closed") {
                        q.statuses.insert(q.statuses.end(), {"resolved", "closed", "merged"});
                      } else {
                        return InvalidArgument("status '" + s + "' is not open or closed");
                      }
                    }
                  }
                  Millis start = 0, end = 0;
                  if (auto s = Arg(ctx, "start_date")) {
                    auto t0 = ParseTime(*s);
                    if (!t0.ok()) return InvalidArgument("start_date '" + *s + "' is not a W3C date-time");
                    start = *t0;
                  }
                  if (auto e = Arg(ctx, "end_date")) {
                    auto t1 = ParseTime(*e);
                    if (!t1.ok()) return InvalidArgument("end_date '" + *e + "' is not a W3C date-time");
                    end = *t1;
                  }
                  const Millis now = deps_.clock.Now();
                  if (!start && !end) {
                    start = now - kDefaultWindow;
                  } else if (!start) {
                    start = end - kDefaultWindow;
                  } else if (!end) {
                    end = std::min(now, start + kDefaultWindow);
                  }
                  if (end && end < start) return InvalidArgument("end_date is before start_date");
                  if (end && end - start > kDefaultWindow) return InvalidArgument("start_date to end_date spans more than 90 days");
                  q.from = start;
                  q.to = end ? end + 1 : 0;
                }
                TC_ASSIGN_OR_RETURN(auto list, h.List(q));
                json items = json::array();
                for (const auto& r : list) items.push_back(RequestJson311(r, h));
                return JsonReply(items);
              }));
  router_.Add("GET", "/open311/v2/requests/{file}", doc("Open311: one request ({service_request_id}.json)"),
              Open311([&h, jurisdiction](Context& ctx) -> Result<Reply> {
                TC_RETURN_IF_ERROR(jurisdiction(ctx));
                TC_ASSIGN_OR_RETURN(std::string number, JsonFile(ctx.Param("file"), "request"));
                const int64_t id = hotline::ParseRequestNumber(number);
                hotline::RequestQuery q{.exclude_prefixes = {std::string(kHiddenPrefix)}, .ids = {id}, .limit = 1};
                TC_ASSIGN_OR_RETURN(auto list, h.List(q));
                if (!id || list.empty() || (list[0].number != number && std::to_string(id) != number)) {
                  return NotFound("service_request_id '" + number + "' not found");
                }
                return JsonReply(json::array({RequestJson311(list[0], h)}));
              }));
  router_.Add("GET", "/open311/v2/tokens/{file}", doc("Open311: the request a token became ({token}.json)"),
              Open311([&h, jurisdiction](Context& ctx) -> Result<Reply> {
                TC_RETURN_IF_ERROR(jurisdiction(ctx));
                TC_ASSIGN_OR_RETURN(std::string token, JsonFile(ctx.Param("file"), "token"));
                auto r = token.size() == 24 ? h.GetByToken(token) : Result<hotline::Request>(NotFound(""));
                if (!r.ok() || r->category.starts_with(kHiddenPrefix)) return NotFound("token '" + token + "' not found");
                return JsonReply(json::array({{{"service_request_id", r->number}, {"token", token}}}));
              }));
  router_.Add("POST", "/open311/v2/requests.json",
              doc("Open311: file a request (form-encoded; api_key, service_code, a location, description)"),
              Open311([&h, jurisdiction](Context& ctx) -> Result<Reply> {
                TC_RETURN_IF_ERROR(jurisdiction(ctx));
                auto key = Arg(ctx, "api_key");
                if (!key) return PermissionDenied("api_key is required to file a request");
                if (!h.ApiKeyValid(*key)) return PermissionDenied("api_key is not valid");
                auto code = Arg(ctx, "service_code");
                if (!code) return InvalidArgument("service_code is required");
                if (!IsLeafService(h.CurrentTaxonomy(), *code)) return NotFound("service_code '" + *code + "' not found");
                hotline::NewRequest in;
                in.channel = "open311";
                in.category = *code;
                in.text = Arg(ctx, "description").value_or("");
                in.caller_name = Arg(ctx, "last_name").value_or("") + Arg(ctx, "first_name").value_or("");
                in.phone = Arg(ctx, "phone").value_or("");
                in.address_text = Arg(ctx, "address_string").value_or("");
                in.area_code = Arg(ctx, "address_id").value_or("");
                auto lat = Arg(ctx, "lat"), lon = Arg(ctx, "long");
                if (lat.has_value() != lon.has_value()) return InvalidArgument("lat and long come together");
                if (lat) {
                  char* end = nullptr;
                  in.lat = std::strtod(lat->c_str(), &end);
                  if (*end) return InvalidArgument("lat '" + *lat + "' is not a number");
                  in.lon = std::strtod(lon->c_str(), &end);
                  if (*end) return InvalidArgument("long '" + *lon + "' is not a number");
                }
                if (!lat && in.address_text.empty() && in.area_code.empty()) {
                  return InvalidArgument("a location is required: lat and long, address_string or address_id");
                }
                if (in.text.empty()) return InvalidArgument("description is required: what the request is about");
                if (auto media = Arg(ctx, "media_url")) in.attachments.push_back({"media", "", *media, 0});
                auto made = h.Intake(in, {"open311", ctx.request_id()});
                if (!made.ok()) return made.status();
                json item = {{"service_request_id", made->number}, {"service_notice", nullptr}};
                if (auto account = Arg(ctx, "account_id")) item["account_id"] = *account;
                return JsonReply(json::array({item}), 201);
              }));
}

}  // namespace tc::api
