// sip/transaction_layer.cc: matching of messages to transactions (RFC 3261
// 17.1.3, 17.2.3, 9.2), CANCEL handling, limits, and the timers kept in
// deadline order (a set of (deadline, id) per kind, moved on every state
// change), so NextDeadline is O(1) and OnTimer visits due transactions only.
#include "sip/transaction_layer.h"

#include <algorithm>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/absl_compat.h"
#include "sip/headers.h"

namespace konfero::sip {
namespace {

absl::StatusOr<Via> TopVia(const SipMessage& message) {
  std::vector<std::string_view> vias = message.GetAll("Via");
  if (vias.empty()) return absl::InvalidArgumentError("SIP: message without Via");
  return ParseVia(vias.front());
}

absl::StatusOr<CSeq> MessageCSeq(const SipMessage& message) {
  std::optional<std::string_view> value = message.Get("CSeq");
  if (!value) return absl::InvalidArgumentError("SIP: message without CSeq");
  return ParseCSeq(*value);
}

// The method a request's transaction is keyed on: an ACK's is its INVITE's.
std::string_view OwnMethod(const SipMessage& request) {
  return request.method() == "ACK" ? std::string_view("INVITE") : request.method();
}

// The key of the request's transaction (RFC 3261 17.2.3, with the RFC 2543
// fallback reduced to Call-ID, CSeq number, From tag and the top Via's
// text): a method-independent base ending in '|', then OwnMethod().
absl::StatusOr<std::string> ServerKey(const SipMessage& request) {
  absl::StatusOr<Via> via = TopVia(request);
  if (!via.ok()) return via.status();
  const std::string_view own = OwnMethod(request);
  const std::string_view branch = via->Param("branch").value_or("");
  if (branch.starts_with(kBranchMagicCookie)) {
    std::string key = absl::StrCat("3261|", Sv(branch), "|", via->host);
    const auto host = key.end() - static_cast<std::ptrdiff_t>(via->host.size());
    std::transform(host, key.end(), host, absl::ascii_tolower);
    if (via->port) absl::StrAppend(&key, ":", *via->port);
    absl::StrAppend(&key, "|", Sv(own));
    return key;
  }
  absl::StatusOr<CSeq> cseq = MessageCSeq(request);
  if (!cseq.ok()) return cseq.status();
  std::string from_tag;
  if (auto from = request.Get("From")) {
    if (absl::StatusOr<NameAddr> addr = ParseNameAddr(*from); addr.ok()) {
      from_tag = std::string(addr->Param("tag").value_or(""));
    }
  }
  return absl::StrCat("2543|", Sv(request.Get("Call-ID").value_or("")), "|", cseq->number, "|",
                      from_tag, "|", Sv(request.GetAll("Via").front()), "|", Sv(own));
}

// The key of the INVITE transaction that a request keyed `key` (a CANCEL's)
// refers to: the same base with INVITE.
std::string InviteKey(std::string_view key, std::string_view own_method) {
  key.remove_suffix(own_method.size());
  return absl::StrCat(Sv(key), "INVITE");
}

absl::StatusOr<std::string> ClientKey(const SipMessage& message) {
  absl::StatusOr<Via> via = TopVia(message);
  if (!via.ok()) return via.status();
  const std::string_view branch = via->Param("branch").value_or("");
  if (!branch.starts_with(kBranchMagicCookie)) {
    return absl::InvalidArgumentError("SIP: top Via has no z9hG4bK branch");
  }
  absl::StatusOr<CSeq> cseq = MessageCSeq(message);
  if (!cseq.ok()) return cseq.status();
  return absl::StrCat(Sv(branch), "|", cseq->method);
}

// A To tag for responses the layer makes itself (481, 487, the CANCEL's
// 200) when the TU has not set one: no dialog is made from them, so it only
// has to differ between transactions.
std::string DerivedTag(std::string_view key, uint64_t id) {
  return absl::StrFormat("%016x", std::hash<std::string_view>{}(key) ^ (id * 0x9e3779b97f4a7c15ULL));
}

// A layer-made final response to `request`: To (with tag) from `like` if it
// has a tag, else a derived tag.
SipMessage LayerResponse(const SipMessage& request, int status, std::string_view reason,
                         const SipMessage* like, std::string_view tag) {
  SipMessage response = MakeResponse(request, status, reason);
  if (like != nullptr) {
    if (auto to = like->Get("To")) {
      if (absl::StatusOr<NameAddr> addr = ParseNameAddr(*to); addr.ok() && addr->Param("tag")) {
        response.Set("To", *to);
        return response;
      }
    }
  }
  return MakeResponse(request, status, reason, tag);
}

// Moves (scheduled, id) to (next, id) in `timers`; kNever is no entry.
void MoveTimer(absl::btree_set<std::pair<int64_t, uint64_t>>& timers, uint64_t id,
               int64_t& scheduled_us, int64_t next_us) {
  if (next_us == scheduled_us) return;
  if (scheduled_us != kNever) timers.erase({scheduled_us, id});
  if (next_us != kNever) timers.insert({next_us, id});
  scheduled_us = next_us;
}

}  // namespace

TransactionLayer::TransactionLayer(Owner& owner, TransactionLayerOptions options)
    : owner_(owner), options_(std::move(options)) {}

absl::Status TransactionLayer::OnMessage(const SipMessage& message, const Destination& from,
                                         int64_t now_us) {
  return message.is_request() ? OnRequestMessage(message, from, now_us)
                              : OnResponseMessage(message, now_us);
}

absl::Status TransactionLayer::OnRequestMessage(const SipMessage& request, const Destination& from,
                                                int64_t now_us) {
  absl::StatusOr<std::string> key = ServerKey(request);
  if (!key.ok()) return key.status();

  if (request.method() == "ACK") {
    auto it = server_keys_.find(*key);
    if (it != server_keys_.end()) {
      const uint64_t id = it->second;
      ServerEntry& entry = servers_.at(id);
      ServerTransaction& tx = *entry.tx;
      if (tx.is_invite()) {
        const ServerTransaction::AckResult result = tx.OnAck(now_us);
        Reschedule(id, entry);
        if (result == ServerTransaction::AckResult::kAbsorbed) return absl::OkStatus();
      }
    }
    owner_.OnAck(request, from);
    return absl::OkStatus();
  }

  if (auto it = server_keys_.find(*key); it != server_keys_.end()) {
    ServerTransaction& tx = *servers_.at(it->second).tx;
    if (const SipMessage* again = tx.OnRetransmission()) owner_.SendMessage(*again, tx.response_to());
    return absl::OkStatus();
  }

  if (servers_.size() >= options_.max_server_transactions) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "SIP: ", options_.max_server_transactions, " server transactions live; answer 503"));
  }
  if (request.method() == "CANCEL") {
    const std::string invite_key = InviteKey(*key, OwnMethod(request));
    return OnCancelRequest(request, from, std::move(*key), invite_key, now_us);
  }

  ServerTransactionHandle handle = CreateServer(request, from, std::move(*key), now_us);
  const ServerTransaction* tx = servers_.at(handle.id).tx.get();
  owner_.OnRequest(handle, tx->request(), from);
  // RFC 3261 17.2.1: 100 Trying unless the TU answered already.
  if (auto it = servers_.find(handle.id); it != servers_.end()) {
    ServerTransaction& invite = *it->second.tx;
    if (invite.is_invite() && invite.last_response() == nullptr) {
      SipMessage trying = MakeResponse(invite.request(), 100, "Trying");
      if (invite.Respond(trying, now_us).ok()) {
        Reschedule(handle.id, it->second);
        owner_.SendMessage(trying, invite.response_to());
      }
    }
  }
  return absl::OkStatus();
}

