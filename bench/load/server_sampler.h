// server_sampler.h: samples the server under test on a thread of its own,
// every --sample-interval: from /proc/<pid> its CPU time (stat), resident
// memory (status: VmRSS) and open descriptors (the entries of fd/); from
// its loopback /metrics the media tick's p99 over the last 10 s in wall
// time and in CPU time (konfero_mixer_tick_p99_seconds,
// konfero_mixer_tick_cpu_p99_seconds), the ticks' count and time (for
// their average) and the participants it counts.
//
//   ServerSampler sampler(host, port, pid, absl::Seconds(5), active_counter);
//   sampler.Start();  ...  sampler.Stop();
//   std::vector<ServerSample> samples = sampler.samples();
//
// A scrape that fails leaves that sample's metrics at NaN; a pid that
// is gone marks the sample `alive = false`. Nothing blocks the load's
// io_context: the thread has its own HTTP client.
//
// Thread contract: Start and Stop from one thread; the sampling thread
// only reads /proc, the network and `active` (an atomic); samples() after
// Stop().
#ifndef KONFERO_BENCH_LOAD_SERVER_SAMPLER_H_
#define KONFERO_BENCH_LOAD_SERVER_SAMPLER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"

namespace konfero::load {

struct ServerSample {
  double t = 0;  // seconds since Start()
  bool alive = true;
  double cpu_percent = std::numeric_limits<double>::quiet_NaN();  // of one core, since the last sample
  double cpu_seconds = std::numeric_limits<double>::quiet_NaN();  // total so far
  double rss_mb = std::numeric_limits<double>::quiet_NaN();
  double fds = std::numeric_limits<double>::quiet_NaN();
  double tick_p99_ms = std::numeric_limits<double>::quiet_NaN();      // wall time
  double tick_cpu_p99_ms = std::numeric_limits<double>::quiet_NaN();  // the thread's CPU time
  double tick_avg_ms = std::numeric_limits<double>::quiet_NaN();  // since the last sample
  double tick_max_ms = std::numeric_limits<double>::quiet_NaN();  // since the server started
  double server_participants = std::numeric_limits<double>::quiet_NaN();
  int active = 0;  // the generator's participants with media flowing
};

// /proc figures of one process; nullopt fields when unreadable.
struct ProcSnapshot {
  bool alive = false;
  std::optional<double> cpu_seconds;
  std::optional<double> rss_mb;
  std::optional<int> fds;
};
ProcSnapshot ReadProc(int pid);

class ServerSampler {
 public:
  ServerSampler(std::string host, uint16_t port, int pid, absl::Duration interval,
                const std::atomic<int>& active);
  ~ServerSampler();
  ServerSampler(const ServerSampler&) = delete;
  ServerSampler& operator=(const ServerSampler&) = delete;

  void Start();
  void Stop();
  std::vector<ServerSample> samples() const;

 private:
  void Run();
  ServerSample Take(double t, double& last_cpu, double& last_ticks, double& last_tick_seconds,
                    double& last_t);

  const std::string host_;
  const uint16_t port_;
  const int pid_;
  const absl::Duration interval_;
  const std::atomic<int>& active_;

  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::vector<ServerSample> samples_;
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_SERVER_SAMPLER_H_
