// `tongchou gen city`: a deterministic synthetic city (gen::GenerateCity) in an
// empty database, with a progress line on stderr and a summary on stdout; `gen
// venues`, `gen checkins` and `gen outbreak` add venues, a check-in stream and a
// seeded outbreak with its ground truth on top (gen/venues.h, mobility.h, outbreak.h);
// `gen hotline` 12345 requests over the city (gen/hotline.h).
#include <chrono>
#include <cstdio>

#include "app/app.h"
#include "registry/lookup.h"
#include "gen/city.h"
#include "gen/enterprises.h"
#include "gen/hotline.h"
#include "gen/mobility.h"
#include "gen/outbreak.h"
#include "gen/venues.h"
#include "tracing/checkins.h"
#include "tracing/index.h"

namespace tc::app {
namespace {

// 4512000 → "4,512,000"
std::string Grouped(int64_t v) {
  std::string digits = std::to_string(v < 0 ? -v : v);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return v < 0 ? "-" + out : out;
}

int Fail(const char* what, const Status& s) {
  std::fprintf(stderr, "tongchou: %s: %s\n", what, s.ToString().c_str());
  for (const auto& fe : s.field_errors()) std::fprintf(stderr, "  %s: %s\n", fe.field.c_str(), fe.message.c_str());
  return 1;
}

void PrintVenues(const gen::VenueSummary& v) {
  std::printf("generated %s venues:\n", Grouped(v.venues).c_str());
  for (const auto& [kind, n] : v.by_kind) std::printf("  %-30s %12s\n", kind.c_str(), Grouped(n).c_str());
  std::printf("  the big wholesale market: %s %s (id %lld)\n", v.market_code.c_str(), v.market_name.c_str(),
              static_cast<long long>(v.market_id));
}

}  // namespace

int RunGenVenues(const GenTracingOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  auto v = gen::GenerateVenues(*store, {.seed = o.seed});
  if (!v.ok()) return Fail("gen venues", v.status());
  PrintVenues(*v);
  return 0;
}

int RunGenCheckins(const GenTracingOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  gen::CheckinOptions options{.days = o.days, .seed = o.seed};
  if (!o.start.empty()) {
    auto start = ParseTime(o.start + "T00:00:00+08:00");
    if (!start.ok()) return Fail("gen checkins: --start", start.status());
    options.start = *start;
  }
  int64_t venues = 0;
  Status counted = store->Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(venues, gen::CountVenues(c));
    return Status::Ok();
  });
  if (!counted.ok()) return Fail("gen checkins", counted);
  if (venues == 0) {
    auto v = gen::GenerateVenues(*store, {.seed = o.seed});
    if (!v.ok()) return Fail("gen checkins: venues", v.status());
    PrintVenues(*v);
  }
  const auto started = std::chrono::steady_clock::now();
  if (o.progress) {
    options.progress = [&](int day, int64_t n, int64_t total) {
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::fprintf(stderr, "  day %d (%s): %s check-ins, %s in all, %.1f s\n", day + 1,
                   DateShanghai(options.start + static_cast<Millis>(day) * 86'400'000).c_str(), Grouped(n).c_str(),
                   Grouped(total).c_str(), t);
    };
  }
  std::fprintf(stderr, "generating %d days of check-ins from %s, seed %llu into %s\n", o.days,
               DateShanghai(options.start).c_str(), static_cast<unsigned long long>(o.seed),
               store->Describe().c_str());
  auto sum = gen::GenerateCheckins(*store, options);
  if (!sum.ok()) return Fail("gen checkins", sum.status());
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("generated %s check-ins (%d days, %s residents, %s venues) in %.1f s: %s check-ins/s written, "
              "%.2f per resident and day\n",
              Grouped(sum->checkins).c_str(), sum->days, Grouped(sum->residents).c_str(),
              Grouped(sum->venues).c_str(), seconds,
              Grouped(static_cast<int64_t>(static_cast<double>(sum->checkins) / sum->seconds)).c_str(),
              static_cast<double>(sum->checkins) / static_cast<double>(sum->residents) / sum->days);
  return 0;
}

