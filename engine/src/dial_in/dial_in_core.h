// dial_in_core.h: SIP dial-in without I/O. It is the transaction user of a
// sip::TransactionLayer: it answers INVITEs for the dial-in numbers with a
// plain-RTP call of the Engine, runs the PIN dialogue, admits the caller
// through the RoomService as a phone guest, follows the room's events (kick,
// room deleted or made private: a last prompt and BYE) and answers
// re-INVITE (hold, resume), UPDATE, INFO (DTMF), OPTIONS, BYE and CANCEL.
//
// Bytes come in through OnDatagram with their source; bytes go out through
// the Network it is given; time comes in as now_us (monotonic) with
// OnTimer, which the owner calls at least every 20 ms.
//
// Thread contract: the control thread, for everything.
#ifndef KONFERO_DIAL_IN_DIAL_IN_CORE_H_
#define KONFERO_DIAL_IN_DIAL_IN_CORE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "dial_in/number_plan.h"
#include "dial_in/registration.h"
#include "dial_in/sip_call.h"
#include "konfero/dial_in.h"
#include "konfero/engine.h"
#include "konfero/events.h"
#include "konfero/room_service.h"
#include "sip/digest.h"
#include "sip/transaction_layer.h"

namespace konfero::dial_in {

class DialInCore final : private sip::TransactionLayer::Owner {
 public:
  class Network {
   public:
    virtual ~Network() = default;
    virtual void Send(std::string bytes, const sip::Destination& to) = 0;
  };
  // Our address as it goes into Via and Contact ("127.0.0.1:5060").
  struct LocalAddress {
    std::string host_port;
  };

  // A provider account: where it registers, and the dial-in number its
  // calls reach (empty: every public room).
  struct Account {
    RegistrationConfig config;
    std::string number;
  };
  // `accounts` register from the first OnTimer on.
  DialInCore(RoomService& rooms, Engine& engine, const DialInOptions& options, NumberPlan plan,
             Network& network, LocalAddress local, std::vector<Account> accounts = {});
  ~DialInCore() override;

  void OnDatagram(std::string_view bytes, const sip::Destination& from, int64_t now_us);
  void OnTimer(int64_t now_us);
  // The Engine's CallHandler and the RoomService's events.
  void OnCallEvent(const CallEvent& event, int64_t now_us);
  void OnRoomEvent(const Event& event, int64_t now_us);
  // A participant left its room: the call's last prompt (or BYE at once).
  void OnParticipantLeft(ParticipantId participant, LeaveReason reason, int64_t now_us);
  // Sends BYE on every call (the server stops).
  void EndAll(int64_t now_us);

  DialInStats stats() const;

 private:
  // sip::TransactionLayer::Owner
  void SendMessage(const sip::SipMessage& message, const sip::Destination& to) override;
  void OnRequest(sip::ServerTransactionHandle tx, const sip::SipMessage& request,
                 const sip::Destination& from) override;
  void OnAck(const sip::SipMessage& ack, const sip::Destination& from) override;
  void OnResponse(sip::ClientTransactionHandle tx, const sip::SipMessage& response) override;
  void OnTransactionTimeout(sip::ClientTransactionHandle tx) override;
  void OnServerTransactionTimeout(sip::ServerTransactionHandle tx) override;
  void OnCancel(sip::ServerTransactionHandle invite, const sip::SipMessage& cancel) override;

  // Requests (dial_in_requests.cc).
  void Respond(sip::ServerTransactionHandle tx, const sip::SipMessage& request, int status,
               std::string_view reason, std::string_view to_tag = {});
  void OnInvite(sip::ServerTransactionHandle tx, const sip::SipMessage& invite,
                const sip::Destination& from);
  void OnInDialogRequest(SipCall& call, sip::ServerTransactionHandle tx,
                         const sip::SipMessage& request);
  void OnReInvite(SipCall& call, sip::ServerTransactionHandle tx, const sip::SipMessage& request);
  void AddCapabilities(sip::SipMessage& message) const;
  // The unsupported option-tags of a request's Require, comma-separated.
  std::string UnsupportedRequires(const sip::SipMessage& request) const;
  void AnswerMalformed(std::string_view bytes, std::string_view why, const sip::Destination& from);
  // A trunk with a realm: true if the INVITE's credentials are right;
  // otherwise it has been answered 401 with a fresh challenge.
  bool Authenticated(sip::ServerTransactionHandle tx, const sip::SipMessage& invite,
                     const SipTrunk& trunk);

  // Calls (dial_in_calls.cc).
  void Answer(SipCall& call);
  void RunPinActions(SipCall& call, const std::vector<PinAction>& actions);
  void CheckPin(SipCall& call, const std::string& pin);
  void ApplyVerdict(SipCall& call, PinCollector::Verdict verdict,
                    std::optional<ParticipantId> participant);
  void EndWithPrompt(SipCall& call, PromptId prompt);
  void SendBye(SipCall& call);
  // Forgets the call: leaves its room or hangs up its media.
  void Release(uint64_t call_id);
  void TickCall(SipCall& call);
  SipCall* FindByDialog(const sip::SipMessage& message);
  SipCall* FindByMedia(CallId media);
  std::string NewToken(size_t bytes) const;
  // Registrations (dial_in_registrations.cc).
  void TickRegistrations();
  void SendRegistrationRequests(size_t index, std::vector<sip::SipMessage> requests);
  void CountRegistration(size_t index, Registration::State before);
  // The DialInNumber a call to a registered account's contact reaches.
  std::optional<DialInNumber> RegisteredNumber(std::string_view dialled_user) const;
  // Whether `source` is one of the registrars (its calls need no trunk).
  bool FromRegistrar(const net::IpEndpoint& source) const;

  RoomService& rooms_;
  Engine& engine_;
  const DialInOptions options_;
  const NumberPlan plan_;
  Network& network_;
  const LocalAddress local_;
  std::unique_ptr<sip::TransactionLayer> layer_;
  sip::DigestServer digest_;  // challenges INVITEs of trunks with a realm
  sip::SessionTimerConfig session_timer_config_;
  PinCollectorOptions pin_options_;

  int64_t now_us_ = 0;
  uint64_t last_call_ = 0;
  absl::flat_hash_map<uint64_t, std::unique_ptr<SipCall>> calls_;
  absl::flat_hash_map<sip::DialogId, uint64_t> by_dialog_;
  absl::flat_hash_map<CallId, uint64_t> by_media_;
  absl::flat_hash_map<ParticipantId, uint64_t> by_participant_;
  absl::flat_hash_map<uint64_t, uint64_t> by_invite_tx_;
  std::vector<Registration> registrations_;
  std::vector<std::string> registration_numbers_;  // in step with registrations_
  absl::flat_hash_map<uint64_t, size_t> registration_tx_;  // client tx -> registration
  DialInStats stats_;
};

}  // namespace konfero::dial_in

#endif  // KONFERO_DIAL_IN_DIAL_IN_CORE_H_
