// room_service_presence.cc: joining, leaving, kicks, bans and mute.
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "rooms/room_service_impl.h"
#include "rooms/validation.h"

namespace konfero::rooms {
namespace {
constexpr size_t kMaxDisplayName = 64;

constexpr char kGlobalKey[] = "global";

// Marks a guest-cap refusal (IsGuestLimitError); the value is unused.
constexpr char kGuestLimitPayload[] = "konfero/guest-limit";

absl::Status GuestLimitError(std::string message) {
  absl::Status status = absl::ResourceExhaustedError(message);
  status.SetPayload(kGuestLimitPayload, absl::Cord("1"));
  return status;
}

bool IsDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

// A caller id's digits: what identifies the caller for limits and bans.
std::string CallerDigits(std::string_view caller) {
  std::string digits;
  for (char c : caller) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  return digits;
}
}  // namespace

absl::StatusOr<std::pair<RoomState*, const Participant*>>
RoomServiceImpl::FindParticipant(ParticipantId id) {
  auto it = participant_rooms_.find(id);
  if (it == participant_rooms_.end()) {
    return absl::NotFoundError(
        absl::StrCat("participant ", ToInt(id), " is not in a conference"));
  }
  RoomState* room = rooms_.at(it->second).get();
  return std::make_pair(room, room->conference->Find(id));
}

absl::StatusOr<std::pair<RoomState*, const Participant*>>
RoomServiceImpl::FindModerator(ParticipantId id) {
  auto found = FindParticipant(id);
  if (!found.ok()) return found.status();
  if (found->second->info.role != ParticipantRole::kModerator) {
    return absl::PermissionDeniedError("only a moderator may do this");
  }
  return found;
}

JoinResult RoomServiceImpl::Admit(RoomState& room, Participant participant) {
  participant.info.id = NextParticipantId();
  participant.info.joined_at = clock_.Now();
  participant_rooms_[participant.info.id] = room.id;
  const ParticipantInfo info = room.conference->Add(std::move(participant));
  return JoinResult{info.id, room.id, info.role, room.conference->state(),
                    info.waiting};
}

absl::StatusOr<JoinResult> RoomServiceImpl::JoinAsMember(
    std::string_view session, RoomId room) {
  DeliveryScope deliver(bus_);
  // Admins manage every room but moderate only those they belong to.
  absl::StatusOr<std::pair<const store::StoredUser*, RoomState*>> member =
      MemberOfRoom(session, room);
  if (!member.ok()) return member.status();
  const auto [user, r] = *member;
  Participant p;
  p.info.role = ParticipantRole::kModerator;
  p.info.display_name = user->display_name;
  p.info.user = user->id;
  return Admit(*r, std::move(p));
}

absl::StatusOr<JoinResult> RoomServiceImpl::JoinAsBrowserGuest(
    const BrowserGuestJoin& join) {
  DeliveryScope deliver(bus_);
  if (absl::Status s = ValidateSource(join.source); !s.ok()) return s;
  if (absl::Status s = ValidateName("display name", join.display_name,
                                    kMaxDisplayName);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = ValidateGuestKey(join.guest_key); !s.ok()) return s;
  absl::StatusOr<RoomState*> resolved =
      ResolveGuestUrl(join.url_token, join.source);
  if (!resolved.ok()) return resolved.status();
  RoomState& room = **resolved;
  if (room.conference->IsBanned(join.guest_key)) {
    return absl::PermissionDeniedError(
        "a moderator removed you from this conference");
  }
  // Before the licence, so one holder of a link cannot take every seat of
  // the server. Guests in their reconnect grace are still participants, so
  // they count; phone guests do not (they take no seat).
  if (options_.max_guests_per_room > 0 &&
      room.conference->browser_guests() >= options_.max_guests_per_room) {
    return GuestLimitError(absl::StrCat(
        "this room is full: it has its most guests at once (",
        options_.max_guests_per_room, "); try again when one has left"));
  }
  std::optional<AddressSlot> address_slot =
      guests_per_address_.TryAcquire(join.source);
  if (!address_slot) {
    return GuestLimitError(absl::StrCat(
        "too many guests from your network address: at most ",
        guests_per_address_.per_address(),
        " at once; try again when one has left"));
  }
  std::optional<LicenceSeat> seat = licences_.TryAcquire();
  if (!seat) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "no guest licence is free: all ", licences_.capacity(),
        " concurrent guest seats of the licence are in use"));
  }
  Participant p;
  p.info.role = ParticipantRole::kBrowserGuest;
  p.info.display_name = std::string(absl::StripAsciiWhitespace(join.display_name));
  p.guest_key = join.guest_key;
  p.seat = std::move(seat);
  p.address_slot = std::move(address_slot);
  return Admit(room, std::move(p));
}

