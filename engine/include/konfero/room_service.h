// konfero/room_service.h: the room domain of konfero.
//
// RoomService holds users, rooms, public access (dial-in number, PIN, URL),
// the conference lifecycle of every room, guest licences, kicks and bans,
// and chat, and persists what must survive a restart in SQLite. It is
// sans-I/O: no sockets, no threads, no wall clock (time comes from the
// injected Clock). A server, a test or a Python script drives it by calling
// its methods and learns what changed through Subscribe().
//
//   konfero::SystemClock clock;
//   auto service = konfero::RoomService::Open({.database = "konfero.db"}, clock);
//   auto admin = (*service)->BootstrapAdmin("alice", "Alice", "s3cret-pass");
//   auto session = (*service)->Login("alice", "s3cret-pass", "127.0.0.1");
//   auto room = (*service)->CreateRoom(session->token, "Weekly");
//   auto access = (*service)->SetPublic(session->token, room->id, true);
//   std::cout << access->invitation_en;
//
// Errors are absl::Status with canonical codes: InvalidArgument (bad input),
// Unauthenticated (no or expired session, wrong password), PermissionDenied
// (not allowed: not a member, a guest kicking, a banned guest),
// NotFound, AlreadyExists, FailedPrecondition (room private, not in a
// conference), ResourceExhausted (no licence seat, a guest cap reached, too
// many attempts, chat too fast) and Internal/Unavailable (the database
// failed). A call that fails changes nothing, neither in memory nor in the
// database.
//
// Thread contract: a RoomService is not thread-safe. All calls, and all
// subscriber callbacks, happen on the one thread that drives it (the control
// thread of a server). Callbacks run after the change is complete; a callback
// may call back into the service, and the events that causes are delivered
// after the current ones, in order. Cross-thread users post commands to that
// thread; the only state shared with other threads is the guest licence pool,
// which is lock-free, and the per-address guest count (a mutex).
#ifndef KONFERO_ROOM_SERVICE_H_
#define KONFERO_ROOM_SERVICE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "konfero/clock.h"
#include "konfero/events.h"
#include "konfero/random.h"
#include "konfero/room_types.h"

