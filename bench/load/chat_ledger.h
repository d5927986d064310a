// chat_ledger.h: which chat message each participant must receive, and
// whether it did: the "no chat message lost" check.
//
// A member is one join of one participant (a rejoin is a new member). The
// rules follow from the server handling every socket's frames in order on
// one thread (docs/protocol.md: the server sends a chat to every
// participant of the room, the sender included):
//   - a message is expected by every member of its room that had received
//     `joined` before the message was sent (the server handled that join
//     before the message);
//   - a member that leaves sends `leave` then `ping` and reads until the
//     `pong`; a message whose echo reached its sender before the member
//     sent `leave` must have arrived by then (the server broadcast it
//     before it handled the leave); a message still without echo may
//     rightly be missing (the leave may have been handled first);
//   - a sender gets its echo or an error for each message, in order; an
//     error (rate limit) withdraws the message from everyone.
// A message expected and not received is lost; one received twice is a
// duplicate. At the end every member drains like a leave.
//
//   ChatLedger ledger;
//   ledger.Join(member, room);
//   std::string text = ledger.Post(member);        // send {"type":"chat","text":text}
//   ledger.OnChat(member, text);                   // every chat frame a member reads
//   ledger.OnChatRefused(member);                  // an error answering a chat
//   ledger.LeaveSent(member); ... ledger.Drained(member);   // at the pong
//
// Memory: a message is forgotten once every member that expects it has
// received it or drained.
//
// Thread contract: one thread (the io_context's).
#ifndef KONFERO_BENCH_LOAD_CHAT_LEDGER_H_
#define KONFERO_BENCH_LOAD_CHAT_LEDGER_H_

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"

namespace konfero::load {

struct ChatTotals {
  uint64_t posted = 0;
  uint64_t refused = 0;      // answered with an error instead of an echo
  uint64_t deliveries = 0;   // (message, expected member) pairs received
  uint64_t lost = 0;         // expected and never received
  uint64_t duplicates = 0;
  uint64_t unexpected = 0;   // chat frames from no message of ours
  uint64_t excused = 0;      // pending at a leave, without echo yet: may be missing
};

class ChatLedger {
 public:
  using MemberId = uint64_t;

  void Join(MemberId member, int room);
  // The text of a new message from `member` (a joined member).
  std::string Post(MemberId member);
  void OnChat(MemberId member, std::string_view text);
  void OnChatRefused(MemberId member);
  // `leave` (or the end of the run) sent by `member`; it reads on until Drained.
  void LeaveSent(MemberId member);
  // The member read its `pong`: settles what it was owed, forgets it.
  void Drained(MemberId member);
  // The member's socket died without a drain: its pending messages count
  // as neither lost nor delivered (its join failure is counted elsewhere).
  void Abandon(MemberId member);

  const ChatTotals& totals() const { return totals_; }
  // Messages still tracked (for tests of the bookkeeping).
  size_t open_messages() const { return messages_.size(); }

 private:
  struct Message {
    MemberId sender = 0;
    int room = 0;
    bool echoed = false;
    int waiting = 0;  // members that expect it and have not settled it
  };
  struct Member {
    int room = 0;
    bool leaving = false;
    absl::flat_hash_set<uint64_t> pending;   // expected, not yet received
    absl::flat_hash_set<uint64_t> received;  // for duplicate detection
    std::deque<uint64_t> unanswered;         // own messages without echo or error
    // Pending messages whose echo came before this member's leave: owed.
    absl::flat_hash_set<uint64_t> owed;
  };

  void Settle(uint64_t id);
  void Forget(Member& member, MemberId id);

  uint64_t next_id_ = 1;
  absl::flat_hash_map<uint64_t, Message> messages_;
  absl::flat_hash_map<MemberId, Member> members_;
  absl::flat_hash_map<int, std::vector<MemberId>> rooms_;
  ChatTotals totals_;
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_CHAT_LEDGER_H_
