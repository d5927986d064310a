// sip/transaction_layer.h: the SIP transaction layer (RFC 3261 17, RFC 6026):
// matches incoming messages to server and client transactions, absorbs
// retransmissions, runs the retransmission and timeout timers, answers
// CANCEL, and reports to its owner (the transaction user) through a small
// interface. Sans-I/O: the owner passes received messages and `now`, sends
// what SendMessage hands it, and calls OnTimer at NextDeadline().
//
//   class Ua : public sip::TransactionLayer::Owner { ... };
//   sip::TransactionLayer layer(ua);
//   if (absl::Status s = layer.OnMessage(msg, from, now_us); absl::IsResourceExhausted(s))
//     ua.SendMessage(sip::MakeResponse(msg, 503, "Service Unavailable"),
//                    sip::ResponseDestination(msg, from));
//   // in Ua::OnRequest(tx, invite, from):
//   layer.SendResponse(tx, sip::MakeResponse(invite, 180, "Ringing", tag), now_us);
//   // loop: layer.OnTimer(now_us) once now_us >= layer.NextDeadline().
//
// Matching (RFC 3261 17.2.3): a request whose top Via branch starts with
// z9hG4bK matches on branch + sent-by + method (ACK matches the INVITE);
// an RFC 2543 request (no cookie) matches on Call-ID + CSeq number + From
// tag + the top Via value + method. Responses match client transactions on
// the top Via branch + CSeq method (17.1.3).
//
// Behaviour chosen here:
// - INVITE: the owner sees OnRequest first; if it has not answered by the
//   time OnRequest returns, the layer sends 100 Trying at once (not after
//   200 ms).
// - An ACK matching an INVITE transaction whose final answer was non-2xx is
//   absorbed. Every other ACK (a 2xx's ACK, which is its own transaction,
//   or a stray one) goes to Owner::OnAck.
// - CANCEL (RFC 3261 9.2) is handled here: it gets its own non-INVITE server
//   transaction; no matching INVITE transaction: 481; else 200 OK to the
//   CANCEL, and if the INVITE has no final answer yet, Owner::OnCancel runs
//   and, if the owner has not answered the INVITE during the call, the layer
//   answers it with 487 Request Terminated (To tag of the last provisional
//   response, else one derived from the branch). If the INVITE was already
//   finally answered (the CANCEL vs 200 race), the CANCEL gets its 200 and
//   nothing else happens.
// - Limits: at most max_server_transactions live server transactions;
//   beyond, OnMessage returns ResourceExhausted for a new request and the
//   owner should answer 503 statelessly (ACKs and responses still pass).
//   Client transactions have their own limit.
// - Owner::SendMessage failures (transport errors) are not modelled: a
//   transaction that cannot send times out as if the peer were silent.
//
// Reentrancy: the owner may call SendResponse and SendRequest from inside
// its callbacks.
//
// Thread contract: one thread (the SIP stack's); not thread-safe.
#ifndef KONFERO_SIP_TRANSACTION_LAYER_H_
#define KONFERO_SIP_TRANSACTION_LAYER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "absl/container/btree_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sip/client_transaction.h"
#include "sip/message.h"
#include "sip/server_transaction.h"
#include "sip/transaction_types.h"

namespace konfero::sip {

struct TransactionLayerOptions {
  TimerConfig timers;
  size_t max_server_transactions = 4096;
  size_t max_client_transactions = 4096;
};

class TransactionLayer {
 public:
  // The transaction user. Callbacks run on the layer's thread, inside
  // OnMessage, OnTimer, SendResponse or SendRequest.
  class Owner {
   public:
    virtual ~Owner() = default;
    // Send `message` to `to` (for TCP/TLS, on to.connection_id if set).
    virtual void SendMessage(const SipMessage& message, const Destination& to) = 0;
    // A new request (not ACK, not CANCEL). Answer it with SendResponse.
    virtual void OnRequest(ServerTransactionHandle tx, const SipMessage& request,
                           const Destination& from) = 0;
    // An ACK that no transaction absorbed: the ACK of a 2xx (RFC 3261
    // 13.3.1.4: stop the 2xx retransmission) or a stray one.
    virtual void OnAck(const SipMessage& ack, const Destination& from) = 0;
    // A response for a client transaction (provisionals, the first final,
    // and for INVITE every 2xx).
    virtual void OnResponse(ClientTransactionHandle tx, const SipMessage& response) = 0;
    // Timer B/F: our request got no final response; the transaction is gone.
    virtual void OnTransactionTimeout(ClientTransactionHandle tx) = 0;
    // Timer H: the ACK for our non-2xx final response never came; the
    // transaction is gone. Most owners ignore it.
    virtual void OnServerTransactionTimeout(ServerTransactionHandle tx) = 0;
    // A CANCEL for the INVITE `invite` that has no final answer yet; the
    // CANCEL has been answered 200. If the owner does not answer the INVITE
    // during this call, the layer answers it 487 on return.
    virtual void OnCancel(ServerTransactionHandle invite, const SipMessage& cancel) = 0;
  };

