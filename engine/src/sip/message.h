// sip/message.h: the SIP message model (RFC 3261 section 7): a request or a
// response, its header lines in order, and its body.
//
// A header's name is stored in its canonical long form ("v" and "VIA" become
// "Via"; unknown names are kept as written), its value trimmed, with folded
// lines (CRLF + WSP) joined with one space. Lookups take any case and the
// compact forms. The message is a plain value: no I/O, no validation on
// mutation (Serialize writes what is there).
//
//   auto req = sip::SipMessage::Request("OPTIONS", "sip:bob@example.com");
//   req.Add("Via", "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK776");
//   req.Add("CSeq", "1 OPTIONS");
//   std::string wire = sip::Serialize(req);        // Content-Length added
//   auto parsed = sip::Parse(wire);                 // sip/parser.h
//   for (std::string_view via : parsed->GetAll("v")) ...
//
// Parse and ParseLimits are in sip/parser.h, StreamFramer in sip/framer.h,
// the parsed views of URIs, From/To/Contact, Via and CSeq in sip/headers.h.
//
// Thread contract: a SipMessage is a value; concurrent const access is safe,
// mutation needs external synchronisation. The free functions are pure.
#ifndef KONFERO_SIP_MESSAGE_H_
#define KONFERO_SIP_MESSAGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace konfero::sip {

// A header as received or to be sent: name in its canonical long form (compact
// forms "v", "i", "l", "f", "t", "m", "c", "k", "s", "e", "o", "u", "r", "b",
// "x", "a", "y", "j", "d", "n" expanded), value with surrounding whitespace
// trimmed and folded lines joined with one space.
struct Header {
  std::string name;
  std::string value;

  friend bool operator==(const Header&, const Header&) = default;
};

class SipMessage {
 public:
  SipMessage() = default;
  static SipMessage Request(std::string method, std::string request_uri);  // "SIP/2.0" implied
  static SipMessage Response(int status, std::string reason);

  bool is_request() const { return status_ == 0; }
  // Request: as written, e.g. "INVITE" (methods are case-sensitive); response: empty.
  const std::string& method() const { return method_; }
  const std::string& request_uri() const { return request_uri_; }  // request only
  int status() const { return status_; }                           // response: 100..699; request: 0
  const std::string& reason() const { return reason_; }

  // Header access; `name` is case-insensitive and may be a compact form.
  // The first header line with that name, nullopt if none.
  std::optional<std::string_view> Get(std::string_view name) const;
  // Every value of the header: all its lines, each split at top-level commas
  // (not inside quotes or <>) and trimmed, except headers that are never
  // lists (see IsListHeader). Empty elements are dropped. Views into this
  // message: valid until it is mutated.
  std::vector<std::string_view> GetAll(std::string_view name) const;
  bool Has(std::string_view name) const { return Get(name).has_value(); }
  // Appended at the end.
  void Add(std::string_view name, std::string_view value);
  // Before the first header of that name (Via), or at the end if none.
  void AddFirst(std::string_view name, std::string_view value);
  // Replaces every line of that name by one line at the place of the first
  // (at the end if none).
  void Set(std::string_view name, std::string_view value);
  void Remove(std::string_view name);
  void RemoveFirst(std::string_view name);
  const std::vector<Header>& headers() const { return headers_; }
  // For the parser: appends a header whose name is already canonical.
  void AddCanonical(std::string name, std::string value) {
    headers_.push_back(Header{std::move(name), std::move(value)});
  }
  void ReserveHeaders(size_t n) { headers_.reserve(n); }

  std::string body;

 private:
  std::string method_;
  std::string request_uri_;
  int status_ = 0;
  std::string reason_;
  std::vector<Header> headers_;
};

// The canonical long form of a header name: compact forms expanded and known
// names in their RFC spelling ("call-id" -> "Call-ID", "cseq" -> "CSeq",
// "www-authenticate" -> "WWW-Authenticate"); unknown names returned as is.
std::string_view CanonicalHeaderName(std::string_view name);
// Whether a header's value is a comma-separated list (Via, Contact, Route,
// Allow, Supported, unknown headers, ...) as opposed to one value that may
// contain commas (Authorization, WWW-Authenticate, Date, Call-ID, CSeq, ...).
bool IsListHeader(std::string_view canonical_name);
// Splits a header value at top-level commas (not inside "quoted strings",
// <...>); trims each element and drops empty ones.
std::vector<std::string_view> SplitList(std::string_view value);
// Case-insensitive ASCII comparison.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Wire form (RFC 3261 7): start line, headers in order as "Name: value",
// Content-Length set from the body (replacing any), blank line, body.
std::string Serialize(const SipMessage& message);

// RFC 3261 8.2.6.2: a response to `request` with every Via, From, To, Call-ID
// and CSeq copied (a To tag added if `to_tag` is not empty and To has none);
// status 100 also copies Timestamp.
SipMessage MakeResponse(const SipMessage& request, int status, std::string_view reason,
                        std::string_view to_tag = {});

}  // namespace konfero::sip

#endif  // KONFERO_SIP_MESSAGE_H_
