// sip_config.cc: parsing of the dial-in flags' values.
#include "server/sip_config.h"

#include <arpa/inet.h>

#include <cstdint>
#include <span>
#include <utility>

#include "absl/time/time.h"
#include "server/config_values.h"
#include "server/text.h"

namespace konfero::server {
namespace {

constexpr std::string_view kNumberForm = "NUMBER[;room=ID][;lang=en|de]";
constexpr std::string_view kTrunkForm = "NAME;allow=CIDR[,CIDR...][;realm=R;user=U;password=P]";
constexpr std::string_view kRegisterForm =
    "SIP-URI;user=U;password=P[;expires=SECONDS][;number=N], "
    "e.g. sip:alice@provider.example;user=alice;password=...";

struct Param {
  std::string_view key;
  std::string_view value;
};

// "head;k1=v1;k2=v2" split at each ";key=" of a key in `keys`.
struct Split {
  std::string_view head;
  std::vector<Param> params;
};

Split SplitParams(std::string_view text, std::span<const std::string_view> keys) {
  // The positions of the ';' that start a known parameter.
  std::vector<std::pair<size_t, std::string_view>> starts;
  for (size_t i = text.find(';'); i != std::string_view::npos; i = text.find(';', i + 1)) {
    const std::string_view rest = text.substr(i + 1);
    for (std::string_view key : keys) {
      if (rest.size() > key.size() && rest.starts_with(key) && rest[key.size()] == '=') {
        starts.emplace_back(i, key);
        break;
      }
    }
  }
  Split split;
  split.head = text.substr(0, starts.empty() ? text.size() : starts.front().first);
  for (size_t n = 0; n < starts.size(); ++n) {
    const size_t begin = starts[n].first + 1 + starts[n].second.size() + 1;
    const size_t end = n + 1 < starts.size() ? starts[n + 1].first : text.size();
    split.params.push_back({starts[n].second, text.substr(begin, end - begin)});
  }
  return split;
}

absl::Status Invalid(std::string_view flag, std::string_view why) {
  return absl::InvalidArgumentError(Cat("--", flag, ": ", why));
}

// The first parameter given twice, if any.
std::optional<std::string_view> Repeated(const Split& split) {
  for (size_t i = 0; i < split.params.size(); ++i) {
    for (size_t j = i + 1; j < split.params.size(); ++j) {
      if (split.params[i].key == split.params[j].key) return split.params[i].key;
    }
  }
  return std::nullopt;
}

bool IsIp(std::string_view s) {
  const std::string text(s);
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, text.c_str(), &v4) == 1 || inet_pton(AF_INET6, text.c_str(), &v6) == 1;
}

bool IsToken(std::string_view s, size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A digest user or realm: printable, no quote, backslash or ';'.
bool IsDigestField(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f || c == '"' || c == '\\' || c == ';') {
      return false;
    }
  }
  return true;
}

// A password: anything but control characters.
bool IsPassword(std::string_view s) {
  if (s.empty() || s.size() > 256) return false;
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
  }
  return true;
}

// sip: or sips:, then [user@]host[:port][;params], no spaces.
bool IsSipUri(std::string_view s) {
  std::string_view rest;
  if (s.starts_with("sip:")) {
    rest = s.substr(4);
  } else if (s.starts_with("sips:")) {
    rest = s.substr(5);
  } else {
    return false;
  }
  if (rest.size() > 256) return false;
  for (char c : rest) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>') {
      return false;
    }
  }
  const size_t at = rest.find('@');
  if (at == 0) return false;
  const std::string_view host = rest.substr(at == std::string_view::npos ? 0 : at + 1);
  return !host.empty() && host.front() != ':' && host.front() != ';';
}

using config_internal::ParseInt;

// A CIDR quoted in an error only when it cannot be anything else (a
// misplaced parameter could carry a password).
std::string Quoted(std::string_view cidr) {
  if (cidr.size() <= 64 &&
      cidr.find_first_not_of("0123456789abcdefABCDEF.:/") == std::string_view::npos) {
    return Cat("\"", cidr, "\"");
  }
  return "an entry";
}

