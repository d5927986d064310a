// bwe/sequence_unwrapper.h: 16-bit transport-wide sequence numbers made
// into int64 ones that keep counting past 65535.
//
// Each number is placed at the int64 nearest to the last one unwrapped (a
// distance of at most 2^15 either way), so both reordering and the wrap
// from 65535 to 0 come out right as long as consecutive calls are less than
// half the sequence space apart.
//
//   SequenceUnwrapper unwrapper;
//   unwrapper.Unwrap(65535);  // 65535
//   unwrapper.Unwrap(0);      // 65536
//   unwrapper.Unwrap(65534);  // 65534 (reordered, before the wrap)
//
// Thread contract: value type, not thread-safe.
#ifndef KONFERO_BWE_SEQUENCE_UNWRAPPER_H_
#define KONFERO_BWE_SEQUENCE_UNWRAPPER_H_

#include <cstdint>
#include <optional>

namespace konfero::bwe {

class SequenceUnwrapper {
 public:
  // Where `seq` falls relative to the last unwrapped number, without
  // moving the reference. The first number maps to itself.
  int64_t Peek(uint16_t seq) const {
    if (!last_) return seq;
    const auto step = static_cast<int16_t>(static_cast<uint16_t>(seq - *last_));
    return *last_ + step;
  }

  // As Peek, and makes the result the new reference.
  int64_t Unwrap(uint16_t seq) {
    last_ = Peek(seq);
    return *last_;
  }

  // The last number unwrapped, if any.
  std::optional<int64_t> last() const { return last_; }

 private:
  std::optional<int64_t> last_;
};

}  // namespace konfero::bwe

#endif  // KONFERO_BWE_SEQUENCE_UNWRAPPER_H_
