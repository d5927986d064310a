// prompts/prompts.cc: see prompts.h. The audio and texts come from the
// table the build generates (prompt_table.inc, from prompts/CMakeLists.txt).
#include "prompts/prompts.h"

#include <cstdlib>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "prompts/pcm_clip.h"

namespace konfero::prompts {
namespace internal {

struct PromptEntry {
  PromptId id;
  Language language;
  const char* name;
  const PcmClip* clip;
  const char* text;
};

#include "prompt_table.inc"

// The CMake list and the enums must agree: a prompt added to one but not the
// other, or listed out of order, stops the build here.
constexpr bool TableMatchesEnums() {
  for (int l = 0; l < kLanguageCount; ++l) {
    for (int p = 0; p < kPromptCount; ++p) {
      const PromptEntry& e = kPromptTable[l][p];
      if (e.id != static_cast<PromptId>(p) || e.language != static_cast<Language>(l) ||
          e.clip == nullptr || e.text == nullptr) {
        return false;
      }
    }
  }
  return true;
}
static_assert(TableMatchesEnums(),
              "the konfero_prompt() list in prompts/CMakeLists.txt does not match "
              "enum PromptId / Language in prompts.h");

}  // namespace internal

namespace {

const internal::PromptEntry& Entry(PromptId id, Language language) {
  const int p = static_cast<int>(id);
  const int l = static_cast<int>(language);
  if (p >= kPromptCount || l >= kLanguageCount) std::abort();  // not an enumerator
  return internal::kPromptTable[l][p];
}

}  // namespace

absl::StatusOr<Language> ParseLanguage(std::string_view tag) {
  const absl::string_view t = Sv(tag);
  const size_t sep = t.find_first_of("-_");
  const absl::string_view primary = t.substr(0, sep);
  bool valid_rest = true;
  if (sep != absl::string_view::npos) {
    const absl::string_view rest = t.substr(sep + 1);
    valid_rest = !rest.empty();
    for (char c : rest) {
      if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
        valid_rest = false;
      }
    }
  }
  if (valid_rest) {
    if (absl::EqualsIgnoreCase(primary, "en")) return Language::kEnglish;
    if (absl::EqualsIgnoreCase(primary, "de")) return Language::kGerman;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unsupported prompt language \"", absl::CHexEscape(t),
      "\": expected en or de, optionally with a region (en-US, de-DE)"));
}

const Prompt& GetPrompt(PromptId id, Language language) {
  // The clips' sizes live in their own translation units, so the spans are
  // made on first use (thread-safe, no allocation) rather than at compile time.
  static const auto* const prompts = [] {
    static Prompt all[kLanguageCount][kPromptCount];
    for (int l = 0; l < kLanguageCount; ++l) {
      for (int p = 0; p < kPromptCount; ++p) {
        const internal::PcmClip& clip = *internal::kPromptTable[l][p].clip;
        all[l][p].samples_16k = absl::Span<const int16_t>(clip.samples, clip.size);
      }
    }
    return &all;
  }();
  const internal::PromptEntry& e = Entry(id, language);  // checks the range
  return (*prompts)[static_cast<int>(e.language)][static_cast<int>(e.id)];
}

std::string_view PromptText(PromptId id, Language language) {
  return Entry(id, language).text;
}

std::string_view PromptName(PromptId id) { return Entry(id, Language::kEnglish).name; }

}  // namespace konfero::prompts
