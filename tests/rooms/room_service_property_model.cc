// room_service_property_model.cc: the model side of the RoomService
// property test: setting up the service, keeping the model of who is where,
// reading the event stream, and the invariants checked after every step.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "rooms/room_service_property.h"

namespace konfero::room_property {

void RoomServicePropertyTest::SetUp() {
  rng_.seed(GetParam());
  service_random_ = std::make_unique<SeededRandom>(GetParam() ^ 0x5eedULL);
  RoomServiceOptions options;
  options.password_hash_memory_kib = 8;  // cheap logins
  options.password_hash_iterations = 1;
  options.database = ":memory:";
  options.dial_in_number = "+49 30 1234567";
  options.base_url = kBaseUrl;
  options.guest_seats = kSeats;
  options.session_ttl = absl::Hours(24 * 365);
  options.guest_code_limit = kCodeLimit;
  options.guest_code_global_limit = kGlobalLimit;
  options.phone_caller_limit = kCallerLimit;
  options.phone_room_limit = kRoomLimit;
  options.phone_slow_answer_delay = kSlowAnswer;
  absl::StatusOr<std::unique_ptr<RoomService>> service =
      RoomService::Open(options, clock_, *service_random_);
  ASSERT_TRUE(service.ok()) << service.status();
  service_ = *std::move(service);
  service_->Subscribe(std::nullopt, [this](const Event& e) { events_.push_back(e); });

  ASSERT_TRUE(service_->BootstrapAdmin("admin", "Admin", "admin-password").ok());
  absl::StatusOr<Session> admin = service_->Login("admin", "admin-password", "setup");
  ASSERT_TRUE(admin.ok()) << admin.status();
  admin_session_ = admin->token;
  for (int i = 0; i < 3; ++i) {
    User u;
    u.login = absl::StrCat("user", i);
    u.name = absl::StrCat("User ", i);
    absl::StatusOr<UserInfo> info = service_->CreateUser(
        admin_session_, u.login, u.name, "user-password", false);
    ASSERT_TRUE(info.ok()) << info.status();
    u.id = info->id;
    absl::StatusOr<Session> s = service_->Login(u.login, "user-password", "setup");
    ASSERT_TRUE(s.ok()) << s.status();
    u.session = s->token;
    users_.push_back(u);
  }
  // Room i is created by user i and shared with user (i + 1) % 3, so each
  // room has two members and one user who is not.
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<RoomInfo> room =
        service_->CreateRoom(users_[i].session, absl::StrCat("Room ", i));
    ASSERT_TRUE(room.ok()) << room.status();
    const User& second = users_[(i + 1) % 3];
    ASSERT_TRUE(service_->AddMember(users_[i].session, room->id, second.login).ok());
    ModelRoom m;
    m.id = room->id;
    m.members = {users_[i].id, second.id};
    room_ids_.push_back(room->id);
    rooms_[room->id] = m;
    event_rooms_[room->id] = EventRoom{};
    moderator_seen_since_idle_[room->id] = false;
  }
  service_->Subscribe(room_ids_[0], [this](const Event& e) { room0_events_.push_back(e); });
  for (const Event& e : events_) {
    EXPECT_GT(e.seq, last_seq_);
    last_seq_ = e.seq;
  }
  events_.clear();
}

// ---- Model -----------------------------------------------------------------

std::vector<ParticipantId> RoomServicePropertyTest::AllPresent() const {
  std::vector<ParticipantId> out;
  for (const auto& [id, p] : participants_) out.push_back(id);
  return out;
}

int RoomServicePropertyTest::Moderators(const ModelRoom& room) const {
  int n = 0;
  for (ParticipantId id : room.present) {
    n += participants_.at(id).role == ParticipantRole::kModerator;
  }
  return n;
}

int RoomServicePropertyTest::Guests(const ModelRoom& room) const {
  return static_cast<int>(room.present.size()) - Moderators(room);
}

int RoomServicePropertyTest::BrowserGuests() const {
  int n = 0;
  for (const auto& [id, p] : participants_) {
    n += p.role == ParticipantRole::kBrowserGuest;
  }
  return n;
}

// The lifecycle of docs/rooms.md, from who is present.
void RoomServicePropertyTest::Recompute(ModelRoom& room) {
  ConferenceState next = ConferenceState::kIdle;
  if (Moderators(room) > 0) {
    next = ConferenceState::kRunning;
    room.had_moderator = true;
  } else if (Guests(room) > 0) {
    next = room.had_moderator ? ConferenceState::kOnHold : ConferenceState::kWaiting;
  }
  if (room.state == ConferenceState::kIdle && next != ConferenceState::kIdle) {
    room.conference_id = ++room.last_conference_id;
  }
  if (next == ConferenceState::kIdle) {
    room.had_moderator = false;
    room.conference_id = 0;
    room.bans.clear();  // bans end with the conference
  }
  room.state = next;
}

