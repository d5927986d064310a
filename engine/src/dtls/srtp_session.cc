// srtp_session.cc: libsrtp2 inbound and outbound contexts for one peer.
#include "dtls/srtp_session.h"

#include <srtp2/srtp.h>

#include <climits>
#include <cstring>
#include <mutex>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace konfero::dtls {
namespace {

// libsrtp's crypto kernel is process-wide; it is initialised once and never
// shut down (other sessions, in other engines of the process, may use it).
// Another library in the process may have initialised it first (aiortc's
// pylibsrtp does): libsrtp 2.5 then answers a second srtp_init with
// srtp_err_status_bad_param although the kernel works, so that one code is
// not an error here; a kernel that really failed makes srtp_create fail.
absl::Status InitLibSrtpOnce() {
  static std::once_flag once;
  static srtp_err_status_t result = srtp_err_status_ok;
  std::call_once(once, [] { result = srtp_init(); });
  if (result != srtp_err_status_ok && result != srtp_err_status_bad_param) {
    return absl::InternalError(absl::StrCat("SRTP: srtp_init failed (", result, ")"));
  }
  return absl::OkStatus();
}

srtp_profile_t LibSrtpProfile(SrtpProfile profile) {
  return profile == SrtpProfile::kAeadAes128Gcm ? srtp_profile_aead_aes_128_gcm
                                                : srtp_profile_aes128_cm_sha1_80;
}

}  // namespace

void SrtpSession::ContextFree::operator()(srtp_ctx_t_* ctx) const { srtp_dealloc(ctx); }

SrtpSession::SrtpSession(SrtpProfile profile, Context inbound, Context outbound)
    : profile_(profile), inbound_(std::move(inbound)), outbound_(std::move(outbound)) {}

SrtpSession::~SrtpSession() = default;

absl::StatusOr<std::unique_ptr<SrtpSession>> SrtpSession::Create(const SrtpKeyingMaterial& keys,
                                                                 SrtpOptions options) {
  const size_t key_len = SrtpMasterKeyLength(keys.profile);
  const size_t salt_len = SrtpMasterSaltLength(keys.profile);
  if (keys.local_key.size() != key_len || keys.remote_key.size() != key_len ||
      keys.local_salt.size() != salt_len || keys.remote_salt.size() != salt_len) {
    return absl::InvalidArgumentError("SRTP: key or salt length does not fit the profile");
  }
  if (options.replay_window < 64 || options.replay_window > 0x7fff) {
    return absl::InvalidArgumentError("SRTP: replay window out of [64, 32767]");
  }
  if (absl::Status s = InitLibSrtpOnce(); !s.ok()) return s;

  Context contexts[2];  // inbound, outbound
  for (int i = 0; i < 2; ++i) {
    const bool inbound = i == 0;
    // libsrtp wants the master key followed by the master salt.
    unsigned char key_salt[SRTP_MAX_KEY_LEN] = {};
    const std::vector<uint8_t>& key = inbound ? keys.remote_key : keys.local_key;
    const std::vector<uint8_t>& salt = inbound ? keys.remote_salt : keys.local_salt;
    std::memcpy(key_salt, key.data(), key_len);
    std::memcpy(key_salt + key_len, salt.data(), salt_len);

    srtp_policy_t policy;
    std::memset(&policy, 0, sizeof(policy));
    if (srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, LibSrtpProfile(keys.profile)) !=
            srtp_err_status_ok ||
        srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, LibSrtpProfile(keys.profile)) !=
            srtp_err_status_ok) {
      return absl::InternalError("SRTP: profile not supported by libsrtp");
    }
    policy.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    policy.key = key_salt;
    policy.window_size = options.replay_window;
    policy.allow_repeat_tx = 0;
    policy.next = nullptr;

    srtp_t ctx = nullptr;
    const srtp_err_status_t err = srtp_create(&ctx, &policy);
    std::memset(key_salt, 0, sizeof(key_salt));
    if (err != srtp_err_status_ok) {
      if (ctx != nullptr) srtp_dealloc(ctx);
      return absl::InternalError(absl::StrCat("SRTP: srtp_create failed (", err, ")"));
    }
    contexts[i].reset(ctx);
  }
  return std::unique_ptr<SrtpSession>(
      new SrtpSession(keys.profile, std::move(contexts[0]), std::move(contexts[1])));
}

size_t SrtpSession::rtp_overhead() const {
  return profile_ == SrtpProfile::kAeadAes128Gcm ? 16 : 10;
}

std::optional<size_t> SrtpSession::Protect(bool rtcp, absl::Span<uint8_t> buffer, size_t size) {
  const size_t overhead = rtcp ? rtcp_overhead() : rtp_overhead();
  if (size > buffer.size() || buffer.size() - size < overhead ||
      size > static_cast<size_t>(INT_MAX) - overhead) {
    ++stats_.other_failures;
    return std::nullopt;
  }
  int len = static_cast<int>(size);
  const srtp_err_status_t err = rtcp ? srtp_protect_rtcp(outbound_.get(), buffer.data(), &len)
                                     : srtp_protect(outbound_.get(), buffer.data(), &len);
  if (err != srtp_err_status_ok) {
    if (err == srtp_err_status_replay_fail || err == srtp_err_status_replay_old) {
      ++stats_.replays;
    } else {
      ++stats_.other_failures;
    }
    return std::nullopt;
  }
  ++(rtcp ? stats_.rtcp_protected : stats_.rtp_protected);
  return static_cast<size_t>(len);
}

std::optional<size_t> SrtpSession::Unprotect(bool rtcp, absl::Span<uint8_t> packet) {
  if (packet.size() > static_cast<size_t>(INT_MAX)) {
    ++stats_.other_failures;
    return std::nullopt;
  }
  int len = static_cast<int>(packet.size());
  const srtp_err_status_t err = rtcp ? srtp_unprotect_rtcp(inbound_.get(), packet.data(), &len)
                                     : srtp_unprotect(inbound_.get(), packet.data(), &len);
  switch (err) {
    case srtp_err_status_ok:
      ++(rtcp ? stats_.rtcp_unprotected : stats_.rtp_unprotected);
      return static_cast<size_t>(len);
    case srtp_err_status_auth_fail:
    case srtp_err_status_cipher_fail:  // AEAD tag mismatch reports this
      ++stats_.auth_failures;
      return std::nullopt;
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
      ++stats_.replays;
      return std::nullopt;
    default:
      ++stats_.other_failures;
      return std::nullopt;
  }
}

std::optional<size_t> SrtpSession::ProtectRtp(absl::Span<uint8_t> buffer, size_t size) {
  return Protect(false, buffer, size);
}
std::optional<size_t> SrtpSession::UnprotectRtp(absl::Span<uint8_t> packet) {
  return Unprotect(false, packet);
}
std::optional<size_t> SrtpSession::ProtectRtcp(absl::Span<uint8_t> buffer, size_t size) {
  return Protect(true, buffer, size);
}
std::optional<size_t> SrtpSession::UnprotectRtcp(absl::Span<uint8_t> packet) {
  return Unprotect(true, packet);
}

}  // namespace konfero::dtls
