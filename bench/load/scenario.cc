// scenario.cc: set-up over REST, then the tick-driven run.
#include "load/scenario.h"

#include <openssl/rand.h>
#include <sys/resource.h>

#include <boost/asio/signal_set.hpp>
#include <chrono>
#include <csignal>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "load/http_client.h"
#include "load/server_sampler.h"

namespace konfero::load {
namespace {

constexpr auto kTick = std::chrono::milliseconds(5);
constexpr int64_t kStopGraceUs = 15'000'000;
// Tone frequencies: distinct within a room (a talker's index in its room).
constexpr int kToneBaseHz = 220;
constexpr int kToneStepHz = 45;
constexpr int kMaxTones = 40;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// This process's user and system CPU time.
double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  return absl::BytesToHexString(raw);
}

int TalkersPerRoom(const LoadOptions& o) {
  return static_cast<int>(std::ceil(o.talkers * o.participants_per_room - 1e-9));
}

// The URL token at the end of a guest link ".../r/<token>".
absl::StatusOr<std::string> UrlToken(const nlohmann::json& access) {
  const std::string url = access.value("url", "");
  const size_t at = url.rfind("/r/");
  if (at == std::string::npos || at + 3 >= url.size()) {
    return absl::FailedPreconditionError("the public room's access has no /r/ link");
  }
  return url.substr(at + 3);
}

}  // namespace

Scenario::Scenario(const LoadOptions& options) : options_(options) {}

Scenario::~Scenario() = default;

absl::Status Scenario::SetUp() {
  ctx_ = std::make_unique<LoadContext>(io_, options_, TalkSchedule(0, options_.rooms));
  boost::system::error_code ec;
  ctx_->server = {boost::asio::ip::make_address(options_.server_host, ec), options_.server_port};
  if (ec) return absl::InvalidArgumentError("bad server address");
  ctx_->host_header = ctx_->server.address().is_v6()
                          ? absl::StrCat("[", options_.server_host, "]:", options_.server_port)
                          : absl::StrCat(options_.server_host, ":", options_.server_port);

  absl::StatusOr<std::shared_ptr<const dtls::DtlsCertificate>> cert =
      dtls::DtlsCertificate::Generate(absl::Now());
  if (!cert.ok()) return cert.status();
  ctx_->certificate = *std::move(cert);
  std::vector<int> frequencies;
  for (int i = 0; i < std::min(kMaxTones, std::max(1, TalkersPerRoom(options_))); ++i) {
    frequencies.push_back(kToneBaseHz + kToneStepHz * i);
  }
  absl::StatusOr<std::unique_ptr<ToneBank>> tones = ToneBank::Create(frequencies);
  if (!tones.ok()) return tones.status();
  ctx_->tones = *std::move(tones);

  HttpClient http(options_.server_host, options_.server_port);
  absl::StatusOr<nlohmann::json> admin = http.Json(
      "POST", "/api/login", {{"login", options_.admin_login}, {"password", options_.admin_password}},
      {});
  if (!admin.ok()) return admin.status();
  const std::string admin_token = admin->value("token", "");
  const std::string run = RandomHex(3);
  for (int r = 0; r < options_.rooms; ++r) {
    const std::string login = absl::StrCat("load-", run, "-m", r);
    const std::string password = RandomHex(16);
    absl::StatusOr<nlohmann::json> user = http.Json(
        "POST", "/api/users",
        {{"login", login}, {"display_name", absl::StrCat("Load moderator ", r)}, {"password", password}},
        admin_token, 201);
    if (!user.ok()) return user.status();
    absl::StatusOr<nlohmann::json> session =
        http.Json("POST", "/api/login", {{"login", login}, {"password", password}}, {});
    if (!session.ok()) return session.status();
    const std::string token = session->value("token", "");
    absl::StatusOr<nlohmann::json> room = http.Json(
        "POST", "/api/rooms", {{"name", absl::StrCat("Load ", run, " room ", r)}}, token, 201);
    if (!room.ok()) return room.status();
    const int64_t id = room->value("id", int64_t{0});
    absl::StatusOr<nlohmann::json> access =
        http.Json("POST", absl::StrCat("/api/rooms/", id, "/public"), {{"public", true}}, token);
    if (!access.ok()) return access.status();
    absl::StatusOr<std::string> url_token = UrlToken(*access);
    if (!url_token.ok()) return url_token.status();
    RoomState state;
    state.access = {.id = id, .url_token = *url_token, .moderator_session = token};
    ctx_->rooms.push_back(std::move(state));
  }

  const int talkers = TalkersPerRoom(options_);
  for (int r = 0; r < options_.rooms; ++r) {
    for (int i = 0; i < options_.participants_per_room; ++i) {
      participants_.push_back(std::make_unique<Participant>(
          *ctx_, ParticipantSpec{.room = r, .index_in_room = i, .moderator = i == 0,
                                 .talker = i < talkers}));
      ctx_->rooms[static_cast<size_t>(r)].participants.push_back(participants_.back().get());
    }
  }
  return absl::OkStatus();
}

