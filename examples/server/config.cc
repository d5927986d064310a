// config.cc: flag and config file parsing, one setter per setting (the
// shared value checks and the final consistency check: config_values.cc).
#include "server/config.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "server/config_values.h"
#include "server/http_security.h"
#include "server/text.h"

namespace konfero::server {
namespace {

using config_internal::Digits;
using config_internal::Invalid;
using config_internal::IsIp;
using config_internal::IsIpv4;
using config_internal::IsIpv6;
using config_internal::kDefaultTrunk;
using config_internal::ParseInt;
using config_internal::ValidateConfig;

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

absl::StatusOr<HostPort> ParseHostPort(std::string_view key, std::string_view value,
                                       std::string_view example) {
  const std::string want =
      Cat("expected IP:port, e.g. ", example, " or [::1]:", example.substr(example.rfind(':') + 1));
  std::string_view host;
  std::string_view port;
  if (value.starts_with('[')) {
    const size_t close = value.find("]:");
    if (close == std::string_view::npos) return Invalid(key, want);
    host = value.substr(1, close - 1);
    port = value.substr(close + 2);
    if (!IsIpv6(host)) return Invalid(key, want);
  } else {
    const size_t colon = value.rfind(':');
    if (colon == std::string_view::npos) return Invalid(key, want);
    host = value.substr(0, colon);
    port = value.substr(colon + 1);
    if (!IsIpv4(host)) return Invalid(key, want);
  }
  std::optional<int64_t> number = ParseInt(port, 0, 65535);
  if (!number) return Invalid(key, "the port must be 0 to 65535 (0: any free port)");
  return HostPort{std::string(host), static_cast<uint16_t>(*number)};
}

absl::Status SetListen(std::string_view value, ServerConfig& c) {
  absl::StatusOr<HostPort> parsed =
      ParseHostPort("listen", value, "127.0.0.1:8080, 0.0.0.0:443");
  if (!parsed.ok()) return parsed.status();
  c.listen_host = parsed->host;
  c.listen_port = parsed->port;
  return absl::OkStatus();
}

// A SIP listener, kept as "IP:PORT" (IPv6 in brackets).
absl::Status SetSipListen(std::string_view key, std::string_view value, std::string& out) {
  absl::StatusOr<HostPort> parsed = ParseHostPort(key, value, "0.0.0.0:5060");
  if (!parsed.ok()) return parsed.status();
  out = IsIpv6(parsed->host) ? Cat("[", parsed->host, "]:", parsed->port)
                             : Cat(parsed->host, ":", parsed->port);
  return absl::OkStatus();
}

absl::Status SetRtpPorts(std::string_view value, ServerConfig& c) {
  const size_t dash = value.find('-');
  std::optional<int64_t> min =
      dash == std::string_view::npos ? std::nullopt : ParseInt(value.substr(0, dash), 1, 65535);
  std::optional<int64_t> max =
      dash == std::string_view::npos ? std::nullopt : ParseInt(value.substr(dash + 1), 1, 65535);
  if (!min || !max || *max <= *min) {
    return Invalid("rtp-ports",
                   "expected MIN-MAX, two ports from 1 to 65535 with MIN below MAX, e.g. "
                   "40000-40999 (a call takes an even port and the next)");
  }
  c.rtp_port_min = static_cast<uint16_t>(*min);
  c.rtp_port_max = static_cast<uint16_t>(*max);
  return absl::OkStatus();
}

absl::Status SetNonEmpty(std::string_view key, std::string_view value, std::string& out) {
  if (value.empty()) return Invalid(key, "must not be empty");
  out = std::string(value);
  return absl::OkStatus();
}

absl::Status SetIp(std::string_view key, std::string_view value, std::string& out) {
  if (!IsIp(value)) {
    return Invalid(key, "expected an IPv4 or IPv6 address, e.g. 192.0.2.10 or 2001:db8::10");
  }
  out = std::string(value);
  return absl::OkStatus();
}

absl::Status SetPublicUrl(std::string_view value, ServerConfig& c) {
  std::string_view url = value;
  while (url.ends_with('/')) url.remove_suffix(1);
  const bool scheme_ok = url.starts_with("http://") || url.starts_with("https://");
  const std::string_view rest = url.substr(url.find("//") + 2);
  if (!scheme_ok || rest.empty() || rest.find_first_of("/?# ") != std::string_view::npos ||
      !NormalizeOrigin(url)) {
    return Invalid("public-url",
                   "expected http(s)://host[:port] with no path, e.g. https://meet.example.com");
  }
  c.public_url = std::string(url);
  return absl::OkStatus();
}

absl::Status SetDialIn(std::string_view value, ServerConfig& c) {
  if (value.size() > 32 ||
      value.find_first_not_of("0123456789+-()/ ") != std::string_view::npos) {
    return Invalid("dial-in-number",
                   "up to 32 characters of digits, spaces and + - ( ) /, e.g. \"+49 30 1234567\"");
  }
  c.dial_in_number = std::string(value);
  return absl::OkStatus();
}

absl::Status AddAllowedOrigin(std::string_view value, ServerConfig& c) {
  std::optional<std::string> origin = NormalizeOrigin(value);
  if (!origin) {
    return Invalid("allowed-origin",
                   "expected http(s)://host[:port] with no path, e.g. https://intranet.example.com");
  }
  c.allowed_origins.push_back(*std::move(origin));
  return absl::OkStatus();
}

// A bearer token (RFC 6750 b64token) long enough not to be guessed. The
// message never shows the value.
absl::Status SetMetricsToken(std::string_view key, std::string_view value, ServerConfig& c) {
  const size_t body = value.find_last_not_of('=') + 1;
  const bool charset_ok =
      !value.empty() && value.substr(0, body).find_first_not_of(
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/") ==
                            std::string_view::npos;
  if (!charset_ok || body < 16 || value.size() > 512) {
    return Invalid(key,
                   "the metrics token must be 16 to 512 letters, digits and -._~+/ (then '=' "
                   "padding), e.g. from `openssl rand -hex 32`");
  }
  c.metrics_token = std::string(value);
  return absl::OkStatus();
}

// --metrics-token-file: the token is the file's text without surrounding
// white space.
absl::Status LoadMetricsToken(const FileReader& read_file, ServerConfig& c) {
  if (c.metrics_token_file.empty()) return absl::OkStatus();
  if (!c.metrics_token.empty()) {
    return absl::InvalidArgumentError(
        "--metrics-token and --metrics-token-file: give one of them, not both");
  }
  absl::StatusOr<std::string> text = read_file(c.metrics_token_file);
  if (!text.ok()) return Invalid("metrics-token-file", Sv(text.status().message()));
  return SetMetricsToken(Cat("metrics-token-file ", c.metrics_token_file), Trim(*text), c);
}

// One setting: its flag name, its help line and how to apply a value. A
// repeatable setting adds an entry per value; `clear` empties its list
// (flags replace the config file's entries).
struct Setting {
  std::string_view name;
  std::string_view arg;
  std::string_view help;
  absl::Status (*apply)(std::string_view value, ServerConfig& c);
  void (*clear)(ServerConfig& c);
  bool repeatable() const { return clear != nullptr; }
};

constexpr std::array<Setting, 34> kSettings = {{
    {"listen", "IP:PORT", "HTTP(S) and WebSocket listener (default 127.0.0.1:8080)",
     [](std::string_view v, ServerConfig& c) { return SetListen(v, c); }, nullptr},
    {"media-address", "IP", "address the media workers bind (default 127.0.0.1)",
     [](std::string_view v, ServerConfig& c) { return SetIp("media-address", v, c.media_address); }, nullptr},
    {"media-port", "PORT", "first UDP port of the media workers (default 0: any)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<int64_t> port = ParseInt(v, 0, 65535);
       if (!port) return Invalid("media-port", "expected 0 to 65535");
       c.media_port = static_cast<uint16_t>(*port);
       return absl::OkStatus();
     }, nullptr},
    {"announce", "IP", "address announced in ICE candidates (default: the media address)",
     [](std::string_view v, ServerConfig& c) { return SetIp("announce", v, c.announce); }, nullptr},
    {"public-url", "URL", "base of printed and invited links (default: from --listen)",
     [](std::string_view v, ServerConfig& c) { return SetPublicUrl(v, c); }, nullptr},
    {"data-dir", "DIR", "directory of the SQLite database (default ./konfero-data)",
     [](std::string_view v, ServerConfig& c) {
       if (v.empty()) return Invalid("data-dir", "must not be empty");
       c.data_dir = std::string(v);
       return absl::OkStatus();
     }, nullptr},
    {"dial-in-number", "NUMBER",
     "phone number shown in invitations; the SIP dial-in number when no --sip-number",
     [](std::string_view v, ServerConfig& c) { return SetDialIn(v, c); }, nullptr},
    {"licence-seats", "N", "concurrent browser-guest seats (default 10)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<int64_t> n = ParseInt(v, 0, 100000);
       if (!n) return Invalid("licence-seats", "expected a whole number from 0 to 100000");
       c.licence_seats = static_cast<int>(*n);
       return absl::OkStatus();
     }, nullptr},
    {"max-guests-per-address", "N",
     "browser guests at once from one source address, an IPv6 /64 counting as one "
     "(default 20; 0: no cap)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<int64_t> n = ParseInt(v, 0, 100000);
       if (!n) return Invalid("max-guests-per-address", "expected a whole number from 0 to 100000");
       c.max_guests_per_address = static_cast<int>(*n);
       return absl::OkStatus();
     }, nullptr},
    {"max-guests-per-room", "N", "browser guests at once in one room (default 100; 0: no cap)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<int64_t> n = ParseInt(v, 0, 100000);
       if (!n) return Invalid("max-guests-per-room", "expected a whole number from 0 to 100000");
       c.max_guests_per_room = static_cast<int>(*n);
       return absl::OkStatus();
     }, nullptr},
    {"chat-retention-days", "DAYS",
     "chat messages older than this are deleted, at start and hourly (default 30; 0: keep "
     "forever)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<int64_t> n = ParseInt(v, 0, 36500);
       if (!n) return Invalid("chat-retention-days", "expected whole days from 0 to 36500");
       c.chat_retention_days = static_cast<int>(*n);
       return absl::OkStatus();
     }, nullptr},
    {"max-connections", "N",
     "open HTTP and WebSocket connections in all (default 2048; lowered to fit the "
     "open-file limit)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<int64_t> n = ParseInt(v, 1, 1000000);
       if (!n) return Invalid("max-connections", "expected a whole number from 1 to 1000000");
       c.max_connections = static_cast<int>(*n);
       return absl::OkStatus();
     }, nullptr},
    {"max-connections-per-address", "N",
     "open connections from one source address (default 100)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<int64_t> n = ParseInt(v, 1, 1000000);
       if (!n) {
         return Invalid("max-connections-per-address", "expected a whole number from 1 to 1000000");
       }
       c.max_connections_per_address = static_cast<int>(*n);
       return absl::OkStatus();
     }, nullptr},
    {"reconnect-grace", "SECONDS",
     "how long a dropped participant keeps its seat to resume (default 20)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<int64_t> n = ParseInt(v, 0, 3600);
       if (!n) return Invalid("reconnect-grace", "expected whole seconds from 0 to 3600");
       c.reconnect_grace_seconds = static_cast<int>(*n);
       return absl::OkStatus();
     }, nullptr},
    {"tls-cert", "FILE", "PEM certificate chain: serve HTTPS and WSS (with --tls-key)",
     [](std::string_view v, ServerConfig& c) {
       if (v.empty()) return Invalid("tls-cert", "must not be empty");
       c.tls_cert = std::string(v);
       return absl::OkStatus();
     }, nullptr},
    {"tls-key", "FILE", "PEM private key of --tls-cert",
     [](std::string_view v, ServerConfig& c) {
       if (v.empty()) return Invalid("tls-key", "must not be empty");
       c.tls_key = std::string(v);
       return absl::OkStatus();
     }, nullptr},
    {"web-root", "DIR", "directory of the web client (default: the bundled one)",
     [](std::string_view v, ServerConfig& c) {
       if (v.empty()) return Invalid("web-root", "must not be empty");
       c.web_root = std::string(v);
       return absl::OkStatus();
     }, nullptr},
    {"log-level", "LEVEL", "debug, info, warn or error (default info)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<LogLevel> level = ParseLogLevel(v);
       if (!level) return Invalid("log-level", "expected debug, info, warn or error");
       c.log_level = *level;
       return absl::OkStatus();
     }, nullptr},
    {"rtp-ports", "MIN-MAX", "UDP ports of phone calls' RTP, e.g. 40000-40999 (default: any)",
     [](std::string_view v, ServerConfig& c) { return SetRtpPorts(v, c); }, nullptr},
    {"sip-listen", "IP:PORT",
     "phone dial-in: SIP over UDP and TCP on this port (port 0: any; default: off)",
     [](std::string_view v, ServerConfig& c) { return SetSipListen("sip-listen", v, c.sip_listen); },
     nullptr},
    {"sip-tls-listen", "IP:PORT", "phone dial-in: SIP over TLS (default: off)",
     [](std::string_view v, ServerConfig& c) {
       return SetSipListen("sip-tls-listen", v, c.sip_tls_listen);
     },
     nullptr},
    {"sip-tls-cert", "FILE", "PEM certificate of --sip-tls-listen (default: --tls-cert)",
     [](std::string_view v, ServerConfig& c) { return SetNonEmpty("sip-tls-cert", v, c.sip_tls_cert); },
     nullptr},
    {"sip-tls-key", "FILE", "PEM private key of --sip-tls-cert (default: --tls-key)",
     [](std::string_view v, ServerConfig& c) { return SetNonEmpty("sip-tls-key", v, c.sip_tls_key); },
     nullptr},
    {"sip-number", "NUMBER[;room=ID][;lang=en|de]",
     "a dial-in number (repeatable): with room= that room, else every public room (the PIN "
     "picks it); lang= its prompts (default --sip-language). None: --dial-in-number",
     [](std::string_view v, ServerConfig& c) {
       absl::StatusOr<SipNumberConfig> number = ParseSipNumber(v);
       if (!number.ok()) return number.status();
       c.sip_numbers.push_back(*std::move(number));
       return absl::OkStatus();
     },
     [](ServerConfig& c) { c.sip_numbers.clear(); }},
    {"sip-language", "en|de", "language of the phone prompts (default en)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<PromptLanguage> language = ParsePromptLanguage(v);
       if (!language) return Invalid("sip-language", "expected en or de");
       c.sip_language = *language;
       return absl::OkStatus();
     },
     nullptr},
    {"sip-allow", "CIDR[,CIDR...]",
     "sources allowed to send INVITEs (a trunk named \"default\"). Without --sip-allow and "
     "--sip-trunk, INVITEs from any source are accepted: the PIN is the only gate",
     [](std::string_view v, ServerConfig& c) {
       absl::StatusOr<std::vector<std::string>> allow = ParseCidrList("sip-allow", v);
       if (!allow.ok()) return allow.status();
       c.sip_allow = *std::move(allow);
       return absl::OkStatus();
     },
     nullptr},
    {"sip-trunk", "NAME;allow=CIDR[,CIDR];realm=R;user=U;password=P",
     "a PBX or provider that sends INVITEs (repeatable); realm/user/password (digest) optional",
     [](std::string_view v, ServerConfig& c) {
       absl::StatusOr<SipTrunk> trunk = ParseSipTrunk(v);
       if (!trunk.ok()) return trunk.status();
       c.sip_trunks.push_back(*std::move(trunk));
       return absl::OkStatus();
     },
     [](ServerConfig& c) { c.sip_trunks.clear(); }},
    {"sip-register", "SIP-URI;user=U;password=P[;expires=SECONDS][;number=N]",
     "register to a provider account (repeatable), e.g. "
     "sip:alice@provider.example;user=alice;password=...",
     [](std::string_view v, ServerConfig& c) {
       absl::StatusOr<SipRegistration> registration = ParseSipRegistration(v);
       if (!registration.ok()) return registration.status();
       c.sip_registrations.push_back(*std::move(registration));
       return absl::OkStatus();
     },
     [](ServerConfig& c) { c.sip_registrations.clear(); }},
    {"sip-pin-timeout", "SECONDS",
     "silence before the PIN reminder, and again before goodbye (1 to 300, default 20)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<int64_t> n = ParseInt(v, 1, 300);
       if (!n) return Invalid("sip-pin-timeout", "expected whole seconds from 1 to 300");
       c.sip_pin_timeout_seconds = static_cast<int>(*n);
       return absl::OkStatus();
     },
     nullptr},
    {"allowed-origin", "URL",
     "another web origin whose pages may open the signalling WebSocket (repeatable), e.g. "
     "https://intranet.example.com; the server's own origin (the banner's) always may",
     [](std::string_view v, ServerConfig& c) { return AddAllowedOrigin(v, c); },
     [](ServerConfig& c) { c.allowed_origins.clear(); }},
    {"metrics-token", "TOKEN",
     "bearer token with which clients other than loopback may read /metrics (default: none: "
     "/metrics for loopback only); a flag shows in ps, so prefer --metrics-token-file",
     [](std::string_view v, ServerConfig& c) { return SetMetricsToken("metrics-token", v, c); },
     nullptr},
    {"metrics-token-file", "FILE",
     "file holding the bearer token of /metrics (instead of --metrics-token)",
     [](std::string_view v, ServerConfig& c) {
       return SetNonEmpty("metrics-token-file", v, c.metrics_token_file);
     },
     nullptr},
    {"config", "FILE", "read settings from FILE (key = value lines); flags override it",
     nullptr, nullptr},
    {"help", "", "print this help and exit", nullptr, nullptr},
}};

