// audio_bindings.cc: the audio mixer in Python, on NumPy arrays, as the
// submodule `konfero.audio`.
//
//   from konfero import audio
//   mixer = audio.Mixer(max_participants=8)
//   a = mixer.add_participant(audio.Codec.L16)        # PCM in and out
//   b = mixer.add_participant(audio.Codec.OPUS)       # encoded in and out
//   mixer.push_pcm(a, frame)                          # int16[960]
//   mixer.push_packet(b, opus_bytes, sequence=0, timestamp=0)
//   mixer.tick()
//   heard = mixer.pop_pcm(a)                          # int16[960] or None
//   out = mixer.pop_frame(b)                          # EncodedFrame or None
//
// GIL policy: tick() releases the GIL (it is the engine work); the other
// calls are short and keep it. A Mixer follows the thread contract of
// konfero/audio/mixer.h: tick() from one thread, push/pop for a participant
// from one thread, control calls from one thread.
#include <pybind11/numpy.h>

#include <cstring>
#include <optional>
#include <vector>

#include "audio/mix_kernels.h"
#include "audio/opus_codec.h"
#include "bindings.h"
#include "konfero/audio/audio_types.h"
#include "konfero/audio/mixer.h"

namespace konfero::python {
namespace {

namespace au = ::konfero::audio;
using Int16Array = py::array_t<int16_t, py::array::c_style | py::array::forcecast>;

std::vector<int16_t> FrameFrom(const Int16Array& pcm) {
  if (pcm.ndim() != 1 || pcm.shape(0) != au::kFrameSamples) {
    throw py::value_error("a frame is a 1-D array of 960 int16 samples (20 ms at 48 kHz)");
  }
  return std::vector<int16_t>(pcm.data(), pcm.data() + au::kFrameSamples);
}

py::array_t<int16_t> ArrayOf(const int16_t* data, size_t n) {
  py::array_t<int16_t> out(static_cast<py::ssize_t>(n));
  std::memcpy(out.mutable_data(), data, n * sizeof(int16_t));
  return out;
}

// A Mixer plus what Python needs on top: RTP numbering for push_pcm.
class PyMixer {
 public:
  explicit PyMixer(const au::MixerConfig& config)
      : mixer_(Unwrap(au::Mixer::Create(config))),
        next_(static_cast<size_t>(config.max_participants)) {}

  au::StreamId Add(au::Codec codec) {
    const au::StreamId id = Unwrap(mixer_->AddParticipant(codec));
    next_[id] = {};
    return id;
  }

  bool PushPacket(au::StreamId id, py::bytes payload, int sequence,
                  int64_t timestamp, std::optional<int64_t> arrival_us,
                  int audio_level) {
    const std::string bytes = payload;
    if (bytes.size() > static_cast<size_t>(au::kMaxPayloadBytes)) {
      throw py::value_error("payload larger than one 20 ms frame can be");
    }
    au::InputPacket p;
    p.sequence = static_cast<uint16_t>(sequence);
    p.timestamp = static_cast<uint32_t>(timestamp);
    p.arrival_us = arrival_us.value_or(ticks_ * au::kFrameMs * 1000);
    p.audio_level = static_cast<int8_t>(audio_level < 0 ? -1 : std::min(audio_level, 127));
    p.size = static_cast<uint16_t>(bytes.size());
    std::memcpy(p.payload.data(), bytes.data(), bytes.size());
    return mixer_->PushPacket(id, p);
  }

  // An L16 participant's next 20 ms, numbered automatically.
  bool PushPcm(au::StreamId id, const Int16Array& pcm) {
    const std::vector<int16_t> frame = FrameFrom(pcm);
    if (id >= next_.size()) throw py::index_error("no such participant");
    au::InputPacket p;
    Numbering& n = next_[id];
    p.sequence = n.sequence++;
    p.timestamp = n.timestamp;
    n.timestamp += au::RtpSamplesPerFrame(au::Codec::kL16);
    p.arrival_us = ticks_ * au::kFrameMs * 1000;
    for (int i = 0; i < au::kFrameSamples; ++i) {
      const auto u = static_cast<uint16_t>(frame[static_cast<size_t>(i)]);
      p.payload[static_cast<size_t>(2 * i)] = static_cast<uint8_t>(u & 0xFF);
      p.payload[static_cast<size_t>(2 * i + 1)] = static_cast<uint8_t>(u >> 8);
    }
    p.size = au::kFrameSamples * 2;
    return mixer_->PushPacket(id, p);
  }

