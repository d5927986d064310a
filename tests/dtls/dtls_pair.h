// dtls_pair.h: a DTLS client and server wired together in memory, for tests.
#ifndef KONFERO_TESTS_DTLS_DTLS_PAIR_H_
#define KONFERO_TESTS_DTLS_DTLS_PAIR_H_

#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "dtls/dtls_certificate.h"
#include "dtls/dtls_transport.h"
#include "gtest/gtest.h"

namespace konfero::dtls::testing {

inline std::shared_ptr<const DtlsCertificate> NewCertificate() {
  auto cert = DtlsCertificate::Generate(absl::Now());
  EXPECT_TRUE(cert.ok()) << cert.status();
  return *cert;
}

struct DtlsPair {
  std::shared_ptr<const DtlsCertificate> client_cert = NewCertificate();
  std::shared_ptr<const DtlsCertificate> server_cert = NewCertificate();
  std::unique_ptr<DtlsTransport> client;
  std::unique_ptr<DtlsTransport> server;
  absl::Time now = absl::Now();
  // Application data each side received.
  std::vector<std::vector<uint8_t>> client_received;
  std::vector<std::vector<uint8_t>> server_received;

  // Configs get each other's fingerprints unless a test set one.
  void Create(DtlsTransportConfig client_config = {}, DtlsTransportConfig server_config = {}) {
    client_config.role = DtlsRole::kClient;
    server_config.role = DtlsRole::kServer;
    if (client_config.remote_fingerprint.empty()) {
      client_config.remote_fingerprint = server_cert->fingerprint_sha256();
    }
    if (server_config.remote_fingerprint.empty()) {
      server_config.remote_fingerprint = client_cert->fingerprint_sha256();
    }
    auto c = DtlsTransport::Create(client_cert, client_config);
    auto s = DtlsTransport::Create(server_cert, server_config);
    ASSERT_TRUE(c.ok()) << c.status();
    ASSERT_TRUE(s.ok()) << s.status();
    client = std::move(*c);
    server = std::move(*s);
    ASSERT_TRUE(server->Start(now).ok());
    ASSERT_TRUE(client->Start(now).ok());
  }

  // Moves datagrams both ways until neither side has any; `drop` may
  // discard a datagram (from_client, datagram) before delivery.
  void Shuttle(const std::function<bool(bool, const std::vector<uint8_t>&)>& drop = nullptr) {
    for (int round = 0; round < 50; ++round) {
      auto from_client = client->TakeOutgoing();
      auto from_server = server->TakeOutgoing();
      if (from_client.empty() && from_server.empty()) return;
      for (const auto& d : from_client) {
        EXPECT_LE(d.size(), 1200u);
        if (drop && drop(true, d)) continue;
        auto r = server->HandleIncoming(d, now);
        if (r.ok()) Append(server_received, *r);
      }
      for (const auto& d : from_server) {
        EXPECT_LE(d.size(), 1200u);
        if (drop && drop(false, d)) continue;
        auto r = client->HandleIncoming(d, now);
        if (r.ok()) Append(client_received, *r);
      }
    }
    ADD_FAILURE() << "datagrams still flowing after 50 rounds";
  }

 private:
  static void Append(std::vector<std::vector<uint8_t>>& to, std::vector<std::vector<uint8_t>>& from) {
    for (auto& d : from) to.push_back(std::move(d));
  }
};

}  // namespace konfero::dtls::testing

#endif  // KONFERO_TESTS_DTLS_DTLS_PAIR_H_
