// access_codes.cc: secrets from the CSPRNG and the invitation texts.
#include "rooms/access_codes.h"

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "crypto/secrets.h"

namespace konfero::rooms {

std::string GeneratePin(int digits, RandomSource& random) {
  return crypto::RandomDigits(digits, random);
}

std::string GenerateUrlToken(RandomSource& random) {
  return crypto::RandomBase64Url(kUrlTokenBytes, random);
}

void ComposeInvitation(std::string_view room_name, std::string_view base_url,
                       PublicAccess& access) {
  access.url = absl::StrCat(Sv(base_url), access.url_token);
  std::string en = absl::StrCat("You are invited to the web conference \"",
                                Sv(room_name), "\".\n\nJoin in your browser:\n",
                                access.url, "\n");
  std::string de = absl::StrCat("Sie sind zur Webkonferenz \"", Sv(room_name),
                                "\" eingeladen.\n\nIm Browser teilnehmen:\n",
                                access.url, "\n");
  if (!access.dial_in_number.empty()) {
    // The dial-in asks for the PIN "followed by the hash key" (prompts).
    absl::StrAppend(&en, "\nJoin by phone:\nDial-in number: ",
                    access.dial_in_number, "\nPIN: ", access.pin,
                    "\nCall the number and enter the PIN followed by #.\n");
    absl::StrAppend(&de, "\nPer Telefon teilnehmen:\nEinwahlnummer: ",
                    access.dial_in_number, "\nPIN: ", access.pin,
                    "\nRufen Sie die Nummer an und geben Sie die PIN ein, "
                    "gefolgt von #.\n");
  }
  absl::StrAppend(&en,
                  "\nThe conference starts as soon as a moderator joins.\n");
  absl::StrAppend(&de,
                  "\nDie Konferenz beginnt, sobald ein Moderator beitritt.\n");
  access.invitation_en = std::move(en);
  access.invitation_de = std::move(de);
}

}  // namespace konfero::rooms
