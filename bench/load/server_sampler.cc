// server_sampler.cc: /proc and /metrics, every interval, on a thread.
#include "load/server_sampler.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "load/http_client.h"

namespace konfero::load {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Each metric's samples summed over their labels: name -> value.
std::map<std::string, double> ParsePrometheus(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t name_end = line.find_first_of("{ ");
    const size_t value_start = line.rfind(' ');
    if (name_end == std::string::npos || value_start == std::string::npos) continue;
    try {
      out[line.substr(0, name_end)] += std::stod(line.substr(value_start + 1));
    } catch (const std::exception&) {
      continue;  // NaN, +Inf or garbage: not a figure we need
    }
  }
  return out;
}

double Get(const std::map<std::string, double>& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? kNaN : it->second;
}

}  // namespace

ProcSnapshot ReadProc(int pid) {
  ProcSnapshot snap;
  const std::string dir = "/proc/" + std::to_string(pid);
  std::ifstream stat(dir + "/stat");
  std::string text;
  if (!stat || !std::getline(stat, text)) return snap;
  // After the ")" closing the command name: state, then fields 4.. (man 5 proc).
  const size_t close = text.rfind(')');
  std::istringstream fields(close == std::string::npos ? "" : text.substr(close + 2));
  std::string state;
  fields >> state;
  snap.alive = state != "Z" && state != "X";
  std::string skip;
  for (int field = 4; field <= 13; ++field) fields >> skip;
  double utime = 0;
  double stime = 0;
  if (fields >> utime >> stime) {
    snap.cpu_seconds = (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  }
  std::ifstream status(dir + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) snap.rss_mb = std::stod(line.substr(6)) / 1024.0;
  }
  std::error_code ec;
  int fds = 0;
  for (auto it = std::filesystem::directory_iterator(dir + "/fd", ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    ++fds;
  }
  if (!ec) snap.fds = fds;
  return snap;
}

ServerSampler::ServerSampler(std::string host, uint16_t port, int pid, absl::Duration interval,
                             const std::atomic<int>& active)
    : host_(std::move(host)), port_(port), pid_(pid), interval_(interval), active_(active) {}

ServerSampler::~ServerSampler() { Stop(); }

void ServerSampler::Start() { thread_ = std::thread([this] { Run(); }); }

void ServerSampler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<ServerSample> ServerSampler::samples() const {
  std::lock_guard<std::mutex> lock(mu_);
  return samples_;
}

ServerSample ServerSampler::Take(double t, double& last_cpu, double& last_ticks,
                                 double& last_tick_seconds, double& last_t) {
  ServerSample s;
  s.t = t;
  s.active = active_.load(std::memory_order_relaxed);
  if (pid_ > 0) {
    const ProcSnapshot proc = ReadProc(pid_);
    s.alive = proc.alive;
    if (proc.cpu_seconds) {
      s.cpu_seconds = *proc.cpu_seconds;
      if (!std::isnan(last_cpu) && t > last_t) s.cpu_percent = 100 * (s.cpu_seconds - last_cpu) / (t - last_t);
      last_cpu = s.cpu_seconds;
    }
    if (proc.rss_mb) s.rss_mb = *proc.rss_mb;
    if (proc.fds) s.fds = *proc.fds;
  }
  HttpClient http(host_, port_);
  absl::StatusOr<HttpReply> reply = http.Request("GET", "/metrics", {}, {}, absl::Seconds(3));
  if (reply.ok() && reply->status == 200) {
    const std::map<std::string, double> m = ParsePrometheus(reply->body);
    // 0 until a worker has completed its first 10 s window: no figure yet.
    const auto positive_ms = [](double seconds) { return seconds > 0 ? seconds * 1000 : kNaN; };
    s.tick_p99_ms = positive_ms(Get(m, "konfero_mixer_tick_p99_seconds"));
    s.tick_cpu_p99_ms = positive_ms(Get(m, "konfero_mixer_tick_cpu_p99_seconds"));
    s.tick_max_ms = Get(m, "konfero_mixer_tick_max_seconds") * 1000;
    s.server_participants = Get(m, "konfero_participants");
    const double ticks = Get(m, "konfero_mixer_ticks_total");
    const double tick_seconds = Get(m, "konfero_mixer_tick_seconds_total");
    if (!std::isnan(last_ticks) && ticks > last_ticks) {
      s.tick_avg_ms = 1000 * (tick_seconds - last_tick_seconds) / (ticks - last_ticks);
    }
    last_ticks = ticks;
    last_tick_seconds = tick_seconds;
  } else if (pid_ == 0) {
    s.alive = false;  // without a pid, a server that does not answer is taken for gone
  }
  last_t = t;
  return s;
}

void ServerSampler::Run() {
  const auto start = std::chrono::steady_clock::now();
  const auto interval = std::chrono::microseconds(absl::ToInt64Microseconds(interval_));
  double last_cpu = kNaN;
  double last_ticks = kNaN;
  double last_tick_seconds = kNaN;
  double last_t = 0;
  for (auto next = start;; next += interval) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      if (wake_.wait_until(lock, next, [this] { return stop_; })) return;
    }
    const double t =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    ServerSample sample = Take(t, last_cpu, last_ticks, last_tick_seconds, last_t);
    std::lock_guard<std::mutex> lock(mu_);
    samples_.push_back(sample);
  }
}

}  // namespace konfero::load
