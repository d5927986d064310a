// Tests of media/peer_transport.h without sockets: a PeerTransport facing an
// in-memory WebRTC client built from the project's own sans-I/O pieces (a
// STUN binding request, a DtlsTransport in the client role, an SrtpSession
// keyed by it, and an SctpAssociation with DCEP), on a ManualMonotonicClock.
// The owner is a recording fake: what the transport sends, and what it
// reports.
#include "media/peer_transport.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "dtls/dtls_certificate.h"
#include "dtls/dtls_transport.h"
#include "dtls/srtp_session.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/clock.h"
#include "konfero/net/ip_endpoint.h"
#include "rtp/rtp_header_extensions.h"
#include "rtp/rtp_packet.h"
#include "sctp/sctp_association.h"
#include "stun/stun_message.h"

namespace konfero::media {
namespace {

using ::testing::ElementsAre;

const stun::IceCredentials kServerIce = {"srvA", "serverPassword+0123456/"};
const stun::IceCredentials kBrowserIce = {"brw1", "browserPassword0123456789"};
constexpr uint8_t kOpusPt = 111;
constexpr uint8_t kAudioLevelId = 1;
constexpr uint32_t kServerAudioSsrc = 0x51515151;
constexpr uint32_t kBrowserAudioSsrc = 0xB0B0B0B0;

net::IpEndpoint BrowserAddress() { return *net::IpEndpoint::Parse("203.0.113.7", 50000); }
net::IpEndpoint OtherAddress() { return *net::IpEndpoint::Parse("198.51.100.99", 61000); }

std::shared_ptr<const dtls::DtlsCertificate> NewCertificate() {
  // A certificate's validity is wall-clock time by nature (X.509).
  auto cert = dtls::DtlsCertificate::Generate(absl::Now());
  EXPECT_TRUE(cert.ok()) << cert.status();
  return cert.ok() ? *cert : nullptr;
}

// What the transport sends and reports.
class RecordingOwner final : public PeerTransport::Owner {
 public:
  struct Datagram {
    std::vector<uint8_t> bytes;
    net::IpEndpoint to;
  };
  struct State {
    PeerState state;
    std::string reason;
  };

  void SendDatagram(absl::Span<const uint8_t> datagram, const net::IpEndpoint& to) override {
    sent.push_back({{datagram.begin(), datagram.end()}, to});
  }
  void OnControlMessage(PeerTransport&, std::string_view text) override {
    control_messages.emplace_back(text);
  }
  void OnVideoRtp(PeerTransport&, absl::Span<uint8_t>, int64_t) override { ++video_rtp; }
  void OnVideoFeedback(PeerTransport&, const rtp::RtcpPacket&, int64_t) override {}
  void OnControlChannelOpen(PeerTransport&) override { ++control_channel_opened; }
  void OnAudioPacket(MediaLeg&, const audio::InputPacket& packet) override {
    audio.push_back(packet);
  }
  void OnStateChanged(MediaLeg&, PeerState state, std::string_view reason) override {
    states.push_back({state, std::string(reason)});
  }
  void OnReceiverLoss(MediaLeg&, int loss_percent) override { losses.push_back(loss_percent); }
  void OnDigit(MediaLeg&, char) override { ADD_FAILURE() << "a WebRTC leg has no DTMF"; }

  std::vector<PeerState> StateList() const {
    std::vector<PeerState> out;
    for (const State& s : states) out.push_back(s.state);
    return out;
  }

  std::vector<Datagram> sent;
  std::vector<std::string> control_messages;
  std::vector<audio::InputPacket> audio;
  std::vector<State> states;
  std::vector<int> losses;
  int video_rtp = 0;
  int control_channel_opened = 0;
};

// The browser's data channel side.
class BrowserSctp final : public sctp::SctpAssociation::Listener {
 public:
  struct Message {
    uint16_t stream_id;
    sctp::MessageKind kind;
    std::string text;
  };
  void OnAssociationUp(sctp::SctpAssociation*) override { up = true; }
  void OnAssociationDown(sctp::SctpAssociation*, const absl::Status&) override { up = false; }
  void OnChannelOpen(sctp::SctpAssociation*, const sctp::DataChannelInfo& channel) override {
    opened.push_back(channel);
  }
  void OnMessage(sctp::SctpAssociation*, uint16_t stream_id, sctp::MessageKind kind,
                 absl::Span<const uint8_t> message) override {
    messages.push_back({stream_id, kind, std::string(message.begin(), message.end())});
  }
  void OnChannelClosed(sctp::SctpAssociation*, uint16_t) override {}

