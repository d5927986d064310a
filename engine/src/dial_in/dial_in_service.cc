// dial_in_service.cc: konfero::DialInService: the SIP sockets on a thread
// of their own (sip_transport), everything else on the control thread.
//
// A received message and a 20 ms tick become tasks on the ControlExecutor,
// where DialInCore runs; what the core sends is queued to the transport's
// thread. The Engine's call events and the rooms' events arrive on the
// control thread already.
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "dial_in/dial_in_core.h"
#include "dial_in/number_plan.h"
#include "konfero/clock.h"
#include "konfero/dial_in.h"
#include "sip_transport/sip_transport.h"

namespace konfero {
namespace {

constexpr auto kTickPeriod = std::chrono::milliseconds(20);

class DialInServiceImpl;

// What tasks posted to the executor hold: they find the service gone
// (null) once it is destroyed.
struct Liveness {
  DialInServiceImpl* service = nullptr;
};

class DialInServiceImpl final : public DialInService, public dial_in::DialInCore::Network {
 public:
  DialInServiceImpl(RoomService& rooms, Engine& engine, DialInOptions options)
      : rooms_(rooms), engine_(engine), options_(std::move(options)) {}

  ~DialInServiceImpl() override {
    StopTicker();
    if (core_) core_->EndAll(clock_.NowMicros());
    rooms_.Unsubscribe(subscription_);
    engine_.SetCallHandler(nullptr);
    alive_->service = nullptr;
    // Let the transport's thread write the BYEs before it closes.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    transport_.reset();
  }

  absl::Status Init() {
    absl::StatusOr<dial_in::NumberPlan> plan = dial_in::NumberPlan::Create(options_);
    if (!plan.ok()) return plan.status();
    sip::SipTransportOptions transport;
    transport.listen = options_.listen;
    transport.tls_listen = options_.tls_listen;
    transport.tls_cert_file = options_.tls_cert_file;
    transport.tls_key_file = options_.tls_key_file;
    std::shared_ptr<Liveness> alive = alive_;
    ControlExecutor* executor = options_.executor;
    absl::StatusOr<std::unique_ptr<sip::SipTransport>> started = sip::SipTransport::Start(
        transport, [alive, executor](std::string message, const sip::Destination& from) {
          executor->Post([alive, message = std::move(message), from] {
            if (alive->service != nullptr) alive->service->OnMessage(message, from);
          });
        });
    if (!started.ok()) return started.status();
    transport_ = *std::move(started);
    std::string host_port;
    if (std::optional<net::IpEndpoint> udp = transport_->udp_address()) {
      host_port = udp->ToString();
      if (!options_.announced_address.empty()) {
        host_port = net::IpEndpoint::Parse(options_.announced_address, udp->port())->ToString();
      }
    } else if (std::optional<net::IpEndpoint> tls = transport_->tls_address()) {
      host_port = tls->ToString();
    }
    std::vector<dial_in::DialInCore::Account> accounts;
    for (const SipRegistration& r : options_.registrations) {
      absl::StatusOr<dial_in::RegistrationConfig> config =
          dial_in::MakeRegistrationConfig(r, host_port, sip::Transport::kUdp);
      if (!config.ok()) return config.status();
      accounts.push_back({*std::move(config), r.number});
    }
    core_ = std::make_unique<dial_in::DialInCore>(rooms_, engine_, options_, *std::move(plan),
                                                  *this, dial_in::DialInCore::LocalAddress{host_port},
                                                  std::move(accounts));
    engine_.SetCallHandler([this](const CallEvent& event) {
      core_->OnCallEvent(event, clock_.NowMicros());
    });
    // A participant's leave is acted on after every subscriber (the engine
    // among them) has seen it: the engine turns the leg back into its call
    // first.
    subscription_ = rooms_.Subscribe(std::nullopt, [alive, executor](const Event& event) {
      if (!std::holds_alternative<ParticipantLeft>(event.body)) return;
      executor->Post([alive, event] {
        if (alive->service != nullptr) alive->service->core_->OnRoomEvent(event, alive->service->clock_.NowMicros());
      });
    });
    StartTicker();
    return absl::OkStatus();
  }

  DialInStats stats() const override { return core_->stats(); }

