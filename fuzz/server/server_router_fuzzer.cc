// server_router_fuzzer.cc: libFuzzer target for konfero-server's HTTP layer
// above the socket: the Router, the REST handlers over an in-memory
// RoomService, and the static file resolver.
//
// Input: one flag byte, then "<method>\n<target>\n<body>". Flag bit 0 adds
// the admin's valid bearer token, bit 1 a garbage Authorization header,
// bit 2 a remote address that is not printable; a body goes as
// application/json, or with bit 3 as text/plain (415). In the target, "{public}"
// and "{revoked}" stand for the URL token of the world's public room and
// the former token of its room made private (GET /api/guest/{public}).
// Every answer must have a
// status from 200 to 599 and a route name; every answer under /api/ must be
// a JSON object, and every error a {"error":{"code","message"}}; a static
// answer must never carry the bytes of the file planted outside the web
// root. Anything else aborts.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

#include "konfero/clock.h"
#include "konfero/room_service.h"
#include "nlohmann/json.hpp"
#include "server/rest_api.h"
#include "server/router.h"
#include "server/static_files.h"

namespace {

namespace fs = std::filesystem;
using namespace konfero;
using namespace konfero::server;

constexpr std::string_view kOutsideSecret = "outside-the-web-root-7f3a";

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "server_router_fuzzer: %s\n", what);
    std::abort();
  }
}

struct World {
  ManualClock clock;
  std::unique_ptr<RoomService> rooms;
  std::unique_ptr<RestApi> api;
  std::unique_ptr<StaticFiles> files;
  Router router;
  std::string admin_token;
  std::string public_token;
  std::string revoked_token;
  fs::path base;

  World() {
    RoomServiceOptions options;
    options.password_hash_memory_kib = 8;
    options.password_hash_iterations = 1;
    rooms = *RoomService::Open(options, clock);
    Check(rooms->BootstrapAdmin("admin", "Admin", "admin-password").ok(), "bootstrap");
    admin_token = rooms->Login("admin", "admin-password", "127.0.0.1")->token;
    absl::StatusOr<RoomInfo> room = rooms->CreateRoom(admin_token, "Fuzz");
    Check(room.ok(), "room");
    public_token = rooms->SetPublic(admin_token, room->id, true)->url_token;
    absl::StatusOr<RoomInfo> closed = rooms->CreateRoom(admin_token, "Closed");
    Check(closed.ok(), "second room");
    revoked_token = rooms->SetPublic(admin_token, closed->id, true)->url_token;
    Check(rooms->SetPublic(admin_token, closed->id, false).ok(), "private");

    base = fs::temp_directory_path() / ("konfero-router-fuzz-" + std::to_string(::getpid()));
    fs::create_directories(base / "web" / "js");
    std::ofstream(base / "web" / "index.html") << "<h1>index</h1>";
    std::ofstream(base / "web" / "guest.html") << "<h1>guest</h1>";
    std::ofstream(base / "web" / "js" / "app.js") << "export {};";
    std::ofstream(base / "secret.txt") << kOutsideSecret;
    std::error_code ec;
    fs::create_symlink(base / "secret.txt", base / "web" / "link.txt", ec);
    files = std::make_unique<StaticFiles>(base / "web");

    api = std::make_unique<RestApi>(*rooms);
    api->Register(router);
    router.SetFallback([this](const HttpRequest&, const RouteParams& params) {
      return files->Serve(params.segments);
    });
  }
  ~World() {
    std::error_code ec;
    fs::remove_all(base, ec);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World* world = new World();  // lives for the process, like a server
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);

  HttpRequest request;
  const size_t first = rest.find('\n');
  request.method = std::string(rest.substr(0, first));
  rest = first == std::string_view::npos ? std::string_view() : rest.substr(first + 1);
  const size_t second = rest.find('\n');
  request.target = std::string(rest.substr(0, second));
  for (const auto& [name, token] : {std::pair<std::string_view, const std::string&>{
                                        "{public}", world->public_token},
                                    {"{revoked}", world->revoked_token}}) {
    if (size_t at = request.target.find(name); at != std::string::npos) {
      request.target.replace(at, name.size(), token);
    }
  }
  request.body = second == std::string_view::npos ? std::string() : std::string(rest.substr(second + 1));
  request.remote_address = (flags & 4) != 0 ? std::string("\x01\x7f", 2) : "192.0.2.1";
  if ((flags & 1) != 0) request.headers["authorization"] = "Bearer " + world->admin_token;
  if (!request.body.empty()) {
    request.headers["content-type"] = (flags & 8) != 0 ? "text/plain" : "application/json";
  }
  if ((flags & 2) != 0) request.headers["authorization"] = request.body.substr(0, 64);

  const HttpResponse response = world->router.Dispatch(request);
  Check(response.status >= 200 && response.status <= 599, "status out of range");
  Check(!response.route.empty(), "answer without a route name");
  Check(response.body.find(kOutsideSecret) == std::string::npos, "served a file outside the root");
  if (response.content_type == "application/json") {
    const nlohmann::json body = nlohmann::json::parse(response.body, nullptr, false);
    Check(!body.is_discarded(), "JSON answer does not parse");
    Check(body.is_object(), "JSON answer is not an object");
    if (response.status >= 400) {
      Check(body.contains("error") && body["error"].is_object() &&
                body["error"].contains("code") && body["error"]["code"].is_string() &&
                body["error"].contains("message") && body["error"]["message"].is_string(),
            "error answer without code and message");
    }
  }
  if (request.target.starts_with("/api/")) {
    Check(response.content_type == "application/json", "an /api/ answer that is not JSON");
  }
  return 0;
}
