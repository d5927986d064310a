// sip/dialog.h: a SIP dialog (RFC 3261 12): its id (Call-ID and tags), the
// local and remote URIs, the remote target, the route set and both CSeq
// counters; building in-dialog requests (12.2.1.1, loose and strict
// routing) and checking incoming ones (12.2.2).
//
//   // UAS: on an INVITE we accept; the tag comes from the caller's CSPRNG.
//   auto dialog = sip::Dialog::CreateUas(invite, local_tag, "<sip:conf@192.0.2.10:5060>");
//   SipMessage ok = sip::MakeResponse(invite, 200, "OK", dialog->local_tag());
//   // later, from Owner::OnRequest:
//   if (auto check = dialog->ValidateInDialogRequest(request); !check.ok())
//     layer.SendResponse(tx, sip::MakeResponse(request, check.status, check.reason), now_us);
//   SipMessage bye = dialog->MakeRequest("BYE");   // add a Via with a fresh branch, then send
//
// MakeRequest leaves the Via out (the transport's sent-by and a fresh branch
// are the caller's) and does not build ACK or CANCEL (MakeAck; CANCEL
// belongs to the INVITE transaction, not the dialog).
//
// Thread contract: a value; one thread at a time.
#ifndef KONFERO_SIP_DIALOG_H_
#define KONFERO_SIP_DIALOG_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "sip/headers.h"
#include "sip/message.h"

namespace konfero::sip {

// A dialog's id from our side (RFC 3261 12).
struct DialogId {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;

  friend bool operator==(const DialogId&, const DialogId&) = default;
  template <typename H>
  friend H AbslHashValue(H h, const DialogId& id) {
    return H::combine(std::move(h), id.call_id, id.local_tag, id.remote_tag);
  }
};

// The dialog a request from the peer names: Call-ID, To tag (ours), From
// tag (theirs). nullopt without Call-ID or with an unparsable From/To.
std::optional<DialogId> DialogIdOfIncomingRequest(const SipMessage& request);
// The dialog a response to our request names: Call-ID, From tag (ours), To
// tag (theirs).
std::optional<DialogId> DialogIdOfIncomingResponse(const SipMessage& response);

class Dialog {
 public:
  enum class Role : uint8_t { kUac, kUas };

  // RFC 3261 12.1.1: we answered `invite` with a 2xx carrying `local_tag` in
  // To. Route set = the INVITE's Record-Route in order; remote target = its
  // Contact; remote CSeq = its CSeq; local CSeq empty (the first request we
  // send uses 1). `local_contact` (a Contact value, e.g. "<sip:conf@host>")
  // goes into our target refresh requests. InvalidArgument for a missing or
  // bad Call-ID, From, To, CSeq or Contact, or an empty local tag.
  static absl::StatusOr<Dialog> CreateUas(const SipMessage& invite, std::string_view local_tag,
                                          std::string_view local_contact = {});
  // RFC 3261 12.1.2: our `invite` got the 2xx `response`. Route set = its
  // Record-Route reversed; remote target = its Contact; local CSeq = the
  // INVITE's; remote CSeq empty.
  static absl::StatusOr<Dialog> CreateUac(const SipMessage& invite, const SipMessage& response,
                                          std::string_view local_contact = {});

  Role role() const { return role_; }
  DialogId id() const { return {call_id_, local_tag_, remote_tag_}; }
  const std::string& call_id() const { return call_id_; }
  const std::string& local_tag() const { return local_tag_; }
  const std::string& remote_tag() const { return remote_tag_; }
  const NameAddr& local_uri() const { return local_uri_; }    // without tag
  const NameAddr& remote_uri() const { return remote_uri_; }  // without tag
  const std::string& remote_target() const { return remote_target_; }
  const std::vector<std::string>& route_set() const { return route_set_; }
  std::optional<uint32_t> local_cseq() const { return local_cseq_; }
  std::optional<uint32_t> remote_cseq() const { return remote_cseq_; }
  const std::string& local_contact() const { return local_contact_; }

  // Call-ID, To tag == local tag and From tag == remote tag.
  bool Matches(const SipMessage& request) const;

  struct Check {
    int status = 0;      // 0: accept; else the response status to send
    std::string reason;  // its reason phrase
    bool ok() const { return status == 0; }
  };
  // RFC 3261 12.2.2 for a request from the peer: 481 if it is not of this
  // dialog, 400 for a bad CSeq, 500 if its CSeq is not above the remote CSeq
  // (equal included: real retransmissions never reach here, the transaction
  // layer absorbs them). ACK and CANCEL are only matched (they carry the
  // INVITE's CSeq). When accepted, the remote CSeq becomes the request's.
  Check ValidateInDialogRequest(const SipMessage& request);

  // A target refresh (re-INVITE, UPDATE) was accepted: its Contact, if any,
  // becomes the remote target. InvalidArgument for a bad Contact.
  absl::Status UpdateRemoteTarget(const SipMessage& request);

  // An in-dialog request (BYE, INVITE, UPDATE, INFO, ...) with the next
  // local CSeq, Request-URI and Route per the route set (loose routing; a
  // strict first route becomes the Request-URI and the remote target the last
  // Route), Max-Forwards 70, From/To with tags, Call-ID, and our Contact on
  // INVITE, UPDATE, SUBSCRIBE, NOTIFY and REFER. No Via.
  SipMessage MakeRequest(std::string_view method);
  // The ACK of a 2xx to our (re-)INVITE with CSeq `invite_cseq`.
  SipMessage MakeAck(uint32_t invite_cseq) const;

 private:
  Dialog() = default;
  SipMessage MakeRequestWithCSeq(std::string_view method, uint32_t cseq) const;

  Role role_ = Role::kUas;
  std::string call_id_;
  std::string local_tag_;
  std::string remote_tag_;
  NameAddr local_uri_;
  NameAddr remote_uri_;
  std::string remote_target_;
  std::vector<std::string> route_set_;
  std::optional<uint32_t> local_cseq_;
  std::optional<uint32_t> remote_cseq_;
  std::string local_contact_;
};

}  // namespace konfero::sip

#endif  // KONFERO_SIP_DIALOG_H_
