// audio_rtp.cc: RTP <-> mixer frames, without allocation.
#include "transport/audio_rtp.h"

#include <cstring>

#include "rtp/rtp_header_extensions.h"

namespace konfero::transport {

bool ToInputPacket(const rtp::RtpPacketView& packet,
                   const AudioRtpParams& params, int64_t arrival_us,
                   audio::InputPacket& out) {
  if (packet.payload_type() != params.payload_type) return false;
  const auto payload = packet.payload();
  if (payload.size() > out.payload.size()) return false;
  out.sequence = packet.sequence_number();
  out.timestamp = packet.timestamp();
  out.arrival_us = arrival_us;
  out.audio_level = -1;
  out.voice = false;
  if (params.audio_level_id != 0) {
    if (auto level = rtp::GetExtension<rtp::AudioLevel>(packet, params.audio_level_id)) {
      out.audio_level = static_cast<int8_t>(level->level);
      out.voice = level->voice_activity;
    }
  }
  out.size = static_cast<uint16_t>(payload.size());
  if (!payload.empty()) std::memcpy(out.payload.data(), payload.data(), payload.size());
  return true;
}

size_t WriteAudioRtp(const audio::EncodedFrame& frame,
                     const AudioRtpParams& params, std::span<uint8_t> buffer) {
  rtp::RtpHeader header;
  header.marker = frame.marker;
  header.payload_type = params.payload_type;
  header.sequence_number = frame.sequence;
  header.timestamp = frame.timestamp;
  header.ssrc = params.send_ssrc;
  rtp::RtpPacketWriter writer(buffer, header);
  if (!writer.ok()) return 0;
  if (!writer.SetPayload(std::span<const uint8_t>(frame.payload.data(), frame.size))) {
    return 0;
  }
  return writer.size();
}

}  // namespace konfero::transport