// Fills `out` from CIDR[,CIDR...]; what is wrong, if anything.
std::optional<std::string> SplitCidrs(std::string_view text, std::vector<std::string>& out) {
  while (true) {
    const size_t comma = text.find(',');
    const std::string_view item = Trim(text.substr(0, comma));
    if (!IsCidr(item)) {
      return Cat(item.empty() ? std::string("an empty entry") : Quoted(item),
                 " is not an address or CIDR; expected CIDR[,CIDR...], e.g. "
                 "192.0.2.0/24,2001:db8::/32,127.0.0.1");
    }
    out.emplace_back(item);
    if (comma == std::string_view::npos) return std::nullopt;
    text = text.substr(comma + 1);
  }
}

// A registration named in errors: its URI up to its own parameters.
std::string RegistrationName(std::string_view uri) {
  return Cat("registration \"", uri.substr(0, uri.find_first_of(";?")), "\": ");
}

}  // namespace

std::optional<PromptLanguage> ParsePromptLanguage(std::string_view text) {
  if (text == "en") return PromptLanguage::kEnglish;
  if (text == "de") return PromptLanguage::kGerman;
  return std::nullopt;
}

bool IsPhoneNumber(std::string_view text) {
  return !text.empty() && text.size() <= 32 &&
         text.find_first_not_of("0123456789+-()/ ") == std::string_view::npos &&
         text.find_first_of("0123456789") != std::string_view::npos;
}

bool IsCidr(std::string_view text) {
  const size_t slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  if (!IsIp(address)) return false;
  if (slash == std::string_view::npos) return true;
  const int64_t max = address.find(':') == std::string_view::npos ? 32 : 128;
  return ParseInt(text.substr(slash + 1), 0, max).has_value();
}

absl::StatusOr<std::vector<std::string>> ParseCidrList(std::string_view flag,
                                                       std::string_view text) {
  std::vector<std::string> out;
  if (std::optional<std::string> why = SplitCidrs(text, out)) return Invalid(flag, *why);
  return out;
}

absl::StatusOr<SipNumberConfig> ParseSipNumber(std::string_view text) {
  constexpr std::string_view kFlag = "sip-number";
  static constexpr std::string_view kKeys[] = {"room", "lang"};
  const Split split = SplitParams(text, kKeys);
  SipNumberConfig out;
  const std::string_view number = Trim(split.head);
  if (!IsPhoneNumber(number)) {
    return Invalid(kFlag, Cat("\"", number,
                              "\" is not a phone number (up to 32 characters of digits, spaces "
                              "and + - ( ) /); expected ",
                              kNumberForm, ", e.g. \"+49 30 1234567;room=12;lang=de\""));
  }
  out.number = std::string(number);
  if (std::optional<std::string_view> key = Repeated(split)) {
    return Invalid(kFlag, Cat(*key, "= is given twice in \"", text, "\""));
  }
  for (const Param& p : split.params) {
    if (p.key == "room") {
      std::optional<int64_t> id = ParseInt(p.value, 1, INT64_MAX);
      if (!id) {
        return Invalid(kFlag, Cat("room= expects a room id (a whole number from 1), not \"",
                                  p.value, "\""));
      }
      out.room = RoomId{*id};
    } else {
      out.language = ParsePromptLanguage(p.value);
      if (!out.language) {
        return Invalid(kFlag, Cat("lang= expects en or de, not \"", p.value, "\""));
      }
    }
  }
  return out;
}

