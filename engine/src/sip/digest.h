// sip/digest.h: SIP digest authentication (RFC 3261 section 22, RFC 2617,
// RFC 7616), sans-I/O, on header VALUE strings.
//
// Parsing and formatting of challenges (WWW-Authenticate / Proxy-Authenticate)
// and credentials (Authorization / Proxy-Authorization); the client side that
// answers a 401/407; and DigestServer, which challenges requests with
// stateless nonces and verifies the answers. Algorithms MD5, MD5-sess,
// SHA-256, SHA-256-sess; qop auth, auth-int (the body is hashed), and no qop
// (RFC 2069, for old peers).
//
//   // Client: a 401 arrived for our REGISTER.
//   auto challenge = ChooseChallenge(response.GetAll("WWW-Authenticate"));
//   if (!challenge.ok()) return challenge.status();
//   auto value = AnswerChallenge(*challenge, {"alice", "alicepw", ""},
//                                "REGISTER", "sip:example.com", "", state);
//   if (value.ok()) request.Set("Authorization", *value);
//
//   // Server: challenge an INVITE, then verify the retried one.
//   DigestServer server;
//   auto c = server.MakeChallenge("trunk.example", DigestAlgorithm::kSha256,
//                                 /*stale=*/false, now);   // -> 407 header
//   DigestVerification v = server.Verify("trunk.example", *invite.Get(
//       "Proxy-Authorization"), "INVITE", invite.body, now, lookup);
//
// Passwords and HA1 values never appear in a Status message or a
// verification detail. Nothing here reads a clock: `now` is passed in.
//
// Thread contract: the free functions are thread-safe. A DigestClientState
// and a DigestServer are used by one thread at a time (DigestServer::Verify
// updates the replay table; MakeChallenge is const and thread-safe).
#ifndef KONFERO_SIP_DIGEST_H_
#define KONFERO_SIP_DIGEST_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace konfero::sip {

enum class DigestAlgorithm { kMd5, kMd5Sess, kSha256, kSha256Sess };

// "MD5", "MD5-sess", "SHA-256", "SHA-256-sess".
std::string_view DigestAlgorithmName(DigestAlgorithm algorithm);
// Case-insensitive; nullopt for an algorithm konfero does not implement
// (e.g. SHA-512-256).
std::optional<DigestAlgorithm> ParseDigestAlgorithm(std::string_view name);

enum class DigestQop { kNone, kAuth, kAuthInt };

// Bounds on what the parsers accept; header values beyond them are refused
// (InvalidArgument) before any work proportional to them.
struct DigestParseLimits {
  size_t max_value_bytes = 4096;  // the whole header value
  size_t max_param_bytes = 1024;  // one parameter's value
  size_t max_params = 32;
};

// A parsed challenge. Unknown parameters (domain, charset, ...) are ignored.
struct DigestChallenge {
  std::string realm;
  std::string nonce;
  std::optional<std::string> opaque;
  DigestAlgorithm algorithm = DigestAlgorithm::kMd5;
  bool algorithm_present = false;  // algorithm= was written (echoed back)
  bool qop_auth = false;           // qop="auth" offered
  bool qop_auth_int = false;       // qop="auth-int" offered
  bool stale = false;
  bool userhash = false;
  bool operator==(const DigestChallenge&) const = default;
};

// `value` is a WWW-Authenticate / Proxy-Authenticate value: `Digest realm=
// "...", nonce="...", ...`. InvalidArgument for bad syntax, a duplicated
// parameter, a missing realm or nonce, a qop list with no known option, or a
// value past `limits`; Unimplemented for a well-formed challenge of another
// scheme (Basic) or algorithm (SHA-512-256).
absl::StatusOr<DigestChallenge> ParseDigestChallenge(
    std::string_view value, const DigestParseLimits& limits = {});
// The value for a WWW-Authenticate / Proxy-Authenticate header. InvalidArgument
// if a string holds CR, LF or NUL.
absl::StatusOr<std::string> FormatDigestChallenge(const DigestChallenge& challenge);

