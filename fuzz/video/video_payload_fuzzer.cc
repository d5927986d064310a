// video_payload_fuzzer: InspectPayload for every codec on arbitrary bytes.
// The first input byte selects the codec whose result is cross-checked
// against its descriptor parser (0 VP8, 1 VP9, 2 H.264, 3 AV1, mod 4) and
// seeds the values written below; the rest is the payload. Every VP8
// payload that parses is rewritten (picture id, TL0PICIDX) and re-parsed:
// the new values must read back and no other byte or field may change.
// The same holds when Vp8Continuity maps it as the first packet after a
// switch: its ids must continue one after a synthetic earlier packet's.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "video/payload_info.h"
#include "video/video_codec.h"
#include "video/vp8_continuity.h"
#include "video/vp8_descriptor.h"
#include "video/vp9_descriptor.h"

namespace {

using namespace konfero::video;  // NOLINT: a fuzz target's own file

#define FUZZ_CHECK(cond)                                                            \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (false)

constexpr VideoCodec kCodecs[] = {VideoCodec::kVp8, VideoCodec::kVp9, VideoCodec::kH264,
                                  VideoCodec::kAv1};

bool SameDescriptor(const Vp8Descriptor& a, const Vp8Descriptor& b) {
  return a.non_reference == b.non_reference && a.start_of_partition == b.start_of_partition &&
         a.partition_id == b.partition_id && a.picture_id == b.picture_id &&
         a.long_picture_id == b.long_picture_id && a.tl0_pic_idx == b.tl0_pic_idx &&
         a.temporal_id == b.temporal_id && a.layer_sync == b.layer_sync && a.key_idx == b.key_idx &&
         a.keyframe == b.keyframe && a.width == b.width && a.height == b.height && a.size == b.size;
}

// Holds for any payload any codec accepts.
void CheckGeneric(VideoCodec codec, const PayloadInfo& info) {
  FUZZ_CHECK(info.temporal_id >= -1 && info.temporal_id <= 7);
  FUZZ_CHECK(info.width.has_value() == info.height.has_value());
  FUZZ_CHECK(info.vp8.has_value() == (codec == VideoCodec::kVp8));
  if (codec != VideoCodec::kAv1 && info.keyframe) FUZZ_CHECK(info.begins_frame);
}

void CheckAgainstParser(VideoCodec codec, const std::optional<PayloadInfo>& info,
                        std::span<const uint8_t> payload) {
  if (codec == VideoCodec::kVp8) {
    const auto d = ParseVp8Descriptor(payload);
    FUZZ_CHECK(d.has_value() == info.has_value());
    if (!d) return;
    FUZZ_CHECK(SameDescriptor(*d, *info->vp8));
    FUZZ_CHECK(info->keyframe == d->keyframe && info->begins_frame == d->begins_frame());
    FUZZ_CHECK(info->temporal_id == (d->temporal_id ? *d->temporal_id : -1));
    FUZZ_CHECK(d->size < payload.size());
  } else if (codec == VideoCodec::kVp9) {
    const auto d = ParseVp9Descriptor(payload);
    FUZZ_CHECK(d.has_value() == info.has_value());
    if (!d) return;
    FUZZ_CHECK(info->begins_frame == d->begins_frame);
    FUZZ_CHECK(!info->keyframe || !d->inter_picture_predicted);
    FUZZ_CHECK(d->size < payload.size());
    FUZZ_CHECK(d->reference_count <= kVp9MaxReferences);
  } else if (codec == VideoCodec::kAv1 && info) {
    FUZZ_CHECK(info->keyframe == ((payload[0] & 0x08) != 0));
    FUZZ_CHECK(info->begins_frame == ((payload[0] & 0x80) == 0));
  }
}

// Positions of the picture id and TL0PICIDX bytes in a parsed payload.
bool IsIdByte(const Vp8Descriptor& d, size_t i) {
  const size_t id_bytes = d.picture_id ? (d.long_picture_id ? 2 : 1) : 0;
  if (d.picture_id && i >= 2 && i < 2 + id_bytes) return true;
  return d.tl0_pic_idx && i == 2 + id_bytes;
}

// `after` holds the bytes of `before` with only the id fields changed to
// `picture_id` (kept to the field's width) and `tl0`.
void CheckRewritten(std::span<const uint8_t> before, std::span<const uint8_t> after,
                    const Vp8Descriptor& d, uint16_t picture_id, uint8_t tl0) {
  FUZZ_CHECK(before.size() == after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    if (!IsIdByte(d, i)) FUZZ_CHECK(before[i] == after[i]);
  }
  const auto again = ParseVp8Descriptor(after);
  FUZZ_CHECK(again.has_value());
  Vp8Descriptor expected = d;
  if (d.picture_id) {
    expected.picture_id =
        picture_id & (d.long_picture_id ? kVp8PictureIdMask15 : kVp8PictureIdMask7);
  }
  if (d.tl0_pic_idx) expected.tl0_pic_idx = tl0;
  FUZZ_CHECK(SameDescriptor(*again, expected));
}

void CheckVp8Rewrite(std::span<const uint8_t> payload, uint8_t seed) {
  const auto d = ParseVp8Descriptor(payload);
  if (!d) return;

  std::vector<uint8_t> copy(payload.begin(), payload.end());
  const auto picture_id = static_cast<uint16_t>(~d->picture_id.value_or(0) ^ (seed * 0x0101));
  const auto tl0 = static_cast<uint8_t>(~d->tl0_pic_idx.value_or(0) ^ seed);
  FUZZ_CHECK(WriteVp8PictureId(copy, *d, picture_id) == d->picture_id.has_value());
  FUZZ_CHECK(WriteVp8Tl0PicIdx(copy, *d, tl0) == d->tl0_pic_idx.has_value());
  CheckRewritten(payload, copy, *d, picture_id, tl0);

  // An earlier source sent picture `last_id` with TL0PICIDX `last_tl0`; the
  // payload is the first packet of the source switched to.
  const auto last_id = static_cast<uint16_t>((seed * 131 + 0x7F00) & kVp8PictureIdMask15);
  const auto last_tl0 = static_cast<uint8_t>(seed + 250);
  std::vector<uint8_t> earlier = {
      0x90,     0xC0, static_cast<uint8_t>(0x80 | (last_id >> 8)), static_cast<uint8_t>(last_id),
      last_tl0, 0x01};
  const auto earlier_d = ParseVp8Descriptor(earlier);
  FUZZ_CHECK(earlier_d.has_value());
  Vp8Continuity continuity;
  continuity.Rewrite(earlier, *earlier_d, /*source_switched=*/true);
  FUZZ_CHECK(ParseVp8Descriptor(earlier)->picture_id == last_id);  // the first keeps its ids

  std::vector<uint8_t> switched(payload.begin(), payload.end());
  continuity.Rewrite(switched, *d, /*source_switched=*/true);
  CheckRewritten(payload, switched, *d, static_cast<uint16_t>(last_id + 1),
                 static_cast<uint8_t>(last_tl0 + 1));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t selector = data[0];
  const std::span<const uint8_t> payload(data + 1, size - 1);
  for (VideoCodec codec : kCodecs) {
    const auto info = InspectPayload(codec, payload);
    if (info) CheckGeneric(codec, *info);
    if (codec == kCodecs[selector % 4]) CheckAgainstParser(codec, info, payload);
  }
  CheckVp8Rewrite(payload, selector);
  return 0;
}
