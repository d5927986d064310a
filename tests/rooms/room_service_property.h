// room_service_property.h: the fixture and the model of the randomized
// RoomService property test.
//
// room_service_property_test.cc holds the random steps and the test itself;
// room_service_property_model.cc the model's bookkeeping, the event checks
// and the invariants checked after every step.
#ifndef KONFERO_TESTS_ROOMS_ROOM_SERVICE_PROPERTY_H_
#define KONFERO_TESTS_ROOMS_ROOM_SERVICE_PROPERTY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "testing/seeded_random.h"
#include "konfero/room_service.h"

namespace konfero {

// Readable values in failure messages; gtest finds these by ADL. Internal
// linkage, so they cannot clash with another test's printers.
static inline void PrintTo(ConferenceState s, std::ostream* os) { *os << ToString(s); }
static inline void PrintTo(ParticipantRole r, std::ostream* os) { *os << ToString(r); }
static inline void PrintTo(LeaveReason r, std::ostream* os) { *os << ToString(r); }
static inline void PrintTo(ParticipantId id, std::ostream* os) {
  *os << "participant " << ToInt(id);
}
static inline void PrintTo(BanId id, std::ostream* os) { *os << "ban " << ToInt(id); }
static inline void PrintTo(RoomId id, std::ostream* os) { *os << "room " << ToInt(id); }
static inline void PrintTo(UserId id, std::ostream* os) { *os << "user " << ToInt(id); }

namespace room_property {

inline constexpr int kStepsPerSeed = 10'000;
inline constexpr int kSeats = 3;
inline constexpr int kMaxPresent = 14;  // above this, the next step is a leave
// The service's default per-source limit; the global one is set low so that
// the brute-force bursts of the test reach it.
inline constexpr RateLimit kCodeLimit{5, absl::Minutes(1), absl::Minutes(5)};
inline constexpr RateLimit kGlobalLimit{12, absl::Minutes(1), absl::Minutes(1)};
// Per caller id and per room (a dial-in number that names the room): set
// explicitly so the model does not depend on the defaults.
inline constexpr RateLimit kCallerLimit{5, absl::Minutes(1), absl::Minutes(5)};
inline constexpr RateLimit kRoomLimit{5, absl::Minutes(1), absl::Minutes(5)};
inline constexpr absl::Duration kSlowAnswer = absl::Seconds(20);
inline constexpr char kBaseUrl[] = "https://konf.example/join/";

using ::konfero::test_support::SeededRandom;

inline bool IsGuest(ParticipantRole role) { return role != ParticipantRole::kModerator; }

// The documented rate limit: after max_failures failures within window, a
// key is refused for lockout.
class LimiterModel {
 public:
  explicit LimiterModel(RateLimit limit) : limit_(limit) {}
  bool Locked(const std::string& key, absl::Time now) const {
    auto it = keys_.find(key);
    return it != keys_.end() && now < it->second.locked_until;
  }
  void Fail(const std::string& key, absl::Time now) {
    Key& k = keys_[key];
    std::erase_if(k.failures, [&](absl::Time t) { return t <= now - limit_.window; });
    k.failures.push_back(now);
    if (static_cast<int>(k.failures.size()) >= limit_.max_failures) {
      k.locked_until = now + limit_.lockout;
      k.failures.clear();
    }
  }

 private:
  struct Key {
    std::vector<absl::Time> failures;
    absl::Time locked_until = absl::InfinitePast();
  };
  RateLimit limit_;
  std::map<std::string, Key> keys_;
};

struct ModelParticipant {
  static ModelParticipant Make(ParticipantRole role, std::string name,
                               std::string key, std::optional<UserId> user) {
    ModelParticipant p;
    p.role = role;
    p.name = std::move(name);
    p.key = std::move(key);
    p.user = user;
    return p;
  }

