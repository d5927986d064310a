// load_report.h: the run's summary, machine-readable (JSON) and for people
// (text), with the checks that decide the exit status.
//
//   LoadReport report = BuildReport(input);
//   write report.json.dump(2) to --json-out; print report.text;
//   return report.passed ? 0 : 1;
//
// Drift: the samples taken in the steady phase (from the moment every
// participant had joined once to the end of the load) are split into a
// first and a last window (--drift-window, or automatic: 10 minutes when
// the steady phase lasts 40 minutes or more, a tenth of it otherwise; a
// window without a figure of a quantity takes its nearest one). Each
// quantity's drift is the median of its last window over the median of its
// first, minus one: +0.05 is a rise of 5 %. Only rises fail (a falling RSS
// is no leak).
//
// Thread contract: pure functions.
#ifndef KONFERO_BENCH_LOAD_LOAD_REPORT_H_
#define KONFERO_BENCH_LOAD_LOAD_REPORT_H_

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "load/chat_ledger.h"
#include "load/load_options.h"
#include "load/load_stats.h"
#include "load/server_sampler.h"

namespace konfero::load {

struct ReportInput {
  const LoadOptions* options = nullptr;
  const LoadStats* stats = nullptr;
  ChatTotals chat;
  std::vector<ServerSample> samples;
  int participants = 0;      // simulated, in all rooms
  int talkers = 0;
  double steady_start_s = 0;  // every participant had joined once (or failed)
  double load_end_s = 0;      // the load stopped (leaves began)
  double run_end_s = 0;
  bool server_alive_at_end = true;
  double join_phase_cpu_seconds = -1;  // server CPU while the initial joins ran; -1 unknown
  uint64_t churn_leaves = 0;
  double generator_cpu_seconds = -1;  // this process, over the run; -1 unknown
  std::string loadavg_start;          // /proc/loadavg when the run began and ended:
  std::string loadavg_end;            // other work on the machine skews every figure
};

struct LoadReport {
  nlohmann::json json;
  std::string text;
  bool passed = false;
};

LoadReport BuildReport(const ReportInput& input);

// The CPU model of this machine, from /proc/cpuinfo ("" if unknown).
std::string CpuModel();
// The first three fields of /proc/loadavg ("" if unknown).
std::string LoadAverage();

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_LOAD_REPORT_H_
