// nack_bench: what keeping a send history costs on the send path, against
// the plain copy of the packet it cannot avoid. Every packet sent is stored
// (one copy into a ring slot); a NACK makes a lookup, and with RTX a wrap
// into the responder's scratch buffer.
//
//   BM_Memcpy/<size>     baseline: copy the packet into a ring of 1500-byte
//                        slots (the same 512 x 1500 bytes as the history)
//   BM_Store/<size>      RtpSendHistory::Store
//   BM_StoreFind/<size>  Store, then Find of a packet sent 100 earlier
//   BM_StoreRespond/<size>  Store, then NackResponder::Respond to a
//                        one-packet NACK with RTX (parse + wrap + callback)
//
// The ratio printed is baseline time / candidate time: 0.5x means the
// candidate costs twice the copy.
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <vector>

#include "audio/ratio_reporter.h"
#include "benchmark/benchmark.h"
#include "rtp/nack_responder.h"
#include "rtp/rtp_packet.h"
#include "rtp/send_history.h"

namespace konfero::rtp {
namespace {

constexpr size_t kCapacity = 512;
constexpr uint32_t kSsrc = 0x11223344;
constexpr uint16_t kLag = 100;  // the NACKed packet was sent this many packets ago

std::vector<uint8_t> Packet(size_t size) {
  std::vector<uint8_t> packet(size, 0x5a);
  RtpPacketWriter writer(packet, {.payload_type = 96, .timestamp = 1, .ssrc = kSsrc});
  const std::vector<uint8_t> payload(size - kRtpFixedHeaderSize, 0x5a);
  writer.SetPayload(payload);
  return packet;
}

void SetSeq(std::vector<uint8_t>& p, uint16_t seq) {
  p[2] = static_cast<uint8_t>(seq >> 8);
  p[3] = static_cast<uint8_t>(seq);
}

// The clock advances 5 us per packet, so the packet asked for is always
// well inside the max age; an interval of 0 lets every request through.
constexpr int64_t kStepUs = 5;
SendHistoryConfig HistoryConfig() {
  return {.capacity = kCapacity, .max_age_us = 1'000'000, .min_resend_interval_us = 0};
}

void BM_Memcpy(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> packet = Packet(size);
  auto ring = std::make_unique<uint8_t[]>(kCapacity * kMaxStoredPacketSize);
  uint16_t seq = 0;
  for (auto _ : state) {
    SetSeq(packet, seq);
    std::memcpy(&ring[(seq % kCapacity) * kMaxStoredPacketSize], packet.data(), size);
    benchmark::DoNotOptimize(ring.get());
    benchmark::ClobberMemory();
    ++seq;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void BM_Store(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> packet = Packet(size);
  RtpSendHistory history(HistoryConfig());
  uint16_t seq = 0;
  int64_t now_us = 0;
  for (auto _ : state) {
    SetSeq(packet, seq);
    benchmark::DoNotOptimize(history.Store(packet, now_us));
    benchmark::ClobberMemory();
    ++seq;
    now_us += kStepUs;
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void BM_StoreFind(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> packet = Packet(size);
  RtpSendHistory history(HistoryConfig());
  uint16_t seq = 0;
  int64_t now_us = 0;
  for (; seq < kLag; ++seq, now_us += kStepUs) {
    SetSeq(packet, seq);
    history.Store(packet, now_us);
  }
  for (auto _ : state) {
    SetSeq(packet, seq);
    history.Store(packet, now_us);
    auto found = history.Find(static_cast<uint16_t>(seq - kLag), now_us);
    benchmark::DoNotOptimize(found);
    ++seq;
    now_us += kStepUs;
  }
  if (history.stats().found != static_cast<uint64_t>(state.iterations())) state.SkipWithError("Find missed");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

void BM_StoreRespond(benchmark::State& state) {
  const size_t size = static_cast<size_t>(state.range(0));
  std::vector<uint8_t> packet = Packet(size);
  NackResponder responder({.media_ssrc = kSsrc,
                           .rtx = RtxStream{.payload_type = 97, .ssrc = 0x55667788},
                           .first_rtx_sequence_number = 0,
                           .history = HistoryConfig()});
  Nack nack{.sender_ssrc = 1, .media_ssrc = kSsrc, .sequence_numbers = {0}};
  uint16_t seq = 0;
  int64_t now_us = 0;
  for (; seq < kLag; ++seq, now_us += kStepUs) {
    SetSeq(packet, seq);
    responder.history().Store(packet, now_us);
  }
  size_t sent_bytes = 0;
  for (auto _ : state) {
    SetSeq(packet, seq);
    responder.history().Store(packet, now_us);
    nack.sequence_numbers[0] = static_cast<uint16_t>(seq - kLag);
    responder.Respond(nack, now_us,
                      [&](std::span<const uint8_t> rtx) { sent_bytes += rtx.size(); });
    ++seq;
    now_us += kStepUs;
  }
  benchmark::DoNotOptimize(sent_bytes);
  if (responder.stats().rtx_sent != static_cast<uint64_t>(state.iterations())) state.SkipWithError("no RTX");
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * size));
}

BENCHMARK(BM_Memcpy)->Arg(200)->Arg(1200);
BENCHMARK(BM_Store)->Arg(200)->Arg(1200);
BENCHMARK(BM_StoreFind)->Arg(200)->Arg(1200);
BENCHMARK(BM_StoreRespond)->Arg(200)->Arg(1200);

}  // namespace
}  // namespace konfero::rtp

int main(int argc, char** argv) {
  return konfero::bench::RunWithRatios(argc, argv,
                                       {{"BM_Memcpy/", "BM_Store/"},
                                        {"BM_Memcpy/", "BM_StoreFind/"},
                                        {"BM_Memcpy/", "BM_StoreRespond/"}});
}