  bool up = false;
  std::vector<sctp::DataChannelInfo> opened;
  std::vector<Message> messages;
};

struct StunCheck {
  std::string username = "srvA:brw1";
  std::string key = kServerIce.pwd;
  bool use_candidate = true;
  uint8_t id_seed = 1;
};

std::vector<uint8_t> BindingRequest(const StunCheck& c) {
  stun::TransactionId id;
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(c.id_seed + i);
  stun::StunMessage m(stun::MessageType(stun::kBindingMethod, stun::StunClass::kRequest), id);
  EXPECT_TRUE(m.AddUsername(c.username));
  EXPECT_TRUE(m.AddPriority(0x6e0001ff));
  EXPECT_TRUE(m.AddIceControlling(0x1122334455667788));
  if (c.use_candidate) {
    EXPECT_TRUE(m.AddUseCandidate());
  }
  std::vector<uint8_t> bytes = m.Serialize();
  EXPECT_TRUE(stun::AppendMessageIntegrity(bytes, c.key));
  EXPECT_TRUE(stun::AppendFingerprint(bytes));
  return bytes;
}

class PeerTransportTest : public ::testing::Test {
 protected:
  // Creates the transport (our side) and the browser's DTLS and SCTP.
  // `expected_fingerprint`: what our setup expects of the browser's
  // certificate, if not its real fingerprint.
  void Start(bool data_channels = true,
             std::optional<std::string> expected_fingerprint = std::nullopt) {
    server_cert_ = NewCertificate();
    browser_cert_ = NewCertificate();
    ASSERT_NE(server_cert_, nullptr);
    ASSERT_NE(browser_cert_, nullptr);
    PeerSetup setup;
    setup.participant = ParticipantId{7};
    setup.room = RoomId{1};
    setup.local_ice = kServerIce;
    setup.remote_ice = kBrowserIce;
    setup.dtls.role = dtls::DtlsRole::kServer;  // we answered a=setup:passive
    setup.dtls.remote_fingerprint =
        expected_fingerprint.value_or(browser_cert_->fingerprint_sha256());
    setup.audio.payload_type = kOpusPt;
    setup.audio.audio_level_id = kAudioLevelId;
    setup.audio.send_ssrc = kServerAudioSsrc;
    setup.has_audio = true;
    setup.has_data_channels = data_channels;
    setup.consent_timeout = absl::Seconds(30);
    absl::StatusOr<std::unique_ptr<PeerTransport>> peer =
        PeerTransport::Create(setup, server_cert_, owner_, counters_, clock_.NowMicros());
    ASSERT_TRUE(peer.ok()) << peer.status();
    peer_ = *std::move(peer);

    dtls::DtlsTransportConfig config;
    config.role = dtls::DtlsRole::kClient;
    config.remote_fingerprint = server_cert_->fingerprint_sha256();
    absl::StatusOr<std::unique_ptr<dtls::DtlsTransport>> dtls =
        dtls::DtlsTransport::Create(browser_cert_, config);
    ASSERT_TRUE(dtls.ok()) << dtls.status();
    browser_dtls_ = *std::move(dtls);
    ASSERT_TRUE(browser_dtls_->Start(Now()).ok());

    if (data_channels) {
      sctp::SctpAssociation::Config sctp_config;
      sctp_config.role = sctp::DtlsRole::kClient;
      sctp_config.mtu = 1100;
      absl::StatusOr<std::unique_ptr<sctp::SctpAssociation>> assoc =
          sctp::SctpAssociation::Create(sctp_config, browser_sctp_events_);
      ASSERT_TRUE(assoc.ok()) << assoc.status();
      browser_sctp_ = *std::move(assoc);
    }
  }

  void TearDown() override {
    // The associations go before usrsctp's last user: ours, then the peer's.
    browser_sctp_.reset();
    peer_.reset();
  }

  // The browser's clock is the worker's: only differences matter.
  absl::Time Now() const { return absl::FromUnixMicros(clock_.NowMicros()); }

  // The browser's STUN check; returns what HandleStun returned.
  bool Check(const StunCheck& c, const net::IpEndpoint& from = BrowserAddress()) {
    return peer_->HandleStun(BindingRequest(c), from, clock_.NowMicros());
  }

