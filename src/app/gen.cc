// `tongchou gen city`: a deterministic synthetic city (gen::GenerateCity) in an
// empty database, with a progress line on stderr and a summary on stdout.
#include <chrono>
#include <cstdio>

#include "app/app.h"
#include "gen/city.h"

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

}  // namespace

int RunGenCity(const GenCityOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  int64_t existing = 0;
  Status counted = store->Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT COUNT(*) FROM areas"));
    existing = rows[0].Int(0);
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
