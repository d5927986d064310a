// config_values.cc: see config_values.h.
#include "server/config_values.h"

#include <arpa/inet.h>

#include <charconv>
#include <system_error>

#include "server/text.h"

namespace konfero::server::config_internal {
namespace {

// The SIP settings that do nothing without a SIP listener.
absl::Status ValidateSipOff(const ServerConfig& c) {
  std::string_view given;
  if (!c.sip_numbers.empty()) given = "--sip-number";
  if (!c.sip_trunks.empty()) given = "--sip-trunk";
  if (!c.sip_registrations.empty()) given = "--sip-register";
  if (!c.sip_allow.empty()) given = "--sip-allow";
  if (!c.sip_tls_cert.empty()) given = "--sip-tls-cert";
  if (!c.sip_tls_key.empty()) given = "--sip-tls-key";
  if (given.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(
      Cat(given, " is for phone dial-in, which is off: give --sip-listen (or --sip-tls-listen)"));
}

absl::Status ValidateSip(const ServerConfig& c) {
  if (!c.sip()) return ValidateSipOff(c);
  if (c.sip_tls_listen.empty() && (!c.sip_tls_cert.empty() || !c.sip_tls_key.empty())) {
    return absl::InvalidArgumentError(
        "--sip-tls-cert and --sip-tls-key are for --sip-tls-listen, which is not given");
  }
  if (!c.sip_tls_listen.empty()) {
    if (c.sip_tls_cert.empty() != c.sip_tls_key.empty()) {
      return absl::InvalidArgumentError(
          "--sip-tls-cert and --sip-tls-key go together: give both, or neither to use "
          "--tls-cert and --tls-key");
    }
    if (c.sip_tls_cert.empty() && c.tls_cert.empty()) {
      return absl::InvalidArgumentError(
          "--sip-tls-listen needs a certificate: --sip-tls-cert and --sip-tls-key, or "
          "--tls-cert and --tls-key");
    }
  }
  const std::string_view listen_flag = c.sip_listen.empty() ? "--sip-tls-listen" : "--sip-listen";
  if (c.sip_numbers.empty()) {
    if (c.dial_in_number.empty()) {
      return absl::InvalidArgumentError(
          Cat(listen_flag, " needs --dial-in-number or --sip-number"));
    }
    if (!IsPhoneNumber(c.dial_in_number)) {
      return absl::InvalidArgumentError(
          "--dial-in-number: the SIP dial-in number (no --sip-number given) needs digits");
    }
  }
  std::vector<std::string> digits;
  for (const SipNumberConfig& n : c.sip_numbers) {
    std::string d = Digits(n.number);
    for (size_t i = 0; i < digits.size(); ++i) {
      if (digits[i] == d) {
        return absl::InvalidArgumentError(Cat("--sip-number: \"", c.sip_numbers[i].number,
                                              "\" and \"", n.number, "\" are the same number"));
      }
    }
    digits.push_back(std::move(d));
  }
  if (c.sip_numbers.empty()) digits.push_back(Digits(c.dial_in_number));
  std::vector<std::string_view> trunks;
  if (!c.sip_allow.empty()) trunks.push_back(kDefaultTrunk);
  for (const SipTrunk& t : c.sip_trunks) {
    for (std::string_view name : trunks) {
      if (name == t.name) {
        return absl::InvalidArgumentError(
            name == kDefaultTrunk && !c.sip_allow.empty()
                ? Cat("--sip-trunk: \"", kDefaultTrunk,
                      "\" is the trunk of --sip-allow; give this one another name")
                : Cat("--sip-trunk: two trunks are named \"", t.name, "\""));
      }
    }
    trunks.push_back(t.name);
  }
  for (const SipRegistration& r : c.sip_registrations) {
    if (r.number.empty()) continue;
    if (std::find(digits.begin(), digits.end(), Digits(r.number)) == digits.end()) {
      return absl::InvalidArgumentError(
          Cat("--sip-register: number=", r.number,
              " is not a dial-in number (one of --sip-number, or --dial-in-number when no "
              "--sip-number is given)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateConfig(const ServerConfig& c) {
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key go together: give both for HTTPS, or neither");
  }
  return ValidateSip(c);
}


bool IsIpv4(std::string_view s) {
  in_addr addr{};
  return inet_pton(AF_INET, std::string(s).c_str(), &addr) == 1;
}

bool IsIpv6(std::string_view s) {
  in6_addr addr{};
  return inet_pton(AF_INET6, std::string(s).c_str(), &addr) == 1;
}

bool IsIp(std::string_view s) { return IsIpv4(s) || IsIpv6(s); }

std::optional<int64_t> ParseInt(std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

absl::Status Invalid(std::string_view key, std::string_view why) {
  return absl::InvalidArgumentError(Cat("--", key, ": ", why));
}

std::string Digits(std::string_view number) {
  std::string out;
  for (char c : number) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
}

}  // namespace konfero::server::config_internal
