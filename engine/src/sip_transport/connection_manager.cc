// sip_transport/connection_manager.cc: SIP over TCP and TLS: listeners and
// the connection table.
#include "sip_transport/connection_manager.h"

#include <chrono>
#include <utility>

#include <boost/asio/ip/v6_only.hpp>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "sip_transport/asio_endpoint.h"
#include "sip_transport/tls_stream.h"

namespace konfero::sip_transport {

using boost::asio::ip::tcp;

ConnectionManager::ConnectionManager(boost::asio::io_context& io, const Settings& settings,
                                     TransportCounters& counters,
                                     const sip::SipTransport::Receiver& receiver,
                                     boost::asio::ssl::context* tls_server,
                                     boost::asio::ssl::context& tls_client)
    : io_(io),
      settings_(settings),
      counters_(counters),
      receiver_(receiver),
      tls_server_(tls_server),
      tls_client_(tls_client) {}

absl::StatusOr<net::IpEndpoint> ConnectionManager::Listen(sip::Transport transport,
                                                          const net::IpEndpoint& local) {
  const bool ipv6 = !local.is_ipv4();
  auto listener = std::unique_ptr<Listener>(
      new Listener{transport, tcp::acceptor(io_), boost::asio::steady_timer(io_)});
  tcp::acceptor& acceptor = listener->acceptor;
  boost::system::error_code error;
  acceptor.open(ipv6 ? tcp::v6() : tcp::v4(), error);
  // Rebinding right after a restart must not wait for TIME_WAIT; a port
  // another socket listens on still fails.
  if (!error) acceptor.set_option(tcp::acceptor::reuse_address(true), error);
  if (!error && ipv6) acceptor.set_option(boost::asio::ip::v6_only(false), error);
  if (!error) acceptor.bind(ToAsio<tcp::endpoint>(local, ipv6), error);
  if (!error) acceptor.listen(tcp::acceptor::max_listen_connections, error);
  if (error) {
    return absl::UnavailableError(absl::StrCat("cannot listen for SIP over ",
                                               Sv(sip::TransportName(transport)), " on ",
                                               local.ToString(), ": ", error.message()));
  }
  const net::IpEndpoint bound = FromAsio(acceptor.local_endpoint(error));
  Accept(*listener);
  listeners_.push_back(std::move(listener));
  return bound;
}

void ConnectionManager::Accept(Listener& listener) {
  listener.acceptor.async_accept(
      [this, &listener](const boost::system::error_code& error, tcp::socket socket) {
        KONFERO_DCHECK_RUN_ON(&loop_);
        if (shut_down_ || error == boost::asio::error::operation_aborted) return;
        if (!error) {
          OnAccepted(listener, std::move(socket));
          return Accept(listener);
        }
        // Out of descriptors and the like: try again shortly rather than spin.
        listener.retry.expires_after(std::chrono::milliseconds(100));
        listener.retry.async_wait([this, &listener](const boost::system::error_code& e) {
          if (!e && !shut_down_) Accept(listener);
        });
      });
}

void ConnectionManager::OnAccepted(Listener& listener, tcp::socket socket) {
  boost::system::error_code error;
  const tcp::endpoint peer = socket.remote_endpoint(error);
  if (error) return;  // already gone
  const net::IpEndpoint remote = FromAsio(peer);
  const net::IpEndpoint source = WithPort(remote, 0);
  auto per_source = inbound_per_source_.find(source);
  const size_t from_source = per_source == inbound_per_source_.end() ? 0 : per_source->second;
  if (connections_.size() >= settings_.max_connections ||
      from_source >= settings_.max_connections_per_source) {
    counters_.connections_refused.Add();
    socket.close(error);
    return;
  }
  socket.set_option(tcp::no_delay(true), error);
  std::unique_ptr<ByteStream> stream =
      listener.transport == sip::Transport::kTls
          ? MakeTlsStream(std::move(socket), *tls_server_, TlsRole::kServer, "")
          : MakeTcpStream(std::move(socket));
  const uint64_t id = next_id_++;
  auto connection = std::make_shared<Connection>(
      id, remote, ConnectionSettings(listener.transport, true), std::move(stream), *this,
      counters_);
  connections_.emplace(id, connection);
  ++inbound_per_source_[source];
  connection->StartAccepted();
}

Connection::Settings ConnectionManager::ConnectionSettings(sip::Transport transport,
                                                           bool inbound) const {
  return Connection::Settings{.transport = transport,
                              .inbound = inbound,
                              .idle_timeout = settings_.idle_timeout,
                              .max_message_bytes = settings_.max_message_bytes};
}

std::shared_ptr<Connection> ConnectionManager::Find(const sip::SipEndpoint& to) const {
  if (to.connection_id != 0) {
    auto it = connections_.find(to.connection_id);
    if (it != connections_.end() && it->second->transport() == to.transport) return it->second;
  }
  for (const auto& [id, connection] : connections_) {
    if (connection->transport() == to.transport && connection->remote() == to.endpoint) {
      return connection;
    }
  }
  return nullptr;
}

std::shared_ptr<Connection> ConnectionManager::Connect(sip::Transport transport,
                                                       const net::IpEndpoint& address) {
  if (connections_.size() >= settings_.max_connections) return nullptr;
  tcp::socket socket(io_);
  std::unique_ptr<ByteStream> stream;
  if (transport == sip::Transport::kTls) {
    const std::string host =
        settings_.tls_verify_peer ? ToAsioAddress(address, false).to_string() : std::string();
    stream = MakeTlsStream(std::move(socket), tls_client_, TlsRole::kClient, host);
  } else {
    stream = MakeTcpStream(std::move(socket));
  }
  const uint64_t id = next_id_++;
  auto connection = std::make_shared<Connection>(
      id, address, ConnectionSettings(transport, false), std::move(stream), *this, counters_);
  connections_.emplace(id, connection);
  connection->StartConnect();
  return connection;
}

void ConnectionManager::Send(std::string message, const sip::SipEndpoint& to) {
  KONFERO_DCHECK_RUN_ON(&loop_);
  if (shut_down_) return;
  std::shared_ptr<Connection> connection = Find(to);
  if (connection == nullptr) connection = Connect(to.transport, to.endpoint);
  if (connection == nullptr) {
    counters_.send_errors.Add();
    return;
  }
  connection->Send(std::move(message));
}

void ConnectionManager::OnMessage(std::string message, const sip::SipEndpoint& from) {
  KONFERO_DCHECK_RUN_ON(&loop_);
  receiver_(std::move(message), from);
}

void ConnectionManager::OnClosed(Connection& connection) {
  KONFERO_DCHECK_RUN_ON(&loop_);
  if (connection.inbound()) {
    const net::IpEndpoint source = WithPort(connection.remote(), 0);
    auto it = inbound_per_source_.find(source);
    if (it != inbound_per_source_.end() && --it->second == 0) inbound_per_source_.erase(it);
  }
  connections_.erase(connection.id());  // the connection's pending handlers keep it alive
}

void ConnectionManager::Shutdown() {
  KONFERO_DCHECK_RUN_ON(&loop_);
  shut_down_ = true;
  for (const std::unique_ptr<Listener>& listener : listeners_) {
    boost::system::error_code ignored;
    listener->acceptor.close(ignored);
    listener->retry.cancel();
  }
  auto connections = std::move(connections_);
  connections_.clear();
  inbound_per_source_.clear();
  for (auto& [id, connection] : connections) connection->Abandon();
}

}  // namespace konfero::sip_transport

