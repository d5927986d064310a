// video_router_slots.cc: which publication each subscriber's slots show,
// and the "control" data channel that tells the subscriber (and takes its
// wishes).
#include <algorithm>
#include <tuple>

#include "media/video_router.h"
#include "media/video_router_helpers.h"
#include "nlohmann/json.hpp"

namespace konfero::media {

void VideoRouter::Bind(Subscriber& sub, size_t index, std::optional<PublicationKey> key) {
  Slot& slot = sub.slots[index];
  if (slot.bound == key) return;
  if (slot.bound) {
    if (Publication* old = FindPublication(*slot.bound)) {
      std::erase_if(old->viewers, [&](const auto& v) { return v.first == &sub && v.second == index; });
    }
  }
  slot.bound = key;
  slot.selector.SetTarget(-1);
  slot.selector = sfu::LayerSelector();
  // Whatever the slot shows next starts at a keyframe, numbered on from
  // what it sent last (also when it is the same source again after a pause).
  slot.rewriter.Pause();
  if (key && !slot.settings.paused) slot.rewriter.Resume();
  if (key) {
    if (Publication* pub = FindPublication(*key)) pub->viewers.emplace_back(&sub, index);
  }
  sub.last_allocation_us = 0;
}

void VideoRouter::AssignSlots() {
  slots_dirty_ = false;
  for (auto& [sid, sub] : peers_) {
    std::vector<Publication*> wanted;
    if (!sub->on_hold && !sub->slots.empty()) {
      for (auto& [key, pub] : publications_) {
        if (pub->publisher == sub->participant) continue;
        auto publisher = peers_.find(pub->publisher);
        if (publisher == peers_.end() || publisher->second->on_hold) continue;
        if (pub->idle) continue;
        if (pub->codecs.empty() ||
            CodecByKind(sub->slots.front().params.codecs, pub->codecs.front().codec) == nullptr) {
          continue;
        }
        wanted.push_back(pub.get());
      }
      const auto rank = [&](const Publication* p) {
        const auto spoke = last_spoke_.find(p->publisher);
        return std::make_tuple(p->source == VideoSource::kScreen ? 0 : 1,
                               p->publisher == active_speaker_ ? 0 : 1,
                               spoke == last_spoke_.end() ? 0 : -spoke->second, p->order);
      };
      std::sort(wanted.begin(), wanted.end(),
                [&](const Publication* a, const Publication* b) { return rank(a) < rank(b); });
      if (wanted.size() > sub->slots.size()) wanted.resize(sub->slots.size());
    }
    bool changed = false;
    // Keep what is still wanted where it is; free the rest.
    for (size_t i = 0; i < sub->slots.size(); ++i) {
      const std::optional<PublicationKey> bound = sub->slots[i].bound;
      if (!bound) continue;
      const bool keep = std::any_of(wanted.begin(), wanted.end(), [&](const Publication* p) {
        return KeyOf(p->publisher, p->source) == *bound;
      });
      if (!keep) {
        Bind(*sub, i, std::nullopt);
        changed = true;
      }
    }
    for (Publication* p : wanted) {
      const PublicationKey key = KeyOf(p->publisher, p->source);
      const bool shown = std::any_of(sub->slots.begin(), sub->slots.end(),
                                     [&](const Slot& s) { return s.bound == key; });
      if (shown) continue;
      for (size_t i = 0; i < sub->slots.size(); ++i) {
        if (sub->slots[i].bound) continue;
        Bind(*sub, i, key);
        changed = true;
        break;
      }
    }
    if (changed) SendSlots(*sub);
  }
}

void VideoRouter::SendSlots(Subscriber& sub) {
  nlohmann::json slots = nlohmann::json::array();
  for (const Slot& slot : sub.slots) {
    nlohmann::json s = {{"mid", slot.params.mid}, {"participant", nullptr}};
    if (slot.bound) {
      if (Publication* pub = FindPublication(*slot.bound)) {
        s["participant"] = ToInt(pub->publisher);
        s["source"] = SourceName(pub->source);
      }
    }
    slots.push_back(std::move(s));
  }
  SendControl(*sub.transport, nlohmann::json{{"type", "video-slots"}, {"slots", slots}}.dump());
}

void VideoRouter::SendControl(VideoPeer& peer, const std::string& json) {
  peer.SendData("control", sctp::MessageKind::kText,
                absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
}

void VideoRouter::OnControlChannelOpen(VideoPeer& peer) {
  auto it = peers_.find(peer.setup().participant);
  if (it == peers_.end() || it->second->transport != &peer) return;
  SendSlots(*it->second);
  if (active_speaker_) {
    SendControl(peer, nlohmann::json{{"type", "active-speaker"},
                                     {"participant", ToInt(*active_speaker_)}}
                          .dump());
  }
}

void VideoRouter::OnControlMessage(VideoPeer& from, std::string_view text) {
  nlohmann::json message = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!message.is_object() || !message.contains("type") || !message["type"].is_string()) return;
  const ParticipantId id = from.setup().participant;
  const std::string type = message["type"].get<std::string>();
  const auto integer = [&](const char* key) {
    auto it = message.find(key);
    return it != message.end() && it->is_number_integer() ? it->get<int>() : 0;
  };
  const auto boolean = [&](const char* key) {
    auto it = message.find(key);
    return it != message.end() && it->is_boolean() && it->get<bool>();
  };
  if (type == "subscribe" && message.contains("mid") && message["mid"].is_string()) {
    (void)SetSubscription(id, message["mid"].get<std::string>(),
                          {boolean("paused"), integer("max_width"), integer("max_height")});
  } else if (type == "publish" && message.contains("source") && message["source"].is_string()) {
    const std::string source = message["source"].get<std::string>();
    if (source == "camera" || source == "screen") {
      (void)SetPublicationPaused(
          id, source == "screen" ? VideoSource::kScreen : VideoSource::kCamera,
          boolean("paused"));
    }
  }
}

}  // namespace konfero::media
