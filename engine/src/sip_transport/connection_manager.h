// sip_transport/connection_manager.h: the SIP transport's TCP and TLS side:
// the listening sockets, the table of open connections (inbound and
// outbound) with their limits, and where a stream message goes: its
// connection while open, else an open connection to the same address, else
// a new one.
//
//   ConnectionManager streams(io, settings, counters, receiver, tls_server.get(), *tls_client);
//   auto bound = streams.Listen(sip::Transport::kTcp, local);   // before the loop runs
//   streams.Send(std::move(message), to);                        // loop thread
//
// Limits: beyond max_connections (inbound and outbound together) or
// max_connections_per_source (inbound, per remote IP), an accepted
// connection is closed at once and counted in connections_refused; an
// outbound one is not made (send_errors).
//
// Thread contract: construction and Listen before the loop runs; the rest
// on the loop's thread; destroy once the loop has stopped.
#ifndef KONFERO_SIP_TRANSPORT_CONNECTION_MANAGER_H_
#define KONFERO_SIP_TRANSPORT_CONNECTION_MANAGER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "common/sequence_checker.h"
#include "sip_transport/connection.h"
#include "sip_transport/counters.h"
#include "sip_transport/sip_transport.h"

namespace konfero::sip_transport {

class ConnectionManager final : public Connection::Owner {
 public:
  struct Settings {
    size_t max_connections = 1000;
    size_t max_connections_per_source = 20;
    absl::Duration idle_timeout = absl::Minutes(5);
    size_t max_message_bytes = 64 * 1024;
    bool tls_verify_peer = false;  // outbound: check the certificate names the address
  };

  // `tls_server` may be null (no TLS listener); the contexts and `receiver`
  // must outlive the manager.
  ConnectionManager(boost::asio::io_context& io, const Settings& settings,
                    TransportCounters& counters, const sip::SipTransport::Receiver& receiver,
                    boost::asio::ssl::context* tls_server, boost::asio::ssl::context& tls_client);
  ConnectionManager(const ConnectionManager&) = delete;
  ConnectionManager& operator=(const ConnectionManager&) = delete;

  // Binds and starts accepting (kTcp or kTls); the bound address, or
  // Unavailable naming the address and the error.
  absl::StatusOr<net::IpEndpoint> Listen(sip::Transport transport, const net::IpEndpoint& local);

  // `to.transport` is kTcp or kTls.
  void Send(std::string message, const sip::SipEndpoint& to);
  // Stops accepting and closes every connection.
  void Shutdown();

  // Connection::Owner.
  void OnMessage(std::string message, const sip::SipEndpoint& from) override;
  void OnClosed(Connection& connection) override;

 private:
  struct Listener {
    sip::Transport transport;
    boost::asio::ip::tcp::acceptor acceptor;
    boost::asio::steady_timer retry;  // after an accept error (EMFILE and the like)
  };
  void Accept(Listener& listener);
  void OnAccepted(Listener& listener, boost::asio::ip::tcp::socket socket);
  std::shared_ptr<Connection> Find(const sip::SipEndpoint& to) const;
  std::shared_ptr<Connection> Connect(sip::Transport transport, const net::IpEndpoint& address);
  Connection::Settings ConnectionSettings(sip::Transport transport, bool inbound) const;

  boost::asio::io_context& io_;
  const Settings settings_;
  TransportCounters& counters_;
  const sip::SipTransport::Receiver& receiver_;
  boost::asio::ssl::context* const tls_server_;
  boost::asio::ssl::context& tls_client_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  absl::flat_hash_map<uint64_t, std::shared_ptr<Connection>> connections_;
  absl::flat_hash_map<net::IpEndpoint, size_t> inbound_per_source_;  // key: the IP, port 0
  uint64_t next_id_ = 1;
  bool shut_down_ = false;
  SequenceChecker loop_{SequenceChecker::kDetached};
};

}  // namespace konfero::sip_transport

#endif  // KONFERO_SIP_TRANSPORT_CONNECTION_MANAGER_H_