const Setting* FindSetting(std::string_view name) {
  for (const Setting& s : kSettings) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace

std::string ServerConfig::Origin(uint16_t bound_port) const {
  if (!public_url.empty()) return public_url;
  std::string host = listen_host;
  if (host == "0.0.0.0" || host == "::") host = announce.empty() ? "127.0.0.1" : announce;
  if (IsIpv6(host)) host = Cat("[", host, "]");
  const uint16_t port = bound_port != 0 ? bound_port : listen_port;
  return Cat(tls() ? "https://" : "http://", host, ":", port);
}

absl::Status ApplyConfigFile(std::string_view name, std::string_view text,
                             ServerConfig& config) {
  std::map<std::string, int, std::less<>> seen;
  int line_number = 0;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    std::string_view line = Trim(text.substr(0, newline));
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++line_number;
    if (line.empty() || line.starts_with('#')) continue;
    const std::string where = Cat(name, " line ", line_number, ": ");
    const size_t eq = line.find('=');
    if (eq == std::string_view::npos) {
      return absl::InvalidArgumentError(Cat(where, "expected \"key = value\""));
    }
    const std::string_view key = Trim(line.substr(0, eq));
    const std::string_view value = Trim(line.substr(eq + 1));
    const Setting* setting = FindSetting(key);
    if (setting == nullptr || setting->apply == nullptr) {
      return absl::InvalidArgumentError(
          Cat(where, "unknown key \"", key, "\" (the keys are the flag names of --help)"));
    }
    if (auto [it, fresh] = seen.emplace(key, line_number); !fresh && !setting->repeatable()) {
      return absl::InvalidArgumentError(
          Cat(where, "\"", key, "\" was already set on line ", it->second));
    }
    if (absl::Status s = setting->apply(value, config); !s.ok()) {
      return absl::InvalidArgumentError(Cat(where, s.message()));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ParsedArgs> ParseArgs(std::span<const std::string_view> args,
                                     const FileReader& read_file) {
  // Split into (name, value) pairs first, so that --config is applied
  // before the flags wherever it stands.
  std::vector<std::pair<const Setting*, std::string_view>> flags;
  ParsedArgs parsed;
  std::optional<std::string_view> config_file;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!arg.starts_with("--")) {
      // Not quoted if it could be a misplaced secret.
      const bool secret = arg.find("password") != std::string_view::npos;
      return absl::InvalidArgumentError(Cat("unexpected argument ",
                                            secret ? "" : Cat("\"", arg, "\" "),
                                            "(flags start with --; see --help)"));
    }
    arg.remove_prefix(2);
    std::optional<std::string_view> value;
    if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    const Setting* setting = FindSetting(arg);
    if (setting == nullptr) {
      return absl::InvalidArgumentError(Cat("unknown flag --", arg, " (see --help)"));
    }
    if (setting->name == "help") {
      if (value) return absl::InvalidArgumentError("--help takes no value");
      parsed.help = true;
      continue;
    }
    if (!value) {
      if (i + 1 >= args.size()) {
        return absl::InvalidArgumentError(
            Cat("--", arg, " needs a value: --", arg, " ", setting->arg));
      }
      value = args[++i];
    }
    if (setting->name == "config") {
      if (config_file) return absl::InvalidArgumentError("--config may be given once");
      config_file = *value;
    } else {
      flags.emplace_back(setting, *value);
    }
  }
  if (parsed.help) return parsed;

  if (config_file) {
    absl::StatusOr<std::string> text = read_file(std::string(*config_file));
    if (!text.ok()) return text.status();
    if (absl::Status s = ApplyConfigFile(*config_file, *text, parsed.config); !s.ok()) return s;
  }
  std::set<const Setting*> replaced;  // repeatable settings whose file entries the flags replace
  for (const auto& [setting, value] : flags) {
    if (setting->repeatable() && replaced.insert(setting).second) setting->clear(parsed.config);
    if (absl::Status s = setting->apply(value, parsed.config); !s.ok()) return s;
  }
  if (absl::Status s = LoadMetricsToken(read_file, parsed.config); !s.ok()) return s;
  if (absl::Status s = ValidateConfig(parsed.config); !s.ok()) return s;
  return parsed;
}

DialInOptions DialInOptionsOf(const ServerConfig& c) {
  DialInOptions o;
  o.listen = c.sip_listen;
  o.tls_listen = c.sip_tls_listen;
  if (!c.sip_tls_listen.empty()) {
    o.tls_cert_file = c.sip_tls_cert.empty() ? c.tls_cert : c.sip_tls_cert;
    o.tls_key_file = c.sip_tls_key.empty() ? c.tls_key : c.sip_tls_key;
  }
  for (const SipNumberConfig& n : c.sip_numbers) {
    o.numbers.push_back(DialInNumber{.number = n.number,
                                     .room = n.room,
                                     .language = n.language.value_or(c.sip_language)});
  }
  if (c.sip_numbers.empty() && !c.dial_in_number.empty()) {
    o.numbers.push_back(DialInNumber{.number = c.dial_in_number,
                                     .room = std::nullopt,
                                     .language = c.sip_language});
  }
  if (!c.sip_allow.empty()) {
    SipTrunk trunk;
    trunk.name = std::string(kDefaultTrunk);
    trunk.allow = c.sip_allow;
    o.trunks.push_back(std::move(trunk));
  }
  o.trunks.insert(o.trunks.end(), c.sip_trunks.begin(), c.sip_trunks.end());
  o.registrations = c.sip_registrations;
  o.pin_timeout = absl::Seconds(c.sip_pin_timeout_seconds);
  return o;
}

absl::StatusOr<std::string> ReadFileFromDisk(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::NotFoundError(Cat("cannot read ", path, ": no such file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::PermissionDeniedError(Cat("cannot read ", path));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string Usage() {
  std::string out =
      "Usage: konfero-server [flags]\n"
      "The konfero conference server: web client, REST API, signalling and media.\n\n";
  for (const Setting& s : kSettings) {
    std::string flag = Cat("  --", s.name, s.arg.empty() ? "" : " ", s.arg);
    if (flag.size() > 26) flag += Cat("\n", std::string(26, ' '));
    if (flag.size() < 26) flag.resize(26, ' ');
    out += Cat(flag, " ", s.help, "\n");
  }
  return out;
}

}  // namespace konfero::server
