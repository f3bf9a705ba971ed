#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <pwd.h>

#include "api/api.h"
#include "app/app.h"
#include "auth/accounts.h"
#include "events/events.h"
#include "http/server.h"
#include "registry/areas.h"

namespace tc::app {

const char* const kVersion = "0.1.0";

std::string CliActor() {
  const passwd* pw = getpwuid(geteuid());
  return std::string("cli:") + (pw ? pw->pw_name : std::to_string(geteuid()));
}

std::unique_ptr<store::Store> OpenMigrated(const std::string& url, int pool_size) {
  store::OpenOptions options;
  options.pool_size = pool_size;
  auto store = store::Store::Open(url, options);
  if (!store.ok()) {
    std::fprintf(stderr, "tongchou: %s\n", store.status().ToString().c_str());
    return nullptr;
  }
  if (Status s = (*store)->Migrate(); !s.ok()) {
    std::fprintf(stderr, "tongchou: migrating %s: %s\n", (*store)->Describe().c_str(), s.ToString().c_str());
    return nullptr;
  }
  return std::move(store).value();
}

namespace {

// "HOST:PORT", "[V6]:PORT", or ":PORT" for every interface.
bool ParseListen(const std::string& listen, std::string& host, uint16_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon + 1 == listen.size()) return false;
  host = colon == 0 ? "0.0.0.0" : listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    const int p = std::stoi(listen.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    port = static_cast<uint16_t>(p);
  } catch (...) {
    return false;
  }
  return true;
}

void SetUpLogging(const ServeOptions& o) {
  auto main_logger = spdlog::stderr_logger_mt("tongchou");
  main_logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");
  spdlog::set_default_logger(main_logger);
  spdlog::set_level(spdlog::level::from_str(o.log_level));
  if (o.access_log == "off") return;
  std::shared_ptr<spdlog::logger> access =
      o.access_log == "stdout" ? spdlog::stdout_logger_mt("access")
                               : spdlog::basic_logger_mt("access", o.access_log);
  access->set_pattern("%v");
  access->set_level(spdlog::level::info);
  access->flush_on(spdlog::level::info);
}

// The console folder: as given, or for "auto" the first web/dist holding an
// index.html near the binary (build/ → ../web/dist) or in the working directory.
std::string FindWebRoot(const std::string& option) {
  if (option != "auto") return option;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path();
  for (const auto& candidate : {exe / "web", exe / ".." / "web" / "dist", exe / ".." / ".." / "web" / "dist",
                                std::filesystem::current_path(ec) / "web" / "dist"}) {
    if (std::filesystem::is_regular_file(candidate / "index.html", ec)) return candidate.lexically_normal().string();
  }
  return "";
}

// The console's address for a browser on this machine: a wildcard host is
// reached as localhost, an IPv6 literal in brackets.
std::string ConsoleUrl(const std::string& host, uint16_t port) {
  std::string h = host;
  if (h == "0.0.0.0" || h == "::") h = "localhost";
  else if (h.find(':') != std::string::npos) h = "[" + h + "]";
  return "http://" + h + ":" + std::to_string(port) + "/";
}

// Calls `fn` just after every Shanghai midnight on `clock` until destroyed.
class DailyTick {
 public:
  DailyTick(const Clock& clock, std::function<void()> fn)
      : thread_([this, &clock, fn = std::move(fn)](std::stop_token stop) {
          constexpr Millis kDay = 86'400'000;
          std::mutex mu;
          std::unique_lock lock(mu);
          while (!stop.stop_requested()) {
            const Millis now = clock.Now();
            const Millis next = ((now + kShanghaiOffsetMs) / kDay + 1) * kDay - kShanghaiOffsetMs + 1000;
            std::condition_variable_any cv;
            cv.wait_for(lock, stop, std::chrono::milliseconds(next - now), [] { return false; });
            if (!stop.stop_requested()) fn();
          }
        }) {}

