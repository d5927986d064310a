// dial_in/registration.cc: the REGISTER client of registration.h.
#include "dial_in/registration.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/absl_compat.h"

namespace konfero::dial_in {
namespace {

constexpr std::string_view kAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE";
constexpr int kMaxExpiresS = 86'400;
constexpr std::string_view kUserAgent = "konfero";

void RandomBytes(void* out, size_t n) {
  if (RAND_bytes(static_cast<unsigned char*>(out), static_cast<int>(n)) != 1) std::abort();
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  RandomBytes(raw.data(), raw.size());
  return absl::BytesToHexString(raw);
}

std::string NewBranch() { return absl::StrCat(Sv(sip::kBranchMagicCookie), RandomHex(12)); }

std::string_view StripBrackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

std::optional<int64_t> ParseSeconds(std::string_view text) {
  text = Sv(absl::StripAsciiWhitespace(Sv(text)));
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

bool SameBinding(const sip::SipUri& a, const sip::SipUri& b) {
  return a.scheme == b.scheme && a.user == b.user && absl::EqualsIgnoreCase(a.host, b.host) &&
         a.port.value_or(5060) == b.port.value_or(5060);
}

std::string ResponseText(const sip::SipMessage& response) {
  return absl::StrCat(response.status(), " ", response.reason());
}

}  // namespace

absl::StatusOr<RegistrationConfig> MakeRegistrationConfig(const SipRegistration& registration,
                                                          std::string_view contact_host_port,
                                                          sip::Transport transport) {
  absl::StatusOr<sip::SipUri> aor = sip::ParseUri(registration.registrar);
  if (!aor.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("registration registrar \"",
                                                   registration.registrar, "\": ",
                                                   aor.status().message()));
  }
  if (aor->scheme != "sip" && aor->scheme != "sips") {
    return absl::InvalidArgumentError(absl::StrCat(
        "registration registrar \"", registration.registrar, "\": not a sip: or sips: URI"));
  }
  if (aor->scheme == "sips" && transport != sip::Transport::kTls) {
    return absl::InvalidArgumentError(absl::StrCat(
        "registration registrar \"", registration.registrar, "\": sips: needs TLS"));
  }
  if (aor->user.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "registration registrar \"", registration.registrar,
        "\": no user (the AOR must be user@host, e.g. sip:alice@192.0.2.1:5060)"));
  }
  const uint16_t default_port = transport == sip::Transport::kTls ? 5061 : 5060;
  std::optional<net::IpEndpoint> endpoint =
      net::IpEndpoint::Parse(StripBrackets(aor->host), aor->port.value_or(default_port));
  if (!endpoint) {
    return absl::InvalidArgumentError(absl::StrCat(
        "registration registrar \"", registration.registrar, "\": host \"", aor->host,
        "\" is not an IP address (no DNS resolution here: give the registrar's IP)"));
  }
  const int64_t expires_s = absl::ToInt64Seconds(registration.expires);
  if (expires_s < 1 || expires_s > kMaxExpiresS) {
    return absl::InvalidArgumentError(absl::StrCat(
        "registration ", registration.registrar, ": expires must be 1 s to 1 day, not ",
        absl::FormatDuration(registration.expires)));
  }
  if (contact_host_port.empty() ||
      contact_host_port.find_first_of(" \t\r\n;<>@\"") != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("registration contact address \"",
                                                   Sv(contact_host_port), "\" is not host:port"));
  }
  std::string username = registration.username.empty() ? aor->user : registration.username;
  if (username.find_first_of("\r\n\"\\") != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "registration ", registration.registrar, ": username holds a quote, CR or LF"));
  }
  aor->params.clear();
  aor->headers.clear();
  return RegistrationConfig{
      .aor = *std::move(aor),
      .registrar = {.transport = transport, .endpoint = *endpoint, .connection_id = 0},
      .username = std::move(username),
      .password = registration.password,
      .expires_s = static_cast<int>(expires_s),
      .contact_host_port = std::string(contact_host_port),
      .transport = transport,
  };
}

Registration::Registration(RegistrationConfig config)
    : config_(std::move(config)),
      request_uri_([this] {
        sip::SipUri uri;
        uri.scheme = config_.aor.scheme;
        uri.host = config_.aor.host;
        uri.port = config_.aor.port;
        return uri.ToString();
      }()),
      contact_uri_(absl::StrCat(config_.aor.scheme, ":", config_.aor.user, "@",
                                config_.contact_host_port, ";transport=",
                                absl::AsciiStrToLower(Sv(sip::TransportName(config_.transport))))),
      call_id_(RandomHex(16)),
      options_call_id_(RandomHex(16)),
      from_tag_(RandomHex(8)),
      expires_s_(config_.expires_s) {}

