// sip/parser.cc: one whole SIP message from bytes (RFC 3261 7, 25; RFC 4475).
#include "sip/parser.h"

#include <cstring>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "sip/headers.h"
#include "sip/text.h"

namespace konfero::sip {
namespace {

using text::IsDigit;
using text::IsWsp;
using text::Trim;
using text::TrimRight;

absl::Status Invalid(std::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("SIP: ", Sv(what)));
}

// At most 40 bytes of `s`, for error messages.
std::string Excerpt(std::string_view s) {
  std::string out(s.substr(0, 40));
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) c = '?';
  }
  return s.size() > 40 ? out + "..." : out;
}

bool IsSipVersion(std::string_view v) {
  return v.size() == 7 && EqualsIgnoreCase(v, "SIP/2.0");
}

bool LooksLikeVersion(std::string_view v) {
  return v.size() > 4 && EqualsIgnoreCase(v.substr(0, 4), "SIP/");
}

// A Request-URI: scheme ":" something, no LWS, controls, <, > or quotes.
bool IsRequestUri(std::string_view uri) {
  if (uri.empty() || !text::IsAlpha(uri[0])) return false;
  size_t i = 1;
  while (i < uri.size() && (text::IsAlnum(uri[i]) || uri[i] == '+' || uri[i] == '-' || uri[i] == '.')) ++i;
  if (i >= uri.size() - 1 || uri[i] != ':') return false;
  for (char c : uri) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F || c == '<' || c == '>' || c == '"') return false;
  }
  return true;
}

absl::Status ParseStartLine(std::string_view line, SipMessage& m) {
  const size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos) return Invalid(absl::StrCat("bad start line '", Excerpt(line), "'"));
  const std::string_view first = line.substr(0, sp1);
  if (LooksLikeVersion(first)) {
    // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
    if (!IsSipVersion(first)) return Invalid(absl::StrCat("unsupported version '", Excerpt(first), "'"));
    std::string_view rest = line.substr(sp1 + 1);
    const size_t sp2 = rest.find(' ');
    const std::string_view code = rest.substr(0, sp2);
    // Tolerated: no SP after the code (an empty reason phrase).
    const std::string_view reason = sp2 == std::string_view::npos ? std::string_view() : rest.substr(sp2 + 1);
    if (code.size() != 3 || !IsDigit(code[0]) || !IsDigit(code[1]) || !IsDigit(code[2])) {
      return Invalid(absl::StrCat("bad status code '", Excerpt(code), "'"));
    }
    const int status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    if (status < 100 || status > 699) return Invalid(absl::StrCat("status code ", status, " out of 100..699"));
    m = SipMessage::Response(status, std::string(reason));
    return absl::OkStatus();
  }
  // Request-Line = Method SP Request-URI SP SIP-Version
  const size_t sp2 = line.rfind(' ');
  const std::string_view version = line.substr(sp2 + 1);
  const std::string_view uri = sp2 > sp1 ? line.substr(sp1 + 1, sp2 - sp1 - 1) : std::string_view();
  if (!text::IsToken(first)) return Invalid(absl::StrCat("bad method in start line '", Excerpt(line), "'"));
  if (sp2 == sp1) return Invalid(absl::StrCat("bad start line '", Excerpt(line), "'"));
  if (!IsSipVersion(version)) {
    if (LooksLikeVersion(version)) return Invalid(absl::StrCat("unsupported version '", Excerpt(version), "'"));
    return Invalid(absl::StrCat("bad start line '", Excerpt(line), "'"));
  }
  if (!IsRequestUri(uri)) return Invalid(absl::StrCat("bad Request-URI '", Excerpt(uri), "'"));
  m = SipMessage::Request(std::string(first), std::string(uri));
  return absl::OkStatus();
}

// Content-Length: 1*DIGIT. nullopt for anything else; huge values saturate.
std::optional<size_t> ParseContentLength(std::string_view v) {
  if (v.empty()) return std::nullopt;
  size_t n = 0;
  for (char c : v) {
    if (!IsDigit(c)) return std::nullopt;
    n = n > (size_t{1} << 40) ? n : n * 10 + static_cast<size_t>(c - '0');
  }
  return n;
}

// The header lines being collected; folded lines are joined on the way.
struct PendingHeader {
  std::string_view name;
  std::string_view value;  // the first line's value, trimmed
  std::string joined;      // used once a continuation line comes
  bool folded = false;
  size_t raw_bytes = 0;
};