PhoneJoinAttempt RoomServiceImpl::TryJoinAsPhoneGuest(
    const PhoneGuestJoin& join) {
  DeliveryScope deliver(bus_);
  PhoneJoinAttempt attempt;
  attempt.result = DecidePhoneJoin(join, attempt.answer_delay);
  return attempt;
}

absl::StatusOr<JoinResult> RoomServiceImpl::JoinAsPhoneGuest(
    const PhoneGuestJoin& join) {
  return TryJoinAsPhoneGuest(join).result;
}

absl::StatusOr<JoinResult> RoomServiceImpl::DecidePhoneJoin(
    const PhoneGuestJoin& join, absl::Duration& answer_delay) {
  answer_delay = absl::ZeroDuration();
  if (absl::Status s = ValidateSource(join.source); !s.ok()) return s;
  if (!join.caller.empty()) {
    if (absl::Status s = ValidateName("caller id", join.caller, kMaxDisplayName);
        !s.ok()) {
      return s;
    }
  }
  const std::string digits = CallerDigits(join.caller);
  const std::string source_key = absl::StrCat("source:", join.source);
  const std::string caller_key =
      digits.empty() ? std::string() : absl::StrCat("caller:", digits);
  const std::string room_key =
      join.room ? absl::StrCat("room:", ToInt(*join.room)) : std::string();
  // The guesser's own address and number: refused before the PIN is looked
  // at, so a locked-out guesser learns nothing more.
  if (absl::Status s = code_failures_.Check(source_key, "PIN"); !s.ok()) return s;
  if (!caller_key.empty()) {
    if (absl::Status s = caller_code_failures_.Check(caller_key, "PIN"); !s.ok()) {
      return s;
    }
  }
  // Shared with every legitimate caller: these only slow the answer (right
  // or wrong alike), so they cannot be used to lock anyone out.
  if (global_code_failures_.IsLocked(kGlobalKey) ||
      (join.room && room_code_failures_.IsLocked(room_key))) {
    answer_delay = options_.phone_slow_answer_delay;
  }

  std::optional<RoomId> id;
  if (IsDigits(join.pin) &&
      static_cast<int>(join.pin.size()) == options_.pin_digits) {
    id = rooms_by_pin_.Find(join.pin);  // HMAC-keyed, constant-time compare
  }
  if (id && join.room && *id != *join.room) id.reset();
  if (!id) {
    code_failures_.RecordFailure(source_key);
    if (!caller_key.empty()) caller_code_failures_.RecordFailure(caller_key);
    if (join.room) room_code_failures_.RecordFailure(room_key);
    global_code_failures_.RecordFailure(kGlobalKey);
    return absl::PermissionDeniedError("wrong PIN");
  }
  RoomState& room = *rooms_.at(*id);
  // Barred by the digits, so "+49 30 123" and "+4930123" are one caller.
  const std::string key = digits.empty() ? std::string() : absl::StrCat("tel:", digits);
  if (room.conference->IsBanned(key)) {
    return absl::PermissionDeniedError(
        "a moderator removed you from this conference");
  }
  Participant p;
  p.info.role = ParticipantRole::kPhoneGuest;
  p.info.display_name = MaskCallerId(join.caller);
  p.guest_key = key;  // empty for an anonymous caller: cannot be barred
  return Admit(room, std::move(p));
}

absl::Status RoomServiceImpl::Leave(ParticipantId participant) {
  DeliveryScope deliver(bus_);
  auto found = FindParticipant(participant);
  if (!found.ok()) return found.status();
  participant_rooms_.erase(participant);
  found->first->conference->Remove(participant, LeaveReason::kLeft);
  return absl::OkStatus();
}