bool Registration::Owns(const sip::SipMessage& response) const {
  std::optional<std::string_view> call_id = response.Get("Call-ID");
  return call_id && (*call_id == call_id_ || *call_id == options_call_id_);
}

int64_t Registration::NextDeadline() const {
  if (unregistered_) return sip::kNever;
  if (!started_) return 0;
  if (outstanding_) return outstanding_->sent_us + kOutstandingGuardUs;
  return std::min({refresh_at_us_, keepalive_at_us_, retry_at_us_});
}

std::vector<sip::SipMessage> Registration::OnTimer(int64_t now_us) {
  if (unregistered_) return {};
  if (!started_) {
    started_ = true;
    return {SendRegister(now_us, false)};
  }
  if (outstanding_) {
    if (now_us >= outstanding_->sent_us + kOutstandingGuardUs) return OnTimeout(now_us);
    return {};
  }
  if (now_us >= retry_at_us_ || now_us >= refresh_at_us_) {
    return {SendRegister(now_us, false)};
  }
  if (now_us >= keepalive_at_us_) {
    keepalive_at_us_ = sip::kNever;
    sip::SipMessage options = BuildOptions();
    outstanding_ = Outstanding{.kind = Kind::kOptions,
                               .branch = sip::ParseVia(*options.Get("Via"))->branch(),
                               .sent_us = now_us,
                               .answers_challenge = false,
                               .unregister = false};
    return {std::move(options)};
  }
  return {};
}

std::vector<sip::SipMessage> Registration::Unregister(int64_t now_us) {
  if (unregistered_) return {};
  unregistered_ = true;
  state_ = State::kUnregistered;
  refresh_at_us_ = keepalive_at_us_ = retry_at_us_ = sip::kNever;
  if (cseq_ == 0) {
    outstanding_.reset();
    return {};
  }
  return {SendRegister(now_us, true)};
}

absl::StatusOr<sip::SipMessage> Registration::MakeRegister(int64_t now_us,
                                                           bool answers_challenge,
                                                           bool unregister) {
  sip::SipMessage request = BuildRegister(unregister ? 0 : expires_s_);
  if (absl::Status s = AddCredentials(request); !s.ok()) return s;
  if (!answers_challenge) challenges_this_attempt_ = 0;
  refresh_at_us_ = keepalive_at_us_ = retry_at_us_ = sip::kNever;
  if (!unregister && state_ != State::kRegistered) state_ = State::kRegistering;
  outstanding_ = Outstanding{.kind = Kind::kRegister,
                             .branch = sip::ParseVia(*request.Get("Via"))->branch(),
                             .sent_us = now_us,
                             .answers_challenge = answers_challenge,
                             .unregister = unregister};
  return request;
}

sip::SipMessage Registration::SendRegister(int64_t now_us, bool unregister) {
  absl::StatusOr<sip::SipMessage> request = MakeRegister(now_us, false, unregister);
  if (!request.ok()) {
    // A kept challenge we can no longer answer: go without credentials and
    // let the registrar challenge afresh.
    www_challenge_.reset();
    proxy_challenge_.reset();
    --cseq_;
    request = MakeRegister(now_us, false, unregister);
  }
  return *std::move(request);
}

void Registration::AddCommon(sip::SipMessage& request, const std::string& branch) const {
  request.Add("Via", absl::StrCat("SIP/2.0/", Sv(sip::TransportName(config_.transport)), " ",
                                  config_.contact_host_port, ";rport;branch=", branch));
  request.Add("Max-Forwards", "70");
}

sip::SipMessage Registration::BuildRegister(int expires_s) {
  sip::SipMessage request = sip::SipMessage::Request("REGISTER", request_uri_);
  AddCommon(request, NewBranch());
  const std::string aor = config_.aor.ToString();
  request.Add("From", absl::StrCat("<", aor, ">;tag=", from_tag_));
  request.Add("To", absl::StrCat("<", aor, ">"));
  request.Add("Call-ID", call_id_);
  request.Add("CSeq", absl::StrCat(++cseq_, " REGISTER"));
  request.Add("Contact", absl::StrCat("<", contact_uri_, ">;expires=", expires_s));
  request.Add("Expires", absl::StrCat(expires_s));
  request.Add("Allow", kAllow);
  request.Add("User-Agent", kUserAgent);
  return request;
}

