// dcep_fuzzer.cc: libFuzzer target for the DCEP codec (sctp/dcep.h).
//
// Whatever DcepOpen::Parse accepts must serialize to the very same bytes,
// parse again to an equal message, and map to channel options that build
// an OPEN of the same channel type (abort otherwise). The ACK check and the
// type peek see every input too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "sctp/dcep.h"

namespace {

using konfero::sctp::DcepOpen;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "dcep_fuzzer: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::Span<const uint8_t> bytes(data, size);
  (void)konfero::sctp::PeekDcepType(bytes);
  if (konfero::sctp::IsDcepAck(bytes)) {
    Check(konfero::sctp::SerializeDcepAck() ==
              std::vector<uint8_t>(bytes.begin(), bytes.end()),
          "ACK does not round-trip");
  }
  const std::optional<DcepOpen> first = DcepOpen::Parse(bytes);
  if (!first) return 0;
  const std::vector<uint8_t> serialized = first->Serialize();
  Check(serialized == std::vector<uint8_t>(bytes.begin(), bytes.end()),
        "serialization differs from the input");
  const std::optional<DcepOpen> second = DcepOpen::Parse(serialized);
  Check(second.has_value(), "serialized message does not parse");
  Check(*second == *first, "round trip changed the message");

  // Through the options and back: same type and priority; the reliability
  // parameter survives unless it is ignored (reliable) or saturated.
  const auto options = first->ToOptions();
  const auto rebuilt = DcepOpen::FromOptions(first->label, first->protocol, options);
  Check(rebuilt.ok(), "options from a parsed OPEN are rejected");
  Check(rebuilt->channel_type == first->channel_type, "channel type changed");
  Check(rebuilt->priority == first->priority, "priority changed");
  Check(rebuilt->label == first->label && rebuilt->protocol == first->protocol,
        "label or protocol changed");
  if (options.max_packet_lifetime_ms || (options.max_retransmits &&
                                         first->reliability_parameter < 0xffff)) {
    Check(rebuilt->reliability_parameter == first->reliability_parameter,
          "reliability parameter changed");
  }
  return 0;
}