namespace konfero {

// After `max_failures` failures within `window`, a key is refused for
// `lockout` (successes do not reset the count: they only stop adding to it).
struct RateLimit {
  int max_failures = 5;
  absl::Duration window = absl::Minutes(1);
  absl::Duration lockout = absl::Minutes(5);
};

struct RoomServiceOptions {
  // SQLite database file; ":memory:" keeps everything in memory (tests).
  std::string database = ":memory:";
  // How long a write waits for another process holding the database lock.
  absl::Duration database_busy_timeout = absl::Seconds(2);
  // The server's dial-in number, shown in invitations. Empty: no phone entry.
  std::string dial_in_number;
  // Browser guests open base_url + url_token.
  std::string base_url = "http://127.0.0.1:8080/join/";
  // Concurrent browser-guest licence seats, server-wide (0 = no guests).
  int guest_seats = 10;
  // Browser guests present at once from one source address, over all rooms
  // (an IPv6 address counts by its /64 prefix); 0 = no cap. A guest whose
  // connection dropped counts until it has left (the signalling hub keeps it
  // through its reconnect grace). Phone guests do not count.
  int max_guests_per_address = 20;
  // Browser guests present at once in one room; 0 = no cap. Counted like
  // max_guests_per_address.
  int max_guests_per_room = 100;
  // Digits in a PIN, 4 to 12.
  int pin_digits = 6;
  absl::Duration session_ttl = absl::Hours(12);
  // argon2id cost for new password hashes (OWASP's recommendation by
  // default). Tests lower it; existing hashes keep the cost they were made
  // with.
  uint32_t password_hash_memory_kib = 19 * 1024;
  uint32_t password_hash_iterations = 2;
  // Wrong passwords, counted per login and per source separately.
  RateLimit login_limit;
  // Wrong PINs and URL tokens, per source address. A locked-out source is
  // refused (ResourceExhausted) before its PIN or token is looked at.
  RateLimit guest_code_limit;
  // Wrong PINs across all sources: a brute force spread over many addresses.
  // Past it, PIN answers are slowed (phone_slow_answer_delay), never refused:
  // a correct PIN is still admitted, so nobody can lock every phone guest out
  // of every room by guessing. See TryJoinAsPhoneGuest and docs/rooms.md.
  RateLimit guest_code_global_limit{100, absl::Minutes(1), absl::Minutes(1)};
  // Wrong PINs per caller id (its digits; anonymous callers have none). A
  // locked-out caller id is refused like a locked-out source.
  RateLimit phone_caller_limit;
  // Wrong PINs at a dial-in number that names one room (PhoneGuestJoin::room).
  // Like the global limit it slows answers and never refuses, so guessing at
  // one room's number cannot lock that room's callers out.
  RateLimit phone_room_limit;
  // How long the dial-in waits before telling a caller the outcome of a PIN
  // (right or wrong alike) while the global or the room's limit is exceeded.
  absl::Duration phone_slow_answer_delay = absl::Seconds(20);
  // Longest chat message in bytes (UTF-8).
  int max_chat_bytes = 4000;
  // Chat history returned per call, newest last.
  int chat_history_limit = 500;
  // Chat messages per sender, as a token bucket: a burst of `chat_burst`
  // messages, then `chat_messages_per_second`. A post past it is refused
  // (ResourceExhausted, naming the wait) and changes nothing. Guests count
  // per participant, members per user (in a conference and outside it
  // alike). chat_burst 0 = no limit.
  int chat_burst = 10;
  double chat_messages_per_second = 2;
  // Messages kept per conference; past it, each new message deletes the
  // conference's oldest. 0 = no cap; else at least chat_history_limit, so
  // that nothing a reader could still be shown is ever deleted.
  int max_chat_messages_per_conference = 2000;
  // Chat messages older than this are deleted: by Open, and by
  // PurgeExpiredChat, which the host calls periodically (konfero-server:
  // hourly). Zero = keep forever.
  absl::Duration chat_retention = absl::Hours(24 * 30);
};

struct KickOptions {
  // Issue a new PIN and URL in the same step (the old ones stop working;
  // guests that joined with them stay).
  bool regenerate_access = false;
};

struct BrowserGuestJoin {
  std::string url_token;
  std::string display_name;
  // A random key the client keeps (e.g. in local storage); a kicked guest is
  // barred by it. 16 to 128 printable ASCII characters.
  std::string guest_key;
  std::string source;  // remote address, for rate limits
};

struct PhoneGuestJoin {
  std::string pin;
  // The caller's number as the network gave it (the user part of the SIP
  // From or P-Asserted-Identity, e.g. "+4930123454567"); empty or without
  // digits ("anonymous") for a withheld number. Only its digits count: they
  // are the key for the per-caller limit and for a ban after a kick. Others
  // see it masked (MaskCallerId), never in full.
  std::string caller;
  std::string source;  // SIP peer address, for rate limits
  // Set when the dial-in number already names the room (one DID per room).
  std::optional<RoomId> room;
};

// A PIN attempt's outcome and when the caller may hear it
// (RoomService::TryJoinAsPhoneGuest).
struct PhoneJoinAttempt {
  absl::StatusOr<JoinResult> result = absl::UnknownError("not attempted");
  // The dial-in waits this long (say, playing "one moment please") before it
  // tells the caller the outcome, admitted and refused alike, so that the
  // wait says nothing about the PIN. Zero unless the global or the room's
  // PIN limit is exceeded; then options.phone_slow_answer_delay.
  absl::Duration answer_delay = absl::ZeroDuration();
};

// A read-only aggregate of the whole service, for metrics and dashboards.
struct RoomStats {
  // Rooms by the state of their conference.
  int rooms_idle = 0;
  int rooms_waiting = 0;
  int rooms_running = 0;
  int rooms_on_hold = 0;
  // Rooms whose guests sit on the waiting screen (RoomInfo::guests_waiting).
  int rooms_with_guests_waiting = 0;
  // Participants present, by role.
  int moderators = 0;
  int browser_guests = 0;
  int phone_guests = 0;
  // Browser-guest licence seats.
  int guest_seats_in_use = 0;
  int guest_seats_total = 0;
};

// True for a join refused because the room or the guest's source address
// already has its most browser guests (max_guests_per_room,
// max_guests_per_address), as opposed to no licence seat or a lockout: the
// same ResourceExhausted code, told apart for callers that answer each
// differently (the signalling protocol's join codes).
bool IsGuestLimitError(const absl::Status& status);

using EventCallback = std::function<void(const Event&)>;
enum class SubscriptionId : uint64_t {};

namespace rooms {
class RoomServiceImpl;
}

// A login between RoomService::BeginLogin and FinishLogin: the password and
// the hash to check it against. Move-only; the password is wiped when the
// check is done or the object dies.
//
// Thread contract: Verify may run on any thread (it reads only this
// object); everything else happens on the service's thread.
class PendingLogin {
 public:
  PendingLogin(PendingLogin&&) noexcept;
  PendingLogin& operator=(PendingLogin&&) noexcept;
  PendingLogin(const PendingLogin&) = delete;
  PendingLogin& operator=(const PendingLogin&) = delete;
  ~PendingLogin();

