// Tests of DtlsTransport: a client and a server shuttling datagrams in
// memory through the handshake, profile choice, fingerprint check,
// retransmission, application data and close.
#include "dtls/dtls_transport.h"

#include <algorithm>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "absl/time/clock.h"
#include "dtls/dtls_pair.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero::dtls {
namespace {

using ::konfero::dtls::testing::DtlsPair;
using ::konfero::dtls::testing::NewCertificate;
using ::testing::HasSubstr;

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

TEST(DtlsTransportTest, HandshakeCompletesAndBothSidesExportTheSameKeys) {
  DtlsPair pair;
  pair.Create();
  EXPECT_EQ(pair.client->state(), DtlsState::kConnecting);
  pair.Shuttle();
  ASSERT_EQ(pair.client->state(), DtlsState::kConnected) << pair.client->failure();
  ASSERT_EQ(pair.server->state(), DtlsState::kConnected) << pair.server->failure();

  const SrtpKeyingMaterial& c = *pair.client->srtp_keying_material();
  const SrtpKeyingMaterial& s = *pair.server->srtp_keying_material();
  EXPECT_EQ(c.profile, s.profile);
  // The client's write key is the client-write key on both sides.
  EXPECT_EQ(c.local_key, s.remote_key);
  EXPECT_EQ(c.local_salt, s.remote_salt);
  EXPECT_EQ(c.remote_key, s.local_key);
  EXPECT_EQ(c.remote_salt, s.local_salt);
  EXPECT_NE(c.local_key, c.remote_key);
  EXPECT_EQ(c.local_key.size(), 16u);
  EXPECT_FALSE(pair.client->NextTimeout(pair.now).has_value() &&
               pair.server->NextTimeout(pair.now).has_value());
}

TEST(DtlsTransportTest, GcmIsSelectedWhenBothOfferBoth) {
  DtlsPair pair;
  pair.Create();
  pair.Shuttle();
  EXPECT_EQ(pair.client->selected_srtp_profile(), SrtpProfile::kAeadAes128Gcm);
  EXPECT_EQ(pair.server->selected_srtp_profile(), SrtpProfile::kAeadAes128Gcm);
  EXPECT_EQ(pair.client->srtp_keying_material()->local_salt.size(), 12u);
}

TEST(DtlsTransportTest, ServerPreferenceWinsOverClientOrder) {
  DtlsTransportConfig client;
  client.srtp_profiles = {SrtpProfile::kAes128CmHmacSha1_80, SrtpProfile::kAeadAes128Gcm};
  DtlsPair pair;
  pair.Create(client);
  pair.Shuttle();
  EXPECT_EQ(pair.client->selected_srtp_profile(), SrtpProfile::kAeadAes128Gcm);
}

TEST(DtlsTransportTest, AesCmIsSelectedWhenTheClientOffersOnlyIt) {
  DtlsTransportConfig client;
  client.srtp_profiles = {SrtpProfile::kAes128CmHmacSha1_80};
  DtlsPair pair;
  pair.Create(client);
  pair.Shuttle();
  ASSERT_EQ(pair.client->state(), DtlsState::kConnected) << pair.client->failure();
  EXPECT_EQ(pair.client->selected_srtp_profile(), SrtpProfile::kAes128CmHmacSha1_80);
  EXPECT_EQ(pair.server->selected_srtp_profile(), SrtpProfile::kAes128CmHmacSha1_80);
  EXPECT_EQ(pair.server->srtp_keying_material()->local_salt.size(), 14u);
}

TEST(DtlsTransportTest, AesCmIsSelectedWhenTheServerAcceptsOnlyIt) {
  DtlsTransportConfig server;
  server.srtp_profiles = {SrtpProfile::kAes128CmHmacSha1_80};
  DtlsPair pair;
  pair.Create({}, server);
  pair.Shuttle();
  EXPECT_EQ(pair.client->selected_srtp_profile(), SrtpProfile::kAes128CmHmacSha1_80);
}

TEST(DtlsTransportTest, NoCommonSrtpProfileFails) {
  DtlsTransportConfig client;
  client.srtp_profiles = {SrtpProfile::kAes128CmHmacSha1_80};
  DtlsTransportConfig server;
  server.srtp_profiles = {SrtpProfile::kAeadAes128Gcm};
  DtlsPair pair;
  pair.Create(client, server);
  pair.Shuttle();
  EXPECT_EQ(pair.client->state(), DtlsState::kFailed);
  EXPECT_FALSE(pair.client->srtp_keying_material().has_value());
  EXPECT_NE(pair.server->state(), DtlsState::kConnected);
}

TEST(DtlsTransportTest, ClientRejectsServerWithWrongFingerprint) {
  DtlsTransportConfig client;
  client.remote_fingerprint = NewCertificate()->fingerprint_sha256();  // not the server's
  DtlsPair pair;
  pair.Create(client);
  pair.Shuttle();
  EXPECT_EQ(pair.client->state(), DtlsState::kFailed);
  EXPECT_EQ(pair.client->failure().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(pair.client->failure().message()), HasSubstr("a=fingerprint"));
  EXPECT_FALSE(pair.client->srtp_keying_material().has_value());
  // The alert tells the server.
  EXPECT_EQ(pair.server->state(), DtlsState::kFailed);
  EXPECT_FALSE(pair.server->srtp_keying_material().has_value());
  // Further datagrams report the failure.
  auto r = pair.client->HandleIncoming(Bytes("x"), pair.now);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST(DtlsTransportTest, ServerRejectsClientWithWrongFingerprint) {
  DtlsTransportConfig server;
  std::string fp = NewCertificate()->fingerprint_sha256();
  for (char& ch : fp) ch = static_cast<char>(std::tolower(ch));  // case does not matter
  server.remote_fingerprint = fp;
  DtlsPair pair;
  pair.Create({}, server);
  pair.Shuttle();
  EXPECT_EQ(pair.server->state(), DtlsState::kFailed);
  EXPECT_EQ(pair.server->failure().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_NE(pair.client->state(), DtlsState::kConnected);
}

TEST(DtlsTransportTest, LowercaseFingerprintAndSha512Match) {
  DtlsPair pair;
  DtlsTransportConfig client;
  std::string fp = pair.server_cert->fingerprint_sha256();
  for (char& ch : fp) ch = static_cast<char>(std::tolower(ch));
  client.remote_fingerprint = fp;
  DtlsTransportConfig server;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  ASSERT_EQ(X509_digest(pair.client_cert->x509(), EVP_sha512(), digest, &size), 1);
  server.remote_fingerprint_algorithm = "SHA-512";
  server.remote_fingerprint = FormatFingerprint(digest, size);
  pair.Create(client, server);
  pair.Shuttle();
  EXPECT_EQ(pair.client->state(), DtlsState::kConnected) << pair.client->failure();
  EXPECT_EQ(pair.server->state(), DtlsState::kConnected) << pair.server->failure();
}

TEST(DtlsTransportTest, HandshakeFragmentsToASmallMtu) {
  DtlsTransportConfig client;
  client.mtu = 300;
  DtlsTransportConfig server;
  server.mtu = 300;
  DtlsPair pair;
  pair.Create(client, server);
  size_t largest = 0;
  size_t count = 0;
  pair.Shuttle([&](bool, const std::vector<uint8_t>& d) {
    largest = std::max(largest, d.size());
    ++count;
    return false;
  });
  EXPECT_EQ(pair.client->state(), DtlsState::kConnected) << pair.client->failure();
  EXPECT_EQ(pair.server->state(), DtlsState::kConnected) << pair.server->failure();
  EXPECT_LE(largest, 300u);
  // The certificates no longer fit one datagram each: more datagrams than
  // with the default MTU.
  DtlsPair reference;
  reference.Create();
  size_t reference_count = 0;
  reference.Shuttle([&](bool, const std::vector<uint8_t>&) {
    ++reference_count;
    return false;
  });
  EXPECT_GT(count, reference_count);
  EXPECT_LE(pair.client->max_application_data_size(), 300u);
}

TEST(DtlsTransportTest, RejectsBadConfig) {
  auto cert = NewCertificate();
  DtlsTransportConfig config;
  config.remote_fingerprint = "AB:CD";
  EXPECT_EQ(DtlsTransport::Create(cert, config).status().code(),
            absl::StatusCode::kInvalidArgument);
  config.remote_fingerprint = cert->fingerprint_sha256();
  config.remote_fingerprint_algorithm = "md5";
  EXPECT_EQ(DtlsTransport::Create(cert, config).status().code(),
            absl::StatusCode::kInvalidArgument);
  config.remote_fingerprint_algorithm = "sha-256";
  config.srtp_profiles.clear();
  EXPECT_EQ(DtlsTransport::Create(cert, config).status().code(),
            absl::StatusCode::kInvalidArgument);
  config.srtp_profiles = {SrtpProfile::kAeadAes128Gcm};
  config.mtu = 100;
  EXPECT_EQ(DtlsTransport::Create(cert, config).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DtlsTransport::Create(nullptr, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DtlsTransportTest, DatagramBeforeStartIsRefused) {
  auto cert = NewCertificate();
  DtlsTransportConfig config;
  config.remote_fingerprint = cert->fingerprint_sha256();
  auto t = DtlsTransport::Create(cert, config);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->state(), DtlsState::kNew);
  EXPECT_EQ((*t)->HandleIncoming(Bytes("x"), absl::Now()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE((*t)->Start(absl::Now()).ok());
  EXPECT_FALSE((*t)->Start(absl::Now()).ok());
  EXPECT_TRUE((*t)->TakeOutgoing().empty());  // a server waits for the client
}

TEST(DtlsTransportTest, GarbageDuringHandshakeIsIgnored) {
  DtlsPair pair;
  pair.Create();
  const std::vector<uint8_t> garbage = {22, 0xfe, 0xfd, 0, 0, 1, 2, 3, 4, 5, 6, 0, 50, 9, 9};
  EXPECT_TRUE(pair.server->HandleIncoming(garbage, pair.now).ok());
  EXPECT_TRUE(pair.server->HandleIncoming({}, pair.now).ok());
  pair.Shuttle();
  EXPECT_EQ(pair.client->state(), DtlsState::kConnected);
  EXPECT_EQ(pair.server->state(), DtlsState::kConnected);
}

// OpenSSL's DTLS timer reads the system clock, so the test lets the short
// timeout pass for real before handing the later time in.
void WaitFor(DtlsPair& pair, DtlsTransport& transport) {
  std::optional<absl::Time> due = transport.NextTimeout(pair.now);
  ASSERT_TRUE(due.has_value());
  EXPECT_LE(*due - pair.now, absl::Milliseconds(60));
  absl::SleepFor(*due - pair.now + absl::Milliseconds(2));
  pair.now = *due + absl::Milliseconds(2);
}

DtlsTransportConfig FastRetransmit() {
  DtlsTransportConfig config;
  config.initial_retransmit_timeout = absl::Milliseconds(50);
  return config;
}

TEST(DtlsTransportTest, TimeoutBeforeItIsDueDoesNothing) {
  DtlsTransportConfig client;
  client.initial_retransmit_timeout = absl::Seconds(2);
  DtlsPair pair;
  pair.Create(client);
  ASSERT_FALSE(pair.client->TakeOutgoing().empty());  // the ClientHello
  std::optional<absl::Time> due = pair.client->NextTimeout(pair.now);
  ASSERT_TRUE(due.has_value());
  EXPECT_GT(*due - pair.now, absl::Seconds(1));
  EXPECT_LE(*due - pair.now, absl::Seconds(2));
  EXPECT_TRUE(pair.client->HandleTimeout(pair.now).ok());
  EXPECT_TRUE(pair.client->TakeOutgoing().empty());
  EXPECT_FALSE(pair.server->NextTimeout(pair.now).has_value());  // nothing sent yet
}

TEST(DtlsTransportTest, LostClientHelloIsRetransmittedAfterTheTimeout) {
  DtlsPair pair;
  pair.Create(FastRetransmit(), FastRetransmit());
  ASSERT_FALSE(pair.client->TakeOutgoing().empty());  // the first flight, lost
  WaitFor(pair, *pair.client);
  ASSERT_TRUE(pair.client->HandleTimeout(pair.now).ok());
  pair.Shuttle();
  EXPECT_EQ(pair.client->state(), DtlsState::kConnected) << pair.client->failure();
  EXPECT_EQ(pair.server->state(), DtlsState::kConnected) << pair.server->failure();
}

TEST(DtlsTransportTest, LostServerFlightIsRetransmittedAfterTheTimeout) {
  DtlsPair pair;
  pair.Create(FastRetransmit(), FastRetransmit());
  int dropped = 0;
  pair.Shuttle([&](bool from_client, const std::vector<uint8_t>&) {
    if (from_client || dropped > 0) return false;
    ++dropped;  // the server's first datagram
    return true;
  });
  EXPECT_EQ(pair.client->state(), DtlsState::kConnecting);
  // OpenSSL resends a flight on its own timer only, not when the previous
  // flight is repeated: the server's timer (started after the client's)
  // must expire.
  WaitFor(pair, *pair.server);
  ASSERT_TRUE(pair.client->HandleTimeout(pair.now).ok());
  ASSERT_TRUE(pair.server->HandleTimeout(pair.now).ok());
  pair.Shuttle();
  EXPECT_EQ(pair.client->state(), DtlsState::kConnected) << pair.client->failure();
  EXPECT_EQ(pair.server->state(), DtlsState::kConnected) << pair.server->failure();
}

TEST(DtlsTransportTest, LostFinalFlightIsRecoveredByTheClientsTimer) {
  DtlsPair pair;
  pair.Create(FastRetransmit(), FastRetransmit());
  pair.Shuttle([&](bool from_client, const std::vector<uint8_t>&) {
    // Drop everything the server sends once it is connected: its Finished.
    return !from_client && pair.server->state() == DtlsState::kConnected;
  });
  ASSERT_EQ(pair.server->state(), DtlsState::kConnected);
  ASSERT_EQ(pair.client->state(), DtlsState::kConnecting);
  WaitFor(pair, *pair.client);
  ASSERT_TRUE(pair.client->HandleTimeout(pair.now).ok());
  pair.Shuttle();
  EXPECT_EQ(pair.client->state(), DtlsState::kConnected) << pair.client->failure();
}

TEST(DtlsTransportTest, ApplicationDataFlowsBothWays) {
  DtlsPair pair;
  pair.Create();
  pair.Shuttle();
  ASSERT_EQ(pair.client->state(), DtlsState::kConnected);
  EXPECT_EQ(pair.client->SendApplicationData(Bytes("from client")).code(),
            absl::StatusCode::kOk);
  ASSERT_TRUE(pair.client->SendApplicationData(Bytes("second")).ok());
  ASSERT_TRUE(pair.server->SendApplicationData(Bytes("from server")).ok());
  pair.Shuttle();
  ASSERT_EQ(pair.server_received.size(), 2u);
  EXPECT_EQ(pair.server_received[0], Bytes("from client"));
  EXPECT_EQ(pair.server_received[1], Bytes("second"));
  ASSERT_EQ(pair.client_received.size(), 1u);
  EXPECT_EQ(pair.client_received[0], Bytes("from server"));

  // A full-size record fits one datagram; one byte more is refused.
  const size_t max = pair.client->max_application_data_size();
  EXPECT_GT(max, 1100u);
  EXPECT_TRUE(pair.client->SendApplicationData(std::vector<uint8_t>(max, 7)).ok());
  for (const auto& d : pair.client->TakeOutgoing()) EXPECT_LE(d.size(), 1200u);
  EXPECT_EQ(pair.client->SendApplicationData(std::vector<uint8_t>(max + 1, 7)).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DtlsTransportTest, ApplicationDataBeforeConnectIsRefused) {
  DtlsPair pair;
  pair.Create();
  EXPECT_EQ(pair.client->SendApplicationData(Bytes("early")).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(DtlsTransportTest, CloseSendsCloseNotify) {
  DtlsPair pair;
  pair.Create();
  pair.Shuttle();
  pair.client->Close();
  EXPECT_EQ(pair.client->state(), DtlsState::kClosed);
  pair.Shuttle();
  EXPECT_EQ(pair.server->state(), DtlsState::kClosed);
  EXPECT_FALSE(pair.server->srtp_keying_material().has_value() &&
               pair.server->state() == DtlsState::kConnected);
  pair.client->Close();  // idempotent
  EXPECT_EQ(pair.client->SendApplicationData(Bytes("late")).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(DtlsTransportTest, OneCertificateServesManyTransports) {
  DtlsPair a;
  a.Create();
  DtlsPair b;
  b.server_cert = a.server_cert;
  b.Create();
  a.Shuttle();
  b.Shuttle();
  EXPECT_EQ(a.client->state(), DtlsState::kConnected);
  EXPECT_EQ(b.client->state(), DtlsState::kConnected);
  EXPECT_NE(a.client->srtp_keying_material()->local_key,
            b.client->srtp_keying_material()->local_key);
}

}  // namespace
}  // namespace konfero::dtls
