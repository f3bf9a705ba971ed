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

// Records an event inside the caller's write transaction.
Status Publish(store::Conn& conn, std::string_view type, std::string_view payload_json, Millis at);

// Thread-safe: mu_ serialises Subscribe() and Deliver(), so each subscriber sees
// events one at a time, in seq order.
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
  };
  store::Store& store_;
  std::mutex mu_;
  std::vector<Subscriber> subscribers_;
};

}  // namespace tc::events