ParticipantId RoomServicePropertyTest::AdmitToModel(
    const absl::StatusOr<JoinResult>& result, ModelRoom& room,
    ModelParticipant p) {
  EXPECT_TRUE(ever_issued_.insert(result->participant).second)
      << "participant id " << ToInt(result->participant) << " issued twice";
  p.id = result->participant;
  p.room = room.id;
  participants_[p.id] = p;
  room.present.push_back(p.id);
  Recompute(room);
  expected_.joined.push_back(p.id);
  EXPECT_EQ(result->room, room.id);
  EXPECT_EQ(result->role, p.role);
  EXPECT_EQ(result->state, room.state);
  EXPECT_EQ(result->waiting, IsGuest(p.role) && room.state != ConferenceState::kRunning);
  return p.id;
}

void RoomServicePropertyTest::RemoveFromModel(ParticipantId id, LeaveReason reason) {
  ModelRoom& room = RoomOf(id);
  std::erase(room.present, id);
  participants_.erase(id);
  departed_.push_back(id);
  expected_.left[id] = reason;
  Recompute(room);
}

void RoomServicePropertyTest::RevokeCodes(ModelRoom& room) {
  if (!room.pin.empty()) room.old_pins.push_back(room.pin);
  if (!room.token.empty()) room.old_tokens.push_back(room.token);
  room.pin.clear();
  room.token.clear();
}

void RoomServicePropertyTest::AdoptCodes(ModelRoom& room, const PublicAccess& access) {
  EXPECT_TRUE(access.is_public);
  EXPECT_EQ(access.pin.size(), 6u);
  EXPECT_TRUE(std::all_of(access.pin.begin(), access.pin.end(),
                          [](char c) { return c >= '0' && c <= '9'; }))
      << access.pin;
  EXPECT_EQ(access.url_token.size(), 22u);
  EXPECT_EQ(access.url, std::string(kBaseUrl) + access.url_token);
  EXPECT_EQ(access.dial_in_number, "+49 30 1234567");
  // Fresh: never this room's before, and no other public room's PIN.
  for (const auto& [id, other] : rooms_) {
    EXPECT_NE(other.pin, access.pin) << "PIN reused";
    EXPECT_NE(other.token, access.url_token) << "URL token reused";
    for (const std::string& old : other.old_tokens) EXPECT_NE(old, access.url_token);
  }
  room.is_public = true;
  room.pin = access.pin;
  room.token = access.url_token;
  room.revoked_token.clear();  // new codes make the former link unknown
}

std::optional<RoomId> RoomServicePropertyTest::RoomByToken(const std::string& token) const {
  for (const auto& [id, room] : rooms_) {
    if (room.is_public && room.token == token) return id;
  }
  return std::nullopt;
}

std::optional<RoomId> RoomServicePropertyTest::RoomByRevokedToken(
    const std::string& token) const {
  for (const auto& [id, room] : rooms_) {
    if (!room.is_public && !room.revoked_token.empty() && room.revoked_token == token) {
      return id;
    }
  }
  return std::nullopt;
}

std::optional<RoomId> RoomServicePropertyTest::RoomByPin(const std::string& pin) const {
  for (const auto& [id, room] : rooms_) {
    if (room.is_public && room.pin == pin) return id;
  }
  return std::nullopt;
}

// ---- Events and invariants -------------------------------------------------

