// prometheus_text.cc: the exposition format's lines and escaping.
#include "server/prometheus_text.h"

#include <cmath>
#include <cstdio>

#include "server/text.h"

namespace konfero::server {
namespace {

void AppendEscaped(std::string& out, std::string_view value, bool quote_too) {
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quote_too) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char out[40];
  // Integers (counts, bytes) print exactly; fractions with enough digits.
  if (value == std::floor(value) && std::fabs(value) < 9.007199254740992e15) {
    std::snprintf(out, sizeof(out), "%.0f", value);
    return out;
  }
  std::snprintf(out, sizeof(out), "%.9g", value);
  return out;
}

}  // namespace

void PrometheusText::Family(std::string_view name, std::string_view type,
                            std::string_view help) {
  text_ += Cat("# HELP ", name, " ");
  AppendEscaped(text_, help, /*quote_too=*/false);
  text_ += Cat("\n# TYPE ", name, " ", type, "\n");
}

void PrometheusText::Sample(std::string_view name, Labels labels, double value) {
  text_ += name;
  if (labels.size() > 0) {
    text_ += '{';
    bool first = true;
    for (const auto& [key, label_value] : labels) {
      if (!first) text_ += ',';
      first = false;
      text_ += Cat(key, "=\"");
      AppendEscaped(text_, label_value, /*quote_too=*/true);
      text_ += '"';
    }
    text_ += '}';
  }
  text_ += Cat(" ", FormatValue(value), "\n");
}

}  // namespace konfero::server
