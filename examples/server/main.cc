// main.cc: konfero-server, the conference server: the web client, the REST
// API (docs/api.md), signalling over WebSocket (docs/protocol.md), media
// through the engine, and /metrics. See `konfero-server --help`.
//
// Startup order matters: the listener is bound first, because the guest
// links the RoomService hands out name the bound port; teardown is the
// reverse of ownership (the phone dial-in, at the signal already, then the
// connections, the hub, the engine, the rooms).
#include <sys/stat.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "absl/time/time.h"
#include "konfero/clock.h"
#include "konfero/dial_in.h"
#include "konfero/engine.h"
#include "server/asio_executor.h"
#include "konfero/random.h"
#include "konfero/room_service.h"
#include "konfero/signalling.h"
#include "server/api_response.h"
#include "server/bootstrap.h"
#include "server/config.h"
#include "server/fd_limit.h"
#include "server/http_security.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/prometheus_text.h"
#include "server/password_pool.h"
#include "server/rest_api.h"
#include "server/router.h"
#include "server/server.h"
#include "server/static_files.h"
#include "server/text.h"
#include "server/tls_context.h"

namespace konfero::server {
namespace {

// Threads that hash passwords, and logins that may wait for one (docs/security.md).
constexpr int kPasswordThreads = 2;
constexpr int kMaxPendingLogins = 32;

namespace fs = std::filesystem;

int Fail(std::string_view message, int code = 1) {
  std::cerr << "konfero-server: " << message << "\n";
  return code;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += out.empty() ? item : "," + item;
  return out;
}

fs::path DefaultWebRoot() {
  std::error_code ec;
  if (fs::is_directory(KONFERO_SERVER_WEB_ROOT, ec)) return KONFERO_SERVER_WEB_ROOT;
  return KONFERO_SERVER_INSTALLED_WEB_ROOT;
}

// The data directory, private (0700): created so, or an existing one
// narrowed to it (it holds the database with password hashes and secrets).
absl::Status PrepareDataDir(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec) && (!fs::create_directories(dir, ec) || ec)) {
    return absl::UnavailableError(
        Cat("--data-dir ", dir.string(), ": cannot create it (", ec.message(), ")"));
  }
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  if (ec) {
    return absl::UnavailableError(
        Cat("--data-dir ", dir.string(), ": cannot make it private (chmod 0700: ", ec.message(),
            ")"));
  }
  return absl::OkStatus();
}

// `dial_in`: null when phone dial-in is off (or has ended, at shutdown).
// `metrics_token`: lets clients other than loopback read /metrics (empty: none).
void AddServerRoutes(Router& router, RoomService& rooms, Engine& engine, SignallingHub& hub,
                     const Server& server, const std::unique_ptr<DialInService>& dial_in,
                     std::string metrics_token) {
  router.Add("GET", "/metrics", [&rooms, &engine, &hub, &server, &dial_in,
                                 metrics_token = std::move(metrics_token)](
                                    const HttpRequest& request, const RouteParams&) {
    if (std::optional<HttpResponse> refused = RefuseMetrics(request, metrics_token)) {
      return *std::move(refused);
    }
    MetricsInput input{.rooms = rooms.GetStats(),
                       .engine = engine.GetTotals(),
                       .signalling = hub.stats(),
                       .http_requests = server.http_requests(),
                       .dial_in = dial_in ? std::optional<DialInStats>(dial_in->stats())
                                          : std::nullopt};
    HttpResponse response;
    response.content_type = std::string(kPrometheusContentType);
    response.body = RenderMetrics(input);
    return response;
  });
  // A plain GET of /ws (no upgrade headers) reaches the router.
  router.Add("GET", "/ws", [](const HttpRequest&, const RouteParams&) {
    HttpResponse response = JsonError(426, "upgrade_required",
                                      "/ws is the signalling WebSocket: connect with a "
                                      "WebSocket client");
    response.headers.emplace_back("upgrade", "websocket");
    return response;
  });
}

