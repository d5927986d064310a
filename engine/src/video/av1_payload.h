// video/av1_payload.h: inspection of AV1 RTP payloads (the AOM "RTP
// Payload Format For AV1"), the AV1 part of InspectPayload.
//
//    0 1 2 3 4 5 6 7
//   +-+-+-+-+-+-+-+-+
//   |Z|Y| W |N|-|-|-|  aggregation header
//   +-+-+-+-+-+-+-+-+
//
// Z: the first OBU element continues an OBU fragment of the previous
// packet; Y: the last one continues in the next packet; W: the number of
// OBU elements (1-3; the last one has no length field), or 0 for "each
// element has a LEB128 length field"; N: first packet of a coded video
// sequence. An OBU starts with |0| type |X|S|-| and, if X, an extension
// byte |TID|SID|---|.
//
//   auto info = InspectAv1Payload(payload);
//
// Thread contract: pure function, safe from any thread.
#ifndef KONFERO_VIDEO_AV1_PAYLOAD_H_
#define KONFERO_VIDEO_AV1_PAYLOAD_H_

#include <cstdint>
#include <optional>
#include <span>

#include "video/payload_info.h"

namespace konfero::video {

// Walks every OBU element. nullopt if there is none, an element is empty,
// a length field is truncated, longer than 8 bytes or runs past the
// payload, fewer elements than W are present, or an OBU with the extension
// flag lacks its extension byte.
std::optional<PayloadInfo> InspectAv1Payload(std::span<const uint8_t> payload);

}  // namespace konfero::video

#endif  // KONFERO_VIDEO_AV1_PAYLOAD_H_
