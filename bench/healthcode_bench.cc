// Health codes, the engine half of `make bench-healthcode` (bench/healthcode.sh runs
// the HTTP half against Redis and PostgreSQL). On a city database (SQLite, copied by
// the script), in one run:
//   load      the health-code engine opened on the city (residents, communities, facts)
//   full      a full recompute of every colour (median of --runs)
//   incr      the incremental update after a case with 1,000 close contacts (the
//             ContactListed event of their listing, colours stored) — median of --runs
//   risk      the update after a community is declared high (its residents recoloured)
//   sign      signing codes on one core (codes a second)
//   verify    offline verification on one core (codes a second)
// and writes TOKENS (one token text a line, random residents) for the HTTP half.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>

#include "base/crypto.h"
#include "bench_util.h"
#include "events/events.h"
#include "healthcode/codes.h"
#include "healthcode/keys.h"
#include "healthcode/risk.h"
#include "healthcode/token.h"
#include "screening/screening.h"
#include "store/store.h"
#include "tracing/cases.h"
#include "tracing/service.h"

namespace {

using namespace tc;
using bench::Die;
using bench::Median;
using bench::Must;
using Steady = std::chrono::steady_clock;

double Ms(Steady::time_point a, Steady::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Health-code engine benchmark (make bench-healthcode)"};
  std::string db, tokens_out;
  int runs = 5;
  int tokens = 100'000;
  app.add_option("--db", db, "The city database URL (a copy: the bench writes to it)")->required();
  app.add_option("--tokens", tokens_out, "Write this many random residents' token texts here")->required();
  app.add_option("--token-count", tokens, "How many tokens to write")->capture_default_str();
  app.add_option("--runs", runs, "Runs per measure (the median is reported)")->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  if (Status s = InitCrypto(); !s.ok()) Die("crypto", s);

  auto store = Must(store::Store::Open(db, {.pool_size = 4}), "open " + db);
  if (Status s = store->Migrate(); !s.ok()) Die("migrate", s);
  const tc::Clock& clock = tc::Clock::System();
  const audit::Actor by{"bench", ""};

  auto t0 = Steady::now();
  tracing::Tracing tracing(*store, clock);
  if (Status s = tracing.Start(); !s.ok()) Die("tracing", s);
  tracing::Cases cases(*store, clock, tracing);
  auto screening = Must(screening::Screening::Open(*store, clock), "screening");
  auto risk = Must(healthcode::RiskAreas::Open(*store, clock), "risk areas");
  auto t1 = Steady::now();
  auto codes = Must(healthcode::HealthCodes::Open(*store, clock, *risk, *screening, tracing, cases), "health codes");
  auto t2 = Steady::now();
  auto keys = Must(healthcode::SigningKeys::Open(*store, clock), "keys");
  const int64_t residents = codes->Residents();
  std::printf("city: %lld residents, %zu communities\n", static_cast<long long>(residents), risk->CommunityCount());
  std::printf("load: other modules %.1f s, health-code engine %.1f s\n", Ms(t0, t1) / 1000, Ms(t1, t2) / 1000);

  // Resident ids in use (the registry's ids are dense from 1).
  std::vector<int64_t> ids;
  ids.reserve(static_cast<size_t>(residents));
  for (int64_t id = 1; static_cast<int64_t>(ids.size()) < residents && id < residents * 2 + 10; ++id) {
    if (!codes->PathOf(id).empty()) ids.push_back(id);
  }
  std::mt19937_64 rng(17);
  auto pick = [&] { return ids[std::uniform_int_distribution<size_t>(0, ids.size() - 1)(rng)]; };

  // Full recompute.
  std::vector<double> full;
  healthcode::RecomputeReport last;
  for (int i = 0; i < runs; ++i) {
    last = Must(codes->FullRecompute(), "full recompute");
    full.push_back(last.ms);
  }
  std::printf("full recompute: median %.1f ms over %d runs (%lld residents; green %lld, yellow %lld, red %lld)\n",
              Median(full), runs, static_cast<long long>(last.residents), static_cast<long long>(last.counts.green),
              static_cast<long long>(last.counts.yellow), static_cast<long long>(last.counts.red));

  // Incremental: a case and its 1,000 close contacts, as the tracing module publishes them.
  std::vector<double> incr, incr_case;
  int64_t seq = 1'000'000'000;
  for (int i = 0; i < runs; ++i) {
    const int64_t case_resident = pick();
    nlohmann::json kase = {{"case_id", 900'000 + i}, {"resident_id", case_resident}, {"kind", "confirmed"},
                           {"area_path", codes->PathOf(case_resident)}, {"report_date", DateShanghai(clock.Now())}};
    auto a = Steady::now();
    if (Status s = codes->OnEvent({++seq, "CaseConfirmed", kase.dump(), clock.Now()}); !s.ok()) Die("case", s);
    auto b = Steady::now();
    nlohmann::json items = nlohmann::json::array();
    for (int k = 0; k < 1000; ++k) {
      items.push_back({{"contact_id", 5'000'000 + i * 1000 + k}, {"resident_id", pick()}, {"tier", "close"}});
    }
    const std::string payload = nlohmann::json{{"run_id", i + 1}, {"contacts", items}}.dump();
    auto c = Steady::now();
    if (Status s = codes->OnEvent({++seq, "ContactListed", payload, clock.Now()}); !s.ok()) Die("contacts", s);
    auto d = Steady::now();
    incr_case.push_back(Ms(a, b));
    incr.push_back(Ms(c, d));
  }
  std::printf("incremental: a case %.2f ms; its 1,000 close contacts %.2f ms (median of %d; colours stored in "
              "the same call)\n",
              Median(incr_case), Median(incr), runs);
  auto check = Must(codes->FullRecompute(), "full recompute after the increments");
  std::printf("check: a full recompute after the increments changed %lld colours (0 = the incremental path agrees)\n",
              static_cast<long long>(check.changed));

  // A community declared high: its residents recoloured.
  {
    const int32_t community = risk->CommunityOfPath(codes->PathOf(pick()));
    std::vector<std::string> code{risk->CommunityCode(community)};
    auto declared = Must(risk->Declare(code, healthcode::Level::kHigh, "bench", by), "declare");
    // The event the declaration published, delivered to the engine alone.
    nlohmann::json event = {{"area_code", code[0]}, {"area_path", risk->CommunityPath(community)}, {"level", "high"},
                            {"from", "low"}, {"since", clock.Now()}};
    auto a = Steady::now();
    if (Status s = codes->OnEvent({++seq, "RiskAreaChanged", event.dump(), clock.Now()}); !s.ok()) Die("risk", s);
    auto b = Steady::now();
    const auto counts = codes->Counts(risk->CommunityPath(community));
    std::printf("risk change: community %s declared high, %lld residents red in %.2f ms\n", code[0].c_str(),
                static_cast<long long>(counts.red), Ms(a, b));
  }

  // Sign and verify on one core.
  {
    healthcode::Claims claims;
    claims.kind = healthcode::Kind::kHealthCode;
    claims.issued_at = clock.Now();
    claims.expires_at = claims.issued_at + 300'000;
    claims.colour = healthcode::Colour::kGreen;
    const auto key = Must(keys->Active(), "active key");
    const healthcode::KeySet set = keys->Public();
    std::vector<std::string> signed_codes;
    const int n = 20'000;
    signed_codes.reserve(n);
    auto a = Steady::now();
    for (int i = 0; i < n; ++i) {
      claims.token = codes->TokenOf(ids[static_cast<size_t>(i) % ids.size()]);
      signed_codes.push_back(Must(healthcode::Sign(claims, key), "sign"));
    }
    auto b = Steady::now();
    int ok = 0;
    for (int round = 0; round < 3; ++round) {
      for (const auto& text : signed_codes) ok += healthcode::Verify(text, set, clock.Now()).ok();
    }
    auto c = Steady::now();
    std::printf("sign: %.0f codes/s on one core (token derivation included)\n", n / (Ms(a, b) / 1000));
    std::printf("verify: %.0f codes/s on one core (%d of %d valid)\n", 3 * n / (Ms(b, c) / 1000), ok, 3 * n);
    std::printf("payload: %zu characters\n", signed_codes[0].size());
  }

  // Tokens for the HTTP half.
  std::ofstream out(tokens_out, std::ios::trunc);
  for (int i = 0; i < tokens; ++i) out << healthcode::HealthCodes::TokenText(codes->TokenOf(pick())) << '\n';
  if (!out) Die("write " + tokens_out, Internal("write failed"));
  return 0;
}
