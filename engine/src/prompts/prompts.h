// prompts/prompts.h: the voice prompts phone callers hear (PIN entry,
// waiting for the moderator, goodbye, ...), in English and German, as 16 kHz
// mono PCM compiled into the library. The audio is made at build time:
// espeak-ng speaks each text, konfero_prompt_gen resamples it to 16 kHz,
// evens out the level and the silence at both ends, and writes it as a C++
// array (see docs/prompts.md; a recording can replace any prompt).
//
//   const Prompt& p = GetPrompt(PromptId::kEnterPin, Language::kGerman);
//   player.Enqueue(PromptId::kEnterPin, Language::kGerman);   // prompt_player.h
//   LOG(INFO) << "playing: " << PromptText(PromptId::kEnterPin, Language::kGerman);
//
// Thread contract: pure functions over constant data; any thread.
#ifndef KONFERO_PROMPTS_PROMPTS_H_
#define KONFERO_PROMPTS_PROMPTS_H_

#include "konfero/prompts.h"
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace konfero::prompts {

// Keep in step with the konfero_prompt() list in prompts/CMakeLists.txt (the
// build checks the order).
// The ids and languages are the public ones (konfero/prompts.h).
using PromptId = konfero::PromptId;
inline constexpr int kPromptCount = 8;

using Language = konfero::PromptLanguage;
inline constexpr int kLanguageCount = 2;

inline constexpr int kPromptSampleRateHz = 16000;

// A language tag as a SIP header or a room setting gives it: "en", "de", or
// either with a region ("en-US", "de_AT"); case-insensitive. InvalidArgument
// for anything else.
absl::StatusOr<Language> ParseLanguage(std::string_view tag);

// One prompt's audio: 16 kHz mono, speech with about 200 ms of silence before
// and after. Static storage, never freed.
struct Prompt {
  absl::Span<const int16_t> samples_16k;

  int64_t duration_ms() const {
    return static_cast<int64_t>(samples_16k.size()) * 1000 / kPromptSampleRateHz;
  }
};

// Every (id, language) pair exists. An id or language outside the enums is a
// programming error (it aborts).
const Prompt& GetPrompt(PromptId id, Language language);

// The words of the prompt (UTF-8), for logs and documentation.
std::string_view PromptText(PromptId id, Language language);

// "kEnterPin", ..., for logs.
std::string_view PromptName(PromptId id);

}  // namespace konfero::prompts

#endif  // KONFERO_PROMPTS_PROMPTS_H_
