// http_client.h: blocking HTTP/1.1 requests to the server under test, for
// the REST set-up (login, users, rooms) and the /metrics scrapes.
//
//   HttpClient http("127.0.0.1", 8080);
//   absl::StatusOr<HttpReply> r = http.Request("POST", "/api/login", body_json);
//   absl::StatusOr<nlohmann::json> j = http.Json("POST", "/api/rooms", body, token, 201);
//
// One connection per request (Connection: close); every request has a
// deadline (`timeout`, default 10 s) enforced by Beast's tcp_stream on a
// private io_context, so a call never blocks longer than that.
//
// Thread contract: an HttpClient is used by one thread at a time; separate
// instances may run on separate threads.
#ifndef KONFERO_BENCH_LOAD_HTTP_CLIENT_H_
#define KONFERO_BENCH_LOAD_HTTP_CLIENT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace konfero::load {

struct HttpReply {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  HttpClient(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}

  // `json_body` empty: no body. `bearer` empty: no Authorization header.
  // Unavailable when the server cannot be reached or the deadline passes.
  absl::StatusOr<HttpReply> Request(std::string_view method, std::string_view target,
                                    std::string_view json_body = {},
                                    std::string_view bearer = {},
                                    absl::Duration timeout = absl::Seconds(10));

  // Request() that must answer `want_status` with a JSON body; otherwise an
  // error naming the request, the status and the server's error message.
  absl::StatusOr<nlohmann::json> Json(std::string_view method, std::string_view target,
                                      const nlohmann::json& body, std::string_view bearer,
                                      int want_status = 200);

 private:
  std::string host_;
  uint16_t port_;
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_HTTP_CLIENT_H_
