// `tongchou healthcode keys` and `tongchou healthcode issue`: the database side of
// signed codes (healthcode/keys.h). `verify` (offline) is in healthcode_verify.cc.
#include <cstdio>
#include <fstream>

#include "app/app.h"
#include "healthcode/codes.h"
#include "healthcode/keys.h"
#include "healthcode/risk.h"
#include "registry/lookup.h"
#include "screening/screening.h"
#include "tracing/cases.h"
#include "tracing/service.h"

namespace tc::app {

namespace {

int Fail(const Status& s) {
  std::fprintf(stderr, "tongchou: %s\n", s.ToString().c_str());
  return 1;
}

}  // namespace

int RunHealthcodeKeys(const HealthcodeKeysOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  auto keys = healthcode::SigningKeys::Open(*store, Clock::System());
  if (!keys.ok()) return Fail(keys.status());
  const std::string text = healthcode::KeySetJson((*keys)->Public()) + "\n";
  if (o.out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return 0;
  }
  std::ofstream f(o.out, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) {
    std::fprintf(stderr, "tongchou: cannot write %s\n", o.out.c_str());
    return 1;
  }
  std::fprintf(stderr, "%zu public key(s) written to %s\n", (*keys)->Public().keys().size(), o.out.c_str());
  return 0;
}

int RunHealthcodeIssue(const HealthcodeIssueOptions& o) {
  auto store = OpenMigrated(o.db);
  if (!store) return 1;
  int64_t resident = 0;
  Status found = store->Read([&](store::Conn& c) -> Status {
    TC_ASSIGN_OR_RETURN(auto place, registry::ResidentPlaceByIdNumber(c, o.id_number));
    resident = place.id;
    return Status::Ok();
  });
  if (!found.ok()) return Fail(found);
  const Clock& clock = Clock::System();
  tracing::Tracing tracing(*store, clock);
  if (Status s = tracing.Start(); !s.ok()) return Fail(s);
  tracing::Cases cases(*store, clock, tracing);
  auto screening = screening::Screening::Open(*store, clock);
  if (!screening.ok()) return Fail(screening.status());
  auto risk = healthcode::RiskAreas::Open(*store, clock);
  if (!risk.ok()) return Fail(risk.status());
  auto codes = healthcode::HealthCodes::Open(*store, clock, **risk, **screening, tracing, cases);
  if (!codes.ok()) return Fail(codes.status());
  auto keys = healthcode::SigningKeys::Open(*store, clock);
  if (!keys.ok()) return Fail(keys.status());
  auto issued = healthcode::IssueCode(**codes, **keys, resident, clock.Now());
  if (!issued.ok()) return Fail(issued.status());
  std::printf("%s\n", issued->payload.c_str());
  std::fprintf(stderr, "colour %s, key %s, expires %s\n", std::string(healthcode::ColourName(issued->claims.colour)).c_str(),
               issued->claims.kid.c_str(), FormatShanghai(issued->claims.expires_at).c_str());
  return 0;
}

}  // namespace tc::app