  // Moves datagrams both ways until neither side has any: DTLS records
  // (with SCTP inside) and the transport's STUN responses and SRTP.
  void Pump() {
    for (int round = 0; round < 1000; ++round) {
      bool moved = false;
      if (browser_sctp_ && browser_dtls_->state() == dtls::DtlsState::kConnected) {
        if (!browser_sctp_connected_) {
          ASSERT_TRUE(browser_sctp_->Connect().ok());
          browser_sctp_connected_ = true;
        }
        for (const std::vector<uint8_t>& p : browser_sctp_->TakeOutgoing()) {
          ASSERT_TRUE(browser_dtls_->SendApplicationData(p).ok());
        }
      }
      for (const std::vector<uint8_t>& d : browser_dtls_->TakeOutgoing()) {
        peer_->HandleDtls(d, browser_from_, clock_.NowMicros());
        moved = true;
      }
      while (delivered_ < owner_.sent.size()) {
        const RecordingOwner::Datagram d = owner_.sent[delivered_++];
        moved = true;
        if (d.bytes.empty()) continue;
        const uint8_t first = d.bytes[0];
        if (first >= 20 && first <= 63) {
          dtls_to_.push_back(d.to);
          absl::StatusOr<std::vector<std::vector<uint8_t>>> records =
              browser_dtls_->HandleIncoming(d.bytes, Now());
          if (records.ok() && browser_sctp_) {
            for (const std::vector<uint8_t>& r : *records) browser_sctp_->HandleIncomingPacket(r);
          }
        } else if (first >= 128 && first <= 191) {
          media_to_browser_.push_back(d);
        } else {
          stun_to_browser_.push_back(d);
        }
      }
      if (!moved) return;
    }
    ADD_FAILURE() << "datagrams still flowing after 1000 rounds";
  }

  // Pumps and lets the media clock run in 10 ms steps (the transport's
  // timers and the browser's SCTP timers) until `done`.
  bool RunUntil(const std::function<bool()>& done, int max_steps = 1000) {
    for (int i = 0; i < max_steps; ++i) {
      Pump();
      if (done()) return true;
      clock_.Advance(absl::Milliseconds(10));
      peer_->OnTimer(clock_.NowMicros());
      if (browser_sctp_ && browser_sctp_connected_) browser_sctp_->HandleTimers(Now());
    }
    Pump();
    return done();
  }

  // STUN nomination, then the DTLS handshake; the browser's SRTP.
  void Connect() {
    ASSERT_TRUE(Check({}));
    ASSERT_TRUE(RunUntil([&] {
      return browser_dtls_->state() == dtls::DtlsState::kConnected &&
             peer_->state() == PeerState::kConnected;
    }));
    absl::StatusOr<std::unique_ptr<dtls::SrtpSession>> srtp =
        dtls::SrtpSession::Create(*browser_dtls_->srtp_keying_material());
    ASSERT_TRUE(srtp.ok()) << srtp.status();
    browser_srtp_ = *std::move(srtp);
  }

  // An SRTP Opus packet from the browser, as the transport receives it.
  std::vector<uint8_t> BrowserAudio(uint16_t seq, const std::vector<uint8_t>& payload,
                                    uint8_t level = 30, uint8_t pt = kOpusPt) {
    std::vector<uint8_t> buffer(1500);
    rtp::RtpPacketWriter w(std::span<uint8_t>(buffer.data(), 1200), {.payload_type = pt,
                                                                     .sequence_number = seq,
                                                                     .timestamp = seq * 960u,
                                                                     .ssrc = kBrowserAudioSsrc});
    EXPECT_TRUE(rtp::AddExtension(w, kAudioLevelId, rtp::AudioLevel{true, level}));
    EXPECT_TRUE(w.SetPayload(payload));
    std::optional<size_t> n = browser_srtp_->ProtectRtp(absl::MakeSpan(buffer), w.size());
    EXPECT_TRUE(n.has_value());
    buffer.resize(n.value_or(0));
    return buffer;
  }

  void Receive(std::vector<uint8_t> datagram) {
    peer_->HandleRtpOrRtcp(absl::MakeSpan(datagram), clock_.NowMicros());
  }