absl::Status TransactionLayer::OnCancelRequest(const SipMessage& cancel, const Destination& from,
                                               std::string cancel_key,
                                               std::string_view invite_key, int64_t now_us) {
  ServerTransactionHandle cancel_tx = CreateServer(cancel, from, std::move(cancel_key), now_us);
  const ServerEntry& cancel_entry = servers_.at(cancel_tx.id);
  const SipMessage& stored_cancel = cancel_entry.tx->request();
  const std::string cancel_tag = DerivedTag(cancel_entry.key, cancel_tx.id);

  ServerTransactionHandle invite_handle;
  if (auto it = server_keys_.find(invite_key); it != server_keys_.end()) {
    invite_handle.id = it->second;
  }
  ServerTransaction* invite = FindServer(invite_handle);
  if (invite == nullptr || !invite->is_invite()) {
    return SendResponse(cancel_tx,
                        LayerResponse(stored_cancel, 481, "Call/Transaction Does Not Exist",
                                      nullptr, cancel_tag),
                        now_us);
  }
  // RFC 3261 9.2: the CANCEL's 200 carries the To tag of the INVITE's response.
  absl::Status sent = SendResponse(
      cancel_tx, LayerResponse(stored_cancel, 200, "OK", invite->last_response(), cancel_tag),
      now_us);
  if (!sent.ok() || invite->final_sent()) return sent;

  owner_.OnCancel(invite_handle, stored_cancel);
  invite = FindServer(invite_handle);
  if (invite == nullptr || invite->final_sent()) return absl::OkStatus();
  return SendResponse(invite_handle,
                      LayerResponse(invite->request(), 487, "Request Terminated",
                                    invite->last_response(),
                                    DerivedTag(invite_key, invite_handle.id)),
                      now_us);
}

