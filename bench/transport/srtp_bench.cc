// srtp_bench: the SRTP crypto baseline of the transport. Protecting and
// unprotecting a 1200-byte RTP packet (a full video packet) with each
// DTLS-SRTP profile, on Debian's libsrtp2 (NSS crypto). The baseline is
// AES_CM_128_HMAC_SHA1_80; the ratio says how much cheaper GCM is, which is
// why DtlsTransport prefers AEAD_AES_128_GCM.
//
// Keys are fixed bytes, not from a handshake: the cost does not depend on
// them. One iteration protects one packet with the sender's session and
// unprotects it with the receiver's, so the sequence number advances and
// replay protection stays on.
#include <cstdint>
#include <memory>
#include <vector>

#include "audio/ratio_reporter.h"
#include "benchmark/benchmark.h"
#include "dtls/srtp_session.h"

namespace konfero::dtls {
namespace {

constexpr size_t kPacketSize = 1200;

SrtpKeyingMaterial Keys(SrtpProfile profile, bool sender) {
  SrtpKeyingMaterial keys;
  keys.profile = profile;
  std::vector<uint8_t> a_key(SrtpMasterKeyLength(profile), 0x11);
  std::vector<uint8_t> a_salt(SrtpMasterSaltLength(profile), 0x22);
  std::vector<uint8_t> b_key(SrtpMasterKeyLength(profile), 0x33);
  std::vector<uint8_t> b_salt(SrtpMasterSaltLength(profile), 0x44);
  keys.local_key = sender ? a_key : b_key;
  keys.local_salt = sender ? a_salt : b_salt;
  keys.remote_key = sender ? b_key : a_key;
  keys.remote_salt = sender ? b_salt : a_salt;
  return keys;
}

std::vector<uint8_t> Packet() {
  std::vector<uint8_t> p(kPacketSize + SrtpSession::kMaxRtpOverhead, 0x5a);
  p[0] = 0x80;
  p[1] = 96;
  p[2] = p[3] = 0;
  p[8] = 0x12; p[9] = 0x34; p[10] = 0x56; p[11] = 0x78;
  return p;
}

void SetSeq(std::vector<uint8_t>& p, uint16_t seq) {
  p[2] = static_cast<uint8_t>(seq >> 8);
  p[3] = static_cast<uint8_t>(seq);
}

void BM_ProtectUnprotect(benchmark::State& state, SrtpProfile profile) {
  auto sender = SrtpSession::Create(Keys(profile, true));
  auto receiver = SrtpSession::Create(Keys(profile, false));
  if (!sender.ok() || !receiver.ok()) {
    state.SkipWithError("SrtpSession::Create failed");
    return;
  }
  std::vector<uint8_t> packet = Packet();
  uint16_t seq = 0;
  for (auto _ : state) {
    SetSeq(packet, seq++);
    auto n = (*sender)->ProtectRtp(absl::MakeSpan(packet), kPacketSize);
    auto m = (*receiver)->UnprotectRtp(absl::MakeSpan(packet.data(), n.value_or(0)));
    benchmark::DoNotOptimize(m);
    if (!m) {
      state.SkipWithError("round trip failed");
      return;
    }
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kPacketSize));
}

void BM_Protect(benchmark::State& state, SrtpProfile profile) {
  auto sender = SrtpSession::Create(Keys(profile, true));
  if (!sender.ok()) {
    state.SkipWithError("SrtpSession::Create failed");
    return;
  }
  std::vector<uint8_t> packet = Packet();
  const std::vector<uint8_t> plain = packet;
  uint16_t seq = 0;
  for (auto _ : state) {
    // Restoring the plaintext is a 1.2 kB copy: small next to the crypto.
    std::copy(plain.begin(), plain.begin() + kPacketSize, packet.begin());
    SetSeq(packet, seq++);
    auto n = (*sender)->ProtectRtp(absl::MakeSpan(packet), kPacketSize);
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kPacketSize));
}

BENCHMARK_CAPTURE(BM_ProtectUnprotect, AesCm, SrtpProfile::kAes128CmHmacSha1_80);
BENCHMARK_CAPTURE(BM_ProtectUnprotect, Gcm, SrtpProfile::kAeadAes128Gcm);
BENCHMARK_CAPTURE(BM_Protect, AesCm, SrtpProfile::kAes128CmHmacSha1_80);
BENCHMARK_CAPTURE(BM_Protect, Gcm, SrtpProfile::kAeadAes128Gcm);

}  // namespace
}  // namespace konfero::dtls

int main(int argc, char** argv) {
  return konfero::bench::RunWithRatios(
      argc, argv,
      {{"BM_ProtectUnprotect/AesCm", "BM_ProtectUnprotect/Gcm"},
       {"BM_Protect/AesCm", "BM_Protect/Gcm"}});
}
