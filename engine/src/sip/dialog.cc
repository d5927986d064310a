// sip/dialog.cc: dialog creation (RFC 3261 12.1), in-dialog requests
// (12.2.1.1) and the checks of incoming ones (12.2.2).
#include "sip/dialog.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"

namespace konfero::sip {
namespace {

absl::StatusOr<NameAddr> HeaderAddr(const SipMessage& message, std::string_view name) {
  std::optional<std::string_view> value = message.Get(name);
  if (!value) return absl::InvalidArgumentError(absl::StrCat("SIP: no ", Sv(name), " header"));
  absl::StatusOr<NameAddr> addr = ParseNameAddr(*value);
  if (!addr.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SIP: bad ", Sv(name), ": ", addr.status().message()));
  }
  return addr;
}

std::string TakeTag(NameAddr& addr) {
  std::string tag;
  auto it = std::find_if(addr.params.begin(), addr.params.end(),
                         [](const auto& p) { return EqualsIgnoreCase(p.first, "tag"); });
  if (it != addr.params.end()) {
    tag = it->second;
    addr.params.erase(it);
  }
  return tag;
}

std::string WithTag(NameAddr addr, const std::string& tag) {
  if (!tag.empty()) addr.params.emplace_back("tag", tag);
  return addr.ToString();
}

absl::StatusOr<std::string> ContactTarget(const SipMessage& message) {
  std::vector<std::string_view> contacts = message.GetAll("Contact");
  if (contacts.empty()) return absl::InvalidArgumentError("SIP: no Contact header");
  absl::StatusOr<NameAddr> contact = ParseNameAddr(contacts.front());
  if (!contact.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("SIP: bad Contact: ", contact.status().message()));
  }
  return contact->uri.ToString();
}

absl::StatusOr<CSeq> MessageCSeq(const SipMessage& message) {
  std::optional<std::string_view> value = message.Get("CSeq");
  if (!value) return absl::InvalidArgumentError("SIP: no CSeq header");
  return ParseCSeq(*value);
}

bool IsTargetRefresh(std::string_view method) {
  return method == "INVITE" || method == "UPDATE" || method == "SUBSCRIBE" ||
         method == "NOTIFY" || method == "REFER";
}

std::optional<DialogId> IdFrom(const SipMessage& message, std::string_view local_header,
                               std::string_view remote_header) {
  std::optional<std::string_view> call_id = message.Get("Call-ID");
  absl::StatusOr<NameAddr> local = HeaderAddr(message, local_header);
  absl::StatusOr<NameAddr> remote = HeaderAddr(message, remote_header);
  if (!call_id || !local.ok() || !remote.ok()) return std::nullopt;
  return DialogId{std::string(*call_id), std::string(local->Param("tag").value_or("")),
                  std::string(remote->Param("tag").value_or(""))};
}

}  // namespace

std::optional<DialogId> DialogIdOfIncomingRequest(const SipMessage& request) {
  return IdFrom(request, "To", "From");
}

std::optional<DialogId> DialogIdOfIncomingResponse(const SipMessage& response) {
  return IdFrom(response, "From", "To");
}

absl::StatusOr<Dialog> Dialog::CreateUas(const SipMessage& invite, std::string_view local_tag,
                                         std::string_view local_contact) {
  if (!invite.is_request()) return absl::InvalidArgumentError("SIP: dialog needs a request");
  if (local_tag.empty()) return absl::InvalidArgumentError("SIP: empty local tag");
  std::optional<std::string_view> call_id = invite.Get("Call-ID");
  if (!call_id || call_id->empty()) return absl::InvalidArgumentError("SIP: no Call-ID");
  absl::StatusOr<NameAddr> from = HeaderAddr(invite, "From");
  if (!from.ok()) return from.status();
  absl::StatusOr<NameAddr> to = HeaderAddr(invite, "To");
  if (!to.ok()) return to.status();
  absl::StatusOr<CSeq> cseq = MessageCSeq(invite);
  if (!cseq.ok()) return cseq.status();
  absl::StatusOr<std::string> target = ContactTarget(invite);
  if (!target.ok()) return target.status();

  Dialog d;
  d.role_ = Role::kUas;
  d.call_id_ = std::string(*call_id);
  d.local_tag_ = std::string(local_tag);
  d.remote_tag_ = TakeTag(*from);  // empty for an RFC 2543 peer
  TakeTag(*to);
  d.local_uri_ = std::move(*to);
  d.remote_uri_ = std::move(*from);
  d.remote_target_ = std::move(*target);
  for (std::string_view route : invite.GetAll("Record-Route")) d.route_set_.emplace_back(route);
  d.remote_cseq_ = cseq->number;
  d.local_contact_ = std::string(local_contact);
  return d;
}

