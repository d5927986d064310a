// room_service_impl.h: the RoomService implementation's state.
//
// The methods are spread over room_service_*.cc by concern: users and
// sessions, rooms and access, guest links, presence and moderation, chat.
// Every mutating method follows the same order: validate, authorise, write
// to the Store, and only when the write succeeded change memory and publish
// events; so a failed call changes nothing.
//
// Thread contract: as RoomService, one driving thread.
#ifndef KONFERO_ROOMS_ROOM_SERVICE_IMPL_H_
#define KONFERO_ROOMS_ROOM_SERVICE_IMPL_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "crypto/password_hash.h"
#include "crypto/secrets.h"
#include "konfero/room_service.h"
#include "rooms/address_quota.h"
#include "rooms/conference.h"
#include "rooms/event_bus.h"
#include "rooms/licence_pool.h"
#include "rooms/rate_limiter.h"
#include "store/store.h"

namespace konfero::rooms {

struct RoomState {
  RoomId id{};
  std::string name;
  std::vector<UserId> members;  // ascending
  std::optional<store::StoredAccess> access;  // set while public
  // Set while private: the URL token the room had when it was made private
  // (never together with `access`).
  std::optional<std::string> revoked_url_token;
  std::unique_ptr<Conference> conference;

  bool IsMember(UserId user) const;
};

struct SessionEntry {
  UserId user{};
  absl::Time expires_at;
};

class RoomServiceImpl final : public RoomService, public Conference::Listener {
 public:
  RoomServiceImpl(RoomServiceOptions options, const Clock& clock,
                  RandomSource& random, std::unique_ptr<store::Store> store);
  // Loads users and rooms from the store.
  absl::Status Load();

  // Users and sessions (room_service_users.cc).
  absl::StatusOr<UserInfo> BootstrapAdmin(std::string_view login,
                                          std::string_view display_name,
                                          std::string_view password) override;
  absl::StatusOr<UserInfo> CreateUser(std::string_view admin_session,
                                      std::string_view login,
                                      std::string_view display_name,
                                      std::string_view password,
                                      bool admin) override;
  absl::StatusOr<std::vector<UserInfo>> ListUsers(
      std::string_view session) override;
  absl::Status ChangePassword(std::string_view session,
                              std::string_view old_password,
                              std::string_view new_password) override;
  // Logins and sessions (room_service_login.cc).
  absl::StatusOr<PendingLogin> BeginLogin(std::string_view login, std::string_view password,
                                          std::string_view source,
                                          std::string_view device_cookie) override;
  absl::StatusOr<Session> FinishLogin(PendingLogin pending) override;
  absl::Status Logout(std::string_view session) override;
  absl::StatusOr<UserInfo> WhoAmI(std::string_view session) override;

  // Rooms and access (room_service_rooms.cc).
  absl::StatusOr<RoomInfo> CreateRoom(std::string_view session,
                                      std::string_view name) override;
  absl::Status RenameRoom(std::string_view session, RoomId room,
                          std::string_view name) override;
  absl::Status DeleteRoom(std::string_view session, RoomId room) override;
  absl::StatusOr<std::vector<RoomInfo>> ListRooms(
      std::string_view session) override;
  absl::StatusOr<RoomSnapshot> GetRoom(std::string_view session,
                                       RoomId room) override;
  absl::Status AddMember(std::string_view session, RoomId room,
                         std::string_view login) override;
  absl::Status RemoveMember(std::string_view session, RoomId room,
                            std::string_view login) override;
  absl::StatusOr<PublicAccess> SetPublic(std::string_view session, RoomId room,
                                         bool is_public) override;
  absl::StatusOr<PublicAccess> RegenerateAccess(std::string_view session,
                                                RoomId room) override;
  absl::StatusOr<PublicAccess> GetAccess(std::string_view session,
                                         RoomId room) override;

  // Guest links (room_service_guest_url.cc).
  absl::StatusOr<GuestRoomInfo> LookUpGuestUrl(
      std::string_view url_token, std::string_view source) override;

  // Presence and moderation (room_service_presence.cc).
  absl::StatusOr<JoinResult> JoinAsMember(std::string_view session,
                                          RoomId room) override;
  absl::StatusOr<JoinResult> JoinAsBrowserGuest(
      const BrowserGuestJoin& join) override;
  PhoneJoinAttempt TryJoinAsPhoneGuest(const PhoneGuestJoin& join) override;
  absl::StatusOr<JoinResult> JoinAsPhoneGuest(
      const PhoneGuestJoin& join) override;
  absl::Status Leave(ParticipantId participant) override;
  absl::Status Disconnect(ParticipantId participant) override;
  absl::Status Kick(ParticipantId moderator, ParticipantId target,
                    KickOptions options) override;
  absl::StatusOr<std::vector<BanInfo>> ListBans(
      ParticipantId moderator) override;
  absl::Status LiftBan(ParticipantId moderator, BanId ban) override;
  absl::Status SetMuted(ParticipantId actor, ParticipantId target,
                        bool muted) override;
  absl::StatusOr<ParticipantInfo> GetParticipant(
      ParticipantId participant) override;
  absl::StatusOr<RoomSnapshot> GetRoomAsParticipant(
      ParticipantId participant) override;

  // Chat (room_service_chat.cc).
  absl::StatusOr<ChatMessage> PostChat(ParticipantId sender,
                                       std::string_view text) override;
  absl::StatusOr<ChatMessage> PostChatAsMember(std::string_view session,
                                               RoomId room,
                                               std::string_view text) override;
  absl::StatusOr<std::vector<ChatMessage>> ChatHistory(
      ParticipantId reader) override;
  absl::StatusOr<std::vector<ChatMessage>> ChatHistoryAsMember(
      std::string_view session, RoomId room) override;
  absl::StatusOr<int64_t> PurgeExpiredChat() override;

