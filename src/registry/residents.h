// Residents and households: one person, one record. Residents hang off a household
// (户) in a unit; a household code starts with its unit's scope key, so "everyone
// under node X" is a prefix range on household_code. ID numbers are unique; a second
// record with the same ID is refused naming the existing one. Likely duplicates
// without an ID are listed for review and merged with history kept. Moving house
// keeps the residence history. Every write is audited; so is every unmasked read
// (AuditUnmaskedRead). Thread-safe (stateless over the store).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit.h"
#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace tc::registry {

// Care tags (重点人群), a bit each.
enum CareTag : int64_t {
  kElderlyAlone = 1,   // 独居老人
  kChronic = 2,        // 慢性病
  kPregnant = 4,       // 孕产妇
  kDisability = 8,     // 残疾
  kSevereIllness = 16, // 重病
  kBedridden = 32,     // 卧床: cannot come down to a test site (home sampling)
};
inline constexpr int64_t kAllCareTags = 63;
// "elderly_alone,chronic" ↔ bits. InvalidArgument naming `field` for an unknown tag.
// Accepts English names and the Chinese terms above, separated by ',', '，', ';' or '|'.
Result<int64_t> ParseCareTags(std::string_view text, std::string_view field = "tags");
std::vector<std::string> CareTagNames(int64_t tags);

struct Household {
  std::string code;       // unit code + '-' + room, e.g. 220102001001-3-2-1-0502
  std::string unit_code;
  std::string address;    // "3栋2单元502"
};

struct Resident {
  int64_t id = 0;
  std::string name;
  std::string id_number;   // "" when unknown
  std::string phone;       // "" when unknown
  std::string birth_date;  // YYYY-MM-DD or ""
  std::string sex;         // "M", "F" or ""
  std::string household_code;
  int64_t tags = 0;
  std::string status;      // "active" or "merged"
  int64_t merged_into = 0;
  Millis created_at = 0;
  Millis updated_at = 0;
};

struct NewResident {
  std::string name;
  std::string id_number;   // optional; birth date and sex are derived from it
  std::string phone;       // optional
  std::string birth_date;  // only without an ID number
  std::string sex;         // only without an ID number
  std::string household_code;
  std::string tags;        // "elderly_alone,chronic"
};

struct ResidentQuery {
  std::string scope;      // scope key prefix of household_code (the caller's node)
  std::string name;       // exact name
  std::string id_number;  // exact
  std::string phone;      // exact
  int64_t tags = 0;       // any of these bits
  int64_t after_id = 0;   // paging: ids greater than this
  int limit = 50;
  bool include_merged = false;
};

struct Residence {
  std::string household_code;
  Millis moved_in_at = 0;
  Millis moved_out_at = 0;  // 0 while current
  std::string reason;
  std::string actor;
};

struct DuplicateCandidate {
  Resident a, b;
  std::string reason;  // "same name and phone" / "same name and birth date in community X"
};

class Residents {
 public:
  Residents(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Households. unit_code must be a unit; room 1–16 of [0-9A-Za-z]. Audited.
  Result<Household> CreateHousehold(std::string_view unit_code, std::string_view room, std::string_view address,
                                    const audit::Actor& by);
  Result<Household> GetHousehold(std::string_view code);

  // Validates every field (field errors), Conflict if the ID number is taken — naming
  // the existing record only if it lies under `viewer_scope` (the caller's scope key;
  // "" sees the whole city). Records the first residence. Audited.
  Result<Resident> Create(const NewResident& r, const audit::Actor& by, std::string_view viewer_scope = "");
  Result<Resident> Get(int64_t id);
  Result<std::vector<Resident>> List(const ResidentQuery& q);
  // Changes name, phone and/or tags (nullopt = unchanged). Audited.
  Result<Resident> Update(int64_t id, std::optional<std::string> name, std::optional<std::string> phone,
                          std::optional<std::string> tags, const audit::Actor& by);
  // Moves to another household, closing the current residence. Audited.
  Result<Resident> Move(int64_t id, std::string_view household_code, std::string_view reason, const audit::Actor& by);
  Result<std::vector<Residence>> History(int64_t id);

  // Likely duplicates under a scope among records where at least one has no ID number.
  Result<std::vector<DuplicateCandidate>> DuplicateCandidates(std::string_view scope, int limit);
  // Merges `merge_id` into `keep_id`: fills the kept record's missing ID/phone/birth date
  // from the other, unions tags, marks the other merged, keeps both histories. Audited
  // with a snapshot of both. Conflict if either is already merged or IDs disagree.
  Result<Resident> Merge(int64_t keep_id, int64_t merge_id, const audit::Actor& by);

  // Appends one audit entry for an unmasked read of these residents.
  Status AuditUnmaskedRead(const std::vector<int64_t>& ids, std::string_view purpose, std::string_view area_path,
                           const audit::Actor& by);

  // The area path of a household's unit (for audit placement and jurisdiction).
  Result<std::string> HouseholdAreaPath(std::string_view household_code);

 private:
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace tc::registry
