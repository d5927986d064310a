// konfero_load.cc: the load generator of issue 14. Many simulated
// participants in one process join konfero-server through its real
// signalling, ICE, DTLS and SRTP, send tones (and optionally video), chat,
// churn, and check what comes back; the run stops by itself after
// --duration and reports join times, server CPU, tick p99, loss, chat and
// drift as text and JSON (`konfero_load --help`; docs/reliability.md).
//
//   konfero_load --server-url http://127.0.0.1:8080 --admin-password-file pw
//       --rooms 20 --participants-per-room 10 --duration 1h --server-pid 1234
//       --json-out load.json
//
// Exit status: 0 every check passed, 1 a check failed, 2 usage or set-up.
//
// Thread contract: main runs the scenario on its own thread; the sampler
// has one more.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string_view>
#include <vector>

#include "load/load_options.h"
#include "load/load_report.h"
#include "load/scenario.h"

namespace {

int Main(int argc, char** argv) {
  using konfero::load::LoadOptions;
  const std::vector<std::string_view> args(argv + 1, argv + argc);
  absl::StatusOr<LoadOptions> options = konfero::load::ParseLoadOptions(args);
  if (!options.ok()) {
    std::cerr << "konfero_load: " << options.status().message() << "\n";
    return 2;
  }
  if (options->help) {
    std::cout << konfero::load::LoadUsage();
    return 0;
  }
  konfero::load::Scenario scenario(*options);
  if (absl::Status s = scenario.SetUp(); !s.ok()) {
    std::cerr << "konfero_load: set-up failed: " << s.message() << "\n";
    return 2;
  }
  absl::StatusOr<konfero::load::ReportInput> result = scenario.Run();
  if (!result.ok()) {
    std::cerr << "konfero_load: " << result.status().message() << "\n";
    return 2;
  }
  const konfero::load::LoadReport report = konfero::load::BuildReport(*result);
  std::cout << report.text << std::flush;
  if (!options->json_out.empty()) {
    std::ofstream out(options->json_out);
    out << report.json.dump(2) << "\n";
    if (!out) {
      std::cerr << "konfero_load: cannot write " << options->json_out << "\n";
      return 2;
    }
  }
  return report.passed ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) { return Main(argc, argv); }
