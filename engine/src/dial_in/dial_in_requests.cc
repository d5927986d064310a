// dial_in_requests.cc: what the dial-in answers to each SIP request, and
// how malformed messages are answered.
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "dial_in/dial_in_core.h"
#include "dial_in/info_dtmf.h"
#include "sip/headers.h"
#include "sip/parser.h"

namespace konfero::dial_in {
namespace {

constexpr std::string_view kAllow = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE";

bool HasSdp(const sip::SipMessage& m) {
  if (m.body.empty()) return false;
  std::optional<std::string_view> type = m.Get("Content-Type");
  return type && absl::StartsWithIgnoreCase(Sv(*type), "application/sdp");
}

}  // namespace

void DialInCore::Respond(sip::ServerTransactionHandle tx, const sip::SipMessage& request,
                         int status, std::string_view reason, std::string_view to_tag) {
  sip::SipMessage response = sip::MakeResponse(request, status, reason, to_tag);
  if (status == 405 || status == 200) AddCapabilities(response);
  (void)layer_->SendResponse(tx, response, now_us_);
}

void DialInCore::AddCapabilities(sip::SipMessage& message) const {
  message.Set("Allow", kAllow);
  message.Set("Supported", "timer");
  message.Set("Accept", "application/sdp, application/dtmf-relay, application/dtmf");
}

std::string DialInCore::UnsupportedRequires(const sip::SipMessage& request) const {
  std::string unsupported;
  for (std::string_view tag : request.GetAll("Require")) {
    if (absl::EqualsIgnoreCase(Sv(tag), "timer")) continue;
    if (!unsupported.empty()) unsupported += ", ";
    unsupported += tag;
  }
  return unsupported;
}

void DialInCore::OnDatagram(std::string_view bytes, const sip::Destination& from,
                            int64_t now_us) {
  now_us_ = now_us;
  absl::StatusOr<sip::SipMessage> message = sip::Parse(bytes);
  if (!message.ok()) {
    AnswerMalformed(bytes, Sv(message.status().message()), from);
    return;
  }
  if (message->is_request()) sip::StampTopVia(*message, from);
  absl::Status s = layer_->OnMessage(*message, from, now_us);
  if (absl::IsResourceExhausted(s) && message->is_request() && message->method() != "ACK") {
    sip::SipMessage busy = sip::MakeResponse(*message, 503, "Service Unavailable");
    busy.Set("Retry-After", "5");
    SendMessage(busy, sip::ResponseDestination(*message, from));
  } else if (!s.ok()) {
    ++stats_.malformed_messages;
  }
}

// RFC 3261 8.2: a request we cannot parse gets 400 if it has a Via (the
// response carries it back, with whatever From, To, Call-ID and CSeq can be
// read); else it is dropped, as are responses. The reason phrase names the
// fault. Nothing else happens: no transaction, no call.
void DialInCore::AnswerMalformed(std::string_view bytes, std::string_view why,
                                 const sip::Destination& from) {
  ++stats_.malformed_messages;
  if (bytes.starts_with("SIP/") || bytes.size() < 8) return;
  sip::SipMessage response = sip::SipMessage::Response(400, "Bad Request");
  bool via = false;
  size_t pos = bytes.find("\r\n");
  while (pos != std::string_view::npos && pos + 2 < bytes.size()) {
    const size_t start = pos + 2;
    const size_t end = bytes.find("\r\n", start);
    const std::string_view line = bytes.substr(start, end == std::string_view::npos ? 
                                                          bytes.size() - start : end - start);
    if (line.empty()) break;
    const size_t colon = line.find(':');
    if (colon != std::string_view::npos) {
      const std::string_view name = sip::CanonicalHeaderName(
          Sv(absl::StripAsciiWhitespace(Sv(line.substr(0, colon)))));
      const std::string_view value = Sv(absl::StripAsciiWhitespace(Sv(line.substr(colon + 1))));
      if (name == "Via" || name == "From" || name == "To" || name == "Call-ID" || name == "CSeq") {
        if (value.size() < 1024) response.Add(name, value);
        via = via || name == "Via";
      }
    }
    pos = end;
  }
  // The Via is what a client matches a response by (with the CSeq, when it
  // is readable); without one nobody could take the answer.
  if (!via) return;
  std::string reason = absl::StrCat("Bad Request (", Sv(why.substr(0, 80)), ")");
  for (char& c : reason) {
    if (c == '\r' || c == '\n' || static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  sip::SipMessage fixed = sip::SipMessage::Response(400, reason);
  for (const sip::Header& h : response.headers()) fixed.Add(h.name, h.value);
  // Back to the source (on its connection for TCP), never to a third party
  // a forged Via names.
  network_.Send(sip::Serialize(fixed), from);
}

bool DialInCore::Authenticated(sip::ServerTransactionHandle tx, const sip::SipMessage& invite,
                               const SipTrunk& trunk) {
  const absl::Time now = absl::FromUnixMicros(now_us_);  // nonce ages only
  bool stale = false;
  if (std::optional<std::string_view> credentials = invite.Get("Authorization")) {
    sip::DigestVerification v = digest_.Verify(
        trunk.realm, *credentials, "INVITE", invite.body, now,
        [&trunk](std::string_view username, std::string_view,
                 sip::DigestAlgorithm) -> std::optional<sip::DigestUserSecret> {
          if (username != trunk.username) return std::nullopt;
          return sip::DigestUserSecret::Password(trunk.password);
        });
    if (v.ok()) return true;
    stale = v.verdict == sip::DigestVerdict::kStaleNonce;
  }
  // Both algorithms, MD5 first: many phones, PBXs and sipp answer the first
  // challenge only and know no SHA-256; an RFC 7616 client picks SHA-256
  // from the two whatever the order.
  sip::SipMessage challenge = sip::MakeResponse(invite, 401, "Unauthorized", NewToken(8));
  for (sip::DigestAlgorithm algorithm : {sip::DigestAlgorithm::kMd5, sip::DigestAlgorithm::kSha256}) {
    if (absl::StatusOr<std::string> c = digest_.MakeChallenge(trunk.realm, algorithm, stale, now);
        c.ok()) {
      challenge.Add("WWW-Authenticate", *c);
    }
  }
  (void)layer_->SendResponse(tx, challenge, now_us_);
  return false;
}

void DialInCore::OnRequest(sip::ServerTransactionHandle tx, const sip::SipMessage& request,
                           const sip::Destination& from) {
  if (std::string unsupported = UnsupportedRequires(request); !unsupported.empty() &&
                                                               request.method() != "ACK") {
    sip::SipMessage response = sip::MakeResponse(request, 420, "Bad Extension");
    response.Set("Unsupported", unsupported);
    (void)layer_->SendResponse(tx, response, now_us_);
    return;
  }
  std::optional<std::string_view> to = request.Get("To");
  absl::StatusOr<sip::NameAddr> to_addr = to ? sip::ParseNameAddr(*to)
                                             : absl::InvalidArgumentError("no To");
  const bool in_dialog = to_addr.ok() && to_addr->Param("tag").has_value();
  if (in_dialog) {
    SipCall* call = FindByDialog(request);
    if (call == nullptr) {
      Respond(tx, request, 481, "Call/Transaction Does Not Exist");
      return;
    }
    OnInDialogRequest(*call, tx, request);
    return;
  }
  const std::string& method = request.method();
  if (method == "INVITE") {
    OnInvite(tx, request, from);
  } else if (method == "OPTIONS") {
    Respond(tx, request, 200, "OK", NewToken(8));
  } else if (method == "BYE" || method == "INFO" || method == "UPDATE" || method == "PRACK") {
    Respond(tx, request, 481, "Call/Transaction Does Not Exist");
  } else {
    Respond(tx, request, 405, "Method Not Allowed");
  }
}

void DialInCore::OnInDialogRequest(SipCall& call, sip::ServerTransactionHandle tx,
                                   const sip::SipMessage& request) {
  sip::Dialog::Check check = call.dialog->ValidateInDialogRequest(request);
  if (!check.ok()) {
    Respond(tx, request, check.status, check.reason);
    return;
  }
  const std::string& method = request.method();
  if (method == "BYE") {
    Respond(tx, request, 200, "OK");
    Release(call.id);
  } else if (method == "INVITE") {
    OnReInvite(call, tx, request);
  } else if (method == "UPDATE") {
    if (HasSdp(request)) {
      OnReInvite(call, tx, request);
      return;
    }
    sip::SipMessage ok = sip::MakeResponse(request, 200, "OK");
    const sip::SessionTimerAnswer timer =
        sip::NegotiateSessionTimerAsUas(request, session_timer_config_);
    if (timer.kind == sip::SessionTimerAnswer::Kind::kAccept) {
      timer.ApplyTo2xx(ok);
      call.session_timer.Start(timer, now_us_);
    }
    (void)layer_->SendResponse(tx, ok, now_us_);
  } else if (method == "INFO") {
    std::optional<char> digit = InfoDigit(request);
    Respond(tx, request, digit || request.body.empty() ? 200 : 415,
            digit || request.body.empty() ? "OK" : "Unsupported Media Type");
    if (digit && call.state == SipCall::State::kPin) {
      RunPinActions(call, call.pin.OnDigit(*digit, now_us_));
    }
  } else if (method == "OPTIONS") {
    Respond(tx, request, 200, "OK");
  } else {
    Respond(tx, request, 405, "Method Not Allowed");
  }
}

void DialInCore::OnReInvite(SipCall& call, sip::ServerTransactionHandle tx,
                            const sip::SipMessage& request) {
  const sip::SessionTimerAnswer timer =
      sip::NegotiateSessionTimerAsUas(request, session_timer_config_);
  if (timer.kind == sip::SessionTimerAnswer::Kind::kReject) {
    (void)layer_->SendResponse(
        tx, sip::MakeSessionTimerReject(request, timer, call.local_tag), now_us_);
    return;
  }
  std::string answer = call.last_answer_sdp;  // no SDP: our last one again
  if (HasSdp(request)) {
    absl::StatusOr<std::string> negotiated =
        call.participant ? engine_.ConnectRtp(*call.participant, request.body, {})
                         : engine_.UpdateCall(call.media, request.body);
    if (!negotiated.ok()) {
      Respond(tx, request, 488, "Not Acceptable Here");
      return;
    }
    answer = *std::move(negotiated);
    call.last_answer_sdp = answer;
  }
  (void)call.dialog->UpdateRemoteTarget(request);
  sip::SipMessage ok = sip::MakeResponse(request, 200, "OK");
  AddCapabilities(ok);
  ok.Set("Contact", absl::StrCat("<sip:konfero@", local_.host_port, ">"));
  ok.Set("Content-Type", "application/sdp");
  ok.body = answer;
  if (timer.kind == sip::SessionTimerAnswer::Kind::kAccept) {
    timer.ApplyTo2xx(ok);
    call.session_timer.Start(timer, now_us_);
  }
  (void)layer_->SendResponse(tx, ok, now_us_);
  if (!call.peer.reliable()) {
    call.ok_retransmitter.emplace(ok, call.peer, layer_->options().timers, now_us_);
  }
}

void DialInCore::OnAck(const sip::SipMessage& ack, const sip::Destination& /*from*/) {
  SipCall* call = FindByDialog(ack);
  if (call == nullptr) return;
  if (call->ok_retransmitter && call->ok_retransmitter->MatchesAck(ack)) {
    call->ok_retransmitter->OnAck();
  }
  if (call->offer_in_200) {
    call->offer_in_200 = false;
    if (!HasSdp(ack) || !engine_.AcceptCallAnswer(call->media, ack.body).ok()) {
      SendBye(*call);
      Release(call->id);
      return;
    }
    RunPinActions(*call, call->pin.Start(now_us_));
  }
}

void DialInCore::OnCancel(sip::ServerTransactionHandle invite, const sip::SipMessage& /*cancel*/) {
  // The INVITE is still unanswered: the layer answers it 487.
  auto it = by_invite_tx_.find(invite.id);
  if (it == by_invite_tx_.end()) return;
  Release(it->second);
}

void DialInCore::OnResponse(sip::ClientTransactionHandle tx, const sip::SipMessage& response) {
  // A BYE's answer changes nothing (the call is gone); a registration's
  // final answer goes to it.
  auto it = registration_tx_.find(tx.id);
  if (it == registration_tx_.end() || response.status() < 200) return;
  const size_t index = it->second;
  registration_tx_.erase(it);
  const Registration::State before = registrations_[index].state();
  SendRegistrationRequests(index, registrations_[index].OnResponse(response, now_us_));
  CountRegistration(index, before);
}

void DialInCore::OnTransactionTimeout(sip::ClientTransactionHandle tx) {
  auto it = registration_tx_.find(tx.id);
  if (it == registration_tx_.end()) return;
  const size_t index = it->second;
  registration_tx_.erase(it);
  const Registration::State before = registrations_[index].state();
  SendRegistrationRequests(index, registrations_[index].OnTimeout(now_us_));
  CountRegistration(index, before);
}

void DialInCore::OnServerTransactionTimeout(sip::ServerTransactionHandle /*tx*/) {}

void DialInCore::SendMessage(const sip::SipMessage& message, const sip::Destination& to) {
  network_.Send(sip::Serialize(message), to);
}

}  // namespace konfero::dial_in
