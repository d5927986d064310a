// sip/digest.cc: parsing and formatting of Digest challenges and
// credentials, the hashes of RFC 2617 / RFC 7616, and the client side.
// The server (nonces, verification, replay table) is in digest_server.cc.
#include "sip/digest.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/absl_compat.h"
#include "openssl/evp.h"
#include "openssl/rand.h"
#include "sip/digest_internal.h"

namespace konfero::sip {
namespace {

bool IsWsp(char c) { return c == ' ' || c == '\t'; }

// RFC 3261 token characters.
bool IsTokenChar(char c) {
  if (absl::ascii_isalnum(static_cast<unsigned char>(c))) return true;
  switch (c) {
    case '-': case '.': case '!': case '%': case '*':
    case '_': case '+': case '`': case '\'': case '~':
      return true;
    default:
      return false;
  }
}

// Control characters other than HTAB are refused everywhere in a value,
// raw or escaped, so whatever parses can be formatted again.
bool IsForbiddenControl(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\t') || u == 0x7f;
}

struct RawParam {
  std::string name;  // lowercase
  std::string value;
};

// `Digest name=value, name="quoted", ...` -> the parameters, in order.
absl::StatusOr<std::vector<RawParam>> ParseParams(std::string_view text,
                                                 const DigestParseLimits& limits,
                                                 std::string_view what) {
  if (text.size() > limits.max_value_bytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Digest ", Sv(what), " is ", text.size(), " bytes, more than ",
        limits.max_value_bytes));
  }
  size_t i = 0;
  const size_t n = text.size();
  auto skip_wsp = [&] {
    while (i < n && IsWsp(text[i])) ++i;
  };
  auto fail = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("Digest ", Sv(what), ": ", Sv(why), " at offset ", i));
  };
  skip_wsp();
  const size_t scheme_start = i;
  while (i < n && IsTokenChar(text[i])) ++i;
  const std::string_view scheme = text.substr(scheme_start, i - scheme_start);
  if (scheme.empty()) return fail("missing auth scheme");
  if (!absl::EqualsIgnoreCase(Sv(scheme), "Digest")) {
    return absl::UnimplementedError(absl::StrCat(
        "auth scheme ", Sv(scheme.substr(0, 32)), " is not Digest"));
  }
  if (i == n || !IsWsp(text[i])) {
    return fail(i == n ? "no parameters" : "expected a space after Digest");
  }
  std::vector<RawParam> params;
  while (true) {
    skip_wsp();
    const size_t name_start = i;
    while (i < n && IsTokenChar(text[i])) ++i;
    if (i == name_start) return fail("expected a parameter name");
    std::string name = absl::AsciiStrToLower(
        Sv(text.substr(name_start, i - name_start)));
    skip_wsp();
    if (i == n || text[i] != '=') return fail("expected '=' after a parameter name");
    ++i;
    skip_wsp();
    std::string value;
    if (i < n && text[i] == '"') {
      ++i;
      bool closed = false;
      while (i < n) {
        char c = text[i];
        if (c == '"') {
          closed = true;
          ++i;
          break;
        }
        if (c == '\\') {
          if (++i == n) break;
          c = text[i];
        }
        if (IsForbiddenControl(c)) return fail("control character in a quoted string");
        value.push_back(c);
        ++i;
        if (value.size() > limits.max_param_bytes) break;
      }
      if (value.size() > limits.max_param_bytes) {
        return fail(absl::StrCat("parameter ", name, " longer than ",
                                 limits.max_param_bytes, " bytes"));
      }
      if (!closed) return fail("unterminated quoted string");
    } else {
      const size_t start = i;
      while (i < n && !IsWsp(text[i]) && text[i] != ',' && text[i] != '"' &&
             !IsForbiddenControl(text[i])) {
        ++i;
      }
      if (i == start) return fail(absl::StrCat("empty value for ", name));
      if (i - start > limits.max_param_bytes) {
        return fail(absl::StrCat("parameter ", name, " longer than ",
                                 limits.max_param_bytes, " bytes"));
      }
      value.assign(text.substr(start, i - start));
    }
    for (const RawParam& p : params) {
      if (p.name == name) return fail(absl::StrCat("duplicated parameter ", name));
    }
    if (params.size() == limits.max_params) {
      return fail(absl::StrCat("more than ", limits.max_params, " parameters"));
    }
    params.push_back({std::move(name), std::move(value)});
    skip_wsp();
    if (i == n) break;
    if (text[i] != ',') return fail("expected ',' between parameters");
    ++i;
    skip_wsp();
    if (i == n) return fail("trailing ','");
  }
  return params;
}

