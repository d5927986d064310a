// recording_engine.h: a konfero::Engine for the dial-in tests that passes
// every call to a real Engine and records the phone-call ones the dial-in
// makes (calls answered or offered, prompts played, admissions, hang-ups),
// so a test can name the engine's CallId and see what the caller hears.
//
// Thread contract: the control thread, like the Engine it wraps.
#ifndef KONFERO_TESTS_DIAL_IN_RECORDING_ENGINE_H_
#define KONFERO_TESTS_DIAL_IN_RECORDING_ENGINE_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "konfero/engine.h"

namespace konfero::dial_in_test {

class RecordingEngine final : public Engine {
 public:
  struct Prompt {
    CallId call{};
    PromptId prompt = PromptId::kEnterPin;
    bool interrupt = false;
    bool ok = false;  // what the real engine answered
  };

  explicit RecordingEngine(Engine& real) : real_(real) {}

  std::vector<CallId> calls;  // answered or offered, in order
  std::vector<Prompt> prompts;
  std::vector<std::pair<CallId, ParticipantId>> admitted;
  std::vector<CallId> hung_up;

  std::vector<PromptId> PromptIds() const {
    std::vector<PromptId> ids;
    for (const Prompt& p : prompts) ids.push_back(p.prompt);
    return ids;
  }

  // ---- Recorded ------------------------------------------------------------
  absl::StatusOr<AnsweredCall> AnswerCall(std::string_view offer,
                                          const RtpLegOptions& options) override {
    absl::StatusOr<AnsweredCall> answered = real_.AnswerCall(offer, options);
    if (answered.ok()) calls.push_back(answered->call);
    return answered;
  }
  absl::StatusOr<OfferedCall> OfferCall(const RtpLegOptions& options) override {
    absl::StatusOr<OfferedCall> offered = real_.OfferCall(options);
    if (offered.ok()) calls.push_back(offered->call);
    return offered;
  }
  absl::Status PlayPrompt(CallId call, PromptId prompt, PromptLanguage language,
                          bool interrupt) override {
    absl::Status s = real_.PlayPrompt(call, prompt, language, interrupt);
    prompts.push_back({call, prompt, interrupt, s.ok()});
    return s;
  }
  absl::Status AdmitCall(CallId call, ParticipantId participant) override {
    absl::Status s = real_.AdmitCall(call, participant);
    if (s.ok()) admitted.emplace_back(call, participant);
    return s;
  }
  absl::Status HangUpCall(CallId call) override {
    hung_up.push_back(call);
    return real_.HangUpCall(call);
  }

  // ---- Passed through ------------------------------------------------------
  absl::Status AcceptCallAnswer(CallId call, std::string_view answer) override {
    return real_.AcceptCallAnswer(call, answer);
  }
  absl::StatusOr<std::string> UpdateCall(CallId call, std::string_view offer) override {
    return real_.UpdateCall(call, offer);
  }
  void SetCallHandler(CallHandler handler) override { real_.SetCallHandler(std::move(handler)); }
  absl::StatusOr<std::string> Connect(ParticipantId participant, std::string_view offer) override {
    return real_.Connect(participant, offer);
  }
  absl::StatusOr<std::string> CreateOffer(ParticipantId participant) override {
    return real_.CreateOffer(participant);
  }
  absl::Status AcceptAnswer(ParticipantId participant, std::string_view answer) override {
    return real_.AcceptAnswer(participant, answer);
  }
  absl::StatusOr<std::string> ConnectRtp(ParticipantId participant, std::string_view offer,
                                         const RtpLegOptions& options) override {
    return real_.ConnectRtp(participant, offer, options);
  }
  absl::StatusOr<std::string> CreateRtpOffer(ParticipantId participant,
                                             const RtpLegOptions& options) override {
    return real_.CreateRtpOffer(participant, options);
  }
  absl::Status AcceptRtpAnswer(ParticipantId participant, std::string_view answer) override {
    return real_.AcceptRtpAnswer(participant, answer);
  }
  absl::Status SendDtmf(ParticipantId participant, std::string_view digits) override {
    return real_.SendDtmf(participant, digits);
  }
  void SetDtmfHandler(DtmfHandler handler) override { real_.SetDtmfHandler(std::move(handler)); }
  absl::Status PlayPrompt(ParticipantId participant, PromptId prompt,
                          PromptLanguage language) override {
    return real_.PlayPrompt(participant, prompt, language);
  }
  absl::Status Disconnect(ParticipantId participant) override {
    return real_.Disconnect(participant);
  }
  absl::StatusOr<PeerStats> GetStats(ParticipantId participant) override {
    return real_.GetStats(participant);
  }
  EngineTotals GetTotals() const override { return real_.GetTotals(); }
  absl::Status SetVideoSubscription(ParticipantId subscriber, std::string_view mid,
                                    const VideoSubscription& subscription) override {
    return real_.SetVideoSubscription(subscriber, mid, subscription);
  }
  absl::Status SetVideoPaused(ParticipantId publisher, VideoSource source, bool paused) override {
    return real_.SetVideoPaused(publisher, source, paused);
  }
  absl::Status SetEgressImpairment(ParticipantId participant,
                                   const NetworkImpairment& impairment) override {
    return real_.SetEgressImpairment(participant, impairment);
  }
  std::optional<ParticipantId> ActiveSpeaker(RoomId room) const override {
    return real_.ActiveSpeaker(room);
  }
  std::vector<std::string> listen_addresses() const override { return real_.listen_addresses(); }

 private:
  Engine& real_;
};

}  // namespace konfero::dial_in_test

#endif  // KONFERO_TESTS_DIAL_IN_RECORDING_ENGINE_H_
