// room_service_rooms.cc: rooms, their members, and public access.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "rooms/access_codes.h"
#include "rooms/room_service_impl.h"
#include "rooms/validation.h"

namespace konfero::rooms {
namespace {
constexpr size_t kMaxRoomName = 100;
// How many fresh PINs to draw before concluding the PIN space is full.
constexpr int kPinAttempts = 64;

// Also the answer for a room one is no member of: the same words, so that
// room ids cannot be probed.
absl::Status RoomNotFound(RoomId room) {
  return absl::NotFoundError(absl::StrCat("room ", ToInt(room), " not found"));
}
}  // namespace

absl::StatusOr<RoomState*> RoomServiceImpl::FindRoom(RoomId room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return RoomNotFound(room);
  return it->second.get();
}

absl::StatusOr<RoomState*> RoomServiceImpl::ManagedRoom(
    const store::StoredUser& user, RoomId room) {
  absl::StatusOr<RoomState*> r = FindRoom(room);
  if (!r.ok()) return r.status();
  if (!user.admin && !(*r)->IsMember(user.id)) return RoomNotFound(room);
  return r;
}

absl::StatusOr<std::pair<const store::StoredUser*, RoomState*>>
RoomServiceImpl::MemberOfRoom(std::string_view session, RoomId room) {
  absl::StatusOr<const store::StoredUser*> user = Authenticate(session);
  if (!user.ok()) return user.status();
  absl::StatusOr<RoomState*> r = FindRoom(room);
  if (!r.ok()) return r.status();
  if (!(*r)->IsMember((*user)->id)) return RoomNotFound(room);
  return std::make_pair(*user, *r);
}

RoomInfo RoomServiceImpl::MakeRoomInfo(const RoomState& room) const {
  RoomInfo info;
  info.id = room.id;
  info.name = room.name;
  info.members = room.members;
  info.is_public = room.access.has_value();
  info.state = room.conference->state();
  info.guests_waiting = room.conference->guests_waiting();
  info.participant_count = room.conference->size();
  return info;
}

RoomSnapshot RoomServiceImpl::MakeSnapshot(const RoomState& room) const {
  return RoomSnapshot{MakeRoomInfo(room), room.conference->conference_id(),
                      room.conference->Participants()};
}

PublicAccess RoomServiceImpl::MakeAccess(const RoomState& room) const {
  PublicAccess access;
  if (!room.access) return access;
  access.is_public = true;
  access.dial_in_number = options_.dial_in_number;
  access.pin = room.access->pin;
  access.url_token = room.access->url_token;
  ComposeInvitation(room.name, options_.base_url, access);
  return access;
}

absl::StatusOr<RoomInfo> RoomServiceImpl::CreateRoom(std::string_view session,
                                                     std::string_view name) {
  DeliveryScope deliver(bus_);
  absl::StatusOr<const store::StoredUser*> user = Authenticate(session);
  if (!user.ok()) return user.status();
  if (absl::Status s = ValidateName("room name", name, kMaxRoomName); !s.ok()) return s;
  absl::StatusOr<RoomId> id = store_->InsertRoom(name, (*user)->id);
  if (!id.ok()) return id.status();
  auto room = std::make_unique<RoomState>();
  room->id = *id;
  room->name = std::string(name);
  room->members = {(*user)->id};
  // A new id: no chat can exist for it yet, so conference ids start at 0.
  room->conference = std::make_unique<Conference>(*id, 0, *this);
  RoomInfo info = MakeRoomInfo(*room);
  rooms_.emplace(*id, std::move(room));
  bus_.Publish(*id, RoomCreated{std::string(name)});
  return info;
}

absl::Status RoomServiceImpl::RenameRoom(std::string_view session, RoomId room,
                                         std::string_view name) {
  DeliveryScope deliver(bus_);
  absl::StatusOr<const store::StoredUser*> user = Authenticate(session);
  if (!user.ok()) return user.status();
  absl::StatusOr<RoomState*> r = ManagedRoom(**user, room);
  if (!r.ok()) return r.status();
  if (absl::Status s = ValidateName("room name", name, kMaxRoomName); !s.ok()) return s;
  if (absl::Status s = store_->RenameRoom(room, name); !s.ok()) return s;
  (*r)->name = std::string(name);
  bus_.Publish(room, RoomRenamed{std::string(name)});
  return absl::OkStatus();
}

absl::Status RoomServiceImpl::DeleteRoom(std::string_view session,
                                         RoomId room) {
  DeliveryScope deliver(bus_);
  absl::StatusOr<const store::StoredUser*> user = Authenticate(session);
  if (!user.ok()) return user.status();
  absl::StatusOr<RoomState*> r = ManagedRoom(**user, room);
  if (!r.ok()) return r.status();
  if (absl::Status s = store_->DeleteRoom(room); !s.ok()) return s;
  RoomState& state = **r;
  state.conference->RemoveIf([](const Participant&) { return true; },
                             LeaveReason::kRoomDeleted);
  absl::erase_if(participant_rooms_,
                 [room](const auto& kv) { return kv.second == room; });
  if (state.access) {
    rooms_by_pin_.Erase(state.access->pin);
    rooms_by_token_.Erase(state.access->url_token);
  }
  if (state.revoked_url_token) {
    rooms_by_revoked_token_.Erase(*state.revoked_url_token);
  }
  rooms_.erase(room);
  bus_.Publish(room, RoomDeleted{});
  return absl::OkStatus();
}

absl::StatusOr<std::vector<RoomInfo>> RoomServiceImpl::ListRooms(
    std::string_view session) {
  absl::StatusOr<const store::StoredUser*> user = Authenticate(session);
  if (!user.ok()) return user.status();
  std::vector<RoomInfo> out;
  for (const auto& [id, room] : rooms_) {
    if ((*user)->admin || room->IsMember((*user)->id)) {
      out.push_back(MakeRoomInfo(*room));
    }
  }
  std::sort(out.begin(), out.end(), [](const RoomInfo& a, const RoomInfo& b) {
    return ToInt(a.id) < ToInt(b.id);
  });
  return out;
}

RoomStats RoomServiceImpl::GetStats() const {
  RoomStats stats;
  for (const auto& [id, room] : rooms_) {
    const Conference& c = *room->conference;
    switch (c.state()) {
      case ConferenceState::kIdle: ++stats.rooms_idle; break;
      case ConferenceState::kWaiting: ++stats.rooms_waiting; break;
      case ConferenceState::kRunning: ++stats.rooms_running; break;
      case ConferenceState::kOnHold: ++stats.rooms_on_hold; break;
    }
    if (c.guests_waiting()) ++stats.rooms_with_guests_waiting;
    stats.moderators += c.moderators();
    stats.browser_guests += c.browser_guests();
    stats.phone_guests += c.guests() - c.browser_guests();
  }
  stats.guest_seats_in_use = licences_.in_use();
  stats.guest_seats_total = licences_.capacity();
  return stats;
}

absl::StatusOr<RoomSnapshot> RoomServiceImpl::GetRoom(std::string_view session,
                                                      RoomId room) {
  absl::StatusOr<const store::StoredUser*> user = Authenticate(session);
  if (!user.ok()) return user.status();
  absl::StatusOr<RoomState*> r = ManagedRoom(**user, room);
  if (!r.ok()) return r.status();
  return MakeSnapshot(**r);
}

absl::Status RoomServiceImpl::AddMember(std::string_view session, RoomId room,
                                        std::string_view login) {
  DeliveryScope deliver(bus_);
  absl::StatusOr<const store::StoredUser*> user = Authenticate(session);
  if (!user.ok()) return user.status();
  absl::StatusOr<RoomState*> r = ManagedRoom(**user, room);
  if (!r.ok()) return r.status();
  auto it = users_by_login_.find(Sv(login));
  if (it == users_by_login_.end()) {
    return absl::NotFoundError(absl::StrCat("no user with login '", Sv(login), "'"));
  }
  if ((*r)->IsMember(it->second)) {
    return absl::AlreadyExistsError(
        absl::StrCat("'", Sv(login), "' is already a member"));
  }
  if (absl::Status s = store_->AddMember(room, it->second); !s.ok()) return s;
  auto& members = (*r)->members;
  members.insert(std::upper_bound(members.begin(), members.end(), it->second),
                 it->second);
  bus_.Publish(room, MembersChanged{});
  return absl::OkStatus();
}

absl::Status RoomServiceImpl::RemoveMember(std::string_view session,
                                           RoomId room,
                                           std::string_view login) {
  DeliveryScope deliver(bus_);
  absl::StatusOr<const store::StoredUser*> user = Authenticate(session);
  if (!user.ok()) return user.status();
  absl::StatusOr<RoomState*> r = ManagedRoom(**user, room);
  if (!r.ok()) return r.status();
  auto it = users_by_login_.find(Sv(login));
  if (it == users_by_login_.end() || !(*r)->IsMember(it->second)) {
    return absl::NotFoundError(absl::StrCat("'", Sv(login), "' is not a member"));
  }
  if ((*r)->members.size() == 1) {
    return absl::FailedPreconditionError(
        "the last member cannot be removed; delete the room instead");
  }
  const UserId gone = it->second;
  if (absl::Status s = store_->RemoveMember(room, gone); !s.ok()) return s;
  std::erase((*r)->members, gone);
  std::vector<ParticipantId> removed;
  for (const ParticipantInfo& p : (*r)->conference->Participants()) {
    if (p.user == gone) removed.push_back(p.id);
  }
  for (ParticipantId p : removed) {
    (*r)->conference->Remove(p, LeaveReason::kMembershipRevoked);
    participant_rooms_.erase(p);
  }
  bus_.Publish(room, MembersChanged{});
  return absl::OkStatus();
}

absl::StatusOr<store::StoredAccess> RoomServiceImpl::NewAccessCodes() {
  for (int i = 0; i < kPinAttempts; ++i) {
    std::string pin = GeneratePin(options_.pin_digits, random_);
    // Unique among public rooms, the room's own current PIN included, so a
    // regeneration always changes it.
    if (rooms_by_pin_.Contains(pin)) continue;
    std::string token = GenerateUrlToken(random_);
    // 128 random bits do not collide in practice; if they ever did, the
    // token would open two rooms, or a private room's old link a new one.
    if (rooms_by_token_.Contains(token) ||
        rooms_by_revoked_token_.Contains(token)) {
      continue;
    }
    return store::StoredAccess{std::move(pin), std::move(token)};
  }
  return absl::ResourceExhaustedError(absl::StrCat(
      "no unused ", options_.pin_digits,
      "-digit PIN found; use longer PINs (pin_digits) for this many public rooms"));
}

absl::Status RoomServiceImpl::ReplaceAccess(
    RoomState& room, std::optional<store::StoredAccess> access) {
  // Going private keeps the link's token, so a guest holding it learns that
  // the room is no longer public; any new codes make it unknown.
  const bool revoking = room.access.has_value() && !access.has_value();
  if (absl::Status s = revoking ? store_->RevokeAccess(room.id)
                                : store_->SetAccess(room.id, access);
      !s.ok()) {
    return s;
  }
  if (room.revoked_url_token) {
    rooms_by_revoked_token_.Erase(*room.revoked_url_token);
    room.revoked_url_token.reset();
  }
  if (room.access) {
    rooms_by_pin_.Erase(room.access->pin);
    rooms_by_token_.Erase(room.access->url_token);
    if (revoking) {
      room.revoked_url_token = room.access->url_token;
      rooms_by_revoked_token_.Insert(*room.revoked_url_token, room.id);
    }
  }
  room.access = std::move(access);
  if (room.access) {
    rooms_by_pin_.Insert(room.access->pin, room.id);
    rooms_by_token_.Insert(room.access->url_token, room.id);
  }
  return absl::OkStatus();
}

absl::StatusOr<PublicAccess> RoomServiceImpl::SetPublic(
    std::string_view session, RoomId room, bool is_public) {
  DeliveryScope deliver(bus_);
  absl::StatusOr<const store::StoredUser*> user = Authenticate(session);
  if (!user.ok()) return user.status();
  absl::StatusOr<RoomState*> r = ManagedRoom(**user, room);
  if (!r.ok()) return r.status();
  RoomState& state = **r;
  if (is_public == state.access.has_value()) return MakeAccess(state);
  if (is_public) {
    absl::StatusOr<store::StoredAccess> codes = NewAccessCodes();
    if (!codes.ok()) return codes.status();
    if (absl::Status s = ReplaceAccess(state, *std::move(codes)); !s.ok()) return s;
  } else {
    if (absl::Status s = ReplaceAccess(state, std::nullopt); !s.ok()) return s;
    std::vector<ParticipantId> guests;
    for (const ParticipantInfo& p : state.conference->Participants()) {
      if (p.role != ParticipantRole::kModerator) guests.push_back(p.id);
    }
    for (ParticipantId p : guests) {
      state.conference->Remove(p, LeaveReason::kAccessRevoked);
      participant_rooms_.erase(p);
    }
  }
  bus_.Publish(room, AccessChanged{is_public, false});
  return MakeAccess(state);
}

absl::StatusOr<PublicAccess> RoomServiceImpl::RegenerateAccess(
    std::string_view session, RoomId room) {
  DeliveryScope deliver(bus_);
  absl::StatusOr<const store::StoredUser*> user = Authenticate(session);
  if (!user.ok()) return user.status();
  absl::StatusOr<RoomState*> r = ManagedRoom(**user, room);
  if (!r.ok()) return r.status();
  if (!(*r)->access) {
    return absl::FailedPreconditionError(
        "the room is private; make it public to get a PIN and URL");
  }
  absl::StatusOr<store::StoredAccess> codes = NewAccessCodes();
  if (!codes.ok()) return codes.status();
  if (absl::Status s = ReplaceAccess(**r, *std::move(codes)); !s.ok()) return s;
  bus_.Publish(room, AccessChanged{true, true});
  return MakeAccess(**r);
}

absl::StatusOr<PublicAccess> RoomServiceImpl::GetAccess(
    std::string_view session, RoomId room) {
  absl::StatusOr<const store::StoredUser*> user = Authenticate(session);
  if (!user.ok()) return user.status();
  absl::StatusOr<RoomState*> r = ManagedRoom(**user, room);
  if (!r.ok()) return r.status();
  return MakeAccess(**r);
}

}  // namespace konfero::rooms