  ManualMonotonicClock clock_;
  RecordingOwner owner_;
  std::shared_ptr<LegCounters> counters_ = std::make_shared<LegCounters>(LegKind::kWebRtc);
  std::shared_ptr<const dtls::DtlsCertificate> server_cert_;
  std::shared_ptr<const dtls::DtlsCertificate> browser_cert_;
  std::unique_ptr<PeerTransport> peer_;
  std::unique_ptr<dtls::DtlsTransport> browser_dtls_;
  std::unique_ptr<dtls::SrtpSession> browser_srtp_;
  BrowserSctp browser_sctp_events_;
  std::unique_ptr<sctp::SctpAssociation> browser_sctp_;
  bool browser_sctp_connected_ = false;
  net::IpEndpoint browser_from_ = BrowserAddress();
  size_t delivered_ = 0;
  std::vector<net::IpEndpoint> dtls_to_;
  std::vector<RecordingOwner::Datagram> media_to_browser_;
  std::vector<RecordingOwner::Datagram> stun_to_browser_;
};

// ---- ICE ---------------------------------------------------------------------------------

TEST_F(PeerTransportTest, StunCheckWithTheRightCredentialsNominatesItsAddress) {
  Start(/*data_channels=*/false);
  EXPECT_FALSE(peer_->remote_address().has_value());
  ASSERT_TRUE(Check({}));
  EXPECT_EQ(peer_->remote_address(), BrowserAddress());
  // The success response goes back to the source, signed with our password.
  ASSERT_EQ(owner_.sent.size(), 1u);
  EXPECT_EQ(owner_.sent[0].to, BrowserAddress());
  std::optional<stun::StunMessage> response = stun::StunMessage::Parse(owner_.sent[0].bytes);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->message_class(), stun::StunClass::kSuccessResponse);
  EXPECT_TRUE(stun::VerifyMessageIntegrity(owner_.sent[0].bytes, kServerIce.pwd));
  EXPECT_EQ(response->xor_mapped_address(), BrowserAddress());
  // A check without USE-CANDIDATE from elsewhere, in the same microsecond
  // (a batch of datagrams), is accepted (its address may carry this peer's
  // DTLS) but nominates nothing.
  EXPECT_TRUE(Check({.use_candidate = false, .id_seed = 2}, OtherAddress()));
  EXPECT_EQ(peer_->remote_address(), BrowserAddress());
  EXPECT_EQ(owner_.sent.back().to, OtherAddress());
}

TEST_F(PeerTransportTest, StunCheckWithWrongCredentialsIsRefused) {
  Start(/*data_channels=*/false);
  EXPECT_FALSE(Check({.username = "srvA:brwX"}));
  EXPECT_FALSE(Check({.username = "srvX:brw1", .id_seed = 2}));
  EXPECT_FALSE(Check({.key = "notTheServerPassword+00", .id_seed = 3}));
  EXPECT_FALSE(peer_->remote_address().has_value());
  for (const RecordingOwner::Datagram& d : owner_.sent) {
    std::optional<stun::StunMessage> m = stun::StunMessage::Parse(d.bytes);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->message_class(), stun::StunClass::kErrorResponse);
    ASSERT_TRUE(m->error_code().has_value());
    EXPECT_EQ(m->error_code()->code, 401);
  }
}

// ---- DTLS and SRTP -------------------------------------------------------------------------

TEST_F(PeerTransportTest, DtlsHandshakeCompletesAndIsReportedConnected) {
  Start(/*data_channels=*/false);
  EXPECT_EQ(peer_->state(), PeerState::kConnecting);
  Connect();
  EXPECT_EQ(peer_->state(), PeerState::kConnected);
  EXPECT_EQ(counters_->state.load(), PeerState::kConnected);
  EXPECT_THAT(owner_.StateList(), ElementsAre(PeerState::kConnected));
  // Our DTLS went to the nominated address.
  ASSERT_FALSE(dtls_to_.empty());
  for (const net::IpEndpoint& to : dtls_to_) EXPECT_EQ(to, BrowserAddress());
}

TEST_F(PeerTransportTest, DtlsWithTheWrongFingerprintFails) {
  // Another certificate's fingerprint: not the browser's.
  Start(/*data_channels=*/false, NewCertificate()->fingerprint_sha256());
  ASSERT_TRUE(Check({}));
  EXPECT_TRUE(RunUntil([&] { return peer_->state() == PeerState::kFailed; }, 100));
  EXPECT_EQ(counters_->state.load(), PeerState::kFailed);
  ASSERT_FALSE(owner_.states.empty());
  EXPECT_EQ(owner_.states.back().state, PeerState::kFailed);
  EXPECT_THAT(owner_.states.back().reason, ::testing::HasSubstr("DTLS"));
  EXPECT_NE(browser_dtls_->state(), dtls::DtlsState::kConnected);
}

