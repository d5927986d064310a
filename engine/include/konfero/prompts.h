// konfero/prompts.h: the voice prompts a phone caller hears (the PIN
// prompt, "wrong PIN", "goodbye", ...), in English or German.
//
// They are real speech, made at build time with espeak-ng (docs/prompts.md
// tells how to replace them with recordings). Engine::PlayPrompt plays them
// on a phone call's leg instead of the conference mix.
//
// Thread contract: plain values.
#ifndef KONFERO_PROMPTS_H_
#define KONFERO_PROMPTS_H_

#include <cstdint>

namespace konfero {

enum class PromptId : uint8_t {
  kEnterPin,            // "Welcome. Please enter the conference PIN followed by the hash key."
  kWrongPin,            // "That PIN is not valid. Please try again."
  kReminder,            // "Please enter the conference PIN followed by the hash key."
  kGoodbye,             // "Goodbye."
  kWaitForModerator,    // "Thank you. You will join the conference as soon as a moderator is present."
  kConferenceEnded,     // "The conference has ended. Goodbye."
  kRemoved,             // "You have been removed from the conference. Goodbye."
  kServiceUnavailable,  // "The service is not available right now. Please call again later."
};

enum class PromptLanguage : uint8_t { kEnglish, kGerman };

}  // namespace konfero

#endif  // KONFERO_PROMPTS_H_