// Parsed credentials (the Authorization / Proxy-Authorization value).
struct DigestAuthorization {
  std::string username;  // H(username:realm) in hex when userhash
  std::string realm;
  std::string nonce;
  std::string uri;
  std::string response;  // lowercase hex, length of the algorithm's hash
  std::optional<std::string> opaque;
  DigestAlgorithm algorithm = DigestAlgorithm::kMd5;
  bool algorithm_present = false;
  DigestQop qop = DigestQop::kNone;
  std::string cnonce;  // with qop only
  uint32_t nc = 0;     // with qop only
  bool userhash = false;
  bool operator==(const DigestAuthorization&) const = default;
};

// InvalidArgument for bad syntax, a duplicated or missing parameter
// (username, realm, nonce, uri, response; cnonce and nc with qop; none of them
// without), an nc that is not 8 hex digits, a response that is not hex of the
// algorithm's length, or a value past `limits`; Unimplemented for another
// scheme or algorithm.
absl::StatusOr<DigestAuthorization> ParseDigestAuthorization(
    std::string_view value, const DigestParseLimits& limits = {});
absl::StatusOr<std::string> FormatDigestAuthorization(
    const DigestAuthorization& authorization);

// ---------------------------------------------------------------- client --

struct DigestCredentials {
  std::string username;
  std::string password;
  std::string realm;  // empty: answer any realm
};

// Of several challenges (one header value each; values that are not Digest or
// use an unknown algorithm are skipped), the strongest: SHA-256 before MD5,
// plain before -sess, and with `realm` set only that realm. InvalidArgument
// (naming the reasons) if none is usable.
absl::StatusOr<DigestChallenge> ChooseChallenge(
    absl::Span<const std::string_view> header_values, std::string_view realm = {});

// Remembers the nonce count per nonce so repeated requests under one nonce
// send nc=1, 2, 3, ... Keeps the few most recent nonces (a 401 and a 407 may
// be live at once).
class DigestClientState {
 public:
  static constexpr size_t kMaxNonces = 8;
  // The next nc for `nonce` (1 for a nonce not seen before).
  uint32_t NextNonceCount(std::string_view nonce);

 private:
  struct Entry {
    std::string nonce;
    uint32_t nc = 0;
  };
  std::deque<Entry> entries_;  // most recent last
};

// The deterministic core of AnswerChallenge: the Authorization value for a
// given cnonce and nc. qop: auth if offered, else auth-int if offered (the
// body is hashed), else none (RFC 2069). FailedPrecondition if
// `credentials.realm` is set and differs from the challenge's;
// InvalidArgument for a -sess algorithm without qop (it needs a cnonce) or a
// string with CR, LF or NUL.
absl::StatusOr<std::string> BuildDigestAuthorization(
    const DigestChallenge& challenge, const DigestCredentials& credentials,
    std::string_view method, std::string_view digest_uri, std::string_view body,
    std::string_view cnonce, uint32_t nc);

// The Authorization / Proxy-Authorization value answering `challenge` for a
// request `method` to `digest_uri` (the Request-URI) with `body`: a fresh
// cnonce (16 bytes from RAND_bytes, hex) and the next nc from `state`.
// Errors as BuildDigestAuthorization.
absl::StatusOr<std::string> AnswerChallenge(
    const DigestChallenge& challenge, const DigestCredentials& credentials,
    std::string_view method, std::string_view digest_uri, std::string_view body,
    DigestClientState& state);

// ---------------------------------------------------------------- server --

// What the lookup returns for a user: the password, or HA1 = H(username:
// realm:password) in hex for the algorithm asked (MD5 and SHA-256 HA1s
// differ, so a store of HA1s keeps one per algorithm).
struct DigestUserSecret {
  static DigestUserSecret Password(std::string password) {
    return {std::move(password), false};
  }
  static DigestUserSecret Ha1(std::string ha1_hex) { return {std::move(ha1_hex), true}; }
  std::string value;
  bool is_ha1 = false;
};

