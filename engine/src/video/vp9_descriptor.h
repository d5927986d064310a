// video/vp9_descriptor.h: the VP9 RTP payload descriptor (RFC 9628 §4.2),
// read from the start of a packet's payload.
//
//          0 1 2 3 4 5 6 7
//         +-+-+-+-+-+-+-+-+
//         |I|P|L|F|B|E|V|Z|  required
//         +-+-+-+-+-+-+-+-+
//    I:   |M| PICTURE ID  |  M=1: 15-bit picture id over two bytes
//         +-+-+-+-+-+-+-+-+
//    M:   | EXTENDED PID  |
//         +-+-+-+-+-+-+-+-+
//    L:   | TID |U| SID |D|  layer indices
//         +-+-+-+-+-+-+-+-+
//  L,!F:  |   TL0PICIDX   |  non-flexible mode only
//         +-+-+-+-+-+-+-+-+
//  P,F:   | P_DIFF      |N|  flexible mode: up to 3, N=1 if another follows
//         +-+-+-+-+-+-+-+-+
//    V:   | SS            |  scalability structure, below
//         +-+-+-+-+-+-+-+-+
//
// The scalability structure: |N_S|Y|G|-|-|-| (N_S+1 spatial layers); if Y,
// a 16-bit width and height per layer; if G, N_G (one byte) picture group
// entries, each |T|U|R|-|-| followed by R P_DIFF bytes.
//
//   auto d = ParseVp9Descriptor(payload);
//   if (!d) return;                       // malformed: drop it
//   bool layer_start = d->begins_frame;
//
// Thread contract: pure function, safe from any thread.
#ifndef KONFERO_VIDEO_VP9_DESCRIPTOR_H_
#define KONFERO_VIDEO_VP9_DESCRIPTOR_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

namespace konfero::video {

inline constexpr size_t kVp9MaxSpatialLayers = 8;
inline constexpr size_t kVp9MaxReferences = 3;

struct Vp9ScalabilityStructure {
  uint8_t spatial_layers = 1;                              // N_S + 1
  bool has_resolutions = false;                            // Y
  std::array<uint16_t, kVp9MaxSpatialLayers> width = {};   // if Y, per layer
  std::array<uint16_t, kVp9MaxSpatialLayers> height = {};  // if Y, per layer
  uint8_t picture_group_size = 0;                          // N_G; 0 without G
};

struct Vp9Descriptor {
  bool inter_picture_predicted = false;    // P
  bool flexible_mode = false;              // F
  bool begins_frame = false;               // B: first packet of a layer frame
  bool ends_frame = false;                 // E: last packet of a layer frame
  bool not_upper_layer_reference = false;  // Z

  std::optional<uint16_t> picture_id = std::nullopt;  // I
  bool long_picture_id = false;                       // M

  // Layer indices (L); zero without them.
  bool has_layer_indices = false;
  uint8_t temporal_id = 0;                            // TID, 0-7
  bool switching_up_point = false;                    // U
  uint8_t spatial_id = 0;                             // SID, 0-7
  bool inter_layer_dependency = false;                // D
  std::optional<uint8_t> tl0_pic_idx = std::nullopt;  // L in non-flexible mode

  // Flexible mode references (P and F): picture id differences.
  uint8_t reference_count = 0;
  std::array<uint8_t, kVp9MaxReferences> p_diff = {};

  std::optional<Vp9ScalabilityStructure> scalability = std::nullopt;  // V

  size_t size = 0;  // bytes of the descriptor; the VP9 payload follows
};

// nullopt if the descriptor is truncated, has more than three references,
// or no VP9 payload byte follows it.
std::optional<Vp9Descriptor> ParseVp9Descriptor(std::span<const uint8_t> payload);

}  // namespace konfero::video

#endif  // KONFERO_VIDEO_VP9_DESCRIPTOR_H_
