// control_channel.cc: the "control" data channel's JSON.
#include "protocol/control_channel.h"

#include "nlohmann/json.hpp"

namespace konfero::protocol {
namespace {

// The wire names (the same words as konfero::ToString, but this is the
// protocol's to fix).
const char* SourceName(VideoSource source) {
  return source == VideoSource::kScreen ? "screen" : "camera";
}

}  // namespace

std::string VideoSlotsMessage(const std::vector<SlotAssignment>& slots) {
  nlohmann::json list = nlohmann::json::array();
  for (const SlotAssignment& slot : slots) {
    nlohmann::json s = {{"mid", slot.mid}, {"participant", nullptr}};
    if (slot.participant) {
      s["participant"] = ToInt(*slot.participant);
      s["source"] = SourceName(slot.source);
    }
    list.push_back(std::move(s));
  }
  return nlohmann::json{{"type", "video-slots"}, {"slots", std::move(list)}}.dump();
}

std::string ActiveSpeakerMessage(ParticipantId participant) {
  return nlohmann::json{{"type", "active-speaker"}, {"participant", ToInt(participant)}}.dump();
}

ControlRequest ParseControlRequest(std::string_view text) {
  const nlohmann::json message =
      nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!message.is_object()) return ControlIgnored{};
  const auto string = [&](const char* key) -> std::optional<std::string> {
    auto it = message.find(key);
    if (it == message.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  const auto integer = [&](const char* key) {
    auto it = message.find(key);
    return it != message.end() && it->is_number_integer() ? it->get<int>() : 0;
  };
  const auto boolean = [&](const char* key) {
    auto it = message.find(key);
    return it != message.end() && it->is_boolean() && it->get<bool>();
  };
  const std::optional<std::string> type = string("type");
  if (type == "subscribe") {
    std::optional<std::string> mid = string("mid");
    if (!mid) return ControlIgnored{};
    return SubscribeRequest{*std::move(mid),
                            {boolean("paused"), integer("max_width"), integer("max_height")}};
  }
  if (type == "publish") {
    const std::optional<std::string> source = string("source");
    if (source != "camera" && source != "screen") return ControlIgnored{};
    return PublishRequest{source == "screen" ? VideoSource::kScreen : VideoSource::kCamera,
                          boolean("paused")};
  }
  return ControlIgnored{};
}

}  // namespace konfero::protocol
