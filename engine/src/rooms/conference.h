// conference.h: one room's conference: who is present and the lifecycle.
//
//   idle --guest--> waiting --moderator--> running --last moderator--> on hold
//   on hold --moderator--> running;  any --last participant--> idle
//
// A Conference knows nothing of users, sessions, access codes or storage: it
// is told who joins and leaves (already authorised by the RoomService),
// derives the state from who is present, and reports every change to its
// Listener. That makes it the unit a media worker can own later: commands in,
// events out, no shared state but the licence seats and address slots its
// guests hold (both safe from any thread).
//
// Thread contract: one thread, the one that owns the Conference.
#ifndef KONFERO_ROOMS_CONFERENCE_H_
#define KONFERO_ROOMS_CONFERENCE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "konfero/events.h"
#include "konfero/room_types.h"
#include "rooms/address_quota.h"
#include "rooms/licence_pool.h"

namespace konfero::rooms {

struct Participant {
  ParticipantInfo info;
  // The key a guest's client keeps (browser) or the caller id (phone); empty
  // for moderators and anonymous callers. Barred when the guest is kicked.
  std::string guest_key;
  // Held by browser guests only; returned to the pool when destroyed.
  std::optional<LicenceSeat> seat;
  // Browser guests only: their place in their source address's quota.
  std::optional<AddressSlot> address_slot;
};

class Conference {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void OnConferenceEvent(RoomId room, EventBody body) = 0;
  };

  // `last_conference_id`: the highest id this room used before, so ids stay
  // unique across restarts (they scope guests' chat history).
  Conference(RoomId room, int64_t last_conference_id, Listener& listener);

  ConferenceState state() const { return state_; }
  bool guests_waiting() const { return guests_ > 0 && moderators_ == 0; }
  // Non-zero while state() != kIdle.
  int64_t conference_id() const { return conference_id_; }
  int size() const { return static_cast<int>(participants_.size()); }
  int moderators() const { return moderators_; }
  int guests() const { return guests_; }
  int browser_guests() const { return browser_guests_; }

  const Participant* Find(ParticipantId id) const;
  // In join order, with each guest's `waiting` flag filled in.
  std::vector<ParticipantInfo> Participants() const;
  ParticipantInfo Info(const Participant& p) const;

  bool IsBanned(std::string_view guest_key) const;
  std::vector<BanInfo> Bans() const { return bans_; }

  // Adds an authorised participant; returns its info after the join.
  ParticipantInfo Add(Participant participant);
  // Removes one participant (no-op if absent); its seat is freed.
  bool Remove(ParticipantId id, LeaveReason reason);
  // Removes every participant for which `pred` holds.
  void RemoveIf(const std::function<bool(const Participant&)>& pred,
                LeaveReason reason);
  // Bars the participant's guest key until LiftBan or the conference ends.
  // Returns nothing if it has no key.
  std::optional<BanInfo> Ban(const Participant& participant, BanId id,
                             absl::Time now);
  bool LiftBan(BanId id);
  bool SetMuted(ParticipantId target, bool muted, ParticipantId by);

 private:
  struct BanEntry {
    BanInfo info;
    std::string guest_key;
  };
  void UpdateLifecycle();
  void Emit(EventBody body) { listener_.OnConferenceEvent(room_, std::move(body)); }

  const RoomId room_;
  Listener& listener_;
  ConferenceState state_ = ConferenceState::kIdle;
  bool guests_waiting_ = false;  // as last reported
  int64_t last_conference_id_;
  int64_t conference_id_ = 0;
  int moderators_ = 0;
  int guests_ = 0;
  int browser_guests_ = 0;
  std::vector<Participant> participants_;
  std::vector<BanInfo> bans_;
  std::vector<std::string> ban_keys_;  // parallel to bans_
};

}  // namespace konfero::rooms

#endif  // KONFERO_ROOMS_CONFERENCE_H_