absl::Status TransactionLayer::OnResponseMessage(const SipMessage& response, int64_t now_us) {
  absl::StatusOr<std::string> key = ClientKey(response);
  if (!key.ok()) return key.status();
  auto it = client_keys_.find(*key);
  if (it == client_keys_.end()) return absl::OkStatus();  // stray: dropped (17.1.3)
  const ClientTransactionHandle handle{it->second};
  ClientEntry& entry = clients_.at(handle.id);
  ClientTransaction& tx = *entry.tx;
  ClientTransaction::ResponseResult result = tx.OnResponse(response, now_us);
  Reschedule(handle.id, entry);
  if (result.ack) owner_.SendMessage(*result.ack, tx.destination());
  if (result.to_owner) owner_.OnResponse(handle, response);
  return absl::OkStatus();
}

absl::Status TransactionLayer::SendResponse(ServerTransactionHandle handle,
                                            const SipMessage& response, int64_t now_us) {
  auto it = servers_.find(handle.id);
  if (it == servers_.end()) {
    return absl::NotFoundError(absl::StrCat("SIP: no server transaction ", handle.id));
  }
  ServerTransaction& tx = *it->second.tx;
  if (absl::Status s = tx.Respond(response, now_us); !s.ok()) return s;
  Reschedule(handle.id, it->second);
  owner_.SendMessage(response, tx.response_to());
  return absl::OkStatus();
}

absl::StatusOr<ClientTransactionHandle> TransactionLayer::SendRequest(const SipMessage& request,
                                                                      const Destination& to,
                                                                      int64_t now_us) {
  if (!request.is_request()) return absl::InvalidArgumentError("SIP: SendRequest needs a request");
  if (request.method() == "ACK") {
    return absl::InvalidArgumentError("SIP: an ACK is not a client transaction");
  }
  absl::StatusOr<std::string> key = ClientKey(request);
  if (!key.ok()) return key.status();
  if (client_keys_.contains(*key)) {
    return absl::AlreadyExistsError(absl::StrCat("SIP: client transaction ", *key, " exists"));
  }
  if (clients_.size() >= options_.max_client_transactions) {
    return absl::ResourceExhaustedError(
        absl::StrCat("SIP: ", options_.max_client_transactions, " client transactions live"));
  }
  const ClientTransactionHandle handle{next_id_++};
  auto [key_it, added] = client_keys_.emplace(std::move(*key), handle.id);
  (void)added;
  auto [it, created] = clients_.emplace(
      handle.id, ClientEntry{std::make_unique<ClientTransaction>(request, to, options_.timers,
                                                                 now_us),
                             key_it->first, kNever});
  (void)created;
  Reschedule(handle.id, it->second);
  owner_.SendMessage(it->second.tx->request(), to);
  return handle;
}

int64_t TransactionLayer::NextDeadline() const {
  int64_t next = kNever;
  if (!server_timers_.empty()) next = server_timers_.begin()->first;
  if (!client_timers_.empty()) next = std::min(next, client_timers_.begin()->first);
  return next;
}

