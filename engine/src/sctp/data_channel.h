// sctp/data_channel.h: value types shared by the DCEP codec and the SCTP
// association: who we are in DTLS, channel options, payload protocol ids.
//
// RFC 8831 section 6.5: the DTLS client uses even stream ids and the DTLS
// server odd ones, so channels opened by both sides never collide.
// RFC 8831 section 8: PPIDs 50 (DCEP), 51 (string), 53 (binary), and 56/57
// for empty string/binary messages (sent as one zero byte).
//
// Thread contract: plain values, no shared state.
#ifndef KONFERO_SCTP_DATA_CHANNEL_H_
#define KONFERO_SCTP_DATA_CHANNEL_H_

#include <cstdint>
#include <optional>
#include <string>

namespace konfero::sctp {

// Our role in the DTLS handshake that carries the association.
enum class DtlsRole { kClient, kServer };

// SCTP payload protocol identifiers (IANA, RFC 8831 section 8).
enum class Ppid : uint32_t {
  kDcep = 50,
  kString = 51,
  kBinary = 53,
  kStringEmpty = 56,
  kBinaryEmpty = 57,
};

enum class MessageKind { kText, kBinary };

// How a channel delivers: ordered or not, and at most one of the two
// partial-reliability limits (RFC 8831 section 6.1, W3C RTCDataChannelInit).
struct DataChannelOptions {
  bool ordered = true;
  std::optional<uint16_t> max_retransmits;
  std::optional<uint32_t> max_packet_lifetime_ms;
  // DCEP priority (RFC 8832 section 5.1); 256 is "normal" in browsers.
  uint16_t priority = 256;

  static DataChannelOptions Reliable(bool ordered = true) {
    DataChannelOptions o;
    o.ordered = ordered;
    return o;
  }
  static DataChannelOptions MaxRetransmits(uint16_t n, bool ordered = true) {
    DataChannelOptions o = Reliable(ordered);
    o.max_retransmits = n;
    return o;
  }
  static DataChannelOptions MaxLifetime(uint32_t ms, bool ordered = true) {
    DataChannelOptions o = Reliable(ordered);
    o.max_packet_lifetime_ms = ms;
    return o;
  }

  bool operator==(const DataChannelOptions&) const = default;
};

// A channel as the listener sees it when it opens.
struct DataChannelInfo {
  uint16_t stream_id = 0;
  std::string label;
  std::string protocol;
  DataChannelOptions options;
  bool opened_locally = false;
};

}  // namespace konfero::sctp

#endif  // KONFERO_SCTP_DATA_CHANNEL_H_
