// prompts/prompt_gen_main.cc: konfero_prompt_gen, the build-time tool that
// turns one spoken prompt (a WAV from espeak-ng, or a recording) into a C++
// source file holding its audio as 16 kHz mono int16:
//
//   konfero_prompt_gen in.wav out.cc kPromptEnEnterPin
//
// Steps: read 16-bit PCM WAV (any rate, channels averaged), remove DC,
// resample to 16 kHz (speexdsp, best quality), cut the silence at both ends
// (10 ms windows quieter than 40 dB under the loudest), fade the cut edges
// over 5 ms, set the level so that active speech (20 ms windows within 30 dB
// of the loudest) has an RMS of -16 dBFS unless that would take a peak above
// -1 dBFS, and pad 200 ms of digital silence at each end. Output is
// deterministic: same input, same bytes. Errors go to stderr, exit status 1.
#include <speex/speex_resampler.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

constexpr int kOutRate = 16000;
constexpr double kTargetRmsDbfs = -16.0;
constexpr double kPeakCeilingDbfs = -1.0;
constexpr int kPadMs = 200;
constexpr int kFadeMs = 5;
constexpr double kTrimBelowLoudestDb = 40.0;
constexpr double kActiveBelowLoudestDb = 30.0;

struct Audio {
  int rate = 0;
  std::vector<double> samples;  // mono, full scale = 1.0
};

uint32_t Le32(const std::string& b, size_t at) {
  return static_cast<uint32_t>(static_cast<uint8_t>(b[at])) |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 8 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 2])) << 16 |
         static_cast<uint32_t>(static_cast<uint8_t>(b[at + 3])) << 24;
}
uint16_t Le16(const std::string& b, size_t at) {
  return static_cast<uint16_t>(static_cast<uint8_t>(b[at]) |
                               static_cast<uint8_t>(b[at + 1]) << 8);
}

// A RIFF/WAVE file of 16-bit PCM. A data size past the end of the file (a
// WAV written as a stream) is cut to what is there.
std::optional<Audio> ReadWav(const std::string& path, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *error = "cannot open";
    return std::nullopt;
  }
  const std::string b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (b.size() < 12 || b.compare(0, 4, "RIFF") != 0 || b.compare(8, 4, "WAVE") != 0) {
    *error = "not a RIFF/WAVE file";
    return std::nullopt;
  }
  int channels = 0;
  int rate = 0;
  bool have_fmt = false;
  size_t at = 12;
  while (at + 8 <= b.size()) {
    const std::string id = b.substr(at, 4);
    const uint64_t size = Le32(b, at + 4);
    const size_t body = at + 8;
    if (id == "fmt ") {
      if (size < 16 || body + 16 > b.size()) {
        *error = "short fmt chunk";
        return std::nullopt;
      }
      uint16_t format = Le16(b, body);
      if (format == 0xFFFE && size >= 40 && body + 40 <= b.size()) {
        format = Le16(b, body + 24);  // WAVE_FORMAT_EXTENSIBLE: the subformat GUID
      }
      channels = Le16(b, body + 2);
      rate = static_cast<int>(Le32(b, body + 4));
      const int bits = Le16(b, body + 14);
      if (format != 1 || bits != 16) {
        *error = "only 16-bit PCM WAV is supported (convert with e.g. "
                 "sox in.wav -b 16 out.wav)";
        return std::nullopt;
      }
      if (channels < 1 || rate < 4000 || rate > 384000) {
        *error = "bad channel count or sample rate";
        return std::nullopt;
      }
      have_fmt = true;
    } else if (id == "data") {
      if (!have_fmt) {
        *error = "data chunk before fmt chunk";
        return std::nullopt;
      }
      const size_t bytes = static_cast<size_t>(std::min<uint64_t>(size, b.size() - body));
      const size_t frames = bytes / (2 * static_cast<size_t>(channels));
      Audio a;
      a.rate = rate;
      a.samples.resize(frames);
      for (size_t i = 0; i < frames; ++i) {
        double sum = 0;
        for (int c = 0; c < channels; ++c) {
          sum += static_cast<int16_t>(Le16(b, body + 2 * (i * channels + c)));
        }
        a.samples[i] = sum / channels / 32768.0;
      }
      return a;
    }
    at = body + size + (size & 1);
  }
  *error = have_fmt ? "no data chunk" : "no fmt chunk";
  return std::nullopt;
}

