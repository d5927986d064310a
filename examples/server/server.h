// server.h: konfero-server's network side on one io_context: the listener,
// the timer that ends the signalling hub's reconnect graces, and graceful
// shutdown on SIGINT/SIGTERM.
//
//   boost::asio::io_context io;
//   absl::StatusOr<tcp::acceptor> acceptor = Bind(io, "127.0.0.1", 8080);
//   ... open the RoomService (its base URL needs the bound port), start
//   ... the Engine, create the SignallingHub, build the Router ...
//   Server server(io, std::move(*acceptor), tls.get(), {engine, hub, router, log});
//   server.Start();
//   io.run();   // returns after a signal, once connections are closed
//
// The io_context's one thread is the control thread: HTTP, WebSockets,
// the RoomService, the engine's reports (posted by its workers through an
// AsioExecutor) and SignallingHub::Poll (every 200 ms) all run on it;
// media runs on the engine's workers.
//
// Thread contract: construct, Start and run on one thread; Shutdown on it
// (the signal handler does).
#ifndef KONFERO_EXAMPLES_SERVER_SERVER_H_
#define KONFERO_EXAMPLES_SERVER_SERVER_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "konfero/engine.h"
#include "konfero/signalling.h"
#include "server/connection_context.h"
#include "server/connection_set.h"
#include "server/http_security.h"
#include "server/log.h"
#include "server/log_throttle.h"
#include "server/router.h"

namespace konfero::server {

// Binds and listens; a clear error if the address is taken or not ours.
absl::StatusOr<boost::asio::ip::tcp::acceptor> Bind(boost::asio::io_context& io,
                                                    const std::string& host, uint16_t port);

struct ServerParts {
  Engine& engine;
  SignallingHub& hub;
  const Router& router;
  const Logger& log;
  // Run by Shutdown, on the control thread, while the io_context still runs
  // (main ends the phone dial-in there: a BYE to every caller); may be empty.
  std::function<void()> on_shutdown;
  // The page origins whose WebSocket upgrades are accepted (http_security.h);
  // the default accepts only clients that send no Origin.
  OriginPolicy websocket_origins;
  // Run on the control timer (every 200 ms) after the hub's Poll, for other
  // periodic upkeep (main purges expired chat hourly); may be empty.
  std::function<void()> on_tick;
};

class Server {
 public:
  // `tls`: null for plain HTTP. Everything borrowed must outlive the
  // io_context's handlers. Connections beyond `limits` (in all, per source
  // address) are closed as soon as they are accepted.
  Server(boost::asio::io_context& io, boost::asio::ip::tcp::acceptor acceptor,
         boost::asio::ssl::context* tls, ServerParts parts, ConnectionLimits limits);

  void Start();
  // Stops accepting, ends the signalling sessions (the hub sends
  // "shutdown"), runs on_shutdown, closes every connection and stops the timers; io.run()
  // returns once the last connection is gone, or after a 3 s deadline.
  void Shutdown(std::string_view reason);

  // After io.run() returned and before the io_context is destroyed: drops
  // the listener, timers and signal handler, which must not outlive it.
  // The connection set stays until the Server goes, because destroying the
  // io_context destroys the connections still pending, which leave it.
  void ReleaseIoObjects();

  int64_t http_requests() const { return ctx_.http_requests; }
  size_t open_connections() const { return connections_.size(); }

 private:
  void Accept();
  // A failed accept: out of descriptors (EMFILE, ENFILE) or memory, the
  // listener pauses kAcceptBackoff instead of failing again at once.
  void OnAcceptError(const boost::system::error_code& ec);
  void Tick();
  void WaitForSignal();
  void WaitForConnectionsToEnd();

  boost::asio::io_context& io_;
  std::optional<boost::asio::ip::tcp::acceptor> acceptor_;
  boost::asio::ssl::context* tls_;
  ServerParts parts_;
  ConnectionSet connections_;
  ConnectionContext ctx_;
  std::optional<boost::asio::steady_timer> accept_retry_;
  LogThrottle refused_log_{std::chrono::seconds(10)};
  LogThrottle accept_error_log_{std::chrono::seconds(10)};
  std::optional<boost::asio::steady_timer> tick_timer_;
  std::optional<boost::asio::steady_timer> deadline_;
  std::optional<boost::asio::steady_timer> drain_timer_;
  std::optional<boost::asio::signal_set> signals_;
  bool stopping_ = false;
};

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_SERVER_H_
