// srtp_forward_bench: what forwarding costs on top of the crypto.
//
// One publisher, N subscribers (N = 1, 10, 100), 1200-byte video packets.
// BM_Forward/N is the engine's per-packet path: copy the datagram out of the
// receive slot, SRTP-unprotect it, parse the RTP header, and for each
// subscriber copy it into a send slot, rewrite SSRC, sequence number and
// timestamp, and SRTP-protect it. BM_CryptoOnly/N is the raw libsrtp work
// the same packet needs: one unprotect and N protects. The ratio is the
// forwarding overhead (goal: at most 1.30). The sendmmsg that follows is
// the same system call with or without an engine, and is left out of both.
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "audio/ratio_reporter.h"
#include "benchmark/benchmark.h"
#include "dtls/srtp_session.h"
#include "rtp/rtp_packet.h"

namespace konfero::dtls {
namespace {

constexpr size_t kPacketSize = 1200;
constexpr size_t kSlot = 1500;
constexpr int kPrepared = 4096;  // publisher packets protected in advance

SrtpKeyingMaterial Keys(uint8_t seed, bool sender) {
  SrtpKeyingMaterial keys;
  keys.profile = SrtpProfile::kAeadAes128Gcm;
  std::vector<uint8_t> a_key(16, seed), a_salt(12, seed + 1);
  std::vector<uint8_t> b_key(16, seed + 2), b_salt(12, seed + 3);
  keys.local_key = sender ? a_key : b_key;
  keys.local_salt = sender ? a_salt : b_salt;
  keys.remote_key = sender ? b_key : a_key;
  keys.remote_salt = sender ? b_salt : a_salt;
  return keys;
}

std::vector<uint8_t> PlainPacket(uint16_t seq) {
  std::vector<uint8_t> p(kSlot, 0x5a);
  rtp::RtpHeader h;
  h.payload_type = 96;
  h.sequence_number = seq;
  h.timestamp = 90 * seq;
  h.ssrc = 0x12345678;
  rtp::RtpPacketWriter w(std::span<uint8_t>(p.data(), kPacketSize), h);
  std::vector<uint8_t> payload(kPacketSize - 12, 0xa5);
  w.SetPayload(payload);
  p.resize(kPacketSize);
  return p;
}

// The publisher's stream as it arrives: SRTP packets with fresh sequence
// numbers, so replay protection stays on in the measured unprotect.
struct Publisher {
  std::vector<std::vector<uint8_t>> packets;
  std::unique_ptr<SrtpSession> receiver;  // the engine's inbound session

  Publisher() {
    auto sender = SrtpSession::Create(Keys(0x10, true));
    for (int i = 0; i < kPrepared; ++i) {
      std::vector<uint8_t> p = PlainPacket(static_cast<uint16_t>(i));
      p.resize(kSlot);
      const size_t n = *(*sender)->ProtectRtp(absl::MakeSpan(p), kPacketSize);
      p.resize(n);
      packets.push_back(std::move(p));
    }
    Reset();
  }
  void Reset() { receiver = *SrtpSession::Create(Keys(0x10, false)); }
};

struct Subscribers {
  std::vector<std::unique_ptr<SrtpSession>> sessions;
  std::vector<uint16_t> seq;
  explicit Subscribers(int n) {
    for (int i = 0; i < n; ++i) {
      sessions.push_back(*SrtpSession::Create(Keys(static_cast<uint8_t>(0x40 + i), true)));
      seq.push_back(static_cast<uint16_t>(i * 1000));
    }
  }
};

void BM_Forward(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Publisher publisher;
  Subscribers subscribers(n);
  std::array<uint8_t, kSlot> receive_slot{};
  std::vector<std::array<uint8_t, kSlot>> send_slots(n);
  int next = 0;
  for (auto _ : state) {
    if (next == kPrepared) {
      state.PauseTiming();
      publisher.Reset();
      next = 0;
      state.ResumeTiming();
    }
    const std::vector<uint8_t>& datagram = publisher.packets[next++];
    std::memcpy(receive_slot.data(), datagram.data(), datagram.size());
    const auto plain = publisher.receiver->UnprotectRtp(
        absl::MakeSpan(receive_slot.data(), datagram.size()));
    auto view = rtp::RtpPacketView::Parse(std::span<const uint8_t>(receive_slot.data(), *plain));
    if (!view) {
      state.SkipWithError("parse failed");
      return;
    }
    const uint32_t timestamp = view->timestamp();
    for (int i = 0; i < n; ++i) {
      std::array<uint8_t, kSlot>& out = send_slots[i];
      std::memcpy(out.data(), receive_slot.data(), *plain);
      auto packet = rtp::MutableRtpPacket::Parse(std::span<uint8_t>(out.data(), *plain));
      packet->SetSsrc(0x1000 + static_cast<uint32_t>(i));
      packet->SetSequenceNumber(subscribers.seq[i]++);
      packet->SetTimestamp(timestamp + 3000);
      auto size = subscribers.sessions[i]->ProtectRtp(absl::MakeSpan(out), *plain);
      benchmark::DoNotOptimize(size);
    }
  }
  state.SetItemsProcessed(state.iterations() * n);
}

void BM_CryptoOnly(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Publisher publisher;
  Subscribers subscribers(n);
  std::vector<std::array<uint8_t, kSlot>> buffers(kPrepared);
  for (int i = 0; i < kPrepared; ++i) {
    std::memcpy(buffers[i].data(), publisher.packets[i].data(), publisher.packets[i].size());
  }
  std::vector<uint8_t> plain = PlainPacket(0);
  plain.resize(kSlot);
  int next = 0;
  for (auto _ : state) {
    if (next == kPrepared) {
      state.PauseTiming();
      publisher.Reset();
      for (int i = 0; i < kPrepared; ++i) {
        std::memcpy(buffers[i].data(), publisher.packets[i].data(), publisher.packets[i].size());
      }
      next = 0;
      state.ResumeTiming();
    }
    const int k = next++;
    auto size = publisher.receiver->UnprotectRtp(
        absl::MakeSpan(buffers[k].data(), publisher.packets[k].size()));
    benchmark::DoNotOptimize(size);
    for (int i = 0; i < n; ++i) {
      // libsrtp refuses to protect a sequence number twice: only the two
      // header bytes change, nothing a forwarder would not also do.
      plain[2] = static_cast<uint8_t>(subscribers.seq[i] >> 8);
      plain[3] = static_cast<uint8_t>(subscribers.seq[i]++);
      auto out = subscribers.sessions[i]->ProtectRtp(absl::MakeSpan(plain), kPacketSize);
      benchmark::DoNotOptimize(out);
    }
  }
  state.SetItemsProcessed(state.iterations() * n);
}

BENCHMARK(BM_CryptoOnly)->Arg(1)->Arg(10)->Arg(100);
BENCHMARK(BM_Forward)->Arg(1)->Arg(10)->Arg(100);

}  // namespace
}  // namespace konfero::dtls

int main(int argc, char** argv) {
  return konfero::bench::RunWithRatios(argc, argv, {{"BM_CryptoOnly/", "BM_Forward/"}});
}