absl::StatusOr<Dialog> Dialog::CreateUac(const SipMessage& invite, const SipMessage& response,
                                         std::string_view local_contact) {
  if (!invite.is_request() || response.is_request()) {
    return absl::InvalidArgumentError("SIP: dialog needs a request and its response");
  }
  std::optional<std::string_view> call_id = invite.Get("Call-ID");
  if (!call_id || call_id->empty()) return absl::InvalidArgumentError("SIP: no Call-ID");
  absl::StatusOr<NameAddr> from = HeaderAddr(invite, "From");
  if (!from.ok()) return from.status();
  absl::StatusOr<NameAddr> to = HeaderAddr(response, "To");
  if (!to.ok()) return to.status();
  absl::StatusOr<CSeq> cseq = MessageCSeq(invite);
  if (!cseq.ok()) return cseq.status();
  absl::StatusOr<std::string> target = ContactTarget(response);
  if (!target.ok()) return target.status();

  Dialog d;
  d.role_ = Role::kUac;
  d.call_id_ = std::string(*call_id);
  d.local_tag_ = TakeTag(*from);
  d.remote_tag_ = TakeTag(*to);
  if (d.local_tag_.empty() || d.remote_tag_.empty()) {
    return absl::InvalidArgumentError("SIP: dialog without From or To tag");
  }
  d.local_uri_ = std::move(*from);
  d.remote_uri_ = std::move(*to);
  d.remote_target_ = std::move(*target);
  std::vector<std::string_view> record_route = response.GetAll("Record-Route");
  for (auto it = record_route.rbegin(); it != record_route.rend(); ++it) {
    d.route_set_.emplace_back(*it);
  }
  d.local_cseq_ = cseq->number;
  d.local_contact_ = std::string(local_contact);
  return d;
}

bool Dialog::Matches(const SipMessage& request) const {
  std::optional<DialogId> id = DialogIdOfIncomingRequest(request);
  return id && *id == this->id();
}

Dialog::Check Dialog::ValidateInDialogRequest(const SipMessage& request) {
  if (!request.is_request() || !Matches(request)) {
    return {481, "Call/Transaction Does Not Exist"};
  }
  if (request.method() == "ACK" || request.method() == "CANCEL") return {};
  absl::StatusOr<CSeq> cseq = MessageCSeq(request);
  if (!cseq.ok() || cseq->method != request.method()) return {400, "Bad CSeq"};
  if (remote_cseq_ && cseq->number <= *remote_cseq_) return {500, "Server Internal Error"};
  remote_cseq_ = cseq->number;
  return {};
}

absl::Status Dialog::UpdateRemoteTarget(const SipMessage& request) {
  if (request.GetAll("Contact").empty()) return absl::OkStatus();
  absl::StatusOr<std::string> target = ContactTarget(request);
  if (!target.ok()) return target.status();
  remote_target_ = std::move(*target);
  return absl::OkStatus();
}

SipMessage Dialog::MakeRequest(std::string_view method) {
  local_cseq_ = local_cseq_ ? *local_cseq_ + 1 : 1;
  return MakeRequestWithCSeq(method, *local_cseq_);
}

SipMessage Dialog::MakeAck(uint32_t invite_cseq) const {
  return MakeRequestWithCSeq("ACK", invite_cseq);
}

SipMessage Dialog::MakeRequestWithCSeq(std::string_view method, uint32_t cseq) const {
  std::string request_uri = remote_target_;
  std::vector<std::string> routes = route_set_;
  if (!routes.empty()) {
    absl::StatusOr<NameAddr> first = ParseNameAddr(routes.front());
    if (first.ok() && !first->uri.Param("lr")) {
      // RFC 3261 12.2.1.1 strict routing: the first route is the
      // Request-URI (without URI parameters not allowed there: none are
      // stripped here) and the remote target closes the Route list.
      request_uri = first->uri.ToString();
      routes.erase(routes.begin());
      routes.push_back(absl::StrCat("<", remote_target_, ">"));
    }
  }
  SipMessage request = SipMessage::Request(std::string(method), std::move(request_uri));
  for (const std::string& route : routes) request.Add("Route", route);
  request.Add("Max-Forwards", "70");
  request.Add("From", WithTag(local_uri_, local_tag_));
  request.Add("To", WithTag(remote_uri_, remote_tag_));
  request.Add("Call-ID", call_id_);
  request.Add("CSeq", absl::StrCat(cseq, " ", Sv(method)));
  if (!local_contact_.empty() && IsTargetRefresh(method)) request.Add("Contact", local_contact_);
  return request;
}

}  // namespace konfero::sip