int Run(const ServerConfig& config) {
  SystemClock clock;
  const Logger log(config.log_level, clock, [](std::string_view line) {
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
  });

  const fs::path web_root = config.web_root.empty() ? DefaultWebRoot() : fs::path(config.web_root);
  std::error_code ec;
  if (!fs::is_regular_file(web_root / "index.html", ec)) {
    log.Warn("web_root_incomplete").Kv("web_root", web_root.string()).Kv("missing", "index.html");
  }

  std::unique_ptr<boost::asio::ssl::context> tls;
  if (config.tls()) {
    absl::StatusOr<std::unique_ptr<boost::asio::ssl::context>> made =
        MakeTlsContext(config.tls_cert, config.tls_key);
    if (!made.ok()) return Fail(Sv(made.status().message()), 2);
    tls = *std::move(made);
  }
  if (absl::Status s = PrepareDataDir(config.data_dir); !s.ok()) return Fail(Sv(s.message()));
  // Every connection is a descriptor: raise the limit, and keep the
  // connection cap below it so that accept() does not run out.
  const FdLimit fds = RaiseOpenFileLimit();
  const ConnectionLimits limits{
      .total = ConnectionCapFor(fds.soft, static_cast<size_t>(config.max_connections)),
      .per_address = static_cast<size_t>(config.max_connections_per_address)};
  log.Info("connection_limits")
      .Kv("total", static_cast<uint64_t>(limits.total))
      .Kv("per_address", static_cast<uint64_t>(limits.per_address))
      .Kv("open_file_limit", fds.soft);

  auto io = std::make_unique<boost::asio::io_context>(1);
  absl::StatusOr<boost::asio::ip::tcp::acceptor> acceptor =
      Bind(*io, config.listen_host, config.listen_port);
  if (!acceptor.ok()) return Fail(Sv(acceptor.status().message()));
  const std::string origin = config.Origin(acceptor->local_endpoint().port());

  RoomServiceOptions options;
  options.database = (fs::path(config.data_dir) / "konfero.db").string();
  options.dial_in_number = config.dial_in_number;
  options.base_url = origin + "/r/";
  options.guest_seats = config.licence_seats;
  options.max_guests_per_address = config.max_guests_per_address;
  options.max_guests_per_room = config.max_guests_per_room;
  options.chat_retention = absl::Hours(24) * config.chat_retention_days;
  // Open purges expired chat; the control timer does again every hour.
  absl::StatusOr<std::unique_ptr<RoomService>> rooms = RoomService::Open(options, clock);
  if (!rooms.ok()) {
    return Fail(Cat("cannot open the database ", options.database, ": ", rooms.status().message()));
  }

  AsioExecutor executor(*io);
  Engine::Options engine_options;
  engine_options.executor = &executor;
  engine_options.bind_address = config.media_address;
  engine_options.port = config.media_port;
  engine_options.rtp_port_min = config.rtp_port_min;
  engine_options.rtp_port_max = config.rtp_port_max;
  if (!config.announce.empty()) engine_options.announced_addresses = {config.announce};
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Start(**rooms, engine_options);
  if (!engine.ok()) {
    return Fail(Cat("cannot start the media engine on ", config.media_address, ": ",
                    engine.status().message()));
  }
  SignallingOptions hub_options;
  hub_options.reconnect_grace = absl::Seconds(config.reconnect_grace_seconds);
  std::unique_ptr<SignallingHub> hub = SignallingHub::Create(**rooms, **engine, hub_options);

  absl::StatusOr<StartInfo> start = Bootstrap(**rooms, CryptoRandom(), config.data_dir);
  if (!start.ok()) return Fail(Cat("first start failed: ", start.status().message()));
  if (start->first_start && !start->demo_token_saved) {
    log.Warn("demo_link_not_saved").Kv("data_dir", config.data_dir);
  }

  // Phone dial-in, on the engine's executor (the control thread).
  std::unique_ptr<DialInService> dial_in;
  std::vector<std::string> sip_addresses;
  if (config.sip()) {
    DialInOptions dial_in_options = DialInOptionsOf(config);
    dial_in_options.executor = &executor;
    absl::StatusOr<std::unique_ptr<DialInService>> started =
        DialInService::Start(**rooms, **engine, std::move(dial_in_options));
    if (!started.ok()) {
      return Fail(Cat("cannot start phone dial-in (SIP): ", started.status().message()));
    }
    dial_in = *std::move(started);
    sip_addresses = dial_in->listen_addresses();
  }

  Router router;
  // Password checks (argon2id) run here, never on the control thread; past
  // kMaxPendingLogins queued, a login is answered 503 at once.
  PasswordPool passwords(io->get_executor(), kPasswordThreads, kMaxPendingLogins);
  RestApi api(**rooms, [&passwords](std::function<void()> work, std::function<void()> done) {
    return passwords.Submit(std::move(work), std::move(done));
  });
  api.Register(router);
  const OriginPolicy origins(origin, config.allowed_origins);
  const StaticFiles files(web_root, ContentSecurityPolicy(origins));
  router.SetFallback([&files](const HttpRequest&, const RouteParams& params) {
    return files.Serve(params.segments);
  });
  auto server = std::make_unique<Server>(
      *io, *std::move(acceptor), tls.get(),
      ServerParts{.engine = **engine, .hub = *hub, .router = router, .log = log,
                  .on_shutdown = [&dial_in] { dial_in.reset(); },
                  .websocket_origins = origins,
                  .on_tick = [&rooms, &log, &clock, next = clock.Now() + absl::Hours(1)]() mutable {
                    if (clock.Now() < next) return;
                    next = clock.Now() + absl::Hours(1);
                    absl::StatusOr<int64_t> purged = (*rooms)->PurgeExpiredChat();
                    if (!purged.ok()) {
                      log.Warn("chat_purge_failed").Kv("error", Sv(purged.status().message()));
                    } else if (*purged > 0) {
                      log.Info("chat_purged").Kv("messages", *purged);
                    }
                  }},
      limits);
  AddServerRoutes(router, **rooms, **engine, *hub, *server, dial_in, config.metrics_token);
  server->Start();

  const std::string media = Join((*engine)->listen_addresses());
  log.Info("start")
      .Kv("origin", origin)
      .Kv("tls", config.tls())
      .Kv("media", media)
      .Kv("announce", config.announce.empty() ? std::string("-") : config.announce)
      .Kv("sip", sip_addresses.empty() ? std::string("-") : Join(sip_addresses))
      .Kv("data_dir", config.data_dir)
      .Kv("web_root", web_root.string())
      .Kv("licence_seats", config.licence_seats)
      .Kv("first_start", start->first_start);
  std::cout << Banner(*start, origin, sip_addresses) << std::flush;

  io->run();
  dial_in.reset();  // already gone after a signal (Shutdown); before the engine in any case

  // Reverse order of ownership: the connections (and their signalling
  // sessions) go with the io_context, before the hub they talk to.
  server->ReleaseIoObjects();
  io.reset();
  server.reset();
  hub.reset();
  engine->reset();
  rooms->reset();
  log.Info("stopped");
  return 0;
}

}  // namespace
}  // namespace konfero::server

int main(int argc, char** argv) {
  using namespace konfero::server;
  std::vector<std::string_view> args(argv + 1, argv + argc);
  absl::StatusOr<ParsedArgs> parsed = ParseArgs(args, ReadFileFromDisk);
  if (!parsed.ok()) return Fail(Sv(parsed.status().message()), 2);
  if (parsed->help) {
    std::cout << Usage();
    return 0;
  }
  return Run(parsed->config);
}