  ParticipantId id{};
  RoomId room{};
  ParticipantRole role = ParticipantRole::kModerator;
  std::string name;
  std::string key;  // browser guest key, or "tel:" + the caller id's digits
  std::optional<UserId> user;
};

struct ModelRoom {
  RoomId id{};
  std::vector<UserId> members;
  bool is_public = false;
  std::string pin;
  std::string token;
  std::vector<std::string> old_pins;
  std::vector<std::string> old_tokens;
  // While private: the token it had when it was made private, which guests
  // are told is "no longer public" (empty if none).
  std::string revoked_token;
  std::vector<ParticipantId> present;  // join order
  ConferenceState state = ConferenceState::kIdle;
  bool had_moderator = false;  // since the room was last idle
  int64_t conference_id = 0;
  int64_t last_conference_id = 0;
  std::map<BanId, std::string> bans;  // ban -> barred key
};

// What the event stream says, rebuilt from events alone.
struct EventRoom {
  std::map<ParticipantId, ParticipantRole> present;
  ConferenceState state = ConferenceState::kIdle;
  bool guests_waiting = false;
  int64_t conference_id = 0;
  int64_t last_conference_id = 0;
  std::set<BanId> bans;
  bool is_public = false;
};

// What one step is expected to publish, and what it did publish.
struct StepEvents {
  std::vector<ParticipantId> joined;
  std::map<ParticipantId, LeaveReason> left;
  std::vector<BanInfo> banned;
  std::vector<std::pair<RoomId, AccessChanged>> access;
  int chats = 0;
};

struct User {
  UserId id{};
  std::string login;
  std::string name;
  std::string session;
};

class RoomServicePropertyTest : public ::testing::TestWithParam<uint64_t> {
 protected:
  void SetUp() override;
  void Step();
  void CheckInvariants();

  // Steps.
  void MemberJoin();
  void NonMemberJoin();
  void BrowserJoin();
  void GuestLookup(const std::string& token, const std::string& source);
  void PhoneJoin(bool guess = false);
  void BruteForcePins();
  void LeaveOrDisconnect(bool disconnect);
  void LeaveGone();
  void Kick(bool regenerate);
  void GuestKicks();
  void Bans();
  void SetPublic();
  void Regenerate();
  void Chat();
  void AdvanceClock();

  // Model helpers.
  int Rand(size_t n) { return static_cast<int>(rng_() % n); }
  bool Chance(int percent) { return Rand(100) < percent; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Rand(v.size())]; }
  ModelRoom& RoomOf(ParticipantId id) { return rooms_.at(participants_.at(id).room); }
  std::vector<ParticipantId> AllPresent() const;
  int Moderators(const ModelRoom& room) const;
  int Guests(const ModelRoom& room) const;
  int BrowserGuests() const;
  ParticipantId AdmitToModel(const absl::StatusOr<JoinResult>& result,
                             ModelRoom& room, ModelParticipant p);
  void RemoveFromModel(ParticipantId id, LeaveReason reason);
  void Recompute(ModelRoom& room);
  void RevokeCodes(ModelRoom& room);
  void AdoptCodes(ModelRoom& room, const PublicAccess& access);
  std::optional<RoomId> RoomByToken(const std::string& token) const;
  std::optional<RoomId> RoomByRevokedToken(const std::string& token) const;
  std::optional<RoomId> RoomByPin(const std::string& pin) const;
  // Consumes the events the step published and checks them against
  // `expected_` and the event-derived rooms.
  void ProcessEvents();
  void Count(const std::string& what) { ++coverage_[what]; }

  ManualClock clock_;
  std::mt19937_64 rng_;
  std::unique_ptr<SeededRandom> service_random_;
  std::unique_ptr<RoomService> service_;
  std::string admin_session_;
  std::vector<User> users_;
  std::vector<RoomId> room_ids_;
  std::map<RoomId, ModelRoom> rooms_;
  std::map<ParticipantId, ModelParticipant> participants_;
  std::set<ParticipantId> ever_issued_;
  std::vector<ParticipantId> departed_;
  LimiterModel code_limit_{kCodeLimit};
  LimiterModel caller_limit_{kCallerLimit};
  LimiterModel room_limit_{kRoomLimit};
  LimiterModel global_limit_{kGlobalLimit};
  std::map<std::pair<RoomId, int64_t>, int> chats_per_conference_;
  std::string pending_ban_key_;

  std::vector<Event> events_;       // all rooms
  std::vector<Event> room0_events_;  // a subscription to the first room only
  uint64_t last_seq_ = 0;
  std::map<RoomId, EventRoom> event_rooms_;
  std::map<RoomId, bool> moderator_seen_since_idle_;
  StepEvents expected_;
  StepEvents seen_;
  std::map<std::string, int> coverage_;
};

}  // namespace room_property
}  // namespace konfero

#endif  // KONFERO_TESTS_ROOMS_ROOM_SERVICE_PROPERTY_H_
