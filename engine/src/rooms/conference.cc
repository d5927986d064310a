// conference.cc: presence and the lifecycle state machine of one room.
#include "rooms/conference.h"

#include <algorithm>
#include <utility>

#include "crypto/secrets.h"

namespace konfero::rooms {

Conference::Conference(RoomId room, int64_t last_conference_id,
                       Listener& listener)
    : room_(room), listener_(listener), last_conference_id_(last_conference_id) {}

const Participant* Conference::Find(ParticipantId id) const {
  for (const Participant& p : participants_) {
    if (p.info.id == id) return &p;
  }
  return nullptr;
}

ParticipantInfo Conference::Info(const Participant& p) const {
  ParticipantInfo info = p.info;
  info.waiting = info.role != ParticipantRole::kModerator &&
                 state_ != ConferenceState::kRunning;
  return info;
}

std::vector<ParticipantInfo> Conference::Participants() const {
  std::vector<ParticipantInfo> out;
  out.reserve(participants_.size());
  for (const Participant& p : participants_) out.push_back(Info(p));
  return out;
}

bool Conference::IsBanned(std::string_view guest_key) const {
  if (guest_key.empty()) return false;
  bool banned = false;
  // Compare against every ban without stopping early.
  for (const std::string& key : ban_keys_) {
    banned |= crypto::ConstantTimeEquals(key, guest_key);
  }
  return banned;
}

ParticipantInfo Conference::Add(Participant participant) {
  switch (participant.info.role) {
    case ParticipantRole::kModerator: ++moderators_; break;
    case ParticipantRole::kBrowserGuest: ++guests_; ++browser_guests_; break;
    case ParticipantRole::kPhoneGuest: ++guests_; break;
  }
  participant.info.room = room_;
  participants_.push_back(std::move(participant));
  // The joiner is announced before the state change it causes, so a
  // listener sees "guest joined, conference waiting".
  const ParticipantInfo info = Info(participants_.back());
  Emit(ParticipantJoined{info});
  UpdateLifecycle();
  return Info(*Find(info.id));
}

bool Conference::Remove(ParticipantId id, LeaveReason reason) {
  auto it = std::find_if(participants_.begin(), participants_.end(),
                         [id](const Participant& p) { return p.info.id == id; });
  if (it == participants_.end()) return false;
  Participant gone = std::move(*it);
  participants_.erase(it);
  switch (gone.info.role) {
    case ParticipantRole::kModerator: --moderators_; break;
    case ParticipantRole::kBrowserGuest: --guests_; --browser_guests_; break;
    case ParticipantRole::kPhoneGuest: --guests_; break;
  }
  // The seat and the address slot are free before anyone hears of the leave.
  gone.seat.reset();
  gone.address_slot.reset();
  Emit(ParticipantLeft{gone.info.id, gone.info.role, gone.info.display_name,
                       reason});
  UpdateLifecycle();
  return true;
}

void Conference::RemoveIf(const std::function<bool(const Participant&)>& pred,
                          LeaveReason reason) {
  std::vector<ParticipantId> ids;
  for (const Participant& p : participants_) {
    if (pred(p)) ids.push_back(p.info.id);
  }
  for (ParticipantId id : ids) Remove(id, reason);
}

std::optional<BanInfo> Conference::Ban(const Participant& participant,
                                       BanId id, absl::Time now) {
  if (participant.guest_key.empty()) return std::nullopt;
  BanInfo ban{id, room_, participant.info.display_name, now};
  bans_.push_back(ban);
  ban_keys_.push_back(participant.guest_key);
  Emit(GuestBanned{ban});
  return ban;
}

bool Conference::LiftBan(BanId id) {
  for (size_t i = 0; i < bans_.size(); ++i) {
    if (bans_[i].id != id) continue;
    bans_.erase(bans_.begin() + static_cast<std::ptrdiff_t>(i));
    ban_keys_.erase(ban_keys_.begin() + static_cast<std::ptrdiff_t>(i));
    Emit(BanLifted{id});
    return true;
  }
  return false;
}

bool Conference::SetMuted(ParticipantId target, bool muted, ParticipantId by) {
  for (Participant& p : participants_) {
    if (p.info.id != target) continue;
    if (p.info.muted == muted) return true;
    p.info.muted = muted;
    Emit(ParticipantMuted{target, muted, by});
    return true;
  }
  return false;
}

void Conference::UpdateLifecycle() {
  ConferenceState next;
  if (moderators_ > 0) {
    next = ConferenceState::kRunning;
  } else if (guests_ > 0) {
    // Guests without a moderator wait; if a conference had already run,
    // it is on hold and can resume.
    next = (state_ == ConferenceState::kRunning ||
            state_ == ConferenceState::kOnHold)
               ? ConferenceState::kOnHold
               : ConferenceState::kWaiting;
  } else {
    next = ConferenceState::kIdle;
  }

  if (next != state_) {
    const ConferenceState from = state_;
    if (from == ConferenceState::kIdle) conference_id_ = ++last_conference_id_;
    state_ = next;
    Emit(ConferenceStateChanged{from, next, conference_id_});
    if (next == ConferenceState::kIdle) {
      // The conference is over: bans end with it.
      while (!bans_.empty()) LiftBan(bans_.front().id);
      conference_id_ = 0;
    }
  }
  if (guests_waiting() != guests_waiting_) {
    guests_waiting_ = guests_waiting();
    Emit(GuestsWaitingChanged{guests_waiting_});
  }
}

}  // namespace konfero::rooms
