// http_client.cc: one request per connection with Beast, on a private
// io_context whose run() returns when the exchange ends or times out.
#include "load/http_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"

namespace konfero::load {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

}  // namespace

absl::StatusOr<HttpReply> HttpClient::Request(std::string_view method, std::string_view target,
                                              std::string_view json_body,
                                              std::string_view bearer, absl::Duration timeout) {
  asio::io_context io;
  beast::tcp_stream stream(io);
  boost::system::error_code address_error;
  const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(host_, address_error), port_);
  if (address_error) return absl::InvalidArgumentError(absl::StrCat("bad host ", host_));

  http::request<http::string_body> request;
  request.method_string(beast::string_view(method.data(), method.size()));
  request.target(beast::string_view(target.data(), target.size()));
  request.version(11);
  request.set(http::field::host, absl::StrCat(host_, ":", port_));
  request.set(http::field::connection, "close");
  if (!bearer.empty()) request.set(http::field::authorization, absl::StrCat("Bearer ", Sv(bearer)));
  if (!json_body.empty()) {
    request.set(http::field::content_type, "application/json");
    request.body() = std::string(json_body);
  }
  request.prepare_payload();

  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  boost::system::error_code result = asio::error::timed_out;
  stream.expires_after(std::chrono::microseconds(absl::ToInt64Microseconds(timeout)));
  stream.async_connect(endpoint, [&](boost::system::error_code ec) {
    if (ec) {
      result = ec;
      return;
    }
    http::async_write(stream, request, [&](boost::system::error_code wec, size_t) {
      if (wec) {
        result = wec;
        return;
      }
      http::async_read(stream, buffer, response,
                       [&](boost::system::error_code rec, size_t) { result = rec; });
    });
  });
  io.run();  // ends with the exchange: the stream's deadline cancels a stuck one
  if (result) {
    return absl::UnavailableError(absl::StrCat(Sv(method), " ", Sv(target), ": ",
                                               result.message()));
  }
  boost::system::error_code ignored;
  stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  return HttpReply{static_cast<int>(response.result_int()), std::move(response.body())};
}

absl::StatusOr<nlohmann::json> HttpClient::Json(std::string_view method, std::string_view target,
                                                const nlohmann::json& body,
                                                std::string_view bearer, int want_status) {
  absl::StatusOr<HttpReply> reply =
      Request(method, target, body.is_null() ? std::string() : body.dump(), bearer);
  if (!reply.ok()) return reply.status();
  nlohmann::json parsed = nlohmann::json::parse(reply->body, nullptr, /*allow_exceptions=*/false);
  if (reply->status != want_status || parsed.is_discarded()) {
    std::string why = reply->body.substr(0, 200);
    if (!parsed.is_discarded() && parsed.contains("error")) {
      why = parsed["error"].value("message", why);
    }
    return absl::FailedPreconditionError(absl::StrCat(Sv(method), " ", Sv(target), ": HTTP ",
                                                      reply->status, " (wanted ", want_status,
                                                      "): ", why));
  }
  return parsed;
}

}  // namespace konfero::load