absl::StatusOr<bool> ParseBool(std::string_view name, std::string_view value) {
  if (absl::EqualsIgnoreCase(Sv(value), "true")) return true;
  if (absl::EqualsIgnoreCase(Sv(value), "false")) return false;
  return absl::InvalidArgumentError(absl::StrCat(
      "Digest parameter ", Sv(name), " is neither true nor false"));
}

absl::StatusOr<DigestAlgorithm> ParseAlgorithmParam(std::string_view value) {
  std::optional<DigestAlgorithm> a = ParseDigestAlgorithm(value);
  if (!a) {
    return absl::UnimplementedError(absl::StrCat(
        "Digest algorithm ", Sv(value.substr(0, 32)), " is not supported"));
  }
  return *a;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isxdigit(static_cast<unsigned char>(c));
  });
}

// A value to be written as a quoted string: no control characters.
absl::Status CheckQuotable(std::string_view name, std::string_view value) {
  if (std::any_of(value.begin(), value.end(), IsForbiddenControl)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Digest parameter ", Sv(name), " holds a control character"));
  }
  return absl::OkStatus();
}

void AppendQuoted(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty() && out.back() != ' ') out += ", ";
  out.append(name);
  out += "=\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

void AppendToken(std::string& out, std::string_view name, std::string_view value) {
  if (!out.empty() && out.back() != ' ') out += ", ";
  absl::StrAppend(&out, Sv(name), "=", Sv(value));
}

std::string NcHex(uint32_t nc) {
  char buf[9];
  std::snprintf(buf, sizeof(buf), "%08x", nc);
  return buf;
}

std::string_view QopName(DigestQop qop) {
  return qop == DigestQop::kAuthInt ? "auth-int" : "auth";
}

}  // namespace

// ------------------------------------------------------------ internal --

bool IsSha256(DigestAlgorithm a) {
  return a == DigestAlgorithm::kSha256 || a == DigestAlgorithm::kSha256Sess;
}
bool IsSess(DigestAlgorithm a) {
  return a == DigestAlgorithm::kMd5Sess || a == DigestAlgorithm::kSha256Sess;
}
size_t HexLength(DigestAlgorithm a) { return IsSha256(a) ? 64 : 32; }

std::string HashHex(DigestAlgorithm algorithm,
                    std::initializer_list<std::string_view> parts) {
  const EVP_MD* md = IsSha256(algorithm) ? EVP_sha256() : EVP_md5();
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, md, nullptr) == 1;
  bool first = true;
  for (std::string_view part : parts) {
    if (!first) ok = ok && EVP_DigestUpdate(ctx, ":", 1) == 1;
    first = false;
    ok = ok && EVP_DigestUpdate(ctx, part.data(), part.size()) == 1;
  }
  ok = ok && EVP_DigestFinal_ex(ctx, digest, &size) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) {
    // Only an OpenSSL without MD5/SHA-256 (a FIPS-only provider for MD5) gets
    // here; answering with a wrong digest would be worse than stopping.
    std::fputs("konfero: OpenSSL digest failed; aborting\n", stderr);
    std::abort();
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int k = 0; k < size; ++k) {
    out.push_back(kHex[digest[k] >> 4]);
    out.push_back(kHex[digest[k] & 0xf]);
  }
  return out;
}

std::string DigestResponse(DigestAlgorithm algorithm, std::string_view base_ha1,
                           std::string_view nonce, DigestQop qop,
                           std::string_view cnonce, uint32_t nc,
                           std::string_view method, std::string_view uri,
                           std::string_view body) {
  std::string ha1(base_ha1);
  if (IsSess(algorithm)) ha1 = HashHex(algorithm, {base_ha1, nonce, cnonce});
  const std::string ha2 =
      qop == DigestQop::kAuthInt
          ? HashHex(algorithm, {method, uri, HashHex(algorithm, {body})})
          : HashHex(algorithm, {method, uri});
  if (qop == DigestQop::kNone) return HashHex(algorithm, {ha1, nonce, ha2});
  return HashHex(algorithm, {ha1, nonce, NcHex(nc), cnonce, QopName(qop), ha2});
}

void RandomBytes(uint8_t* out, size_t size) {
  if (RAND_bytes(out, static_cast<int>(size)) != 1) {
    std::fputs("konfero: OpenSSL RAND_bytes failed; aborting\n", stderr);
    std::abort();
  }
}

