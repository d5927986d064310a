// store.h: what the room domain persists, and the SQLite store that keeps it.
//
// The Store is a narrow, synchronous repository: every mutating call is one
// SQLite transaction that either commits entirely or changes nothing and
// returns an error. The RoomService writes first and updates its in-memory
// state only after a write succeeded, which is how "a failed write changes
// nothing" holds across both.
//
// Schema versioning: PRAGMA user_version holds the number of migrations
// applied; Open() applies the missing ones in order, each in a transaction.
//
// Errors, common to every method: Unavailable if another connection holds
// the database lock for longer than the busy timeout, or if the disk is
// full (nothing was changed; retrying may succeed; the message says which),
// Internal for anything SQLite reports otherwise.
// Messages never contain password hashes, PINs or URL tokens.
//
// Thread contract: a Store is used by one thread at a time (the RoomService's
// driving thread).
#ifndef KONFERO_STORE_STORE_H_
#define KONFERO_STORE_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "konfero/room_types.h"

namespace konfero::store {

struct StoredUser {
  UserId id{};
  std::string login;
  std::string display_name;
  std::string password_hash;  // argon2id encoded string
  bool admin = false;
};

struct StoredAccess {
  std::string pin;
  std::string url_token;
};

struct StoredRoom {
  RoomId id{};
  std::string name;
  std::vector<UserId> members;  // ascending
  std::optional<StoredAccess> access;  // set while the room is public
  // Set while the room is private after RevokeAccess: the URL token it had
  // when it was made private. Never set together with `access`.
  std::optional<std::string> revoked_url_token;
};

// A login session as stored: the SHA-256 of its token (hex), never the token.
struct StoredSession {
  std::string token_sha256;
  UserId user{};
  absl::Time expires_at;
};

struct NewChat {
  RoomId room{};
  int64_t conference_id = 0;
  std::optional<UserId> sender_user;
  std::string sender_name;
  ParticipantRole sender_role = ParticipantRole::kModerator;
  std::string text;
  absl::Time sent_at;
};

class Store {
 public:
  // `path` is a file name or ":memory:". Creates the file and applies the
  // migrations. Unavailable/Internal if the file cannot be opened, or
  // FailedPrecondition if its schema is newer than this build knows.
  // `busy_timeout`: how long a statement waits on a lock held by another
  // connection before failing with Unavailable.
  static absl::StatusOr<std::unique_ptr<Store>> Open(
      std::string_view path, absl::Duration busy_timeout = absl::Seconds(2));

  virtual ~Store() = default;

  // The schema version after Open().
  virtual int schema_version() const = 0;

  // AlreadyExists if the login is taken.
  virtual absl::StatusOr<UserId> InsertUser(std::string_view login,
                                            std::string_view display_name,
                                            std::string_view password_hash,
                                            bool admin) = 0;
  // Also deletes the user's sessions, in the same transaction (a password
  // change ends them). NotFound if the user does not exist.
  virtual absl::Status UpdatePasswordHash(UserId user,
                                          std::string_view password_hash) = 0;
  virtual absl::StatusOr<std::vector<StoredUser>> LoadUsers() = 0;

  // Inserts the room and makes `creator` its first member, atomically;
  // NotFound (and no room) if `creator` does not exist. Ids are never reused.
  virtual absl::StatusOr<RoomId> InsertRoom(std::string_view name,
                                            UserId creator) = 0;
  // RenameRoom and DeleteRoom: NotFound if the room does not exist.
  virtual absl::Status RenameRoom(RoomId room, std::string_view name) = 0;
  // Deletes the room with its members, access and chat.
  virtual absl::Status DeleteRoom(RoomId room) = 0;
  // AlreadyExists if `user` is a member; NotFound if room or user is missing.
  virtual absl::Status AddMember(RoomId room, UserId user) = 0;
  // NotFound if `user` is not a member of `room`.
  virtual absl::Status RemoveMember(RoomId room, UserId user) = 0;
  // Sets (public) or clears (private) the room's access codes, and forgets
  // the URL token RevokeAccess remembered, if any; clearing a private room
  // that remembers none is a no-op. NotFound if the room does not exist;
  // AlreadyExists (codes unchanged) if the PIN or URL token is another
  // room's.
  virtual absl::Status SetAccess(RoomId room,
                                 const std::optional<StoredAccess>& access) = 0;
  // Makes a public room private and remembers its URL token as
  // StoredRoom::revoked_url_token, in one transaction; a private room is
  // left as it is. NotFound if the room does not exist.
  virtual absl::Status RevokeAccess(RoomId room) = 0;
  virtual absl::StatusOr<std::vector<StoredRoom>> LoadRooms() = 0;

  // Returns the new message's id (strictly increasing). NotFound if the
  // room or the sender user does not exist. With `keep_per_conference` > 0,
  // the same transaction then deletes the oldest messages of the message's
  // room and conference until at most that many remain (the new one among
  // them); InvalidArgument if it is negative.
  virtual absl::StatusOr<int64_t> InsertChat(const NewChat& chat,
                                             int keep_per_conference = 0) = 0;
  // Deletes every message sent before `cutoff` in one transaction; returns
  // how many went.
  virtual absl::StatusOr<int64_t> DeleteChatBefore(absl::Time cutoff) = 0;
  // The newest `limit` messages of the room in ascending id order; with
  // `conference_id`, only that conference's messages. Empty for an unknown
  // room or limit 0; InvalidArgument if `limit` is negative.
  virtual absl::StatusOr<std::vector<ChatMessage>> LoadChat(
      RoomId room, std::optional<int64_t> conference_id, int limit) = 0;
  // The highest conference id used in the room's chat (0 if none), so that
  // conference ids stay unique across restarts.
  virtual absl::StatusOr<int64_t> MaxConferenceId(RoomId room) = 0;

  // Sessions. InsertSession: NotFound if the user does not exist.
  // DeleteSession deletes nothing (and succeeds) for an unknown hash.
  virtual absl::Status InsertSession(const StoredSession& session) = 0;
  virtual absl::Status DeleteSession(std::string_view token_sha256) = 0;
  virtual absl::Status DeleteSessionsOf(UserId user) = 0;
  // The sessions that expire after `now`; deletes the others.
  virtual absl::StatusOr<std::vector<StoredSession>> LoadSessions(absl::Time now) = 0;

  // The secret stored under `name`; stores `candidate` first if there is
  // none, so every caller gets the same value for the life of the database.
  virtual absl::StatusOr<std::string> GetOrCreateSecret(std::string_view name,
                                                        std::string_view candidate) = 0;
};

}  // namespace konfero::store

#endif  // KONFERO_STORE_STORE_H_
