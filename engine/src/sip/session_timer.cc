// sip/session_timer.cc: RFC 4028 negotiation (UAS side) and the refresh /
// expiry timer.
#include "sip/session_timer.h"

#include <algorithm>
#include <charconv>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"

namespace konfero::sip {
namespace {

struct SessionExpires {
  int seconds = 0;
  std::optional<Refresher> refresher;
};

std::string_view Trim(std::string_view s) {
  return Sv(absl::StripAsciiWhitespace(Sv(s)));
}

// delta-seconds (RFC 3261 25.1: 1*DIGIT); values beyond ~68 years are capped.
std::optional<int> ParseDelta(std::string_view text) {
  text = Trim(text);
  if (text.empty() || text.size() > 10) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < 0) return std::nullopt;
  return static_cast<int>(std::min<int64_t>(value, 2'000'000'000));
}

// "1800;refresher=uac" (other parameters ignored). nullopt if malformed.
std::optional<SessionExpires> ParseSessionExpires(std::string_view value) {
  size_t semi = value.find(';');
  std::optional<int> seconds = ParseDelta(value.substr(0, semi));
  if (!seconds || *seconds == 0) return std::nullopt;
  SessionExpires result{*seconds, std::nullopt};
  while (semi != std::string_view::npos) {
    value = value.substr(semi + 1);
    semi = value.find(';');
    std::string_view param = Trim(value.substr(0, semi));
    size_t eq = param.find('=');
    if (eq == std::string_view::npos) continue;
    if (!EqualsIgnoreCase(Trim(param.substr(0, eq)), "refresher")) continue;
    std::string_view who = Trim(param.substr(eq + 1));
    if (EqualsIgnoreCase(who, "uac")) {
      result.refresher = Refresher::kUac;
    } else if (EqualsIgnoreCase(who, "uas")) {
      result.refresher = Refresher::kUas;
    } else {
      return std::nullopt;
    }
  }
  return result;
}

bool HasOptionTag(const SipMessage& message, std::string_view header, std::string_view tag) {
  for (std::string_view value : message.GetAll(header)) {
    if (EqualsIgnoreCase(Trim(value), tag)) return true;
  }
  return false;
}

constexpr int64_t kMicros = 1'000'000;

}  // namespace

std::string_view RefresherName(Refresher refresher) {
  return refresher == Refresher::kUac ? "uac" : "uas";
}

void SessionTimerAnswer::ApplyTo2xx(SipMessage& response) const {
  if (kind != Kind::kAccept) return;
  response.Set("Session-Expires",
               absl::StrCat(interval_s, ";refresher=", Sv(RefresherName(refresher))));
  if (peer_supports_timer && !HasOptionTag(response, "Require", "timer")) {
    response.Add("Require", "timer");
  }
}

SessionTimerAnswer NegotiateSessionTimerAsUas(const SipMessage& request,
                                              const SessionTimerConfig& config) {
  SessionTimerAnswer answer;
  answer.peer_supports_timer =
      HasOptionTag(request, "Supported", "timer") || HasOptionTag(request, "Require", "timer");
  int peer_min_se = 90;  // RFC 4028 5: absent Min-SE means 90 s
  if (std::optional<std::string_view> min_se = request.Get("Min-SE")) {
    std::optional<int> value = ParseDelta(min_se->substr(0, min_se->find(';')));
    if (!value) {
      answer.kind = SessionTimerAnswer::Kind::kReject;
      answer.reject_status = 400;
      return answer;
    }
    peer_min_se = *value;
  }
  const int floor_s = std::max(peer_min_se, config.min_se_s);

  std::optional<std::string_view> se_value = request.Get("Session-Expires");
  if (!se_value) {
    if (!answer.peer_supports_timer && !config.enable_without_support) return answer;
    answer.kind = SessionTimerAnswer::Kind::kAccept;
    answer.interval_s = std::max(config.session_expires_s, floor_s);
    answer.refresher = answer.peer_supports_timer ? config.preferred_refresher : Refresher::kUas;
    return answer;
  }
  std::optional<SessionExpires> se = ParseSessionExpires(*se_value);
  if (!se) {
    answer.kind = SessionTimerAnswer::Kind::kReject;
    answer.reject_status = 400;
    return answer;
  }
  if (se->seconds < config.min_se_s && answer.peer_supports_timer) {
    answer.kind = SessionTimerAnswer::Kind::kReject;
    answer.reject_status = 422;
    answer.min_se_s = floor_s;
    return answer;
  }
  answer.kind = SessionTimerAnswer::Kind::kAccept;
  answer.interval_s = std::max(std::min(se->seconds, config.session_expires_s), floor_s);
  if (!answer.peer_supports_timer) {
    answer.refresher = Refresher::kUas;
  } else {
    answer.refresher = se->refresher.value_or(config.preferred_refresher);
  }
  return answer;
}

SipMessage MakeSessionTimerReject(const SipMessage& request, const SessionTimerAnswer& answer,
                                  std::string_view to_tag) {
  if (answer.reject_status == 422) {
    SipMessage response = MakeResponse(request, 422, "Session Interval Too Small", to_tag);
    response.Add("Min-SE", std::to_string(answer.min_se_s));
    return response;
  }
  return MakeResponse(request, 400, "Bad Session-Expires or Min-SE", to_tag);
}

int64_t SessionTimer::RefreshDelayUs(int interval_s) { return int64_t{interval_s} * kMicros / 2; }

int64_t SessionTimer::ExpiryDelayUs(int interval_s) {
  // RFC 4028 10: the BYE goes out min(32, interval / 3) seconds before the
  // session would expire.
  const int64_t interval_us = int64_t{interval_s} * kMicros;
  return interval_us - std::min<int64_t>(32 * kMicros, interval_us / 3);
}

void SessionTimer::Start(int interval_s, bool we_refresh, int64_t now_us) {
  if (interval_s <= 0) {
    Stop();
    return;
  }
  active_ = true;
  we_refresh_ = we_refresh;
  interval_s_ = interval_s;
  refresh_at_us_ = we_refresh ? now_us + RefreshDelayUs(interval_s) : kNever;
  expire_at_us_ = now_us + ExpiryDelayUs(interval_s);
}

void SessionTimer::Start(const SessionTimerAnswer& answer, int64_t now_us) {
  if (answer.kind != SessionTimerAnswer::Kind::kAccept) {
    Stop();
    return;
  }
  Start(answer.interval_s, answer.we_refresh(), now_us);
}

void SessionTimer::Stop() {
  active_ = false;
  refresh_at_us_ = kNever;
  expire_at_us_ = kNever;
}

void SessionTimer::OnRefreshResponse(const SipMessage& response_2xx, int64_t now_us) {
  std::optional<std::string_view> value = response_2xx.Get("Session-Expires");
  std::optional<SessionExpires> se = value ? ParseSessionExpires(*value) : std::nullopt;
  if (!se) {
    Stop();
    return;
  }
  // We were the refresh's UAC: refresher=uac (or none, RFC 4028 7.2) is us.
  Start(se->seconds, se->refresher.value_or(Refresher::kUac) == Refresher::kUac, now_us);
}

SessionTimer::Action SessionTimer::OnTimer(int64_t now_us) {
  if (!active_) return Action::kNone;
  if (now_us >= expire_at_us_) {
    Stop();
    return Action::kSendBye;
  }
  if (now_us >= refresh_at_us_) {
    refresh_at_us_ = kNever;  // until the refresh's 2xx restarts the interval
    return Action::kSendRefresh;
  }
  return Action::kNone;
}

int64_t SessionTimer::next_deadline_us() const {
  return active_ ? std::min(refresh_at_us_, expire_at_us_) : kNever;
}

void SessionTimer::ApplyToRefreshRequest(SipMessage& request, int min_se_s) const {
  request.Set("Session-Expires", absl::StrCat(interval_s_, ";refresher=uac"));
  request.Set("Min-SE", std::to_string(min_se_s));
  if (!HasOptionTag(request, "Supported", "timer")) request.Add("Supported", "timer");
}

}  // namespace konfero::sip
