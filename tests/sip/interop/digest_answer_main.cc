// sip_digest_answer: answers a Digest challenge from the command line, for
// the kamailio interop script next to it.
//
//   sip_digest_answer USER PASSWORD METHOD DIGEST_URI < challenges
//
// Reads one WWW-Authenticate / Proxy-Authenticate value per line on stdin,
// picks one with ChooseChallenge, and prints the Authorization value
// (AnswerChallenge: random cnonce, nc=1). Exit 1 with the reason on stderr.
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "sip/digest.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::cerr << "usage: sip_digest_answer USER PASSWORD METHOD DIGEST_URI < challenges\n";
    return 2;
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(std::cin, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  const std::vector<std::string_view> values(lines.begin(), lines.end());
  absl::StatusOr<konfero::sip::DigestChallenge> challenge =
      konfero::sip::ChooseChallenge(values);
  if (!challenge.ok()) {
    std::cerr << challenge.status() << "\n";
    return 1;
  }
  konfero::sip::DigestClientState state;
  absl::StatusOr<std::string> answer = konfero::sip::AnswerChallenge(
      *challenge, {argv[1], argv[2], ""}, argv[3], argv[4], "", state);
  if (!answer.ok()) {
    std::cerr << answer.status() << "\n";
    return 1;
  }
  std::cout << *answer << "\n";
  return 0;
}
