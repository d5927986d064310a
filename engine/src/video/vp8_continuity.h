// video/vp8_continuity.h: keeps the VP8 picture id and TL0PICIDX of one
// outgoing stream continuous while the SFU switches it between sources
// (simulcast layers, or publishers).
//
// Each source numbers its pictures on its own. When the forwarded source
// changes, the first packet from the new source (a key frame start) is
// mapped to the newest picture id sent so far + 1, and its TL0PICIDX to
// the newest sent + 1; every later packet of that source, including late
// (reordered) ones, goes through the same offsets, so packets of one
// picture share one output id. Picture ids live in the 15-bit space; a
// 7-bit id is first extended to 15 bits against the newest id of its
// source, and each packet keeps the width of its own field on output.
//
//   Vp8Continuity continuity;                  // one per subscriber stream
//   auto d = ParseVp8Descriptor(payload);
//   if (d) continuity.Rewrite(payload, *d, /*source_switched=*/layer_changed);
//
// The first packet ever is treated like a switch and keeps its ids. The
// caller must not pass packets of the previous source after a switch, nor
// packets of the new source older than the switch point: they would map
// onto ids already used.
//
// Thread contract: not thread-safe; one thread (the stream's worker) calls
// it. No allocation.
#ifndef KONFERO_VIDEO_VP8_CONTINUITY_H_
#define KONFERO_VIDEO_VP8_CONTINUITY_H_

#include <cstdint>
#include <span>

#include "video/vp8_descriptor.h"

namespace konfero::video {

class Vp8Continuity {
 public:
  // Rewrites the picture id and TL0PICIDX of `payload` in place (fields the
  // packet lacks are left alone). `d` must come from ParseVp8Descriptor on
  // `payload`. `source_switched` is true for the first packet forwarded
  // from a new source.
  void Rewrite(std::span<uint8_t> payload, const Vp8Descriptor& d, bool source_switched);

 private:
  uint16_t MapPictureId(const Vp8Descriptor& d);
  uint8_t MapTl0PicIdx(uint8_t tl0_pic_idx);

  // Picture id, 15-bit values. An offset is chosen by the first packet of
  // a source that carries the field.
  bool picture_offset_set_ = false;
  uint16_t picture_offset_ = 0;
  uint16_t source_newest_picture_id_ = 0;  // 15-bit (7-bit ids extended)
  bool picture_sent_ = false;
  uint16_t newest_sent_picture_id_ = 0;

  // TL0PICIDX, 8-bit values.
  bool tl0_offset_set_ = false;
  uint8_t tl0_offset_ = 0;
  bool tl0_sent_ = false;
  uint8_t newest_sent_tl0_pic_idx_ = 0;
};

}  // namespace konfero::video

#endif  // KONFERO_VIDEO_VP8_CONTINUITY_H_
