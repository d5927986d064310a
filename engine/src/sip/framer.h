// sip/framer.h: cuts a TCP/TLS byte stream into SIP messages (RFC 3261
// 18.3: on a stream, Content-Length is mandatory and tells where the body
// ends). CRLF keep-alives between messages (RFC 5626 3.5.1: "\r\n\r\n" ping,
// "\r\n" pong) are skipped and counted, so the owner can answer a pong.
//
// The framer only finds message boundaries (the end of the header block and
// Content-Length); Parse does the rest.
//
//   sip::StreamFramer framer;
//   auto messages = framer.Feed(bytes_from_socket);
//   if (!messages.ok()) CloseConnection();
//   for (const std::string& raw : *messages) Handle(sip::Parse(raw));
//   if (framer.keepalives_seen() > pongs_sent) SendPong();
//
// Thread contract: single-threaded (the connection's owner).
#ifndef KONFERO_SIP_FRAMER_H_
#define KONFERO_SIP_FRAMER_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sip/parser.h"

namespace konfero::sip {

class StreamFramer {
 public:
  explicit StreamFramer(ParseLimits limits = {});

  // Appends bytes; returns the raw bytes of the messages completed so far
  // (possibly none). InvalidArgument, after which the stream must be closed
  // (the framer stays failed), if a message's headers or whole size exceed
  // the limits, or it has no, a negative or a non-numeric Content-Length.
  absl::StatusOr<std::vector<std::string>> Feed(std::string_view bytes);

  // Keep-alive pings ("\r\n\r\n" between messages) seen so far.
  int keepalives_seen() const { return keepalives_seen_; }
  // Bytes held waiting for the rest of a message.
  size_t buffered() const { return buffer_.size(); }

 private:
  ParseLimits limits_;
  std::string buffer_;
  int keepalives_seen_ = 0;
  int pending_crlfs_ = 0;  // CRLFs skipped since the last message (two make a ping)
  // The message at the front of buffer_: its header block's size once found
  // (0 before), its Content-Length, and how far the search for the empty
  // line has got.
  size_t header_end_ = 0;
  size_t body_length_ = 0;
  size_t scanned_ = 0;
  bool failed_ = false;
};

}  // namespace konfero::sip

#endif  // KONFERO_SIP_FRAMER_H_