void RoomServicePropertyTest::ProcessEvents() {
  seen_ = StepEvents{};
  for (const Event& e : events_) {
    SCOPED_TRACE(absl::StrCat("event seq ", e.seq, " ", std::string(EventName(e.body))));
    EXPECT_GT(e.seq, last_seq_) << "event seq must strictly increase";
    last_seq_ = e.seq;
    EXPECT_EQ(e.at, clock_.Now());
    auto room_it = event_rooms_.find(e.room);
    ASSERT_NE(room_it, event_rooms_.end()) << "event for unknown room " << ToInt(e.room);
    EventRoom& room = room_it->second;
    int moderators = 0;
    int guests = 0;
    auto count = [&] {
      moderators = guests = 0;
      for (const auto& [id, role] : room.present) {
        (role == ParticipantRole::kModerator ? moderators : guests)++;
      }
    };
    if (const auto* joined = std::get_if<ParticipantJoined>(&e.body)) {
      const ParticipantInfo& p = joined->participant;
      for (const auto& [id, other] : event_rooms_) {
        EXPECT_FALSE(other.present.contains(p.id)) << "joined twice";
      }
      EXPECT_EQ(p.room, e.room);
      EXPECT_EQ(p.waiting, IsGuest(p.role) && room.state != ConferenceState::kRunning);
      room.present[p.id] = p.role;
      seen_.joined.push_back(p.id);
    } else if (const auto* left = std::get_if<ParticipantLeft>(&e.body)) {
      auto it = room.present.find(left->participant);
      ASSERT_NE(it, room.present.end()) << "left without having joined";
      EXPECT_EQ(it->second, left->role);
      room.present.erase(it);
      seen_.left[left->participant] = left->reason;
    } else if (const auto* state = std::get_if<ConferenceStateChanged>(&e.body)) {
      count();
      EXPECT_EQ(state->from, room.state);
      EXPECT_NE(state->to, state->from);
      ConferenceState derived = ConferenceState::kIdle;
      if (moderators > 0) {
        derived = ConferenceState::kRunning;
      } else if (guests > 0) {
        derived = room.state == ConferenceState::kRunning ||
                          room.state == ConferenceState::kOnHold
                      ? ConferenceState::kOnHold
                      : ConferenceState::kWaiting;
      }
      EXPECT_EQ(state->to, derived) << "the state change must follow the presence "
                                       "change that caused it";
      if (state->from == ConferenceState::kIdle) {
        EXPECT_EQ(state->conference_id, room.last_conference_id + 1);
        room.last_conference_id = room.conference_id = state->conference_id;
      } else {
        EXPECT_EQ(state->conference_id, room.conference_id);
      }
      room.state = state->to;
      if (state->to == ConferenceState::kIdle) room.conference_id = 0;
    } else if (const auto* waiting = std::get_if<GuestsWaitingChanged>(&e.body)) {
      count();
      EXPECT_NE(waiting->guests_waiting, room.guests_waiting) << "no change reported";
      EXPECT_EQ(waiting->guests_waiting, guests > 0 && moderators == 0);
      room.guests_waiting = waiting->guests_waiting;
    } else if (const auto* banned = std::get_if<GuestBanned>(&e.body)) {
      EXPECT_EQ(banned->ban.room, e.room);
      EXPECT_EQ(banned->ban.since, clock_.Now());
      EXPECT_TRUE(room.bans.insert(banned->ban.id).second);
      seen_.banned.push_back(banned->ban);
    } else if (const auto* lifted = std::get_if<BanLifted>(&e.body)) {
      EXPECT_EQ(room.bans.erase(lifted->ban), 1u) << "lifted an unknown ban";
    } else if (const auto* access = std::get_if<AccessChanged>(&e.body)) {
      room.is_public = access->is_public;
      seen_.access.push_back({e.room, *access});
    } else if (const auto* chat = std::get_if<ChatPosted>(&e.body)) {
      EXPECT_EQ(chat->message.room, e.room);
      ++seen_.chats;
    } else {
      ADD_FAILURE() << "unexpected event " << EventName(e.body);
    }
  }
  // A room's subscription sees exactly that room's events, in order.
  std::vector<uint64_t> room0_seqs;
  for (const Event& e : events_) {
    if (e.room == room_ids_[0]) room0_seqs.push_back(e.seq);
  }
  std::vector<uint64_t> room0_received;
  for (const Event& e : room0_events_) room0_received.push_back(e.seq);
  EXPECT_EQ(room0_received, room0_seqs);
  events_.clear();
  room0_events_.clear();

  EXPECT_EQ(seen_.joined, expected_.joined);
  EXPECT_EQ(seen_.left, expected_.left);
  ASSERT_EQ(seen_.banned.size(), expected_.banned.size());
  for (size_t i = 0; i < seen_.banned.size(); ++i) {
    EXPECT_EQ(seen_.banned[i].room, expected_.banned[i].room);
    EXPECT_EQ(seen_.banned[i].display_name, expected_.banned[i].display_name);
    // The model learns the ban's id from the event.
    ModelRoom& room = rooms_.at(seen_.banned[i].room);
    room.bans[seen_.banned[i].id] = pending_ban_key_;
    Recompute(room);
  }
  ASSERT_EQ(seen_.access.size(), expected_.access.size());
  for (size_t i = 0; i < seen_.access.size(); ++i) {
    EXPECT_EQ(seen_.access[i].first, expected_.access[i].first);
    EXPECT_EQ(seen_.access[i].second.is_public, expected_.access[i].second.is_public);
    EXPECT_EQ(seen_.access[i].second.regenerated, expected_.access[i].second.regenerated);
  }
  EXPECT_EQ(seen_.chats, expected_.chats);
  expected_ = StepEvents{};
}