void TransactionLayer::OnTimer(int64_t now_us) {
  // Ids first: the owner's callbacks may add transactions. They run in id
  // order, as the due transactions are taken from the front of the sets.
  std::vector<uint64_t> due_servers;
  std::vector<uint64_t> due_clients;
  for (auto it = server_timers_.begin(); it != server_timers_.end() && it->first <= now_us; ++it) {
    due_servers.push_back(it->second);
  }
  for (auto it = client_timers_.begin(); it != client_timers_.end() && it->first <= now_us; ++it) {
    due_clients.push_back(it->second);
  }
  std::sort(due_servers.begin(), due_servers.end());
  std::sort(due_clients.begin(), due_clients.end());

  for (uint64_t id : due_servers) {
    for (;;) {
      auto it = servers_.find(id);
      if (it == servers_.end() || it->second.tx->next_deadline_us() > now_us) break;
      ServerTransaction& tx = *it->second.tx;
      const ServerTransaction::TimerResult result = tx.OnTimer(now_us);
      switch (result) {
        case ServerTransaction::TimerResult::kNone:
          Reschedule(id, it->second);
          break;
        case ServerTransaction::TimerResult::kRetransmit:
          Reschedule(id, it->second);
          owner_.SendMessage(*tx.last_response(), tx.response_to());
          continue;
        case ServerTransaction::TimerResult::kTimedOut:
          EraseServer(id);
          owner_.OnServerTransactionTimeout(ServerTransactionHandle{id});
          break;
        case ServerTransaction::TimerResult::kTerminated:
          EraseServer(id);
          break;
      }
      break;
    }
  }
  for (uint64_t id : due_clients) {
    for (;;) {
      auto it = clients_.find(id);
      if (it == clients_.end() || it->second.tx->next_deadline_us() > now_us) break;
      ClientTransaction& tx = *it->second.tx;
      switch (tx.OnTimer(now_us)) {
        case ClientTransaction::TimerResult::kNone:
          Reschedule(id, it->second);
          break;
        case ClientTransaction::TimerResult::kRetransmit:
          Reschedule(id, it->second);
          owner_.SendMessage(tx.request(), tx.destination());
          continue;
        case ClientTransaction::TimerResult::kTimedOut:
          EraseClient(id);
          owner_.OnTransactionTimeout(ClientTransactionHandle{id});
          break;
        case ClientTransaction::TimerResult::kTerminated:
          EraseClient(id);
          break;
      }
      break;
    }
  }
}

const ServerTransaction* TransactionLayer::server_transaction(ServerTransactionHandle tx) const {
  auto it = servers_.find(tx.id);
  return it == servers_.end() ? nullptr : it->second.tx.get();
}

const ClientTransaction* TransactionLayer::client_transaction(ClientTransactionHandle tx) const {
  auto it = clients_.find(tx.id);
  return it == clients_.end() ? nullptr : it->second.tx.get();
}

ServerTransactionHandle TransactionLayer::CreateServer(const SipMessage& request,
                                                       const Destination& from, std::string key,
                                                       int64_t now_us) {
  SipMessage stamped = request;
  Destination response_to = StampTopViaForResponses(stamped, from);
  const ServerTransactionHandle handle{next_id_++};
  auto [key_it, added] = server_keys_.emplace(std::move(key), handle.id);
  (void)added;
  auto [it, created] = servers_.emplace(
      handle.id, ServerEntry{std::make_unique<ServerTransaction>(std::move(stamped), from,
                                                                 response_to, options_.timers,
                                                                 now_us),
                             key_it->first, kNever});
  (void)created;
  Reschedule(handle.id, it->second);
  return handle;
}

ServerTransaction* TransactionLayer::FindServer(ServerTransactionHandle tx) {
  auto it = servers_.find(tx.id);
  return it == servers_.end() ? nullptr : it->second.tx.get();
}

void TransactionLayer::Reschedule(uint64_t id, ServerEntry& entry) {
  MoveTimer(server_timers_, id, entry.scheduled_us, entry.tx->next_deadline_us());
}

void TransactionLayer::Reschedule(uint64_t id, ClientEntry& entry) {
  MoveTimer(client_timers_, id, entry.scheduled_us, entry.tx->next_deadline_us());
}

void TransactionLayer::EraseServer(uint64_t id) {
  auto it = servers_.find(id);
  if (it == servers_.end()) return;
  MoveTimer(server_timers_, id, it->second.scheduled_us, kNever);
  server_keys_.erase(server_keys_.find(it->second.key));
  servers_.erase(it);
}

void TransactionLayer::EraseClient(uint64_t id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  MoveTimer(client_timers_, id, it->second.scheduled_us, kNever);
  client_keys_.erase(client_keys_.find(it->second.key));
  clients_.erase(it);
}

}  // namespace konfero::sip
