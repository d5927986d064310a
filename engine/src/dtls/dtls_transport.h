// dtls_transport.h: one DTLS 1.2 association of a WebRTC peer (RFC 6347,
// RFC 8842), with DTLS-SRTP key export (RFC 5764), sans-I/O.
//
// The caller owns the socket and the clock. It hands in every datagram the
// demultiplexer classifies as DTLS (first byte 20..63, RFC 7983), sends what
// TakeOutgoing() returns, and calls HandleTimeout() when NextTimeout() is
// due:
//
//   DtlsTransportConfig config;
//   config.role = DtlsRole::kServer;               // we answered a=setup:passive
//   config.remote_fingerprint_algorithm = "sha-256"; // the peer's a=fingerprint
//   config.remote_fingerprint = "AB:CD:...";
//   auto dtls = DtlsTransport::Create(certificate, config);
//   (*dtls)->Start(now);
//   // for each DTLS datagram:
//   auto app_data = (*dtls)->HandleIncoming(bytes, now);   // SCTP packets
//   for (auto& d : (*dtls)->TakeOutgoing()) socket.send(d);
//   if ((*dtls)->state() == DtlsState::kConnected)
//     srtp = SrtpSession::Create(*(*dtls)->srtp_keying_material());
//
// Authentication: each side presents a self-signed certificate; the verify
// callback accepts it when the SHA digest of the peer's leaf certificate
// matches the remote a=fingerprint (constant-time), and the check is made
// again once the handshake is complete. A mismatch fails the handshake with
// a bad_certificate alert, state kFailed, and a PermissionDenied failure().
//
// SRTP profiles: the server picks by its own order, so the default list
// (AEAD_AES_128_GCM, then AES_CM_128_HMAC_SHA1_80) makes GCM win whenever
// the client offers it: with Debian's NSS-based libsrtp2 it protects a
// 1200-byte packet about 5x faster.
//
// Clock: OpenSSL 3.0's DTLS retransmission timer reads the system clock and
// cannot be handed a time. `now` must therefore come from a clock running
// at the rate of the system clock (the worker's monotonic clock does); it
// serves to express NextTimeout() as an absolute time. HandleTimeout()
// retransmits only once OpenSSL's own timer has expired (OpenSSL treats a
// timer within 15 ms of expiry as expired). Each side resends on its own
// timer; only the final flight is also resent when the peer repeats its
// Finished.
//
// Thread contract: one thread, the worker's that owns the peer. No locks.
// Not on the media path (handshake and data-channel records only).
#ifndef KONFERO_DTLS_DTLS_TRANSPORT_H_
#define KONFERO_DTLS_DTLS_TRANSPORT_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "dtls/dtls_bio.h"
#include "dtls/dtls_certificate.h"
#include "dtls/openssl_ptr.h"
#include "dtls/srtp_keys.h"

namespace konfero::dtls {

// The DTLS role from a=setup (RFC 8842 §5): the side with a=setup:active is
// the client and sends the ClientHello; a=setup:passive is the server.
enum class DtlsRole { kClient, kServer };

enum class DtlsState {
  kNew,         // created, Start() not called yet
  kConnecting,  // handshake in progress
  kConnected,   // handshake done, peer authenticated, SRTP keys exported
  kFailed,      // fatal error or alert; see failure()
  kClosed,      // Close() called or close_notify received
};

const char* DtlsStateName(DtlsState state);

struct DtlsTransportConfig {
  DtlsRole role = DtlsRole::kServer;
  // From the peer's a=fingerprint: "sha-256" (also "sha-384", "sha-512";
  // case-insensitive) and the digest as hex pairs joined by ':'.
  std::string remote_fingerprint_algorithm = "sha-256";
  std::string remote_fingerprint;
  // SRTP profiles offered (client) or accepted in this order of preference
  // (server). Tests narrow it; production keeps the default.
  std::vector<SrtpProfile> srtp_profiles = {SrtpProfile::kAeadAes128Gcm,
                                            SrtpProfile::kAes128CmHmacSha1_80};
  // Largest datagram sent (the UDP payload); handshake messages are
  // fragmented to fit. 1200 fits every path WebRTC meets, tunnels included.
  size_t mtu = 1200;
  // First retransmission timeout, doubled on each expiry up to
  // max_retransmit_timeout. OpenSSL gives up after 12 expiries.
  absl::Duration initial_retransmit_timeout = absl::Milliseconds(100);
  absl::Duration max_retransmit_timeout = absl::Seconds(6);
};

class DtlsTransport {
 public:
  // InvalidArgument for an unknown fingerprint algorithm, a malformed
  // fingerprint, no SRTP profile, or an MTU out of [256, 65507]; Internal
  // if OpenSSL fails. `certificate` is shared (it may serve many
  // transports).
  static absl::StatusOr<std::unique_ptr<DtlsTransport>> Create(
      std::shared_ptr<const DtlsCertificate> certificate, DtlsTransportConfig config);

