// video/h264_payload.h: inspection of H.264 RTP payloads (RFC 6184,
// non-interleaved mode), the H.264 part of InspectPayload.
//
//   NAL unit header:  |F|NRI|  Type   |   1-23 single NAL unit
//   STAP-A (24):      header, then { 16-bit size, NAL unit } one or more
//   FU-A (28):        FU indicator (a NAL header), FU header |S|E|R| Type |,
//                     then at least one byte of the fragment
//
//   auto info = InspectH264Payload(payload);
//
// Thread contract: pure function, safe from any thread.
#ifndef KONFERO_VIDEO_H264_PAYLOAD_H_
#define KONFERO_VIDEO_H264_PAYLOAD_H_

#include <cstdint>
#include <optional>
#include <span>

#include "video/payload_info.h"

namespace konfero::video {

// nullopt for an empty payload, a reserved or interleaved-mode packet type
// (0, 25-27, 29-31), a STAP-A that is empty, holds an empty NAL unit or
// ends inside one, and a FU-A without fragment bytes or whose header names
// an aggregation type.
std::optional<PayloadInfo> InspectH264Payload(std::span<const uint8_t> payload);

}  // namespace konfero::video

#endif  // KONFERO_VIDEO_H264_PAYLOAD_H_