  // The argon2id check; CPU-heavy, idempotent.
  void Verify();
  bool verified() const { return result_.has_value(); }

 private:
  friend class rooms::RoomServiceImpl;
  PendingLogin() = default;

  std::string login_;
  std::string source_;
  std::optional<UserId> user_;  // nullopt: no such login
  std::string password_hash_;   // the user's, or a dummy of equal cost
  std::string password_;
  std::string device_nonce_;    // of a valid device cookie, else empty
  std::optional<bool> result_;
};

class RoomService {
 public:
  // Opens (creating or migrating) the database and loads users, rooms,
  // members and access. `clock` and `random` must outlive the service.
  static absl::StatusOr<std::unique_ptr<RoomService>> Open(
      RoomServiceOptions options, const Clock& clock,
      RandomSource& random = CryptoRandom());

  virtual ~RoomService() = default;

  // ---- Users and sessions --------------------------------------------------
  // Creates the first user, an admin. FailedPrecondition once any user exists.
  virtual absl::StatusOr<UserInfo> BootstrapAdmin(std::string_view login,
                                                  std::string_view display_name,
                                                  std::string_view password) = 0;
  // Admins create users. Logins: 1-64 of [a-z0-9._-]; passwords: 8-256 bytes.
  virtual absl::StatusOr<UserInfo> CreateUser(std::string_view admin_session,
                                              std::string_view login,
                                              std::string_view display_name,
                                              std::string_view password,
                                              bool admin = false) = 0;
  virtual absl::StatusOr<std::vector<UserInfo>> ListUsers(
      std::string_view session) = 0;
  virtual absl::Status ChangePassword(std::string_view session,
                                      std::string_view old_password,
                                      std::string_view new_password) = 0;
  // Unauthenticated for a wrong login or password (the same error for both);
  // ResourceExhausted while the login or the source is locked out.
  //
  // Lockout (RoomServiceOptions::login_limit) follows OWASP's device-cookie
  // scheme: wrong passwords count per source and per login, and a locked
  // login or source is refused before its password is looked at, except
  // from a browser that presents a valid `device_cookie` for this login
  // (from an earlier successful Login: Session::device_cookie). Such a
  // browser is never locked out by others' guessing; its own wrong
  // passwords count against its cookie alone, and past the limit the
  // cookie stops counting as valid until the lockout has passed. An invalid
  // or foreign cookie is ignored (the login is then untrusted).
  //
  // Login = BeginLogin, PendingLogin::Verify, FinishLogin in a row, all on
  // the service's thread; a server that must not block that thread for the
  // password hash (argon2id, tens of milliseconds) runs Verify elsewhere.
  absl::StatusOr<Session> Login(std::string_view login, std::string_view password,
                                std::string_view source,
                                std::string_view device_cookie = {});
  // Checks the arguments and the lockouts. The PendingLogin holds a copy of
  // the password until it is verified.
  virtual absl::StatusOr<PendingLogin> BeginLogin(std::string_view login,
                                                  std::string_view password,
                                                  std::string_view source,
                                                  std::string_view device_cookie = {}) = 0;
  // Counts a failure, or opens the session (stored, so it outlives a
  // restart). Verifies first if the caller has not. Unauthenticated also if
  // the user was deleted or changed password since BeginLogin.
  virtual absl::StatusOr<Session> FinishLogin(PendingLogin pending) = 0;
  virtual absl::Status Logout(std::string_view session) = 0;
  virtual absl::StatusOr<UserInfo> WhoAmI(std::string_view session) = 0;