  int guest_seats_total() const override { return licences_.capacity(); }
  int guest_seats_in_use() const override { return licences_.in_use(); }
  RoomStats GetStats() const override;  // room_service_rooms.cc
  const Clock& clock() const override { return clock_; }
  SubscriptionId Subscribe(std::optional<RoomId> room,
                           EventCallback callback) override;
  void Unsubscribe(SubscriptionId id) override;

  // Conference::Listener: a room's conference changed.
  void OnConferenceEvent(RoomId room, EventBody body) override;

 private:

  // Helpers shared by the method files.
  absl::StatusOr<const store::StoredUser*> Authenticate(std::string_view session);
  // Loads the unexpired sessions and the device-cookie key (Load).
  absl::Status LoadLoginState();
  // The room, if `user` may manage it (a member, or an admin).
  absl::StatusOr<RoomState*> ManagedRoom(const store::StoredUser& user,
                                         RoomId room);
  absl::StatusOr<RoomState*> FindRoom(RoomId room);
  // The session's user and the room, if the user is a member of it (admins
  // manage every room but take part only in those they belong to).
  absl::StatusOr<std::pair<const store::StoredUser*, RoomState*>> MemberOfRoom(
      std::string_view session, RoomId room);
  // The participant and its room; NotFound if it is not present.
  absl::StatusOr<std::pair<RoomState*, const Participant*>> FindParticipant(
      ParticipantId id);
  absl::StatusOr<std::pair<RoomState*, const Participant*>> FindModerator(
      ParticipantId id);
  RoomInfo MakeRoomInfo(const RoomState& room) const;
  RoomSnapshot MakeSnapshot(const RoomState& room) const;
  PublicAccess MakeAccess(const RoomState& room) const;
  // Fresh codes: a PIN unused by every other public room, a new URL token.
  absl::StatusOr<store::StoredAccess> NewAccessCodes();
  // Writes `access` for the room, then updates the indexes and memory.
  // Clearing a public room's access remembers its URL token
  // (revoked_url_token); setting codes forgets a remembered one.
  absl::Status ReplaceAccess(RoomState& room,
                             std::optional<store::StoredAccess> access);
  // The room a browser guest's URL token opens, with the rate limit and the
  // errors of RoomService::JoinAsBrowserGuest (room_service_guest_url.cc).
  absl::StatusOr<RoomState*> ResolveGuestUrl(std::string_view url_token,
                                             std::string_view source);
  JoinResult Admit(RoomState& room, Participant participant);
  // TryJoinAsPhoneGuest's decision; sets `answer_delay` when the answer is
  // to be slowed (room_service_presence.cc).
  absl::StatusOr<JoinResult> DecidePhoneJoin(const PhoneGuestJoin& join,
                                             absl::Duration& answer_delay);
  // Checks the sender's chat rate (`rate_key`), persists the message
  // (trimming its conference to the cap), takes the sender's token, then
  // announces it.
  absl::StatusOr<ChatMessage> StoreAndPublishChat(store::NewChat chat,
                                                  std::string_view rate_key);
  ParticipantId NextParticipantId() { return ParticipantId{next_participant_++}; }
  crypto::PasswordHashCost hash_cost() const;
  static UserInfo ToUserInfo(const store::StoredUser& u);

  const RoomServiceOptions options_;
  const Clock& clock_;
  RandomSource& random_;
  std::unique_ptr<store::Store> store_;
  EventBus bus_;
  // Both outlive the participants (declared before rooms_) whose seats and
  // address slots return to them.
  LicencePool licences_;
  AddressQuota guests_per_address_;

  FailureLimiter login_failures_;
  // Wrong PINs and URL tokens per source; wrong PINs per caller id, per
  // room and globally (room_service.h, TryJoinAsPhoneGuest).
  FailureLimiter code_failures_;
  FailureLimiter caller_code_failures_;
  FailureLimiter room_code_failures_;
  FailureLimiter global_code_failures_;
  // Chat messages per sender: "participant:<id>" for guests, "user:<id>"
  // for members (PostChat as a moderator and PostChatAsMember alike).
  TokenBucket chat_rate_;
  // A hash to verify against when the login is unknown, so that a wrong
  // login takes as long as a wrong password.
  std::string dummy_hash_;

  absl::flat_hash_map<UserId, store::StoredUser> users_;
  absl::flat_hash_map<std::string, UserId> users_by_login_;
  // By the SHA-256 of the token (hex), as stored: a token is 256 random
  // bits, so the lookup's timing tells a guesser nothing.
  absl::flat_hash_map<std::string, SessionEntry> sessions_;
  // The HMAC key of device cookies (device_cookie.h), kept in the store.
  std::string device_cookie_key_;

  absl::flat_hash_map<RoomId, std::unique_ptr<RoomState>> rooms_;
  crypto::SecretIndex<RoomId> rooms_by_pin_;
  crypto::SecretIndex<RoomId> rooms_by_token_;
  // Private rooms' former URL tokens (RoomState::revoked_url_token).
  crypto::SecretIndex<RoomId> rooms_by_revoked_token_;
  absl::flat_hash_map<ParticipantId, RoomId> participant_rooms_;
  uint64_t next_participant_ = 1;
  uint64_t next_ban_ = 1;
};

}  // namespace konfero::rooms

#endif  // KONFERO_ROOMS_ROOM_SERVICE_IMPL_H_
