// sdp/offer_builder.cc: BuildOffer, the server's (re)offer, and
// ValidateAnswer, the check of the client's answer to it (JSEP, RFC 8829
// §5.2 and §5.10).
//
// In a BUNDLE group a payload type (and an extmap id) must mean the same
// thing in every section (RFC 8843 §9.1), so the builder keeps a table of
// the numbers in use: sections already negotiated keep theirs, new sections
// copy a negotiated section of their kind, and only for a kind never
// negotiated are the preferred numbers taken, moved when taken already.
#include <array>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "konfero/sdp/negotiation.h"
#include "sdp/negotiation_common.h"
#include "sdp/sdp_attributes.h"
#include "sdp/sdp_text.h"

namespace konfero::sdp {
namespace {

bool SameFormat(const Codec& a, const Codec& b) {
  return EqualsIgnoreCase(a.name, b.name) && a.clock_rate == b.clock_rate &&
         a.channels == b.channels && a.fmtp == b.fmtp;
}

class NumberTable {
 public:
  void Register(const MediaDescription& m) {
    for (const Codec& c : m.codecs) {
      if (!pts_[c.payload_type]) pts_[c.payload_type] = c;
    }
    for (const Extmap& e : m.extmaps) {
      if (e.id < ids_.size() && !ids_[e.id]) ids_[e.id] = e.uri;
    }
  }
  // `codec` with a payload type free for it, preferring its own.
  std::optional<uint8_t> PayloadTypeFor(const Codec& codec) {
    auto fits = [&](int pt) { return !pts_[pt] || SameFormat(*pts_[pt], codec); };
    int chosen = -1;
    if (fits(codec.payload_type)) chosen = codec.payload_type;
    for (int pt = 96; chosen < 0 && pt <= 127; ++pt) chosen = fits(pt) ? pt : -1;
    for (int pt = 35; chosen < 0 && pt <= 63; ++pt) chosen = fits(pt) ? pt : -1;
    if (chosen < 0) return std::nullopt;
    pts_[chosen] = codec;
    pts_[chosen]->payload_type = static_cast<uint8_t>(chosen);
    return static_cast<uint8_t>(chosen);
  }
  std::optional<uint16_t> IdFor(std::string_view uri, uint16_t preferred) {
    auto fits = [&](size_t id) { return !ids_[id] || *ids_[id] == uri; };
    size_t chosen = 0;
    if (preferred >= 1 && preferred <= 14 && fits(preferred)) chosen = preferred;
    for (size_t id = 1; chosen == 0 && id <= 14; ++id) chosen = fits(id) ? id : 0;
    if (chosen == 0) return std::nullopt;
    ids_[chosen] = std::string(uri);
    return static_cast<uint16_t>(chosen);
  }

