// sip/parser.h: parsing one whole SIP message (a UDP datagram, or what
// StreamFramer cut from a TCP/TLS stream) into a SipMessage (RFC 3261
// sections 7 and 25, the RFC 4475 torture tests).
//
// Accepted: leading CRLFs before the start line, LF-only line ends, folded
// header lines, compact names in any case, LWS around the colon, unknown
// methods and headers (kept verbatim). Rejected with InvalidArgument naming
// the fault: a bad start line, a version other than SIP/2.0, a header line
// without a colon or with a NUL or a bad name, a missing mandatory request
// header (Via, From, To, Call-ID, CSeq) or a missing Via/From/To/Call-ID/CSeq
// in a response, a Via value that is not a list of via-parms (ParseVia), an
// unparsable CSeq or one whose method differs from the request's, unbalanced
// quotes or <> in From/To, a negative, non-numeric or repeated-and-different
// Content-Length, a body shorter than Content-Length, and anything over
// ParseLimits. A body longer than Content-Length is cut (UDP, RFC 3261
// 18.3); without Content-Length the body is the rest.
//
//   absl::StatusOr<sip::SipMessage> m = sip::Parse(datagram);
//   if (!m.ok()) return Reply400(m.status().message());
//
// Thread contract: pure functions, safe from any thread.
#ifndef KONFERO_SIP_PARSER_H_
#define KONFERO_SIP_PARSER_H_

#include <cstddef>
#include <string_view>

#include "absl/status/statusor.h"
#include "sip/message.h"

namespace konfero::sip {

struct ParseLimits {
  size_t max_message_bytes = 64 * 1024;  // start line, headers and body
  size_t max_headers = 100;              // header lines (after unfolding)
  size_t max_header_bytes = 8 * 1024;    // one header line, folds included
};

absl::StatusOr<SipMessage> Parse(std::string_view bytes, const ParseLimits& limits = {});

}  // namespace konfero::sip

#endif  // KONFERO_SIP_PARSER_H_
