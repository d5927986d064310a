// prometheus_text.h: writes metric families in the Prometheus text
// exposition format (version 0.0.4).
//
//   PrometheusText out;
//   out.Family("konfero_rooms", "gauge", "Rooms by conference state.");
//   out.Sample("konfero_rooms", {{"state", "idle"}}, 3);
//   out.Sample("konfero_rooms", {{"state", "running"}}, 1);
//   std::string body = std::move(out).Take();
//   // # HELP konfero_rooms Rooms by conference state.
//   // # TYPE konfero_rooms gauge
//   // konfero_rooms{state="idle"} 3
//   // ...
//
// Label values are escaped (backslash, double quote, newline); samples of a
// family must follow its Family line, as the format requires.
//
// Thread contract: a plain value; one thread at a time.
#ifndef KONFERO_EXAMPLES_SERVER_PROMETHEUS_TEXT_H_
#define KONFERO_EXAMPLES_SERVER_PROMETHEUS_TEXT_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace konfero::server {

inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

class PrometheusText {
 public:
  using Labels = std::initializer_list<std::pair<std::string_view, std::string_view>>;

  // `type`: "gauge" or "counter".
  void Family(std::string_view name, std::string_view type, std::string_view help);
  void Sample(std::string_view name, Labels labels, double value);
  void Sample(std::string_view name, double value) { Sample(name, {}, value); }

  std::string Take() && { return std::move(text_); }

 private:
  std::string text_;
};

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_PROMETHEUS_TEXT_H_
