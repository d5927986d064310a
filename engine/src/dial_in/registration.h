// dial_in/registration.h: konfero's registration to a SIP provider account
// (RFC 3261 section 10), so calls to the provider's number reach the
// dial-in: REGISTER with digest credentials, refresh at half the granted
// expiry, back-off after failures, a keep-alive for UDP NAT bindings and the
// unregister at shutdown. Sans-I/O: it returns the requests to send; the
// owner (DialInCore) runs them as client transactions and reports back.
//
//   auto config = MakeRegistrationConfig(options.registrations[0], "192.0.2.7:5060",
//                                        sip::Transport::kUdp);
//   Registration reg(*config);
//   // whenever now_us >= reg.NextDeadline():
//   for (sip::SipMessage& r : reg.OnTimer(now_us))
//     layer.SendRequest(r, reg.config().registrar, now_us);   // remember handle -> reg
//   // Owner::OnResponse(tx, response) for one of reg's handles (final ones):
//   for (sip::SipMessage& r : reg.OnResponse(response, now_us)) ...send as above
//   // Owner::OnTransactionTimeout(tx) for one of reg's handles, or SendRequest failed:
//   for (sip::SipMessage& r : reg.OnTimeout(now_us)) ...send as above
//   // shutdown:
//   for (sip::SipMessage& r : reg.Unregister(now_us)) ...send as above
//
// Behaviour:
// - At most one request is outstanding at a time (a REGISTER or the OPTIONS
//   keep-alive); a refresh or keep-alive that falls due meanwhile waits for
//   it. So OnTimeout needs no handle: it is the outstanding request's. The
//   one exception is Unregister, which replaces whatever is outstanding.
//   Responses are matched to the outstanding request by top Via branch
//   (stale ones are ignored); provisional responses are ignored.
// - Every REGISTER: the same Call-ID and From tag for the registration's
//   life, CSeq + 1, From/To = the AOR, Contact <sip:user@contact;transport=x>
//   with ;expires=N and Expires: N, a fresh z9hG4bK branch with rport.
//   Call-ID, tag, branch and jitter come from RAND_bytes.
// - 401/407: the strongest Digest challenge is answered (Authorization /
//   Proxy-Authorization, method REGISTER, uri = the Request-URI) and kept, so
//   later REGISTERs carry credentials preemptively (nc counting up). A
//   challenge to a request that itself answered a challenge means wrong
//   credentials unless it says stale=true: kFailed, no loop. More than
//   kMaxChallengesPerAttempt challenges in one attempt: kFailed.
// - 200: registered; the granted expiry is our Contact's ;expires= in the
//   response, else its Expires header, else what we asked; the refresh goes
//   out at half of it.
// - 423 Interval Too Brief: asks again at once with its Min-Expires (kept
//   for later REGISTERs); a 423 without a larger Min-Expires is a failure.
// - Any other final response (3xx-6xx), a timeout, or an undecodable
//   challenge: kFailed, retried after 30 s, 60 s, 120 s, ... capped at
//   30 min (a larger Retry-After wins, to the cap), plus up to 10% jitter.
// - Keep-alive (UDP only): an OPTIONS to the registrar 30 s after each
//   success while registered; any final response is fine, a timeout
//   re-registers at once. It has a Call-ID of its own (Owns matches both).
// - If the owner never reports on an outstanding request, it counts as
//   timed out kOutstandingGuardUs after it went out.
//
// No password, HA1 or Authorization value ever appears in last_error().
//
// Thread contract: one thread (the dial-in control thread); not thread-safe.
#ifndef KONFERO_DIAL_IN_REGISTRATION_H_
#define KONFERO_DIAL_IN_REGISTRATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "konfero/dial_in.h"
#include "sip/digest.h"
#include "sip/headers.h"
#include "sip/message.h"
#include "sip/transaction_types.h"

namespace konfero::dial_in {

struct RegistrationConfig {
  sip::SipUri aor;               // sip:alice@192.0.2.1:5060 (From, To)
  sip::Destination registrar;    // where REGISTER goes (the AOR's host and port)
  std::string username;          // digest user
  std::string password;
  int expires_s = 600;           // asked for
  std::string contact_host_port; // "127.0.0.1:5060": our Via sent-by and Contact
  sip::Transport transport = sip::Transport::kUdp;
};

// From the public options. InvalidArgument (naming the field; never the
// password) for a registrar that is not a sip:/sips: URI with a user, a host
// that is not an IP literal (konfero resolves no names here), sips: without
// TLS, an expiry under 1 s, or an empty/ill-formed contact_host_port.
// Username defaults to the AOR's user; port to 5060 (5061 for TLS).
absl::StatusOr<RegistrationConfig> MakeRegistrationConfig(const SipRegistration& registration,
                                                          std::string_view contact_host_port,
                                                          sip::Transport transport);

class Registration {
 public:
  enum class State {
    kUnregistered,  // not started, or unregistered
    kRegistering,   // a REGISTER is out and no binding is known
    kRegistered,    // a binding is live (also while it is being refreshed)
    kFailed,        // the last attempt failed; waiting to retry
  };

