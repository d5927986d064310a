// sctp/sctp_pair.h: two SctpAssociations, DTLS client and server, joined by
// an in-memory shuttle that can drop packets, with timers driven by one
// clock. Test helper only.
//
// With a ManualClock time jumps 10 ms per step at no cost, which drives
// delayed SACKs, the handshake and error counting. usrsctp only retransmits
// on timeout once an RTO of *real* time has passed (sctp_association.h), so
// tests that need timeout retransmissions use the SystemClock with
// FastRetransmitConfig(): each step then sleeps a millisecond.
#ifndef KONFERO_TESTS_SCTP_SCTP_PAIR_H_
#define KONFERO_TESTS_SCTP_SCTP_PAIR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "konfero/clock.h"
#include "sctp/sctp_association.h"

namespace konfero::sctp::testing {

struct ReceivedMessage {
  uint16_t stream_id;
  MessageKind kind;
  std::vector<uint8_t> data;
  std::string text() const { return std::string(data.begin(), data.end()); }
};

class RecordingListener : public SctpAssociation::Listener {
 public:
  void OnAssociationUp(SctpAssociation*) override { up = true; }
  void OnAssociationDown(SctpAssociation*, const absl::Status& reason) override {
    down = true;
    down_reason = reason;
  }
  void OnChannelOpen(SctpAssociation*, const DataChannelInfo& channel) override {
    opened.push_back(channel);
  }
  void OnMessage(SctpAssociation*, uint16_t stream_id, MessageKind kind,
                 absl::Span<const uint8_t> message) override {
    messages.push_back({stream_id, kind, {message.begin(), message.end()}});
  }
  void OnChannelClosed(SctpAssociation*, uint16_t stream_id) override {
    closed.push_back(stream_id);
  }

  bool up = false;
  bool down = false;
  absl::Status down_reason;
  std::vector<DataChannelInfo> opened;
  std::vector<ReceivedMessage> messages;
  std::vector<uint16_t> closed;
};

class SctpPair {
 public:
  // `drop(from_client, n)` decides whether the n-th packet (counted per
  // direction from 0) is lost.
  using DropFn = std::function<bool(bool from_client, uint64_t n)>;

  explicit SctpPair(Clock& clock, SctpAssociation::Config config = {})
      : clock_(clock), manual_clock_(dynamic_cast<ManualClock*>(&clock)) {
    config.role = DtlsRole::kClient;
    client = std::move(SctpAssociation::Create(config, client_events).value());
    config.role = DtlsRole::kServer;
    server = std::move(SctpAssociation::Create(config, server_events).value());
  }

  void Connect() {
    EXPECT_TRUE(client->Connect().ok());
    EXPECT_TRUE(server->Connect().ok());
  }

  // Moves packets both ways until neither side has anything to send.
  void Shuttle() {
    for (int round = 0; round < 10000; ++round) {
      auto from_client = client->TakeOutgoing();
      auto from_server = server->TakeOutgoing();
      if (from_client.empty() && from_server.empty()) return;
      for (const auto& packet : from_client) {
        if (!(drop && drop(true, client_packets_))) server->HandleIncomingPacket(packet);
        ++client_packets_;
      }
      for (const auto& packet : from_server) {
        if (!(drop && drop(false, server_packets_))) client->HandleIncomingPacket(packet);
        ++server_packets_;
      }
    }
    ADD_FAILURE() << "the shuttle never went quiet";
  }

  // Short RTOs, for tests on the real clock that wait for retransmissions.
  static SctpAssociation::Config FastRetransmitConfig() {
    SctpAssociation::Config config;
    config.rto_initial = absl::Milliseconds(50);
    config.rto_min = absl::Milliseconds(20);
    config.rto_max = absl::Milliseconds(200);
    return config;
  }

  // Shuttles and lets time pass (10 ms steps on a ManualClock, 1 ms sleeps
  // on a real one) until `done` or `limit`.
  bool RunUntil(const std::function<bool()>& done,
                absl::Duration limit = absl::Seconds(60)) {
    const absl::Time end = clock_.Now() + limit;
    while (true) {
      Shuttle();
      if (done()) return true;
      if (clock_.Now() >= end) return false;
      if (manual_clock_ != nullptr) {
        manual_clock_->Advance(absl::Milliseconds(10));
      } else {
        absl::SleepFor(absl::Milliseconds(1));
      }
      client->HandleTimers(clock_.Now());
      server->HandleTimers(clock_.Now());
    }
  }

  bool ConnectAndWaitUp() {
    Connect();
    client->HandleTimers(clock_.Now());
    return RunUntil([&] { return client_events.up && server_events.up; });
  }

  RecordingListener client_events;
  RecordingListener server_events;
  std::unique_ptr<SctpAssociation> client;
  std::unique_ptr<SctpAssociation> server;
  DropFn drop;

 private:
  Clock& clock_;
  ManualClock* const manual_clock_;
  uint64_t client_packets_ = 0;
  uint64_t server_packets_ = 0;
};

}  // namespace konfero::sctp::testing

#endif  // KONFERO_TESTS_SCTP_SCTP_PAIR_H_
