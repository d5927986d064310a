// ice_lite.cc: IceLiteAgent, the ICE-lite Binding responder with consent
// freshness, and ICE credential generation.
#include "stun/ice_lite.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "openssl/rand.h"
#include "stun/stun_message.h"

namespace konfero::stun {
namespace {

// ice-char = ALPHA / DIGIT / "+" / "/": exactly 64, so `byte & 63` is unbiased.
constexpr std::string_view kIceChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static_assert(kIceChars.size() == 64);

constexpr size_t kLocalUfragLength = 8;
constexpr size_t kLocalPwdLength = 24;

bool IsIceChar(char c) { return kIceChars.find(c) != std::string_view::npos; }

bool IsIceString(std::string_view s, size_t min_length, size_t max_length) {
  if (s.size() < min_length || s.size() > max_length) return false;
  for (char c : s) {
    if (!IsIceChar(c)) return false;
  }
  return true;
}

std::string RandomIceString(size_t length) {
  std::vector<uint8_t> bytes(length);
  // A guessable password would let anyone hijack the peer's media path;
  // stopping is better (as in crypto/crypto_random.cc).
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    std::fputs("konfero: OpenSSL RAND_bytes failed; aborting\n", stderr);
    std::abort();
  }
  std::string s;
  s.reserve(length);
  for (uint8_t b : bytes) s.push_back(kIceChars[b & 63]);
  return s;
}

// Attributes this agent understands in a Binding request; any other
// comprehension-required attribute earns a 420.
bool IsKnownRequestAttribute(uint16_t type) {
  switch (type) {
    case attr::kUsername:
    case attr::kMessageIntegrity:
    case attr::kPriority:
    case attr::kUseCandidate:
    case attr::kMappedAddress:
    case attr::kXorMappedAddress:
    case attr::kErrorCode:
    case attr::kUnknownAttributes:
    case attr::kRealm:
    case attr::kNonce:
      return true;
    default:
      return !attr::IsComprehensionRequired(type);
  }
}

// A Binding error response. With `key`, it carries MESSAGE-INTEGRITY (the
// request authenticated); without, only FINGERPRINT.
std::optional<std::vector<uint8_t>> ErrorResponse(const StunMessage& request, int code,
                                                  std::string_view reason,
                                                  const std::string* key,
                                                  absl::Span<const uint16_t> unknown = {}) {
  StunMessage response(MessageType(request.method(), StunClass::kErrorResponse),
                       request.transaction_id());
  if (!response.AddErrorCode(code, reason)) return std::nullopt;
  if (!unknown.empty() && !response.AddUnknownAttributes(unknown)) return std::nullopt;
  if (key != nullptr) return response.SerializeWithIntegrity(*key);
  std::vector<uint8_t> bytes = response.Serialize();
  if (!AppendFingerprint(bytes)) return std::nullopt;
  return bytes;
}

}  // namespace

IceCredentials GenerateIceCredentials() {
  return {RandomIceString(kLocalUfragLength), RandomIceString(kLocalPwdLength)};
}

absl::Status ValidateIceCredentials(const IceCredentials& credentials) {
  if (!IsIceString(credentials.ufrag, 4, 256)) {
    return absl::InvalidArgumentError(
        "ICE ufrag must be 4 to 256 characters of A-Z a-z 0-9 + /");
  }
  if (!IsIceString(credentials.pwd, 22, 256)) {
    return absl::InvalidArgumentError(
        "ICE password must be 22 to 256 characters of A-Z a-z 0-9 + /");
  }
  return absl::OkStatus();
}

absl::StatusOr<IceLiteAgent> IceLiteAgent::Create(IceCredentials local,
                                                   IceCredentials remote, absl::Time now,
                                                   IceLiteOptions options) {
  if (absl::Status s = ValidateIceCredentials(local); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("local: ", s.message()));
  }
  if (absl::Status s = ValidateIceCredentials(remote); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("remote: ", s.message()));
  }
  if (options.disconnected_after <= absl::ZeroDuration() ||
      options.failed_after < options.disconnected_after) {
    return absl::InvalidArgumentError(
        "need 0 < disconnected_after <= failed_after");
  }
  return IceLiteAgent(std::move(local), std::move(remote), now, options);
}

