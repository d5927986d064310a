// prompts/pcm_clip.h: how a generated prompt source (konfero_prompt_gen's
// output) hands its samples to prompts.cc. Kept free of abseil and the
// standard library's heavier headers: 16 generated files include it, and
// each of them should compile in a fraction of a second.
//
// Thread contract: constant data; any thread.
#ifndef KONFERO_PROMPTS_PCM_CLIP_H_
#define KONFERO_PROMPTS_PCM_CLIP_H_

#include <cstddef>
#include <cstdint>

namespace konfero::prompts::internal {

struct PcmClip {
  const int16_t* samples;  // 16 kHz mono
  size_t size;
};

}  // namespace konfero::prompts::internal

#endif  // KONFERO_PROMPTS_PCM_CLIP_H_