  ~DtlsTransport();
  DtlsTransport(const DtlsTransport&) = delete;
  DtlsTransport& operator=(const DtlsTransport&) = delete;

  // New -> Connecting. The client queues its ClientHello; the server waits
  // for one. FailedPrecondition if already started.
  absl::Status Start(absl::Time now);

  // Feeds one datagram. Returns the application data records it carried
  // (once connected: SCTP packets), possibly none. Returns an error if the
  // transport is not started, closed, or failed (failure(), also when this
  // datagram made it fail). Datagrams that are not valid DTLS records are
  // dropped silently, as RFC 6347 §4.1.2.7 asks.
  absl::StatusOr<std::vector<std::vector<uint8_t>>> HandleIncoming(
      absl::Span<const uint8_t> datagram, absl::Time now);

  // Encrypts `data` into one record. FailedPrecondition unless connected;
  // InvalidArgument if larger than max_application_data_size().
  absl::Status SendApplicationData(absl::Span<const uint8_t> data);

  // The datagrams queued for the peer since the last call, in order; each
  // at most config.mtu bytes.
  std::vector<std::vector<uint8_t>> TakeOutgoing();

  // When HandleTimeout() is next due: while a handshake flight waits for
  // its answer (never once connected).
  std::optional<absl::Time> NextTimeout(absl::Time now) const;
  // Retransmits the last flight if its timer expired. An error (and
  // kFailed) once OpenSSL gives up.
  absl::Status HandleTimeout(absl::Time now);

  // Sends close_notify if connected; then kClosed. Idempotent.
  void Close();

  DtlsState state() const { return state_; }
  DtlsRole role() const { return config_.role; }
  // OK unless kFailed: then why (PermissionDenied for a fingerprint
  // mismatch, DeadlineExceeded for retransmissions exhausted, Unavailable
  // for a fatal alert or protocol error).
  const absl::Status& failure() const { return failure_; }
  // Set once connected.
  const std::optional<SrtpKeyingMaterial>& srtp_keying_material() const { return srtp_keys_; }
  std::optional<SrtpProfile> selected_srtp_profile() const;
  // Largest SendApplicationData() payload that fits one datagram.
  size_t max_application_data_size() const;

 private:
  DtlsTransport(std::shared_ptr<const DtlsCertificate> certificate, DtlsTransportConfig config,
                std::vector<uint8_t> remote_digest, const EVP_MD* digest_algorithm);
  absl::Status Init();
  void AdvanceHandshake();
  void ReadApplicationData(std::vector<std::vector<uint8_t>>& out);
  void OnHandshakeComplete();
  bool FingerprintMatches(X509* peer) const;
  void Fail(absl::Status status);

  static int VerifyCallback(int preverify_ok, X509_STORE_CTX* store);
  static unsigned int TimerCallback(SSL* ssl, unsigned int previous_us);

  std::shared_ptr<const DtlsCertificate> certificate_;
  DtlsTransportConfig config_;
  std::vector<uint8_t> remote_digest_;
  const EVP_MD* digest_algorithm_;

  DatagramQueues queues_;
  BioMethodPtr bio_method_;  // outlives ssl_, which owns the BIO
  SslPtr ssl_;

  DtlsState state_ = DtlsState::kNew;
  absl::Status failure_;
  bool fingerprint_mismatch_ = false;
  std::optional<SrtpKeyingMaterial> srtp_keys_;
  std::vector<uint8_t> read_buffer_;
};

}  // namespace konfero::dtls

#endif  // KONFERO_DTLS_DTLS_TRANSPORT_H_
