// Domain events through a transactional outbox. A module that changes state calls
// Publish() in the same transaction, so the event exists iff the change committed.
// The Bus delivers committed events to in-process subscribers in order; each
// subscriber's position is kept in event_cursors and advanced only after its
// handler returns Ok, so delivery is at-least-once and resumes after a restart.
//
//   TC_RETURN_IF_ERROR(events::Publish(conn, "AreaModeChanged", payload_json, now));
//   bus.Subscribe("health_codes", [&](const events::Event& e) { ... return Status::Ok(); });
//   bus.Deliver();   // after commit, and once at start
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace tc::events {

struct Event {
  int64_t seq = 0;
  std::string type;     // "CaseConfirmed", "AreaModeChanged", ...
  std::string payload;  // JSON object text
  Millis at = 0;
};

// Records an event inside the caller's write transaction (taking the outbox's order
// lock until that transaction ends).
Status Publish(store::Conn& conn, std::string_view type, std::string_view payload_json, Millis at);

// Order: Publish() takes the outbox's order lock (store::LockIdOrder) until its
// transaction ends, so seqs become visible in seq order on PostgreSQL too and the
// bus can read `seq > cursor` without ever passing an event that commits later.
// Publishers of events therefore commit one at a time (as every SQLite writer does).
//
// Thread-safe. mu_ guards only the list of subscribers; no lock is held while a
// handler runs or the store is read, so a handler may publish, Deliver() or
// Subscribe(). Each subscriber is delivered by one thread at a time (its `running`
// flag): a Deliver() that finds it busy asks the busy thread to go round again, so
// every committed event reaches every subscriber, one at a time, in order.
class Bus {
 public:
  using Handler = std::function<Status(const Event&)>;
  explicit Bus(store::Store& store) : store_(store) {}

  // `name` identifies the subscriber's cursor across restarts; a new subscriber
  // starts at the oldest event still in the outbox.
  void Subscribe(std::string name, Handler handler);
  // Delivers every pending event to every subscriber. A handler error stops that
  // subscriber at that event (retried on the next Deliver) and is returned.
  Status Deliver();

 private:
  struct Subscriber {
    std::string name;
    Handler handler;
    std::mutex state_mu;  // guards running and again
    bool running = false;
    bool again = false;
  };
  // Delivers the subscriber's pending events; called by the one thread running it.
  Status DeliverTo(Subscriber& sub);

  store::Store& store_;
  std::mutex mu_;  // guards subscribers_ (the list, not the delivery)
  std::vector<std::shared_ptr<Subscriber>> subscribers_;
};

}  // namespace tc::events
