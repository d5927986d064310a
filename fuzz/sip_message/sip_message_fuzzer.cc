// sip_message_fuzzer: the SIP parser, serializer, header views and stream
// framer on arbitrary bytes.
//
//  1. Parse; if it parses, Serialize and Parse again: the same start line,
//     the same headers (but Content-Length, which Serialize rewrites) and
//     body; serializing again gives the same bytes.
//  2. The header views (ParseVia, ParseNameAddr, ParseCSeq, ParseUri) on the
//     parsed values: a value that parses writes back (ToString) to text that
//     parses to the same fields.
//  3. StreamFramer fed the bytes in one piece and in chunks sized by the
//     bytes themselves: the same messages, keep-alives and verdict.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sip/framer.h"
#include "sip/headers.h"
#include "sip/message.h"
#include "sip/parser.h"

namespace {

using namespace konfero::sip;  // NOLINT: a fuzz target's own file

#define FUZZ_CHECK(cond)                                                            \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (false)

std::vector<Header> WithoutContentLength(const SipMessage& m) {
  std::vector<Header> out;
  for (const Header& h : m.headers()) {
    if (h.name != "Content-Length") out.push_back(h);
  }
  return out;
}

void CheckUri(const SipUri& uri) {
  auto again = ParseUri(uri.ToString());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->scheme == uri.scheme && again->user == uri.user && again->host == uri.host &&
             again->port == uri.port && again->headers == uri.headers);
}

void CheckViews(const SipMessage& m) {
  for (std::string_view v : m.GetAll("Via")) {
    auto via = ParseVia(v);
    if (!via.ok()) continue;
    auto again = ParseVia(via->ToString());
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->transport == via->transport && again->host == via->host && again->port == via->port &&
               again->params == via->params);
  }
  for (const char* name : {"From", "To", "Contact", "Route", "Record-Route"}) {
    for (std::string_view v : m.GetAll(name)) {
      auto na = ParseNameAddr(v);
      if (!na.ok()) continue;
      CheckUri(na->uri);
      auto again = ParseNameAddr(na->ToString());
      FUZZ_CHECK(again.ok());
      FUZZ_CHECK(again->display_name == na->display_name && again->params == na->params);
    }
  }
  if (auto cseq = ParseCSeq(*m.Get("CSeq")); cseq.ok()) {
    FUZZ_CHECK(cseq->number < (1u << 31));
    if (m.is_request()) FUZZ_CHECK(cseq->method == m.method());
  } else {
    FUZZ_CHECK(false);  // Parse checked it
  }
  if (m.is_request()) {
    if (auto uri = ParseUri(m.request_uri()); uri.ok()) CheckUri(*uri);
  }
}

void FuzzParse(std::string_view bytes) {
  auto m = Parse(bytes);
  if (!m.ok()) {
    FUZZ_CHECK(m.status().code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  FUZZ_CHECK(m->is_request() || (m->status() >= 100 && m->status() <= 699));
  const std::string wire = Serialize(*m);
  auto again = Parse(wire);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->is_request() == m->is_request());
  FUZZ_CHECK(again->method() == m->method());
  FUZZ_CHECK(again->request_uri() == m->request_uri());
  FUZZ_CHECK(again->status() == m->status());
  FUZZ_CHECK(again->reason() == m->reason());
  FUZZ_CHECK(again->body == m->body);
  FUZZ_CHECK(WithoutContentLength(*again) == WithoutContentLength(*m));
  FUZZ_CHECK(Serialize(*again) == wire);
  CheckViews(*m);
}

struct Framed {
  std::vector<std::string> messages;
  int keepalives = 0;
  bool ok = true;
};

Framed Frame(std::string_view bytes, const uint8_t* sizes, size_t n_sizes) {
  const ParseLimits limits{.max_message_bytes = 2048, .max_headers = 100, .max_header_bytes = 8192};
  StreamFramer framer(limits);
  Framed f;
  size_t i = 0;
  while (!bytes.empty()) {
    const size_t chunk = n_sizes == 0 ? bytes.size() : std::min<size_t>(bytes.size(), 1 + sizes[i++ % n_sizes] % 64);
    auto out = framer.Feed(bytes.substr(0, chunk));
    bytes.remove_prefix(chunk);
    if (!out.ok()) {
      FUZZ_CHECK(out.status().code() == absl::StatusCode::kInvalidArgument);
      f.ok = false;
      FUZZ_CHECK(!framer.Feed("x").ok());  // stays failed
      break;
    }
    for (std::string& m : *out) f.messages.push_back(std::move(m));
  }
  f.keepalives = framer.keepalives_seen();
  return f;
}

void FuzzFramer(std::string_view bytes) {
  const Framed whole = Frame(bytes, nullptr, 0);
  const auto* sizes = reinterpret_cast<const uint8_t*>(bytes.data());
  const Framed chunked = Frame(bytes, sizes, std::min<size_t>(bytes.size(), 16));
  FUZZ_CHECK(whole.ok == chunked.ok);
  if (whole.ok) {
    FUZZ_CHECK(whole.messages == chunked.messages);
    FUZZ_CHECK(whole.keepalives == chunked.keepalives);
  }
  for (const std::string& m : whole.messages) FuzzParse(m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  FuzzParse(bytes);
  FuzzFramer(bytes);
  return 0;
}
