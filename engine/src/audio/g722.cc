// audio/g722.cc: see g722.h.
#include "audio/g722.h"

#include <algorithm>

// spandsp 0.0.6's g722.h needs SPAN_DECLARE from telephony.h first; the
// decoder's state is opened (private/g722.h) to switch on the ITU test mode.
#define SPANDSP_EXPOSE_INTERNAL_STRUCTURES 1
#include <spandsp/telephony.h>
#include <spandsp/g722.h>
#include <spandsp/private/g722.h>

#include "absl/status/status.h"

namespace konfero::audio {
namespace {

constexpr int kBitRate = 64000;

// G.722's QMF coefficients (Recommendation G.722, Table 11 / spandsp's
// qmf_coeffs_fwd), DC gain 4096; the second half of the 24 taps mirrors the
// first.
constexpr int16_t kQmfFwd[12] = {3,    -11, 12,  32,  -210, 951,
                                 3876, -805, 362, -156, 53,  -11};
constexpr int16_t kQmfRev[12] = {-11, 53,   -156, 362, -805, 3876,
                                 951, -210, 32,   12,  -11,  3};

// Dot product of 12 samples (oldest first) with coefficients.
int32_t Dot12(const int16_t* x, const int16_t* coeffs) {
  int32_t z = 0;
  for (int i = 0; i < 12; ++i) z += int32_t{x[i]} * coeffs[i];
  return z;
}

int16_t Saturate(int32_t x) {
  return static_cast<int16_t>(std::clamp<int32_t>(x, -32768, 32767));
}

}  // namespace

absl::StatusOr<std::unique_ptr<G722Encoder>> G722Encoder::Create() {
  g722_encode_state_t* s = g722_encode_init(nullptr, kBitRate, 0);
  if (s == nullptr) return absl::InternalError("g722_encode_init failed");
  return std::unique_ptr<G722Encoder>(new G722Encoder(s));
}

G722Encoder::~G722Encoder() { g722_encode_free(state_); }

int G722Encoder::Encode(const int16_t* pcm_16k, int samples, uint8_t* out) {
  // spandsp reads samples in pairs: an odd count would read one too many.
  const int even = samples > 0 ? samples & ~1 : 0;
  return even == 0 ? 0 : g722_encode(state_, out, pcm_16k, even);
}

// With an existing state, g722_*_init clears it in place: no allocation.
void G722Encoder::Reset() { g722_encode_init(state_, kBitRate, 0); }

void G722Encoder::CopyStateFrom(const G722Encoder& other) {
  *state_ = *other.state_;
}

absl::StatusOr<std::unique_ptr<G722Decoder>> G722Decoder::Create(Output output) {
  const int options = output == Output::k8kHz ? G722_SAMPLE_RATE_8000 : 0;
  g722_decode_state_t* s = g722_decode_init(nullptr, kBitRate, options);
  if (s == nullptr) return absl::InternalError("g722_decode_init failed");
  std::unique_ptr<G722Decoder> d(new G722Decoder(s, output));
  d->Init();
  return d;
}

G722Decoder::~G722Decoder() { g722_decode_free(state_); }

void G722Decoder::Init() {
  if (output_ == Output::k8kHz) {
    g722_decode_init(state_, kBitRate, G722_SAMPLE_RATE_8000);
    return;
  }
  g722_decode_init(state_, kBitRate, 0);
  // Test mode: per byte, the low and the high band's reconstructed signal
  // (each doubled), instead of the unsaturated QMF output.
  state_->itu_test_mode = 1;
  std::fill(std::begin(sum_), std::end(sum_), int16_t{0});
  std::fill(std::begin(diff_), std::end(diff_), int16_t{0});
}

int G722Decoder::Decode(const uint8_t* data, int bytes, int16_t* out) {
  if (bytes <= 0) return 0;
  if (output_ == Output::k8kHz) return g722_decode(state_, out, data, bytes);
  constexpr int kHistory = kTaps - 1;
  int written = 0;
  for (int done = 0; done < bytes; done += kChunkBytes) {
    const int n = std::min(kChunkBytes, bytes - done);
    g722_decode(state_, bands_, data + done, n);
    for (int i = 0; i < n; ++i) {
      // Undo the doubling: both bands are 15-bit, so the sum fits 16 bits.
      const int low = bands_[2 * i] >> 1;
      const int high = bands_[2 * i + 1] >> 1;
      sum_[kHistory + i] = static_cast<int16_t>(low + high);
      diff_[kHistory + i] = static_cast<int16_t>(low - high);
    }
    for (int i = 0; i < n; ++i) {
      // DC gain 4096, less one bit for the codec's 15-bit signal: >> 11.
      out[written++] = Saturate(Dot12(diff_ + i, kQmfRev) >> 11);
      out[written++] = Saturate(Dot12(sum_ + i, kQmfFwd) >> 11);
    }
    std::copy(sum_ + n, sum_ + n + kHistory, sum_);
    std::copy(diff_ + n, diff_ + n + kHistory, diff_);
  }
  return written;
}

void G722Decoder::Reset() { Init(); }

}  // namespace konfero::audio
