#include "video/vp8_continuity.h"

namespace konfero::video {
namespace {

constexpr uint16_t kPictureIdSpace = kVp8PictureIdMask15 + 1;      // 2^15
constexpr uint16_t kShortPictureIdSpace = kVp8PictureIdMask7 + 1;  // 2^7

// True if `a` follows `b` in a 15-bit wrapping sequence (less than half the
// space ahead).
bool IsNewerPictureId(uint16_t a, uint16_t b) {
  const uint16_t ahead = (a - b) & kVp8PictureIdMask15;
  return ahead != 0 && ahead < kPictureIdSpace / 2;
}

bool IsNewerTl0PicIdx(uint8_t a, uint8_t b) {
  const uint8_t ahead = static_cast<uint8_t>(a - b);
  return ahead != 0 && ahead < 128;
}

// The 15-bit id whose low 7 bits are `short_id` and which lies nearest to
// `reference` (at most 64 behind or 63 ahead).
uint16_t ExtendShortPictureId(uint8_t short_id, uint16_t reference) {
  const int ahead = (short_id - reference) & kVp8PictureIdMask7;  // 0-127
  const int delta = ahead < kShortPictureIdSpace / 2 ? ahead : ahead - kShortPictureIdSpace;
  return static_cast<uint16_t>((reference + delta) & kVp8PictureIdMask15);
}

}  // namespace

void Vp8Continuity::Rewrite(std::span<uint8_t> payload, const Vp8Descriptor& d,
                            bool source_switched) {
  if (source_switched) {
    picture_offset_set_ = false;
    tl0_offset_set_ = false;
  }
  if (d.picture_id) WriteVp8PictureId(payload, d, MapPictureId(d));
  if (d.tl0_pic_idx) WriteVp8Tl0PicIdx(payload, d, MapTl0PicIdx(*d.tl0_pic_idx));
}

uint16_t Vp8Continuity::MapPictureId(const Vp8Descriptor& d) {
  uint16_t source_id = *d.picture_id;
  if (!picture_offset_set_) {
    // The first picture of a source: continue after the newest one sent.
    source_newest_picture_id_ = source_id;
    picture_offset_ = 0;
    if (picture_sent_) {
      picture_offset_ = (newest_sent_picture_id_ + 1 - source_id) & kVp8PictureIdMask15;
    }
    picture_offset_set_ = true;
  } else {
    if (!d.long_picture_id) {
      source_id = ExtendShortPictureId(static_cast<uint8_t>(source_id), source_newest_picture_id_);
    }
    if (IsNewerPictureId(source_id, source_newest_picture_id_)) {
      source_newest_picture_id_ = source_id;
    }
  }
  const uint16_t out = (source_id + picture_offset_) & kVp8PictureIdMask15;
  if (!picture_sent_ || IsNewerPictureId(out, newest_sent_picture_id_)) {
    newest_sent_picture_id_ = out;
  }
  picture_sent_ = true;
  return out;
}

uint8_t Vp8Continuity::MapTl0PicIdx(uint8_t tl0_pic_idx) {
  if (!tl0_offset_set_) {
    tl0_offset_ = tl0_sent_ ? static_cast<uint8_t>(newest_sent_tl0_pic_idx_ + 1 - tl0_pic_idx) : 0;
    tl0_offset_set_ = true;
  }
  const auto out = static_cast<uint8_t>(tl0_pic_idx + tl0_offset_);
  if (!tl0_sent_ || IsNewerTl0PicIdx(out, newest_sent_tl0_pic_idx_)) {
    newest_sent_tl0_pic_idx_ = out;
  }
  tl0_sent_ = true;
  return out;
}

}  // namespace konfero::video
