// sip/headers.h: parsed views of the common header values (RFC 3261 19.1,
// 20, 25.1): SIP/SIPS/tel URIs, name-addr (From, To, Contact, Route,
// Record-Route, P-Asserted-Identity), Via and CSeq. Each parses a value as
// SipMessage::Get/GetAll returns it (one list element) and writes it back
// with ToString.
//
//   auto from = sip::ParseNameAddr(*msg.Get("From"));
//   std::optional<std::string_view> tag = from->Param("tag");
//   auto via = sip::ParseVia(msg.GetAll("Via").front());
//   std::string branch = via->branch();
//
// URI user parts, hosts and parameters are kept as written (escapes not
// decoded, so ToString gives the same text back); parameter names are
// compared case-insensitively by Param.
//
// Thread contract: pure values and functions, safe from any thread.
#ifndef KONFERO_SIP_HEADERS_H_
#define KONFERO_SIP_HEADERS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace konfero::sip {

using Params = std::vector<std::pair<std::string, std::string>>;

// The value of the first parameter named `name` (case-insensitive); an empty
// view for a parameter without value (";lr"); nullopt if absent.
std::optional<std::string_view> FindParam(const Params& params, std::string_view name);

struct SipUri {
  std::string scheme;  // "sip", "sips" or "tel" (lower case)
  std::string user;    // userinfo before '@' (with ":password" if any); tel: the number
  std::string host;    // IPv6 references keep their brackets: "[::1]"
  std::optional<uint16_t> port;
  Params params;        // ;transport=tcp ;lr (value empty)
  std::string headers;  // after '?', raw

  std::optional<std::string_view> Param(std::string_view name) const {
    return FindParam(params, name);
  }
  std::string ToString() const;
};
// sip:, sips: (with a host) and tel: URIs. InvalidArgument otherwise.
absl::StatusOr<SipUri> ParseUri(std::string_view text);

struct NameAddr {
  std::string display_name;  // unquoted and unescaped; empty if none
  SipUri uri;
  Params params;  // header parameters after the URI: ;tag=... ;expires=...

  std::optional<std::string_view> Param(std::string_view name) const {
    return FindParam(params, name);
  }
  std::string ToString() const;  // always with <> around the URI
};
// `"Display" <uri>;p=v`, `Display <uri>;p=v`, `<uri>;p=v` or `uri;p=v` (addr-spec:
// parameters then belong to the header, RFC 3261 20.10). "*" is rejected
// (Contact: * is the caller's to check).
absl::StatusOr<NameAddr> ParseNameAddr(std::string_view value);

struct Via {
  std::string protocol = "SIP/2.0";
  std::string transport;  // "UDP", "TCP", "TLS", "SCTP", "WS", ... (upper case)
  std::string host;       // IPv6 references keep their brackets
  std::optional<uint16_t> port;
  Params params;

  std::optional<std::string_view> Param(std::string_view name) const {
    return FindParam(params, name);
  }
  std::string branch() const;  // "" if none
  std::string ToString() const;
};
// One via-parm: "SIP/2.0/UDP host[:port] *(;param)", LWS allowed around '/'.
absl::StatusOr<Via> ParseVia(std::string_view value);

struct CSeq {
  uint32_t number = 0;  // < 2**31 (RFC 3261 8.1.1.5)
  std::string method;
};
absl::StatusOr<CSeq> ParseCSeq(std::string_view value);

}  // namespace konfero::sip

#endif  // KONFERO_SIP_HEADERS_H_
