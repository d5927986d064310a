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
// ignored. Flags override the file. A key may appear once in the file,
// except the repeatable ones (sip-number, sip-trunk, sip-register,
// allowed-origin), which
// add an entry per line or flag; given as flags, they replace the file's.
//
// Phone dial-in is on when --sip-listen or --sip-tls-listen is set;
// DialInOptionsOf turns the SIP settings into the DialInService's options.
//
// Thread contract: pure functions; file access only through the reader.
#ifndef KONFERO_EXAMPLES_SERVER_CONFIG_H_
#define KONFERO_EXAMPLES_SERVER_CONFIG_H_

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "konfero/dial_in.h"
#include "konfero/prompts.h"
#include "server/log.h"
#include "server/sip_config.h"

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
  // Browser guests at once per source address and per room (0: no cap);
  // chat older than the retention is deleted (0: kept forever). See
  // RoomServiceOptions.
  int max_guests_per_address = 20;
  int max_guests_per_room = 100;
  int chat_retention_days = 30;
  // Open HTTP and WebSocket connections, in all (lowered to fit the
  // open-file limit, fd_limit.h) and from one source address.
  int max_connections = 2048;
  int max_connections_per_address = 100;
  // How long a participant whose connection dropped keeps its seat and role
  // for the web client to resume; 0 leaves at once.
  int reconnect_grace_seconds = 20;
  // HTTPS and WSS when both are set.
  std::string tls_cert;
  std::string tls_key;
  std::string web_root;  // empty: the built-in default of the binary
  LogLevel log_level = LogLevel::kInfo;
  // The engine's plain-RTP ports (phone calls); 0 and 0: any.
  uint16_t rtp_port_min = 0;
  uint16_t rtp_port_max = 0;

  // Phone dial-in (SIP); on when sip_listen or sip_tls_listen is set.
  std::string sip_listen;      // "IP:PORT", UDP and TCP
  std::string sip_tls_listen;  // "IP:PORT", TLS
  std::string sip_tls_cert;    // empty: tls_cert
  std::string sip_tls_key;     // empty: tls_key
  std::vector<SipNumberConfig> sip_numbers;  // empty: dial_in_number, all public rooms
  PromptLanguage sip_language = PromptLanguage::kEnglish;
  std::vector<std::string> sip_allow;  // CIDRs of the trunk "default"
  std::vector<SipTrunk> sip_trunks;
  std::vector<SipRegistration> sip_registrations;
  int sip_pin_timeout_seconds = 20;

  // Page origins besides Origin() whose scripts may open the signalling
  // WebSocket (normalised, http_security.h).
  std::vector<std::string> allowed_origins;
  // The bearer token that lets clients other than loopback read /metrics;
  // empty: /metrics for loopback only. ParseArgs reads it from
  // metrics_token_file when that is given.
  std::string metrics_token;
  std::string metrics_token_file;

  bool tls() const { return !tls_cert.empty(); }
  bool sip() const { return !sip_listen.empty() || !sip_tls_listen.empty(); }
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

// The DialInService's options from a validated config with sip() on: the
// numbers (the --dial-in-number for all public rooms when no --sip-number
// is given), the trunk "default" of --sip-allow then the --sip-trunk ones,
// the TLS files (falling back to --tls-cert/--tls-key). `executor` is left
// null for the caller to set.
DialInOptions DialInOptionsOf(const ServerConfig& config);

// Reads a whole file; NotFound/PermissionDenied naming the path.
absl::StatusOr<std::string> ReadFileFromDisk(const std::string& path);

std::string Usage();

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_CONFIG_H_
