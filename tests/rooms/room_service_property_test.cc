// A randomized property test of RoomService: thousands of seeded random
// steps (joins and guest-link lookups with right and wrong codes, leaves,
// kicks, bans, access changes, chat, time passing) against a small
// independent model of who is where. After every step the service's
// answers, its event stream and its room snapshots must agree with the model
// and with the lifecycle rules of docs/rooms.md (see
// room_service_property_model.cc). A failure names the seed and the step;
// rerun that seed to reproduce it (the service's RandomSource is seeded too).
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rooms/room_service_property.h"

namespace konfero::room_property {
namespace {

const std::vector<std::string> kGuestKeys = {
    "guest-key-0-abcdefghij", "guest-key-1-abcdefghij", "guest-key-2-abcdefghij",
    "guest-key-3-abcdefghij", "guest-key-4-abcdefghij", "guest-key-5-abcdefghij",
    "guest-key-6-abcdefghij", "guest-key-7-abcdefghij"};
const std::vector<std::string> kGuestNames = {"Ann", " Bob ", "Zo\xc3\xab",
                                              "\xe6\x9d\x8e", "Guest"};
// "+49 170 1111111" is the first number written differently: one caller id.
const std::vector<std::string> kCallers = {"", "anonymous", "+491701111111",
                                           "+49 170 1111111", "+491702222222",
                                           "+491703333333"};
// Eight sources: enough for a brute force spread over addresses to reach the
// global PIN limit before each source's own limit stops it.
const std::vector<std::string> kSources = {
    "192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4", "192.0.2.5",
    "192.0.2.6", "192.0.2.7", "[2001:db8::7]:5060"};

}  // namespace

// ---- Steps -----------------------------------------------------------------

void RoomServicePropertyTest::MemberJoin() {
  ModelRoom& room = rooms_.at(Pick(room_ids_));
  const UserId user_id = Pick(room.members);
  const User& user = *std::find_if(users_.begin(), users_.end(),
                                   [&](const User& u) { return u.id == user_id; });
  absl::StatusOr<JoinResult> result = service_->JoinAsMember(user.session, room.id);
  ASSERT_TRUE(result.ok()) << result.status();
  AdmitToModel(result, room,
               ModelParticipant::Make(ParticipantRole::kModerator, user.name, "", user.id));
  Count("member joined");
}

void RoomServicePropertyTest::NonMemberJoin() {
  const ModelRoom& room = rooms_.at(Pick(room_ids_));
  std::string session = admin_session_;  // admins manage, but moderate only as members
  for (const User& u : users_) {
    if (std::find(room.members.begin(), room.members.end(), u.id) == room.members.end() &&
        Chance(50)) {
      session = u.session;
    }
  }
  absl::StatusOr<JoinResult> result = service_->JoinAsMember(session, room.id);
  // Answered like a missing room, so room ids cannot be probed.
  EXPECT_TRUE(absl::IsNotFound(result.status())) << result.status();
  Count("non-member refused");
}

void RoomServicePropertyTest::BrowserJoin() {
  ModelRoom& chosen = rooms_.at(Pick(room_ids_));
  BrowserGuestJoin join;
  const int kind = Rand(100);
  bool revoked_token = false;
  if (kind < 60 && chosen.is_public) {
    join.url_token = chosen.token;
  } else if (kind < 80 && !chosen.old_tokens.empty()) {
    join.url_token = Pick(chosen.old_tokens);
    revoked_token = true;
  } else {
    static const char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    for (int i = 0; i < 22; ++i) join.url_token += kAlphabet[Rand(64)];
  }
  join.guest_key = Pick(kGuestKeys);
  if (!chosen.bans.empty() && Chance(50)) {
    auto it = chosen.bans.begin();
    std::advance(it, Rand(chosen.bans.size()));
    if (it->second.rfind("tel:", 0) != 0) join.guest_key = it->second;
  }
  const bool invalid_key = Chance(2);
  if (invalid_key) join.guest_key = "too-short";
  join.display_name = Pick(kGuestNames);
  join.source = Pick(kSources);
  // Now and then the guest page only looks the link up.
  if (Chance(20)) return GuestLookup(join.url_token, join.source);

  absl::StatusOr<JoinResult> result = service_->JoinAsBrowserGuest(join);
  const std::string source_key = "source:" + join.source;
  const absl::Time now = clock_.Now();
  if (invalid_key) {
    EXPECT_TRUE(absl::IsInvalidArgument(result.status())) << result.status();
    return;
  }
  if (code_limit_.Locked(source_key, now)) {
    EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << result.status();
    Count("browser source locked out");
    return;
  }
  const std::optional<RoomId> target = RoomByToken(join.url_token);
  if (!target && RoomByRevokedToken(join.url_token)) {
    // A private room's former link: recognised, refused, not counted.
    EXPECT_TRUE(absl::IsFailedPrecondition(result.status())) << result.status();
    Count("browser not-public token");
    return;
  }
  if (!target) {
    EXPECT_TRUE(absl::IsNotFound(result.status())) << result.status();
    code_limit_.Fail(source_key, now);
    Count(revoked_token ? "browser revoked token" : "browser garbage token");
    return;
  }
  ModelRoom& room = rooms_.at(*target);
  for (const auto& [ban, key] : room.bans) {
    if (key == join.guest_key) {
      EXPECT_TRUE(absl::IsPermissionDenied(result.status())) << result.status();
      Count("banned browser guest refused");
      return;
    }
  }
  if (BrowserGuests() >= kSeats) {
    EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << result.status();
    Count("seats exhausted");
    return;
  }
  ASSERT_TRUE(result.ok()) << result.status();
  std::string name = join.display_name;
  name.erase(0, name.find_first_not_of(' '));
  name.erase(name.find_last_not_of(' ') + 1);
  AdmitToModel(result, room,
               ModelParticipant::Make(ParticipantRole::kBrowserGuest, name,
                                      join.guest_key, std::nullopt));
  Count("browser guest joined");
}

// LookUpGuestUrl answers as the join would for the token and the source,
// counts unknown tokens like it, and changes nothing (the invariants after
// the step check that nobody was admitted and nothing was published).
void RoomServicePropertyTest::GuestLookup(const std::string& token,
                                          const std::string& source) {
  absl::StatusOr<GuestRoomInfo> info = service_->LookUpGuestUrl(token, source);
  const std::string source_key = "source:" + source;
  const absl::Time now = clock_.Now();
  if (code_limit_.Locked(source_key, now)) {
    EXPECT_TRUE(absl::IsResourceExhausted(info.status())) << info.status();
    Count("lookup locked out");
    return;
  }
  if (const std::optional<RoomId> target = RoomByToken(token)) {
    ASSERT_TRUE(info.ok()) << info.status();
    const ModelRoom& room = rooms_.at(*target);
    EXPECT_EQ(info->state, room.state);
    EXPECT_EQ(info->moderator_present, Moderators(room) > 0);
    Count("lookup found the room");
    return;
  }
  if (RoomByRevokedToken(token)) {
    EXPECT_TRUE(absl::IsFailedPrecondition(info.status())) << info.status();
    Count("lookup not public");
    return;
  }
  EXPECT_TRUE(absl::IsNotFound(info.status())) << info.status();
  code_limit_.Fail(source_key, now);
  Count("lookup unknown token");
}

// `guess`: a random six-digit PIN, as a brute force would try.
void RoomServicePropertyTest::PhoneJoin(bool guess) {
  ModelRoom& chosen = rooms_.at(Pick(room_ids_));
  PhoneGuestJoin join;
  const int kind = guess ? 100 : Rand(100);
  if (kind < 60 && chosen.is_public) {
    join.pin = chosen.pin;
  } else if (kind < 75 && !chosen.old_pins.empty()) {
    join.pin = Pick(chosen.old_pins);
  } else if (kind < 85) {
    join.pin = Pick(std::vector<std::string>{"12345", "1234567", "12a456", ""});
  } else {
    for (int i = 0; i < 6; ++i) join.pin += static_cast<char>('0' + Rand(10));
  }
  const int room_kind = Rand(100);
  if (room_kind < 30) {
    join.room = chosen.id;
  } else if (room_kind < 40) {
    join.room = Pick(room_ids_);
  }
  join.caller = Pick(kCallers);
  if (!chosen.bans.empty() && Chance(50)) {
    auto it = chosen.bans.begin();
    std::advance(it, Rand(chosen.bans.size()));
    // The barred digits, written as the network might: "+" and the digits.
    if (it->second.rfind("tel:", 0) == 0) join.caller = "+" + it->second.substr(4);
  }
  join.source = Pick(kSources);

  const PhoneJoinAttempt attempt = service_->TryJoinAsPhoneGuest(join);
  const absl::StatusOr<JoinResult>& result = attempt.result;
  const absl::Time now = clock_.Now();
  std::string digits;
  for (char c : join.caller) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  const std::string source_key = "source:" + join.source;
  const std::string caller_key = digits.empty() ? "" : "caller:" + digits;
  const std::string room_key = join.room ? absl::StrCat("room:", ToInt(*join.room)) : "";
  // The guesser's own source and caller id refuse; the room and the global
  // limit only slow the answer, right PIN or wrong.
  if (code_limit_.Locked(source_key, now) ||
      (!caller_key.empty() && caller_limit_.Locked(caller_key, now))) {
    EXPECT_TRUE(absl::IsResourceExhausted(result.status())) << result.status();
    EXPECT_EQ(attempt.answer_delay, absl::ZeroDuration());
    Count("phone source or caller locked out");
    return;
  }
  const bool slow = global_limit_.Locked("global", now) ||
                    (join.room && room_limit_.Locked(room_key, now));
  EXPECT_EQ(attempt.answer_delay, slow ? kSlowAnswer : absl::ZeroDuration());
  if (slow) Count("phone answer slowed");
  std::optional<RoomId> target = RoomByPin(join.pin);
  if (target && join.room && *target != *join.room) target.reset();
  if (!target) {
    EXPECT_TRUE(absl::IsPermissionDenied(result.status())) << result.status();
    code_limit_.Fail(source_key, now);
    if (!caller_key.empty()) caller_limit_.Fail(caller_key, now);
    if (join.room) room_limit_.Fail(room_key, now);
    global_limit_.Fail("global", now);
    Count("wrong PIN");
    return;
  }
  ModelRoom& room = rooms_.at(*target);
  const std::string key = digits.empty() ? "" : "tel:" + digits;
  for (const auto& [ban, barred] : room.bans) {
    if (!key.empty() && barred == key) {
      EXPECT_TRUE(absl::IsPermissionDenied(result.status())) << result.status();
      Count("banned caller refused");
      return;
    }
  }
  ASSERT_TRUE(result.ok()) << result.status();
  AdmitToModel(result, room,
               ModelParticipant::Make(ParticipantRole::kPhoneGuest,
                                      MaskCallerId(join.caller), key, std::nullopt));
  Count(slow ? "phone guest joined while slowed" : "phone guest joined");
}

// A burst of guessed PINs from many sources: the global limit slows it
// before each source's own limit would stop it.
void RoomServicePropertyTest::BruteForcePins() {
  const int attempts = 1 + Rand(12);
  for (int i = 0; i < attempts && !HasFatalFailure(); ++i) PhoneJoin(/*guess=*/true);
  Count("brute force");
}

void RoomServicePropertyTest::LeaveOrDisconnect(bool disconnect) {
  const std::vector<ParticipantId> present = AllPresent();
  if (present.empty()) return LeaveGone();
  const ParticipantId id = Pick(present);
  const absl::Status s = disconnect ? service_->Disconnect(id) : service_->Leave(id);
  ASSERT_TRUE(s.ok()) << s;
  RemoveFromModel(id, disconnect ? LeaveReason::kDisconnected : LeaveReason::kLeft);
  Count(disconnect ? "disconnected" : "left");
}

void RoomServicePropertyTest::LeaveGone() {
  if (departed_.empty()) return;
  const ParticipantId id = Pick(departed_);
  EXPECT_TRUE(absl::IsNotFound(service_->Leave(id)));
  EXPECT_TRUE(absl::IsNotFound(service_->Disconnect(id)));
  EXPECT_TRUE(absl::IsNotFound(service_->PostChat(id, "hello").status()));
}

void RoomServicePropertyTest::Kick(bool regenerate) {
  std::vector<RoomId> candidates;
  for (const auto& [id, room] : rooms_) {
    if (Moderators(room) > 0 && room.present.size() >= 2) candidates.push_back(id);
  }
  if (candidates.empty()) return MemberJoin();
  ModelRoom& room = rooms_.at(Pick(candidates));
  std::vector<ParticipantId> moderators;
  for (ParticipantId id : room.present) {
    if (participants_.at(id).role == ParticipantRole::kModerator) moderators.push_back(id);
  }
  const ParticipantId kicker = Pick(moderators);
  if (Chance(5)) {
    EXPECT_TRUE(absl::IsInvalidArgument(service_->Kick(kicker, kicker)));
    return;
  }
  std::vector<ParticipantId> elsewhere;
  for (const auto& [id, p] : participants_) {
    if (p.room != room.id) elsewhere.push_back(id);
  }
  if (!elsewhere.empty() && Chance(5)) {
    EXPECT_TRUE(absl::IsNotFound(service_->Kick(kicker, Pick(elsewhere))));
    return;
  }
  ParticipantId target = kicker;
  while (target == kicker) target = Pick(room.present);
  const ModelParticipant victim = participants_.at(target);

  const absl::Status s = service_->Kick(kicker, target, {.regenerate_access = regenerate});
  if (regenerate && !room.is_public) {
    EXPECT_TRUE(absl::IsFailedPrecondition(s)) << s;
    Count("kick-and-regenerate refused in a private room");
    return;
  }
  ASSERT_TRUE(s.ok()) << s;
  if (IsGuest(victim.role) && !victim.key.empty()) {
    pending_ban_key_ = victim.key;
    BanInfo ban;
    ban.room = room.id;
    ban.display_name = victim.name;
    expected_.banned.push_back(ban);
  }
  RemoveFromModel(target, LeaveReason::kKicked);
  if (regenerate) {
    RevokeCodes(room);
    absl::StatusOr<PublicAccess> access = service_->GetAccess(admin_session_, room.id);
    ASSERT_TRUE(access.ok()) << access.status();
    AdoptCodes(room, *access);
    expected_.access.push_back({room.id, AccessChanged{true, true}});
    Count("kicked and regenerated");
  }
  Count(IsGuest(victim.role) ? "guest kicked" : "moderator kicked");
}

void RoomServicePropertyTest::GuestKicks() {
  std::vector<ParticipantId> guests;
  for (const auto& [id, p] : participants_) {
    if (IsGuest(p.role)) guests.push_back(id);
  }
  if (guests.empty()) return BrowserJoin();
  const ParticipantId kicker = Pick(guests);
  const std::vector<ParticipantId>& present = RoomOf(kicker).present;
  ParticipantId target = Pick(present);
  const absl::Status s =
      service_->Kick(kicker, target, {.regenerate_access = Chance(50)});
  EXPECT_TRUE(absl::IsPermissionDenied(s)) << s;
  EXPECT_TRUE(absl::IsPermissionDenied(service_->ListBans(kicker).status()));
  EXPECT_TRUE(absl::IsPermissionDenied(service_->LiftBan(kicker, BanId{1})));
  Count("guest kick refused");
}

void RoomServicePropertyTest::Bans() {
  std::vector<ParticipantId> moderators;
  for (const auto& [id, p] : participants_) {
    if (p.role == ParticipantRole::kModerator) moderators.push_back(id);
  }
  if (moderators.empty()) return MemberJoin();
  const ParticipantId moderator = Pick(moderators);
  ModelRoom& room = RoomOf(moderator);
  absl::StatusOr<std::vector<BanInfo>> bans = service_->ListBans(moderator);
  ASSERT_TRUE(bans.ok()) << bans.status();
  std::set<BanId> listed;
  for (const BanInfo& b : *bans) {
    listed.insert(b.id);
    EXPECT_EQ(b.room, room.id);
  }
  std::set<BanId> modelled;
  for (const auto& [id, key] : room.bans) modelled.insert(id);
  EXPECT_EQ(listed, modelled);
  if (room.bans.empty() || Chance(10)) {
    EXPECT_TRUE(absl::IsNotFound(service_->LiftBan(moderator, BanId{999'999})));
    return;
  }
  auto it = room.bans.begin();
  std::advance(it, Rand(room.bans.size()));
  const absl::Status s = service_->LiftBan(moderator, it->first);
  ASSERT_TRUE(s.ok()) << s;
  room.bans.erase(it);
  Count("ban lifted");
}

void RoomServicePropertyTest::SetPublic() {
  ModelRoom& room = rooms_.at(Pick(room_ids_));
  const bool make_public = Chance(60);
  std::string session = admin_session_;
  const UserId member = Pick(room.members);
  for (const User& u : users_) {
    if (u.id == member && Chance(50)) session = u.session;
  }
  if (Chance(5)) {
    for (const User& u : users_) {
      if (std::find(room.members.begin(), room.members.end(), u.id) == room.members.end()) {
        // A non-member is answered like a missing room.
        EXPECT_TRUE(absl::IsNotFound(
            service_->SetPublic(u.session, room.id, make_public).status()));
        return;
      }
    }
  }
  absl::StatusOr<PublicAccess> access = service_->SetPublic(session, room.id, make_public);
  ASSERT_TRUE(access.ok()) << access.status();
  EXPECT_EQ(access->is_public, make_public);
  if (make_public == room.is_public) {
    // No change, no event; a public room keeps its codes.
    EXPECT_EQ(access->pin, room.pin);
    EXPECT_EQ(access->url_token, room.token);
    return;
  }
  if (make_public) {
    AdoptCodes(room, *access);
    Count("made public");
  } else {
    EXPECT_TRUE(access->pin.empty() && access->url_token.empty() && access->url.empty());
    room.is_public = false;
    room.revoked_token = room.token;
    RevokeCodes(room);
    const std::vector<ParticipantId> present = room.present;
    for (ParticipantId id : present) {
      if (IsGuest(participants_.at(id).role)) {
        RemoveFromModel(id, LeaveReason::kAccessRevoked);
        Count("guest removed by going private");
      }
    }
    Count("made private");
  }
  expected_.access.push_back({room.id, AccessChanged{make_public, false}});
}

void RoomServicePropertyTest::Regenerate() {
  ModelRoom& room = rooms_.at(Pick(room_ids_));
  absl::StatusOr<PublicAccess> access =
      service_->RegenerateAccess(admin_session_, room.id);
  if (!room.is_public) {
    EXPECT_TRUE(absl::IsFailedPrecondition(access.status())) << access.status();
    return;
  }
  ASSERT_TRUE(access.ok()) << access.status();
  RevokeCodes(room);
  AdoptCodes(room, *access);
  expected_.access.push_back({room.id, AccessChanged{true, true}});
  Count("regenerated");
}

void RoomServicePropertyTest::Chat() {
  const std::vector<ParticipantId> present = AllPresent();
  if (present.empty() || Chance(15)) {
    // A member posts without being in the conference.
    const ModelRoom& room = rooms_.at(Pick(room_ids_));
    const UserId member = Pick(room.members);
    const User& user = *std::find_if(users_.begin(), users_.end(),
                                     [&](const User& u) { return u.id == member; });
    absl::StatusOr<ChatMessage> m = service_->PostChatAsMember(user.session, room.id, "memo");
    ASSERT_TRUE(m.ok()) << m.status();
    EXPECT_EQ(m->conference_id, room.conference_id);
    ++chats_per_conference_[{room.id, room.conference_id}];
    ++expected_.chats;
    return;
  }
  const ParticipantId sender = Pick(present);
  const ModelParticipant& p = participants_.at(sender);
  const ModelRoom& room = RoomOf(sender);
  const bool blank = Chance(5);
  absl::StatusOr<ChatMessage> m =
      service_->PostChat(sender, blank ? " \n " : "hello \xf0\x9f\x91\x8b");
  if (IsGuest(p.role) && room.state != ConferenceState::kRunning) {
    EXPECT_TRUE(absl::IsFailedPrecondition(m.status())) << m.status();
    Count("waiting guest may not chat");
    return;
  }
  if (blank) {
    EXPECT_TRUE(absl::IsInvalidArgument(m.status())) << m.status();
    return;
  }
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->room, room.id);
  EXPECT_EQ(m->conference_id, room.conference_id);
  EXPECT_EQ(m->sender_name, p.name);
  EXPECT_EQ(m->sender_role, p.role);
  EXPECT_EQ(m->sender_user, p.user);
  ++chats_per_conference_[{room.id, room.conference_id}];
  ++expected_.chats;
  Count("chat posted");
}

void RoomServicePropertyTest::AdvanceClock() {
  static const absl::Duration kSteps[] = {
      absl::Seconds(1), absl::Seconds(15), absl::Seconds(45),
      absl::Seconds(61), absl::Minutes(5), absl::Minutes(6)};
  clock_.Advance(kSteps[Rand(std::size(kSteps))]);
}

void RoomServicePropertyTest::Step() {
  if (static_cast<int>(participants_.size()) > kMaxPresent) {
    return LeaveOrDisconnect(Chance(30));
  }
  const int r = Rand(100);
  if (r < 10) return MemberJoin();
  if (r < 11) return NonMemberJoin();
  if (r < 33) return BrowserJoin();
  if (r < 43) return PhoneJoin();
  if (r < 44) return BruteForcePins();
  if (r < 54) return LeaveOrDisconnect(false);
  if (r < 59) return LeaveOrDisconnect(true);
  if (r < 60) return LeaveGone();
  if (r < 68) return Kick(false);
  if (r < 71) return Kick(true);
  if (r < 74) return GuestKicks();
  if (r < 78) return Bans();
  if (r < 84) return SetPublic();
  if (r < 86) return Regenerate();
  if (r < 93) return Chat();
  return AdvanceClock();
}

TEST_P(RoomServicePropertyTest, InvariantsHoldAfterEveryRandomStep) {
  ASSERT_NE(service_, nullptr);
  SCOPED_TRACE(absl::StrCat("seed ", GetParam()));
  for (int step = 0; step < kStepsPerSeed; ++step) {
    SCOPED_TRACE(absl::StrCat("step ", step));
    Step();
    ProcessEvents();
    CheckInvariants();
    // A guest's chat history is its conference's chat, all of it.
    for (const auto& [id, p] : participants_) {
      if (!IsGuest(p.role) || Rand(20) != 0) continue;
      absl::StatusOr<std::vector<ChatMessage>> history = service_->ChatHistory(id);
      ASSERT_TRUE(history.ok()) << history.status();
      const ModelRoom& room = rooms_.at(p.room);
      for (const ChatMessage& m : *history) EXPECT_EQ(m.conference_id, room.conference_id);
      EXPECT_EQ(static_cast<int>(history->size()),
                std::min(500, chats_per_conference_[{room.id, room.conference_id}]));
      break;
    }
    if (HasFailure()) return;  // the first failure is the informative one
  }
  // The run reached the interesting corners; otherwise the properties above
  // were checked on too easy a history.
  for (const char* what :
       {"member joined", "browser guest joined", "phone guest joined", "left",
        "disconnected", "guest kicked", "moderator kicked", "kicked and regenerated",
        "guest kick refused", "ban lifted", "banned browser guest refused",
        "banned caller refused", "seats exhausted", "browser revoked token",
        "browser garbage token", "browser source locked out", "browser not-public token",
        "lookup found the room", "lookup not public", "lookup unknown token", "wrong PIN",
        "phone answer slowed", "phone guest joined while slowed",
        "phone source or caller locked out", "made public", "made private",
        "guest removed by going private", "regenerated", "chat posted",
        "waiting guest may not chat", "state on_hold seen", "state waiting seen"}) {
    EXPECT_GT(coverage_[what], 0) << "never happened: " << what;
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, RoomServicePropertyTest,
                         ::testing::Values(uint64_t{1}, uint64_t{42},
                                           uint64_t{20240601}, uint64_t{0xC0FFEE}));

}  // namespace konfero::room_property
