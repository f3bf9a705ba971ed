// Audit log: append-only and hash-chained. Every write and every unmasked read of
// personal data appends an entry in the same transaction as the action it records.
// Each entry's hash covers its fields and the previous entry's hash, and the chain's
// head (audit_head) is locked by every append, so appends are totally ordered and any
// edited, inserted or removed row breaks the chain where Verify() finds it.
//
//   TC_RETURN_IF_ERROR(audit::Append(conn, {.actor = "alice", .action = "area.create",
//                                           .target = "area:220102001000", .area_path = p}, now));
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace tc::audit {

// Who is acting: a username (or "cli:<login>" for the command line) and the
// HTTP request id ("" outside HTTP).
struct Actor {
  std::string name;
  std::string request_id;
};

struct Record {
  std::string actor;       // username, or "cli:<user>" for command-line actions
  std::string action;      // "area.create", "resident.unmask", "auth.login", ...
  std::string target;      // "area:220102001000", "user:17"
  std::string area_path;   // where in the hierarchy the target lies ("/" for city-wide)
  std::string detail = "{}";  // JSON object text with what changed
  std::string request_id;  // the HTTP request id, "" for the CLI
};

struct Entry {
  int64_t seq = 0;
  Millis at = 0;
  Record record;
  std::string prev_hash;
  std::string hash;
};

// Appends inside the caller's transaction (which must be a write transaction).
Status Append(store::Conn& conn, const Record& record, Millis at);

// The hash of an entry given its fields and prev_hash.
std::string ComputeHash(const Entry& e);

struct VerifyReport {
  int64_t checked = 0;                // entries read
  std::optional<int64_t> broken_seq;  // first entry whose link is broken
  std::string problem;                // what is wrong there ("" when intact)
  bool ok() const { return !broken_seq && problem.empty(); }
};
// Walks the whole chain in order. An error Status only if the store fails.
Result<VerifyReport> Verify(store::Store& store);

struct ListQuery {
  std::string under_path = "/";  // only entries whose area_path starts with this
  int64_t before_seq = 0;        // 0: newest first from the end
  int limit = 50;
  std::string actor;             // "" = any
  std::string action_prefix;     // "" = any; "auth." = every auth action
};
Result<std::vector<Entry>> List(store::Store& store, const ListQuery& q);

}  // namespace tc::audit
