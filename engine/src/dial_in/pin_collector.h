// pin_collector.h: what a phone caller does before it is in a room: it
// hears the PIN prompt and types the PIN, ended by '#'. A sans-I/O state
// machine: the call feeds it digits, the end of prompts and the time, and
// carries out the actions it returns (play a prompt, check a PIN, hang up).
//
// Rules:
// - Digits typed while a prompt plays count; '*' starts over; '#' ends the
//   PIN (a '#' with nothing typed replays the prompt). More than 12 digits
//   end the PIN too (it cannot be right).
// - A wrong PIN: the "wrong PIN" prompt, and the caller tries again; after
//   `max_attempts` wrong PINs, "goodbye" and the hang-up.
// - Silence for `timeout` after the last prompt or digit: a reminder; the
//   same again: "goodbye" and the hang-up.
// - "Goodbye" is followed by the hang-up once it has played (or after
//   `goodbye_grace` at the latest, for a leg that plays nothing).
//
// Thread contract: one thread (the control thread); plain state.
#ifndef KONFERO_DIAL_IN_PIN_COLLECTOR_H_
#define KONFERO_DIAL_IN_PIN_COLLECTOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "konfero/prompts.h"

namespace konfero::dial_in {

struct PinCollectorOptions {
  int max_attempts = 3;
  int64_t timeout_us = 20'000'000;
  int64_t goodbye_grace_us = 8'000'000;
  int max_digits = 12;
};

struct PinAction {
  enum class Type : uint8_t {
    kPlay,    // play `prompt` (after what is queued, or at once with `interrupt`)
    kCheck,   // check `pin`; answer with OnVerdict
    kHangUp,  // end the call
  };
  Type type = Type::kPlay;
  PromptId prompt = PromptId::kEnterPin;
  bool interrupt = false;
  std::string pin;
  friend bool operator==(const PinAction&, const PinAction&) = default;
};

class PinCollector {
 public:
  enum class Verdict : uint8_t { kRight, kWrong, kRefused };
  enum class State : uint8_t { kCollecting, kChecking, kAdmitted, kLeaving, kDone };

  PinCollector(PinCollectorOptions options, int64_t now_us);

  // The call is answered: the welcome prompt.
  std::vector<PinAction> Start(int64_t now_us);
  std::vector<PinAction> OnDigit(char digit, int64_t now_us);
  std::vector<PinAction> OnPromptsDone(int64_t now_us);
  // The answer to a kCheck. kRefused: no more tries (locked out, barred).
  std::vector<PinAction> OnVerdict(Verdict verdict, int64_t now_us);
  std::vector<PinAction> OnTimer(int64_t now_us);
  // When OnTimer next has something to do.
  int64_t NextDeadline() const;

  State state() const { return state_; }
  int wrong_attempts() const { return wrong_; }

 private:
  std::vector<PinAction> Leave(PromptId prompt, int64_t now_us);
  std::vector<PinAction> Submit(int64_t now_us);

  const PinCollectorOptions options_;
  State state_ = State::kCollecting;
  std::string digits_;
  int wrong_ = 0;
  int reminders_ = 0;
  bool prompt_playing_ = false;
  int64_t silence_since_us_;
  int64_t leave_deadline_us_ = 0;
};

}  // namespace konfero::dial_in

#endif  // KONFERO_DIAL_IN_PIN_COLLECTOR_H_
