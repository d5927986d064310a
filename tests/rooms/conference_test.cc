// Tests of rooms/conference.h: every transition of the conference lifecycle,
// with the exact events each one reports, in order.
#include "rooms/conference.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero::rooms {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr RoomId kRoom{7};
const absl::Time kNow = absl::FromUnixSeconds(1'700'000'000);

std::string Name(ConferenceState s) { return std::string(ToString(s)); }

// One line per event, e.g. "joined 2 guest waiting" or
// "state idle->waiting #1": readable when a sequence does not match.
struct DescribeVisitor {
  std::string operator()(const ParticipantJoined& e) const {
    return absl::StrCat("joined ", ToInt(e.participant.id), " ",
                        e.participant.role == ParticipantRole::kModerator
                            ? "moderator"
                            : "guest",
                        e.participant.waiting ? " waiting" : "");
  }
  std::string operator()(const ParticipantLeft& e) const {
    return absl::StrCat("left ", ToInt(e.participant), " ",
                        std::string(ToString(e.reason)));
  }
  std::string operator()(const ConferenceStateChanged& e) const {
    return absl::StrCat("state ", Name(e.from), "->", Name(e.to), " #",
                        e.conference_id);
  }
  std::string operator()(const GuestsWaitingChanged& e) const {
    return absl::StrCat("guests_waiting ", e.guests_waiting ? "true" : "false");
  }
  std::string operator()(const GuestBanned& e) const {
    return absl::StrCat("banned ", ToInt(e.ban.id), " ", e.ban.display_name);
  }
  std::string operator()(const BanLifted& e) const {
    return absl::StrCat("ban lifted ", ToInt(e.ban));
  }
  std::string operator()(const ParticipantMuted& e) const {
    return absl::StrCat("muted ", ToInt(e.participant), " ",
                        e.muted ? "true" : "false", " by ", ToInt(e.by));
  }
  std::string operator()(const auto& e) const {
    return absl::StrCat("other ", std::string(EventName(EventBody(e))));
  }
};

std::string Describe(const EventBody& body) {
  return std::visit(DescribeVisitor{}, body);
}

class RecordingListener : public Conference::Listener {
 public:
  void OnConferenceEvent(RoomId room, EventBody body) override {
    rooms.push_back(room);
    events.push_back(Describe(body));
    bodies.push_back(std::move(body));
  }
  // The events since the last call.
  std::vector<std::string> Take() {
    std::vector<std::string> out = std::move(events);
    events.clear();
    bodies.clear();
    return out;
  }
  std::vector<RoomId> rooms;
  std::vector<std::string> events;
  std::vector<EventBody> bodies;
};

Participant Moderator(uint64_t id) {
  Participant p;
  p.info.id = ParticipantId{id};
  p.info.role = ParticipantRole::kModerator;
  p.info.display_name = absl::StrCat("Mod ", id);
  p.info.user = UserId{static_cast<int64_t>(id)};
  return p;
}

Participant BrowserGuest(uint64_t id, std::optional<LicenceSeat> seat = {}) {
  Participant p;
  p.info.id = ParticipantId{id};
  p.info.role = ParticipantRole::kBrowserGuest;
  p.info.display_name = absl::StrCat("Guest ", id);
  p.guest_key = absl::StrCat("guest-key-0000000", id);
  p.seat = std::move(seat);
  return p;
}

Participant PhoneGuest(uint64_t id, std::string caller = "+4930123456") {
  Participant p;
  p.info.id = ParticipantId{id};
  p.info.role = ParticipantRole::kPhoneGuest;
  p.info.display_name = caller.empty() ? "Phone" : caller;
  p.guest_key = caller.empty() ? "" : "tel:" + caller;
  return p;
}

class ConferenceTest : public ::testing::Test {
 protected:
  RecordingListener listener_;
  Conference conference_{kRoom, 0, listener_};
};

TEST_F(ConferenceTest, StartsIdleAndEmpty) {
  EXPECT_EQ(conference_.state(), ConferenceState::kIdle);
  EXPECT_EQ(conference_.conference_id(), 0);
  EXPECT_FALSE(conference_.guests_waiting());
  EXPECT_EQ(conference_.size(), 0);
  EXPECT_THAT(conference_.Participants(), IsEmpty());
  EXPECT_THAT(listener_.events, IsEmpty());
}

TEST_F(ConferenceTest, AGuestInAnIdleRoomWaits) {
  const ParticipantInfo info = conference_.Add(BrowserGuest(1));
  EXPECT_THAT(listener_.Take(),
              ElementsAre("joined 1 guest waiting", "state idle->waiting #1",
                          "guests_waiting true"));
  EXPECT_EQ(conference_.state(), ConferenceState::kWaiting);
  EXPECT_TRUE(conference_.guests_waiting());
  EXPECT_EQ(conference_.conference_id(), 1);
  EXPECT_TRUE(info.waiting);
  EXPECT_EQ(info.room, kRoom);
  EXPECT_THAT(listener_.rooms, ::testing::Each(kRoom));
}

TEST_F(ConferenceTest, TheLastGuestLeavingAWaitingRoomMakesItIdle) {
  conference_.Add(BrowserGuest(1));
  conference_.Add(PhoneGuest(2));
  listener_.Take();
  EXPECT_TRUE(conference_.Remove(ParticipantId{1}, LeaveReason::kLeft));
  EXPECT_THAT(listener_.Take(), ElementsAre("left 1 left"));
  EXPECT_EQ(conference_.state(), ConferenceState::kWaiting);
  EXPECT_TRUE(conference_.Remove(ParticipantId{2}, LeaveReason::kDisconnected));
  EXPECT_THAT(listener_.Take(),
              ElementsAre("left 2 disconnected", "state waiting->idle #1",
                          "guests_waiting false"));
  EXPECT_EQ(conference_.state(), ConferenceState::kIdle);
  EXPECT_EQ(conference_.conference_id(), 0);
  EXPECT_FALSE(conference_.guests_waiting());
}

TEST_F(ConferenceTest, AModeratorInAnIdleRoomStartsTheConference) {
  const ParticipantInfo info = conference_.Add(Moderator(1));
  EXPECT_THAT(listener_.Take(),
              ElementsAre("joined 1 moderator", "state idle->running #1"));
  EXPECT_EQ(conference_.state(), ConferenceState::kRunning);
  EXPECT_FALSE(info.waiting);
  EXPECT_FALSE(conference_.guests_waiting());
}

TEST_F(ConferenceTest, AModeratorStartsAConferenceGuestsWaitFor) {
  conference_.Add(BrowserGuest(1));
  listener_.Take();
  EXPECT_TRUE(conference_.Participants()[0].waiting);
  conference_.Add(Moderator(2));
  EXPECT_THAT(listener_.Take(),
              ElementsAre("joined 2 moderator", "state waiting->running #1",
                          "guests_waiting false"));
  EXPECT_EQ(conference_.state(), ConferenceState::kRunning);
  EXPECT_EQ(conference_.conference_id(), 1);  // the same conference
  EXPECT_FALSE(conference_.Participants()[0].waiting);
}

TEST_F(ConferenceTest, TheLastModeratorLeavingPutsGuestsOnHold) {
  conference_.Add(Moderator(1));
  conference_.Add(BrowserGuest(2));
  listener_.Take();
  conference_.Remove(ParticipantId{1}, LeaveReason::kLeft);
  EXPECT_THAT(listener_.Take(),
              ElementsAre("left 1 left", "state running->on_hold #1",
                          "guests_waiting true"));
  EXPECT_EQ(conference_.state(), ConferenceState::kOnHold);
  EXPECT_TRUE(conference_.guests_waiting());
  EXPECT_TRUE(conference_.Participants()[0].waiting);
  EXPECT_EQ(conference_.conference_id(), 1);
}

TEST_F(ConferenceTest, TheLastModeratorLeavingAnEmptyRoomMakesItIdle) {
  conference_.Add(Moderator(1));
  listener_.Take();
  conference_.Remove(ParticipantId{1}, LeaveReason::kLeft);
  EXPECT_THAT(listener_.Take(),
              ElementsAre("left 1 left", "state running->idle #1"));
  EXPECT_EQ(conference_.state(), ConferenceState::kIdle);
  EXPECT_EQ(conference_.conference_id(), 0);
}

TEST_F(ConferenceTest, AModeratorReturningResumesAConferenceOnHold) {
  conference_.Add(Moderator(1));
  conference_.Add(BrowserGuest(2));
  conference_.Remove(ParticipantId{1}, LeaveReason::kLeft);
  listener_.Take();
  const ParticipantInfo info = conference_.Add(Moderator(3));
  EXPECT_THAT(listener_.Take(),
              ElementsAre("joined 3 moderator", "state on_hold->running #1",
                          "guests_waiting false"));
  EXPECT_FALSE(info.waiting);
  EXPECT_EQ(conference_.conference_id(), 1);  // resumed, not a new one
  EXPECT_FALSE(conference_.Participants()[0].waiting);
}

TEST_F(ConferenceTest, TheLastGuestLeavingARoomOnHoldMakesItIdle) {
  conference_.Add(Moderator(1));
  conference_.Add(BrowserGuest(2));
  conference_.Remove(ParticipantId{1}, LeaveReason::kLeft);
  listener_.Take();
  conference_.Remove(ParticipantId{2}, LeaveReason::kKicked);
  EXPECT_THAT(listener_.Take(),
              ElementsAre("left 2 kicked", "state on_hold->idle #1",
                          "guests_waiting false"));
  EXPECT_EQ(conference_.state(), ConferenceState::kIdle);
}

TEST_F(ConferenceTest, AGuestJoiningARoomOnHoldWaitsWithoutAStateChange) {
  conference_.Add(Moderator(1));
  conference_.Add(BrowserGuest(2));
  conference_.Remove(ParticipantId{1}, LeaveReason::kLeft);
  listener_.Take();
  const ParticipantInfo info = conference_.Add(PhoneGuest(3));
  EXPECT_THAT(listener_.Take(), ElementsAre("joined 3 guest waiting"));
  EXPECT_TRUE(info.waiting);
  EXPECT_EQ(conference_.state(), ConferenceState::kOnHold);
}

TEST_F(ConferenceTest, RunningStaysRunningWhileGuestsComeAndGo) {
  conference_.Add(Moderator(1));
  listener_.Take();
  const ParticipantInfo guest = conference_.Add(BrowserGuest(2));
  EXPECT_FALSE(guest.waiting);
  conference_.Add(PhoneGuest(3));
  conference_.Remove(ParticipantId{2}, LeaveReason::kLeft);
  conference_.Remove(ParticipantId{3}, LeaveReason::kDisconnected);
  EXPECT_THAT(listener_.Take(),
              ElementsAre("joined 2 guest", "joined 3 guest", "left 2 left",
                          "left 3 disconnected"));
  EXPECT_EQ(conference_.state(), ConferenceState::kRunning);
  EXPECT_FALSE(conference_.guests_waiting());
}

TEST_F(ConferenceTest, RunningStaysRunningWhileOneOfTwoModeratorsLeaves) {
  conference_.Add(Moderator(1));
  conference_.Add(Moderator(2));
  conference_.Add(BrowserGuest(3));
  listener_.Take();
  conference_.Remove(ParticipantId{1}, LeaveReason::kLeft);
  EXPECT_THAT(listener_.Take(), ElementsAre("left 1 left"));
  EXPECT_EQ(conference_.state(), ConferenceState::kRunning);
  EXPECT_EQ(conference_.moderators(), 1);
  EXPECT_FALSE(conference_.Participants()[1].waiting);
}

TEST_F(ConferenceTest, ConferenceIdsIncreaseWithEachConference) {
  conference_.Add(Moderator(1));
  EXPECT_EQ(conference_.conference_id(), 1);
  conference_.Remove(ParticipantId{1}, LeaveReason::kLeft);
  conference_.Add(BrowserGuest(2));
  EXPECT_EQ(conference_.conference_id(), 2);
  conference_.Add(Moderator(3));  // waiting -> running: still conference 2
  EXPECT_EQ(conference_.conference_id(), 2);
  conference_.Remove(ParticipantId{3}, LeaveReason::kLeft);  // on hold
  EXPECT_EQ(conference_.conference_id(), 2);
  conference_.Remove(ParticipantId{2}, LeaveReason::kLeft);  // idle
  EXPECT_EQ(conference_.conference_id(), 0);
  conference_.Add(PhoneGuest(4));
  EXPECT_EQ(conference_.conference_id(), 3);
}

TEST(ConferenceIdTest, ContinuesFromTheLastConferenceId) {
  RecordingListener listener;
  Conference conference(kRoom, 41, listener);
  EXPECT_EQ(conference.conference_id(), 0);
  conference.Add(Moderator(1));
  EXPECT_EQ(conference.conference_id(), 42);
  conference.Remove(ParticipantId{1}, LeaveReason::kLeft);
  conference.Add(Moderator(2));
  EXPECT_THAT(listener.events,
              ElementsAre("joined 1 moderator", "state idle->running #42",
                          "left 1 left", "state running->idle #42",
                          "joined 2 moderator", "state idle->running #43"));
}

TEST_F(ConferenceTest, PhoneGuestsCountAsGuests) {
  conference_.Add(PhoneGuest(1));
  EXPECT_THAT(listener_.Take(),
              ElementsAre("joined 1 guest waiting", "state idle->waiting #1",
                          "guests_waiting true"));
  EXPECT_EQ(conference_.guests(), 1);
  EXPECT_EQ(conference_.browser_guests(), 0);
  conference_.Add(Moderator(2));
  conference_.Remove(ParticipantId{2}, LeaveReason::kLeft);
  EXPECT_EQ(conference_.state(), ConferenceState::kOnHold);
  EXPECT_TRUE(conference_.Participants()[0].waiting);
}

TEST_F(ConferenceTest, CountsModeratorsGuestsAndBrowserGuests) {
  conference_.Add(Moderator(1));
  conference_.Add(BrowserGuest(2));
  conference_.Add(PhoneGuest(3));
  conference_.Add(BrowserGuest(4));
  EXPECT_EQ(conference_.size(), 4);
  EXPECT_EQ(conference_.moderators(), 1);
  EXPECT_EQ(conference_.guests(), 3);
  EXPECT_EQ(conference_.browser_guests(), 2);
  conference_.Remove(ParticipantId{4}, LeaveReason::kLeft);
  EXPECT_EQ(conference_.guests(), 2);
  EXPECT_EQ(conference_.browser_guests(), 1);
}

TEST_F(ConferenceTest, WaitingFlagsFollowTheStateInJoinOrder) {
  conference_.Add(BrowserGuest(1));
  conference_.Add(PhoneGuest(2));
  auto flags = [&] {
    std::vector<std::pair<uint64_t, bool>> out;
    for (const ParticipantInfo& p : conference_.Participants()) {
      out.emplace_back(ToInt(p.id), p.waiting);
    }
    return out;
  };
  using P = std::pair<uint64_t, bool>;
  EXPECT_THAT(flags(), ElementsAre(P{1, true}, P{2, true}));
  conference_.Add(Moderator(3));
  EXPECT_THAT(flags(), ElementsAre(P{1, false}, P{2, false}, P{3, false}));
  conference_.Remove(ParticipantId{3}, LeaveReason::kLeft);
  EXPECT_THAT(flags(), ElementsAre(P{1, true}, P{2, true}));
  // Info() and Find() agree with Participants().
  const Participant* p = conference_.Find(ParticipantId{1});
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(conference_.Info(*p).waiting);
}

TEST_F(ConferenceTest, RemovingAnAbsentParticipantChangesNothing) {
  conference_.Add(Moderator(1));
  listener_.Take();
  EXPECT_FALSE(conference_.Remove(ParticipantId{99}, LeaveReason::kLeft));
  EXPECT_THAT(listener_.Take(), IsEmpty());
  EXPECT_EQ(conference_.size(), 1);
}

TEST_F(ConferenceTest, RemoveIfRemovesEveryMatchWithTheReason) {
  conference_.Add(Moderator(1));
  conference_.Add(BrowserGuest(2));
  conference_.Add(PhoneGuest(3));
  listener_.Take();
  conference_.RemoveIf(
      [](const Participant& p) {
        return p.info.role != ParticipantRole::kModerator;
      },
      LeaveReason::kAccessRevoked);
  EXPECT_THAT(listener_.Take(),
              ElementsAre("left 2 access_revoked", "left 3 access_revoked"));
  EXPECT_EQ(conference_.size(), 1);
  EXPECT_EQ(conference_.state(), ConferenceState::kRunning);
}

TEST_F(ConferenceTest, ABannedKeyStaysBannedWhileTheConferenceLasts) {
  conference_.Add(Moderator(1));
  conference_.Add(BrowserGuest(2));
  listener_.Take();
  const Participant* guest = conference_.Find(ParticipantId{2});
  ASSERT_NE(guest, nullptr);
  const std::string key = guest->guest_key;
  const absl::Time now = absl::FromUnixSeconds(1'700'000'000);
  std::optional<BanInfo> ban = conference_.Ban(*guest, BanId{5}, now);
  ASSERT_TRUE(ban.has_value());
  EXPECT_EQ(ban->id, BanId{5});
  EXPECT_EQ(ban->room, kRoom);
  EXPECT_EQ(ban->display_name, "Guest 2");
  EXPECT_EQ(ban->since, now);
  conference_.Remove(ParticipantId{2}, LeaveReason::kKicked);
  EXPECT_THAT(listener_.Take(), ElementsAre("banned 5 Guest 2", "left 2 kicked"));
  EXPECT_TRUE(conference_.IsBanned(key));
  EXPECT_FALSE(conference_.IsBanned("another-key-0000000"));
  EXPECT_FALSE(conference_.IsBanned(""));
  EXPECT_EQ(conference_.Bans().size(), 1u);
}

TEST_F(ConferenceTest, BansEndWhenTheConferenceGoesIdle) {
  conference_.Add(Moderator(1));
  conference_.Add(BrowserGuest(2));
  conference_.Add(PhoneGuest(3));
  const std::string key2 = conference_.Find(ParticipantId{2})->guest_key;
  const std::string key3 = conference_.Find(ParticipantId{3})->guest_key;
  conference_.Ban(*conference_.Find(ParticipantId{2}), BanId{1}, kNow);
  conference_.Remove(ParticipantId{2}, LeaveReason::kKicked);
  conference_.Ban(*conference_.Find(ParticipantId{3}), BanId{2}, kNow);
  conference_.Remove(ParticipantId{3}, LeaveReason::kKicked);
  listener_.Take();
  ASSERT_TRUE(conference_.IsBanned(key2));
  ASSERT_TRUE(conference_.IsBanned(key3));
  conference_.Remove(ParticipantId{1}, LeaveReason::kLeft);
  EXPECT_THAT(listener_.Take(),
              ElementsAre("left 1 left", "state running->idle #1",
                          "ban lifted 1", "ban lifted 2"));
  EXPECT_FALSE(conference_.IsBanned(key2));
  EXPECT_FALSE(conference_.IsBanned(key3));
  EXPECT_THAT(conference_.Bans(), IsEmpty());
}

TEST_F(ConferenceTest, BansSurviveAConferenceOnHold) {
  conference_.Add(Moderator(1));
  conference_.Add(BrowserGuest(2));
  conference_.Add(BrowserGuest(3));
  const std::string key = conference_.Find(ParticipantId{2})->guest_key;
  conference_.Ban(*conference_.Find(ParticipantId{2}), BanId{1}, kNow);
  conference_.Remove(ParticipantId{2}, LeaveReason::kKicked);
  conference_.Remove(ParticipantId{1}, LeaveReason::kLeft);
  EXPECT_EQ(conference_.state(), ConferenceState::kOnHold);
  EXPECT_TRUE(conference_.IsBanned(key));
}

TEST_F(ConferenceTest, LiftBanUnbarsTheKeyOnce) {
  conference_.Add(Moderator(1));
  conference_.Add(BrowserGuest(2));
  const std::string key = conference_.Find(ParticipantId{2})->guest_key;
  conference_.Ban(*conference_.Find(ParticipantId{2}), BanId{9}, kNow);
  listener_.Take();
  EXPECT_TRUE(conference_.LiftBan(BanId{9}));
  EXPECT_THAT(listener_.Take(), ElementsAre("ban lifted 9"));
  EXPECT_FALSE(conference_.IsBanned(key));
  EXPECT_FALSE(conference_.LiftBan(BanId{9}));
  EXPECT_FALSE(conference_.LiftBan(BanId{10}));
  EXPECT_THAT(listener_.Take(), IsEmpty());
}

TEST_F(ConferenceTest, LiftingOneBanKeepsTheOthers) {
  conference_.Add(Moderator(1));
  conference_.Add(BrowserGuest(2));
  conference_.Add(BrowserGuest(3));
  const std::string key2 = conference_.Find(ParticipantId{2})->guest_key;
  const std::string key3 = conference_.Find(ParticipantId{3})->guest_key;
  conference_.Ban(*conference_.Find(ParticipantId{2}), BanId{1}, kNow);
  conference_.Ban(*conference_.Find(ParticipantId{3}), BanId{2}, kNow);
  EXPECT_TRUE(conference_.LiftBan(BanId{1}));
  EXPECT_FALSE(conference_.IsBanned(key2));
  EXPECT_TRUE(conference_.IsBanned(key3));
  ASSERT_EQ(conference_.Bans().size(), 1u);
  EXPECT_EQ(conference_.Bans()[0].id, BanId{2});
}

TEST_F(ConferenceTest, AParticipantWithoutAKeyCannotBeBanned) {
  conference_.Add(Moderator(1));
  conference_.Add(PhoneGuest(2, /*caller=*/""));
  listener_.Take();
  EXPECT_FALSE(conference_.Ban(*conference_.Find(ParticipantId{2}), BanId{1},
                               kNow));
  EXPECT_FALSE(conference_.Ban(*conference_.Find(ParticipantId{1}), BanId{2},
                               kNow));
  EXPECT_THAT(listener_.Take(), IsEmpty());
  EXPECT_THAT(conference_.Bans(), IsEmpty());
}

TEST_F(ConferenceTest, ABrowserGuestsSeatIsFreeBeforeItsLeaveIsReported) {
  LicencePool pool(1);
  class SeatProbe : public Conference::Listener {
   public:
    explicit SeatProbe(const LicencePool& pool) : pool_(pool) {}
    void OnConferenceEvent(RoomId, EventBody body) override {
      if (std::holds_alternative<ParticipantLeft>(body)) {
        seats_at_leave.push_back(pool_.in_use());
      }
    }
    std::vector<int> seats_at_leave;

   private:
    const LicencePool& pool_;
  } probe(pool);
  Conference conference(kRoom, 0, probe);
  conference.Add(BrowserGuest(1, pool.TryAcquire()));
  EXPECT_EQ(pool.in_use(), 1);
  conference.Remove(ParticipantId{1}, LeaveReason::kLeft);
  EXPECT_THAT(probe.seats_at_leave, ElementsAre(0));
  EXPECT_EQ(pool.in_use(), 0);
}

TEST_F(ConferenceTest, SeatsReturnWhenTheConferenceIsDestroyed) {
  LicencePool pool(2);
  {
    RecordingListener listener;
    Conference conference(kRoom, 0, listener);
    conference.Add(BrowserGuest(1, pool.TryAcquire()));
    conference.Add(BrowserGuest(2, pool.TryAcquire()));
    EXPECT_EQ(pool.in_use(), 2);
  }
  EXPECT_EQ(pool.in_use(), 0);
}

TEST_F(ConferenceTest, MuteReportsOnlyChanges) {
  conference_.Add(Moderator(1));
  conference_.Add(BrowserGuest(2));
  listener_.Take();
  EXPECT_TRUE(conference_.SetMuted(ParticipantId{2}, true, ParticipantId{1}));
  EXPECT_TRUE(conference_.SetMuted(ParticipantId{2}, true, ParticipantId{1}));
  EXPECT_TRUE(conference_.SetMuted(ParticipantId{2}, false, ParticipantId{2}));
  EXPECT_FALSE(conference_.SetMuted(ParticipantId{3}, true, ParticipantId{1}));
  EXPECT_THAT(listener_.Take(),
              ElementsAre("muted 2 true by 1", "muted 2 false by 2"));
}

}  // namespace
}  // namespace konfero::rooms
