// srtp_session.h: SRTP and SRTCP protection of one peer's media (RFC 3711,
// RFC 7714) with libsrtp2, keyed by a DTLS-SRTP handshake.
//
//   auto srtp = SrtpSession::Create(*dtls->srtp_keying_material());
//   // send: the packet in buf[0, size), room for the tag after it
//   if (auto n = (*srtp)->ProtectRtp(absl::MakeSpan(buf), size)) send(buf, *n);
//   // receive: decrypted in place, shorter by the tag
//   if (auto n = (*srtp)->UnprotectRtp(absl::MakeSpan(datagram))) Route(datagram, *n);
//
// Two libsrtp contexts: outbound (ssrc_any_outbound, local key) and inbound
// (ssrc_any_inbound, remote key). A stream per SSRC is made on its first
// packet; after that nothing is allocated per packet. Replay protection is
// on in both directions: the receiver drops any SRTP index seen before or
// older than the window (RFC 3711 §3.3.2); the sender refuses to protect
// the same SSRC and sequence number twice (with GCM that would reuse a
// nonce): retransmit with RTX (RFC 4588), which has its own SSRC.
//
// Cost with Debian's libsrtp2 (NSS): AEAD_AES_128_GCM about 5x cheaper than
// AES_CM_128_HMAC_SHA1_80 per 1200-byte packet (bench/transport).
//
// Thread contract: one thread, the worker's. No locks; failures return
// nullopt and count in stats(), never log.
#ifndef KONFERO_DTLS_SRTP_SESSION_H_
#define KONFERO_DTLS_SRTP_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "dtls/srtp_keys.h"

struct srtp_ctx_t_;  // libsrtp's srtp_t points to it

namespace konfero::dtls {

struct SrtpStats {
  uint64_t rtp_protected = 0;
  uint64_t rtp_unprotected = 0;
  uint64_t rtcp_protected = 0;
  uint64_t rtcp_unprotected = 0;
  uint64_t auth_failures = 0;  // bad tag: tampered, wrong key, or not SRTP
  uint64_t replays = 0;        // inbound replays; outbound repeats
  uint64_t other_failures = 0; // malformed, too short, no room, key limit
};

struct SrtpOptions {
  // Inbound SRTP replay window in packets, 64..32767 (RFC 3711 §3.3.2
  // asks for at least 64). SRTCP's window is libsrtp's fixed 128.
  unsigned long replay_window = 128;
};

class SrtpSession {
 public:
  // Bytes ProtectRtp / ProtectRtcp may append, for any profile: the 16-byte
  // GCM tag (HMAC-SHA1-80: 10), plus for SRTCP the 4-byte E flag and index.
  static constexpr size_t kMaxRtpOverhead = 16;
  static constexpr size_t kMaxRtcpOverhead = 20;

  // InvalidArgument if a key or salt length does not fit the profile or the
  // window is out of range; Internal if libsrtp fails (e.g. a profile its
  // crypto backend lacks). Initialises libsrtp once per process.
  static absl::StatusOr<std::unique_ptr<SrtpSession>> Create(const SrtpKeyingMaterial& keys,
                                                             SrtpOptions options = {});
  ~SrtpSession();
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;

  // Protects the RTP packet in buffer[0, size) in place; returns the new
  // size. buffer.size() must leave rtp_overhead() bytes after the packet.
  std::optional<size_t> ProtectRtp(absl::Span<uint8_t> buffer, size_t size);
  // Authenticates and decrypts the SRTP packet in place; returns the RTP
  // size (the packet minus the tag). nullopt: auth failure, replay, or
  // malformed.
  std::optional<size_t> UnprotectRtp(absl::Span<uint8_t> packet);
  // The same for RTCP; protection appends rtcp_overhead() bytes.
  std::optional<size_t> ProtectRtcp(absl::Span<uint8_t> buffer, size_t size);
  std::optional<size_t> UnprotectRtcp(absl::Span<uint8_t> packet);

  SrtpProfile profile() const { return profile_; }
  // Exact bytes added for this profile.
  size_t rtp_overhead() const;
  size_t rtcp_overhead() const { return rtp_overhead() + 4; }
  const SrtpStats& stats() const { return stats_; }

 private:
  struct ContextFree {
    void operator()(srtp_ctx_t_* ctx) const;
  };
  using Context = std::unique_ptr<srtp_ctx_t_, ContextFree>;

  SrtpSession(SrtpProfile profile, Context inbound, Context outbound);
  std::optional<size_t> Protect(bool rtcp, absl::Span<uint8_t> buffer, size_t size);
  std::optional<size_t> Unprotect(bool rtcp, absl::Span<uint8_t> packet);

  SrtpProfile profile_;
  Context inbound_;
  Context outbound_;
  SrtpStats stats_;
};

}  // namespace konfero::dtls

#endif  // KONFERO_DTLS_SRTP_SESSION_H_
