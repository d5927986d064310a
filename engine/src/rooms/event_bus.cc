// event_bus.cc: queue and re-entrancy-safe delivery of room events.
#include "rooms/event_bus.h"

#include <algorithm>
#include <utility>

namespace konfero::rooms {

SubscriptionId EventBus::Subscribe(std::optional<RoomId> room,
                                   EventCallback callback) {
  const SubscriptionId id{next_subscription_++};
  subscribers_.push_back(Subscriber{id, room, std::move(callback)});
  return id;
}

void EventBus::Unsubscribe(SubscriptionId id) {
  for (Subscriber& s : subscribers_) {
    if (s.id == id) s.active = false;
  }
  // Erasing now would invalidate a delivery loop further up the stack.
  if (!delivering_) {
    std::erase_if(subscribers_, [](const Subscriber& s) { return !s.active; });
  }
}

void EventBus::Publish(RoomId room, EventBody body) {
  pending_.push_back(Event{next_seq_++, room, clock_.Now(), std::move(body)});
}

void EventBus::Deliver() {
  if (delivering_) return;
  delivering_ = true;
  while (!pending_.empty()) {
    const Event event = std::move(pending_.front());
    pending_.pop_front();
    // Index loop: a callback may subscribe (push_back) while we iterate.
    for (size_t i = 0; i < subscribers_.size(); ++i) {
      if (!subscribers_[i].active) continue;
      if (subscribers_[i].room && *subscribers_[i].room != event.room) continue;
      // Copy: the vector may reallocate during the call.
      EventCallback callback = subscribers_[i].callback;
      callback(event);
    }
  }
  delivering_ = false;
  std::erase_if(subscribers_, [](const Subscriber& s) { return !s.active; });
}

}  // namespace konfero::rooms