TEST_F(PeerTransportTest, SrtpAudioFromTheBrowserReachesTheOwner) {
  Start(/*data_channels=*/false);
  Connect();
  const std::vector<uint8_t> opus = {0x78, 0x01, 0x02, 0x03, 0x04};
  Receive(BrowserAudio(100, opus, /*level=*/30));
  ASSERT_EQ(owner_.audio.size(), 1u);
  const audio::InputPacket& p = owner_.audio[0];
  EXPECT_EQ(p.sequence, 100);
  EXPECT_EQ(p.timestamp, 100u * 960u);
  EXPECT_EQ(p.audio_level, 30);
  EXPECT_TRUE(p.voice);
  EXPECT_EQ(p.arrival_us, clock_.NowMicros());
  ASSERT_EQ(p.size, opus.size());
  EXPECT_TRUE(std::equal(opus.begin(), opus.end(), p.payload.begin()));
  EXPECT_EQ(counters_->rtp_packets_in.load(), 1u);

  // Tampered: refused and counted.
  std::vector<uint8_t> tampered = BrowserAudio(101, opus);
  tampered[tampered.size() - 1] ^= 0x01;
  Receive(tampered);
  EXPECT_EQ(owner_.audio.size(), 1u);
  EXPECT_EQ(counters_->srtp_failures.load(), 1u);

  // Another payload type is not audio (and without video, nothing).
  Receive(BrowserAudio(102, opus, 30, /*pt=*/96));
  EXPECT_EQ(owner_.audio.size(), 1u);
  EXPECT_EQ(owner_.video_rtp, 0);
}

TEST_F(PeerTransportTest, SendAudioGoesOutProtectedToTheNominatedAddress) {
  Start(/*data_channels=*/false);
  audio::EncodedFrame frame;
  frame.codec = audio::Codec::kOpus;
  frame.sequence = 4242;
  frame.timestamp = 960 * 77;
  frame.marker = true;
  frame.size = 3;
  frame.payload[0] = 0xFC;
  frame.payload[1] = 0xAA;
  frame.payload[2] = 0x55;
  // Before DTLS there are no keys: nothing goes out.
  peer_->SendAudio(frame, clock_.NowMicros());
  EXPECT_TRUE(owner_.sent.empty());

  Connect();
  const size_t before = owner_.sent.size();
  peer_->SendAudio(frame, clock_.NowMicros());
  ASSERT_EQ(owner_.sent.size(), before + 1);
  RecordingOwner::Datagram d = owner_.sent.back();
  EXPECT_EQ(d.to, BrowserAddress());
  // Protected: the payload is not in clear, and the browser's keys open it.
  EXPECT_EQ(
      std::search(d.bytes.begin(), d.bytes.end(), frame.payload.begin(), frame.payload.begin() + 3),
      d.bytes.end());
  std::optional<size_t> n = browser_srtp_->UnprotectRtp(absl::MakeSpan(d.bytes));
  ASSERT_TRUE(n.has_value());
  std::optional<rtp::RtpPacketView> p =
      rtp::RtpPacketView::Parse(std::span<const uint8_t>(d.bytes.data(), *n));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->payload_type(), kOpusPt);
  EXPECT_EQ(p->ssrc(), kServerAudioSsrc);
  EXPECT_EQ(p->sequence_number(), 4242);
  EXPECT_EQ(p->timestamp(), 960u * 77);
  EXPECT_TRUE(p->marker());
  EXPECT_THAT(std::vector<uint8_t>(p->payload().begin(), p->payload().end()),
              ElementsAre(0xFC, 0xAA, 0x55));
  EXPECT_EQ(counters_->rtp_packets_out.load(), 1u);

  // The browser moves (a new nomination): audio follows it.
  ASSERT_TRUE(Check({.id_seed = 9}, OtherAddress()));
  frame.sequence = 4243;
  peer_->SendAudio(frame, clock_.NowMicros());
  EXPECT_EQ(owner_.sent.back().to, OtherAddress());
}

// ---- Consent ------------------------------------------------------------------------------

