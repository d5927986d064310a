// scenario.h: one load run, from the REST set-up to the report's input.
//
//   Scenario scenario(options);
//   absl::Status s = scenario.SetUp();        // users, rooms, public links
//   absl::StatusOr<ReportInput> result = scenario.Run();
//
// SetUp (blocking HTTP, before any load): logs in as the admin, and for each
// room creates a moderator user (login "load-<run>-m<room>", a random
// password), logs in as it, creates the room as that user (so each
// room's moderator is a member with a chat budget of its own) and makes
// it public (guests join with its URL token).
//
// Run drives everything from one io_context thread with a 5 ms tick:
//   - the initial ramp: every room's moderator first, then the guests of
//     rooms whose moderator is in, --join-rate joins started per second;
//   - once everyone has joined once, the steady phase; churn (one guest,
//     taken round the rooms, leaves every --churn-interval and rejoins
//     --rejoin-delay later) and chat run from the ramp on;
//   - after --duration (or SIGINT/SIGTERM) joins stop, everyone leaves and
//     drains, and the loop ends (at most 15 s later, whatever happens).
// The sampler thread samples the server meanwhile.
//
// Thread contract: SetUp and Run on the calling thread; Run owns the
// io_context's thread for its duration.
#ifndef KONFERO_BENCH_LOAD_SCENARIO_H_
#define KONFERO_BENCH_LOAD_SCENARIO_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "load/load_context.h"
#include "load/load_options.h"
#include "load/load_report.h"
#include "load/participant.h"

namespace konfero::load {

class Scenario {
 public:
  explicit Scenario(const LoadOptions& options);
  ~Scenario();

  absl::Status SetUp();
  absl::StatusOr<ReportInput> Run();

 private:
  void OnTick();
  void Ramp(int64_t now_us);
  void Churn(int64_t now_us);
  void BeginStop(int64_t now_us);
  bool AllIdle() const;
  double Seconds(int64_t us) const { return static_cast<double>(us - start_us_) / 1e6; }

  const LoadOptions& options_;
  boost::asio::io_context io_;
  std::unique_ptr<LoadContext> ctx_;
  std::vector<std::unique_ptr<Participant>> participants_;
  std::unique_ptr<boost::asio::steady_timer> timer_;

  int64_t start_us_ = 0;
  int64_t stop_at_us_ = 0;
  int64_t stopping_since_us_ = 0;  // 0: not stopping
  int64_t steady_start_us_ = 0;    // 0: the ramp is still on
  int64_t next_join_us_ = 0;
  int64_t next_churn_us_ = 0;
  size_t ramp_next_ = 0;
  uint64_t churn_leaves_ = 0;
  double join_phase_cpu_start_ = -1;
  double join_phase_cpu_seconds_ = -1;
  bool stop_requested_ = false;
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_SCENARIO_H_
