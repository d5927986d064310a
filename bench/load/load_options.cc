// load_options.cc: the flag table of konfero_load, one setter per flag.
#include "load/load_options.h"

#include <arpa/inet.h>

#include <charconv>
#include <fstream>
#include <functional>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/absl_compat.h"

namespace konfero::load {
namespace {

absl::Status Invalid(std::string_view flag, std::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("--", Sv(flag), ": ", Sv(why)));
}

absl::Status SetInt(std::string_view flag, std::string_view v, int min, int max, int& out) {
  int value = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
  if (v.empty() || ec != std::errc() || ptr != v.data() + v.size() || value < min ||
      value > max) {
    return Invalid(flag, absl::StrCat("expected a whole number from ", min, " to ", max));
  }
  out = value;
  return absl::OkStatus();
}

absl::Status SetDouble(std::string_view flag, std::string_view v, double min, double max,
                       double& out) {
  std::istringstream in{std::string(v)};
  double value = 0;
  if (!(in >> value) || !in.eof() || value < min || value > max) {
    return Invalid(flag, absl::StrCat("expected a number from ", min, " to ", max));
  }
  out = value;
  return absl::OkStatus();
}

// "90" (seconds), or an absl duration: "90s", "5m", "1h", "500ms".
absl::Status SetDuration(std::string_view flag, std::string_view v, absl::Duration max,
                         absl::Duration& out) {
  absl::Duration d;
  double seconds = 0;
  std::istringstream in{std::string(v)};
  if (in >> seconds && in.eof()) {
    d = absl::Seconds(seconds);
  } else if (!absl::ParseDuration(Sv(v), &d)) {
    return Invalid(flag, "expected seconds or a duration such as 90s, 5m, 1h");
  }
  if (d < absl::ZeroDuration() || d > max) {
    return Invalid(flag, absl::StrCat("must be from 0 to ", absl::FormatDuration(max)));
  }
  out = d;
  return absl::OkStatus();
}

absl::Status SetPasswordFile(std::string_view v, std::string& out) {
  std::ifstream file{std::string(v)};
  std::string line;
  if (!file || !std::getline(file, line)) {
    return Invalid("admin-password-file", "cannot read its first line");
  }
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  out = line;
  return absl::OkStatus();
}

absl::Status SetDriftChecks(std::string_view v, std::vector<std::string>& out) {
  out.clear();
  if (v == "none") return absl::OkStatus();
  for (absl::string_view item : absl::StrSplit(Sv(v), ',', absl::SkipEmpty())) {
    if (item != "rss" && item != "fds" && item != "tick_p99" && item != "tick_cpu_p99" &&
        item != "cpu") {
      return Invalid("drift-checks",
                     "expected a comma list of rss, fds, tick_p99, tick_cpu_p99, cpu, or none");
    }
    out.emplace_back(item);
  }
  return absl::OkStatus();
}

// Sets a flag's value: (flag name, value, options).
using Setter = std::function<absl::Status(std::string_view, std::string_view, LoadOptions&)>;

Setter Int(int min, int max, int LoadOptions::*field) {
  return [=](std::string_view flag, std::string_view v, LoadOptions& o) {
    return SetInt(flag, v, min, max, o.*field);
  };
}

Setter Double(double min, double max, double LoadOptions::*field) {
  return [=](std::string_view flag, std::string_view v, LoadOptions& o) {
    return SetDouble(flag, v, min, max, o.*field);
  };
}

Setter Duration(absl::Duration max, absl::Duration LoadOptions::*field) {
  return [=](std::string_view flag, std::string_view v, LoadOptions& o) {
    return SetDuration(flag, v, max, o.*field);
  };
}

Setter String(std::string LoadOptions::*field) {
  return [=](std::string_view, std::string_view v, LoadOptions& o) {
    o.*field = std::string(v);
    return absl::OkStatus();
  };
}

struct Flag {
  std::string_view name;
  std::string_view value;  // what the value is, for the usage text
  std::string_view help;
  Setter set;
};

const std::vector<Flag>& Flags() {
  static const std::vector<Flag> flags = {
      {"server-url", "URL",
       "the server, http://HOST:PORT with a loopback HOST (127.0.0.0/8, [::1], localhost); "
       "default http://127.0.0.1:8080",
       [](std::string_view, std::string_view v, LoadOptions& o) {
         o.server_url = std::string(v);
         return ParseServerUrl(v, o.server_host, o.server_port);
       }},
      {"rooms", "N", "rooms to create (public, one moderator user each); default 4",
       Int(1, 500, &LoadOptions::rooms)},
      {"participants-per-room", "N",
       "participants in each room, its moderator included; default 10",
       Int(1, 500, &LoadOptions::participants_per_room)},
      {"talkers", "SHARE",
       "share 0..1 of each room that talks (a tone, 2.5 s on, 1.5 s off); the moderator talks "
       "first; the rest send Opus silence with level 127; default 0.2",
       Double(0, 1, &LoadOptions::talkers)},
      {"video-kbps", "KBPS",
       "each participant also publishes a dummy VP8 camera at this bitrate and receives "
       "--video-tiles tiles; 0 (default): audio only",
       Int(0, 5000, &LoadOptions::video_kbps)},
      {"video-tiles", "N", "receive-only video sections per participant with video; default 2",
       Int(0, 16, &LoadOptions::video_tiles)},
      {"duration", "TIME",
       "how long the load runs once started (then everyone leaves and the run ends); "
       "seconds or 90s, 5m, 1h; default 60s",
       Duration(absl::Hours(24), &LoadOptions::duration)},
      {"churn-interval", "TIME",
       "one guest leaves every TIME (a random one, round the rooms) and rejoins "
       "--rejoin-delay later with a new socket and peer; 0: no churn; default 5s",
       Duration(absl::Hours(1), &LoadOptions::churn_interval)},
      {"rejoin-delay", "TIME", "pause between a churned guest's leave and its rejoin; default 2s",
       Duration(absl::Minutes(10), &LoadOptions::rejoin_delay)},
      {"chat-interval", "TIME",
       "every participant posts a chat message every TIME (+-20 %); each must reach everyone "
       "in the room; 0: no chat; default 5s",
       Duration(absl::Hours(1), &LoadOptions::chat_interval)},
      {"join-rate", "PER_SECOND", "initial joins started per second; default 20",
       Double(0.1, 1000, &LoadOptions::join_rate)},
      {"server-pid", "PID",
       "the server's process id: its CPU time, RSS and open descriptors are sampled from "
       "/proc; 0 (default): not sampled",
       Int(0, 1 << 30, &LoadOptions::server_pid)},
      {"sample-interval", "TIME", "how often the server is sampled (/proc, /metrics); default 5s",
       [](std::string_view flag, std::string_view v, LoadOptions& o) {
         absl::Status s = SetDuration(flag, v, absl::Minutes(10), o.sample_interval);
         if (s.ok() && o.sample_interval < absl::Milliseconds(500)) {
           return Invalid(flag, "at least 500ms");
         }
         return s;
       }},
      {"admin-login", "LOGIN", "the admin who creates the load's users and rooms; default admin",
       String(&LoadOptions::admin_login)},
      {"admin-password", "PASSWORD",
       "that admin's password (visible in ps: prefer --admin-password-file)",
       String(&LoadOptions::admin_password)},
      {"admin-password-file", "FILE", "reads the admin's password from the file's first line",
       [](std::string_view, std::string_view v, LoadOptions& o) {
         return SetPasswordFile(v, o.admin_password);
       }},
      {"json-out", "FILE", "writes the machine-readable summary (JSON) there",
       String(&LoadOptions::json_out)},
      {"max-drift", "SHARE",
       "largest rise allowed from the first to the last window (median of the samples in "
       "each) of the quantities of --drift-checks; default 0.05",
       Double(0, 100, &LoadOptions::max_drift)},
      {"drift-checks", "LIST",
       "which drifts fail the run: a comma list of rss (server RSS), fds (its open "
       "descriptors), tick_cpu_p99 (the media tick's p99 in CPU time), tick_p99 (the same in "
       "wall time, which other load on the machine inflates), cpu (server CPU), or none; all "
       "are reported either way; default rss,fds,tick_cpu_p99",
       [](std::string_view, std::string_view v, LoadOptions& o) {
         return SetDriftChecks(v, o.drift_checks);
       }},
      {"drift-window", "TIME",
       "length of the first and the last window; 0 (default): 10 minutes for a steady phase of "
       "40 minutes or more, else a tenth of it",
       Duration(absl::Hours(12), &LoadOptions::drift_window)},
      {"max-loss", "SHARE", "largest share of media packets lost on the way back; default 0.02",
       Double(0, 1, &LoadOptions::max_loss)},
      {"min-energy-share", "SHARE",
       "smallest share of talk spurts in which a listener must hear the mix; default 0.9",
       Double(0, 1, &LoadOptions::min_energy_share)},
  };
  return flags;
}

bool IsLoopbackLiteral(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6{};
  return inet_pton(AF_INET6, host.c_str(), &v6) == 1 && IN6_IS_ADDR_LOOPBACK(&v6);
}

}  // namespace

