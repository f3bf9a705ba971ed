// Checkpoints (卡口): highway entrances, stations, airports, compound gates … with
// their staff, the passage log (every decision: pass, deny or send to test, with its
// reason), passage statistics per hour, and emergency transport permits (通行证) for
// goods vehicles, signed and verified like health codes (token.h).
//
// A scan decides from the signed payload and live state only:
//   health code  Verify against SigningKeys::Public(); then the LIVE colour of the
//                resident behind its token (HealthCodes::ResidentOfToken + ColourOf),
//                which wins over the payload's (minutes old) colour when they differ:
//                green → pass, yellow → test (send to testing), red → deny
//   permit       Verify; pass unless revoked (deny, "通行证已撤销")
//   anything the verifier refuses → deny, with the refusal in Chinese for the screen
// and every decision is written to the passage log. A scan reads nothing from the
// store: the checkpoints (with their staff) and the revoked permits are kept in
// memory; its only store work is the passage insert. Scans are recorded in the
// passage log (operator, time, decision) rather than the audit log, whose chain head
// every append locks; every other write (checkpoints, staff, manual entries, permits,
// revocations) is audited.
//
// Who may do what: a checkpoint_staff account (Caller::staff_only) works only at the
// checkpoints whose staff list names it; everyone else at the checkpoints under their
// node. A checkpoint the caller may not work at is answered as a missing one.
//
// Thread-safe: reads and scans in parallel; the in-memory state is guarded by one
// shared mutex, never held across a store call.
//
//   auto cps = Checkpoints::Open(store, clock, keys, &codes);
//   auto r = (*cps)->Scan("G1-KK01", payload, {.username = "kk01", .staff_only = true}, actor);
//   Show(r->decision, r->reason);
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "healthcode/colour.h"
#include "healthcode/token.h"
#include "store/store.h"

namespace tc::healthcode {

class HealthCodes;
class SigningKeys;

enum class CheckpointKind : uint8_t { kHighway, kStation, kAirport, kCompoundGate, kOther };
std::string_view CheckpointKindName(CheckpointKind k);  // highway | station | airport | compound_gate | other
bool ParseCheckpointKind(std::string_view s, CheckpointKind* out);

enum class Decision : uint8_t { kPass, kDeny, kTest };
std::string_view DecisionName(Decision d);  // pass | deny | test
bool ParseDecision(std::string_view s, Decision* out);

struct Checkpoint {
  int64_t id = 0;
  std::string code;  // 1–32 of [A-Za-z0-9_-]; "stats" is reserved
  std::string name;
  CheckpointKind kind = CheckpointKind::kOther;
  std::string area_code, area_name, area_path;  // set from the registry by Create
  std::vector<std::string> staff;               // usernames who may scan here
  std::string created_by;
  Millis created_at = 0;
};

// Who asks. `staff_only`: a checkpoint_staff account, which works only where named.
struct Caller {
  std::string username;
  std::string area_path;  // the caller's node ("/…/")
  bool staff_only = false;
};
bool MayWorkAt(const Checkpoint& c, const Caller& by);

// A decision at a checkpoint, as the scan (or manual entry) answers it.
struct ScanResult {
  int64_t passage_id = 0;
  Decision decision = Decision::kDeny;
  std::optional<Colour> colour;       // the colour decided on (the live one); none for permits and refusals
  std::optional<Colour> colour_seen;  // the colour the payload (or the paper code) showed
  std::string kind;                   // health_code | permit | "" (unreadable); manual: person | vehicle
  std::string reason;                 // Chinese, for the screen
  std::string plate;                  // permits and vehicles
  int64_t permit_id = 0;
  int64_t person_id = 0;             // manual entries of a person
  Millis expires_at = 0;             // of a verified code or permit (0: none)
  bool verified = false;             // the signature verified
  Refusal refusal = Refusal::kNone;  // why verification failed
  std::string detail;                // the verifier's own (English) message on refusal
  Millis at = 0;
};

// A decision entered by hand (a paper code, a vehicle without a permit): a plate or
// a resident, never both. `reason` is required for deny and test.
struct ManualEntry {
  std::string plate;
  int64_t person_id = 0;
  std::optional<Colour> colour_seen;
  Decision decision = Decision::kPass;
  std::string reason;
};

// One line of the passage log, personal data masked: the resident's name masked
// (张*), no ID number; the plate shown.
struct Passage {
  int64_t id = 0;
  Millis at = 0;
  std::string source;  // scan | manual
  std::string kind;
  int64_t person_id = 0;
  std::string person_name;  // masked; "" if none
  std::string plate;
  int64_t permit_id = 0;
  std::optional<Colour> colour_seen, colour;
  Decision decision = Decision::kDeny;
  std::string reason, refusal;
  bool verified = false;
  std::string operator_name;
};

struct PassageQuery {
  int64_t after_id = 0;   // only ids above (a console polling for new passages)
  int64_t before_id = 0;  // only ids below (paging back); 0: from the newest
  int limit = 50;         // 1..500
};

struct PassageCounts {
  int64_t pass = 0, deny = 0, test = 0;
  int64_t green = 0, yellow = 0, red = 0;
  int64_t permits = 0;  // permit scans (any decision)
  bool operator==(const PassageCounts&) const = default;
};
struct HourlyStats {
  std::string date;  // YYYY-MM-DD (Shanghai)
  std::array<PassageCounts, 24> hours{};
  PassageCounts totals;
};
struct CheckpointTotals {
  Checkpoint checkpoint;
  PassageCounts totals;
};

struct NewPermit {
  std::string plate;  // 1–16 bytes (京A12345); ASCII letters upper-cased, spaces removed
  std::string note;   // cargo or route, ≤ 64 bytes
  Millis valid_from = 0;
  Millis valid_until = 0;  // the first instant it is no longer valid
};
struct Permit {
  int64_t id = 0;
  std::string plate, note;
  Millis valid_from = 0, valid_until = 0;
  std::string payload;    // the signed text its QR carries
  std::string area_path;  // the issuer's node
  std::string issued_by;
  Millis issued_at = 0;
  Millis revoked_at = 0;  // 0: not revoked
  std::string revoked_by, revoke_reason;
  // revoked | expired | pending (not yet valid) | valid, at `now`
  std::string StatusAt(Millis now) const;
};

// A permit window's end as the API takes it: RFC 3339, or YYYY-MM-DD (Shanghai) — a
// date as valid_from is its first instant, as valid_until the first instant of the
// next day (so "until 2022-03-20" includes that day). InvalidArgument naming `field`.
Result<Millis> ParseWindowTime(std::string_view text, bool until, std::string_view field);

// A name masked for lists: the first character kept, every other one '*' (张三 → 张*,
// 欧阳修 → 欧**); a one-character name becomes "*".
std::string MaskName(std::string_view name);

class Checkpoints {
 public:
  // Loads the checkpoints and the revoked permits. `codes` may be null for a tool that
  // never scans health codes (the demo seeder); such scans are then Unavailable.
  static Result<std::unique_ptr<Checkpoints>> Open(store::Store& store, const Clock& clock, SigningKeys& keys,
                                                   HealthCodes* codes);
  ~Checkpoints();

