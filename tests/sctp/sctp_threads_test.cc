// Two SCTP pairs driven from two threads at once. usrsctp is process-wide:
// one pair's HandleTimers may run the other pair's retransmissions, so
// callbacks for an association arrive on a thread that is not its owner.
// Under ThreadSanitizer this checks that such callbacks only touch the
// queues behind the association's mutex.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "sctp/sctp_association.h"
#include "sctp/sctp_pair.h"

namespace konfero::sctp {
namespace {

using testing::SctpPair;

void RunLossyExchange(Clock& clock, int seed, std::atomic<int>& failures) {
  SctpPair pair(clock, SctpPair::FastRetransmitConfig());
  if (!pair.ConnectAndWaitUp()) {
    ++failures;
    return;
  }
  pair.drop = [seed](bool from_client, uint64_t n) {
    return (n + static_cast<uint64_t>(seed)) % (from_client ? 5 : 7) == 0;
  };
  const uint16_t id = pair.client->OpenChannel("t" + std::to_string(seed), "", {}).value();
  constexpr int kCount = 50;
  for (int i = 0; i < kCount; ++i) {
    const std::string text = std::to_string(seed) + ":" + std::to_string(i);
    const std::vector<uint8_t> bytes(text.begin(), text.end());
    if (!pair.client->Send(id, bytes, MessageKind::kText).ok()) {
      ++failures;
    }
    pair.Shuttle();
  }
  if (!pair.RunUntil([&] { return pair.server_events.messages.size() == kCount; },
                     absl::Seconds(30))) {
    ++failures;
    return;
  }
  for (int i = 0; i < kCount; ++i) {
    if (pair.server_events.messages[static_cast<size_t>(i)].text() !=
        std::to_string(seed) + ":" + std::to_string(i)) {
      ++failures;
    }
  }
  if (!pair.client->CloseChannel(id).ok() ||
      !pair.RunUntil([&] { return !pair.server_events.closed.empty(); })) {
    ++failures;
  }
}

TEST(SctpThreadsTest, TwoPairsOnTwoThreadsStayIndependent) {
  // The real clock, as in production; both threads run the shared timer
  // wheel (usrsctp_library.h).
  SystemClock clock;
  std::atomic<int> failures{0};
  std::thread first([&] { RunLossyExchange(clock, 1, failures); });
  std::thread second([&] { RunLossyExchange(clock, 2, failures); });
  first.join();
  second.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace konfero::sctp