 private:
  std::jthread thread_;
};

// Calls `fn` every `period` of real time until destroyed.
class Periodic {
 public:
  Periodic(std::chrono::milliseconds period, std::function<void()> fn)
      : thread_([period, fn = std::move(fn)](std::stop_token stop) {
          std::mutex mu;
          std::unique_lock lock(mu);
          while (!stop.stop_requested()) {
            std::condition_variable_any cv;
            cv.wait_for(lock, stop, period, [] { return false; });
            if (!stop.stop_requested()) fn();
          }
        }) {}

 private:
  std::jthread thread_;
};

}  // namespace

int RunServe(const ServeOptions& o, const std::function<void(const std::string& url)>& on_listening) {
  std::string host;
  uint16_t port = 0;
  if (!ParseListen(o.listen, host, port)) {
    std::fprintf(stderr, "tongchou: --listen: expected HOST:PORT, got '%s'\n", o.listen.c_str());
    return 2;
  }
  // The domain clock: the real one, or one that shows --today at the real speed.
  // Accounts stay on the real clock: token expiry and login lockouts are instants
  // the console and operators compare with their own clocks.
  std::unique_ptr<OffsetClock> shifted;
  if (!o.today.empty()) {
    auto offset = OffsetClock::OffsetToDate(o.today, NowMillis());
    if (!offset.ok()) {
      std::fprintf(stderr, "tongchou: --today: %s\n", offset.status().message().c_str());
      return 2;
    }
    shifted = std::make_unique<OffsetClock>(*offset);
  }
  const Clock& clock = shifted ? static_cast<const Clock&>(*shifted) : Clock::System();

  auto trusted_proxies = api::TrustedProxies::Parse(o.trusted_proxies, "--trusted-proxies");
  if (!trusted_proxies.ok()) {
    std::fprintf(stderr, "tongchou: %s\n", trusted_proxies.status().message().c_str());
    return 2;
  }
  SetUpLogging(o);
  auto store = OpenMigrated(o.db, o.pool_size);
  if (!store) return 1;
  auto version = store->SchemaVersion();
  spdlog::info("store {} at schema version {}", store->Describe(), version.ok() ? *version : -1);

  if (shifted) spdlog::info("clock runs on {} ({} days from the real date)", o.today, shifted->offset_ms() / 86'400'000);
  auth::AccountsOptions accounts_options;
  accounts_options.token_ttl_ms = o.token_ttl_s * 1000LL;
  accounts_options.throttle = {.account_max_failures = o.login_max_failures,
                                .base_delay_ms = o.login_base_delay_s * 1000LL,
                                .max_delay_ms = o.login_max_delay_s * 1000LL,
                                .address_max_failures = o.login_address_max_failures,
                                .address_lockout_ms = o.login_lockout_s * 1000LL,
                                .window_ms = o.login_window_s * 1000LL};
  auth::Accounts accounts(*store, Clock::System(), accounts_options);
  registry::Areas areas(*store, clock);
  registry::Residents residents(*store, clock);
  registry::Grids grids(*store, clock);
  tracing::Tracing tracing(*store, clock);
  {
    const auto t0 = std::chrono::steady_clock::now();
    if (Status s = tracing.Start(); !s.ok()) {
      spdlog::error("loading check-ins into the exposure engine: {}", s.ToString());
      return 1;
    }
    const auto st = tracing.Stats();
    spdlog::info("exposure engine: {} check-ins, {:.1f} MiB, loaded in {:.1f} s", st.checkins,
                 static_cast<double>(st.total_bytes()) / (1 << 20),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  tracing::Cases cases(*store, clock, tracing);
  std::unique_ptr<screening::Screening> screening;
  {
    const auto t0 = std::chrono::steady_clock::now();
    auto opened = screening::Screening::Open(*store, clock);
    if (!opened.ok()) {
      spdlog::error("loading the mass-testing engine: {}", opened.status().ToString());
      return 1;
    }
    screening = std::move(opened).value();
    spdlog::info("mass-testing engine: {} residents, loaded in {:.1f} s", screening->PeopleLoaded(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  auto risk = healthcode::RiskAreas::Open(*store, clock);
  if (!risk.ok()) {
    spdlog::error("loading the risk areas: {}", risk.status().ToString());
    return 1;
  }
  std::unique_ptr<healthcode::HealthCodes> codes;
  {
    const auto t0 = std::chrono::steady_clock::now();
    auto opened = healthcode::HealthCodes::Open(*store, clock, **risk, *screening, tracing, cases);
    if (!opened.ok()) {
      spdlog::error("loading the health-code engine: {}", opened.status().ToString());
      return 1;
    }
    codes = std::move(opened).value();
    spdlog::info("health-code engine: {} residents, loaded in {:.1f} s", codes->Residents(),
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  auto keys = healthcode::SigningKeys::Open(*store, Clock::System());
  if (!keys.ok()) {
    spdlog::error("loading the signing keys: {}", keys.status().ToString());
    return 1;
  }
  auto checkpoints = healthcode::Checkpoints::Open(*store, clock, **keys, codes.get());
  if (!checkpoints.ok()) {
    spdlog::error("loading the checkpoints: {}", checkpoints.status().ToString());
    return 1;
  }
  std::unique_ptr<hotline::Hotline> hotline;
  {
    const auto t0 = std::chrono::steady_clock::now();
    auto opened = hotline::Hotline::Open(*store, clock);
    if (!opened.ok()) {
      spdlog::error("loading the 12345 hotline: {}", opened.status().ToString());
      return 1;
    }
    hotline = std::move(opened).value();
    spdlog::info("12345 hotline: loaded in {:.1f} s",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::unique_ptr<enterprise::Enterprises> enterprises;
  {
    const auto t0 = std::chrono::steady_clock::now();
    auto opened = enterprise::Enterprises::Open(*store, clock, hotline.get());
    if (!opened.ok()) {
      spdlog::error("loading the enterprises: {}", opened.status().ToString());
      return 1;
    }
    enterprises = std::move(opened).value();
    spdlog::info("enterprises: loaded in {:.1f} s",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  livelihood::ReturnHomes returns(*store, clock);
  livelihood::Reliefs reliefs(*store, clock);
  quarantine::Quarantines quarantines(*store, clock);
  livelihood::SupplyService supplies(*store, clock);
  livelihood::CareRoster care(*store, clock, api::GridWorkers(accounts));
  quarantine::Hospitals hospitals(*store, clock);
  events::Bus bus(*store);
  // Modules react to each other through events: a positive individual test becomes a
  // suspected case for the investigators; a confirmed case proposes risk levels; the
  // health codes follow cases, contacts, tubes, follow-ups, risk levels and modes.
  bus.Subscribe("cases", [&cases](const events::Event& e) { return cases.OnEvent(e); });
  bus.Subscribe("risk_areas", [&risk](const events::Event& e) { return (*risk)->OnEvent(e); });
  bus.Subscribe("health_codes", [&codes](const events::Event& e) { return codes->OnEvent(e); });
  bus.Subscribe("hotline", [&hotline](const events::Event& e) { return hotline->OnEvent(e); });
  bus.Subscribe("enterprises", [&enterprises](const events::Event& e) { return enterprises->OnEvent(e); });
  // Close and secondary contacts are listed for quarantine; its changes come back to
  // tracing (contact statuses, a suspected case on escalation) through "cases".
  bus.Subscribe("quarantine", [&quarantines](const events::Event& e) { return quarantines.OnEvent(e); });
  // Supplies know which compounds are closed from the risk levels declared (封控).
  bus.Subscribe("supplies", [&supplies](const events::Event& e) { return supplies.OnEvent(e); });
  // A confirmed case waits for a bed, with a designated hospital suggested.
  bus.Subscribe("hospitals", [&hospitals](const events::Event& e) { return hospitals.OnEvent(e); });
  if (Status s = bus.Deliver(); !s.ok()) spdlog::warn("delivering pending events at start: {}", s.ToString());
  // The daily tick: risk proposals lift after their days without a case; the visits to
  // risky communities are looked up again; the hotline's classifier is retrained.
  DailyTick tick(clock, [&] {
    if (Status s = (*risk)->Tick(); !s.ok()) spdlog::warn("risk areas' daily tick: {}", s.ToString());
    if (Status s = codes->Tick(); !s.ok()) spdlog::warn("health codes' daily tick: {}", s.ToString());
    // The agents' category overrides of the day become training examples.
    if (auto r = hotline->Retrain({"system", ""}); !r.ok()) spdlog::warn("hotline retraining: {}", r.status().ToString());
    // The enterprises' resumption and capacity rates of the day that ended, kept as history.
    if (Status s = enterprises->SnapshotDay(DateShanghai(clock.Now() - 86'400'000)); !s.ok()) {
      spdlog::warn("enterprise rates' history: {}", s.ToString());
    }
    if (Status s = bus.Deliver(); !s.ok()) spdlog::warn("delivering events after the daily tick: {}", s.ToString());
  });
  // The hotline's deadlines: reminders and escalations, looked at every minute.
  Periodic sweep(std::chrono::minutes(1), [&] {
    if (auto n = hotline->Tick(); !n.ok()) spdlog::warn("hotline deadline sweep: {}", n.status().ToString());
  });

  const std::string web_root = FindWebRoot(o.web);
  if (!web_root.empty()) spdlog::info("serving the web console from {}", web_root);
  if (!trusted_proxies->empty()) spdlog::info("client addresses from X-Forwarded-For of {}", o.trusted_proxies);
  api::Api api({*store, accounts, areas, residents, grids, tracing, cases, *screening, **risk, *codes, **keys,
                **checkpoints, *hotline, *enterprises, returns, reliefs, quarantines, supplies, care, hospitals, bus, clock,
                kVersion, web_root,
                std::move(trusted_proxies).value()});
  http::ServerOptions so;
  so.host = host;
  so.port = port;
  so.threads = o.threads;
  so.body_limit = o.body_limit;
  so.header_limit = o.header_limit;
  so.read_timeout_ms = o.read_timeout_s * 1000;
  so.idle_timeout_ms = o.idle_timeout_s * 1000;
  so.shutdown_grace_ms = o.shutdown_grace_s * 1000;
  http::Server server(
      so, [&api](const http::Request& r) { return api.Handle(r); },
      [&api](const http::Request& r, int status, std::string detail) {
        return api.RenderServerError(r, status, std::move(detail));
      });
  if (Status s = server.Start(); !s.ok()) {
    spdlog::error("{}", s.ToString());
    return 1;
  }
  // The test harness and scripts wait for this exact line to learn the port.
  std::printf("tongchou listening on http://%s:%u\n", host.c_str(), server.port());
  std::fflush(stdout);
  spdlog::info("listening on http://{}:{} with {} threads", host, server.port(), o.threads);
  if (on_listening) on_listening(ConsoleUrl(host, server.port()));
  server.Run();
  spdlog::info("stopped: in-flight requests finished; closing the store");
  store.reset();
  spdlog::info("store closed");
  return 0;
}

int RunMigrate(const std::string& db) {
  auto store = OpenMigrated(db);
  if (!store) return 1;
  auto v = store->SchemaVersion();
  if (!v.ok()) {
    std::fprintf(stderr, "tongchou: %s\n", v.status().ToString().c_str());
    return 1;
  }
  std::printf("%s: schema version %d\n", store->Describe().c_str(), *v);
  return 0;
}

}  // namespace tc::app
