// The load generator's bookkeeping (bench/load), without sockets: the chat
// ledger's rules for "no chat message lost", RTP loss from sequence
// numbers, the talk schedule, percentiles and the loopback-only server URL.
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "load/chat_ledger.h"
#include "load/load_options.h"
#include "load/load_stats.h"
#include "load/seq_tracker.h"
#include "load/talk_schedule.h"

namespace konfero::load {
namespace {

TEST(ChatLedgerTest, EveryMemberOfTheRoomGetsTheMessageOnce) {
  ChatLedger ledger;
  ledger.Join(1, 0);
  ledger.Join(2, 0);
  ledger.Join(3, 1);  // another room: not owed
  const std::string text = ledger.Post(1);
  ledger.OnChat(1, text);  // the sender's echo
  ledger.OnChat(2, text);
  ledger.OnChat(2, text);
  EXPECT_EQ(ledger.totals().posted, 1u);
  EXPECT_EQ(ledger.totals().deliveries, 2u);
  EXPECT_EQ(ledger.totals().duplicates, 1u);
  EXPECT_EQ(ledger.open_messages(), 0u);  // settled and forgotten
  for (ChatLedger::MemberId m : {1, 2, 3}) {
    ledger.LeaveSent(m);
    ledger.Drained(m);
  }
  EXPECT_EQ(ledger.totals().lost, 0u);
}

TEST(ChatLedgerTest, AMessageEchoedBeforeTheLeaveAndNotReceivedIsLost) {
  ChatLedger ledger;
  ledger.Join(1, 0);
  ledger.Join(2, 0);
  const std::string text = ledger.Post(1);
  ledger.OnChat(1, text);  // the server has broadcast it...
  ledger.LeaveSent(2);     // ...before it handled 2's leave
  ledger.Drained(2);       // and 2 read its pong without the message
  EXPECT_EQ(ledger.totals().lost, 1u);
  EXPECT_EQ(ledger.totals().excused, 0u);
}

TEST(ChatLedgerTest, AMessageNotYetEchoedAtTheLeaveMayBeMissing) {
  ChatLedger ledger;
  ledger.Join(1, 0);
  ledger.Join(2, 0);
  const std::string text = ledger.Post(1);
  ledger.LeaveSent(2);  // the server may handle this leave first
  ledger.OnChat(1, text);
  ledger.Drained(2);
  EXPECT_EQ(ledger.totals().lost, 0u);
  EXPECT_EQ(ledger.totals().excused, 1u);
  EXPECT_EQ(ledger.open_messages(), 0u);
}

TEST(ChatLedgerTest, MembersJoinedAfterThePostOrLeavingAreNotOwedIt) {
  ChatLedger ledger;
  ledger.Join(1, 0);
  ledger.Join(2, 0);
  ledger.LeaveSent(2);
  const std::string text = ledger.Post(1);
  ledger.Join(3, 0);
  ledger.OnChat(1, text);
  ledger.OnChat(3, text);  // welcome, but not counted
  ledger.Drained(2);
  EXPECT_EQ(ledger.totals().deliveries, 1u);
  EXPECT_EQ(ledger.totals().lost, 0u);
}

TEST(ChatLedgerTest, ARefusalWithdrawsTheOldestUnansweredMessage) {
  ChatLedger ledger;
  ledger.Join(1, 0);
  ledger.Join(2, 0);
  const std::string first = ledger.Post(1);
  const std::string second = ledger.Post(1);
  ledger.OnChatRefused(1);  // answers `first`
  ledger.OnChat(1, second);
  ledger.OnChat(2, second);
  ledger.LeaveSent(2);
  ledger.Drained(2);
  ledger.LeaveSent(1);
  ledger.Drained(1);
  EXPECT_EQ(ledger.totals().refused, 1u);
  EXPECT_EQ(ledger.totals().lost, 0u);
  EXPECT_EQ(ledger.open_messages(), 0u);
}

TEST(ChatLedgerTest, AMessageNeitherEchoedNorRefusedByThePongIsLost) {
  ChatLedger ledger;
  ledger.Join(1, 0);
  ledger.Post(1);
  ledger.LeaveSent(1);
  ledger.Drained(1);  // the server answered nothing for it
  EXPECT_EQ(ledger.totals().lost, 1u);
}

TEST(ChatLedgerTest, ForeignTextsAndAbandonedMembersAreNotCountedAsLoss) {
  ChatLedger ledger;
  ledger.Join(1, 0);
  ledger.Join(2, 0);
  ledger.OnChat(2, "hello from a browser");
  EXPECT_EQ(ledger.totals().unexpected, 1u);
  const std::string text = ledger.Post(1);
  ledger.OnChat(1, text);
  ledger.Abandon(2);  // its socket died: counted as a failure elsewhere
  EXPECT_EQ(ledger.totals().lost, 0u);
  EXPECT_EQ(ledger.open_messages(), 0u);
}

TEST(SeqTrackerTest, CountsGapsAcrossTheWrap) {
  SeqTracker t;
  for (uint32_t s = 65530; s < 65530 + 20; ++s) {
    if (s % 7 != 0) t.Add(static_cast<uint16_t>(s));
  }
  EXPECT_EQ(t.expected(), 20u);
  EXPECT_EQ(t.received() + t.lost(), 20u);
  EXPECT_EQ(t.lost(), 3u);
}

TEST(SeqTrackerTest, ReorderingIsNotLossAndARestartIsNotAGap) {
  SeqTracker t;
  for (uint16_t s : {100, 102, 101, 103}) t.Add(s);
  EXPECT_EQ(t.lost(), 0u);
  t.Add(40000);  // a new source behind the same SSRC
  t.Add(40001);
  EXPECT_EQ(t.expected(), 6u);
  EXPECT_EQ(t.lost(), 0u);
}

TEST(TalkScheduleTest, RoomsAreOffsetAndEachCycleTalksThenPauses) {
  const TalkSchedule s(1'000'000, 4);
  EXPECT_EQ(s.CycleStart(0, 0), 1'000'000);
  EXPECT_EQ(s.CycleStart(1, 0), 2'000'000);  // a quarter of the 4 s cycle later
  EXPECT_TRUE(s.Talking(0, 1'000'000));
  EXPECT_TRUE(s.Talking(0, 3'499'999));
  EXPECT_FALSE(s.Talking(0, 3'500'000));
  EXPECT_EQ(s.Cycle(0, 5'000'000), 1);
  EXPECT_EQ(s.Cycle(1, 1'999'999), -1);
  EXPECT_EQ(s.CycleStart(1, s.Cycle(1, 1'999'999)), -2'000'000);
}

TEST(PercentileTest, NearestRank) {
  EXPECT_TRUE(std::isnan(Percentile({}, 0.5)));
  EXPECT_EQ(Percentile({5, 1, 4, 2, 3}, 0.5), 3);
  EXPECT_EQ(Percentile({5, 1, 4, 2, 3}, 0.99), 5);
  MsHistogram h;
  for (int i = 1; i <= 100; ++i) h.Add(i);
  EXPECT_EQ(h.Quantile(0.5), 50.5);  // the upper edge of 50's 0.5 ms bucket
}

TEST(LoadOptionsTest, OnlyLoopbackServers) {
  std::string host;
  uint16_t port = 0;
  EXPECT_TRUE(ParseServerUrl("http://127.0.0.1:8080", host, port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_EQ(port, 8080);
  EXPECT_TRUE(ParseServerUrl("http://localhost:9000/", host, port).ok());
  EXPECT_EQ(host, "127.0.0.1");
  EXPECT_TRUE(ParseServerUrl("http://[::1]:8080", host, port).ok());
  EXPECT_EQ(host, "::1");
  EXPECT_TRUE(ParseServerUrl("http://127.9.9.9", host, port).ok());
  EXPECT_EQ(port, 80);
  for (std::string_view bad : {"http://10.0.0.1:8080", "http://example.com:80", "https://127.0.0.1:1",
                               "http://[::2]:80", "http://127.0.0.1:0", "http://127.0.0.1:8080/x"}) {
    EXPECT_FALSE(ParseServerUrl(bad, host, port).ok()) << bad;
  }
}

TEST(LoadOptionsTest, FlagsAndTheirErrors) {
  const std::vector<std::string_view> args = {
      "--admin-password", "secret-password", "--rooms=20", "--participants-per-room", "10",
      "--duration", "1h", "--churn-interval", "2s", "--chat-interval", "0", "--drift-checks", "none"};
  absl::StatusOr<LoadOptions> o = ParseLoadOptions(args);
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->rooms, 20);
  EXPECT_EQ(o->duration, absl::Hours(1));
  EXPECT_EQ(o->churn_interval, absl::Seconds(2));
  EXPECT_EQ(o->chat_interval, absl::ZeroDuration());
  EXPECT_TRUE(o->drift_checks.empty());
  const std::vector<std::string_view> no_password = {"--rooms", "2"};
  EXPECT_FALSE(ParseLoadOptions(no_password).ok());
  const std::vector<std::string_view> bad = {"--admin-password", "x", "--talkers", "1.5"};
  EXPECT_FALSE(ParseLoadOptions(bad).ok());
  const std::vector<std::string_view> help = {"--help"};
  EXPECT_TRUE(ParseLoadOptions(help)->help);
}

}  // namespace
}  // namespace konfero::load