  std::vector<std::string> listen_addresses() const override {
    std::vector<std::string> out;
    if (auto a = transport_->udp_address()) out.push_back(absl::StrCat("udp ", a->ToString()));
    if (auto a = transport_->tcp_address()) out.push_back(absl::StrCat("tcp ", a->ToString()));
    if (auto a = transport_->tls_address()) out.push_back(absl::StrCat("tls ", a->ToString()));
    return out;
  }

  void OnMessage(const std::string& message, const sip::Destination& from) {
    core_->OnDatagram(message, from, clock_.NowMicros());
  }
  void OnTick() { core_->OnTimer(clock_.NowMicros()); }

 private:
  // dial_in::DialInCore::Network
  void Send(std::string bytes, const sip::Destination& to) override {
    transport_->Send(std::move(bytes), to);
  }

  // A thread that posts a tick to the control thread every 20 ms; a tick
  // still waiting is not doubled.
  void StartTicker() {
    ticker_ = std::thread([this, alive = alive_, executor = options_.executor] {
      std::unique_lock<std::mutex> lock(ticker_mutex_);
      while (!ticker_stop_) {
        ticker_cv_.wait_for(lock, kTickPeriod);
        if (ticker_stop_) break;
        if (tick_pending_->exchange(true)) continue;
        executor->Post([alive, pending = tick_pending_] {
          pending->store(false);
          if (alive->service != nullptr) alive->service->OnTick();
        });
      }
    });
  }
  void StopTicker() {
    {
      std::lock_guard<std::mutex> lock(ticker_mutex_);
      ticker_stop_ = true;
    }
    ticker_cv_.notify_all();
    if (ticker_.joinable()) ticker_.join();
  }

  RoomService& rooms_;
  Engine& engine_;
  const DialInOptions options_;
  SteadyClock clock_;
  std::shared_ptr<Liveness> alive_ = std::make_shared<Liveness>(Liveness{this});
  std::unique_ptr<sip::SipTransport> transport_;
  std::unique_ptr<dial_in::DialInCore> core_;
  SubscriptionId subscription_{};
  std::thread ticker_;
  std::mutex ticker_mutex_;
  std::condition_variable ticker_cv_;
  bool ticker_stop_ = false;
  std::shared_ptr<std::atomic<bool>> tick_pending_ = std::make_shared<std::atomic<bool>>(false);
};

absl::Status CheckOptions(const DialInOptions& o) {
  if (o.executor == nullptr) {
    return absl::InvalidArgumentError("DialInOptions::executor is required (the control thread's)");
  }
  if (o.listen.empty() && o.tls_listen.empty()) {
    return absl::InvalidArgumentError("listen or tls_listen: give at least one SIP address");
  }
  if (o.numbers.empty() && o.registrations.empty()) {
    return absl::InvalidArgumentError("numbers: give at least one dial-in number");
  }
  if (o.max_pin_attempts < 1 || o.max_pin_attempts > 10) {
    return absl::InvalidArgumentError("max_pin_attempts must be 1 to 10");
  }
  if (o.pin_timeout < absl::Seconds(1) || o.pin_timeout > absl::Minutes(5)) {
    return absl::InvalidArgumentError("pin_timeout must be 1 s to 5 min");
  }
  if (o.min_session_expires < absl::Seconds(90) || o.session_expires < o.min_session_expires) {
    return absl::InvalidArgumentError(
        "min_session_expires must be at least 90 s and session_expires at least that");
  }
  if (o.max_calls < 1) return absl::InvalidArgumentError("max_calls must be at least 1");
  if (!o.announced_address.empty() && !net::IpEndpoint::Parse(o.announced_address, 0)) {
    return absl::InvalidArgumentError(
        absl::StrCat("announced_address is not an IP address: ", o.announced_address));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<DialInService>> DialInService::Start(RoomService& rooms,
                                                                    Engine& engine,
                                                                    DialInOptions options) {
  if (absl::Status s = CheckOptions(options); !s.ok()) return s;
  auto service = std::make_unique<DialInServiceImpl>(rooms, engine, std::move(options));
  if (absl::Status s = service->Init(); !s.ok()) return s;
  return service;
}

}  // namespace konfero
