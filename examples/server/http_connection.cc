// http_connection.cc: HTTP/1.1 over plain TCP or TLS, one request at a
// time, answered by the Router.
#include "server/http_connection.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "server/api_response.h"
#include "server/http_message.h"
#include "server/http_security.h"
#include "server/text.h"
#include "server/url_path.h"
#include "server/ws_connection.h"

namespace konfero::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr auto kRequestTimeout = std::chrono::seconds(30);
constexpr uint32_t kMaxHeaderBytes = 16 * 1024;

template <class Stream>
constexpr bool kIsTls = !std::is_same_v<Stream, beast::tcp_stream>;

std::string Str(beast::string_view s) { return std::string(s.data(), s.size()); }

bool IsSignallingUpgrade(const http::request<http::string_body>& request) {
  if (!beast::websocket::is_upgrade(request)) return false;
  std::optional<std::vector<std::string>> segments = SplitPath(Str(request.target()));
  return segments && segments->size() == 1 && (*segments)[0] == "ws";
}

HttpRequest ToHttpRequest(http::request<http::string_body>& request, const std::string& remote,
                          bool tls) {
  HttpRequest out;
  out.method = Str(request.method_string());
  out.target = Str(request.target());
  for (const auto& field : request) {
    if (field.name() == http::field::authorization || field.name() == http::field::content_type ||
        field.name() == http::field::cookie) {
      std::string name = Str(field.name_string());
      for (char& c : name) c = AsciiLower(c);
      out.headers[std::move(name)] = Str(field.value());
    }
  }
  out.body = std::move(request.body());
  out.remote_address = remote;
  out.tls = tls;
  return out;
}

template <class Stream>
class HttpConnection final : public Closable,
                             public std::enable_shared_from_this<HttpConnection<Stream>> {
 public:
  HttpConnection(Stream stream, std::string remote, ConnectionContext& ctx)
      : stream_(std::move(stream)), remote_(std::move(remote)), ctx_(ctx) {}

  ~HttpConnection() override {
    if (registered_) ctx_.connections.Remove(id_);
  }

  void Start() {
    id_ = ctx_.connections.Add(remote_, this->weak_from_this());
    registered_ = true;
    if constexpr (kIsTls<Stream>) {
      beast::get_lowest_layer(stream_).expires_after(kRequestTimeout);
      stream_.async_handshake(net::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) {
                                  self->ctx_.log.Debug("tls_handshake_failed")
                                      .Kv("remote", self->remote_)
                                      .Kv("error", ec.message());
                                  return;
                                }
                                self->Read();
                              });
    } else {
      Read();
    }
  }

  // Server shutdown: drop the connection (an idle keep-alive one, usually).
  void Close() override {
    beast::error_code ignored;
    beast::get_lowest_layer(stream_).socket().close(ignored);
  }

 private:
  void Read() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(kMaxBodyBytes);
    beast::get_lowest_layer(stream_).expires_after(kRequestTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, size_t) {
                       self->OnRead(ec);
                     });
  }

  void OnRead(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return Shutdown();
    if (ec == http::error::body_limit) {
      HttpResponse too_large = JsonError(413, "payload_too_large",
                                         "the request body is larger than 64 KiB");
      too_large.route = "too_large";
      return Respond(std::move(too_large), /*keep_alive=*/false, /*head=*/false, "-",
                     std::chrono::steady_clock::now());
    }
    if (ec) return;  // timeout, reset, malformed request: nothing to answer
    const auto started = std::chrono::steady_clock::now();
    http::request<http::string_body> request = parser_->release();
    if (IsSignallingUpgrade(request)) {
      if (!UpgradeOriginAllowed(request)) {
        ctx_.log.Warn("ws_refused")
            .Kv("remote", remote_)
            .Kv("origin", Str(request[http::field::origin]).substr(0, 200));
        HttpResponse refused = JsonError(403, "forbidden",
                                         "this page's origin may not open the signalling "
                                         "WebSocket (see the server's --allowed-origin)");
        refused.route = "/ws";
        return Respond(std::move(refused), /*keep_alive=*/false, /*head=*/false, "GET", started);
      }
      ctx_.log.Debug("ws_upgrade").Kv("remote", remote_);
      StartWebSocket(std::move(stream_), std::move(request), remote_, ctx_);
      return;  // the WebSocket owns the stream now
    }
    const bool keep_alive = request.keep_alive();
    const bool head = request.method() == http::verb::head;
    const std::string method = Str(request.method_string());
    // The login answers later (its password is checked off this thread);
    // the connection reads nothing more until then.
    ctx_.router.Dispatch(ToHttpRequest(request, remote_, kIsTls<Stream>),
                         [self = this->shared_from_this(), keep_alive, head, method,
                          started](HttpResponse response) {
                           self->Respond(std::move(response), keep_alive, head, method,
                                         started);
                         });
  }

  // One Origin header, of an allowed origin, or none (http_security.h).
  bool UpgradeOriginAllowed(const http::request<http::string_body>& request) const {
    auto [first, end] = request.equal_range(http::field::origin);
    if (first == end) return ctx_.websocket_origins.Allows(std::nullopt);
    if (std::next(first) != end) return false;
    return ctx_.websocket_origins.Allows(Str(first->value()));
  }

  void Respond(HttpResponse answer, bool keep_alive, bool head, const std::string& method,
               std::chrono::steady_clock::time_point started) {
    ++ctx_.http_requests;
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    ctx_.log.Info("http")
        .Kv("remote", remote_)
        .Kv("method", method)
        .Kv("route", answer.route)
        .Kv("status", answer.status)
        .Kv("bytes", static_cast<uint64_t>(answer.body.size()))
        .Kv("ms", ms);

    response_.emplace(static_cast<http::status>(answer.status), 11);
    http::response<http::string_body>& res = *response_;
    res.set(http::field::server, "konfero");
    if (!answer.content_type.empty()) res.set(http::field::content_type, answer.content_type);
    res.set("x-content-type-options", "nosniff");
    if constexpr (kIsTls<Stream>) {
      res.set(http::field::strict_transport_security, std::string(kStrictTransportSecurity));
    }
    for (const auto& [name, value] : answer.headers) res.set(name, value);
    res.keep_alive(keep_alive);
    const size_t length = answer.body.size();
    if (!head) res.body() = std::move(answer.body);
    res.content_length(length);

    beast::get_lowest_layer(stream_).expires_after(kRequestTimeout);
    http::async_write(stream_, res,
                      [self = this->shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        self->response_.reset();
                        if (ec) return;
                        if (keep_alive) {
                          self->Read();
                        } else {
                          self->Shutdown();
                        }
                      });
  }

  void Shutdown() {
    if constexpr (kIsTls<Stream>) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {});
    } else {
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  std::string remote_;
  ConnectionContext& ctx_;
  uint64_t id_ = 0;
  bool registered_ = false;
};

}  // namespace

void StartHttpConnection(tcp::socket socket, std::string remote, ConnectionContext& ctx) {
  std::make_shared<HttpConnection<beast::tcp_stream>>(beast::tcp_stream(std::move(socket)),
                                                      std::move(remote), ctx)
      ->Start();
}

void StartHttpsConnection(tcp::socket socket, std::string remote, net::ssl::context& tls,
                          ConnectionContext& ctx) {
  std::make_shared<HttpConnection<beast::ssl_stream<beast::tcp_stream>>>(
      beast::ssl_stream<beast::tcp_stream>(std::move(socket), tls), std::move(remote), ctx)
      ->Start();
}

}  // namespace konfero::server