void Scenario::Ramp(int64_t now_us) {
  // Moderators first (participants_ is room-major: index r * ppr), then the
  // guests, one of each room in turn.
  const size_t ppr = static_cast<size_t>(options_.participants_per_room);
  const size_t rooms = static_cast<size_t>(options_.rooms);
  while (ramp_next_ < participants_.size() && now_us >= next_join_us_) {
    const size_t round = ramp_next_ / rooms;
    const size_t room = ramp_next_ % rooms;
    Participant& p = *participants_[room * ppr + round];
    if (!p.spec().moderator) {
      const Participant& moderator = *participants_[room * ppr];
      if (!moderator.joined_once() && !moderator.failed_once()) return;  // guests wait for it
    }
    p.Join(now_us);
    ++ramp_next_;
    next_join_us_ = std::max(next_join_us_, now_us - 1'000'000) +
                    static_cast<int64_t>(1e6 / options_.join_rate);
  }
  if (ramp_next_ < participants_.size() || steady_start_us_ != 0) return;
  for (const auto& p : participants_) {
    if (!p->joined_once() && !p->failed_once()) return;
  }
  steady_start_us_ = now_us;
  next_churn_us_ = now_us + absl::ToInt64Microseconds(options_.churn_interval);
  if (options_.server_pid > 0 && join_phase_cpu_start_ >= 0) {
    const ProcSnapshot proc = ReadProc(options_.server_pid);
    if (proc.cpu_seconds) join_phase_cpu_seconds_ = *proc.cpu_seconds - join_phase_cpu_start_;
  }
}

void Scenario::Churn(int64_t now_us) {
  const int64_t interval = absl::ToInt64Microseconds(options_.churn_interval);
  if (interval <= 0 || steady_start_us_ == 0 || now_us < next_churn_us_) return;
  next_churn_us_ += interval;
  for (int attempt = 0; attempt < options_.rooms; ++attempt) {
    const RoomState& room = ctx_->rooms[(churn_leaves_ + static_cast<uint64_t>(attempt)) %
                                        ctx_->rooms.size()];
    std::vector<Participant*> guests;
    for (Participant* p : room.participants) {
      if (!p->spec().moderator && p->stage() == Participant::Stage::kActive) guests.push_back(p);
    }
    if (guests.empty()) continue;
    Participant* leaver = guests[ctx_->random() % guests.size()];
    leaver->Leave(now_us, absl::ToInt64Microseconds(options_.rejoin_delay));
    ++churn_leaves_;
    return;
  }
}