  // ---- Rooms (the manual's groups) -----------------------------------------
  // The creator becomes the first member. Names: 1-100 bytes of UTF-8.
  virtual absl::StatusOr<RoomInfo> CreateRoom(std::string_view session,
                                              std::string_view name) = 0;
  virtual absl::Status RenameRoom(std::string_view session, RoomId room,
                                  std::string_view name) = 0;
  // Ends the room's conference (everyone leaves with kRoomDeleted) and
  // deletes its members, access and chat.
  virtual absl::Status DeleteRoom(std::string_view session, RoomId room) = 0;
  // The rooms the session's user is a member of (all rooms for an admin).
  virtual absl::StatusOr<std::vector<RoomInfo>> ListRooms(
      std::string_view session) = 0;
  virtual absl::StatusOr<RoomSnapshot> GetRoom(std::string_view session,
                                               RoomId room) = 0;
  virtual absl::Status AddMember(std::string_view session, RoomId room,
                                 std::string_view login) = 0;
  // A removed member who is in the conference leaves it (kMembershipRevoked).
  // The last member cannot be removed.
  virtual absl::Status RemoveMember(std::string_view session, RoomId room,
                                    std::string_view login) = 0;

  // ---- Public access ---------------------------------------------------------
  // Public: issues PIN and URL token (keeping existing ones if already
  // public). Private: revokes both at once and removes every guest
  // (kAccessRevoked); new guests are refused.
  //
  // A room made private remembers the URL token it had (persisted, so it
  // survives a restart): while the room stays private, a guest with that
  // link is told the room is no longer public (FailedPrecondition) rather
  // than that the link is wrong. Making the room public again issues a new
  // PIN and URL token, never the old ones (whoever had the old link stays
  // out; the moderator sends the new invitation), and the remembered token
  // becomes unknown (NotFound). Deleting the room forgets it.
  virtual absl::StatusOr<PublicAccess> SetPublic(std::string_view session,
                                                 RoomId room,
                                                 bool is_public) = 0;
  // New PIN and URL token; the old ones stop working at once and are
  // unknown from then on (NotFound, not "no longer public": the moderator
  // invalidated them on purpose). FailedPrecondition for a private room.
  virtual absl::StatusOr<PublicAccess> RegenerateAccess(
      std::string_view session, RoomId room) = 0;
  virtual absl::StatusOr<PublicAccess> GetAccess(std::string_view session,
                                                 RoomId room) = 0;

  // ---- Joining and leaving ---------------------------------------------------
  // A member joins as moderator; starts or resumes the conference.
  virtual absl::StatusOr<JoinResult> JoinAsMember(std::string_view session,
                                                  RoomId room) = 0;
  // NotFound for an unknown token (never issued, replaced by a
  // regeneration, or of a deleted room); FailedPrecondition "room is not
  // public" for the token of a room made private (see SetPublic);
  // PermissionDenied if the guest key is barred; ResourceExhausted if the
  // room or the source address has its most browser guests
  // (max_guests_per_room, max_guests_per_address: IsGuestLimitError tells
  // these apart), if no licence seat is free, or if the source is locked
  // out; InvalidArgument for a malformed request (an empty token or one over
  // 64 bytes, a bad name, key or source). URL tokens are looked up through
  // an HMAC-keyed index and compared in constant time. An unknown token
  // counts as a failure against the source's guest_code_limit; the token of
  // a private room does not (it was handed out, not guessed: a guest
  // reloading the page must not lock out the colleagues behind the same
  // address), but a locked-out source is refused before any token is looked
  // at.
  virtual absl::StatusOr<JoinResult> JoinAsBrowserGuest(
      const BrowserGuestJoin& join) = 0;
  // What `url_token` opens, for the guest page before it asks for a name:
  // the same answers as JoinAsBrowserGuest for the token and the source
  // (NotFound, FailedPrecondition, ResourceExhausted while the source is
  // locked out, InvalidArgument), counted against the same limit, but it
  // admits nobody, takes no licence seat and publishes no event. Bans and
  // free seats are the join's to tell.
  virtual absl::StatusOr<GuestRoomInfo> LookUpGuestUrl(
      std::string_view url_token, std::string_view source) = 0;
  // A caller with the right PIN joins as a phone guest: from then on the
  // rules of a browser guest (waiting screen, kick, ban, mute), but no
  // licence seat. The display name is the masked caller id ("Phone …4567").
  //
  // Brute force. Wrong PINs count against four limits:
  //  - the source address (guest_code_limit) and the caller id
  //    (phone_caller_limit, when it has digits): these are the guesser's
  //    own, so once exceeded they refuse (ResourceExhausted) before the PIN
  //    is looked at. A SIP caller id can be spoofed, so a guesser who knows
  //    a guest's number can lock that one number out for the lockout time;
  //    and behind a SIP trunk all callers share the trunk's source address:
  //    the dial-in should pass a source that tells callers apart where it can.
  //  - the room, when the dial-in number names one (phone_room_limit), and
  //    all sources together (guest_code_global_limit): these are shared with
  //    the legitimate callers, so they never refuse. Past them the PIN is
  //    still checked and a right one admitted, but answer_delay tells the
  //    dial-in to hold every answer for phone_slow_answer_delay. With the
  //    dial-in's cap on concurrent calls (and one PIN at a time per call)
  //    that caps the guessing rate; docs/rooms.md has the arithmetic.
  // The PIN is looked up through an HMAC-keyed index and compared in
  // constant time, whether or not the answer is slowed.
  //
  // PermissionDenied for a wrong PIN or a barred caller id; ResourceExhausted
  // while the source or caller id is locked out; InvalidArgument for a bad
  // source or caller id.
  virtual PhoneJoinAttempt TryJoinAsPhoneGuest(const PhoneGuestJoin& join) = 0;
  // TryJoinAsPhoneGuest without the answer delay, for callers that do not
  // answer a telephone (tests, scripts). A dial-in must use the former.
  virtual absl::StatusOr<JoinResult> JoinAsPhoneGuest(
      const PhoneGuestJoin& join) = 0;
  virtual absl::Status Leave(ParticipantId participant) = 0;
  // The transport was lost: like Leave, with reason kDisconnected.
  virtual absl::Status Disconnect(ParticipantId participant) = 0;

