// rtcp_fuzzer: ParseRtcp on arbitrary bytes; every compound packet it
// accepts is serialized, re-parsed and compared (abort on mismatch), and
// serializing again must give the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "rtp/rtcp_packet.h"

namespace {

#define FUZZ_CHECK(cond)                                              \
  do {                                                                \
    if (!(cond)) {                                                    \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,     \
                   __LINE__, #cond);                                  \
      std::abort();                                                   \
    }                                                                 \
  } while (false)

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace konfero::rtp;  // NOLINT: a fuzz target's own file
  const std::span<const uint8_t> input(data, size);
  (void)IsRtcp(input);
  auto compound = ParseRtcp(input);
  if (!compound) return 0;
  const std::vector<uint8_t> bytes = SerializeRtcp(compound->packets);
  // Every value a parse yields can be written back.
  FUZZ_CHECK(bytes.size() == SerializedSize(compound->packets));
  if (compound->packets.empty()) return 0;
  FUZZ_CHECK(!bytes.empty());
  auto again = ParseRtcp(bytes);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->skipped == 0);
  FUZZ_CHECK(again->packets == compound->packets);
  FUZZ_CHECK(SerializeRtcp(again->packets) == bytes);
  return 0;
}