  void Tick() {
    py::gil_scoped_release release;
    mixer_->Tick();
    ++ticks_;
  }

  std::optional<au::EncodedFrame> PopFrame(au::StreamId id) {
    au::EncodedFrame f;
    if (!mixer_->PopFrame(id, &f)) return std::nullopt;
    return f;
  }

  std::optional<py::array_t<int16_t>> PopPcm(au::StreamId id) {
    au::EncodedFrame f;
    if (!mixer_->PopFrame(id, &f)) return std::nullopt;
    if (f.codec != au::Codec::kL16) {
      throw py::value_error("pop_pcm is for L16 participants; use pop_frame");
    }
    std::vector<int16_t> pcm(au::kFrameSamples, 0);
    for (int i = 0; i < au::kFrameSamples && 2 * i + 1 < f.size; ++i) {
      pcm[static_cast<size_t>(i)] = static_cast<int16_t>(static_cast<uint16_t>(
          f.payload[static_cast<size_t>(2 * i)] | (f.payload[static_cast<size_t>(2 * i + 1)] << 8)));
    }
    return ArrayOf(pcm.data(), pcm.size());
  }

  au::Mixer& mixer() { return *mixer_; }

 private:
  struct Numbering {
    uint16_t sequence = 0;
    uint32_t timestamp = 0;
  };
  std::unique_ptr<au::Mixer> mixer_;
  std::vector<Numbering> next_;
  int64_t ticks_ = 0;
};

py::dict StatsDict(const au::ParticipantStats& s) {
  py::dict d;
  d["input_dropped"] = s.input_dropped;
  d["output_dropped"] = s.output_dropped;
  d["frames_out"] = s.frames_out;
  d["received"] = s.received;
  d["duplicates"] = s.duplicates;
  d["late"] = s.late;
  d["overruns"] = s.overruns;
  d["concealed"] = s.concealed;
  d["fec"] = s.fec;
  d["dtx"] = s.dtx;
  d["drift_drops"] = s.drift_drops;
  d["stretched"] = s.stretched;
  d["decoded"] = s.decoded;
  d["target_delay_frames"] = s.target_delay_frames;
  d["speaker"] = s.speaker;
  return d;
}

}  // namespace

void BindAudio(py::module_& parent) {
  py::module_ m = parent.def_submodule(
      "audio",
      "The conference audio mixer: 20 ms frames of 48 kHz mono; Opus, G.711 "
      "and L16 (raw int16 PCM) participants; K loudest speakers; O(N) "
      "mix-minus; shared encoding. Frames are NumPy int16 arrays of 960 "
      "samples.");
  m.attr("SAMPLE_RATE") = au::kSampleRateHz;
  m.attr("FRAME_SAMPLES") = au::kFrameSamples;

  py::enum_<au::Codec>(m, "Codec", "The codec a participant speaks and hears.")
      .value("OPUS", au::Codec::kOpus, "Opus, 48 kHz RTP clock")
      .value("PCMU", au::Codec::kPcmu, "G.711 mu-law, 8 kHz")
      .value("PCMA", au::Codec::kPcma, "G.711 A-law, 8 kHz")
      .value("L16", au::Codec::kL16, "raw 48 kHz int16 PCM, little-endian")
      .value("G722", au::Codec::kG722, "G.722 64 kbit/s, 16 kHz audio, 8 kHz RTP clock");

  py::class_<au::EncodedFrame>(m, "EncodedFrame",
                               "One encoded 20 ms frame for a participant.")
      .def_readonly("sequence", &au::EncodedFrame::sequence, "RTP sequence number")
      .def_readonly("timestamp", &au::EncodedFrame::timestamp, "RTP timestamp")
      .def_readonly("codec", &au::EncodedFrame::codec, "the participant's codec")
      .def_readonly("marker", &au::EncodedFrame::marker, "first frame of the stream")
      .def_property_readonly(
          "payload",
          [](const au::EncodedFrame& f) {
            return py::bytes(reinterpret_cast<const char*>(f.payload.data()), f.size);
          },
          "the encoded bytes")
      .def("__repr__", [](const au::EncodedFrame& f) {
        return "EncodedFrame(sequence=" + std::to_string(f.sequence) +
               ", timestamp=" + std::to_string(f.timestamp) +
               ", size=" + std::to_string(f.size) + ")";
      });

  py::class_<PyMixer>(m, "Mixer", "The audio mixer of one room.")
      .def(py::init([](int max_participants, int max_speakers, int opus_bitrate,
                       int opus_complexity, bool opus_fec, int opus_fec_min_loss_percent,
                       int jitter_min_delay_frames, int jitter_max_delay_frames,
                       int activity_level) {
             au::MixerConfig c;
             c.max_participants = max_participants;
             c.selection.max_speakers = max_speakers;
             c.selection.activity_level = activity_level;
             c.opus_bitrate = opus_bitrate;
             c.opus_complexity = opus_complexity;
             c.opus_fec = opus_fec;
             c.opus_fec_min_loss_percent = opus_fec_min_loss_percent;
             c.jitter_min_delay_frames = jitter_min_delay_frames;
             c.jitter_max_delay_frames = jitter_max_delay_frames;
             return std::make_unique<PyMixer>(c);
           }),
           py::kw_only(), py::arg("max_participants") = 64, py::arg("max_speakers") = 3,
           py::arg("opus_bitrate") = 32000, py::arg("opus_complexity") = 5,
           py::arg("opus_fec") = true, py::arg("opus_fec_min_loss_percent") = 1,
           py::arg("jitter_min_delay_frames") = 1,
           py::arg("jitter_max_delay_frames") = 12, py::arg("activity_level") = 50,
           "Allocates everything the mixer will use. activity_level is the RFC "
           "6464 level (-dBov) a stream must beat to be a speaker. The mix "
           "encoders add in-band FEC (if opus_fec) while a receiver of the "
           "stream reports at least opus_fec_min_loss_percent loss (0: always).")
      .def("add_participant", &PyMixer::Add, py::arg("codec") = au::Codec::kOpus,
           "Adds a participant; returns its id. Raises ResourceExhaustedError "
           "when the room is full.")
      .def("remove_participant",
           [](PyMixer& self, au::StreamId id) {
             ThrowIfError(self.mixer().RemoveParticipant(id));
           },
           py::arg("id"), "Removes a participant.")
      .def("set_muted",
           [](PyMixer& self, au::StreamId id, bool muted) {
             ThrowIfError(self.mixer().SetMuted(id, muted));
           },
           py::arg("id"), py::arg("muted"), "A muted participant is never mixed.")
      .def("set_on_hold",
           [](PyMixer& self, au::StreamId id, bool on_hold) {
             ThrowIfError(self.mixer().SetOnHold(id, on_hold));
           },
           py::arg("id"), py::arg("on_hold"),
           "A participant on hold is mixed with nobody and hears the waiting sound.")
      .def("set_receiver_loss",
           [](PyMixer& self, au::StreamId id, int loss_percent) {
             ThrowIfError(self.mixer().SetReceiverLoss(id, loss_percent));
           },
           py::arg("id"), py::arg("loss_percent"),
           "The packet loss (percent) the participant's receiver reports; the "
           "encoder of the stream it hears adapts (expected loss, in-band FEC).")
      .def("push_packet", &PyMixer::PushPacket, py::arg("id"), py::arg("payload"),
           py::kw_only(), py::arg("sequence"), py::arg("timestamp"),
           py::arg("arrival_us") = py::none(), py::arg("audio_level") = -1,
           "Queues one received packet (RTP payload, sequence number and "
           "timestamp in the codec's clock; audio_level is the RFC 6464 value "
           "or -1). arrival_us defaults to the time of the current tick. "
           "False if the input queue is full.")
      .def("push_pcm", &PyMixer::PushPcm, py::arg("id"), py::arg("pcm"),
           "Queues the next 20 ms (960 int16 samples) of an L16 participant.")
      .def("tick", &PyMixer::Tick, "Mixes one 20 ms step (releases the GIL).")
      .def("pop_frame", &PyMixer::PopFrame, py::arg("id"),
           "The next encoded frame for a participant, or None.")
      .def("pop_pcm", &PyMixer::PopPcm, py::arg("id"),
           "The next frame an L16 participant hears, as int16[960], or None.")
      .def("is_speaker",
           [](PyMixer& self, au::StreamId id) { return self.mixer().IsSpeaker(id); },
           py::arg("id"), "Whether the participant is in the speaker set.")
      .def("stats",
           [](PyMixer& self, au::StreamId id) { return StatsDict(self.mixer().GetStats(id)); },
           py::arg("id"), "Counters of one participant (jitter buffer, queues).")
      .def("mixer_stats",
           [](PyMixer& self) {
             const au::MixerStats s = self.mixer().GetMixerStats();
             py::dict d;
             d["ticks"] = s.ticks;
             d["encodes"] = s.encodes;
             d["shared_encodes"] = s.shared_encodes;
             d["decodes"] = s.decodes;
             d["speaker_changes"] = s.speaker_changes;
             return d;
           },
           "Counters of the whole mixer (codec work, speaker changes).");

  py::class_<au::OpusFrameEncoder>(m, "OpusEncoder", "An Opus encoder of 20 ms mono frames.")
      .def(py::init([](int bitrate, int complexity, bool fec) {
             return Unwrap(au::OpusFrameEncoder::Create(
                 {.bitrate = bitrate, .complexity = complexity, .inband_fec = fec}));
           }),
           py::kw_only(), py::arg("bitrate") = 32000, py::arg("complexity") = 5,
           py::arg("fec") = true, "A fresh encoder.")
      .def("encode",
           [](au::OpusFrameEncoder& e, const Int16Array& pcm) {
             const std::vector<int16_t> frame = FrameFrom(pcm);
             std::vector<uint8_t> out(au::kMaxPayloadBytes);
             const int n = e.Encode(frame.data(), out.data(), au::kMaxPayloadBytes);
             if (n < 0) throw py::value_error("opus_encode failed");
             return py::bytes(reinterpret_cast<const char*>(out.data()), static_cast<size_t>(n));
           },
           py::arg("pcm"), "Encodes int16[960]; returns the packet bytes.");

  py::class_<au::OpusFrameDecoder>(m, "OpusDecoder", "An Opus decoder of 20 ms mono frames.")
      .def(py::init([] { return Unwrap(au::OpusFrameDecoder::Create()); }), "A fresh decoder.")
      .def("decode",
           [](au::OpusFrameDecoder& d, std::optional<py::bytes> packet) {
             std::vector<int16_t> pcm(au::kFrameSamples);
             if (packet.has_value()) {
               const std::string b = *packet;
               d.Decode(reinterpret_cast<const uint8_t*>(b.data()), static_cast<int>(b.size()),
                        pcm.data());
             } else {
               d.Conceal(pcm.data());
             }
             return ArrayOf(pcm.data(), pcm.size());
           },
           py::arg("packet"),
           "Decodes a packet to int16[960]; None conceals a lost frame (PLC).");

  m.def(
      "mix_minus",
      [](const Int16Array& frames) {
        if (frames.ndim() != 2) throw py::value_error("frames must be 2-D: (participants, samples)");
        const auto n = static_cast<size_t>(frames.shape(0));
        const auto len = static_cast<size_t>(frames.shape(1));
        py::array_t<int16_t> out({frames.shape(0), frames.shape(1)});
        const int16_t* in = frames.data();
        int16_t* o = out.mutable_data();
        {
          py::gil_scoped_release release;
          std::vector<const int16_t*> ptrs(n);
          std::vector<int16_t*> outs(n);
          for (size_t i = 0; i < n; ++i) {
            ptrs[i] = in + i * len;
            outs[i] = o + i * len;
          }
          au::kernels::MixMinus(ptrs.data(), n, outs.data(), len);
        }
        return out;
      },
      py::arg("frames"),
      "Offline mix-minus: row i of the result is the sum of all rows but i, "
      "through the soft-knee limiter (the mixer's SIMD kernels).");
}

}  // namespace konfero::python
