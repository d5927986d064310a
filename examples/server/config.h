// config.h: konfero-server's settings, from command-line flags and an
// optional config file, validated with errors a person can act on.
//
//   absl::StatusOr<ParsedArgs> args = ParseArgs({"--listen", "0.0.0.0:8443",
//       "--config", "/etc/konfero.conf"}, ReadFileFromDisk);
//   if (!args.ok()) { std::cerr << args.status().message(); return 2; }
//   if (args->help) { std::cout << Usage(); return 0; }
//
// The config file holds `key = value` lines with the flag names as keys
// (without the dashes); blank lines and lines starting with '#' are
// ignored. Flags override the file; a key may appear once in the file.
//
// Thread contract: pure functions; file access only through the reader.
#ifndef KONFERO_EXAMPLES_SERVER_CONFIG_H_
#define KONFERO_EXAMPLES_SERVER_CONFIG_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/log.h"

namespace konfero::server {

struct ServerConfig {
  // HTTP(S) and WebSocket listener; port 0 picks a free port.
  std::string listen_host = "127.0.0.1";
  uint16_t listen_port = 8080;
  // Media workers bind here; ports media_port, media_port + 1, ... (0: any).
  std::string media_address = "127.0.0.1";
  uint16_t media_port = 0;
  // The address put in ICE candidates (a server behind NAT); empty: the
  // media address.
  std::string announce;
  // Base of the links the server prints and puts in invitations, e.g.
  // "https://meet.example.com"; empty: derived from the listener.
  std::string public_url;
  std::string data_dir = "./konfero-data";
  std::string dial_in_number;
  int licence_seats = 10;
  // How long a participant whose connection dropped keeps its seat and role
  // for the web client to resume; 0 leaves at once.
  int reconnect_grace_seconds = 20;
  // HTTPS and WSS when both are set.
  std::string tls_cert;
  std::string tls_key;
  std::string web_root;  // empty: the built-in default of the binary
  LogLevel log_level = LogLevel::kInfo;

  bool tls() const { return !tls_cert.empty(); }
  // "http(s)://host:port" without a trailing slash: public_url if set, else
  // from the listener (its port replaced by `bound_port` when non-zero; an
  // unspecified host, 0.0.0.0 or ::, by the announced address or loopback).
  std::string Origin(uint16_t bound_port = 0) const;
};

struct ParsedArgs {
  ServerConfig config;
  bool help = false;
};

using FileReader = std::function<absl::StatusOr<std::string>(const std::string& path)>;

// `args` excludes the program name. Flags: --name value or --name=value.
absl::StatusOr<ParsedArgs> ParseArgs(std::span<const std::string_view> args,
                                     const FileReader& read_file);

// Applies a config file's text on top of `config` (for --config; exposed
// for tests). `name` is used in error messages.
absl::Status ApplyConfigFile(std::string_view name, std::string_view text,
                             ServerConfig& config);

// Reads a whole file; NotFound/PermissionDenied naming the path.
absl::StatusOr<std::string> ReadFileFromDisk(const std::string& path);

std::string Usage();

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_CONFIG_H_
