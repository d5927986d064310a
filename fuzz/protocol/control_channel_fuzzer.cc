// control_channel_fuzzer.cc: libFuzzer target for the "control" data
// channel's requests: any bytes parse to a request or ControlIgnored,
// never crash; a subscribe request names a mid.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "protocol/control_channel.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const konfero::protocol::ControlRequest request =
      konfero::protocol::ParseControlRequest(text);
  if (const auto* s = std::get_if<konfero::protocol::SubscribeRequest>(&request)) {
    if (s->mid.size() > size) std::abort();  // the mid came from the input
  }
  return 0;
}