 private:
  std::array<std::optional<Codec>, 128> pts_;
  std::array<std::optional<std::string>, 256> ids_;
};

// Codecs and extmaps for a kind never negotiated.
absl::Status DefaultRtp(const OfferOptions& options, MediaKind kind, NumberTable& table,
                        MediaDescription& m) {
  for (const SupportedCodec& ours : options.codecs) {
    if (ours.kind != kind) continue;
    Codec codec = ToCodec(ours, ours.preferred_payload_type);
    auto pt = table.PayloadTypeFor(codec);
    if (!pt) return absl::ResourceExhaustedError("no free RTP payload type");
    codec.payload_type = *pt;
    m.codecs.push_back(codec);
    if (!ours.rtx) continue;
    Codec rtx = MakeRtx(ours.preferred_rtx_payload_type, *pt, ours.clock_rate);
    auto rtx_pt = table.PayloadTypeFor(rtx);
    if (!rtx_pt) return absl::ResourceExhaustedError("no free RTP payload type for rtx");
    rtx.payload_type = *rtx_pt;
    m.codecs.push_back(std::move(rtx));
  }
  if (m.codecs.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("no codec configured for ", Sv(ToString(kind))));
  }
  for (const SupportedExtension& e : options.extensions) {
    if (e.kind != kind) continue;
    auto id = table.IdFor(e.uri, e.preferred_id);
    if (!id) return absl::ResourceExhaustedError("no free header extension id");
    m.extmaps.push_back(Extmap{*id, std::nullopt, e.uri, ""});
  }
  return absl::OkStatus();
}

const MediaDescription* NegotiatedOfKind(const SessionDescription* current, MediaKind kind) {
  if (current == nullptr) return nullptr;
  for (const MediaDescription& m : current->media) {
    if (m.kind() == kind && !m.is_rejected() && !m.codecs.empty()) return &m;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<SessionDescription> BuildOffer(absl::Span<const OfferSection> sections,
                                              const OfferOptions& options,
                                              const SessionDescription* current) {
  if (absl::Status s = ValidateLocalParameters(options); !s.ok()) return s;
  if (current != nullptr && sections.size() < current->media.size()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "offer has ", sections.size(), " sections; the current description has ",
        current->media.size(), " and sections can only be marked removed"));
  }
  for (size_t i = 0; i < sections.size(); ++i) {
    const OfferSection& s = sections[i];
    const bool kept_removed = s.removed && current != nullptr && i < current->media.size();
    if (s.mid.empty() || !IsWord(s.mid) || (s.kind == MediaKind::kOther && !kept_removed)) {
      return absl::InvalidArgumentError(absl::StrCat("offer section ", i, ": bad mid or kind"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (sections[j].mid == s.mid) {
        return absl::InvalidArgumentError(absl::StrCat("offer repeats mid '", s.mid, "'"));
      }
    }
    if (current != nullptr && i < current->media.size()) {
      const MediaDescription& prev = current->media[i];
      if (prev.mid != s.mid || prev.kind() != s.kind) {
        return absl::FailedPreconditionError(absl::StrCat(
            "offer section ", i, " is mid '", s.mid, "' but the current description has mid '",
            prev.mid, "' (", prev.media, ") there: mids and order must stay"));
      }
    }
  }

  NumberTable table;
  if (current != nullptr) {
    for (const MediaDescription& m : current->media) {
      if (!m.is_rejected()) table.Register(m);
    }
  }

  SessionDescription offer;
  offer.origin.session_id = current ? current->origin.session_id : options.origin_session_id;
  offer.origin.session_version =
      current ? current->origin.session_version + 1 : options.origin_session_version;
  offer.ice_lite = true;
  offer.extmap_allow_mixed = current ? current->extmap_allow_mixed : true;
  offer.msid_semantic = MsidSemantic{"WMS", {"*"}};
  Group bundle{"BUNDLE", {}};

  for (size_t i = 0; i < sections.size(); ++i) {
    const OfferSection& spec = sections[i];
    const MediaDescription* prev =
        current != nullptr && i < current->media.size() && !current->media[i].is_rejected()
            ? &current->media[i]
            : nullptr;
    if (spec.removed && current != nullptr && i < current->media.size()) {
      offer.media.push_back(RejectedSection(current->media[i]));
      continue;
    }
    MediaDescription m;
    m.media = std::string(ToString(spec.kind));
    m.mid = spec.mid;
    if (spec.kind == MediaKind::kApplication) {
      m.protocol = prev ? prev->protocol : "UDP/DTLS/SCTP";
      if (prev && prev->sctpmap) {
        m.formats = {std::to_string(options.sctp_port)};
        m.sctpmap = SctpMap{options.sctp_port, "webrtc-datachannel", prev->sctpmap->streams};
      } else {
        m.formats = {"webrtc-datachannel"};
        m.sctp_port = options.sctp_port;
      }
      m.max_message_size = options.max_message_size;
    } else {
      const MediaDescription* source = prev ? prev : NegotiatedOfKind(current, spec.kind);
      if (source != nullptr) {
        m.protocol = source->protocol;
        for (const Codec& c : source->codecs) m.codecs.push_back(c);
        m.extmaps = source->extmaps;
        m.rtcp_rsize = source->rtcp_rsize;
        if (source == prev) {
          // Negotiated simulcast stays (RFC 8853 §5.4: an offer without it ends it).
          m.rids = prev->rids;
          m.simulcast = prev->simulcast;
        }
      } else if (absl::Status s = DefaultRtp(options, spec.kind, table, m); !s.ok()) {
        return s;
      }
      m.extmap_allow_mixed = prev ? prev->extmap_allow_mixed : false;
      m.rtcp_mux = true;
      m.direction = spec.direction;
      if (spec.track && spec.direction != Direction::kRecvOnly &&
          spec.direction != Direction::kInactive) {
        ApplyLocalTrack(*spec.track, m);
      }
    }
    if (spec.removed) {
      offer.media.push_back(RejectedSection(m));
      continue;
    }
    ApplyLocalTransport(options, options.setup, m);
    bundle.mids.push_back(m.mid);
    offer.media.push_back(std::move(m));
  }
  if (!bundle.mids.empty()) offer.groups.push_back(std::move(bundle));
  return offer;
}

absl::Status ValidateAnswer(const SessionDescription& offer, const SessionDescription& answer) {
  if (answer.media.size() != offer.media.size()) {
    return absl::InvalidArgumentError(absl::StrCat("answer has ", answer.media.size(),
                                                   " m= sections, the offer ", offer.media.size()));
  }
  bool any_accepted = false;
  for (size_t i = 0; i < offer.media.size(); ++i) {
    const MediaDescription& o = offer.media[i];
    const MediaDescription& a = answer.media[i];
    const std::string where = absl::StrCat("answer m= section ", i, " (mid '", a.mid, "')");
    if (a.media != o.media || a.mid != o.mid) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": media or mid differs from the offer's '", o.mid, "'"));
    }
    // RFC 8843 lets an answerer give bundled sections other than the tag
    // port 0 (without bundle-only): in the BUNDLE group they are accepted.
    bool bundled = false;
    if (const Group* group = answer.BundleGroup()) {
      for (const std::string& mid : group->mids) bundled = bundled || (!a.mid.empty() && mid == a.mid);
    }
    if (a.is_rejected() && !bundled) continue;
    if (o.is_rejected()) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": accepts a removed section"));
    }
    if (a.protocol != o.protocol) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": protocol differs"));
    }
    any_accepted = true;
    if (!o.is_rtp()) continue;
    if (!a.rtcp_mux) return absl::InvalidArgumentError(absl::StrCat(where, ": no a=rtcp-mux"));
    for (const Codec& c : a.codecs) {
      const Codec* offered = o.FindCodec(c.payload_type);
      if (offered == nullptr || !EqualsIgnoreCase(offered->name, c.name) ||
          offered->clock_rate != c.clock_rate) {
        return absl::InvalidArgumentError(absl::StrCat(
            where, ": payload type ", c.payload_type, " (", c.name, ") was not offered"));
      }
    }
    for (const Extmap& e : a.extmaps) {
      bool offered = false;
      for (const Extmap& oe : o.extmaps) offered = offered || (oe.id == e.id && oe.uri == e.uri);
      if (!offered) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": extmap ", e.id, " ", e.uri, " was not offered"));
      }
    }
    const bool direction_ok =
        o.direction == Direction::kSendRecv || a.direction == Direction::kInactive ||
        a.direction == Reverse(o.direction);
    if (!direction_ok || (o.direction == Direction::kInactive && a.direction != o.direction)) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": a=", Sv(ToString(a.direction)),
                                                     " does not answer a=", Sv(ToString(o.direction))));
    }
  }
  if (!any_accepted) return absl::OkStatus();

  absl::StatusOr<TransportDescription> transport = GetBundleTransport(answer);
  if (!transport.ok()) return transport.status();
  absl::StatusOr<TransportDescription> offered = GetBundleTransport(offer);
  // Plain values rather than optionals: g++ 12 at -O2 mistakes a copied
  // std::optional<enum> for uninitialised (-Wmaybe-uninitialized).
  const SetupRole ours = offered.ok() && offered->setup ? *offered->setup
                                                        : SetupRole::kActpass;
  if (!transport->setup || (*transport->setup != SetupRole::kActive &&
                            *transport->setup != SetupRole::kPassive)) {
    return absl::InvalidArgumentError("answer a=setup must be active or passive");
  }
  const SetupRole theirs = *transport->setup;
  if ((ours == SetupRole::kPassive && theirs != SetupRole::kActive) ||
      (ours == SetupRole::kActive && theirs != SetupRole::kPassive)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "answer a=setup:", Sv(ToString(theirs)), " conflicts with the offer's DTLS role"));
  }
  if (const Group* group = answer.BundleGroup()) {
    const Group* offered_group = offer.BundleGroup();
    for (const std::string& mid : group->mids) {
      bool ok = false;
      if (offered_group != nullptr) {
        for (const std::string& m : offered_group->mids) ok = ok || m == mid;
      }
      if (!ok) {
        return absl::InvalidArgumentError(
            absl::StrCat("answer BUNDLEs mid '", mid, "' which the offer did not"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace konfero::sdp
