// load_options.h: the command line of konfero_load, parsed and checked.
//
//   absl::StatusOr<LoadOptions> options = ParseLoadOptions(args);
//   if (!options.ok()) { print options.status(); exit 2; }
//   if (options->help) { print LoadUsage(); exit 0; }
//
// Every flag is --name VALUE or --name=VALUE; LoadUsage() documents each.
// The server address must be a loopback literal (127.0.0.0/8 or [::1]) or
// "localhost": the generator never sends a packet off the machine.
//
// Thread contract: plain values and pure functions.
#ifndef KONFERO_BENCH_LOAD_LOAD_OPTIONS_H_
#define KONFERO_BENCH_LOAD_LOAD_OPTIONS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace konfero::load {

struct LoadOptions {
  bool help = false;
  // The server, as given and as resolved: a loopback IP literal and port.
  std::string server_url = "http://127.0.0.1:8080";
  std::string server_host = "127.0.0.1";
  uint16_t server_port = 8080;

  int rooms = 4;
  int participants_per_room = 10;  // the moderator included
  double talkers = 0.2;            // share of each room that talks, 0..1
  int video_kbps = 0;              // per participant; 0: audio only
  int video_tiles = 2;             // receive-only video sections when video is on

  absl::Duration duration = absl::Seconds(60);
  absl::Duration churn_interval = absl::Seconds(5);  // between two guests leaving; 0: none
  absl::Duration rejoin_delay = absl::Seconds(2);
  absl::Duration chat_interval = absl::Seconds(5);   // per participant; 0: no chat
  double join_rate = 20;                             // initial joins started per second

  int server_pid = 0;  // 0: no CPU, RSS or fd sampling
  absl::Duration sample_interval = absl::Seconds(5);
  std::string admin_login = "admin";
  std::string admin_password;
  std::string json_out;

  // Checks.
  double max_drift = 0.05;
  std::vector<std::string> drift_checks = {"rss", "fds", "tick_cpu_p99"};
  absl::Duration drift_window = absl::ZeroDuration();  // 0: automatic
  double max_loss = 0.02;
  double min_energy_share = 0.9;
};

// Parses argv[1..]. InvalidArgument naming the flag for anything wrong;
// `help` set (and nothing else checked) for --help or -h.
absl::StatusOr<LoadOptions> ParseLoadOptions(std::span<const std::string_view> args);

// The --help text.
std::string LoadUsage();

// "http://HOST:PORT" with HOST a loopback literal or localhost; the port
// defaults to 80. InvalidArgument otherwise (also for https: the generator
// speaks plain HTTP only).
absl::Status ParseServerUrl(std::string_view url, std::string& host, uint16_t& port);

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_LOAD_OPTIONS_H_
