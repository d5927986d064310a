// video_router.cc: forwarding, feedback and allocation for one room.
#include "media/video_router.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "protocol/control_channel.h"
#include "rtp/rtp_header_extensions.h"
#include "rtp/rtx.h"
#include "sfu/layer_allocator.h"
#include "media/video_router_helpers.h"
#include "video/payload_info.h"

namespace konfero::media {
namespace {

constexpr int64_t kAllocationIntervalUs = 200'000;
constexpr int64_t kLayerActiveUs = 1'500'000;  // a layer without packets this long is off
constexpr size_t kSlotHistoryPackets = 256;     // ~1.7 s of 720p video
// A publication without packets this long gives its slots to others (a
// screen share the browser stopped, a camera track that ended).
constexpr int64_t kPublicationIdleUs = 2'000'000;

std::optional<std::string_view> StringExtension(const rtp::RtpPacketView& packet, uint8_t id) {
  if (id == 0) return std::nullopt;
  std::optional<rtp::Mid> value = rtp::GetExtension<rtp::Mid>(packet, id);
  if (!value) return std::nullopt;
  return value->value;
}

const VideoCodecParams* CodecByPayloadType(const std::vector<VideoCodecParams>& codecs,
                                           uint8_t pt) {
  for (const VideoCodecParams& c : codecs) {
    if (c.payload_type == pt) return &c;
  }
  return nullptr;
}

const VideoCodecParams* CodecByRtxPayloadType(const std::vector<VideoCodecParams>& codecs,
                                              uint8_t pt) {
  for (const VideoCodecParams& c : codecs) {
    if (c.rtx_payload_type == pt) return &c;
  }
  return nullptr;
}

}  // namespace

VideoRouter::VideoRouter() = default;
VideoRouter::~VideoRouter() = default;

VideoRouter::PublicationKey VideoRouter::KeyOf(ParticipantId p, VideoSource s) {
  return (ToInt(p) << 1) | static_cast<uint64_t>(s);
}

VideoRouter::Publication* VideoRouter::FindPublication(PublicationKey key) {
  auto it = publications_.find(key);
  return it == publications_.end() ? nullptr : it->second.get();
}

void VideoRouter::AddPeer(VideoPeer& peer, bool on_hold) {
  const ParticipantId id = peer.setup().participant;
  RemovePeer(id);
  auto sub = std::make_unique<Subscriber>();
  sub->participant = id;
  sub->transport = &peer;
  sub->on_hold = on_hold;
  sub->order = next_order_++;
  sub->slots.resize(peer.setup().video.slots.size());
  for (size_t i = 0; i < sub->slots.size(); ++i) {
    sub->slots[i].params = peer.setup().video.slots[i];
  }
  for (const VideoPublicationParams& p : peer.setup().video.publications) {
    AddPublication(peer, p);
  }
  peers_[id] = std::move(sub);
  slots_dirty_ = true;
}

void VideoRouter::AddPublication(VideoPeer& peer, const VideoPublicationParams& p) {
  const ParticipantId id = peer.setup().participant;
  auto pub = std::make_unique<Publication>();
  pub->publisher = id;
  pub->transport = &peer;
  pub->source = p.source;
  pub->mid = p.mid;
  pub->codecs = p.codecs;
  pub->order = next_order_++;
  pub->simulcast = !p.rids.empty();
  if (pub->simulcast) {
    for (const std::string& rid : p.rids) {
      if (pub->layers.size() == 3) break;
      pub->layers.emplace_back().rid = rid;
    }
  } else {
    for (const auto& [ssrc, rtx] : p.ssrcs) {
      Layer& layer = pub->layers.emplace_back();
      layer.ssrc = ssrc;
      layer.rtx_ssrc = rtx;
      ssrcs_[ssrc] = {KeyOf(id, p.source), pub->layers.size() - 1, false};
      if (rtx != 0) ssrcs_[rtx] = {KeyOf(id, p.source), pub->layers.size() - 1, true};
      break;  // one stream without simulcast
    }
    if (pub->layers.empty()) pub->layers.emplace_back();  // SSRC learnt by mid
  }
  publications_[KeyOf(id, p.source)] = std::move(pub);
}

void VideoRouter::RemovePublication(PublicationKey key, std::vector<Subscriber*>& freed) {
  if (!publications_.contains(key)) return;
  absl::erase_if(ssrcs_, [key](const auto& kv) { return kv.second.publication == key; });
  // Unbind every slot showing it (AssignSlots refills them).
  for (auto& [pid, sub] : peers_) {
    for (size_t i = 0; i < sub->slots.size(); ++i) {
      if (sub->slots[i].bound != key) continue;
      Bind(*sub, i, std::nullopt);
      if (std::find(freed.begin(), freed.end(), sub.get()) == freed.end()) {
        freed.push_back(sub.get());
      }
    }
  }
  publications_.erase(key);
}

void VideoRouter::UpdatePeer(VideoPeer& peer) {
  const ParticipantId id = peer.setup().participant;
  auto it = peers_.find(id);
  if (it == peers_.end() || it->second->transport != &peer) return;
  Subscriber& sub = *it->second;
  const VideoParams& video = peer.setup().video;
  // Publications: one whose section (mid) stays keeps its state and
  // viewers; a new section is a new publication; a gone one is removed.
  std::vector<Subscriber*> freed;
  for (VideoSource s : {VideoSource::kCamera, VideoSource::kScreen}) {
    const PublicationKey key = KeyOf(id, s);
    const VideoPublicationParams* now = nullptr;
    for (const VideoPublicationParams& p : video.publications) {
      if (p.source == s) now = &p;
    }
    Publication* before = FindPublication(key);
    if (before != nullptr && now != nullptr && before->mid == now->mid) {
      before->codecs = now->codecs;
      continue;
    }
    if (before != nullptr) RemovePublication(key, freed);
    if (now != nullptr) AddPublication(peer, *now);
  }
  for (Subscriber* other : freed) SendSlots(*other);
  // Slots: those whose mid stays keep their stream state (sequence numbers
  // and timestamps continue); AssignSlots binds them again.
  for (size_t i = 0; i < sub.slots.size(); ++i) Bind(sub, i, std::nullopt);
  std::vector<Slot> slots(video.slots.size());
  for (size_t i = 0; i < video.slots.size(); ++i) {
    for (Slot& old : sub.slots) {
      if (old.params.mid == video.slots[i].mid && old.params.ssrc == video.slots[i].ssrc) {
        slots[i] = std::move(old);
        break;
      }
    }
    slots[i].params = video.slots[i];
  }
  sub.slots = std::move(slots);
  slots_dirty_ = true;
}

void VideoRouter::RemovePeer(ParticipantId participant) {
  auto it = peers_.find(participant);
  if (it == peers_.end()) return;
  std::vector<Subscriber*> freed;  // subscribers with a slot that showed it
  for (VideoSource s : {VideoSource::kCamera, VideoSource::kScreen}) {
    RemovePublication(KeyOf(participant, s), freed);
  }
  // Tell them now: AssignSlots reports only the slots it changes itself, so
  // a slot nothing refills would go on naming the participant who left.
  for (Subscriber* sub : freed) SendSlots(*sub);
  // Its own slots stop being viewers of anything.
  Subscriber* sub = it->second.get();
  for (size_t i = 0; i < sub->slots.size(); ++i) Bind(*sub, i, std::nullopt);
  peers_.erase(it);
  last_spoke_.erase(participant);
  if (active_speaker_ == participant) active_speaker_.reset();
  slots_dirty_ = true;
}

void VideoRouter::SetOnHold(ParticipantId participant, bool on_hold) {
  auto it = peers_.find(participant);
  if (it == peers_.end() || it->second->on_hold == on_hold) return;
  it->second->on_hold = on_hold;
  slots_dirty_ = true;
}

void VideoRouter::SetActiveSpeaker(ParticipantId participant) {
  if (active_speaker_ == participant) return;
  active_speaker_ = participant;
  last_spoke_[participant] = static_cast<int64_t>(next_order_++);
  slots_dirty_ = true;  // the speaker's camera may need a slot
  const std::string json = protocol::ActiveSpeakerMessage(participant);
  for (auto& [id, sub] : peers_) SendControl(*sub->transport, json);
}

absl::Status VideoRouter::SetSubscription(ParticipantId subscriber, std::string_view mid,
                                          const VideoSubscription& settings) {
  if (settings.max_width < 0 || settings.max_height < 0) {
    return absl::InvalidArgumentError("max_width and max_height must be >= 0");
  }
  auto it = peers_.find(subscriber);
  if (it == peers_.end()) {
    return absl::NotFoundError(absl::StrCat("participant ", ToInt(subscriber),
                                            " has no video on this worker"));
  }
  for (Slot& slot : it->second->slots) {
    if (slot.params.mid != mid) continue;
    const bool was_paused = slot.settings.paused;
    slot.settings = settings;
    if (settings.paused && !was_paused) {
      slot.rewriter.Pause();
      // Forget the layer, so that the allocation after the resume starts a
      // switch, which asks the publisher for the keyframe the rewriter will
      // wait for (a resume before the next allocation would otherwise find
      // the layer unchanged and ask for nothing).
      slot.selector.SetTarget(-1);
    }
    if (!settings.paused && was_paused) slot.rewriter.Resume();
    it->second->last_allocation_us = 0;  // reallocate now
    last_allocation_us_ = 0;
    return absl::OkStatus();
  }
  return absl::NotFoundError(absl::StrCat("participant ", ToInt(subscriber),
                                          " has no video slot with mid '", Sv(mid), "'"));
}

absl::Status VideoRouter::SetPublicationPaused(ParticipantId publisher,
                                               VideoSource source, bool paused) {
  Publication* pub = FindPublication(KeyOf(publisher, source));
  if (pub == nullptr) {
    return absl::NotFoundError(absl::StrCat("participant ", ToInt(publisher),
                                            " publishes no ", Sv(ToString(source))));
  }
  if (pub->paused == paused) return absl::OkStatus();
  pub->paused = paused;
  for (auto& [sub, index] : pub->viewers) {
    if (paused) {
      sub->slots[index].rewriter.Pause();
    } else {
      sub->slots[index].rewriter.Resume();
    }
  }
  if (!paused) {
    for (size_t l = 0; l < pub->layers.size(); ++l) RequestKeyframe(*pub, l, 0);
  }
  return absl::OkStatus();
}

const VideoRouter::SsrcEntry* VideoRouter::Classify(VideoPeer& from,
                                                   const rtp::RtpPacketView& packet) {
  if (auto it = ssrcs_.find(packet.ssrc()); it != ssrcs_.end()) return &it->second;
  // A new SSRC: its mid (and rid, or repaired rid for RTX) tell the
  // publication and layer (RFC 8843, RFC 8852).
  const VideoParams& video = from.setup().video;
  const ParticipantId id = from.setup().participant;
  std::optional<std::string_view> mid = StringExtension(packet, video.extensions.mid);
  const VideoPublicationParams* params = nullptr;
  for (const VideoPublicationParams& p : video.publications) {
    if ((mid && p.mid == *mid) || (!mid && video.publications.size() == 1)) params = &p;
  }
  if (params == nullptr) return nullptr;
  Publication* pub = FindPublication(KeyOf(id, params->source));
  if (pub == nullptr) return nullptr;
  const bool rtx = CodecByRtxPayloadType(pub->codecs, packet.payload_type()) != nullptr;
  size_t layer = 0;
  if (pub->simulcast) {
    std::optional<std::string_view> rid = StringExtension(
        packet, rtx ? video.extensions.repaired_rid : video.extensions.rid);
    if (!rid) return nullptr;
    auto found = std::find_if(pub->layers.begin(), pub->layers.end(),
                              [&](const Layer& l) { return l.rid == *rid; });
    if (found == pub->layers.end()) return nullptr;
    layer = static_cast<size_t>(found - pub->layers.begin());
  } else if (rtx ? pub->layers[0].rtx_ssrc != 0 : pub->layers[0].ssrc != 0) {
    return nullptr;  // a stray SSRC: the announced ones are known
  }
  if (rtx) {
    pub->layers[layer].rtx_ssrc = packet.ssrc();
  } else {
    pub->layers[layer].ssrc = packet.ssrc();
  }
  auto [it, inserted] = ssrcs_.insert({packet.ssrc(), SsrcEntry{KeyOf(id, params->source), layer, rtx}});
  return &it->second;
}

void VideoRouter::OnRtp(VideoPeer& from, absl::Span<uint8_t> bytes, int64_t now_us) {
  now_us_ = std::max(now_us_, now_us);
  std::optional<rtp::RtpPacketView> packet =
      rtp::RtpPacketView::Parse(std::span<const uint8_t>(bytes.data(), bytes.size()));
  if (!packet) return;
  const SsrcEntry* entry = Classify(from, *packet);
  if (entry == nullptr) return;
  Publication* pub = FindPublication(entry->publication);
  if (pub == nullptr || pub->transport != &from) return;
  if (!entry->rtx) {
    ForwardMedia(*pub, entry->layer, *packet, false, now_us);
    return;
  }
  // RTX from the publisher (an answer to our NACK): unwrap and forward.
  const VideoCodecParams* codec = CodecByRtxPayloadType(pub->codecs, packet->payload_type());
  const Layer& layer = pub->layers[entry->layer];
  if (codec == nullptr || layer.ssrc == 0 || packet->payload().size() <= 2) return;
  std::optional<size_t> size = rtp::UnwrapRtx(
      *packet, rtp::RtxStream{codec->payload_type, layer.ssrc}, unwrapped_);
  if (!size) return;
  std::optional<rtp::RtpPacketView> original =
      rtp::RtpPacketView::Parse(std::span<const uint8_t>(unwrapped_.data(), *size));
  if (original) ForwardMedia(*pub, entry->layer, *original, true, now_us);
}

void VideoRouter::ForwardMedia(Publication& pub, size_t layer_index,
                               const rtp::RtpPacketView& packet, bool retransmission,
                               int64_t now_us) {
  const VideoCodecParams* codec = CodecByPayloadType(pub.codecs, packet.payload_type());
  if (codec == nullptr || packet.payload().empty()) return;  // padding, or unknown
  std::optional<video::PayloadInfo> info = video::InspectPayload(codec->codec, packet.payload());
  if (!info) return;
  Layer& layer = pub.layers[layer_index];
  layer.last_packet_us = now_us;
  layer.bitrate.Add(packet.bytes().size(), now_us);
  if (info->keyframe && info->begins_frame) {
    if (info->width && info->height) {
      layer.width = *info->width;
      layer.height = *info->height;
    }
    keyframes_.OnKeyframe(layer.ssrc);
  }
  if (pub.paused) return;
  if (auto publisher = peers_.find(pub.publisher);
      publisher == peers_.end() || publisher->second->on_hold) {
    return;
  }
  for (auto& [sub, index] : pub.viewers) {
    ForwardTo(*sub, sub->slots[index], pub, layer_index, packet, info->keyframe,
              info->begins_frame, retransmission, now_us);
  }
}

void VideoRouter::ForwardTo(Subscriber& sub, Slot& slot, Publication& pub, size_t layer,
                            const rtp::RtpPacketView& packet, bool keyframe,
                            bool begins_frame, bool retransmission, int64_t now_us) {
  if (sub.on_hold || slot.settings.paused) return;
  if (slot.selector.OnPacket(static_cast<int>(layer), keyframe, begins_frame) !=
      sfu::LayerSelector::Decision::kForward) {
    return;
  }
  std::optional<sfu::RewrittenPacket> out = slot.rewriter.Rewrite(sfu::SourcePacket{
      packet.ssrc(), packet.sequence_number(), packet.timestamp(), keyframe, begins_frame,
      now_us});
  if (!out) return;
  const VideoCodecParams* in_codec = CodecByPayloadType(pub.codecs, packet.payload_type());
  const VideoCodecParams* out_codec = CodecByKind(slot.params.codecs, in_codec->codec);
  if (out_codec == nullptr) return;
  if (out->source_switched) {
    sub.transport->counters().layer_switches.fetch_add(1, std::memory_order_relaxed);
  }

  rtp::RtpPacketWriter writer(scratch_, rtp::RtpHeader{packet.marker(), out_codec->payload_type,
                                                       out->sequence_number, out->timestamp,
                                                       slot.params.ssrc});
  const VideoExtensionIds& ids = sub.transport->setup().video.extensions;
  // Placeholders the transport stamps when it sends.
  if (ids.abs_send_time != 0) (void)rtp::AddExtension(writer, ids.abs_send_time, rtp::AbsSendTime{});
  if (ids.transport_cc != 0) {
    (void)rtp::AddExtension(writer, ids.transport_cc, rtp::TransportSequenceNumber{});
  }
  if (!writer.SetPayload(packet.payload())) return;
  const size_t size = writer.size();
  if (in_codec->codec == video::VideoCodec::kVp8) {
    std::span<uint8_t> payload(scratch_.data() + size - packet.payload().size(),
                               packet.payload().size());
    if (std::optional<video::Vp8Descriptor> d = video::ParseVp8Descriptor(payload)) {
      slot.vp8.Rewrite(payload, *d, out->source_switched);
    }
  }
  slot.source_ssrc = packet.ssrc();
  slot.sequence_delta = static_cast<uint16_t>(out->sequence_number - packet.sequence_number());
  const std::span<const uint8_t> bytes(scratch_.data(), size);
  if (!slot.nack || slot.nack_rtx_payload_type != out_codec->rtx_payload_type.value_or(0)) {
    rtp::NackResponderConfig config;
    config.media_ssrc = slot.params.ssrc;
    if (out_codec->rtx_payload_type && slot.params.rtx_ssrc != 0) {
      config.rtx = rtp::RtxStream{*out_codec->rtx_payload_type, slot.params.rtx_ssrc};
    }
    config.first_rtx_sequence_number = slot.nack ? slot.nack->next_rtx_sequence_number() : 1;
    config.history.capacity = kSlotHistoryPackets;
    slot.nack = std::make_unique<rtp::NackResponder>(config);
    slot.nack_rtx_payload_type = out_codec->rtx_payload_type.value_or(0);
  }
  slot.nack->history().Store(bytes, now_us);
  ++slot.forwarded;
  sub.transport->SendRtp(absl::MakeConstSpan(bytes.data(), bytes.size()), now_us,
                         retransmission);
}

void VideoRouter::OnFeedback(VideoPeer& from, const rtp::RtcpPacket& packet,
                             int64_t now_us) {
  auto it = peers_.find(from.setup().participant);
  if (it == peers_.end() || it->second->transport != &from) return;
  Subscriber& sub = *it->second;
  const auto keyframe_for = [&](uint32_t media_ssrc) {
    for (Slot& slot : sub.slots) {
      if (slot.params.ssrc != media_ssrc || !slot.bound) continue;
      Publication* pub = FindPublication(*slot.bound);
      const int layer = slot.selector.current_layer() >= 0 ? slot.selector.current_layer()
                                                           : slot.selector.target_layer();
      if (pub != nullptr && layer >= 0) RequestKeyframe(*pub, static_cast<size_t>(layer), now_us);
    }
  };
  if (const auto* nack = std::get_if<rtp::Nack>(&packet)) {
    AnswerNack(sub, *nack, now_us);
  } else if (const auto* pli = std::get_if<rtp::Pli>(&packet)) {
    keyframe_for(pli->media_ssrc);
  } else if (const auto* fir = std::get_if<rtp::Fir>(&packet)) {
    for (const rtp::FirEntry& e : fir->entries) keyframe_for(e.ssrc);
  }
}

void VideoRouter::AnswerNack(Subscriber& sub, const rtp::Nack& nack, int64_t now_us) {
  for (Slot& slot : sub.slots) {
    if (slot.params.ssrc != nack.media_ssrc || !slot.nack) continue;
    rtp::Nack upstream;
    for (uint16_t seq : nack.sequence_numbers) {
      rtp::Nack one{nack.sender_ssrc, nack.media_ssrc, {seq}};
      const uint64_t before = slot.nack->history().stats().not_found_unknown;
      slot.nack->Respond(one, now_us, [&](std::span<const uint8_t> p) {
        sub.transport->SendRtp(absl::MakeConstSpan(p.data(), p.size()), now_us, true);
      });
      // Never forwarded (lost on the publisher's uplink too): ask upstream.
      if (slot.nack->history().stats().not_found_unknown != before) {
        upstream.sequence_numbers.push_back(static_cast<uint16_t>(seq - slot.sequence_delta));
      }
    }
    if (upstream.sequence_numbers.empty() || !slot.bound) continue;
    auto found = ssrcs_.find(slot.source_ssrc);
    if (found == ssrcs_.end()) continue;
    Publication* pub = FindPublication(found->second.publication);
    if (pub == nullptr) continue;
    upstream.sender_ssrc = slot.params.ssrc;
    upstream.media_ssrc = slot.source_ssrc;
    std::array<uint8_t, 512> out{};
    if (upstream.SerializedSize() <= out.size()) {
      const size_t n = upstream.SerializeTo(out);
      pub->transport->SendRtcp(absl::MakeConstSpan(out.data(), n));
    }
  }
}

void VideoRouter::RequestKeyframe(Publication& pub, size_t layer, int64_t now_us) {
  if (layer >= pub.layers.size() || pub.layers[layer].ssrc == 0) return;
  if (keyframes_.Request(pub.layers[layer].ssrc, now_us)) {
    SendPli(pub, pub.layers[layer].ssrc);
  }
}

void VideoRouter::SendPli(Publication& pub, uint32_t media_ssrc) {
  rtp::Pli pli;
  pli.sender_ssrc = pub.transport->setup().audio.send_ssrc != 0
                        ? pub.transport->setup().audio.send_ssrc
                        : 1;
  pli.media_ssrc = media_ssrc;
  std::array<uint8_t, 12> out{};
  pli.SerializeTo(out);
  pub.transport->SendRtcp(out);
  pub.transport->counters().keyframe_requests_out.fetch_add(1, std::memory_order_relaxed);
}

bool VideoRouter::Idle(const Publication& pub, int64_t now_us) const {
  if (pub.paused) return true;
  int64_t last = pub.added_us;
  for (const Layer& layer : pub.layers) last = std::max(last, layer.last_packet_us);
  return now_us - last > kPublicationIdleUs;
}

void VideoRouter::OnTimer(int64_t now_us) {
  now_us_ = std::max(now_us_, now_us);
  for (auto& [key, pub] : publications_) {
    if (pub->added_us < 0) pub->added_us = now_us;
    const bool idle = Idle(*pub, now_us);
    if (idle != pub->idle) {
      pub->idle = idle;
      slots_dirty_ = true;
    }
  }
  if (slots_dirty_) AssignSlots();
  for (uint32_t ssrc : keyframes_.Poll(now_us)) {
    auto it = ssrcs_.find(ssrc);
    if (it == ssrcs_.end()) continue;
    if (Publication* pub = FindPublication(it->second.publication)) SendPli(*pub, ssrc);
  }
  if (now_us - last_allocation_us_ < kAllocationIntervalUs / 4) return;
  last_allocation_us_ = now_us;
  for (auto& [id, sub] : peers_) {
    if (now_us - sub->last_allocation_us >= kAllocationIntervalUs) Allocate(*sub, now_us);
  }
}

void VideoRouter::Allocate(Subscriber& sub, int64_t now_us) {
  sub.last_allocation_us = now_us;
  std::vector<sfu::SubscriptionDemand> demands;
  std::vector<size_t> slot_of;
  for (size_t i = 0; i < sub.slots.size(); ++i) {
    Slot& slot = sub.slots[i];
    Publication* pub = slot.bound ? FindPublication(*slot.bound) : nullptr;
    if (pub == nullptr) continue;
    sfu::SubscriptionDemand d;
    d.priority = pub->source == VideoSource::kScreen
                     ? sfu::SubscriptionDemand::Priority::kScreenShare
                 : pub->publisher == active_speaker_
                     ? sfu::SubscriptionDemand::Priority::kActiveSpeaker
                     : sfu::SubscriptionDemand::Priority::kOther;
    d.paused = slot.settings.paused || pub->paused || sub.on_hold;
    d.max_width = slot.settings.max_width;
    d.max_height = slot.settings.max_height;
    d.layer_count = static_cast<int>(pub->layers.size());
    d.previous_target = slot.selector.target_layer();
    bool lower_active = false;
    for (size_t l = 0; l < pub->layers.size(); ++l) {
      const Layer& layer = pub->layers[l];
      const int64_t bps = layer.bitrate.Bps(now_us);
      bool active = layer.last_packet_us >= 0 && now_us - layer.last_packet_us < kLayerActiveUs;
      // A layer whose bitrate is not measured yet (its first meter bucket)
      // would look free and be given to any link: until then only the
      // lowest active layer is offered.
      if (active && bps == 0 && lower_active) active = false;
      lower_active = lower_active || active;
      d.layers[l] = sfu::LayerInfo{layer.width, layer.height, bps, active};
    }
    demands.push_back(d);
    slot_of.push_back(i);
  }
  if (demands.empty()) return;
  std::vector<int> targets(demands.size(), -1);
  sfu::AllocateLayers(sub.transport->bandwidth_estimate_bps(), demands, targets);
  for (size_t k = 0; k < demands.size(); ++k) {
    Slot& slot = sub.slots[slot_of[k]];
    int target = targets[k];
    // Video keeps flowing at the lowest layer rather than freezing when the
    // estimate is below even that (a real SFU would rather degrade).
    if (target < 0 && !demands[k].paused) {
      for (int l = 0; l < demands[k].layer_count; ++l) {
        if (demands[k].layers[l].active) {
          target = l;
          break;
        }
      }
    }
    slot.selector.SetTarget(target);
    if (target >= 0 && slot.selector.NeedsKeyframe(now_us)) {
      if (Publication* pub = FindPublication(*slot.bound)) {
        RequestKeyframe(*pub, static_cast<size_t>(target), now_us);
      }
    }
  }
}

}  // namespace konfero::media
