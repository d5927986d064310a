// event_bus.h: ordered delivery of room events to subscribers.
//
// Publish() only queues: the RoomService publishes while it changes state and
// calls Deliver() when the change is complete (through a DeliveryScope), so
// a subscriber never sees a half-applied change. A subscriber may call back
// into the service from its callback; the events that causes are queued and
// delivered after the current ones, in sequence order.
//
// Thread contract: one thread (the RoomService's).
#ifndef KONFERO_ROOMS_EVENT_BUS_H_
#define KONFERO_ROOMS_EVENT_BUS_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "konfero/clock.h"
#include "konfero/events.h"
#include "konfero/room_service.h"

namespace konfero::rooms {

class EventBus {
 public:
  explicit EventBus(const Clock& clock) : clock_(clock) {}

  SubscriptionId Subscribe(std::optional<RoomId> room, EventCallback callback);
  void Unsubscribe(SubscriptionId id);

  void Publish(RoomId room, EventBody body);
  // Delivers every queued event, unless a delivery is already running
  // further up the stack (which will then deliver them).
  void Deliver();
  // Drops queued events: the change that published them failed.
  void DiscardPending() { pending_.clear(); }
  uint64_t last_seq() const { return next_seq_ - 1; }

 private:
  struct Subscriber {
    SubscriptionId id;
    std::optional<RoomId> room;
    EventCallback callback;
    bool active = true;
  };

  const Clock& clock_;
  uint64_t next_seq_ = 1;
  uint64_t next_subscription_ = 1;
  std::deque<Event> pending_;
  std::vector<Subscriber> subscribers_;
  bool delivering_ = false;
};

// Delivers the bus's queued events when the scope ends: put one at the top
// of every public RoomService method.
class DeliveryScope {
 public:
  explicit DeliveryScope(EventBus& bus) : bus_(bus) {}
  DeliveryScope(const DeliveryScope&) = delete;
  DeliveryScope& operator=(const DeliveryScope&) = delete;
  ~DeliveryScope() { bus_.Deliver(); }

 private:
  EventBus& bus_;
};

}  // namespace konfero::rooms

#endif  // KONFERO_ROOMS_EVENT_BUS_H_