sip::SipMessage Registration::BuildOptions() {
  sip::SipMessage request = sip::SipMessage::Request("OPTIONS", request_uri_);
  AddCommon(request, NewBranch());
  request.Add("From", absl::StrCat("<", config_.aor.ToString(), ">;tag=", from_tag_));
  request.Add("To", absl::StrCat("<", request_uri_, ">"));
  request.Add("Call-ID", options_call_id_);
  request.Add("CSeq", absl::StrCat(++options_cseq_, " OPTIONS"));
  request.Add("Allow", kAllow);
  request.Add("User-Agent", kUserAgent);
  return request;
}

absl::Status Registration::AddCredentials(sip::SipMessage& request) {
  const sip::DigestCredentials credentials{
      .username = config_.username, .password = config_.password, .realm = ""};
  for (auto [challenge, header] :
       {std::pair{&www_challenge_, "Authorization"},
        std::pair{&proxy_challenge_, "Proxy-Authorization"}}) {
    if (!challenge->has_value()) continue;
    absl::StatusOr<std::string> value = sip::AnswerChallenge(
        **challenge, credentials, "REGISTER", request_uri_, request.body, digest_state_);
    if (!value.ok()) return value.status();
    request.Set(header, *value);
  }
  return absl::OkStatus();
}

std::vector<sip::SipMessage> Registration::OnResponse(const sip::SipMessage& response,
                                                      int64_t now_us) {
  if (response.is_request() || response.status() < 200 || !outstanding_) return {};
  std::vector<std::string_view> vias = response.GetAll("Via");
  if (vias.empty()) return {};
  absl::StatusOr<sip::Via> via = sip::ParseVia(vias.front());
  if (!via.ok() || via->branch() != outstanding_->branch) return {};
  const Outstanding sent = *std::move(outstanding_);
  outstanding_.reset();
  if (sent.kind == Kind::kOptions) {
    // Any final answer shows the path (and the NAT binding) is alive.
    if (state_ == State::kRegistered && config_.transport == sip::Transport::kUdp) {
      keepalive_at_us_ = now_us + kKeepAliveIntervalUs;
    }
    return {};
  }
  if (response.status() == 401 || response.status() == 407) {
    return OnChallenge(response, sent, now_us);
  }
  if (sent.unregister) return {};
  return OnRegisterResponse(response, now_us);
}

std::vector<sip::SipMessage> Registration::OnRegisterResponse(const sip::SipMessage& response,
                                                              int64_t now_us) {
  const int status = response.status();
  if (status >= 200 && status < 300) {
    OnRegistered(response, now_us);
    return {};
  }
  if (status == 423) {
    std::optional<std::string_view> min = response.Get("Min-Expires");
    std::optional<int64_t> min_s = min ? ParseSeconds(*min) : std::nullopt;
    if (!min_s || *min_s <= expires_s_ || *min_s > kMaxExpiresS) {
      Fail(absl::FailedPreconditionError(absl::StrCat(
               "REGISTER ", config_.aor.ToString(), ": 423 without a usable Min-Expires (",
               min ? Sv(*min) : Sv(std::string_view("none")), ")")),
           now_us);
      return {};
    }
    expires_s_ = static_cast<int>(*min_s);
    return {SendRegister(now_us, false)};
  }
  int64_t retry_after_us = 0;
  if (std::optional<std::string_view> retry_after = response.Get("Retry-After")) {
    std::string_view value = *retry_after;
    value = value.substr(0, value.find_first_of(";("));
    if (std::optional<int64_t> s = ParseSeconds(value)) {
      retry_after_us = std::min(*s, kMaxRetryUs / 1'000'000) * 1'000'000;
    }
  }
  Fail(absl::UnavailableError(absl::StrCat("REGISTER ", config_.aor.ToString(), " rejected: ",
                                           ResponseText(response))),
       now_us, retry_after_us);
  return {};
}

