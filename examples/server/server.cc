// server.cc: accepting, the control timer, signals and shutdown.
#include "server/server.h"

#include <chrono>
#include <csignal>
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
               ServerParts parts)
    : io_(io),
      acceptor_(std::in_place, std::move(acceptor)),
      tls_(tls),
      parts_(parts),
      ctx_{.router = parts.router, .hub = parts.hub, .log = parts.log,
           .connections = connections_},
      tick_timer_(std::in_place, io),
      deadline_(std::in_place, io),
      drain_timer_(std::in_place, io),
      signals_(std::in_place, io, SIGINT, SIGTERM) {}

void Server::ReleaseIoObjects() {
  acceptor_.reset();
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
      parts_.log.Warn("accept_failed").Kv("error", ec.message());
    } else if (connections_.full()) {
      parts_.log.Warn("connection_refused").Kv("reason", "too many connections");
      // The socket closes as it goes out of scope.
    } else if (tls_ != nullptr) {
      StartHttpsConnection(std::move(socket), *tls_, ctx_);
    } else {
      StartHttpConnection(std::move(socket), ctx_);
    }
    Accept();
  });
}

void Server::Tick() {
  parts_.hub.Poll();
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