IceLiteAgent::IceLiteAgent(IceCredentials local, IceCredentials remote, absl::Time now,
                           IceLiteOptions options)
    : local_(std::move(local)),
      remote_(std::move(remote)),
      expected_username_(local_.ufrag + ":" + remote_.ufrag),
      options_(options),
      created_(now) {}

std::optional<std::vector<uint8_t>> IceLiteAgent::HandleStunRequest(
    absl::Span<const uint8_t> bytes, const net::IpEndpoint& remote, absl::Time now) {
  if (state(now) == State::kFailed) failed_ = true;
  if (failed_) return std::nullopt;  // consent is gone; the peer is to be dropped
  if (!IsStun(bytes)) return std::nullopt;
  const std::optional<StunMessage> request = StunMessage::Parse(bytes);
  if (!request || request->message_class() != StunClass::kRequest) return std::nullopt;
  // ICE agents always send FINGERPRINT (RFC 8445 §7.2.2); without a valid
  // one the datagram may not be STUN at all, so it gets no answer.
  if (!VerifyFingerprint(bytes)) return std::nullopt;

  if (request->method() != kBindingMethod) {
    return ErrorResponse(*request, 400, "Bad Request", nullptr);
  }
  const std::optional<std::string_view> username = request->username();
  if (!username || !request->has_message_integrity()) {
    return ErrorResponse(*request, 400, "Bad Request", nullptr);
  }
  if (*username != expected_username_ || !VerifyMessageIntegrity(bytes, local_.pwd)) {
    return ErrorResponse(*request, 401, "Unauthorized", nullptr);
  }

  // Authenticated from here on: responses carry MESSAGE-INTEGRITY.
  std::vector<uint16_t> unknown;
  for (const StunAttribute& a : request->attributes()) {
    if (a.type == attr::kMessageIntegrity) break;  // later ones are ignored
    if (!IsKnownRequestAttribute(a.type)) unknown.push_back(a.type);
  }
  if (!unknown.empty()) {
    return ErrorResponse(*request, 420, "Unknown Attribute", &local_.pwd, unknown);
  }
  if (!request->ice_controlling()) {
    // A lite agent is always controlled (§6.1.1); a peer that claims to be
    // controlled as well must take the controlling role (§7.3.1.1).
    if (request->ice_controlled()) {
      return ErrorResponse(*request, 487, "Role Conflict", &local_.pwd);
    }
    return ErrorResponse(*request, 400, "Bad Request", &local_.pwd);
  }

  const net::IpEndpoint source = remote.Unmapped();
  StunMessage response(MessageType(kBindingMethod, StunClass::kSuccessResponse),
                       request->transaction_id());
  if (!response.AddXorMappedAddress(source)) return std::nullopt;
  std::optional<std::vector<uint8_t>> out = response.SerializeWithIntegrity(local_.pwd);
  if (!out) return std::nullopt;

  last_valid_ = now;
  if (request->use_candidate()) selected_ = source;
  return out;
}

IceLiteAgent::State IceLiteAgent::state(absl::Time now) const {
  if (failed_) return State::kFailed;
  const absl::Time reference = last_valid_ ? *last_valid_ : created_;
  if (now - reference >= options_.failed_after) return State::kFailed;
  if (!selected_) return State::kNew;
  if (now - reference >= options_.disconnected_after) return State::kDisconnected;
  return State::kConnected;
}

absl::Status IceLiteAgent::Restart(IceCredentials local, IceCredentials remote) {
  if (absl::Status s = ValidateIceCredentials(local); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("local: ", s.message()));
  }
  if (absl::Status s = ValidateIceCredentials(remote); !s.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("remote: ", s.message()));
  }
  local_ = std::move(local);
  remote_ = std::move(remote);
  expected_username_ = local_.ufrag + ":" + remote_.ufrag;
  return absl::OkStatus();
}

}  // namespace konfero::stun