  // A new checkpoint in `in.area_code` (InvalidArgument naming code, name, area_code
  // or staff; Conflict when the code exists). Jurisdiction over the area is the
  // caller's to check. Audited.
  Result<Checkpoint> Create(const Checkpoint& in, const audit::Actor& by);
  // The checkpoints the caller may work at, by code.
  std::vector<Checkpoint> List(const Caller& by) const;
  // NotFound ("checkpoint X does not exist") when missing or not the caller's.
  Result<Checkpoint> Get(std::string_view code, const Caller& by) const;
  // Replaces the staff list (staff_only callers cannot: NotFound). Audited.
  Result<Checkpoint> SetStaff(std::string_view code, std::span<const std::string> usernames, const Caller& by,
                              const audit::Actor& actor);

  // Verifies a scanned payload and decides (see the top of this file); logged.
  Result<ScanResult> Scan(std::string_view code, std::string_view payload, const Caller& by, const audit::Actor& actor);
  // A decision entered by hand; logged and audited. InvalidArgument naming the field.
  Result<ScanResult> Record(std::string_view code, const ManualEntry& entry, const Caller& by,
                            const audit::Actor& actor);
  // The passage log, newest first.
  Result<std::vector<Passage>> Passages(std::string_view code, const PassageQuery& q, const Caller& by);
  // Counts per hour of a Shanghai date ("" = the clock's day); InvalidArgument naming
  // "date" for a bad one.
  Result<HourlyStats> Stats(std::string_view code, std::string_view date, const Caller& by);
  // Each checkpoint's totals for a date, of those the caller may work at under
  // `under_path`.
  Result<std::vector<CheckpointTotals>> TotalsUnder(std::string_view date, std::string_view under_path,
                                                    const Caller& by);

  // Issues a signed permit (InvalidArgument naming plate, note, valid_from or
  // valid_until); `area_path`: the issuer's node, which bounds who sees it. Audited.
  Result<Permit> IssuePermit(const NewPermit& in, std::string_view area_path, const audit::Actor& by);
  // Permits issued under `under_path`, newest first (before_id 0: from the newest).
  Result<std::vector<Permit>> Permits(std::string_view under_path, int64_t before_id, int limit);
  // NotFound ("transport permit N does not exist") when missing or not under the path.
  Result<Permit> GetPermit(int64_t id, std::string_view under_path);
  // Revokes a permit from now on (Conflict if already revoked; a reason is required).
  // Audited; scans deny it at once.
  Result<Permit> RevokePermit(int64_t id, std::string_view reason, std::string_view under_path, const audit::Actor& by);

  struct State;  // internal

 private:
  Checkpoints(store::Store& store, const Clock& clock, SigningKeys& keys, HealthCodes* codes);
  Status Load();
  Result<Checkpoint> Find(std::string_view code, const Caller& by) const;
  Status Insert(int64_t checkpoint_id, const std::string& source, ScanResult& r, const std::string& operator_name);

  store::Store& store_;
  const Clock& clock_;
  SigningKeys& keys_;
  HealthCodes* codes_;
  std::unique_ptr<State> st_;
};

}  // namespace tc::healthcode
