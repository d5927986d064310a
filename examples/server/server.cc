// server.cc: accepting, the control timer, signals and shutdown.
#include "server/server.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "server/http_connection.h"
#include "server/text.h"

namespace konfero::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {
// The hub's reconnect graces end on this timer; the engine needs none (its
// workers post their reports to the io_context).
constexpr auto kTick = std::chrono::milliseconds(200);
constexpr auto kShutdownDeadline = std::chrono::seconds(3);
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);

// The peer's address as the connection set counts it (v4-mapped v6 as v4).
std::string PeerAddress(const tcp::socket& socket) {
  boost::system::error_code ec;
  const tcp::endpoint endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  net::ip::address address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = net::ip::make_address_v4(net::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}
}  // namespace

absl::StatusOr<tcp::acceptor> Bind(net::io_context& io, const std::string& host, uint16_t port) {
  boost::system::error_code ec;
  const net::ip::address address = net::ip::make_address(host, ec);
  if (ec) return absl::InvalidArgumentError(Cat("--listen: not an IP address: ", host));
  const tcp::endpoint endpoint(address, port);
  tcp::acceptor acceptor(io);
  auto fail = [&](std::string_view step) {
    return absl::UnavailableError(Cat("cannot listen on ", host, ":", port, " (", step, ": ",
                                      ec.message(), ")"));
  };
  acceptor.open(endpoint.protocol(), ec);
  if (ec) return fail("socket");
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("option");
  acceptor.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  return acceptor;
}

Server::Server(net::io_context& io, tcp::acceptor acceptor, net::ssl::context* tls,
               ServerParts parts, ConnectionLimits limits)
    : io_(io),
      acceptor_(std::in_place, std::move(acceptor)),
      tls_(tls),
      parts_(parts),
      connections_(limits),
      ctx_{.router = parts.router, .hub = parts.hub, .log = parts.log,
           .connections = connections_, .websocket_origins = parts_.websocket_origins},
      accept_retry_(std::in_place, io),
      tick_timer_(std::in_place, io),
      deadline_(std::in_place, io),
      drain_timer_(std::in_place, io),
      signals_(std::in_place, io, SIGINT, SIGTERM) {}

void Server::ReleaseIoObjects() {
  acceptor_.reset();
  accept_retry_.reset();
  tick_timer_.reset();
  deadline_.reset();
  drain_timer_.reset();
  signals_.reset();
}

void Server::Start() {
  Accept();
  Tick();
  WaitForSignal();
}

void Server::Accept() {
  acceptor_->async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (stopping_ || ec == net::error::operation_aborted) return;
    if (ec) {
      OnAcceptError(ec);
      return;
    }
    const std::string address = PeerAddress(socket);
    if (!connections_.Admits(address)) {
      // The socket closes as it goes out of scope; the log line is
      // throttled, as a flood of refusals must not become a flood of lines.
      if (std::optional<uint64_t> skipped = refused_log_.Allow(LogThrottle::Clock::now())) {
        parts_.log.Warn("connection_refused")
            .Kv("reason", connections_.size() >= connections_.limits().total
                              ? "too many connections"
                              : "too many connections from one address")
            .Kv("remote", address)
            .Kv("suppressed", *skipped);
      }
    } else if (tls_ != nullptr) {
      StartHttpsConnection(std::move(socket), address, *tls_, ctx_);
    } else {
      StartHttpConnection(std::move(socket), address, ctx_);
    }
    Accept();
  });
}

void Server::OnAcceptError(const boost::system::error_code& ec) {
  if (std::optional<uint64_t> skipped = accept_error_log_.Allow(LogThrottle::Clock::now())) {
    parts_.log.Warn("accept_failed").Kv("error", ec.message()).Kv("suppressed", *skipped);
  }
  const bool exhausted = ec == net::error::no_descriptors || ec.value() == ENFILE ||
                         ec == net::error::no_buffer_space || ec == net::error::no_memory;
  if (!exhausted) {
    Accept();  // e.g. a connection reset before it was accepted
    return;
  }
  // Accepting again at once would fail again at once, at full CPU, for as
  // long as connections wait in the backlog.
  accept_retry_->expires_after(kAcceptBackoff);
  accept_retry_->async_wait([this](boost::system::error_code wait_ec) {
    if (!wait_ec && !stopping_) Accept();
  });
}

void Server::Tick() {
  parts_.hub.Poll();
  if (parts_.on_tick) parts_.on_tick();
  tick_timer_->expires_after(kTick);
  tick_timer_->async_wait([this](boost::system::error_code ec) {
    if (!ec && !stopping_) Tick();
  });
}

void Server::WaitForSignal() {
  signals_->async_wait([this](boost::system::error_code ec, int signal) {
    if (ec) return;
    Shutdown(signal == SIGINT ? "SIGINT" : "SIGTERM");
  });
}

void Server::Shutdown(std::string_view reason) {
  if (stopping_) return;
  stopping_ = true;
  parts_.log.Info("shutdown").Kv("reason", reason).Kv("connections",
                                                      static_cast<uint64_t>(connections_.size()));
  boost::system::error_code ignored;
  acceptor_->close(ignored);
  accept_retry_->cancel();
  parts_.hub.Shutdown();   // "shutdown" to every session; each asks to close
  if (parts_.on_shutdown) parts_.on_shutdown();
  connections_.CloseAll();  // idle HTTP connections, unfinished handshakes
  tick_timer_->cancel();
  signals_->cancel();
  // A peer that never answers the close handshake must not hold us up.
  deadline_->expires_after(kShutdownDeadline);
  deadline_->async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    parts_.log.Warn("shutdown_deadline").Kv("connections",
                                             static_cast<uint64_t>(connections_.size()));
    io_.stop();
  });
  // Once the last connection is gone, nothing but the deadline is left:
  // end it early so that io.run() returns.
  WaitForConnectionsToEnd();
}

void Server::WaitForConnectionsToEnd() {
  if (connections_.size() == 0) {
    deadline_->cancel();
    return;
  }
  drain_timer_->expires_after(std::chrono::milliseconds(20));
  drain_timer_->async_wait([this](boost::system::error_code ec) {
    if (!ec) WaitForConnectionsToEnd();
  });
}

}  // namespace konfero::server
