// load_report.cc: figures, drift and checks of a run, as JSON and text.
#include "load/load_report.h"

#include <cmath>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace konfero::load {
namespace {

using nlohmann::json;

double Ratio(double part, double whole) { return whole > 0 ? part / whole : std::nan(""); }

double Mean(const std::vector<double>& v) {
  double sum = 0;
  int n = 0;
  for (double x : v) {
    if (std::isnan(x)) continue;
    sum += x;
    ++n;
  }
  return n > 0 ? sum / n : std::nan("");
}

std::vector<double> Finite(std::vector<double> v) {
  std::erase_if(v, [](double x) { return std::isnan(x); });
  return v;
}

double Median(const std::vector<double>& v) { return Percentile(Finite(v), 0.5); }

// One figure per steady sample.
std::vector<double> Column(const std::vector<ServerSample>& samples, double ServerSample::*field) {
  std::vector<double> out;
  for (const ServerSample& s : samples) out.push_back(s.*field);
  return out;
}

struct Check {
  std::string name;
  bool passed = false;
  json value;
  json limit;
};

json ToJson(const std::vector<Check>& checks) {
  json out = json::array();
  for (const Check& c : checks) {
    out.push_back({{"name", c.name}, {"passed", c.passed}, {"value", c.value}, {"limit", c.limit}});
  }
  return out;
}

// The drift windows' length (see load_report.h).
double WindowSeconds(const ReportInput& in) {
  const double configured = absl::ToDoubleSeconds(in.options->drift_window);
  if (configured > 0) return configured;
  const double steady_s = in.load_end_s - in.steady_start_s;
  return steady_s >= 40 * 60 ? 600 : steady_s / 10;
}

struct Drift {
  double first = std::nan("");
  double last = std::nan("");
  size_t first_samples = 0;
  size_t last_samples = 0;
};

// Medians of one quantity's figures in the first and the last window of
// the steady samples; a window without a figure takes the nearest one
// (short runs: the tick's p99 has none in its first 10 s).
Drift MeasureDrift(const ReportInput& in, const std::vector<ServerSample>& steady,
                   double ServerSample::*field, double window_s) {
  std::vector<std::pair<double, double>> points;  // (t, value)
  for (const ServerSample& s : steady) {
    if (!std::isnan(s.*field)) points.emplace_back(s.t, s.*field);
  }
  Drift d;
  if (points.empty()) return d;
  std::vector<double> first;
  std::vector<double> last;
  for (const auto& [t, v] : points) {
    if (t <= in.steady_start_s + window_s) first.push_back(v);
    if (t >= in.load_end_s - window_s) last.push_back(v);
  }
  if (first.empty()) first.push_back(points.front().second);
  if (last.empty()) last.push_back(points.back().second);
  d.first = Percentile(first, 0.5);
  d.last = Percentile(last, 0.5);
  d.first_samples = first.size();
  d.last_samples = last.size();
  return d;
}

}  // namespace

std::string CpuModel() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    if (line.rfind("model name", 0) == 0) {
      const size_t colon = line.find(':');
      return colon == std::string::npos ? "" : line.substr(colon + 2);
    }
  }
  return "";
}

std::string LoadAverage() {
  std::ifstream loadavg("/proc/loadavg");
  std::string one, five, fifteen;
  if (!(loadavg >> one >> five >> fifteen)) return "";
  return absl::StrCat(one, " ", five, " ", fifteen);
}