absl::StatusOr<SipTrunk> ParseSipTrunk(std::string_view text) {
  constexpr std::string_view kFlag = "sip-trunk";
  static constexpr std::string_view kKeys[] = {"allow", "realm", "user", "password"};
  const Split split = SplitParams(text, kKeys);
  SipTrunk out;
  if (!IsToken(split.head, 32)) {
    return Invalid(kFlag, Cat("a trunk needs a name of up to 32 letters, digits, '-', '_' or "
                              "'.' first; expected ",
                              kTrunkForm));
  }
  out.name = std::string(split.head);
  const std::string where = Cat("trunk \"", out.name, "\": ");
  if (std::optional<std::string_view> key = Repeated(split)) {
    return Invalid(kFlag, Cat(where, *key, "= is given twice"));
  }
  bool has_allow = false;
  bool has_password = false;
  for (const Param& p : split.params) {
    if (p.key == "allow") {
      if (std::optional<std::string> why = SplitCidrs(p.value, out.allow)) {
        return Invalid(kFlag, Cat(where, "allow=: ", *why));
      }
      has_allow = true;
    } else if (p.key == "realm") {
      if (!IsDigestField(p.value)) {
        return Invalid(kFlag, Cat(where, "realm= must be printable, without spaces, quotes or ';'"));
      }
      out.realm = std::string(p.value);
    } else if (p.key == "user") {
      if (!IsDigestField(p.value)) {
        return Invalid(kFlag, Cat(where, "user= must be printable, without spaces, quotes or ';'"));
      }
      out.username = std::string(p.value);
    } else {
      if (!IsPassword(p.value)) {
        return Invalid(kFlag, Cat(where, "password= must be 1 to 256 printable characters"));
      }
      out.password = std::string(p.value);
      has_password = true;
    }
  }
  if (!has_allow) {
    return Invalid(kFlag, Cat(where, "allow= is required (the source addresses of the trunk); "
                                     "expected ",
                              kTrunkForm));
  }
  const int digest = (out.realm.empty() ? 0 : 1) + (out.username.empty() ? 0 : 1) +
                     (has_password ? 1 : 0);
  if (digest != 0 && digest != 3) {
    return Invalid(kFlag, Cat(where, "realm=, user= and password= go together (digest "
                                     "authentication): give all three or none"));
  }
  return out;
}

absl::StatusOr<SipRegistration> ParseSipRegistration(std::string_view text) {
  constexpr std::string_view kFlag = "sip-register";
  static constexpr std::string_view kKeys[] = {"user", "password", "expires", "number"};
  const Split split = SplitParams(text, kKeys);
  SipRegistration out;
  if (!IsSipUri(split.head)) {
    return Invalid(kFlag, Cat("expected ", kRegisterForm,
                              " (the part before ;user= must be a sip: or sips: URI)"));
  }
  out.registrar = std::string(split.head);
  const std::string where = RegistrationName(out.registrar);
  if (std::optional<std::string_view> key = Repeated(split)) {
    return Invalid(kFlag, Cat(where, *key, "= is given twice"));
  }
  bool has_password = false;
  for (const Param& p : split.params) {
    if (p.key == "user") {
      if (!IsDigestField(p.value)) {
        return Invalid(kFlag, Cat(where, "user= must be printable, without spaces, quotes or ';'"));
      }
      out.username = std::string(p.value);
    } else if (p.key == "password") {
      if (!IsPassword(p.value)) {
        return Invalid(kFlag, Cat(where, "password= must be 1 to 256 printable characters"));
      }
      out.password = std::string(p.value);
      has_password = true;
    } else if (p.key == "expires") {
      std::optional<int64_t> seconds = ParseInt(p.value, 60, 86400);
      if (!seconds) {
        return Invalid(kFlag, Cat(where, "expires= expects whole seconds from 60 to 86400"));
      }
      out.expires = absl::Seconds(*seconds);
    } else {
      if (!IsPhoneNumber(p.value)) {
        return Invalid(kFlag, Cat(where, "number= expects a phone number (up to 32 characters "
                                         "of digits, spaces and + - ( ) /)"));
      }
      out.number = std::string(p.value);
    }
  }
  if (out.username.empty() || !has_password) {
    return Invalid(kFlag, Cat(where, "user= and password= are required; expected ", kRegisterForm));
  }
  return out;
}

}  // namespace konfero::server