std::vector<sip::SipMessage> Registration::OnChallenge(const sip::SipMessage& response,
                                                       const Outstanding& sent, int64_t now_us) {
  const bool proxy = response.status() == 407;
  const std::string_view header = proxy ? "Proxy-Authenticate" : "WWW-Authenticate";
  const std::string aor = config_.aor.ToString();
  // The unregister is answered once and otherwise given up quietly.
  auto fail = [&](absl::Status why) {
    if (!sent.unregister) Fail(std::move(why), now_us);
    return std::vector<sip::SipMessage>{};
  };
  absl::StatusOr<sip::DigestChallenge> challenge =
      sip::ChooseChallenge(response.GetAll(header));
  if (!challenge.ok()) {
    return fail(absl::UnauthenticatedError(absl::StrCat("REGISTER ", aor, ": ",
                                                        ResponseText(response),
                                                        " with no usable challenge: ",
                                                        challenge.status().message())));
  }
  if (sent.answers_challenge && !challenge->stale) {
    return fail(absl::UnauthenticatedError(absl::StrCat(
        "REGISTER ", aor, ": ", ResponseText(response), " again for user \"", config_.username,
        "\" in realm \"", challenge->realm, "\": wrong username or password")));
  }
  if (++challenges_this_attempt_ > kMaxChallengesPerAttempt) {
    return fail(absl::UnauthenticatedError(absl::StrCat(
        "REGISTER ", aor, ": challenged ", kMaxChallengesPerAttempt,
        " times in a row (stale nonces)")));
  }
  (proxy ? proxy_challenge_ : www_challenge_) = *std::move(challenge);
  absl::StatusOr<sip::SipMessage> request = MakeRegister(now_us, true, sent.unregister);
  if (!request.ok()) {
    www_challenge_.reset();
    proxy_challenge_.reset();
    return fail(absl::UnauthenticatedError(absl::StrCat(
        "REGISTER ", aor, ": cannot answer the challenge: ", request.status().message())));
  }
  return {*std::move(request)};
}

int Registration::GrantedExpires(const sip::SipMessage& response) const {
  absl::StatusOr<sip::SipUri> ours = sip::ParseUri(contact_uri_);
  for (std::string_view value : response.GetAll("Contact")) {
    absl::StatusOr<sip::NameAddr> contact = sip::ParseNameAddr(value);
    if (!contact.ok() || !ours.ok() || !SameBinding(contact->uri, *ours)) continue;
    if (std::optional<std::string_view> e = contact->Param("expires")) {
      if (std::optional<int64_t> s = ParseSeconds(*e)) {
        return static_cast<int>(std::min<int64_t>(*s, kMaxExpiresS));
      }
    }
  }
  if (std::optional<std::string_view> e = response.Get("Expires")) {
    if (std::optional<int64_t> s = ParseSeconds(*e)) {
      return static_cast<int>(std::min<int64_t>(*s, kMaxExpiresS));
    }
  }
  return expires_s_;
}

void Registration::OnRegistered(const sip::SipMessage& response, int64_t now_us) {
  const int granted = GrantedExpires(response);
  if (granted <= 0) {
    Fail(absl::FailedPreconditionError(absl::StrCat("REGISTER ", config_.aor.ToString(),
                                                    ": 200 OK but our contact was not kept")),
         now_us);
    return;
  }
  granted_expires_s_ = granted;
  state_ = State::kRegistered;
  failures_ = 0;
  last_error_ = absl::OkStatus();
  retry_at_us_ = sip::kNever;
  refresh_at_us_ = now_us + int64_t{granted} * 1'000'000 / 2;
  keepalive_at_us_ = config_.transport == sip::Transport::kUdp
                         ? now_us + kKeepAliveIntervalUs
                         : sip::kNever;
}

void Registration::Fail(absl::Status why, int64_t now_us, int64_t at_least_us) {
  outstanding_.reset();
  state_ = State::kFailed;
  last_error_ = std::move(why);
  ++failures_;
  int64_t delay = kFirstRetryUs;
  for (int i = 1; i < failures_ && delay < kMaxRetryUs; ++i) delay *= 2;
  delay = std::clamp(std::max(delay, at_least_us), int64_t{0}, kMaxRetryUs);
  uint32_t random = 0;
  RandomBytes(&random, sizeof(random));
  const int64_t jitter = static_cast<int64_t>(
      static_cast<double>(delay) / 10.0 * (static_cast<double>(random) / 4294967296.0));
  refresh_at_us_ = keepalive_at_us_ = sip::kNever;
  retry_at_us_ = now_us + delay + jitter;
}

std::vector<sip::SipMessage> Registration::OnTimeout(int64_t now_us) {
  if (!outstanding_) return {};
  const Outstanding sent = *std::move(outstanding_);
  outstanding_.reset();
  if (sent.unregister) return {};
  if (sent.kind == Kind::kOptions) {
    // The NAT binding or the registrar is gone: register again at once.
    if (state_ != State::kRegistered) return {};
    state_ = State::kRegistering;
    return {SendRegister(now_us, false)};
  }
  Fail(absl::DeadlineExceededError(
           absl::StrCat("REGISTER ", config_.aor.ToString(), ": no answer from ",
                        config_.registrar.ToString())),
       now_us);
  return {};
}

}  // namespace konfero::dial_in