absl::Status RoomServiceImpl::Disconnect(ParticipantId participant) {
  DeliveryScope deliver(bus_);
  auto found = FindParticipant(participant);
  if (!found.ok()) return found.status();
  participant_rooms_.erase(participant);
  found->first->conference->Remove(participant, LeaveReason::kDisconnected);
  return absl::OkStatus();
}

absl::Status RoomServiceImpl::Kick(ParticipantId moderator,
                                   ParticipantId target, KickOptions options) {
  DeliveryScope deliver(bus_);
  auto actor = FindModerator(moderator);
  if (!actor.ok()) return actor.status();
  auto victim = FindParticipant(target);
  if (!victim.ok()) return victim.status();
  RoomState& room = *actor->first;
  if (victim->first != &room) {
    return absl::NotFoundError(absl::StrCat(
        "participant ", ToInt(target), " is not in this conference"));
  }
  if (target == moderator) {
    return absl::InvalidArgumentError("a moderator cannot kick themselves; leave instead");
  }
  if (options.regenerate_access) {
    if (!room.access) {
      return absl::FailedPreconditionError(
          "the room is private; there is no PIN or URL to regenerate");
    }
    // The only step that can fail goes first, so a failure changes nothing.
    absl::StatusOr<store::StoredAccess> codes = NewAccessCodes();
    if (!codes.ok()) return codes.status();
    if (absl::Status s = ReplaceAccess(room, *std::move(codes)); !s.ok()) return s;
  }
  if (victim->second->info.role != ParticipantRole::kModerator) {
    room.conference->Ban(*victim->second, BanId{next_ban_++}, clock_.Now());
  }
  participant_rooms_.erase(target);
  room.conference->Remove(target, LeaveReason::kKicked);
  if (options.regenerate_access) {
    bus_.Publish(room.id, AccessChanged{true, true});
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<BanInfo>> RoomServiceImpl::ListBans(
    ParticipantId moderator) {
  auto actor = FindModerator(moderator);
  if (!actor.ok()) return actor.status();
  return actor->first->conference->Bans();
}

absl::Status RoomServiceImpl::LiftBan(ParticipantId moderator, BanId ban) {
  DeliveryScope deliver(bus_);
  auto actor = FindModerator(moderator);
  if (!actor.ok()) return actor.status();
  if (!actor->first->conference->LiftBan(ban)) {
    return absl::NotFoundError(absl::StrCat("no ban ", ToInt(ban), " in this room"));
  }
  return absl::OkStatus();
}

absl::Status RoomServiceImpl::SetMuted(ParticipantId actor,
                                       ParticipantId target, bool muted) {
  DeliveryScope deliver(bus_);
  auto who = FindParticipant(actor);
  if (!who.ok()) return who.status();
  auto whom = FindParticipant(target);
  if (!whom.ok()) return whom.status();
  if (who->first != whom->first) {
    return absl::NotFoundError(absl::StrCat(
        "participant ", ToInt(target), " is not in this conference"));
  }
  if (actor != target) {
    if (who->second->info.role != ParticipantRole::kModerator) {
      return absl::PermissionDeniedError("only a moderator may mute others");
    }
    if (!muted) {
      return absl::PermissionDeniedError(
          "participants unmute themselves; a moderator can only mute them");
    }
  }
  who->first->conference->SetMuted(target, muted, actor);
  return absl::OkStatus();
}

absl::StatusOr<ParticipantInfo> RoomServiceImpl::GetParticipant(
    ParticipantId participant) {
  auto found = FindParticipant(participant);
  if (!found.ok()) return found.status();
  return found->first->conference->Info(*found->second);
}

absl::StatusOr<RoomSnapshot> RoomServiceImpl::GetRoomAsParticipant(
    ParticipantId participant) {
  auto found = FindParticipant(participant);
  if (!found.ok()) return found.status();
  return MakeSnapshot(*found->first);
}

}  // namespace konfero::rooms

namespace konfero {

bool IsGuestLimitError(const absl::Status& status) {
  return absl::IsResourceExhausted(status) &&
         status.GetPayload(rooms::kGuestLimitPayload).has_value();
}

}  // namespace konfero
