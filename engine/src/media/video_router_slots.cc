// video_router_slots.cc: which publication each subscriber's slots show,
// and the "control" data channel that tells the subscriber (and takes its
// wishes).
#include <algorithm>
#include <tuple>

#include "media/video_router.h"
#include "media/video_router_helpers.h"
#include "protocol/control_channel.h"

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
  std::vector<protocol::SlotAssignment> slots;
  slots.reserve(sub.slots.size());
  for (const Slot& slot : sub.slots) {
    protocol::SlotAssignment& s = slots.emplace_back();
    s.mid = slot.params.mid;
    if (slot.bound) {
      if (Publication* pub = FindPublication(*slot.bound)) {
        s.participant = pub->publisher;
        s.source = pub->source;
      }
    }
  }
  SendControl(*sub.transport, protocol::VideoSlotsMessage(slots));
}

void VideoRouter::SendControl(VideoPeer& peer, const std::string& json) {
  peer.SendData(protocol::kControlChannelLabel, sctp::MessageKind::kText,
                absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(json.data()), json.size()));
}

void VideoRouter::OnControlChannelOpen(VideoPeer& peer) {
  auto it = peers_.find(peer.setup().participant);
  if (it == peers_.end() || it->second->transport != &peer) return;
  SendSlots(*it->second);
  if (active_speaker_) SendControl(peer, protocol::ActiveSpeakerMessage(*active_speaker_));
}

void VideoRouter::OnControlMessage(VideoPeer& from, std::string_view text) {
  const ParticipantId id = from.setup().participant;
  const protocol::ControlRequest request = protocol::ParseControlRequest(text);
  if (const auto* subscribe = std::get_if<protocol::SubscribeRequest>(&request)) {
    (void)SetSubscription(id, subscribe->mid, subscribe->subscription);
  } else if (const auto* publish = std::get_if<protocol::PublishRequest>(&request)) {
    (void)SetPublicationPaused(id, publish->source, publish->paused);
  }
}

}  // namespace konfero::media
