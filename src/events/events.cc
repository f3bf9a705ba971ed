#include "events/events.h"

namespace tc::events {

Status Publish(store::Conn& conn, std::string_view type, std::string_view payload_json, Millis at) {
  return conn
      .Exec("INSERT INTO events (type, payload, at) VALUES (?, ?, ?)",
            {std::string(type), std::string(payload_json), at})
      .status();
}

void Bus::Subscribe(std::string name, Handler handler) {
  std::lock_guard lock(mu_);
  subscribers_.push_back({std::move(name), std::move(handler)});
}

Status Bus::Deliver() {
  std::lock_guard lock(mu_);
  Status first_error;
  for (const Subscriber& sub : subscribers_) {
    for (;;) {
      std::vector<Event> batch;
      int64_t cursor = 0;
      TC_RETURN_IF_ERROR(store_.Read([&](store::Conn& c) -> Status {
        TC_ASSIGN_OR_RETURN(auto cur, c.Query("SELECT last_seq FROM event_cursors WHERE subscriber = ?", {sub.name}));
        cursor = cur.empty() ? 0 : cur[0].Int(0);
        TC_ASSIGN_OR_RETURN(auto rows, c.Query("SELECT seq, type, payload, at FROM events WHERE seq > ? "
                                               "ORDER BY seq LIMIT 500",
                                               {cursor}));
        for (const auto& r : rows.rows) batch.push_back({r.Int(0), r.Text(1), r.Text(2), r.Int(3)});
        return Status::Ok();
      }));
      if (batch.empty()) break;
      int64_t done = cursor;
      Status handler_status;
      for (const Event& e : batch) {
        handler_status = sub.handler(e);
        if (!handler_status.ok()) break;
        done = e.seq;
      }
      if (done > cursor) {
        TC_RETURN_IF_ERROR(store_.Tx([&](store::Conn& c) -> Status {
          TC_ASSIGN_OR_RETURN(auto upd, c.Exec("UPDATE event_cursors SET last_seq = ? WHERE subscriber = ?",
                                               {done, sub.name}));
          if (upd.affected == 0) {
            return c.Exec("INSERT INTO event_cursors (subscriber, last_seq) VALUES (?, ?)", {sub.name, done})
                .status();
          }
          return Status::Ok();
        }));
      }
      if (!handler_status.ok()) {
        if (first_error.ok()) first_error = handler_status;
        break;
      }
    }
  }
  return first_error;
}

}  // namespace tc::events