absl::Status ParseServerUrl(std::string_view url, std::string& host, uint16_t& port) {
  const auto bad = [](std::string_view why) { return Invalid("server-url", why); };
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return bad("expected http://HOST:PORT (plain HTTP only)");
  std::string_view rest = url.substr(kScheme.size());
  while (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) return bad("no path, please");
  std::string_view host_part = rest;
  std::string_view port_part;
  if (rest.starts_with('[')) {
    const size_t close = rest.find(']');
    if (close == std::string_view::npos) return bad("unclosed [");
    host_part = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return bad("expected [IPv6]:PORT");
      port_part = rest.substr(close + 2);
    }
  } else if (const size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host_part = rest.substr(0, colon);
    port_part = rest.substr(colon + 1);
  }
  int number = 80;
  if (!port_part.empty() && !SetInt("server-url", port_part, 1, 65535, number).ok()) {
    return bad("the port must be 1 to 65535");
  }
  std::string resolved = host_part == "localhost" ? "127.0.0.1" : std::string(host_part);
  if (!IsLoopbackLiteral(resolved)) {
    return bad(absl::StrCat("'", Sv(host_part),
                            "' is not a loopback address: the load generator only talks to "
                            "127.0.0.0/8, ::1 or localhost"));
  }
  host = std::move(resolved);
  port = static_cast<uint16_t>(number);
  return absl::OkStatus();
}

