// sip_transport/connection.h: one SIP connection over TCP or TLS: connects
// (outbound) or is accepted, does the TLS handshake, cuts what it reads
// into messages with sip::StreamFramer, answers CRLF keep-alive pings with a
// pong (RFC 5626 3.5.1), writes queued messages one at a time, and closes
// itself after a framing error, an I/O error or idle_timeout without
// traffic.
//
//   auto c = std::make_shared<Connection>(id, remote, settings, MakeTcpStream(std::move(s)),
//                                         owner, counters);
//   c->StartAccepted();
//   c->Send(std::move(response));
//
// Lifetime: shared; each pending operation holds a reference, the owner
// holds one until OnClosed.
//
// Thread contract: the loop's thread only; the owner is called there.
#ifndef KONFERO_SIP_TRANSPORT_CONNECTION_H_
#define KONFERO_SIP_TRANSPORT_CONNECTION_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "absl/time/time.h"
#include "sip/framer.h"
#include "sip_transport/byte_stream.h"
#include "sip_transport/counters.h"
#include "sip_transport/sip_transport.h"

namespace konfero::sip_transport {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  class Owner {
   public:
    virtual ~Owner() = default;
    virtual void OnMessage(std::string message, const sip::SipEndpoint& from) = 0;
    // Once, when the connection closes (not after Abandon).
    virtual void OnClosed(Connection& connection) = 0;
  };
  struct Settings {
    sip::Transport transport = sip::Transport::kTcp;
    bool inbound = true;
    absl::Duration idle_timeout = absl::Minutes(5);
    size_t max_message_bytes = 64 * 1024;
  };

  Connection(uint64_t id, const net::IpEndpoint& remote, const Settings& settings,
             std::unique_ptr<ByteStream> stream, Owner& owner, TransportCounters& counters);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // An accepted socket: handshake, then read.
  void StartAccepted();
  // Outbound: connect to remote(), handshake, then read and write what was
  // queued meanwhile.
  void StartConnect();
  // Queues a message (written once the connection is up).
  void Send(std::string message);
  // Idempotent. Messages still queued (or being written) are dropped and
  // counted in send_errors.
  void Close();
  // Closes without calling the owner (the owner is shutting down).
  void Abandon();

  uint64_t id() const { return id_; }
  const net::IpEndpoint& remote() const { return remote_; }
  sip::Transport transport() const { return settings_.transport; }
  bool inbound() const { return settings_.inbound; }
  bool closed() const { return closed_; }

 private:
  void Handshake();
  void OnEstablished();
  void Read();
  void OnRead(size_t size);
  void Write();
  void ArmIdleTimer(std::chrono::steady_clock::time_point deadline);
  void Touch() { last_activity_ = std::chrono::steady_clock::now(); }
  void Shut(bool notify);

  const uint64_t id_;
  const net::IpEndpoint remote_;
  const Settings settings_;
  std::unique_ptr<ByteStream> stream_;
  Owner& owner_;
  TransportCounters& counters_;
  sip::StreamFramer framer_;
  boost::asio::steady_timer idle_timer_;
  std::chrono::steady_clock::time_point last_activity_;
  std::array<char, 16 * 1024> read_buffer_;
  struct Pending {
    std::string bytes;
    bool is_message = true;  // false: a keep-alive pong (not counted)
  };
  std::deque<Pending> write_queue_;  // front() is being written while writing_
  bool established_ = false;
  bool writing_ = false;
  bool closed_ = false;
  int keepalives_answered_ = 0;
};

}  // namespace konfero::sip_transport

#endif  // KONFERO_SIP_TRANSPORT_CONNECTION_H_