void Scenario::BeginStop(int64_t now_us) {
  stopping_since_us_ = now_us;
  ctx_->accepting_joins = false;
  if (steady_start_us_ == 0) steady_start_us_ = now_us;
  for (const auto& p : participants_) {
    if (p->stage() == Participant::Stage::kActive || p->stage() == Participant::Stage::kIdle) {
      p->Leave(now_us, std::nullopt);
    } else if (p->stage() != Participant::Stage::kLeaving) {
      p->Abort();
    }
  }
}

bool Scenario::AllIdle() const {
  return std::all_of(participants_.begin(), participants_.end(),
                     [](const auto& p) { return p->stage() == Participant::Stage::kIdle; });
}

void Scenario::OnTick() {
  const int64_t now_us = NowMicros();
  if (stopping_since_us_ == 0) {
    if (stop_requested_ || now_us >= stop_at_us_) {
      BeginStop(now_us);
    } else {
      Ramp(now_us);
      Churn(now_us);
    }
  }
  for (const auto& p : participants_) p->Tick(now_us);
  if (stopping_since_us_ != 0 && (AllIdle() || now_us - stopping_since_us_ > kStopGraceUs)) {
    for (const auto& p : participants_) p->Abort();
    io_.stop();
    return;
  }
  timer_->expires_at(std::max(timer_->expiry() + kTick, std::chrono::steady_clock::now()));
  timer_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec) OnTick();
  });
}

absl::StatusOr<ReportInput> Scenario::Run() {
  if (!ctx_) return absl::FailedPreconditionError("SetUp first");
  const std::string loadavg_start = LoadAverage();
  const double cpu_start = ProcessCpuSeconds();
  start_us_ = NowMicros();
  ctx_->schedule = TalkSchedule(start_us_, options_.rooms);
  stop_at_us_ = start_us_ + absl::ToInt64Microseconds(options_.duration);
  next_join_us_ = start_us_;
  if (options_.server_pid > 0) {
    const ProcSnapshot proc = ReadProc(options_.server_pid);
    if (!proc.alive) {
      return absl::FailedPreconditionError(
          absl::StrCat("--server-pid ", options_.server_pid, ": no such process"));
    }
    if (proc.cpu_seconds) join_phase_cpu_start_ = *proc.cpu_seconds;
  }
  ServerSampler sampler(options_.server_host, options_.server_port, options_.server_pid,
                        options_.sample_interval, ctx_->active_participants);
  sampler.Start();

  boost::asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int) {
    if (!ec) stop_requested_ = true;
  });
  timer_ = std::make_unique<boost::asio::steady_timer>(io_, std::chrono::steady_clock::now());
  timer_->async_wait([this](const boost::system::error_code& ec) {
    if (!ec) OnTick();
  });
  io_.run();
  const int64_t end_us = NowMicros();
  sampler.Stop();
  signals.cancel();

  ReportInput input;
  input.options = &options_;
  input.stats = &ctx_->stats;
  input.chat = ctx_->chat.totals();
  input.samples = sampler.samples();
  input.participants = static_cast<int>(participants_.size());
  input.talkers = TalkersPerRoom(options_) * options_.rooms;
  input.steady_start_s = Seconds(steady_start_us_ != 0 ? steady_start_us_ : end_us);
  input.load_end_s = Seconds(stopping_since_us_ != 0 ? stopping_since_us_ : end_us);
  input.run_end_s = Seconds(end_us);
  input.join_phase_cpu_seconds = join_phase_cpu_seconds_;
  input.churn_leaves = churn_leaves_;
  input.generator_cpu_seconds = ProcessCpuSeconds() - cpu_start;
  input.loadavg_start = loadavg_start;
  input.loadavg_end = LoadAverage();
  if (options_.server_pid > 0) {
    input.server_alive_at_end = ReadProc(options_.server_pid).alive;
  } else {
    HttpClient http(options_.server_host, options_.server_port);
    input.server_alive_at_end = http.Request("GET", "/metrics").ok();
  }
  return input;
}

}  // namespace konfero::load