  // ---- Moderation ------------------------------------------------------------
  // `moderator` must be a moderator in the same room; the target may be any
  // other participant. A kicked guest's key (browser) or caller id (phone,
  // by its digits) is barred from the room until a moderator lifts the ban
  // or the conference ends. An anonymous caller cannot be barred: kick with
  // regenerate_access so the PIN it knows stops working.
  virtual absl::Status Kick(ParticipantId moderator, ParticipantId target,
                            KickOptions options = {}) = 0;
  virtual absl::StatusOr<std::vector<BanInfo>> ListBans(
      ParticipantId moderator) = 0;
  virtual absl::Status LiftBan(ParticipantId moderator, BanId ban) = 0;
  // Anyone may mute or unmute themselves; moderators may mute (not unmute)
  // others.
  virtual absl::Status SetMuted(ParticipantId actor, ParticipantId target,
                                bool muted) = 0;
  virtual absl::StatusOr<ParticipantInfo> GetParticipant(
      ParticipantId participant) = 0;
  virtual absl::StatusOr<RoomSnapshot> GetRoomAsParticipant(
      ParticipantId participant) = 0;

  // ---- Chat ------------------------------------------------------------------
  // A participant posts; guests only while the conference is running.
  // ResourceExhausted, naming the wait, past the sender's chat rate
  // (chat_burst, chat_messages_per_second); the refused post changes
  // nothing. When the conference holds max_chat_messages_per_conference
  // messages, the new one replaces its oldest.
  virtual absl::StatusOr<ChatMessage> PostChat(ParticipantId sender,
                                               std::string_view text) = 0;
  // A member posts to the room without being in a conference; the same rate
  // and cap (the member's rate is shared with PostChat as a moderator).
  virtual absl::StatusOr<ChatMessage> PostChatAsMember(
      std::string_view session, RoomId room, std::string_view text) = 0;
  // Members: the room's whole history. Guests: their conference only.
  virtual absl::StatusOr<std::vector<ChatMessage>> ChatHistory(
      ParticipantId reader) = 0;
  virtual absl::StatusOr<std::vector<ChatMessage>> ChatHistoryAsMember(
      std::string_view session, RoomId room) = 0;
  // Deletes every chat message older than options.chat_retention (none if
  // it is zero) and returns how many. Open() runs it once; the host calls it
  // periodically on the driving thread (konfero-server: hourly). A database
  // failure deletes nothing.
  virtual absl::StatusOr<int64_t> PurgeExpiredChat() = 0;

  // ---- Licences and events -----------------------------------------------------
  virtual int guest_seats_total() const = 0;
  virtual int guest_seats_in_use() const = 0;
  // Counts over every room; no session needed (it names no room or person).
  virtual RoomStats GetStats() const = 0;
  // The clock the service was opened with, for code that keeps time in step
  // with it (e.g. the signalling hub's reconnect grace).
  virtual const Clock& clock() const = 0;

  // `room` empty: every room's events. The callback runs on the driving
  // thread after each change.
  virtual SubscriptionId Subscribe(std::optional<RoomId> room,
                                   EventCallback callback) = 0;
  virtual void Unsubscribe(SubscriptionId id) = 0;
};

}  // namespace konfero

#endif  // KONFERO_ROOM_SERVICE_H_
