// `tongchou demo`: a small Changchun-like city (the 11 county-level divisions with
// their real division codes, two streets each with two communities), one user per
// role, then the server. Idempotent: an existing demo database is reused.
#include <cstdio>
#include <filesystem>

#include "app/app.h"
#include "auth/accounts.h"
#include "registry/areas.h"

namespace tc::app {
namespace {

constexpr const char* kDemoPassword = "tongchou-demo";

struct District {
  const char* code;
  const char* name;
};
constexpr District kDistricts[] = {
    {"220102000000", "南关区"}, {"220103000000", "宽城区"}, {"220104000000", "朝阳区"},
    {"220105000000", "二道区"}, {"220106000000", "绿园区"}, {"220112000000", "双阳区"},
    {"220113000000", "九台区"}, {"220122000000", "农安县"}, {"220182000000", "榆树市"},
    {"220183000000", "德惠市"}, {"220184000000", "公主岭市"},
};

Status Seed(store::Store& store) {
  registry::Areas areas(store, Clock::System());
  if (areas.Get("220100000000").ok()) return Status::Ok();
  const audit::Actor by{"demo", ""};
  auto add = [&](std::string code, std::string parent, std::string name, std::string level) {
    return areas.Create({std::move(code), std::move(parent), std::move(name), std::move(level)}, by).status();
  };
  TC_RETURN_IF_ERROR(add("220100000000", "", "长春市", "city"));
  for (const auto& d : kDistricts) {
    const std::string dc = d.code;
    TC_RETURN_IF_ERROR(add(dc, "220100000000", d.name, "district"));
    for (int s = 1; s <= 2; ++s) {
      const std::string sc = dc.substr(0, 6) + "00" + std::to_string(s) + "000";
      TC_RETURN_IF_ERROR(add(sc, dc, std::string(d.name) + "第" + std::to_string(s) + "街道", "street"));
      for (int c = 1; c <= 2; ++c) {
        const std::string cc = sc.substr(0, 9) + "00" + std::to_string(c);
        TC_RETURN_IF_ERROR(add(cc, sc, std::string(d.name) + "第" + std::to_string(s) + "街道第" +
                                           std::to_string(c) + "社区", "community"));
      }
    }
  }
  auth::Accounts accounts(store, Clock::System(), {});
  struct DemoUser {
    const char* username;
    const char* display;
    const char* role;
    const char* area;
  };
  constexpr DemoUser kUsers[] = {
      {"admin", "系统管理员", "admin", "220100000000"},
      {"commander", "市指挥部", "commander", "220100000000"},
      {"nanguan", "南关区操作员", "area_operator", "220102000000"},
      {"kuancheng", "宽城区操作员", "area_operator", "220103000000"},
      {"grid01", "网格员01", "grid_worker", "220102001001"},
      {"hotline", "12345坐席", "hotline_agent", "220100000000"},
  };
  for (const auto& u : kUsers) {
    TC_ASSIGN_OR_RETURN(auto area, areas.Get(u.area));
    TC_RETURN_IF_ERROR(accounts.CreateUser({u.username, u.display, kDemoPassword, u.role, area.code, area.path}, by)
                           .status());
  }
  return Status::Ok();
}

}  // namespace

int RunDemo(ServeOptions options, bool reset) {
  if (reset && options.db.starts_with("sqlite:")) {
    const std::string path = options.db.substr(7);
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
  {
    auto store = OpenMigrated(options.db);
    if (!store) return 1;
    if (Status s = Seed(*store); !s.ok()) {
      std::fprintf(stderr, "tongchou demo: seeding: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  std::printf(
      "\nTongchou demo city (长春市, 11 districts) in %s\n"
      "  Open      http://%s/api/v1/health  (API document: /api/v1/openapi.json)\n"
      "  Logins    admin / commander / nanguan / kuancheng / grid01 / hotline, password: %s\n"
      "  Try       curl -s -X POST http://%s/api/v1/auth/login -H 'Content-Type: application/json' \\\n"
      "              -d '{\"username\":\"admin\",\"password\":\"%s\"}'\n"
      "  Stop with Ctrl-C.\n\n",
      options.db.c_str(), options.listen.c_str(), kDemoPassword, options.listen.c_str(), kDemoPassword);
  std::fflush(stdout);
  return RunServe(options);
}

}  // namespace tc::app
