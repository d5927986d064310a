// log.h: structured logs for konfero-server: one line per event,
// `key=value` pairs, values quoted when they need it.
//
//   Logger log(LogLevel::kInfo, clock, [](std::string_view line) {
//     std::fwrite(line.data(), 1, line.size(), stderr);
//   });
//   log.Info("http").Kv("method", "GET").Kv("route", "/api/rooms").Kv("status", 200);
//   // ts=2025-11-28T13:03:00.123Z level=info event=http method=GET route=/api/rooms status=200
//
// The line is written when the temporary returned by Info() etc. dies, at
// the end of the statement. Values with spaces, quotes, '=' or control
// characters are quoted and escaped, so a client-chosen value cannot forge
// a line or a key. Callers never pass secrets: tokens, PINs, passwords, URL
// tokens (log the route pattern, not the path), SDP.
//
// Thread contract: a Logger may be used from one thread at a time (the
// control thread); the sink is called on that thread.
#ifndef KONFERO_EXAMPLES_SERVER_LOG_H_
#define KONFERO_EXAMPLES_SERVER_LOG_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "konfero/clock.h"

namespace konfero::server {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

std::optional<LogLevel> ParseLogLevel(std::string_view name);  // "debug", ...
std::string_view ToString(LogLevel level);

class Logger {
 public:
  using Sink = std::function<void(std::string_view line)>;

  // One log line under construction; written when it is destroyed.
  class Line {
   public:
    Line(Line&&) = delete;
    Line& operator=(Line&&) = delete;
    ~Line();

    Line& Kv(std::string_view key, std::string_view value);
    Line& Kv(std::string_view key, const char* value) { return Kv(key, std::string_view(value)); }
    Line& Kv(std::string_view key, const std::string& value) {
      return Kv(key, std::string_view(value));
    }
    Line& Kv(std::string_view key, int64_t value);
    Line& Kv(std::string_view key, int value) { return Kv(key, static_cast<int64_t>(value)); }
    Line& Kv(std::string_view key, uint64_t value);
    Line& Kv(std::string_view key, double value);
    Line& Kv(std::string_view key, bool value) { return Kv(key, value ? "true" : "false"); }

   private:
    friend class Logger;
    Line(const Logger* logger, LogLevel level, std::string_view event);
    const Logger* logger_;  // null: below the level, nothing is built
    std::string text_;
  };

  Logger(LogLevel min_level, const Clock& clock, Sink sink)
      : min_level_(min_level), clock_(clock), sink_(std::move(sink)) {}

  Line Debug(std::string_view event) const { return Line(this, LogLevel::kDebug, event); }
  Line Info(std::string_view event) const { return Line(this, LogLevel::kInfo, event); }
  Line Warn(std::string_view event) const { return Line(this, LogLevel::kWarn, event); }
  Line Error(std::string_view event) const { return Line(this, LogLevel::kError, event); }

 private:
  LogLevel min_level_;
  const Clock& clock_;
  Sink sink_;
};

// `value` as it appears after "key=": bare if it is safe, else quoted.
std::string LogValue(std::string_view value);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_LOG_H_
