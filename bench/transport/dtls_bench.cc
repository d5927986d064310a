// dtls_bench: the cost of a DTLS association, the CPU a join spends before
// media flows. Baseline: generating the certificate (once per engine);
// candidates: creating one DtlsTransport (an SSL_CTX and SSL each) and a
// whole handshake, client and server both in this process, datagrams moved
// in memory.
#include <memory>
#include <vector>

#include "absl/time/clock.h"
#include "audio/ratio_reporter.h"
#include "benchmark/benchmark.h"
#include "dtls/dtls_certificate.h"
#include "dtls/dtls_transport.h"

namespace konfero::dtls {
namespace {

std::shared_ptr<const DtlsCertificate> Certificate() {
  auto cert = DtlsCertificate::Generate(absl::Now());
  return cert.ok() ? *cert : nullptr;
}

void BM_GenerateCertificate(benchmark::State& state) {
  for (auto _ : state) {
    auto cert = DtlsCertificate::Generate(absl::Now());
    benchmark::DoNotOptimize(cert);
  }
}

void BM_CreateTransport(benchmark::State& state) {
  auto cert = Certificate();
  DtlsTransportConfig config;
  config.remote_fingerprint = cert->fingerprint_sha256();
  for (auto _ : state) {
    auto transport = DtlsTransport::Create(cert, config);
    benchmark::DoNotOptimize(transport);
  }
}

// Both ends of one handshake; a server does about half of it.
void BM_Handshake(benchmark::State& state) {
  auto client_cert = Certificate();
  auto server_cert = Certificate();
  DtlsTransportConfig client_config;
  client_config.role = DtlsRole::kClient;
  client_config.remote_fingerprint = server_cert->fingerprint_sha256();
  DtlsTransportConfig server_config;
  server_config.role = DtlsRole::kServer;
  server_config.remote_fingerprint = client_cert->fingerprint_sha256();
  const absl::Time now = absl::Now();
  for (auto _ : state) {
    auto client = *DtlsTransport::Create(client_cert, client_config);
    auto server = *DtlsTransport::Create(server_cert, server_config);
    (void)server->Start(now);
    (void)client->Start(now);
    for (int round = 0; round < 10; ++round) {
      for (const auto& d : client->TakeOutgoing()) (void)server->HandleIncoming(d, now);
      for (const auto& d : server->TakeOutgoing()) (void)client->HandleIncoming(d, now);
    }
    if (client->state() != DtlsState::kConnected) {
      state.SkipWithError("handshake did not complete");
      return;
    }
  }
}

BENCHMARK(BM_GenerateCertificate)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_CreateTransport)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Handshake)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace konfero::dtls

int main(int argc, char** argv) {
  return konfero::bench::RunWithRatios(
      argc, argv,
      {{"BM_GenerateCertificate", "BM_CreateTransport"},
       {"BM_GenerateCertificate", "BM_Handshake"}});
}
