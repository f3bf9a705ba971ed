#include "events/events.h"

namespace tc::events {

Status Publish(store::Conn& conn, std::string_view type, std::string_view payload_json, Millis at) {
  return conn
      .Exec("INSERT INTO events (type, payload, at) VALUES (?, ?, ?)",
            {std::string(type), std::string(payload_json), at})
      .status();
}

void Bus::Subscribe(std::string name, Handler handler) {
  auto sub = std::make_shared<Subscriber>();
  sub->name = std::move(name);
  sub->handler = std::move(handler);
  std::lock_guard lock(mu_);
  subscribers_.push_back(std::move(sub));
}

Status Bus::Deliver() {
  std::vector<std::shared_ptr<Subscriber>> subs;
  {
    std::lock_guard lock(mu_);
    subs = subscribers_;
  }
  Status first_error;
  for (const auto& sub : subs) {
    {
      std::lock_guard lock(sub->state_mu);
      if (sub->running) {  // another thread delivers to it: it will go round once more
        sub->again = true;
        continue;
      }
      sub->running = true;
    }
    for (;;) {
      Status s = DeliverTo(*sub);
      std::lock_guard lock(sub->state_mu);
      if (!s.ok() && first_error.ok()) first_error = s;
      if (!s.ok() || !sub->again) {
        sub->running = false;
        sub->again = false;
        break;
      }
      sub->again = false;
    }
  }
  return first_error;
}

namespace {

// Position of a subscriber: (transaction id, seq) on PostgreSQL; txid stays 0 on SQLite.
struct Cursor {
  int64_t txid = 0;
  int64_t seq = 0;
};

struct Pending {
  Event event;
  int64_t txid = 0;
};

Result<Cursor> ReadCursor(store::Conn& c, const std::string& subscriber) {
  TC_ASSIGN_OR_RETURN(auto cur, c.Query("SELECT last_txid, last_seq FROM event_cursors WHERE subscriber = ?",
                                        {subscriber}));
  if (cur.empty()) return Cursor{};
  return Cursor{cur[0].Int(0), cur[0].Int(1)};
}

Result<std::vector<Pending>> ReadAfter(store::Conn& c, const Cursor& from) {
  std::vector<Pending> out;
  if (c.dialect() == store::Dialect::kSqlite) {
    TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT seq, type, payload, at FROM events WHERE seq > ? "
                                           "ORDER BY seq LIMIT 500",
                                           {from.seq}));
    for (const auto& r : rows.rows) out.push_back({{r.Int(0), r.Text(1), r.Text(2), r.Int(3)}, 0});
    return out;
  }
  const std::string txid = std::to_string(from.txid);
  TC_ASSIGN_OR_RETURN(
      auto rows,
      c.Query("SELECT seq, type, payload, at, CAST(CAST(txid AS TEXT) AS BIGINT) FROM events "
              "WHERE (txid > CAST(? AS xid8) OR (txid = CAST(? AS xid8) AND seq > ?)) "
              "AND txid < pg_snapshot_xmin(pg_current_snapshot()) ORDER BY txid, seq LIMIT 500",
              {txid, txid, from.seq}));
  for (const auto& r : rows.rows) out.push_back({{r.Int(0), r.Text(1), r.Text(2), r.Int(3)}, r.Int(4)});
  return out;
}

}  // namespace

Status Bus::DeliverTo(Subscriber& sub) {
  for (;;) {
    Cursor cursor;
    std::vector<Pending> batch;
    TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
      TC_ASSIGN_OR_RETURN(cursor, ReadCursor(c, sub.name));
      TC_ASSIGN_OR_RETURN(batch, ReadAfter(c, cursor));
      return Status::Ok();
    }));
    if (batch.empty()) return Status::Ok();
    Cursor done = cursor;
    Status handler_status;
    for (const Pending& p : batch) {
      handler_status = sub.handler(p.event);
      if (!handler_status.ok()) break;
      done = {p.txid, p.event.seq};
    }
    if (done.seq != cursor.seq || done.txid != cursor.txid) {
      TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
        TC_ASSIGN_OR_RETURN(auto upd, c.Exec("UPDATE event_cursors SET last_seq = ?, last_txid = ? WHERE subscriber = ?",
                                             {done.seq, done.txid, sub.name}));
        if (upd.affected == 0) {
          return c.Exec("INSERT INTO event_cursors (subscriber, last_seq, last_txid) VALUES (?, ?, ?)",
                        {sub.name, done.seq, done.txid})
              .status();
        }
        return Status::Ok();
      }));
    }
    if (!handler_status.ok()) return handler_status;
  }
}

}  // namespace tc::events
