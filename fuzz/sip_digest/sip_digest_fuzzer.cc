// sip_digest_fuzzer: the Digest challenge and credentials parsers
// (sip/digest.h) on arbitrary bytes, the input taken as a header value.
//
//  1. ParseDigestChallenge: an accepted challenge formats, and the text
//     parses back to an equal challenge; answering it (fixed credentials)
//     either fails cleanly or gives credentials that parse.
//  2. ParseDigestAuthorization: the same format / parse round trip; and
//     DigestServer::Verify (fixed secret) never accepts the input, whose
//     nonce cannot carry our HMAC.
//  3. ChooseChallenge over the input cut at '\n': a chosen challenge is one
//     that parses on its own.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "sip/digest.h"

namespace {

using konfero::sip::DigestAlgorithm;
using konfero::sip::DigestUserSecret;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "sip_digest_fuzzer: %s\n", what);
    std::abort();
  }
}

std::optional<DigestUserSecret> AnyUser(std::string_view, std::string_view,
                                        DigestAlgorithm) {
  return DigestUserSecret::Password("pw");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  namespace sip = konfero::sip;

  if (absl::StatusOr<sip::DigestChallenge> c = sip::ParseDigestChallenge(input); c.ok()) {
    absl::StatusOr<std::string> text = sip::FormatDigestChallenge(*c);
    Check(text.ok(), "a parsed challenge does not format");
    absl::StatusOr<sip::DigestChallenge> again = sip::ParseDigestChallenge(*text);
    Check(again.ok(), "a formatted challenge does not parse");
    Check(*again == *c, "challenge round trip changed it");
    absl::StatusOr<std::string> answer = sip::BuildDigestAuthorization(
        *c, {"user", "pw", ""}, "REGISTER", "sip:example.com", "body", "cnonce", 1);
    if (answer.ok()) {
      absl::StatusOr<sip::DigestAuthorization> a = sip::ParseDigestAuthorization(*answer);
      Check(a.ok(), "our own answer does not parse");
      Check(a->nonce == c->nonce && a->realm == c->realm, "answer lost nonce or realm");
    }
  }

  if (absl::StatusOr<sip::DigestAuthorization> a = sip::ParseDigestAuthorization(input);
      a.ok()) {
    absl::StatusOr<std::string> text = sip::FormatDigestAuthorization(*a);
    Check(text.ok(), "parsed credentials do not format");
    absl::StatusOr<sip::DigestAuthorization> again = sip::ParseDigestAuthorization(*text);
    Check(again.ok(), "formatted credentials do not parse");
    Check(*again == *a, "credentials round trip changed them");
  }
  sip::DigestServer server(std::array<uint8_t, sip::DigestServer::kSecretBytes>{});
  const sip::DigestVerification v =
      server.Verify("example.com", input, "INVITE", "", absl::FromUnixSeconds(1), AnyUser);
  Check(!v.ok(), "Verify accepted a nonce it did not issue");

  std::vector<std::string_view> values;
  for (size_t start = 0; start <= input.size() && values.size() < 8;) {
    const size_t end = std::min(input.find('\n', start), input.size());
    values.push_back(input.substr(start, end - start));
    start = end + 1;
  }
  if (absl::StatusOr<sip::DigestChallenge> c = sip::ChooseChallenge(values); c.ok()) {
    bool found = false;
    for (std::string_view value : values) {
      absl::StatusOr<sip::DigestChallenge> one = sip::ParseDigestChallenge(value);
      found = found || (one.ok() && *one == *c);
    }
    Check(found, "ChooseChallenge returned a challenge not in its input");
  }
  return 0;
}
