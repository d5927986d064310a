// sip/headers.cc: URI, name-addr, Via and CSeq values (RFC 3261 19.1, 20, 25.1).
#include "sip/headers.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "sip/message.h"
#include "sip/text.h"

namespace konfero::sip {
namespace {

using text::IsWsp;
using text::Trim;
using text::TrimLeft;

absl::Status Invalid(std::string_view what, std::string_view value) {
  return absl::InvalidArgumentError(absl::StrCat("SIP: ", Sv(what), " '", Sv(value.substr(0, 60)), "'"));
}

// Any byte a URI may not hold unescaped, whatever its part.
bool IsUriChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7F && c != '<' && c != '>' && c != '"' && c != '\\' && c != '{' && c != '}' &&
         c != '|' && c != '^';
}

bool IsHostnameChar(char c) { return text::IsAlnum(c) || c == '-' || c == '.' || c == '_'; }

bool IsIpv6Char(char c) {
  return text::IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' || c == '.';
}

// host [":" port] at the start of `s`; returns the rest.
absl::StatusOr<std::string_view> ParseHostPort(std::string_view s, std::string& host,
                                               std::optional<uint16_t>& port, bool lws_around_colon) {
  size_t i = 0;
  if (!s.empty() && s[0] == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos || close < 3) return Invalid("bad IPv6 reference", s);
    for (size_t k = 1; k < close; ++k) {
      if (!IsIpv6Char(s[k])) return Invalid("bad IPv6 reference", s);
    }
    i = close + 1;
  } else {
    while (i < s.size() && IsHostnameChar(s[i])) ++i;
    if (i == 0) return Invalid("missing host", s);
  }
  host.assign(s.substr(0, i));
  std::string_view rest = s.substr(i);
  std::string_view after = lws_around_colon ? TrimLeft(rest) : rest;
  if (!after.empty() && after[0] == ':') {
    after = after.substr(1);
    if (lws_around_colon) after = TrimLeft(after);
    size_t n = 0;
    while (n < after.size() && text::IsDigit(after[n])) ++n;
    auto value = text::ParseDigits(after.substr(0, n), 5);
    if (!value || *value > 65535) return Invalid("bad port", s);
    port = static_cast<uint16_t>(*value);
    rest = after.substr(n);
  }
  return rest;
}

// `;name[=value]` sequences of a URI (no LWS), up to the end of `s`.
absl::Status ParseUriParams(std::string_view s, Params& params) {
  while (!s.empty()) {
    if (s[0] != ';') return Invalid("bad URI parameters", s);
    s.remove_prefix(1);
    const size_t end = s.find(';');
    const std::string_view p = s.substr(0, end);
    s = end == std::string_view::npos ? std::string_view() : s.substr(end);
    if (p.empty()) continue;  // ";;"
    const size_t eq = p.find('=');
    if (eq == 0) return Invalid("URI parameter without a name", p);
    if (eq == std::string_view::npos) {
      params.emplace_back(std::string(p), std::string());
    } else {
      params.emplace_back(std::string(p.substr(0, eq)), std::string(p.substr(eq + 1)));
    }
  }
  return absl::OkStatus();
}

// Header parameters: *( SEMI generic-param ), LWS allowed around ';' and '=',
// values tokens, hosts (IPv6 too) or quoted strings (kept with their quotes).
absl::Status ParseHeaderParams(std::string_view s, Params& params) {
  s = TrimLeft(s);
  while (!s.empty()) {
    if (s[0] != ';') return Invalid("expected ';' before parameter", s);
    s = TrimLeft(s.substr(1));
    size_t n = 0;
    while (n < s.size() && text::IsTokenChar(s[n])) ++n;
    if (n == 0) return Invalid("bad parameter name", s);
    std::string name(s.substr(0, n));
    s = TrimLeft(s.substr(n));
    std::string value;
    if (!s.empty() && s[0] == '=') {
      s = TrimLeft(s.substr(1));
      if (!s.empty() && s[0] == '"') {
        size_t k = 1;
        for (; k < s.size() && s[k] != '"'; ++k) {
          if (s[k] == '\\') ++k;
        }
        if (k >= s.size()) return Invalid("unterminated quoted parameter value", s);
        value.assign(s.substr(0, k + 1));
        s = s.substr(k + 1);
      } else {
        size_t k = 0;
        while (k < s.size() && (text::IsTokenChar(s[k]) || s[k] == ':' || s[k] == '[' || s[k] == ']')) ++k;
        if (k == 0) return Invalid("empty parameter value", s);
        value.assign(s.substr(0, k));
        s = s.substr(k);
      }
      s = TrimLeft(s);
    }
    params.emplace_back(std::move(name), std::move(value));
  }
  return absl::OkStatus();
}

