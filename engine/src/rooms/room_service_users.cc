// room_service_users.cc: opening the service; users.
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "rooms/access_codes.h"
#include "rooms/room_service_impl.h"
#include "rooms/validation.h"

namespace konfero {

absl::StatusOr<std::unique_ptr<RoomService>> RoomService::Open(
    RoomServiceOptions options, const Clock& clock, RandomSource& random) {
  if (options.guest_seats < 0) {
    return absl::InvalidArgumentError("guest_seats must not be negative");
  }
  if (options.pin_digits < 4 || options.pin_digits > 12) {
    return absl::InvalidArgumentError("pin_digits must be 4 to 12");
  }
  if (options.session_ttl <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("session_ttl must be positive");
  }
  if (options.max_chat_bytes < 1 || options.chat_history_limit < 1) {
    return absl::InvalidArgumentError(
        "max_chat_bytes and chat_history_limit must be positive");
  }
  if (options.max_guests_per_address < 0 || options.max_guests_per_room < 0) {
    return absl::InvalidArgumentError(
        "max_guests_per_address and max_guests_per_room must not be negative "
        "(0: no cap)");
  }
  if (options.chat_burst < 0 ||
      (options.chat_burst > 0 && !(options.chat_messages_per_second > 0))) {
    return absl::InvalidArgumentError(
        "chat_burst must not be negative (0: no limit), and with a burst "
        "chat_messages_per_second must be positive");
  }
  // Trimming deletes only what no history call returns any more.
  if (options.max_chat_messages_per_conference != 0 &&
      options.max_chat_messages_per_conference < options.chat_history_limit) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_chat_messages_per_conference must be 0 (no cap) or at least "
        "chat_history_limit (", options.chat_history_limit, ")"));
  }
  if (options.chat_retention < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "chat_retention must not be negative (0: keep forever)");
  }
  for (const RateLimit* l : {&options.login_limit, &options.guest_code_limit,
                             &options.guest_code_global_limit,
                             &options.phone_caller_limit,
                             &options.phone_room_limit}) {
    if (l->max_failures < 1 || l->window <= absl::ZeroDuration() ||
        l->lockout < absl::ZeroDuration()) {
      return absl::InvalidArgumentError(
          "rate limits need max_failures >= 1 and a positive window");
    }
  }
  if (options.phone_slow_answer_delay < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "phone_slow_answer_delay must not be negative");
  }
  if (options.password_hash_memory_kib < 8 ||
      options.password_hash_iterations < 1) {
    return absl::InvalidArgumentError(
        "password hash cost must be at least 8 KiB and 1 iteration");
  }
  if (options.dial_in_number.size() > 32 ||
      !std::all_of(options.dial_in_number.begin(),
                   options.dial_in_number.end(), [](char c) {
                     return (c >= '0' && c <= '9') || c == '+' || c == ' ' ||
                            c == '-' || c == '(' || c == ')' || c == '/';
                   })) {
    return absl::InvalidArgumentError(
        "dial_in_number must be at most 32 of 0-9, +, space, -, (, ), /");
  }
  absl::StatusOr<std::unique_ptr<store::Store>> store =
      store::Store::Open(options.database, options.database_busy_timeout);
  if (!store.ok()) return store.status();
  auto service = std::make_unique<rooms::RoomServiceImpl>(
      std::move(options), clock, random, *std::move(store));
  if (absl::Status s = service->Load(); !s.ok()) return s;
  return service;
}

