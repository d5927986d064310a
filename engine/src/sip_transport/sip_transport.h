// sip_transport/sip_transport.h: moves SIP messages over UDP, TCP and TLS
// sockets on a Boost.Asio event loop of its own thread. No SIP logic: the
// protocol (sans-I/O, on the engine's control thread) gets every received
// message with where it came from, and hands back messages with where they
// go. TCP and TLS byte streams are cut into messages by sip::StreamFramer.
//
//   sip::SipTransportOptions options;
//   options.listen = "0.0.0.0:5060";
//   auto transport = sip::SipTransport::Start(options,
//       [&](std::string message, const sip::SipEndpoint& from) {
//         control.Post([=] { HandleSip(message, from); });
//       });
//   (*transport)->Send(sip::Serialize(response), from);   // back on the same connection
//
// Connections: an inbound TCP/TLS connection is identified by a number
// (SipEndpoint::connection) that the receiver gets with each message;
// responses and in-dialog requests sent with that number go back on it while
// it is open. Sent to a connection that has closed (or with number 0), a
// message goes on an open connection to the same address and transport if
// there is one, else on a new connection to `address`.
//
// CRLF keep-alive (RFC 5626 3.5.1): a "\r\n\r\n" ping on a stream is
// answered with "\r\n"; a UDP datagram of CRLFs only is ignored.
//
// TLS: TLS 1.2 or newer. Outbound connections do not verify the server's
// certificate unless `tls_verify_peer` is set (phones' and PBXs' certificates
// are rarely valid); the server side asks no client certificate. Connections
// are closed without a TLS close_notify.
//
// Thread contract: Start and the destructor on any one thread; Send,
// the address getters and counters() from any thread; the Receiver is
// called on the transport's thread (it must not block long, nor destroy the
// transport).
#ifndef KONFERO_SIP_TRANSPORT_SIP_TRANSPORT_H_
#define KONFERO_SIP_TRANSPORT_SIP_TRANSPORT_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "konfero/net/ip_endpoint.h"
#include "sip/transaction_types.h"

namespace konfero::sip {

// Where a message goes or came from: sip::Destination (transport, address,
// and for TCP/TLS the connection it came on).
using SipEndpoint = Destination;

struct SipTransportOptions {
  // "IP:PORT" ("[::]:5060" for IPv6): UDP and TCP on the same port; empty:
  // neither. Port 0 picks a free port, the same for UDP and TCP.
  std::string listen;
  // "IP:PORT" for TLS; needs tls_cert_file and tls_key_file (PEM). Empty: no
  // TLS listener (outbound TLS still works).
  std::string tls_listen;
  std::string tls_cert_file, tls_key_file;
  // Outbound TLS: verify the server's certificate chain and that it names
  // the address connected to. Off by default (see above).
  bool tls_verify_peer = false;
  // With tls_verify_peer: PEM file of trusted CAs; empty: the system's.
  std::string tls_ca_file;
  size_t max_connections = 1000;           // TCP + TLS; new ones beyond are closed at once
  size_t max_connections_per_source = 20;  // inbound, per remote IP
  absl::Duration idle_timeout = absl::Minutes(5);  // a connection without traffic is closed
  // A larger stream message closes its connection; a larger UDP datagram is
  // dropped.
  size_t max_message_bytes = 64 * 1024;
};

class SipTransport {
 public:
  // Called on the transport's thread for every received message (UDP: one
  // datagram; TCP/TLS: one framed message).
  using Receiver = std::function<void(std::string message, const SipEndpoint& from)>;

  // Binds the listeners and starts the thread. InvalidArgument for a bad
  // option (address, unreadable certificate or key), Unavailable if an
  // address cannot be bound.
  static absl::StatusOr<std::unique_ptr<SipTransport>> Start(SipTransportOptions options,
                                                            Receiver receiver);
  // Stops the thread and closes every socket. Not from the Receiver.
  ~SipTransport();
  SipTransport(const SipTransport&) = delete;
  SipTransport& operator=(const SipTransport&) = delete;

  // Any thread: queues `message`; it is sent on the transport's thread.
  // UDP: one datagram (the caller should use TCP above 1300 bytes, RFC 3261
  // 18.1.1; a larger one is sent anyway). TCP/TLS: see the file comment.
  // A message that cannot be sent (connect failed, no UDP socket of that
  // family) is dropped and counted in send_errors.
  void Send(std::string message, SipEndpoint to);

  // The bound addresses ("127.0.0.1:5060"), for Via/Contact headers and
  // logs; nullopt where there is no listener. Any thread.
  std::optional<net::IpEndpoint> udp_address() const;
  std::optional<net::IpEndpoint> tcp_address() const;
  std::optional<net::IpEndpoint> tls_address() const;

  struct Counters {
    uint64_t datagrams_in = 0;         // UDP, handed to the receiver
    uint64_t datagrams_out = 0;
    uint64_t messages_in = 0;          // TCP/TLS, handed to the receiver
    uint64_t messages_out = 0;
    uint64_t connections_open = 0;     // TCP + TLS open now (inbound and outbound)
    uint64_t connections_refused = 0;  // inbound closed at once (limits)
    uint64_t oversize_dropped = 0;     // UDP datagrams over max_message_bytes
    uint64_t stream_errors = 0;        // connections closed for a framing error (oversize included)
    uint64_t idle_closed = 0;          // connections closed by the idle timeout
    uint64_t send_errors = 0;          // messages dropped on send
  };
  Counters counters() const;  // any thread

 private:
  struct Impl;
  explicit SipTransport(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace konfero::sip

#endif  // KONFERO_SIP_TRANSPORT_SIP_TRANSPORT_H_
