// room_service_login.cc: logins (with lockout and device cookies) and
// sessions, which the store keeps by hash so that they outlive a restart.
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "crypto/password_hash.h"
#include "crypto/secrets.h"
#include "openssl/crypto.h"
#include "rooms/device_cookie.h"
#include "rooms/room_service_impl.h"
#include "rooms/validation.h"

namespace konfero {

// ---- PendingLogin ---------------------------------------------------------

PendingLogin::PendingLogin(PendingLogin&&) noexcept = default;
PendingLogin& PendingLogin::operator=(PendingLogin&&) noexcept = default;

PendingLogin::~PendingLogin() { OPENSSL_cleanse(password_.data(), password_.size()); }

void PendingLogin::Verify() {
  if (result_) return;
  result_ = crypto::VerifyPassword(password_hash_, password_);
  OPENSSL_cleanse(password_.data(), password_.size());
  password_.clear();
}

absl::StatusOr<Session> RoomService::Login(std::string_view login, std::string_view password,
                                           std::string_view source,
                                           std::string_view device_cookie) {
  absl::StatusOr<PendingLogin> pending = BeginLogin(login, password, source, device_cookie);
  if (!pending.ok()) return pending.status();
  pending->Verify();
  return FinishLogin(*std::move(pending));
}

namespace rooms {
namespace {

constexpr std::string_view kDeviceCookieKeyName = "device_cookie_key";

std::string LoginKey(std::string_view login) { return absl::StrCat("login:", Sv(login)); }
std::string SourceKey(std::string_view source) { return absl::StrCat("source:", Sv(source)); }
std::string DeviceKey(std::string_view nonce) { return absl::StrCat("device:", Sv(nonce)); }

}  // namespace

absl::Status RoomServiceImpl::LoadLoginState() {
  absl::StatusOr<std::string> key =
      store_->GetOrCreateSecret(kDeviceCookieKeyName, crypto::RandomBase64Url(32, random_));
  if (!key.ok()) return key.status();
  device_cookie_key_ = *std::move(key);

  absl::StatusOr<std::vector<store::StoredSession>> stored =
      store_->LoadSessions(clock_.Now());
  if (!stored.ok()) return stored.status();
  for (store::StoredSession& s : *stored) {
    if (!users_.contains(s.user)) continue;  // the foreign key makes this rare
    sessions_[std::move(s.token_sha256)] = SessionEntry{s.user, s.expires_at};
  }
  return absl::OkStatus();
}

absl::StatusOr<const store::StoredUser*> RoomServiceImpl::Authenticate(
    std::string_view session) {
  if (session.empty() || session.size() > 200) {
    return absl::UnauthenticatedError("not logged in");
  }
  const std::string digest = crypto::Sha256Hex(session);
  auto entry = sessions_.find(digest);
  if (entry == sessions_.end()) return absl::UnauthenticatedError("not logged in");
  if (clock_.Now() >= entry->second.expires_at) {
    sessions_.erase(entry);
    // The store's copy goes at the next Open (LoadSessions) if this fails.
    (void)store_->DeleteSession(digest);
    return absl::UnauthenticatedError("session expired; log in again");
  }
  auto it = users_.find(entry->second.user);
  if (it == users_.end()) return absl::UnauthenticatedError("not logged in");
  return &it->second;
}

absl::StatusOr<PendingLogin> RoomServiceImpl::BeginLogin(std::string_view login,
                                                         std::string_view password,
                                                         std::string_view source,
                                                         std::string_view device_cookie) {
  if (absl::Status s = ValidateSource(source); !s.ok()) return s;
  if (login.size() > 64 || password.size() > 256) {
    return absl::InvalidArgumentError("login or password too long");
  }
  PendingLogin pending;
  if (std::optional<std::string> nonce =
          CheckDeviceCookie(device_cookie_key_, login, device_cookie);
      nonce && !login_failures_.IsLocked(DeviceKey(*nonce))) {
    pending.device_nonce_ = *std::move(nonce);
  } else {
    // An untrusted browser: others' guessing may have locked the login.
    if (absl::Status s = login_failures_.Check(LoginKey(login), "login"); !s.ok()) return s;
    if (absl::Status s = login_failures_.Check(SourceKey(source), "login"); !s.ok()) return s;
  }
  pending.login_ = std::string(login);
  pending.source_ = std::string(source);
  pending.password_ = std::string(password);
  // Verify even for an unknown login so both failures take the same time.
  pending.password_hash_ = dummy_hash_;
  if (auto it = users_by_login_.find(Sv(login)); it != users_by_login_.end()) {
    pending.user_ = it->second;
    pending.password_hash_ = users_[it->second].password_hash;
  }
  return pending;
}

absl::StatusOr<Session> RoomServiceImpl::FinishLogin(PendingLogin pending) {
  pending.Verify();
  // The user must still exist with the password that was checked.
  const store::StoredUser* user = nullptr;
  if (pending.user_) {
    auto it = users_.find(*pending.user_);
    if (it != users_.end() && it->second.password_hash == pending.password_hash_) {
      user = &it->second;
    }
  }
  if (!*pending.result_ || user == nullptr) {
    if (!pending.device_nonce_.empty()) {
      login_failures_.RecordFailure(DeviceKey(pending.device_nonce_));
    } else {
      login_failures_.RecordFailure(LoginKey(pending.login_));
      login_failures_.RecordFailure(SourceKey(pending.source_));
    }
    return absl::UnauthenticatedError("wrong login or password");
  }
  const absl::Time now = clock_.Now();
  absl::erase_if(sessions_, [&](const auto& kv) { return kv.second.expires_at <= now; });
  Session session{crypto::RandomBase64Url(32, random_), user->id,
                  now + options_.session_ttl,
                  MakeDeviceCookie(device_cookie_key_, user->login, random_)};
  store::StoredSession stored{crypto::Sha256Hex(session.token), user->id, session.expires_at};
  if (absl::Status s = store_->InsertSession(stored); !s.ok()) return s;
  sessions_[std::move(stored.token_sha256)] = SessionEntry{user->id, session.expires_at};
  return session;
}

absl::Status RoomServiceImpl::Logout(std::string_view session) {
  if (session.empty() || session.size() > 200) {
    return absl::UnauthenticatedError("not logged in");
  }
  const std::string digest = crypto::Sha256Hex(session);
  if (!sessions_.contains(digest)) return absl::UnauthenticatedError("not logged in");
  if (absl::Status s = store_->DeleteSession(digest); !s.ok()) return s;
  sessions_.erase(digest);
  return absl::OkStatus();
}

}  // namespace rooms
}  // namespace konfero