namespace rooms {

bool RoomState::IsMember(UserId user) const {
  return std::binary_search(members.begin(), members.end(), user);
}

RoomServiceImpl::RoomServiceImpl(RoomServiceOptions options,
                                 const Clock& clock, RandomSource& random,
                                 std::unique_ptr<store::Store> store)
    : options_(std::move(options)),
      clock_(clock),
      random_(random),
      store_(std::move(store)),
      bus_(clock),
      licences_(options_.guest_seats),
      guests_per_address_(options_.max_guests_per_address),
      login_failures_(options_.login_limit, clock),
      code_failures_(options_.guest_code_limit, clock),
      caller_code_failures_(options_.phone_caller_limit, clock),
      room_code_failures_(options_.phone_room_limit, clock),
      global_code_failures_(options_.guest_code_global_limit, clock),
      chat_rate_(options_.chat_burst, options_.chat_messages_per_second, clock),
      rooms_by_pin_(random),
      rooms_by_token_(random),
      rooms_by_revoked_token_(random) {}

crypto::PasswordHashCost RoomServiceImpl::hash_cost() const {
  return crypto::PasswordHashCost{options_.password_hash_memory_kib,
                                  options_.password_hash_iterations, 1};
}

absl::Status RoomServiceImpl::Load() {
  absl::StatusOr<std::string> dummy =
      crypto::HashPassword("konfero-dummy-password", random_, hash_cost());
  if (!dummy.ok()) return dummy.status();
  dummy_hash_ = *std::move(dummy);

  absl::StatusOr<std::vector<store::StoredUser>> users = store_->LoadUsers();
  if (!users.ok()) return users.status();
  for (store::StoredUser& u : *users) {
    users_by_login_[u.login] = u.id;
    users_.emplace(u.id, std::move(u));
  }
  absl::StatusOr<std::vector<store::StoredRoom>> rooms = store_->LoadRooms();
  if (!rooms.ok()) return rooms.status();
  for (store::StoredRoom& r : *rooms) {
    absl::StatusOr<int64_t> last = store_->MaxConferenceId(r.id);
    if (!last.ok()) return last.status();
    auto room = std::make_unique<RoomState>();
    room->id = r.id;
    room->name = std::move(r.name);
    room->members = std::move(r.members);
    std::sort(room->members.begin(), room->members.end());
    room->access = std::move(r.access);
    if (room->access) {
      rooms_by_pin_.Insert(room->access->pin, room->id);
      rooms_by_token_.Insert(room->access->url_token, room->id);
    } else if (r.revoked_url_token) {
      room->revoked_url_token = std::move(r.revoked_url_token);
      rooms_by_revoked_token_.Insert(*room->revoked_url_token, room->id);
    }
    room->conference = std::make_unique<Conference>(room->id, *last, *this);
    rooms_.emplace(room->id, std::move(room));
  }
  // Conference ids need no chat kept for them: a new conference's id is
  // above every id left in the chat, so its guests never read an older
  // conference's messages, whatever the purge deleted.
  absl::StatusOr<int64_t> purged = PurgeExpiredChat();
  if (!purged.ok()) return purged.status();
  return LoadLoginState();
}

UserInfo RoomServiceImpl::ToUserInfo(const store::StoredUser& u) {
  return UserInfo{u.id, u.login, u.display_name, u.admin};
}

absl::StatusOr<UserInfo> RoomServiceImpl::BootstrapAdmin(
    std::string_view login, std::string_view display_name,
    std::string_view password) {
  DeliveryScope deliver(bus_);
  if (!users_.empty()) {
    return absl::FailedPreconditionError(
        "users exist already; an admin must create new users");
  }
  if (absl::Status s = ValidateLogin(login); !s.ok()) return s;
  if (absl::Status s = ValidateName("display name", display_name, 100); !s.ok()) return s;
  if (absl::Status s = ValidatePassword(password); !s.ok()) return s;
  absl::StatusOr<std::string> hash =
      crypto::HashPassword(password, random_, hash_cost());
  if (!hash.ok()) return hash.status();
  absl::StatusOr<UserId> id =
      store_->InsertUser(login, display_name, *hash, /*admin=*/true);
  if (!id.ok()) return id.status();
  store::StoredUser u{*id, std::string(login), std::string(display_name),
                      *std::move(hash), true};
  users_by_login_[u.login] = u.id;
  UserInfo info = ToUserInfo(u);
  users_.emplace(u.id, std::move(u));
  return info;
}

absl::StatusOr<UserInfo> RoomServiceImpl::CreateUser(
    std::string_view admin_session, std::string_view login,
    std::string_view display_name, std::string_view password, bool admin) {
  DeliveryScope deliver(bus_);
  absl::StatusOr<const store::StoredUser*> actor = Authenticate(admin_session);
  if (!actor.ok()) return actor.status();
  if (!(*actor)->admin) {
    return absl::PermissionDeniedError("only an admin can create users");
  }
  if (absl::Status s = ValidateLogin(login); !s.ok()) return s;
  if (absl::Status s = ValidateName("display name", display_name, 100); !s.ok()) return s;
  if (absl::Status s = ValidatePassword(password); !s.ok()) return s;
  if (users_by_login_.contains(Sv(login))) {
    return absl::AlreadyExistsError(absl::StrCat("login '", Sv(login), "' is taken"));
  }
  absl::StatusOr<std::string> hash =
      crypto::HashPassword(password, random_, hash_cost());
  if (!hash.ok()) return hash.status();
  absl::StatusOr<UserId> id = store_->InsertUser(login, display_name, *hash, admin);
  if (!id.ok()) return id.status();
  store::StoredUser u{*id, std::string(login), std::string(display_name),
                      *std::move(hash), admin};
  users_by_login_[u.login] = u.id;
  UserInfo info = ToUserInfo(u);
  users_.emplace(u.id, std::move(u));
  return info;
}

absl::StatusOr<std::vector<UserInfo>> RoomServiceImpl::ListUsers(
    std::string_view session) {
  absl::StatusOr<const store::StoredUser*> actor = Authenticate(session);
  if (!actor.ok()) return actor.status();
  std::vector<UserInfo> out;
  for (const auto& [id, u] : users_) out.push_back(ToUserInfo(u));
  std::sort(out.begin(), out.end(), [](const UserInfo& a, const UserInfo& b) {
    return ToInt(a.id) < ToInt(b.id);
  });
  return out;
}

absl::Status RoomServiceImpl::ChangePassword(std::string_view session,
                                             std::string_view old_password,
                                             std::string_view new_password) {
  absl::StatusOr<const store::StoredUser*> actor = Authenticate(session);
  if (!actor.ok()) return actor.status();
  if (!crypto::VerifyPassword((*actor)->password_hash, old_password)) {
    return absl::UnauthenticatedError("the current password is wrong");
  }
  if (absl::Status s = ValidatePassword(new_password); !s.ok()) return s;
  absl::StatusOr<std::string> hash =
      crypto::HashPassword(new_password, random_, hash_cost());
  if (!hash.ok()) return hash.status();
  const UserId id = (*actor)->id;
  if (absl::Status s = store_->UpdatePasswordHash(id, *hash); !s.ok()) return s;
  users_[id].password_hash = *std::move(hash);
  // Every session of this user ends (the store deleted them with the hash,
  // in one transaction): a password change is often a response to a leaked
  // password.
  absl::erase_if(sessions_, [&](const auto& kv) { return kv.second.user == id; });
  return absl::OkStatus();
}

absl::StatusOr<UserInfo> RoomServiceImpl::WhoAmI(std::string_view session) {
  absl::StatusOr<const store::StoredUser*> actor = Authenticate(session);
  if (!actor.ok()) return actor.status();
  return ToUserInfo(**actor);
}

SubscriptionId RoomServiceImpl::Subscribe(std::optional<RoomId> room,
                                          EventCallback callback) {
  return bus_.Subscribe(room, std::move(callback));
}

void RoomServiceImpl::Unsubscribe(SubscriptionId id) { bus_.Unsubscribe(id); }

void RoomServiceImpl::OnConferenceEvent(RoomId room, EventBody body) {
  bus_.Publish(room, std::move(body));
}

}  // namespace rooms
}  // namespace konfero
