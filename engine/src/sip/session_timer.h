// sip/session_timer.h: SIP session timers (RFC 4028) for our UAS side: the
// negotiation of an INVITE's (or refresh's) Session-Expires / Min-SE /
// Supported: timer into either a 422 or the values of our 2xx, and the
// timer that says when to send a refresh (we are the refresher) or a BYE
// (the peer is, and its refresh did not come).
//
//   sip::SessionTimerAnswer st = sip::NegotiateSessionTimerAsUas(invite, config);
//   if (st.kind == sip::SessionTimerAnswer::Kind::kReject) {
//     layer.SendResponse(tx, sip::MakeSessionTimerReject(invite, st, tag), now_us);  // 422
//     return;
//   }
//   st.ApplyTo2xx(ok);                       // Session-Expires: 1800;refresher=uac, Require: timer
//   timer.Start(st, now_us);
//   // at timer.next_deadline_us():
//   switch (timer.OnTimer(now_us)) {
//     case sip::SessionTimer::Action::kSendRefresh: {      // UPDATE (or re-INVITE)
//       SipMessage update = dialog.MakeRequest("UPDATE");
//       timer.ApplyToRefreshRequest(update, config.min_se_s);
//       ...; // on its 2xx: timer.OnRefreshResponse(response, now_us)
//       break;
//     }
//     case sip::SessionTimer::Action::kSendBye: ...; break;
//     case sip::SessionTimer::Action::kNone: break;
//   }
//   // a refresh from the peer: negotiate it like the INVITE, then Start again.
//
// Decisions (RFC 4028 section 9):
// - Session-Expires below our Min-SE: 422 with our Min-SE when the peer
//   supports timer; when it does not (a proxy inserted the header) a 422
//   would not be understood, so we accept with our Min-SE and refresh
//   ourselves.
// - A larger Session-Expires than config.session_expires_s is lowered to it
//   (never below the request's Min-SE or ours).
// - No Session-Expires: if the peer supports timer we ask for
//   config.session_expires_s with config.preferred_refresher; if it does
//   not, we refresh ourselves (refresher=uas) if config.enable_without_support.
// - refresher: the request's if it names one and the peer supports timer;
//   uas whenever the peer does not support timer.
// - Require: timer in our 2xx exactly when the peer supports timer.
//
// Thread contract: values and pure functions; a SessionTimer is used from
// one thread.
#ifndef KONFERO_SIP_SESSION_TIMER_H_
#define KONFERO_SIP_SESSION_TIMER_H_

#include <cstdint>
#include <optional>
#include <string_view>

#include "sip/message.h"
#include "sip/transaction_types.h"

namespace konfero::sip {

enum class Refresher : uint8_t { kUac, kUas };
std::string_view RefresherName(Refresher refresher);  // "uac", "uas"

struct SessionTimerConfig {
  int min_se_s = 90;            // our Min-SE (RFC 4028: at least 90)
  int session_expires_s = 1800;  // the interval we ask for, and the most we accept
  Refresher preferred_refresher = Refresher::kUac;  // when the peer supports timer and leaves it open
  bool enable_without_support = true;  // refresh ourselves when the peer lacks timer support
};

struct SessionTimerAnswer {
  enum class Kind : uint8_t {
    kNone,    // no session timer for this session
    kReject,  // answer reject_status (422 Session Interval Too Small, or 400)
    kAccept,  // use interval_s with refresher
  };
  Kind kind = Kind::kNone;
  int reject_status = 0;
  int min_se_s = 0;  // kReject 422: the Min-SE to put in the response
  int interval_s = 0;
  Refresher refresher = Refresher::kUas;  // roles of the negotiating request: uas = us
  bool peer_supports_timer = false;

  bool we_refresh() const { return kind == Kind::kAccept && refresher == Refresher::kUas; }
  // kAccept: sets Session-Expires: <interval>;refresher=<uac|uas> and adds
  // Require: timer if the peer supports timer. Otherwise does nothing.
  void ApplyTo2xx(SipMessage& response) const;
};

// RFC 4028 section 9 for an INVITE, re-INVITE or UPDATE we receive.
SessionTimerAnswer NegotiateSessionTimerAsUas(const SipMessage& request,
                                              const SessionTimerConfig& config);
// The response to a kReject answer: 422 with Min-SE, or 400.
SipMessage MakeSessionTimerReject(const SipMessage& request, const SessionTimerAnswer& answer,
                                  std::string_view to_tag);

class SessionTimer {
 public:
  enum class Action : uint8_t {
    kNone,
    kSendRefresh,  // we are the refresher: half the interval has passed
    kSendBye,      // the session expired: interval - min(32 s, interval / 3) without a refresh
  };

  // The time from a (re)start to our refresh, and to giving up.
  static int64_t RefreshDelayUs(int interval_s);
  static int64_t ExpiryDelayUs(int interval_s);

  // A session interval starts at now_us (our 2xx, or the 2xx of a refresh).
  void Start(int interval_s, bool we_refresh, int64_t now_us);
  // Start from a negotiation (kAccept); a kNone/kReject answer stops the timer.
  void Start(const SessionTimerAnswer& answer, int64_t now_us);
  void Stop();
  // RFC 4028 7.2: the 2xx to our refresh request (we were its UAC): its
  // Session-Expires restarts the timer (refresher=uac: still us); without
  // one the session timer is off.
  void OnRefreshResponse(const SipMessage& response_2xx, int64_t now_us);

  // Call at or after next_deadline_us(). kSendRefresh once per interval;
  // kSendBye once, after which the timer is stopped.
  Action OnTimer(int64_t now_us);
  int64_t next_deadline_us() const;

  bool active() const { return active_; }
  bool we_refresh() const { return we_refresh_; }
  int interval_s() const { return interval_s_; }

  // Our refresh request (UPDATE or re-INVITE, we are its UAC):
  // Session-Expires: <interval>;refresher=uac, Min-SE, Supported: timer.
  void ApplyToRefreshRequest(SipMessage& request, int min_se_s) const;

 private:
  bool active_ = false;
  bool we_refresh_ = false;
  int interval_s_ = 0;
  int64_t refresh_at_us_ = kNever;
  int64_t expire_at_us_ = kNever;
};

}  // namespace konfero::sip

#endif  // KONFERO_SIP_SESSION_TIMER_H_