// username, realm, base algorithm (kMd5 or kSha256) -> secret; nullopt for an
// unknown user.
using DigestLookup = absl::FunctionRef<std::optional<DigestUserSecret>(
    std::string_view username, std::string_view realm, DigestAlgorithm algorithm)>;

enum class DigestVerdict {
  kOk,
  kStaleNonce,        // right credentials on an expired nonce: re-challenge with stale=TRUE
  kWrongCredentials,  // unknown user or wrong password: re-challenge (or 403)
  kReplayed,          // this nonce and nc were already accepted: re-challenge
  kMalformed,         // bad syntax, wrong realm, a nonce we did not issue: 400 or re-challenge
};

struct DigestVerification {
  DigestVerdict verdict = DigestVerdict::kMalformed;
  std::string username;  // as sent (empty if unparsable)
  std::string uri;       // the digest uri, for the caller to compare with its Request-URI
  std::string detail;    // why, for logs; never holds a secret
  bool ok() const { return verdict == DigestVerdict::kOk; }
};

struct DigestServerOptions {
  absl::Duration nonce_lifetime = absl::Minutes(5);
  // How many accepted (nonce, nc) pairs are remembered for replay detection;
  // the oldest are forgotten first. At 5 min nonces this covers ~27 requests/s.
  size_t replay_table_size = 8192;
  // Accept answers without qop (RFC 2069 peers). The challenge always offers
  // qop="auth"; without qop each nonce is accepted once.
  bool accept_no_qop = true;
};

// Issues stateless nonces: base64url(timestamp (8 bytes, unix us, big
// endian) | 8 random bytes | first 16 bytes of HMAC-SHA256(secret, timestamp |
// random | algorithm | realm)). A nonce is thus bound to its realm and
// algorithm (no downgrade to MD5 under a SHA-256 nonce) and needs no table
// until it is answered. Servers that share `secret` accept each other's
// nonces (not each other's replay tables).
class DigestServer {
 public:
  static constexpr size_t kSecretBytes = 32;
  // A secret from RAND_bytes.
  explicit DigestServer(DigestServerOptions options = {});
  // A given secret, for servers that must accept each other's nonces (and
  // tests). Its first kSecretBytes bytes are used; a shorter one is padded
  // with zeros, so pass kSecretBytes random bytes.
  DigestServer(absl::Span<const uint8_t> secret, DigestServerOptions options = {});

  // The WWW-Authenticate / Proxy-Authenticate value: Digest realm, nonce,
  // algorithm, qop="auth" and, if `stale`, stale=TRUE. InvalidArgument for a
  // realm with CR, LF or NUL.
  absl::StatusOr<std::string> MakeChallenge(std::string_view realm,
                                            DigestAlgorithm algorithm, bool stale,
                                            absl::Time now) const;

  // Checks an Authorization / Proxy-Authorization value for `method` with
  // `body` against our `realm`: syntax, realm, the nonce's HMAC and age, the
  // user (through `lookup`), the response (constant time) and replay. Only an
  // ok verdict records the (nonce, nc) pair. The caller compares the returned
  // uri with the Request-URI if it wants to. A UDP retransmission must be
  // absorbed by the transaction layer before it gets here: a second Verify of
  // the same value is kReplayed.
  DigestVerification Verify(std::string_view realm, std::string_view authorization,
                            std::string_view method, std::string_view body,
                            absl::Time now, DigestLookup lookup);

  size_t replay_entries() const { return replay_order_.size(); }

 private:
  std::string NonceMac(absl::Span<const uint8_t> prefix, DigestAlgorithm algorithm,
                       std::string_view realm) const;

  DigestServerOptions options_;
  std::string secret_;
  std::unordered_set<std::string> replay_seen_;
  std::deque<std::string> replay_order_;
};

}  // namespace konfero::sip

#endif  // KONFERO_SIP_DIGEST_H_