  explicit TransactionLayer(Owner& owner, TransactionLayerOptions options = {});
  TransactionLayer(const TransactionLayer&) = delete;
  TransactionLayer& operator=(const TransactionLayer&) = delete;

  // A parsed message from the network. OK when handled (including absorbed
  // retransmissions and dropped strays); InvalidArgument for a message the
  // layer cannot match (no Via or branch, no CSeq; dropped);
  // ResourceExhausted for a new request beyond max_server_transactions (no
  // transaction made; the owner answers 503 statelessly).
  [[nodiscard]] absl::Status OnMessage(const SipMessage& message, const Destination& from,
                                       int64_t now_us);

  // Sends `response` in server transaction `tx` (to the request's Via
  // address). NotFound for an unknown/ended transaction, FailedPrecondition
  // after its final response (except another 2xx in Accepted),
  // InvalidArgument for a request.
  [[nodiscard]] absl::Status SendResponse(ServerTransactionHandle tx, const SipMessage& response,
                                          int64_t now_us);

  // Starts a client transaction and sends `request` to `to`. The request
  // must carry a top Via with a z9hG4bK branch unique to it (the caller's,
  // from a CSPRNG); ACK and CANCEL of our own INVITEs are not supported
  // (2xx ACKs go straight to Owner::SendMessage). InvalidArgument for a
  // response, an ACK or a missing branch/CSeq, AlreadyExists for a branch in
  // use, ResourceExhausted beyond max_client_transactions.
  [[nodiscard]] absl::StatusOr<ClientTransactionHandle> SendRequest(const SipMessage& request,
                                                                    const Destination& to,
                                                                    int64_t now_us);

  // The earliest timer deadline of any transaction (kNever if none). O(1):
  // the layer keeps its transactions ordered by deadline.
  int64_t NextDeadline() const;
  // Runs every timer due at `now_us` (retransmissions, timeouts, ends):
  // server transactions first, then client ones, each in the order they
  // were made. Touches only the due transactions.
  void OnTimer(int64_t now_us);

  // Introspection (tests, diagnostics). nullptr for unknown handles.
  const ServerTransaction* server_transaction(ServerTransactionHandle tx) const;
  const ClientTransaction* client_transaction(ClientTransactionHandle tx) const;
  size_t server_transaction_count() const { return servers_.size(); }
  size_t client_transaction_count() const { return clients_.size(); }
  const TransactionLayerOptions& options() const { return options_; }

 private:
  // Keys of the matching maps; heterogeneous, so a lookup by string_view
  // makes no string.
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  struct KeyEq {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  using KeyMap = std::unordered_map<std::string, uint64_t, KeyHash, KeyEq>;

  // `key` views the matching map's key (nodes of an unordered_map do not
  // move); `scheduled_us` is the deadline under which the transaction sits
  // in its timer set (kNever: not there).
  struct ServerEntry {
    std::unique_ptr<ServerTransaction> tx;
    std::string_view key;
    int64_t scheduled_us = kNever;
  };
  struct ClientEntry {
    std::unique_ptr<ClientTransaction> tx;
    std::string_view key;
    int64_t scheduled_us = kNever;
  };
  // (deadline, id) of every transaction with a timer running, earliest first.
  using TimerSet = absl::btree_set<std::pair<int64_t, uint64_t>>;

  absl::Status OnRequestMessage(const SipMessage& request, const Destination& from, int64_t now_us);
  absl::Status OnResponseMessage(const SipMessage& response, int64_t now_us);
  absl::Status OnCancelRequest(const SipMessage& cancel, const Destination& from,
                               std::string cancel_key, std::string_view invite_key,
                               int64_t now_us);
  ServerTransactionHandle CreateServer(const SipMessage& request, const Destination& from,
                                       std::string key, int64_t now_us);
  ServerTransaction* FindServer(ServerTransactionHandle tx);
  // Moves the transaction in its timer set to its current next_deadline_us();
  // called after every change of its state, before the owner hears of it.
  void Reschedule(uint64_t id, ServerEntry& entry);
  void Reschedule(uint64_t id, ClientEntry& entry);
  void EraseServer(uint64_t id);
  void EraseClient(uint64_t id);

  Owner& owner_;
  TransactionLayerOptions options_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, ServerEntry> servers_;
  KeyMap server_keys_;
  std::unordered_map<uint64_t, ClientEntry> clients_;
  KeyMap client_keys_;
  TimerSet server_timers_;
  TimerSet client_timers_;
};

}  // namespace konfero::sip

#endif  // KONFERO_SIP_TRANSACTION_LAYER_H_