// -------------------------------------------------------------- public --

std::string_view DigestAlgorithmName(DigestAlgorithm algorithm) {
  switch (algorithm) {
    case DigestAlgorithm::kMd5: return "MD5";
    case DigestAlgorithm::kMd5Sess: return "MD5-sess";
    case DigestAlgorithm::kSha256: return "SHA-256";
    case DigestAlgorithm::kSha256Sess: return "SHA-256-sess";
  }
  return "MD5";
}

std::optional<DigestAlgorithm> ParseDigestAlgorithm(std::string_view name) {
  for (DigestAlgorithm a : {DigestAlgorithm::kMd5, DigestAlgorithm::kMd5Sess,
                            DigestAlgorithm::kSha256, DigestAlgorithm::kSha256Sess}) {
    if (absl::EqualsIgnoreCase(Sv(name), Sv(DigestAlgorithmName(a)))) return a;
  }
  return std::nullopt;
}

absl::StatusOr<DigestChallenge> ParseDigestChallenge(std::string_view value,
                                                     const DigestParseLimits& limits) {
  absl::StatusOr<std::vector<RawParam>> params = ParseParams(value, limits, "challenge");
  if (!params.ok()) return params.status();
  DigestChallenge c;
  bool has_realm = false, has_nonce = false;
  for (RawParam& p : *params) {
    if (p.name == "realm") {
      c.realm = std::move(p.value);
      has_realm = true;
    } else if (p.name == "nonce") {
      c.nonce = std::move(p.value);
      has_nonce = true;
    } else if (p.name == "opaque") {
      c.opaque = std::move(p.value);
    } else if (p.name == "algorithm") {
      absl::StatusOr<DigestAlgorithm> a = ParseAlgorithmParam(p.value);
      if (!a.ok()) return a.status();
      c.algorithm = *a;
      c.algorithm_present = true;
    } else if (p.name == "qop") {
      for (absl::string_view option : absl::StrSplit(p.value, ',')) {
        option = absl::StripAsciiWhitespace(option);
        if (absl::EqualsIgnoreCase(option, "auth")) c.qop_auth = true;
        if (absl::EqualsIgnoreCase(option, "auth-int")) c.qop_auth_int = true;
      }
      if (!c.qop_auth && !c.qop_auth_int) {
        return absl::InvalidArgumentError(
            "Digest challenge: qop offers neither auth nor auth-int");
      }
    } else if (p.name == "stale" || p.name == "userhash") {
      absl::StatusOr<bool> b = ParseBool(p.name, p.value);
      if (!b.ok()) return b.status();
      (p.name == "stale" ? c.stale : c.userhash) = *b;
    }
  }
  if (!has_realm) return absl::InvalidArgumentError("Digest challenge without realm");
  if (!has_nonce || c.nonce.empty()) {
    return absl::InvalidArgumentError("Digest challenge without nonce");
  }
  return c;
}

absl::StatusOr<std::string> FormatDigestChallenge(const DigestChallenge& c) {
  for (auto [name, value] : {std::pair<std::string_view, std::string_view>{"realm", c.realm},
                             {"nonce", c.nonce}, {"opaque", c.opaque ? std::string_view(*c.opaque) : std::string_view()}}) {
    if (absl::Status s = CheckQuotable(name, value); !s.ok()) return s;
  }
  std::string out = "Digest ";
  AppendQuoted(out, "realm", c.realm);
  AppendQuoted(out, "nonce", c.nonce);
  if (c.opaque) AppendQuoted(out, "opaque", *c.opaque);
  if (c.algorithm_present || c.algorithm != DigestAlgorithm::kMd5) {
    AppendToken(out, "algorithm", DigestAlgorithmName(c.algorithm));
  }
  if (c.qop_auth || c.qop_auth_int) {
    AppendQuoted(out, "qop", c.qop_auth && c.qop_auth_int ? "auth,auth-int"
                             : c.qop_auth                 ? "auth"
                                                          : "auth-int");
  }
  if (c.stale) AppendToken(out, "stale", "TRUE");
  if (c.userhash) AppendToken(out, "userhash", "true");
  return out;
}