LoadReport BuildReport(const ReportInput& in) {
  const LoadOptions& o = *in.options;
  const LoadStats& st = *in.stats;
  LoadReport report;
  json& j = report.json;
  std::vector<Check> checks;

  std::vector<ServerSample> steady;
  for (const ServerSample& s : in.samples) {
    if (s.t >= in.steady_start_s && s.t <= in.load_end_s) steady.push_back(s);
  }

  j["config"] = {{"server_url", o.server_url},
                 {"rooms", o.rooms},
                 {"participants_per_room", o.participants_per_room},
                 {"participants", in.participants},
                 {"talkers", in.talkers},
                 {"talker_share", o.talkers},
                 {"video_kbps", o.video_kbps},
                 {"video_tiles", o.video_kbps > 0 ? o.video_tiles : 0},
                 {"duration_s", absl::ToDoubleSeconds(o.duration)},
                 {"churn_interval_s", absl::ToDoubleSeconds(o.churn_interval)},
                 {"chat_interval_s", absl::ToDoubleSeconds(o.chat_interval)},
                 {"sample_interval_s", absl::ToDoubleSeconds(o.sample_interval)},
                 {"server_pid", o.server_pid}};
  j["machine"] = {{"cpu_model", CpuModel()},
                  {"cores", std::thread::hardware_concurrency()},
                  {"loadavg_start", in.loadavg_start},
                  {"loadavg_end", in.loadavg_end}};
  j["timeline"] = {{"steady_start_s", in.steady_start_s},
                   {"load_end_s", in.load_end_s},
                   {"run_end_s", in.run_end_s}};

  // Joins.
  j["join"] = {{"attempts", st.join_attempts},
               {"completed", st.joins_completed},
               {"failures", st.join_failures},
               {"p50_ms", Percentile(st.join_ms, 0.5)},
               {"p99_ms", Percentile(st.join_ms, 0.99)},
               {"max_ms", Percentile(st.join_ms, 1.0)},
               {"signalling_p50_ms", Percentile(st.signalling_ms, 0.5)},
               {"signalling_p99_ms", Percentile(st.signalling_ms, 0.99)},
               {"aborted_at_stop", st.aborted_at_stop}};
  j["failures"] = {{"session_failures", st.session_failures},
                   {"leave_timeouts", st.leave_timeouts},
                   {"unexpected_errors", st.unexpected_errors},
                   {"reasons", st.failure_reasons}};
  checks.push_back({"joins", st.join_failures == 0 && st.joins_completed >= static_cast<uint64_t>(in.participants),
                    {{"failures", st.join_failures}, {"completed", st.joins_completed}},
                    "no join fails; every participant joins"});
  checks.push_back({"sessions", st.session_failures == 0 && st.leave_timeouts == 0,
                    {{"session_failures", st.session_failures}, {"leave_timeouts", st.leave_timeouts}},
                    "no socket or media dies after joining; every leave drains"});

  // Server.
  const double cpu = Mean(Column(steady, &ServerSample::cpu_percent));
  std::vector<double> active;
  for (const ServerSample& s : steady) active.push_back(s.active);
  const double mean_active = Mean(active);
  j["server"] = {{"cpu_percent_of_one_core", cpu},
                 {"mean_active_participants", mean_active},
                 {"cpu_percent_per_participant", Ratio(cpu, mean_active)},
                 {"join_phase_cpu_ms_per_join",
                  in.join_phase_cpu_seconds >= 0
                      ? json(1000 * in.join_phase_cpu_seconds / std::max(1, in.participants))
                      : json(nullptr)},
                 {"rss_mb_max", Percentile(Finite(Column(in.samples, &ServerSample::rss_mb)), 1.0)},
                 {"fds_max", Percentile(Finite(Column(in.samples, &ServerSample::fds)), 1.0)}};
  j["tick"] = {{"p99_ms_median", Median(Column(steady, &ServerSample::tick_p99_ms))},
               {"p99_ms_max", Percentile(Finite(Column(steady, &ServerSample::tick_p99_ms)), 1.0)},
               {"cpu_p99_ms_median", Median(Column(steady, &ServerSample::tick_cpu_p99_ms))},
               {"cpu_p99_ms_max",
                Percentile(Finite(Column(steady, &ServerSample::tick_cpu_p99_ms)), 1.0)},
               {"avg_ms", Mean(Column(steady, &ServerSample::tick_avg_ms))},
               {"max_ms_since_start",
                in.samples.empty() ? std::nan("") : in.samples.back().tick_max_ms}};
  bool alive = in.server_alive_at_end;
  for (const ServerSample& s : in.samples) alive = alive && s.alive;
  checks.push_back({"server_alive", alive, alive, "the server runs (and answers) to the end"});

  // Media.
  const double audio_loss =
      Ratio(static_cast<double>(st.mix_expected) - static_cast<double>(st.mix_received),
            static_cast<double>(st.mix_expected));
  j["audio"] = {{"packets_sent", st.audio_sent},
                {"mix_packets_received", st.mix_received},
                {"mix_packets_expected", st.mix_expected},
                {"loss", audio_loss},
                {"srtp_failures", st.srtp_failures},
                {"send_errors", st.send_errors}};
  checks.push_back({"audio_loss", st.mix_expected > 0 && audio_loss <= o.max_loss, audio_loss,
                    o.max_loss});
  if (o.video_kbps > 0) {
    const double video_loss =
        Ratio(static_cast<double>(st.video_expected) - static_cast<double>(st.video_received),
              static_cast<double>(st.video_expected));
    j["video"] = {{"packets_sent", st.video_sent},
                  {"packets_received", st.video_received},
                  {"packets_expected", st.video_expected},
                  {"loss", video_loss},
                  {"keyframe_requests", st.keyframe_requests}};
    checks.push_back({"video_loss", st.video_received > 0 && video_loss <= o.max_loss, video_loss,
                      o.max_loss});
  }
  const double heard_share =
      Ratio(static_cast<double>(st.probes_heard), static_cast<double>(st.probes));
  j["mix"] = {{"spurts_judged", st.probes},
              {"spurts_heard", st.probes_heard},
              {"heard_share", heard_share},
              {"spurts_loud_before_onset", st.probes_loud_before_onset},
              {"level_dbfs_median", Percentile(st.mix_level_dbfs, 0.5)},
              {"onset_latency_p50_ms", Percentile(st.onset_latency_ms, 0.5)},
              {"onset_latency_p99_ms", Percentile(st.onset_latency_ms, 0.99)}};
  if (in.talkers > 0) {
    checks.push_back({"mix_energy", st.probes > 0 && heard_share >= o.min_energy_share,
                      heard_share, o.min_energy_share});
  }

  // Chat.
  const ChatTotals& c = in.chat;
  j["chat"] = {{"posted", c.posted},   {"refused", c.refused},       {"deliveries", c.deliveries},
               {"lost", c.lost},       {"duplicates", c.duplicates}, {"unexpected", c.unexpected},
               {"excused", c.excused}};
  if (o.chat_interval > absl::ZeroDuration()) {
    checks.push_back({"chat_lost", c.posted > 0 && c.lost == 0 && c.duplicates == 0,
                      {{"lost", c.lost}, {"duplicates", c.duplicates}, {"posted", c.posted}},
                      "every message reaches every participant of its room, once"});
    checks.push_back({"chat_refused", c.refused == 0, c.refused, 0});
  }
  j["churn"] = {{"leaves", in.churn_leaves}, {"leaves_drained", st.leaves}};
  const double run_s = in.run_end_s > 0 ? in.run_end_s : 1;
  j["generator"] = {{"cpu_percent_of_one_core",
                     in.generator_cpu_seconds >= 0 ? json(100 * in.generator_cpu_seconds / run_s)
                                                   : json(nullptr)},
                    {"send_lateness_p50_ms", st.send_lateness.Quantile(0.5)},
                    {"send_lateness_p99_ms", st.send_lateness.Quantile(0.99)},
                    {"frames_skipped", st.frames_skipped}};

  // Drift.
  const double window_s = WindowSeconds(in);
  j["drift"] = {{"window_s", window_s}};
  const std::pair<const char*, double ServerSample::*> quantities[] = {
      {"rss", &ServerSample::rss_mb},
      {"fds", &ServerSample::fds},
      {"tick_cpu_p99", &ServerSample::tick_cpu_p99_ms},
      {"tick_p99", &ServerSample::tick_p99_ms},
      {"cpu", &ServerSample::cpu_percent}};
  for (const auto& [name, field] : quantities) {
    const Drift d = MeasureDrift(in, steady, field, window_s);
    const double drift = d.last / d.first - 1;
    const bool checked = std::find(o.drift_checks.begin(), o.drift_checks.end(), name) !=
                         o.drift_checks.end();
    j["drift"][name] = {{"first", d.first},
                        {"last", d.last},
                        {"drift", drift},
                        {"first_samples", d.first_samples},
                        {"last_samples", d.last_samples},
                        {"checked", checked}};
    if (checked) {
      checks.push_back({absl::StrCat("drift_", name), !std::isnan(drift) && drift <= o.max_drift,
                        drift, o.max_drift});
    }
  }

  json samples = json::array();
  for (const ServerSample& s : in.samples) {
    samples.push_back({{"t", s.t},
                       {"alive", s.alive},
                       {"cpu_percent", s.cpu_percent},
                       {"rss_mb", s.rss_mb},
                       {"fds", s.fds},
                       {"tick_p99_ms", s.tick_p99_ms},
                       {"tick_cpu_p99_ms", s.tick_cpu_p99_ms},
                       {"tick_max_ms", s.tick_max_ms},
                       {"tick_avg_ms", s.tick_avg_ms},
                       {"active", s.active},
                       {"server_participants", s.server_participants}});
  }
  j["samples"] = samples;
  report.passed = std::all_of(checks.begin(), checks.end(), [](const Check& k) { return k.passed; });
  j["checks"] = ToJson(checks);
  j["passed"] = report.passed;

  // Text.
  std::string& t = report.text;
  absl::StrAppendFormat(&t, "konfero_load: %d participants in %d rooms (%d talkers), %.0f s, on %s "
                            "(load average %s at the start, %s at the end)\n",
                        in.participants, o.rooms, in.talkers, absl::ToDoubleSeconds(o.duration),
                        CpuModel(), in.loadavg_start, in.loadavg_end);
  absl::StrAppendFormat(&t, "joins: %d done of %d tried, %d failed; join time p50 %.0f ms, p99 %.0f ms\n",
                        st.joins_completed, st.join_attempts, st.join_failures,
                        Percentile(st.join_ms, 0.5), Percentile(st.join_ms, 0.99));
  absl::StrAppendFormat(&t, "server: %.1f %% of a core, %.2f %% per participant; tick p99 %.2f ms "
                            "wall, %.2f ms CPU (medians of the samples)\n",
                        cpu, Ratio(cpu, mean_active), Median(Column(steady, &ServerSample::tick_p99_ms)),
                        Median(Column(steady, &ServerSample::tick_cpu_p99_ms)));
  absl::StrAppendFormat(&t, "audio: loss %.4f %% of %d mix packets; heard %d of %d spurts, onset "
                            "latency p50 %.0f ms p99 %.0f ms\n",
                        100 * audio_loss, st.mix_expected, st.probes_heard, st.probes,
                        Percentile(st.onset_latency_ms, 0.5), Percentile(st.onset_latency_ms, 0.99));
  absl::StrAppendFormat(&t, "chat: %d posted, %d deliveries, %d lost, %d refused; churn: %d leaves\n",
                        c.posted, c.deliveries, c.lost, c.refused, in.churn_leaves);
  absl::StrAppendFormat(&t, "generator: %s %% of a core; audio frames sent late by p99 %.1f ms, "
                            "%d skipped\n",
                        j["generator"]["cpu_percent_of_one_core"].dump(),
                        st.send_lateness.Quantile(0.99), st.frames_skipped);
  for (const auto& [name, field] : quantities) {
    const json& d = j["drift"][name];
    absl::StrAppendFormat(&t, "drift %s: %s -> %s (%s)\n", name, d["first"].dump(),
                          d["last"].dump(), d["drift"].dump());
  }
  for (const Check& k : checks) {
    absl::StrAppendFormat(&t, "check %-14s %s  value %s  limit %s\n", k.name,
                          k.passed ? "ok  " : "FAIL", k.value.dump(), k.limit.dump());
  }
  absl::StrAppend(&t, report.passed ? "PASSED\n" : "FAILED\n");
  return report;
}

}  // namespace konfero::load