// What Parse checks after the header block, collected while reading it.
struct Seen {
  int via = 0, from = 0, to = 0, call_id = 0, cseq = 0, max_forwards = 0;
  std::optional<size_t> content_length;
};

absl::Status Commit(PendingHeader& p, SipMessage& m, Seen& seen) {
  const std::string_view name = CanonicalHeaderName(p.name);
  std::string value = p.folded ? std::move(p.joined) : std::string(p.value);
  const std::string_view v = value;
  // Singular headers: counted (a repeat is an error) and checked.
  if (name == "Via") {
    ++seen.via;
    // Each via-parm must parse (RFC 4475 3.1.2.1: stray ';' and ',' make the
    // message invalid, a 400); the transaction layer keys on the top one.
    const std::vector<std::string_view> vias = SplitList(v);
    if (vias.empty()) return Invalid("empty Via");
    for (std::string_view via : vias) {
      if (!ParseVia(via).ok()) return Invalid(absl::StrCat("bad Via '", Excerpt(via), "'"));
    }
  } else if (name == "From" || name == "To") {
    ++(name == "From" ? seen.from : seen.to);
    if (!text::QuotesAndAnglesBalanced(v)) {
      return Invalid(absl::StrCat("unbalanced quotes or <> in ", Sv(name), " '", Excerpt(v), "'"));
    }
  } else if (name == "Call-ID") {
    ++seen.call_id;
    if (v.empty()) return Invalid("empty Call-ID");
  } else if (name == "CSeq") {
    ++seen.cseq;
  } else if (name == "Max-Forwards") {
    ++seen.max_forwards;
    auto n = text::ParseDigits(v, 10);
    if (!n || *n > 255) return Invalid(absl::StrCat("bad Max-Forwards '", Excerpt(v), "'"));
  } else if (name == "Content-Length") {
    auto n = ParseContentLength(v);
    if (!n) {
      if (!v.empty() && v[0] == '-') return Invalid(absl::StrCat("negative Content-Length '", Excerpt(v), "'"));
      return Invalid(absl::StrCat("non-numeric Content-Length '", Excerpt(v), "'"));
    }
    if (seen.content_length && *seen.content_length != *n) return Invalid("conflicting Content-Length headers");
    seen.content_length = n;
  }
  m.AddCanonical(std::string(name), std::move(value));
  p = PendingHeader{};
  return absl::OkStatus();
}

