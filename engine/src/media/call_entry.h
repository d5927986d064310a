// call_entry.h: a phone call on a worker before it is admitted into a
// room: its plain-RTP leg, the prompts it hears, and the observer that
// reports its digits and its end with the call's id.
//
// Thread contract: the worker thread that owns it.
#ifndef KONFERO_MEDIA_CALL_ENTRY_H_
#define KONFERO_MEDIA_CALL_ENTRY_H_

#include <memory>
#include <string>

#include "konfero/media_types.h"
#include "media/leg.h"
#include "media/media_commands.h"
#include "media/prompt_source.h"
#include "media/rtp_leg.h"

namespace konfero::media {

class CallEntry final : public LegObserver {
 public:
  CallEntry(CallId call, ReportSink& reports) : call_(call), reports_(reports) {}

  CallId call() const { return call_; }
  // LegObserver: a call hears no room, so its audio is dropped.
  void OnAudioPacket(MediaLeg&, const audio::InputPacket&) override {}
  void OnStateChanged(MediaLeg& from, PeerState state, std::string_view reason) override;
  void OnReceiverLoss(MediaLeg&, int) override {}
  void OnDigit(MediaLeg& from, char digit) override;

  // Every 20 ms: the next prompt frame, or silence.
  void Tick(int64_t now_us);

  std::unique_ptr<RtpLeg> leg;
  std::unique_ptr<PromptSource> prompts;

 private:
  void Report(CallEvent::Type type, char digit, std::string reason);

  const CallId call_;
  ReportSink& reports_;
  audio::EncodedFrame frame_{};
  bool ended_ = false;
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_CALL_ENTRY_H_