int RunGenOutbreak(const GenTracingOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  // Seconds may be left out: 2022-03-02T06:00 (Shanghai time without an offset).
  auto from = ParseTime(o.from.size() == 16 ? o.from + ":00" : o.from);
  if (!from.ok()) return Fail("gen outbreak: --from", from.status());
  const auto started = std::chrono::steady_clock::now();
  tracing::Index index;
  auto loaded = tracing::LoadCheckins(*store, index);
  if (!loaded.ok()) return Fail("gen outbreak: loading check-ins", loaded.status());
  index.Seal();
  std::fprintf(stderr, "loaded %s check-ins in %.1f s\n", Grouped(index.size()).c_str(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
  auto sum = gen::GenerateOutbreak(*store, index,
                                   {.source_code = o.source, .from = *from, .hours = o.hours, .seed = o.seed, .model = o.model});
  if (!sum.ok()) return Fail("gen outbreak", sum.status());
  std::printf("outbreak (%s model) from %s %s (venue %lld), %s for %g h, until %s:\n", sum->model.c_str(),
              sum->source_code.c_str(), sum->source_name.c_str(), static_cast<long long>(sum->source_venue_id),
              FormatShanghai(*from).c_str(), o.hours, FormatShanghai(sum->until).c_str());
  auto share = [&](int64_t n) {
    return sum->infected ? 100.0 * static_cast<double>(n) / static_cast<double>(sum->infected) : 0.0;
  };
  std::printf("  %-30s %12s\n", "infected", Grouped(sum->infected).c_str());
  std::printf("  %-30s %12s %5.1f %%\n", "  at the source", Grouped(sum->by_source).c_str(), share(sum->by_source));
  std::printf("  %-30s %12s %5.1f %%\n", "  at shared venues", Grouped(sum->by_venue).c_str(), share(sum->by_venue));
  if (sum->model == "dose") {
    std::printf("  %-30s %12s\n", "    in the infector's zone", Grouped(sum->by_venue_same_zone).c_str());
  }
  std::printf("  %-30s %12s %5.1f %%\n", "  in households", Grouped(sum->by_household).c_str(),
              share(sum->by_household));
  std::printf("  by venue kind (source and venues):\n");
  for (const auto& [kind, n] : sum->by_kind) {
    std::printf("  %-30s %12s %5.1f %%\n", ("  " + kind).c_str(), Grouped(n).c_str(), share(n));
  }
  std::printf("  %-30s %12s\n", "generations", Grouped(sum->generations).c_str());
  std::printf("  %-30s %12s\n", "detected (cases)", Grouped(sum->detected).c_str());
  std::printf("  %-30s %12s\n", "  confirmed", Grouped(sum->confirmed).c_str());
  std::printf("  %-30s %12s\n", "  asymptomatic", Grouped(sum->asymptomatic).c_str());
  std::printf("  %-30s %12s\n", "first report", sum->first_report_date.c_str());
  return 0;
}

int RunGenEnterprises(const GenEnterpriseOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  const auto started = std::chrono::steady_clock::now();
  auto sum = gen::GenerateEnterprises(*store, {.scale = o.scale, .seed = o.seed});
  if (!sum.ok()) return Fail("gen enterprises", sum.status());
  std::printf("generated %s market entities in %.1f s: %s individual businesses, %s companies, %s co-ops\n",
              Grouped(sum->enterprises).c_str(),
              std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
              Grouped(sum->individual).c_str(), Grouped(sum->companies).c_str(), Grouped(sum->coops).c_str());
  std::printf("  above scale %s, key %s, high-tech %s, 专精特新 %s; large %s, medium %s, small %s, micro %s\n",
              Grouped(sum->above_scale).c_str(), Grouped(sum->key).c_str(), Grouped(sum->high_tech).c_str(),
              Grouped(sum->specialised).c_str(), Grouped(sum->large).c_str(), Grouped(sum->medium).c_str(),
              Grouped(sum->small).c_str(), Grouped(sum->micro).c_str());
  return 0;
}

int RunGenHotline(const GenHotlineOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  gen::HotlineOptions options{.days = o.days, .end_date = o.end_date, .per_day = o.per_day, .seed = o.seed,
                              .log = !o.no_log};
  const auto started = std::chrono::steady_clock::now();
  if (o.progress) {
    options.progress = [&](int64_t done, int64_t total) {
      const double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      std::fprintf(stderr, "\r  %s / ~%s requests, %.1f s", Grouped(done).c_str(), Grouped(total).c_str(), t);
      std::fflush(stderr);
    };
  }
  std::fprintf(stderr, "generating %d days of 12345 requests, seed %llu into %s\n", o.days,
               static_cast<unsigned long long>(o.seed), store->Describe().c_str());
  auto sum = gen::GenerateHotline(*store, options);
  if (o.progress) std::fprintf(stderr, "\n");
  if (!sum.ok()) return Fail("gen hotline", sum.status());
  const auto share = [&](int64_t n) { return sum->requests ? 100.0 * double(n) / double(sum->requests) : 0.0; };
  std::printf("generated %s requests received %s .. %s (%s residents; state as of %s) in %.1f s: %s requests/s\n",
              Grouped(sum->requests).c_str(), sum->from_date.c_str(), sum->to_date.c_str(),
              Grouped(sum->population).c_str(), FormatShanghai(sum->as_of).c_str(), sum->seconds,
              Grouped(static_cast<int64_t>(sum->rate())).c_str());
  std::printf("  generating %.1f s (%s requests/s on one core), writing %.1f s (overlapped)\n", sum->generate_seconds,
              Grouped(static_cast<int64_t>(sum->generate_rate())).c_str(), sum->write_seconds);
  std::printf("  %-30s %12s\n", "log rows", Grouped(sum->log_rows).c_str());
  std::printf("  %-30s %12s %5.1f %%\n", "epidemic", Grouped(sum->epidemic).c_str(), share(sum->epidemic));
  std::printf("  %-30s %12s %5.1f %%\n", "  of which the wave", Grouped(sum->epidemic_wave).c_str(),
              share(sum->epidemic_wave));
  std::printf("  %-30s %12s %5.1f %%\n", "repeat calls merged", Grouped(sum->merged).c_str(), share(sum->merged));
  std::printf("  %-30s %12s %5.1f %%\n", "no address", Grouped(sum->no_address).c_str(), share(sum->no_address));
  std::printf("  %-30s %12s %5.1f %%\n", "address typos", Grouped(sum->typo_addresses).c_str(),
              share(sum->typo_addresses));
  std::printf("  %-30s %12s %5.1f %%\n", "manual dispatch at intake", Grouped(sum->pending_dispatch_at_intake).c_str(),
              share(sum->pending_dispatch_at_intake));
  std::printf("  %-30s %12s (top-1 = label: %.1f %%)\n", "classified (sample)", Grouped(sum->classified).c_str(),
              sum->classified ? 100.0 * double(sum->classifier_agreed) / double(sum->classified) : 0.0);
  std::printf("  by state:\n");
  for (const auto& [state, n] : sum->by_status) {
    std::printf("  %-30s %12s %5.1f %%\n", ("  " + state).c_str(), Grouped(n).c_str(), share(n));
  }
  std::printf("  by category:\n");
  for (const auto& [code, n] : sum->by_category) {
    std::printf("  %-30s %12s %5.1f %%\n", ("  " + code).c_str(), Grouped(n).c_str(), share(n));
  }
  return 0;
}

int RunGenCity(const GenCityOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  int64_t existing = 0;
  Status counted = store->Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(existing, registry::AreaCount(c));
    return Status::Ok();
  });
  if (!counted.ok()) {
    std::fprintf(stderr, "tongchou: %s\n", counted.ToString().c_str());
    return 1;
  }
  if (existing > 0) {
    std::fprintf(stderr,
                 "tongchou: %s already has %lld areas; gen city fills an empty database only "
                 "(use a new --db, or delete this one)\n",
                 store->Describe().c_str(), static_cast<long long>(existing));
    return 1;
  }

  const auto start = std::chrono::steady_clock::now();
  gen::CityOptions options{.preset = o.preset, .scale = o.scale, .seed = o.seed};
  if (o.progress) {
    options.progress = [](std::string_view stage, int64_t done, int64_t total) {
      if (stage == "residents") {
        std::fprintf(stderr, "\r  residents %s / %s", Grouped(done).c_str(), Grouped(total).c_str());
      } else if (stage == "counts") {
        std::fprintf(stderr, "\n  counting per area\n");
      } else if (stage == "commit" && done == 0) {
        std::fprintf(stderr, "  committing\n");
      }
      std::fflush(stderr);
    };
  }
  std::fprintf(stderr, "generating %s at scale %g, seed %llu into %s\n", o.preset.c_str(), o.scale,
               static_cast<unsigned long long>(o.seed), store->Describe().c_str());
  auto summary = gen::GenerateCity(*store, options);
  if (!summary.ok()) {
    if (o.progress) std::fprintf(stderr, "\n");
    std::fprintf(stderr, "tongchou: gen city: %s\n", summary.status().ToString().c_str());
    for (const auto& fe : summary.status().field_errors()) {
      std::fprintf(stderr, "  --%s: %s\n", fe.field.c_str(), fe.message.c_str());
    }
    return 1;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("generated %s (scale %g, seed %llu) in %.1f s:\n", o.preset.c_str(), o.scale,
              static_cast<unsigned long long>(o.seed), seconds);
  for (const auto& [name, value] : gen::SummaryCounts(*summary)) {
    std::printf("  %-30s %12s\n", std::string(name).c_str(), Grouped(value).c_str());
  }
  return 0;
}

}  // namespace tc::app