std::vector<double> ResampleTo16k(const Audio& in, std::string* error) {
  if (in.rate == kOutRate) return in.samples;
  int err = RESAMPLER_ERR_SUCCESS;
  SpeexResamplerState* st = speex_resampler_init(
      1, static_cast<spx_uint32_t>(in.rate), kOutRate, SPEEX_RESAMPLER_QUALITY_MAX, &err);
  if (st == nullptr) {
    *error = std::string("speex_resampler_init: ") + speex_resampler_strerror(err);
    return {};
  }
  speex_resampler_skip_zeros(st);
  // The input, then zeros to flush the filter's delay.
  std::vector<float> src(in.samples.begin(), in.samples.end());
  src.resize(src.size() + static_cast<size_t>(speex_resampler_get_input_latency(st)) + 64, 0.0f);
  const size_t want = static_cast<size_t>(
      (static_cast<uint64_t>(in.samples.size()) * kOutRate + in.rate - 1) / in.rate);
  std::vector<float> dst(want + 64);
  size_t in_done = 0;
  size_t out_done = 0;
  while (in_done < src.size() && out_done < dst.size()) {
    spx_uint32_t in_len = static_cast<spx_uint32_t>(src.size() - in_done);
    spx_uint32_t out_len = static_cast<spx_uint32_t>(dst.size() - out_done);
    speex_resampler_process_float(st, 0, src.data() + in_done, &in_len,
                                  dst.data() + out_done, &out_len);
    if (in_len == 0 && out_len == 0) break;
    in_done += in_len;
    out_done += out_len;
  }
  speex_resampler_destroy(st);
  dst.resize(std::min(want, out_done));
  return std::vector<double>(dst.begin(), dst.end());
}

double WindowRms(const std::vector<double>& x, size_t begin, size_t n) {
  double sum = 0;
  const size_t end = std::min(x.size(), begin + n);
  for (size_t i = begin; i < end; ++i) sum += x[i] * x[i];
  return end > begin ? std::sqrt(sum / static_cast<double>(end - begin)) : 0.0;
}

double DbToAmplitude(double db) { return std::pow(10.0, db / 20.0); }

