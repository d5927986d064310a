// config.cc: flag and config file parsing, one setter per setting.
#include "server/config.h"

#include <arpa/inet.h>

#include <array>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include "server/text.h"

namespace konfero::server {
namespace {

bool IsIpv4(std::string_view s) {
  in_addr addr{};
  return inet_pton(AF_INET, std::string(s).c_str(), &addr) == 1;
}

bool IsIpv6(std::string_view s) {
  in6_addr addr{};
  return inet_pton(AF_INET6, std::string(s).c_str(), &addr) == 1;
}

bool IsIp(std::string_view s) { return IsIpv4(s) || IsIpv6(s); }

std::optional<int64_t> ParseInt(std::string_view text, int64_t min, int64_t max) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value < min || value > max) {
    return std::nullopt;
  }
  return value;
}

absl::Status Invalid(std::string_view key, std::string_view why) {
  return absl::InvalidArgumentError(Cat("--", key, ": ", why));
}

absl::Status SetListen(std::string_view value, ServerConfig& c) {
  constexpr std::string_view kWant =
      "expected IP:port, e.g. 127.0.0.1:8080, 0.0.0.0:443 or [::1]:8080";
  std::string_view host;
  std::string_view port;
  if (value.starts_with('[')) {
    const size_t close = value.find("]:");
    if (close == std::string_view::npos) return Invalid("listen", kWant);
    host = value.substr(1, close - 1);
    port = value.substr(close + 2);
    if (!IsIpv6(host)) return Invalid("listen", kWant);
  } else {
    const size_t colon = value.rfind(':');
    if (colon == std::string_view::npos) return Invalid("listen", kWant);
    host = value.substr(0, colon);
    port = value.substr(colon + 1);
    if (!IsIpv4(host)) return Invalid("listen", kWant);
  }
  std::optional<int64_t> number = ParseInt(port, 0, 65535);
  if (!number) return Invalid("listen", "the port must be 0 to 65535 (0: any free port)");
  c.listen_host = std::string(host);
  c.listen_port = static_cast<uint16_t>(*number);
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
  if (!scheme_ok || rest.empty() || rest.find_first_of("/?# ") != std::string_view::npos) {
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

// One setting: its flag name, its help line and how to apply a value.
struct Setting {
  std::string_view name;
  std::string_view arg;
  std::string_view help;
  absl::Status (*apply)(std::string_view value, ServerConfig& c);
};

constexpr std::array<Setting, 15> kSettings = {{
    {"listen", "IP:PORT", "HTTP(S) and WebSocket listener (default 127.0.0.1:8080)",
     [](std::string_view v, ServerConfig& c) { return SetListen(v, c); }},
    {"media-address", "IP", "address the media workers bind (default 127.0.0.1)",
     [](std::string_view v, ServerConfig& c) { return SetIp("media-address", v, c.media_address); }},
    {"media-port", "PORT", "first UDP port of the media workers (default 0: any)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<int64_t> port = ParseInt(v, 0, 65535);
       if (!port) return Invalid("media-port", "expected 0 to 65535");
       c.media_port = static_cast<uint16_t>(*port);
       return absl::OkStatus();
     }},
    {"announce", "IP", "address announced in ICE candidates (default: the media address)",
     [](std::string_view v, ServerConfig& c) { return SetIp("announce", v, c.announce); }},
    {"public-url", "URL", "base of printed and invited links (default: from --listen)",
     [](std::string_view v, ServerConfig& c) { return SetPublicUrl(v, c); }},
    {"data-dir", "DIR", "directory of the SQLite database (default ./konfero-data)",
     [](std::string_view v, ServerConfig& c) {
       if (v.empty()) return Invalid("data-dir", "must not be empty");
       c.data_dir = std::string(v);
       return absl::OkStatus();
     }},
    {"dial-in-number", "NUMBER", "phone number shown in invitations (default: none)",
     [](std::string_view v, ServerConfig& c) { return SetDialIn(v, c); }},
    {"licence-seats", "N", "concurrent browser-guest seats (default 10)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<int64_t> n = ParseInt(v, 0, 100000);
       if (!n) return Invalid("licence-seats", "expected a whole number from 0 to 100000");
       c.licence_seats = static_cast<int>(*n);
       return absl::OkStatus();
     }},
    {"reconnect-grace", "SECONDS",
     "how long a dropped participant keeps its seat to resume (default 20)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<int64_t> n = ParseInt(v, 0, 3600);
       if (!n) return Invalid("reconnect-grace", "expected whole seconds from 0 to 3600");
       c.reconnect_grace_seconds = static_cast<int>(*n);
       return absl::OkStatus();
     }},
    {"tls-cert", "FILE", "PEM certificate chain: serve HTTPS and WSS (with --tls-key)",
     [](std::string_view v, ServerConfig& c) {
       if (v.empty()) return Invalid("tls-cert", "must not be empty");
       c.tls_cert = std::string(v);
       return absl::OkStatus();
     }},
    {"tls-key", "FILE", "PEM private key of --tls-cert",
     [](std::string_view v, ServerConfig& c) {
       if (v.empty()) return Invalid("tls-key", "must not be empty");
       c.tls_key = std::string(v);
       return absl::OkStatus();
     }},
    {"web-root", "DIR", "directory of the web client (default: the bundled one)",
     [](std::string_view v, ServerConfig& c) {
       if (v.empty()) return Invalid("web-root", "must not be empty");
       c.web_root = std::string(v);
       return absl::OkStatus();
     }},
    {"log-level", "LEVEL", "debug, info, warn or error (default info)",
     [](std::string_view v, ServerConfig& c) {
       std::optional<LogLevel> level = ParseLogLevel(v);
       if (!level) return Invalid("log-level", "expected debug, info, warn or error");
       c.log_level = *level;
       return absl::OkStatus();
     }},
    {"config", "FILE", "read settings from FILE (key = value lines); flags override it",
     nullptr},
    {"help", "", "print this help and exit", nullptr},
}};

const Setting* FindSetting(std::string_view name) {
  for (const Setting& s : kSettings) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

absl::Status Validate(const ServerConfig& c) {
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert and --tls-key go together: give both for HTTPS, or neither");
  }
  return absl::OkStatus();
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
    if (auto [it, fresh] = seen.emplace(key, line_number); !fresh) {
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
      return absl::InvalidArgumentError(
          Cat("unexpected argument \"", arg, "\" (flags start with --; see --help)"));
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
  for (const auto& [setting, value] : flags) {
    if (absl::Status s = setting->apply(value, parsed.config); !s.ok()) return s;
  }
  if (absl::Status s = Validate(parsed.config); !s.ok()) return s;
  return parsed;
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
    if (flag.size() < 26) flag.resize(26, ' ');
    out += Cat(flag, " ", s.help, "\n");
  }
  return out;
}

}  // namespace konfero::server