absl::StatusOr<LoadOptions> ParseLoadOptions(std::span<const std::string_view> args) {
  LoadOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (arg == "--help" || arg == "-h") {
      options.help = true;
      return options;
    }
    if (!arg.starts_with("--")) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", Sv(arg), "'"));
    }
    arg.remove_prefix(2);
    std::string_view value;
    bool has_value = false;
    if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    const Flag* flag = nullptr;
    for (const Flag& f : Flags()) {
      if (f.name == arg) flag = &f;
    }
    if (flag == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", Sv(arg), " (see --help)"));
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return Invalid(arg, "needs a value");
      value = args[++i];
    }
    if (absl::Status s = flag->set(flag->name, value, options); !s.ok()) return s;
  }
  if (options.admin_password.empty()) {
    return absl::InvalidArgumentError(
        "the admin's password is needed: --admin-password-file FILE or --admin-password");
  }
  if (options.duration <= absl::ZeroDuration()) return Invalid("duration", "must be above 0");
  return options;
}

std::string LoadUsage() {
  std::string out =
      "konfero_load: many simulated participants in one process against konfero-server,\n"
      "through its real signalling, ICE, DTLS and SRTP (the engine's own stack as client).\n"
      "It creates one moderator user and one public room per --rooms, joins each room's\n"
      "moderator then its guests, sends Opus tones with RFC 6464 levels (and optionally\n"
      "VP8-shaped video), checks what comes back (sequence gaps, the mix's energy, onset\n"
      "latency), churns guests, chats, samples the server, and stops by itself after\n"
      "--duration. Exit status: 0 all checks passed, 1 a check failed, 2 bad usage or setup.\n"
      "\nusage: konfero_load --admin-password-file FILE [flags]\n\n";
  for (const Flag& f : Flags()) {
    absl::StrAppend(&out, "  --", Sv(f.name), " ", Sv(f.value), "\n      ", Sv(f.help), "\n");
  }
  absl::StrAppend(&out, "  --help\n      this text\n");
  return out;
}

}  // namespace konfero::load