// Trims, fades, levels and pads; returns the final int16 samples.
std::vector<int16_t> Shape(std::vector<double> x, std::string* error) {
  double mean = 0;
  for (double v : x) mean += v;
  if (!x.empty()) mean /= static_cast<double>(x.size());
  for (double& v : x) v -= mean;

  const size_t trim_window = kOutRate / 100;
  double loudest = 0;
  for (size_t at = 0; at < x.size(); at += trim_window) {
    loudest = std::max(loudest, WindowRms(x, at, trim_window));
  }
  if (loudest < DbToAmplitude(-70)) {
    *error = "the audio is silent";
    return {};
  }
  const double trim_threshold = loudest * DbToAmplitude(-kTrimBelowLoudestDb);
  size_t first = x.size();
  size_t last = 0;
  for (size_t at = 0; at < x.size(); at += trim_window) {
    if (WindowRms(x, at, trim_window) >= trim_threshold) {
      first = std::min(first, at);
      last = std::min(x.size(), at + trim_window);
    }
  }
  std::vector<double> speech(x.begin() + static_cast<std::ptrdiff_t>(first),
                             x.begin() + static_cast<std::ptrdiff_t>(last));
  const size_t fade = std::min<size_t>(kOutRate * kFadeMs / 1000, speech.size() / 2);
  for (size_t i = 0; i < fade; ++i) {
    const double g = static_cast<double>(i) / static_cast<double>(fade);
    speech[i] *= g;
    speech[speech.size() - 1 - i] *= g;
  }

  const size_t level_window = kOutRate / 50;
  double speech_loudest = 0;
  for (size_t at = 0; at < speech.size(); at += level_window) {
    speech_loudest = std::max(speech_loudest, WindowRms(speech, at, level_window));
  }
  const double active_threshold = speech_loudest * DbToAmplitude(-kActiveBelowLoudestDb);
  double power = 0;
  size_t active = 0;
  double peak = 0;
  for (size_t at = 0; at < speech.size(); at += level_window) {
    const double rms = WindowRms(speech, at, level_window);
    if (rms >= active_threshold) {
      const size_t n = std::min(level_window, speech.size() - at);
      power += rms * rms * static_cast<double>(n);
      active += n;
    }
  }
  for (double v : speech) peak = std::max(peak, std::fabs(v));
  const double active_rms = std::sqrt(power / static_cast<double>(active));
  const double gain = std::min(DbToAmplitude(kTargetRmsDbfs) / active_rms,
                               DbToAmplitude(kPeakCeilingDbfs) / peak);

  const size_t pad = kOutRate * kPadMs / 1000;
  std::vector<int16_t> out(pad + speech.size() + pad, 0);
  for (size_t i = 0; i < speech.size(); ++i) {
    const double v = std::clamp(std::nearbyint(speech[i] * gain * 32768.0), -32768.0, 32767.0);
    out[pad + i] = static_cast<int16_t>(v);
  }
  return out;
}

std::string Basename(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string Source(const std::string& input, const std::string& symbol,
                   const std::vector<int16_t>& samples) {
  std::ostringstream s;
  s << "// Generated by konfero_prompt_gen from " << Basename(input)
    << ": do not edit.\n"
    << "// " << samples.size() << " samples, 16 kHz mono.\n"
    << "#include <cstdint>\n\n"
    << "#include \"prompts/pcm_clip.h\"\n\n"
    << "namespace konfero::prompts::internal {\n"
    << "namespace {\n\n"
    << "constexpr int16_t kSamples[] = {\n";
  for (size_t i = 0; i < samples.size(); ++i) {
    s << (i % 16 == 0 ? "  " : " ") << samples[i] << ',';
    if (i % 16 == 15 || i + 1 == samples.size()) s << '\n';
  }
  s << "};\n\n"
    << "}  // namespace\n\n"
    << "extern const PcmClip " << symbol << ";\n"
    << "constinit const PcmClip " << symbol
    << "{kSamples, sizeof(kSamples) / sizeof(kSamples[0])};\n\n"
    << "}  // namespace konfero::prompts::internal\n";
  return s.str();
}

int Fail(const std::string& what, const std::string& error) {
  std::fprintf(stderr, "konfero_prompt_gen: %s: %s\n", what.c_str(), error.c_str());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: konfero_prompt_gen in.wav out.cc symbol\n");
    return 2;
  }
  const std::string input = argv[1];
  const std::string output = argv[2];
  const std::string symbol = argv[3];
  std::string error;
  const std::optional<Audio> audio = ReadWav(input, &error);
  if (!audio) return Fail(input, error);
  std::vector<double> at16k = ResampleTo16k(*audio, &error);
  if (!error.empty()) return Fail(input, error);
  const std::vector<int16_t> samples = Shape(std::move(at16k), &error);
  if (samples.empty()) return Fail(input, error);

  // Written under a temporary name and renamed, so a failed run leaves no
  // half-written source behind that the build would take as current.
  const std::string temporary = output + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << Source(input, symbol, samples);
    if (!out.flush()) return Fail(temporary, "cannot write");
  }
  if (std::rename(temporary.c_str(), output.c_str()) != 0) {
    return Fail(output, "cannot rename the temporary file into place");
  }
  return 0;
}