void AppendParams(std::string& out, const Params& params) {
  for (const auto& [name, value] : params) {
    out.append(";").append(name);
    if (!value.empty()) out.append("=").append(value);
  }
}

}  // namespace

std::optional<std::string_view> FindParam(const Params& params, std::string_view name) {
  for (const auto& [n, v] : params) {
    if (EqualsIgnoreCase(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

absl::StatusOr<SipUri> ParseUri(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return Invalid("URI without a scheme", text);
  for (char c : text) {
    if (!IsUriChar(c)) return Invalid("bad character in URI", text);
  }
  SipUri uri;
  const std::string_view scheme = text.substr(0, colon);
  if (EqualsIgnoreCase(scheme, "sip")) {
    uri.scheme = "sip";
  } else if (EqualsIgnoreCase(scheme, "sips")) {
    uri.scheme = "sips";
  } else if (EqualsIgnoreCase(scheme, "tel")) {
    uri.scheme = "tel";
  } else {
    return Invalid("unsupported URI scheme", text);
  }
  std::string_view rest = text.substr(colon + 1);
  if (uri.scheme == "tel") {
    const size_t semi = rest.find(';');
    uri.user.assign(rest.substr(0, semi));
    if (uri.user.empty()) return Invalid("tel URI without a number", text);
    if (semi != std::string_view::npos) {
      if (absl::Status s = ParseUriParams(rest.substr(semi), uri.params); !s.ok()) return s;
    }
    return uri;
  }
  // The only unescaped '@' ends the userinfo (no '@' in params or headers).
  if (const size_t at = rest.find('@'); at != std::string_view::npos) {
    if (at == 0) return Invalid("empty user in URI", text);
    uri.user.assign(rest.substr(0, at));
    rest = rest.substr(at + 1);
  }
  auto after = ParseHostPort(rest, uri.host, uri.port, /*lws_around_colon=*/false);
  if (!after.ok()) return after.status();
  rest = *after;
  const size_t question = rest.find('?');
  if (question != std::string_view::npos) {
    uri.headers.assign(rest.substr(question + 1));
    rest = rest.substr(0, question);
  }
  if (absl::Status s = ParseUriParams(rest, uri.params); !s.ok()) return s;
  return uri;
}

std::string SipUri::ToString() const {
  std::string out;
  out.reserve(scheme.size() + user.size() + host.size() + headers.size() + 16 + params.size() * 16);
  out.append(scheme).append(":");
  if (!user.empty()) {
    out.append(user);
    if (scheme != "tel") out.append("@");
  }
  out.append(host);
  if (port) out.append(":").append(std::to_string(*port));
  AppendParams(out, params);
  if (!headers.empty()) out.append("?").append(headers);
  return out;
}

absl::StatusOr<NameAddr> ParseNameAddr(std::string_view value) {
  std::string_view s = Trim(value);
  NameAddr na;
  std::string_view uri_text;
  if (!s.empty() && s[0] == '"') {
    size_t k = 1;
    for (; k < s.size() && s[k] != '"'; ++k) {
      if (s[k] == '\\' && k + 1 < s.size()) {
        na.display_name.push_back(s[++k]);
      } else {
        na.display_name.push_back(s[k]);
      }
    }
    if (k >= s.size()) return Invalid("unterminated display name", value);
    s = TrimLeft(s.substr(k + 1));
    if (s.empty() || s[0] != '<') return Invalid("expected <URI> after display name", value);
  }
  if (const size_t open = s.find('<'); open != std::string_view::npos) {
    if (na.display_name.empty()) {
      const std::string_view display = Trim(s.substr(0, open));
      for (char c : display) {
        if (!text::IsTokenChar(c) && !IsWsp(c)) return Invalid("bad character in display name", value);
      }
      na.display_name.assign(display);
    }
    const size_t close = s.find('>', open);
    if (close == std::string_view::npos) return Invalid("missing '>'", value);
    uri_text = s.substr(open + 1, close - open - 1);
    s = s.substr(close + 1);
  } else {
    // addr-spec: the URI ends at LWS or ';', whose parameters belong to the
    // header (RFC 3261 20.10); it may not hold '?', ',' or ';' of its own.
    size_t end = 0;
    while (end < s.size() && !IsWsp(s[end]) && s[end] != ';') ++end;
    uri_text = s.substr(0, end);
    if (uri_text == "*") return Invalid("'*' is not a name-addr", value);
    if (uri_text.find_first_of("?,") != std::string_view::npos) {
      return Invalid("URI with '?' or ',' must be enclosed in <>", value);
    }
    s = s.substr(end);
  }
  auto uri = ParseUri(uri_text);
  if (!uri.ok()) return uri.status();
  na.uri = *std::move(uri);
  if (absl::Status st = ParseHeaderParams(s, na.params); !st.ok()) return st;
  return na;
}

std::string NameAddr::ToString() const {
  std::string out;
  if (!display_name.empty()) {
    out.push_back('"');
    for (char c : display_name) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.append("\" ");
  }
  out.append("<").append(uri.ToString()).append(">");
  AppendParams(out, params);
  return out;
}

absl::StatusOr<Via> ParseVia(std::string_view value) {
  std::string_view s = Trim(value);
  Via via;
  // sent-protocol = protocol-name SLASH protocol-version SLASH transport
  std::string_view parts[3];
  for (int i = 0; i < 3; ++i) {
    s = TrimLeft(s);
    size_t n = 0;
    while (n < s.size() && text::IsTokenChar(s[n])) ++n;
    if (n == 0) return Invalid("bad Via sent-protocol", value);
    parts[i] = s.substr(0, n);
    s = TrimLeft(s.substr(n));
    if (i < 2) {
      if (s.empty() || s[0] != '/') return Invalid("bad Via sent-protocol", value);
      s = s.substr(1);
    }
  }
  via.protocol = absl::StrCat(Sv(parts[0]), "/", Sv(parts[1]));
  for (char& c : via.protocol) c = text::ToUpper(c);
  via.transport.assign(parts[2]);
  for (char& c : via.transport) c = text::ToUpper(c);
  if (s.empty()) return Invalid("Via without sent-by", value);
  auto rest = ParseHostPort(s, via.host, via.port, /*lws_around_colon=*/true);
  if (!rest.ok()) return rest.status();
  if (absl::Status st = ParseHeaderParams(*rest, via.params); !st.ok()) return st;
  return via;
}

std::string Via::branch() const { return std::string(Param("branch").value_or("")); }

std::string Via::ToString() const {
  std::string out;
  out.append(protocol).append("/").append(transport).append(" ").append(host);
  if (port) out.append(":").append(std::to_string(*port));
  AppendParams(out, params);
  return out;
}

absl::StatusOr<CSeq> ParseCSeq(std::string_view value) {
  std::string_view s = Trim(value);
  size_t n = 0;
  while (n < s.size() && text::IsDigit(s[n])) ++n;
  // Leading zeros are allowed; the value must be below 2**31 (RFC 3261 8.1.1.5).
  size_t first = 0;
  while (first + 1 < n && s[first] == '0') ++first;
  auto number = text::ParseDigits(s.substr(first, n - first), 10);
  if (!number || *number >= (uint64_t{1} << 31)) return Invalid("bad CSeq number", value);
  if (n == s.size() || !IsWsp(s[n])) return Invalid("CSeq without a method", value);
  const std::string_view method = TrimLeft(s.substr(n));
  if (!text::IsToken(method)) return Invalid("bad CSeq method", value);
  return CSeq{static_cast<uint32_t>(*number), std::string(method)};
}

}  // namespace konfero::sip
