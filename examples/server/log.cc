// log.cc: key=value log lines.
#include "server/log.h"

#include <cstdio>

#include "absl/time/time.h"
#include "server/text.h"

namespace konfero::server {
namespace {

bool NeedsQuotes(std::string_view value) {
  if (value.empty()) return true;
  for (unsigned char c : value) {
    if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

std::optional<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  return std::nullopt;
}

std::string_view ToString(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

std::string LogValue(std::string_view value) {
  if (!NeedsQuotes(value)) return std::string(value);
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < ' ' || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof(escaped), "\\x%02x", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

Logger::Line::Line(const Logger* logger, LogLevel level, std::string_view event)
    : logger_(level >= logger->min_level_ ? logger : nullptr) {
  if (logger_ == nullptr) return;
  text_ = Cat("ts=",
              absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", logger_->clock_.Now(), absl::UTCTimeZone()),
              " level=", ToString(level), " event=", LogValue(event));
}

Logger::Line::~Line() {
  if (logger_ == nullptr) return;
  text_ += '\n';
  logger_->sink_(text_);
}

Logger::Line& Logger::Line::Kv(std::string_view key, std::string_view value) {
  if (logger_ != nullptr) text_ += Cat(" ", key, "=", LogValue(value));
  return *this;
}

Logger::Line& Logger::Line::Kv(std::string_view key, int64_t value) {
  if (logger_ != nullptr) text_ += Cat(" ", key, "=", value);
  return *this;
}

Logger::Line& Logger::Line::Kv(std::string_view key, uint64_t value) {
  if (logger_ != nullptr) text_ += Cat(" ", key, "=", value);
  return *this;
}

Logger::Line& Logger::Line::Kv(std::string_view key, double value) {
  if (logger_ != nullptr) {
    char number[32];
    std::snprintf(number, sizeof(number), "%.3f", value);
    text_ += Cat(" ", key, "=", number);
  }
  return *this;
}

}  // namespace konfero::server
