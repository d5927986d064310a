// Tests of SrtpSession with keys from a real DTLS handshake: RTP and RTCP
// round trips for both profiles, replay and tamper refusal, bad input.
#include "dtls/srtp_session.h"

#include <array>
#include <cstring>
#include <vector>

#include "dtls/dtls_pair.h"
#include "gtest/gtest.h"

namespace konfero::dtls {
namespace {

using ::konfero::dtls::testing::DtlsPair;

struct Sessions {
  std::unique_ptr<SrtpSession> client;
  std::unique_ptr<SrtpSession> server;
};

Sessions Handshake(SrtpProfile profile) {
  DtlsTransportConfig client;
  client.srtp_profiles = {profile};
  DtlsPair pair;
  pair.Create(client);
  pair.Shuttle();
  EXPECT_EQ(pair.client->selected_srtp_profile(), profile);
  auto c = SrtpSession::Create(*pair.client->srtp_keying_material());
  auto s = SrtpSession::Create(*pair.server->srtp_keying_material());
  EXPECT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(s.ok()) << s.status();
  return {std::move(*c), std::move(*s)};
}

// An RTP packet (RFC 3550 §5.1) of `size` bytes in a buffer with room for
// the SRTP trailer.
std::vector<uint8_t> RtpPacket(uint16_t seq, size_t size, uint32_t ssrc = 0x11223344) {
  std::vector<uint8_t> p(size + SrtpSession::kMaxRtpOverhead);
  p[0] = 0x80;
  p[1] = 111;
  p[2] = static_cast<uint8_t>(seq >> 8);
  p[3] = static_cast<uint8_t>(seq);
  p[4] = 0; p[5] = 0; p[6] = 0x10; p[7] = 0;  // timestamp
  p[8] = static_cast<uint8_t>(ssrc >> 24);
  p[9] = static_cast<uint8_t>(ssrc >> 16);
  p[10] = static_cast<uint8_t>(ssrc >> 8);
  p[11] = static_cast<uint8_t>(ssrc);
  for (size_t i = 12; i < size; ++i) p[i] = static_cast<uint8_t>(i * 7 + seq);
  return p;
}

// An RTCP receiver report without blocks (RFC 3550 §6.4.2): 8 bytes.
std::vector<uint8_t> RtcpReceiverReport() {
  std::vector<uint8_t> p = {0x80, 201, 0, 1, 0x11, 0x22, 0x33, 0x44};
  p.resize(8 + SrtpSession::kMaxRtcpOverhead);
  return p;
}

class SrtpSessionTest : public ::testing::TestWithParam<SrtpProfile> {};

TEST_P(SrtpSessionTest, RtpRoundTripsBetweenPeers) {
  Sessions s = Handshake(GetParam());
  ASSERT_NE(s.client, nullptr);
  for (uint16_t seq = 65530; seq != 10; ++seq) {  // across the wrap
    std::vector<uint8_t> packet = RtpPacket(seq, 1200);
    const std::vector<uint8_t> plain(packet.begin(), packet.begin() + 1200);
    auto protected_size = s.client->ProtectRtp(absl::MakeSpan(packet), 1200);
    ASSERT_TRUE(protected_size.has_value());
    EXPECT_EQ(*protected_size, 1200 + s.client->rtp_overhead());
    EXPECT_NE(std::memcmp(packet.data() + 12, plain.data() + 12, 100), 0);  // encrypted
    auto size = s.server->UnprotectRtp(absl::MakeSpan(packet.data(), *protected_size));
    ASSERT_TRUE(size.has_value());
    EXPECT_EQ(std::vector<uint8_t>(packet.begin(), packet.begin() + *size), plain);
  }
  // And the other way.
  std::vector<uint8_t> packet = RtpPacket(1, 300, 0xabcdef01);
  auto n = s.server->ProtectRtp(absl::MakeSpan(packet), 300);
  ASSERT_TRUE(n.has_value());
  EXPECT_EQ(s.client->UnprotectRtp(absl::MakeSpan(packet.data(), *n)), 300u);
  EXPECT_EQ(s.client->stats().rtp_unprotected, 1u);
  EXPECT_EQ(s.server->stats().rtp_unprotected, 16u);
  EXPECT_EQ(s.client->stats().rtp_protected, 16u);
}

TEST_P(SrtpSessionTest, RtcpRoundTripsBetweenPeers) {
  Sessions s = Handshake(GetParam());
  for (int i = 0; i < 3; ++i) {
    std::vector<uint8_t> packet = RtcpReceiverReport();
    auto n = s.client->ProtectRtcp(absl::MakeSpan(packet), 8);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n, 8 + s.client->rtcp_overhead());
    auto m = s.server->UnprotectRtcp(absl::MakeSpan(packet.data(), *n));
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(*m, 8u);
    EXPECT_EQ(packet[1], 201);
  }
  EXPECT_EQ(s.server->stats().rtcp_unprotected, 3u);
}

TEST_P(SrtpSessionTest, ReplayedPacketIsRefused) {
  Sessions s = Handshake(GetParam());
  std::vector<uint8_t> packet = RtpPacket(100, 200);
  auto n = s.client->ProtectRtp(absl::MakeSpan(packet), 200);
  ASSERT_TRUE(n.has_value());
  std::vector<uint8_t> copy(packet.begin(), packet.begin() + *n);
  ASSERT_TRUE(s.server->UnprotectRtp(absl::MakeSpan(packet.data(), *n)).has_value());
  EXPECT_FALSE(s.server->UnprotectRtp(absl::MakeSpan(copy)).has_value());
  EXPECT_EQ(s.server->stats().replays, 1u);

  std::vector<uint8_t> rtcp = RtcpReceiverReport();
  auto r = s.client->ProtectRtcp(absl::MakeSpan(rtcp), 8);
  ASSERT_TRUE(r.has_value());
  std::vector<uint8_t> rtcp_copy(rtcp.begin(), rtcp.begin() + *r);
  ASSERT_TRUE(s.server->UnprotectRtcp(absl::MakeSpan(rtcp.data(), *r)).has_value());
  EXPECT_FALSE(s.server->UnprotectRtcp(absl::MakeSpan(rtcp_copy)).has_value());
  EXPECT_EQ(s.server->stats().replays, 2u);
}

TEST_P(SrtpSessionTest, SenderRefusesToProtectTheSameSequenceNumberTwice) {
  Sessions s = Handshake(GetParam());
  std::vector<uint8_t> a = RtpPacket(7, 100);
  std::vector<uint8_t> b = RtpPacket(7, 100);
  ASSERT_TRUE(s.client->ProtectRtp(absl::MakeSpan(a), 100).has_value());
  EXPECT_FALSE(s.client->ProtectRtp(absl::MakeSpan(b), 100).has_value());
  EXPECT_EQ(s.client->stats().replays, 1u);
}

TEST_P(SrtpSessionTest, TamperedPacketFailsAuthentication) {
  Sessions s = Handshake(GetParam());
  for (int where = 0; where < 3; ++where) {  // header, payload, tag
    std::vector<uint8_t> packet = RtpPacket(static_cast<uint16_t>(where), 140);
    auto n = s.client->ProtectRtp(absl::MakeSpan(packet), 140);
    ASSERT_TRUE(n.has_value());
    const size_t at = where == 0 ? 1 : where == 1 ? 20 : *n - 1;
    packet[at] ^= 0x01;
    EXPECT_FALSE(s.server->UnprotectRtp(absl::MakeSpan(packet.data(), *n)).has_value()) << at;
  }
  std::vector<uint8_t> rtcp = RtcpReceiverReport();
  auto r = s.client->ProtectRtcp(absl::MakeSpan(rtcp), 8);
  ASSERT_TRUE(r.has_value());
  rtcp[9] ^= 0x80;
  EXPECT_FALSE(s.server->UnprotectRtcp(absl::MakeSpan(rtcp.data(), *r)).has_value());
  EXPECT_EQ(s.server->stats().auth_failures, 4u);
  EXPECT_EQ(s.server->stats().rtp_unprotected, 0u);
}

TEST_P(SrtpSessionTest, OwnPacketsDoNotAuthenticateAsThePeers) {
  // Each direction has its own key: a reflected packet is rejected.
  Sessions s = Handshake(GetParam());
  std::vector<uint8_t> packet = RtpPacket(1, 100);
  auto n = s.client->ProtectRtp(absl::MakeSpan(packet), 100);
  ASSERT_TRUE(n.has_value());
  EXPECT_FALSE(s.client->UnprotectRtp(absl::MakeSpan(packet.data(), *n)).has_value());
  EXPECT_EQ(s.client->stats().auth_failures, 1u);
}

TEST_P(SrtpSessionTest, RefusesBadInput) {
  Sessions s = Handshake(GetParam());
  std::vector<uint8_t> packet = RtpPacket(1, 100);
  // No room for the tag.
  EXPECT_FALSE(s.client->ProtectRtp(absl::MakeSpan(packet.data(), 100), 100).has_value());
  // Size beyond the buffer.
  EXPECT_FALSE(s.client->ProtectRtp(absl::MakeSpan(packet), packet.size() + 1).has_value());
  // Too short to be SRTP.
  std::array<uint8_t, 5> tiny = {0x80, 0, 0, 1, 0};
  EXPECT_FALSE(s.server->UnprotectRtp(absl::MakeSpan(tiny)).has_value());
  EXPECT_FALSE(s.server->UnprotectRtcp(absl::MakeSpan(tiny)).has_value());
  EXPECT_FALSE(s.server->UnprotectRtp({}).has_value());
  EXPECT_EQ(s.client->stats().other_failures, 2u);
}

INSTANTIATE_TEST_SUITE_P(Profiles, SrtpSessionTest,
                         ::testing::Values(SrtpProfile::kAeadAes128Gcm,
                                           SrtpProfile::kAes128CmHmacSha1_80),
                         [](const ::testing::TestParamInfo<SrtpProfile>& param_info) {
                           return param_info.param == SrtpProfile::kAeadAes128Gcm ? "Gcm"
                                                                                  : "AesCm";
                         });

TEST(SrtpSessionCreateTest, RejectsKeysOfTheWrongLength) {
  SrtpKeyingMaterial keys;
  keys.profile = SrtpProfile::kAeadAes128Gcm;
  keys.local_key.assign(16, 1);
  keys.remote_key.assign(16, 2);
  keys.local_salt.assign(14, 3);  // AES-CM's salt length, not GCM's
  keys.remote_salt.assign(14, 4);
  EXPECT_EQ(SrtpSession::Create(keys).status().code(), absl::StatusCode::kInvalidArgument);
  keys.local_salt.assign(12, 3);
  keys.remote_salt.assign(12, 4);
  EXPECT_TRUE(SrtpSession::Create(keys).ok());
  EXPECT_EQ(SrtpSession::Create(keys, {.replay_window = 10}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(SrtpSession::Create(keys, {.replay_window = 1024}).ok());
}

}  // namespace
}  // namespace konfero::dtls
