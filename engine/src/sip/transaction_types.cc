// sip/transaction_types.cc: transport names, Destination, and the response
// address rules of RFC 3261 18.2.1/18.2.2 and RFC 3581.
#include "sip/transaction_types.h"

#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "sip/headers.h"

namespace konfero::sip {
namespace {

std::string_view StripBrackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return host.substr(1, host.size() - 2);
  }
  return host;
}

// The address of `endpoint` without port or brackets ("192.0.2.1", "2001:db8::1").
std::string AddressText(const net::IpEndpoint& endpoint) {
  std::string text = endpoint.ToString();
  size_t colon = text.rfind(':');
  if (colon != std::string::npos) text.resize(colon);
  return std::string(StripBrackets(text));
}

std::optional<uint16_t> ParsePort(std::string_view text) {
  uint32_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

void SetParam(Params& params, std::string_view name, std::string value) {
  for (auto& [key, existing] : params) {
    if (EqualsIgnoreCase(key, name)) {
      existing = std::move(value);
      return;
    }
  }
  params.emplace_back(std::string(name), std::move(value));
}

}  // namespace

std::string_view TransportName(Transport transport) {
  switch (transport) {
    case Transport::kUdp: return "UDP";
    case Transport::kTcp: return "TCP";
    case Transport::kTls: return "TLS";
  }
  return "UDP";
}

std::optional<Transport> ParseTransport(std::string_view name) {
  if (EqualsIgnoreCase(name, "UDP")) return Transport::kUdp;
  if (EqualsIgnoreCase(name, "TCP")) return Transport::kTcp;
  if (EqualsIgnoreCase(name, "TLS")) return Transport::kTls;
  return std::nullopt;
}

std::string Destination::ToString() const {
  std::string text = absl::StrCat(Sv(TransportName(transport)), " ", endpoint.ToString());
  if (connection_id != 0) absl::StrAppend(&text, " #", connection_id);
  return text;
}

namespace {

// The UDP rules of ResponseDestination, on the top Via already parsed.
Destination UdpResponseDestination(const Via& via, const Destination& from) {
  Destination to = from;
  to.connection_id = 0;
  std::string_view host = via.host;
  if (std::optional<std::string_view> received = via.Param("received")) host = *received;
  uint16_t port = via.port.value_or(5060);
  if (std::optional<std::string_view> rport = via.Param("rport"); rport && !rport->empty()) {
    if (std::optional<uint16_t> p = ParsePort(*rport)) port = *p;
  }
  std::optional<net::IpEndpoint> endpoint = net::IpEndpoint::Parse(StripBrackets(host), port);
  if (!endpoint) endpoint = net::IpEndpoint::Parse(AddressText(from.endpoint), port);
  if (endpoint) to.endpoint = *endpoint;
  return to;
}

// StampTopVia; `top` receives the top Via as stamped. False (nothing
// changed, `top` untouched) without a parsable Via.
bool StampTopVia(SipMessage& request, const Destination& from, Via& top) {
  std::vector<std::string_view> vias = request.GetAll("Via");
  if (vias.empty()) return false;
  absl::StatusOr<Via> parsed = ParseVia(vias.front());
  if (!parsed.ok()) return false;
  top = *std::move(parsed);

  const std::string source = AddressText(from.endpoint);
  std::optional<net::IpEndpoint> sent_by = net::IpEndpoint::Parse(StripBrackets(top.host), 0);
  std::optional<net::IpEndpoint> source_ep = net::IpEndpoint::Parse(source, 0);
  const bool same_host = sent_by && source_ep && *sent_by == *source_ep;
  const bool has_rport = top.Param("rport").has_value();
  const bool empty_rport = has_rport && top.Param("rport")->empty();
  bool changed = false;
  if (!same_host || has_rport) {  // RFC 3581 4: with rport, received is always added
    SetParam(top.params, "received", source);
    changed = true;
  }
  if (empty_rport) {
    SetParam(top.params, "rport", std::to_string(from.endpoint.port()));
    changed = true;
  }
  if (!changed) return true;
  // One line at the place of the first Via keeps the header order. `vias`
  // views the message: the line is built before Set replaces them.
  std::string line = top.ToString();
  for (size_t i = 1; i < vias.size(); ++i) line.append(", ").append(vias[i]);
  request.Set("Via", line);
  return true;
}

}  // namespace

Destination ResponseDestination(const SipMessage& request, const Destination& from) {
  if (from.reliable()) return from;
  std::vector<std::string_view> vias = request.GetAll("Via");
  if (vias.empty()) return from;
  absl::StatusOr<Via> via = ParseVia(vias.front());
  if (!via.ok()) return from;
  return UdpResponseDestination(*via, from);
}

bool StampTopVia(SipMessage& request, const Destination& from) {
  Via top;
  return StampTopVia(request, from, top);
}

Destination StampTopViaForResponses(SipMessage& request, const Destination& from) {
  Via top;
  if (!StampTopVia(request, from, top) || from.reliable()) return from;
  return UdpResponseDestination(top, from);
}

}  // namespace konfero::sip
