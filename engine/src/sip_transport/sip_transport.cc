// sip_transport/sip_transport.cc: the facade: options, binding, the loop's
// thread, and Send's hand-over to it.
#include "sip_transport/sip_transport.h"

#include <thread>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include "sip_transport/asio_endpoint.h"
#include "sip_transport/connection_manager.h"
#include "sip_transport/counters.h"
#include "sip_transport/tls_stream.h"
#include "sip_transport/udp_listener.h"

namespace konfero::sip {

using sip_transport::ConnectionManager;
using sip_transport::UdpListener;

// Members in destruction order's reverse: the io_context goes last, after
// everything that holds its sockets and timers.
struct SipTransport::Impl {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work{io.get_executor()};
  Receiver receiver;
  sip_transport::TransportCounters counters;
  std::unique_ptr<boost::asio::ssl::context> tls_server, tls_client;
  std::unique_ptr<UdpListener> udp;
  std::unique_ptr<ConnectionManager> streams;
  // Set before the thread starts, constant afterwards.
  std::optional<net::IpEndpoint> udp_address, tcp_address, tls_address;
  std::thread thread;
  bool shut_down = false;  // the loop's thread

  absl::Status BindUdpAndTcp(const net::IpEndpoint& local, size_t max_message_bytes);
};

absl::Status SipTransport::Impl::BindUdpAndTcp(const net::IpEndpoint& local,
                                               size_t max_message_bytes) {
  // Port 0: UDP picks a free port and TCP takes the same number; if
  // another socket holds it for TCP, try another.
  const int attempts = local.port() == 0 ? 10 : 1;
  absl::Status last;
  for (int i = 0; i < attempts; ++i) {
    absl::StatusOr<std::unique_ptr<UdpListener>> bound = UdpListener::Bind(
        io, local, max_message_bytes, counters,
        [this](std::string datagram, const net::IpEndpoint& from) {
          receiver(std::move(datagram), SipEndpoint{Transport::kUdp, from, 0});
        });
    if (!bound.ok()) return bound.status();
    absl::StatusOr<net::IpEndpoint> tcp =
        streams->Listen(Transport::kTcp, sip_transport::WithPort(local, (*bound)->local().port()));
    if (tcp.ok()) {
      udp = *std::move(bound);
      udp_address = udp->local();
      tcp_address = *tcp;
      return absl::OkStatus();
    }
    last = tcp.status();
  }
  return last;
}

absl::StatusOr<std::unique_ptr<SipTransport>> SipTransport::Start(SipTransportOptions options,
                                                                Receiver receiver) {
  if (!receiver) return absl::InvalidArgumentError("SipTransport: no receiver");
  if (options.max_message_bytes == 0 || options.max_connections == 0 ||
      options.max_connections_per_source == 0 || options.idle_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        "SipTransport: max_message_bytes, max_connections, max_connections_per_source and "
        "idle_timeout must be positive");
  }
  std::optional<net::IpEndpoint> listen, tls_listen;
  if (!options.listen.empty()) {
    absl::StatusOr<net::IpEndpoint> parsed = sip_transport::ParseHostPort(options.listen, "listen");
    if (!parsed.ok()) return parsed.status();
    listen = *parsed;
  }
  if (!options.tls_listen.empty()) {
    absl::StatusOr<net::IpEndpoint> parsed =
        sip_transport::ParseHostPort(options.tls_listen, "tls_listen");
    if (!parsed.ok()) return parsed.status();
    tls_listen = *parsed;
  }

  auto impl = std::make_unique<Impl>();
  impl->receiver = std::move(receiver);
  auto client = sip_transport::MakeTlsClientContext(options.tls_verify_peer, options.tls_ca_file);
  if (!client.ok()) return client.status();
  impl->tls_client = *std::move(client);
  if (tls_listen) {
    auto server =
        sip_transport::MakeTlsServerContext(options.tls_cert_file, options.tls_key_file);
    if (!server.ok()) return server.status();
    impl->tls_server = *std::move(server);
  }
  impl->streams = std::make_unique<ConnectionManager>(
      impl->io,
      ConnectionManager::Settings{.max_connections = options.max_connections,
                                  .max_connections_per_source = options.max_connections_per_source,
                                  .idle_timeout = options.idle_timeout,
                                  .max_message_bytes = options.max_message_bytes,
                                  .tls_verify_peer = options.tls_verify_peer},
      impl->counters, impl->receiver, impl->tls_server.get(), *impl->tls_client);
  if (listen) {
    if (absl::Status s = impl->BindUdpAndTcp(*listen, options.max_message_bytes); !s.ok()) return s;
  }
  if (tls_listen) {
    absl::StatusOr<net::IpEndpoint> tls = impl->streams->Listen(Transport::kTls, *tls_listen);
    if (!tls.ok()) return tls.status();
    impl->tls_address = *tls;
  }
  if (impl->udp) impl->udp->Start();
  Impl* self = impl.get();
  impl->thread = std::thread([self] { self->io.run(); });
  return std::unique_ptr<SipTransport>(new SipTransport(std::move(impl)));
}

SipTransport::SipTransport(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SipTransport::~SipTransport() {
  Impl* impl = impl_.get();
  // Closing every socket completes their pending operations (aborted), so
  // the loop runs out of work and returns.
  boost::asio::post(impl->io, [impl] {
    impl->shut_down = true;
    if (impl->udp) impl->udp->Close();
    impl->streams->Shutdown();
    impl->work.reset();
  });
  impl->thread.join();
}

void SipTransport::Send(std::string message, SipEndpoint to) {
  Impl* impl = impl_.get();
  boost::asio::post(impl->io, [impl, message = std::move(message), to]() mutable {
    if (impl->shut_down) return;
    if (to.transport != Transport::kUdp) return impl->streams->Send(std::move(message), to);
    if (impl->udp == nullptr) {
      impl->counters.send_errors.Add();
      return;
    }
    impl->udp->Send(std::move(message), to.endpoint);
  });
}

std::optional<net::IpEndpoint> SipTransport::udp_address() const { return impl_->udp_address; }
std::optional<net::IpEndpoint> SipTransport::tcp_address() const { return impl_->tcp_address; }
std::optional<net::IpEndpoint> SipTransport::tls_address() const { return impl_->tls_address; }

SipTransport::Counters SipTransport::counters() const {
  const sip_transport::TransportCounters& c = impl_->counters;
  return Counters{.datagrams_in = c.datagrams_in.Get(),
                  .datagrams_out = c.datagrams_out.Get(),
                  .messages_in = c.messages_in.Get(),
                  .messages_out = c.messages_out.Get(),
                  .connections_open = c.connections_open.Get(),
                  .connections_refused = c.connections_refused.Get(),
                  .oversize_dropped = c.oversize_dropped.Get(),
                  .stream_errors = c.stream_errors.Get(),
                  .idle_closed = c.idle_closed.Get(),
                  .send_errors = c.send_errors.Get()};
}

}  // namespace konfero::sip
