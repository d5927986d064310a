// chat_ledger.cc: the bookkeeping of chat_ledger.h.
#include "load/chat_ledger.h"

#include <algorithm>
#include <charconv>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"

namespace konfero::load {
namespace {

constexpr std::string_view kPrefix = "load-chat ";

// The message id in a text written by Post(), or 0.
uint64_t IdOf(std::string_view text) {
  if (!text.starts_with(kPrefix)) return 0;
  text.remove_prefix(kPrefix.size());
  uint64_t id = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || (ptr != text.data() + text.size() && *ptr != ' ')) return 0;
  return id;
}

}  // namespace

void ChatLedger::Join(MemberId member, int room) {
  members_[member].room = room;
  rooms_[room].push_back(member);
}

std::string ChatLedger::Post(MemberId sender) {
  const uint64_t id = next_id_++;
  Member& from = members_[sender];
  Message& message = messages_[id];
  message.sender = sender;
  message.room = from.room;
  for (MemberId m : rooms_[from.room]) {
    Member& to = members_[m];
    if (to.leaving) continue;
    to.pending.insert(id);
    ++message.waiting;
  }
  from.unanswered.push_back(id);
  ++totals_.posted;
  return absl::StrCat(Sv(kPrefix), id, " from member ", sender);
}

void ChatLedger::OnChat(MemberId member, std::string_view text) {
  const uint64_t id = IdOf(text);
  auto m = members_.find(member);
  if (id == 0 || m == members_.end()) {
    ++totals_.unexpected;
    return;
  }
  Member& to = m->second;
  if (!to.received.insert(id).second) {
    ++totals_.duplicates;
    return;
  }
  auto message = messages_.find(id);
  if (message != messages_.end() && message->second.sender == member) {
    message->second.echoed = true;
    auto own = std::find(to.unanswered.begin(), to.unanswered.end(), id);
    if (own != to.unanswered.end()) to.unanswered.erase(own);
  }
  if (to.pending.erase(id) == 1) {
    ++totals_.deliveries;
    to.owed.erase(id);
    if (message != messages_.end()) {
      --message->second.waiting;
      Settle(id);
    }
  }
  // Otherwise a message the server sent before this member's `joined`
  // reached us: welcome, but not owed.
}

void ChatLedger::OnChatRefused(MemberId sender) {
  auto m = members_.find(sender);
  if (m == members_.end() || m->second.unanswered.empty()) return;
  const uint64_t id = m->second.unanswered.front();
  m->second.unanswered.pop_front();
  ++totals_.refused;
  auto message = messages_.find(id);
  if (message == messages_.end()) return;
  for (MemberId other : rooms_[message->second.room]) {
    Member& to = members_[other];
    if (to.pending.erase(id) == 1) to.owed.erase(id);
  }
  messages_.erase(message);
}

void ChatLedger::LeaveSent(MemberId member) {
  auto m = members_.find(member);
  if (m == members_.end()) return;
  Member& leaver = m->second;
  leaver.leaving = true;
  for (uint64_t id : leaver.pending) {
    auto message = messages_.find(id);
    if (message != messages_.end() && message->second.echoed) leaver.owed.insert(id);
  }
}

void ChatLedger::Drained(MemberId member) {
  auto m = members_.find(member);
  if (m == members_.end()) return;
  Member& leaver = m->second;
  // Every own message is answered (echo or error) before the pong; one
  // that is not was dropped by the server without a word.
  totals_.lost += leaver.unanswered.size();
  for (uint64_t id : leaver.pending) {
    if (leaver.owed.contains(id)) {
      ++totals_.lost;
    } else {
      ++totals_.excused;
    }
  }
  Forget(leaver, member);
}

void ChatLedger::Abandon(MemberId member) {
  auto m = members_.find(member);
  if (m == members_.end()) return;
  Forget(m->second, member);
}

void ChatLedger::Forget(Member& member, MemberId id) {
  const std::vector<uint64_t> pending(member.pending.begin(), member.pending.end());
  std::vector<MemberId>& room = rooms_[member.room];
  room.erase(std::remove(room.begin(), room.end(), id), room.end());
  members_.erase(id);  // `member` dangles from here
  for (uint64_t message : pending) {
    auto it = messages_.find(message);
    if (it == messages_.end()) continue;
    --it->second.waiting;
    Settle(message);
  }
}

void ChatLedger::Settle(uint64_t id) {
  auto it = messages_.find(id);
  if (it != messages_.end() && it->second.waiting <= 0) messages_.erase(it);
}

}  // namespace konfero::load