void RoomServicePropertyTest::CheckInvariants() {
  int browser_guests = 0;
  for (RoomId id : room_ids_) {
    SCOPED_TRACE(absl::StrCat("room ", ToInt(id)));
    const ModelRoom& model = rooms_.at(id);
    const EventRoom& evented = event_rooms_.at(id);
    absl::StatusOr<RoomSnapshot> snap = service_->GetRoom(admin_session_, id);
    ASSERT_TRUE(snap.ok()) << snap.status();
    const RoomInfo& info = snap->room;

    int moderators = 0;
    int guests = 0;
    for (const ParticipantInfo& p : snap->participants) {
      (IsGuest(p.role) ? guests : moderators)++;
      browser_guests += p.role == ParticipantRole::kBrowserGuest;
    }
    // The state follows from who is present.
    EXPECT_EQ(info.state == ConferenceState::kIdle, snap->participants.empty());
    EXPECT_EQ(info.state == ConferenceState::kRunning, moderators > 0);
    EXPECT_EQ(info.state == ConferenceState::kWaiting ||
                  info.state == ConferenceState::kOnHold,
              guests > 0 && moderators == 0);
    bool& seen_moderator = moderator_seen_since_idle_[id];
    if (info.state == ConferenceState::kOnHold) {
      EXPECT_TRUE(seen_moderator) << "on hold, but no moderator since idle";
    }
    if (info.state == ConferenceState::kWaiting) {
      EXPECT_FALSE(seen_moderator) << "waiting, but a moderator had been present";
    }
    if (info.state == ConferenceState::kIdle) seen_moderator = false;
    if (moderators > 0) seen_moderator = true;
    if (info.state == ConferenceState::kOnHold) Count("state on_hold seen");
    if (info.state == ConferenceState::kWaiting) Count("state waiting seen");

    EXPECT_EQ(info.guests_waiting, guests > 0 && moderators == 0);
    if (!info.is_public) {
      EXPECT_EQ(guests, 0) << "a guest in a private room";
    }
    EXPECT_EQ(info.participant_count, static_cast<int>(snap->participants.size()));
    EXPECT_EQ(snap->conference_id != 0, info.state != ConferenceState::kIdle);

    // Snapshot, model and event stream agree.
    EXPECT_EQ(info.state, model.state);
    EXPECT_EQ(info.state, evented.state);
    EXPECT_EQ(info.guests_waiting, evented.guests_waiting);
    EXPECT_EQ(info.is_public, model.is_public);
    EXPECT_EQ(info.is_public, evented.is_public);
    EXPECT_EQ(snap->conference_id, model.conference_id);
    EXPECT_EQ(snap->conference_id, evented.conference_id);
    ASSERT_EQ(snap->participants.size(), model.present.size());
    EXPECT_EQ(evented.present.size(), model.present.size());
    for (size_t i = 0; i < model.present.size(); ++i) {
      const ParticipantInfo& p = snap->participants[i];
      const ModelParticipant& m = participants_.at(model.present[i]);
      EXPECT_EQ(p.id, m.id) << "participants out of join order";
      EXPECT_EQ(p.room, id);
      EXPECT_EQ(p.role, m.role);
      EXPECT_EQ(p.display_name, m.name);
      EXPECT_EQ(p.user, m.user);
      EXPECT_EQ(p.waiting, IsGuest(p.role) && info.state != ConferenceState::kRunning);
      EXPECT_TRUE(evented.present.contains(m.id));
    }
    std::set<BanId> model_bans;
    for (const auto& [ban, key] : model.bans) model_bans.insert(ban);
    EXPECT_EQ(evented.bans, model_bans);
    if (info.state == ConferenceState::kIdle) {
      EXPECT_TRUE(evented.bans.empty());
    }
  }
  EXPECT_EQ(service_->guest_seats_total(), kSeats);
  EXPECT_EQ(service_->guest_seats_in_use(), browser_guests);
  EXPECT_EQ(service_->guest_seats_in_use(), BrowserGuests());
  EXPECT_LE(service_->guest_seats_in_use(), kSeats);
}

}  // namespace konfero::room_property