TEST_F(PeerTransportTest, ConsentExpiresOnTheMediaClockWithoutStun) {
  Start(/*data_channels=*/false);
  Connect();
  // Half a minute minus a little: disconnected (informational), not failed.
  for (int i = 0; i < 290; ++i) {
    clock_.Advance(absl::Milliseconds(100));
    peer_->OnTimer(clock_.NowMicros());
  }
  EXPECT_EQ(peer_->state(), PeerState::kDisconnected);
  EXPECT_THAT(owner_.StateList(), ElementsAre(PeerState::kConnected, PeerState::kDisconnected));
  for (int i = 0; i < 20; ++i) {
    clock_.Advance(absl::Milliseconds(100));
    peer_->OnTimer(clock_.NowMicros());
  }
  EXPECT_EQ(peer_->state(), PeerState::kFailed);
  EXPECT_EQ(counters_->state.load(), PeerState::kFailed);
  ASSERT_EQ(owner_.states.size(), 3u);
  EXPECT_EQ(owner_.states[2].state, PeerState::kFailed);
  EXPECT_THAT(owner_.states[2].reason, ::testing::HasSubstr("consent"));
  // A late check does not bring a failed transport back.
  Check({.id_seed = 50});
  peer_->OnTimer(clock_.NowMicros());
  EXPECT_EQ(peer_->state(), PeerState::kFailed);
}

TEST_F(PeerTransportTest, ConsentRefreshedByStunKeepsTheTransportUp) {
  Start(/*data_channels=*/false);
  Connect();
  for (int i = 0; i < 600; ++i) {  // a minute
    clock_.Advance(absl::Milliseconds(100));
    if (i % 25 == 0) {
      ASSERT_TRUE(Check({.id_seed = static_cast<uint8_t>(i / 25 + 10)}));
    }
    peer_->OnTimer(clock_.NowMicros());
  }
  EXPECT_EQ(peer_->state(), PeerState::kConnected);
  EXPECT_THAT(owner_.StateList(), ElementsAre(PeerState::kConnected));
}

// ---- Data channels ------------------------------------------------------------------------

TEST_F(PeerTransportTest, DataChannelsAreNoSideDoor) {
  Start(/*data_channels=*/true);
  Connect();
  ASSERT_TRUE(RunUntil([&] { return browser_sctp_events_.up; }));
  absl::StatusOr<uint16_t> chat = browser_sctp_->OpenChannel("chat", "", {});
  absl::StatusOr<uint16_t> control =
      browser_sctp_->OpenChannel(PeerTransport::kControlChannel, "", {});
  ASSERT_TRUE(chat.ok()) << chat.status();
  ASSERT_TRUE(control.ok()) << control.status();
  ASSERT_TRUE(RunUntil([&] { return browser_sctp_events_.opened.size() == 2; }));
  EXPECT_EQ(owner_.control_channel_opened, 1);

  const auto bytes = [](std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); };
  ASSERT_TRUE(
      browser_sctp_->Send(*chat, bytes("relay me to everyone"), sctp::MessageKind::kText).ok());
  ASSERT_TRUE(
      browser_sctp_->Send(*control, bytes("{\"binary\":true}"), sctp::MessageKind::kBinary).ok());
  ASSERT_TRUE(
      browser_sctp_->Send(*control, bytes("{\"type\":\"hello\"}"), sctp::MessageKind::kText).ok());
  ASSERT_TRUE(RunUntil([&] { return counters_->data_messages_in.load() == 3; }));
  // Only the control channel's text reaches the owner; the rest is counted.
  EXPECT_THAT(owner_.control_messages, ElementsAre("{\"type\":\"hello\"}"));
  EXPECT_EQ(counters_->data_messages_dropped.load(), 2u);

  // The server writes on the control channel, and only there.
  const std::vector<uint8_t> welcome = bytes("{\"type\":\"slots\"}");
  peer_->SendData(PeerTransport::kControlChannel, sctp::MessageKind::kText, welcome);
  ASSERT_TRUE(RunUntil([&] { return !browser_sctp_events_.messages.empty(); }));
  ASSERT_EQ(browser_sctp_events_.messages.size(), 1u);
  EXPECT_EQ(browser_sctp_events_.messages[0].stream_id, *control);
  EXPECT_EQ(browser_sctp_events_.messages[0].text, "{\"type\":\"slots\"}");
  EXPECT_EQ(counters_->data_messages_out.load(), 1u);
}

}  // namespace
}  // namespace konfero::media