absl::StatusOr<DigestAuthorization> ParseDigestAuthorization(
    std::string_view value, const DigestParseLimits& limits) {
  absl::StatusOr<std::vector<RawParam>> params = ParseParams(value, limits, "credentials");
  if (!params.ok()) return params.status();
  DigestAuthorization a;
  bool has_username = false, has_realm = false, has_nonce = false, has_uri = false,
       has_response = false, has_cnonce = false, has_nc = false;
  for (RawParam& p : *params) {
    if (p.name == "username") {
      a.username = std::move(p.value);
      has_username = true;
    } else if (p.name == "realm") {
      a.realm = std::move(p.value);
      has_realm = true;
    } else if (p.name == "nonce") {
      a.nonce = std::move(p.value);
      has_nonce = true;
    } else if (p.name == "uri") {
      a.uri = std::move(p.value);
      has_uri = true;
    } else if (p.name == "response") {
      a.response = absl::AsciiStrToLower(p.value);
      has_response = true;
    } else if (p.name == "opaque") {
      a.opaque = std::move(p.value);
    } else if (p.name == "cnonce") {
      a.cnonce = std::move(p.value);
      has_cnonce = true;
    } else if (p.name == "nc") {
      if (p.value.size() != 8 || !IsHex(p.value)) {
        return absl::InvalidArgumentError("Digest credentials: nc is not 8 hex digits");
      }
      a.nc = static_cast<uint32_t>(std::strtoul(p.value.c_str(), nullptr, 16));
      has_nc = true;
    } else if (p.name == "algorithm") {
      absl::StatusOr<DigestAlgorithm> alg = ParseAlgorithmParam(p.value);
      if (!alg.ok()) return alg.status();
      a.algorithm = *alg;
      a.algorithm_present = true;
    } else if (p.name == "qop") {
      if (absl::EqualsIgnoreCase(p.value, "auth")) {
        a.qop = DigestQop::kAuth;
      } else if (absl::EqualsIgnoreCase(p.value, "auth-int")) {
        a.qop = DigestQop::kAuthInt;
      } else {
        return absl::InvalidArgumentError(
            "Digest credentials: qop is neither auth nor auth-int");
      }
    } else if (p.name == "userhash") {
      absl::StatusOr<bool> b = ParseBool(p.name, p.value);
      if (!b.ok()) return b.status();
      a.userhash = *b;
    }
  }
  std::vector<const char*> missing;
  if (!has_username) missing.push_back("username");
  if (!has_realm) missing.push_back("realm");
  if (!has_nonce) missing.push_back("nonce");
  if (!has_uri) missing.push_back("uri");
  if (!has_response) missing.push_back("response");
  if (a.qop != DigestQop::kNone && !has_cnonce) missing.push_back("cnonce");
  if (a.qop != DigestQop::kNone && !has_nc) missing.push_back("nc");
  if (!missing.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("Digest credentials without ", absl::StrJoin(missing, ", ")));
  }
  if (a.qop == DigestQop::kNone && (has_cnonce || has_nc)) {
    return absl::InvalidArgumentError("Digest credentials: cnonce or nc without qop");
  }
  if (a.response.size() != HexLength(a.algorithm) || !IsHex(a.response)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Digest credentials: response is not ", HexLength(a.algorithm),
        " hex digits (", Sv(DigestAlgorithmName(a.algorithm)), ")"));
  }
  return a;
}

absl::StatusOr<std::string> FormatDigestAuthorization(const DigestAuthorization& a) {
  for (auto [name, value] : {std::pair<std::string_view, std::string_view>{
                                 "username", a.username},
                             {"realm", a.realm}, {"nonce", a.nonce}, {"uri", a.uri},
                             {"response", a.response}, {"cnonce", a.cnonce},
                             {"opaque", a.opaque ? std::string_view(*a.opaque) : std::string_view()}}) {
    if (absl::Status s = CheckQuotable(name, value); !s.ok()) return s;
  }
  std::string out = "Digest ";
  AppendQuoted(out, "username", a.username);
  AppendQuoted(out, "realm", a.realm);
  AppendQuoted(out, "nonce", a.nonce);
  AppendQuoted(out, "uri", a.uri);
  AppendQuoted(out, "response", a.response);
  if (a.algorithm_present || a.algorithm != DigestAlgorithm::kMd5) {
    AppendToken(out, "algorithm", DigestAlgorithmName(a.algorithm));
  }
  if (a.qop != DigestQop::kNone) AppendQuoted(out, "cnonce", a.cnonce);
  if (a.opaque) AppendQuoted(out, "opaque", *a.opaque);
  if (a.qop != DigestQop::kNone) {
    AppendToken(out, "qop", QopName(a.qop));
    AppendToken(out, "nc", NcHex(a.nc));
  }
  if (a.userhash) AppendToken(out, "userhash", "true");
  return out;
}

