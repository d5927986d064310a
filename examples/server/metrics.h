// metrics.h: the /metrics page: the server's aggregates in the Prometheus
// text format (see docs/api.md for the metric names).
//
//   MetricsInput input{.rooms = rooms.GetStats(), .engine = engine.GetTotals(),
//                      .signalling = hub.stats()};
//   std::string body = RenderMetrics(input);
//
// The input is a plain value so the rendering is tested without a server;
// it names no room, person or secret. The konfero_sip_* families are there
// only when phone dial-in is on (`dial_in` set): a scrape tells "off" from
// "no calls".
//
// Thread contract: a pure function; the caller gathers the input on the
// control thread.
#ifndef KONFERO_EXAMPLES_SERVER_METRICS_H_
#define KONFERO_EXAMPLES_SERVER_METRICS_H_

#include <optional>
#include <string>

#include "konfero/dial_in.h"
#include "konfero/engine.h"
#include "konfero/room_service.h"
#include "konfero/signalling.h"

namespace konfero::server {

struct MetricsInput {
  RoomStats rooms;
  EngineTotals engine;
  SignallingStats signalling;
  int64_t http_requests = 0;  // answered since start
  std::optional<DialInStats> dial_in;  // none: phone dial-in is off
};

std::string RenderMetrics(const MetricsInput& input);

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_METRICS_H_