// The line starting at `pos` (without its CRLF or LF) and where the next
// starts; nullopt if no line end follows.
struct Line {
  std::string_view text;
  size_t next;
};
std::optional<Line> NextLine(std::string_view bytes, size_t pos) {
  const void* nl = std::memchr(bytes.data() + pos, '\n', bytes.size() - pos);
  if (nl == nullptr) return std::nullopt;
  const size_t end = static_cast<size_t>(static_cast<const char*>(nl) - bytes.data());
  std::string_view line = bytes.substr(pos, end - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return Line{line, end + 1};
}

// Controls (NUL, a bare CR, ...) but HT have no place in a start line.
bool HasControl(std::string_view line) {
  for (char c : line) {
    if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return true;
  }
  return false;
}

// In a header line, a control but HT is allowed only as a quoted-pair inside
// a quoted string (RFC 3261 25.1: quoted-pair = "\" (%x00-09 / %x0B-0C /
// %x0E-7F)); RFC 4475 3.1.1.2 escapes a NUL that way. `quoted` carries the
// state over folded lines.
bool HeaderLineOk(std::string_view line, bool& quoted) {
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted && c == '\\' && i + 1 < line.size() && line[i + 1] != '\r') {
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<SipMessage> Parse(std::string_view bytes, const ParseLimits& limits) {
  if (bytes.size() > limits.max_message_bytes) {
    return Invalid(absl::StrCat("message of ", bytes.size(), " bytes exceeds the limit of ",
                                limits.max_message_bytes));
  }
  size_t pos = 0;
  // RFC 3261 7.5: CRLFs before the start line are ignored.
  while (pos < bytes.size() && (bytes[pos] == '\n' || (bytes[pos] == '\r' && pos + 1 < bytes.size() &&
                                                        bytes[pos + 1] == '\n'))) {
    pos += bytes[pos] == '\r' ? 2 : 1;
  }
  auto start = NextLine(bytes, pos);
  if (!start) return Invalid("no complete start line");
  if (start->text.size() > limits.max_header_bytes) return Invalid("start line too long");
  if (HasControl(start->text)) return Invalid("control character in start line");
  SipMessage m;
  if (absl::Status s = ParseStartLine(start->text, m); !s.ok()) return s;
  pos = start->next;

  m.ReserveHeaders(16);
  PendingHeader pending;
  Seen seen;
  size_t count = 0;
  bool quoted = false;
  bool ended = false;
  while (auto line = NextLine(bytes, pos)) {
    pos = line->next;
    std::string_view l = line->text;
    if (l.empty()) {
      ended = true;
      break;
    }
    if (!IsWsp(l[0])) quoted = false;  // a new header line
    if (!HeaderLineOk(l, quoted)) {
      return Invalid(absl::StrCat(std::memchr(l.data(), '\0', l.size()) ? "NUL byte" : "control character",
                                  " in header line '", Excerpt(l), "'"));
    }
    if (IsWsp(l[0])) {  // a folded continuation (LWS = [*WSP CRLF] 1*WSP)
      if (pending.name.empty()) return Invalid("continuation line before the first header");
      pending.raw_bytes += l.size() + 2;
      if (pending.raw_bytes > limits.max_header_bytes) {
        return Invalid(absl::StrCat("header ", Excerpt(pending.name), " exceeds ", limits.max_header_bytes,
                                    " bytes"));
      }
      if (!pending.folded) {
        pending.joined.assign(pending.value);
        pending.folded = true;
      }
      const std::string_view part = Trim(l);
      if (!part.empty()) {
        if (!pending.joined.empty()) pending.joined.push_back(' ');
        pending.joined.append(part);
      }
      continue;
    }
    if (!pending.name.empty()) {
      if (absl::Status s = Commit(pending, m, seen); !s.ok()) return s;
    }
    if (++count > limits.max_headers) return Invalid(absl::StrCat("more than ", limits.max_headers, " headers"));
    const size_t colon = l.find(':');
    if (colon == std::string_view::npos) return Invalid(absl::StrCat("header line without a colon '", Excerpt(l), "'"));
    const std::string_view name = TrimRight(l.substr(0, colon));
    if (!text::IsToken(name)) return Invalid(absl::StrCat("bad header name '", Excerpt(name), "'"));
    pending.name = name;
    pending.value = Trim(l.substr(colon + 1));
    pending.raw_bytes = l.size() + 2;
    if (pending.raw_bytes > limits.max_header_bytes) {
      return Invalid(absl::StrCat("header ", Excerpt(name), " exceeds ", limits.max_header_bytes, " bytes"));
    }
  }
  if (!ended) return Invalid("header block not terminated by an empty line");
  if (!pending.name.empty()) {
    if (absl::Status s = Commit(pending, m, seen); !s.ok()) return s;
  }

  std::string_view body = bytes.substr(pos);
  if (seen.content_length) {
    if (*seen.content_length > body.size()) {
      return Invalid(absl::StrCat("body of ", body.size(), " bytes shorter than Content-Length ",
                                  *seen.content_length));
    }
    body = body.substr(0, *seen.content_length);  // UDP: the rest is ignored
  }
  m.body.assign(body);

  // RFC 3261 8.1.1: mandatory in every request (and present in responses).
  const struct {
    int count;
    std::string_view name;
  } mandatory[] = {{seen.via, "Via"}, {seen.from, "From"}, {seen.to, "To"}, {seen.call_id, "Call-ID"},
                   {seen.cseq, "CSeq"}};
  for (const auto& h : mandatory) {
    if (h.count == 0) return Invalid(absl::StrCat("missing mandatory header ", Sv(h.name)));
    if (h.count > 1 && h.name != "Via") return Invalid(absl::StrCat("more than one ", Sv(h.name), " header"));
  }
  if (seen.max_forwards > 1) return Invalid("more than one Max-Forwards header");
  const std::string_view cseq_text = *m.Get("CSeq");
  auto cseq = ParseCSeq(cseq_text);
  if (!cseq.ok()) return Invalid(absl::StrCat("bad CSeq '", Excerpt(cseq_text), "'"));
  if (m.is_request() && cseq->method != m.method()) {
    return Invalid(absl::StrCat("CSeq method ", cseq->method, " differs from request method ", m.method()));
  }
  return m;
}

}  // namespace konfero::sip