  static constexpr int64_t kKeepAliveIntervalUs = 30'000'000;
  static constexpr int64_t kFirstRetryUs = 30'000'000;
  static constexpr int64_t kMaxRetryUs = 1'800'000'000;
  static constexpr int64_t kOutstandingGuardUs = 40'000'000;  // > timer F (64 T1 = 32 s)
  static constexpr int kMaxChallengesPerAttempt = 3;

  explicit Registration(RegistrationConfig config);

  // Requests to send now: the first REGISTER at the first call, refreshes,
  // retries, keep-alives. Empty when nothing is due.
  std::vector<sip::SipMessage> OnTimer(int64_t now_us);
  // When OnTimer next has work: 0 before the first call, kNever when it
  // waits for a response or after Unregister.
  int64_t NextDeadline() const;

  // A final response to our outstanding request (see Owns). Returns the
  // requests to send now (the authenticated REGISTER, the 423 retry, ...).
  std::vector<sip::SipMessage> OnResponse(const sip::SipMessage& response, int64_t now_us);
  // The outstanding request got no final response (transaction timeout), or
  // could not be sent at all. Returns requests to send now.
  std::vector<sip::SipMessage> OnTimeout(int64_t now_us);

  // REGISTER with Expires: 0 (credentials if a challenge is known), unless
  // no REGISTER ever went out. State becomes kUnregistered; OnTimer sends
  // nothing more. A 401/407 to it is answered once through OnResponse.
  std::vector<sip::SipMessage> Unregister(int64_t now_us);

  State state() const { return state_; }
  // Consecutive failed attempts (0 after a success).
  int failures() const { return failures_; }
  // Why the last attempt failed (OK when none did); never holds a secret.
  const absl::Status& last_error() const { return last_error_; }
  // The expiry the registrar granted last (0 before).
  int granted_expires_s() const { return granted_expires_s_; }
  // Whether a response belongs to this registration (its Call-IDs).
  bool Owns(const sip::SipMessage& response) const;

  const RegistrationConfig& config() const { return config_; }
  // "sip:alice@127.0.0.1:5060;transport=udp": where the provider sends calls.
  const std::string& contact_uri() const { return contact_uri_; }
  // "sip:192.0.2.1:5060": the REGISTER Request-URI and digest uri.
  const std::string& request_uri() const { return request_uri_; }

 private:
  enum class Kind { kRegister, kOptions };
  struct Outstanding {
    Kind kind = Kind::kRegister;
    std::string branch;
    int64_t sent_us = 0;
    bool answers_challenge = false;  // sent in answer to a 401/407
    bool unregister = false;
  };

  sip::SipMessage BuildRegister(int expires_s);
  sip::SipMessage BuildOptions();
  void AddCommon(sip::SipMessage& request, const std::string& branch) const;
  // Adds Authorization / Proxy-Authorization from the known challenges.
  absl::Status AddCredentials(sip::SipMessage& request);
  // A REGISTER (Expires 0 to unregister) with the kept credentials, recorded
  // as outstanding; the digest error if a kept challenge cannot be answered.
  absl::StatusOr<sip::SipMessage> MakeRegister(int64_t now_us, bool answers_challenge,
                                               bool unregister);
  // MakeRegister for a new attempt; drops kept challenges it cannot answer.
  sip::SipMessage SendRegister(int64_t now_us, bool unregister);
  std::vector<sip::SipMessage> OnRegisterResponse(const sip::SipMessage& response, int64_t now_us);
  std::vector<sip::SipMessage> OnChallenge(const sip::SipMessage& response,
                                           const Outstanding& sent, int64_t now_us);
  void OnRegistered(const sip::SipMessage& response, int64_t now_us);
  void Fail(absl::Status why, int64_t now_us, int64_t at_least_us = 0);
  // The expiry the 200 granted our contact.
  int GrantedExpires(const sip::SipMessage& response) const;

  const RegistrationConfig config_;
  const std::string request_uri_;
  const std::string contact_uri_;
  const std::string call_id_;
  const std::string options_call_id_;
  const std::string from_tag_;

  State state_ = State::kUnregistered;
  bool started_ = false;
  bool unregistered_ = false;
  int expires_s_;  // asked for (raised by 423)
  uint32_t cseq_ = 0;
  uint32_t options_cseq_ = 0;
  int failures_ = 0;
  int challenges_this_attempt_ = 0;
  int granted_expires_s_ = 0;
  absl::Status last_error_;
  std::optional<Outstanding> outstanding_;
  int64_t refresh_at_us_ = sip::kNever;
  int64_t keepalive_at_us_ = sip::kNever;
  int64_t retry_at_us_ = sip::kNever;

  std::optional<sip::DigestChallenge> www_challenge_;
  std::optional<sip::DigestChallenge> proxy_challenge_;
  sip::DigestClientState digest_state_;
};

}  // namespace konfero::dial_in

#endif  // KONFERO_DIAL_IN_REGISTRATION_H_
