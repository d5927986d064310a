// rtp/rtp_test_util.h: helpers for the RTP/RTCP tests.
#ifndef KONFERO_TESTS_RTP_RTP_TEST_UTIL_H_
#define KONFERO_TESTS_RTP_RTP_TEST_UTIL_H_

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>
#include <vector>

namespace konfero::rtp::testing {

// Each packet in its own exactly sized heap block, so that a read past the
// end shows up under AddressSanitizer.
inline std::vector<uint8_t> Bytes(std::initializer_list<int> values) {
  std::vector<uint8_t> out;
  out.reserve(values.size());
  for (int v : values) out.push_back(static_cast<uint8_t>(v));
  return out;
}

inline std::vector<uint8_t> Concat(std::initializer_list<std::span<const uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (auto part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

inline std::span<const uint8_t> AsBytes(std::string_view text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

}  // namespace konfero::rtp::testing

#endif  // KONFERO_TESTS_RTP_RTP_TEST_UTIL_H_
