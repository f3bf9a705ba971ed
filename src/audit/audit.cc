#include "audit/audit.h"

#include "base/crypto.h"

namespace tc::audit {
namespace {

constexpr char kSep = '\x1f';  // unit separator: cannot appear in a field by accident of joining

Entry FromRow(const store::Row& r) {
  Entry e;
  e.seq = r.Int(0);
  e.at = r.Int(1);
  e.record.actor = r.Text(2);
  e.record.action = r.Text(3);
  e.record.target = r.Text(4);
  e.record.area_path = r.Text(5);
  e.record.detail = r.Text(6);
  e.record.request_id = r.Text(7);
  e.prev_hash = r.Text(8);
  e.hash = r.Text(9);
  return e;
}

constexpr const char* kColumns =
    "seq, at, actor, action, target, area_path, detail, request_id, prev_hash, hash";

}  // namespace

std::string ComputeHash(const Entry& e) {
  std::string s;
  s.reserve(256 + e.record.detail.size());
  for (const std::string& part :
       {e.prev_hash, std::to_string(e.seq), std::to_string(e.at), e.record.actor, e.record.action,
        e.record.target, e.record.area_path, e.record.detail, e.record.request_id}) {
    s += part;
    s += kSep;
  }
  return Sha256Hex(s);
}

Status Append(store::Conn& conn, const Record& record, Millis at) {
  const char* lock = conn.dialect() == store::Dialect::kPostgres
                         ? "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE"
                         : "SELECT seq, hash FROM audit_head WHERE id = 1";
  TC_ASSIGN_OR_RETURN(auto head, conn.Query(lock));
  if (head.empty()) return Internal("audit_head row is missing: the audit log cannot be appended");
  Entry e;
  e.seq = head[0].Int(0) + 1;
  e.prev_hash = head[0].Text(1);
  e.at = at;
  e.record = record;
  if (e.record.area_path.empty()) e.record.area_path = "/";
  e.hash = ComputeHash(e);
  TC_RETURN_IF_ERROR(
      conn.Exec(std::string("INSERT INTO audit_log (") + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                {e.seq, e.at, e.record.actor, e.record.action, e.record.target, e.record.area_path,
                 e.record.detail, e.record.request_id, e.prev_hash, e.hash})
          .status());
  return conn.Exec("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1", {e.seq, e.hash}).status();
}

Result<VerifyReport> Verify(store::Store& store) {
  VerifyReport report;
  Status s = store.Read([&](store::Conn& c) -> Status {
    std::string prev = "genesis";
    int64_t expected_seq = 1;
    constexpr int64_t kBatch = 5000;
    for (;;) {
      TC_ASSIGN_OR_RETURN(auto rows, c.Query(std::string("SELECT ") + kColumns +
                                                 " FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?",
                                             {expected_seq, kBatch}));
      for (const auto& row : rows.rows) {
        Entry e = FromRow(row);
        ++report.checked;
        if (e.seq != expected_seq) {
          report.broken_seq = expected_seq;
          report.problem = "entry " + std::to_string(expected_seq) + " is missing (next present is " +
                           std::to_string(e.seq) + ")";
          return Status::Ok();
        }
        if (e.prev_hash != prev) {
          report.broken_seq = e.seq;
          report.problem = "entry " + std::to_string(e.seq) + " does not link to entry " +
                           std::to_string(e.seq - 1) + " (prev_hash differs)";
          return Status::Ok();
        }
        if (ComputeHash(e) != e.hash) {
          report.broken_seq = e.seq;
          report.problem = "entry " + std::to_string(e.seq) + " was altered (its hash does not match its fields)";
          return Status::Ok();
        }
        prev = e.hash;
        ++expected_seq;
      }
      if (static_cast<int64_t>(rows.size()) < kBatch) break;
    }
    TC_ASSIGN_OR_RETURN(auto head, c.Query("SELECT seq, hash FROM audit_head WHERE id = 1"));
    if (head.empty()) {
      report.problem = "audit_head row is missing";
      return Status::Ok();
    }
    if (head[0].Int(0) != expected_seq - 1 || head[0].Text(1) != prev) {
      report.broken_seq = expected_seq;
      report.problem = "the chain ends at entry " + std::to_string(expected_seq - 1) + " but its head records entry " +
                       std::to_string(head[0].Int(0)) + ": entries were removed from the end";
    }
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return report;
}

Result<std::vector<Entry>> List(store::Store& store, const ListQuery& q) {
  std::string sql = std::string("SELECT ") + kColumns + " FROM audit_log WHERE area_path >= ? AND area_path < ?";
  store::Params params{q.under_path, store::PrefixEnd(q.under_path)};
  if (q.before_seq > 0) {
    sql += " AND seq < ?";
    params.emplace_back(q.before_seq);
  }
  if (!q.actor.empty()) {
    sql += " AND actor = ?";
    params.emplace_back(q.actor);
  }
  if (!q.action_prefix.empty()) {
    sql += " AND substr(action, 1, ?) = ?";
    params.emplace_back(static_cast<int64_t>(q.action_prefix.size()));
    params.emplace_back(q.action_prefix);
  }
  sql += " ORDER BY seq DESC LIMIT ?";
  params.emplace_back(int64_t{q.limit});
  return store.ReadAll<Entry>(sql, params, FromRow);
}

}  // namespace tc::audit
