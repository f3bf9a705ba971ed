#include "events/events.h"

namespace tc::events {
namespace {
// The advisory lock that orders the outbox's writers (store::LockIdOrder).
constexpr int64_t kOutboxOrderLock = 0x7463'6576'656e'7473;  // "tcevents"
}  // namespace

Status Publish(store::Conn& conn, std::string_view type, std::string_view payload_json, Millis at) {
  TC_RETURN_IF_ERROR(store::LockIdOrder(conn, kOutboxOrderLock));
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

Status Bus::DeliverTo(Subscriber& sub) {
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
    if (batch.empty()) return Status::Ok();
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
          return c.Exec("INSERT INTO event_cursors (subscriber, last_seq) VALUES (?, ?)", {sub.name, done}).status();
        }
        return Status::Ok();
      }));
    }
    if (!handler_status.ok()) return handler_status;
  }
}

}  // namespace tc::events