// ---------------------------------------------------------------- client --

absl::StatusOr<DigestChallenge> ChooseChallenge(
    absl::Span<const std::string_view> header_values, std::string_view realm) {
  auto rank = [](DigestAlgorithm a) {
    switch (a) {
      case DigestAlgorithm::kSha256: return 0;
      case DigestAlgorithm::kSha256Sess: return 1;
      case DigestAlgorithm::kMd5: return 2;
      case DigestAlgorithm::kMd5Sess: return 3;
    }
    return 4;
  };
  std::optional<DigestChallenge> best;
  std::vector<std::string> reasons;
  for (std::string_view value : header_values) {
    absl::StatusOr<DigestChallenge> c = ParseDigestChallenge(value);
    if (!c.ok()) {
      reasons.emplace_back(Sv(c.status().message()));
      continue;
    }
    if (!realm.empty() && c->realm != realm) {
      reasons.push_back(absl::StrCat("realm ", c->realm, " is not ", Sv(realm)));
      continue;
    }
    if (!best || rank(c->algorithm) < rank(best->algorithm)) best = *std::move(c);
  }
  if (best) return *std::move(best);
  if (reasons.empty()) reasons.emplace_back("no challenge");
  return absl::InvalidArgumentError(
      absl::StrCat("no usable Digest challenge: ", absl::StrJoin(reasons, "; ")));
}

uint32_t DigestClientState::NextNonceCount(std::string_view nonce) {
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->nonce != nonce) continue;
    Entry entry = std::move(*it);
    entries_.erase(it);
    if (++entry.nc == 0) entry.nc = 1;
    entries_.push_back(std::move(entry));
    return entries_.back().nc;
  }
  entries_.push_back({std::string(nonce), 1});
  if (entries_.size() > kMaxNonces) entries_.pop_front();
  return 1;
}

absl::StatusOr<std::string> BuildDigestAuthorization(
    const DigestChallenge& challenge, const DigestCredentials& credentials,
    std::string_view method, std::string_view digest_uri, std::string_view body,
    std::string_view cnonce, uint32_t nc) {
  if (!credentials.realm.empty() && credentials.realm != challenge.realm) {
    return absl::FailedPreconditionError(absl::StrCat(
        "no credentials for realm ", challenge.realm, " (have ", credentials.realm, ")"));
  }
  const DigestQop qop = challenge.qop_auth       ? DigestQop::kAuth
                        : challenge.qop_auth_int ? DigestQop::kAuthInt
                                                 : DigestQop::kNone;
  if (qop == DigestQop::kNone && IsSess(challenge.algorithm)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "Digest challenge with ", Sv(DigestAlgorithmName(challenge.algorithm)),
        " but no qop"));
  }
  const DigestAlgorithm alg = challenge.algorithm;
  DigestAuthorization a;
  a.username = challenge.userhash
                   ? HashHex(alg, {credentials.username, challenge.realm})
                   : credentials.username;
  a.realm = challenge.realm;
  a.nonce = challenge.nonce;
  a.uri = std::string(digest_uri);
  a.opaque = challenge.opaque;
  a.algorithm = alg;
  a.algorithm_present = challenge.algorithm_present;
  a.qop = qop;
  if (qop != DigestQop::kNone) {
    a.cnonce = std::string(cnonce);
    a.nc = nc;
  }
  a.userhash = challenge.userhash;
  const std::string base_ha1 =
      HashHex(alg, {credentials.username, challenge.realm, credentials.password});
  a.response = DigestResponse(alg, base_ha1, a.nonce, qop, a.cnonce, a.nc, method,
                              digest_uri, body);
  return FormatDigestAuthorization(a);
}

absl::StatusOr<std::string> AnswerChallenge(
    const DigestChallenge& challenge, const DigestCredentials& credentials,
    std::string_view method, std::string_view digest_uri, std::string_view body,
    DigestClientState& state) {
  uint8_t random[16];
  RandomBytes(random, sizeof(random));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string cnonce;
  for (uint8_t b : random) {
    cnonce.push_back(kHex[b >> 4]);
    cnonce.push_back(kHex[b & 0xf]);
  }
  const bool uses_nc = challenge.qop_auth || challenge.qop_auth_int;
  const uint32_t nc = uses_nc ? state.NextNonceCount(challenge.nonce) : 0;
  return BuildDigestAuthorization(challenge, credentials, method, digest_uri, body,
                                  cnonce, nc);
}

}  // namespace konfero::sip
