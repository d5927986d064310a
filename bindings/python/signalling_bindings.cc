// signalling_bindings.cc: konfero.SignallingHub and SignallingSession, the
// signalling protocol (docs/protocol.md) for a Python server: it carries
// text frames between a WebSocket and a session.
//
//   hub = konfero.SignallingHub.create(service, engine)
//   session = hub.open("203.0.113.7", ws_send, ws_close)
//   session.on_message('{"type":"hello","version":1}')   # ws_send gets the welcome
//   hub.poll()   # every few hundred ms, with engine.poll()
//
// Lifetimes: the hub keeps its service and engine objects alive and a
// session keeps its hub alive. hub.shutdown() tells every session, makes
// every participant leave and destroys the C++ hub (and its sessions);
// call it before engine.stop() and service.close(). Later calls on the hub
// or its sessions raise FailedPreconditionError (as do calls after the
// service was closed or the engine stopped), except
// session.on_socket_closed(), which is then a no-op.
//
// GIL and callbacks: as bindings.h and room_bindings.cc: everything runs
// with the GIL held on the thread that drives the service; send and close
// are called synchronously, with the frame as str. An exception they raise
// goes to sys.unraisablehook; the session carries on. They may not call
// the hub or a session (FailedPreconditionError), but may drop sessions.
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "bindings.h"
#include "konfero/signalling.h"

namespace konfero::python {
namespace {

// Calls a Python callback; what it raises is reported, not propagated
// into the hub.
template <typename... Args>
void CallReporting(const py::function& fn, Args&&... args) {
  try {
    fn(std::forward<Args>(args)...);
  } catch (py::error_already_set& e) {
    e.discard_as_unraisable(fn);
  } catch (py::builtin_exception& e) {
    e.set_error();
    py::error_already_set err;
    err.discard_as_unraisable(fn);
  }
}

class HubHandle;

class SessionHandle {
 public:
  SessionHandle(HubHandle& hub, std::unique_ptr<SignallingSession> session);
  ~SessionHandle();
  SessionHandle(const SessionHandle&) = delete;
  SessionHandle& operator=(const SessionHandle&) = delete;

  void OnMessage(std::string_view frame);
  void OnSocketClosed();
  std::unique_ptr<SignallingSession> Take() { return std::move(session_); }

 private:
  HubHandle& hub_;
  std::unique_ptr<SignallingSession> session_;
};

// Owns the C++ hub. Python code runs inside the hub's calls (in send and
// close callbacks, and in RoomService subscribers); if it drops the last
// reference to a session there, destroying the C++ session at once would
// pull it from under the hub's feet. Such sessions wait in a graveyard
// until no hub call is on the stack.
class HubHandle {
 public:
  HubHandle(std::unique_ptr<SignallingHub> hub, py::object service, py::object engine)
      : hub_(std::move(hub)), service_(std::move(service)), engine_(std::move(engine)) {}
  ~HubHandle() { Stop(); }
  HubHandle(const HubHandle&) = delete;
  HubHandle& operator=(const HubHandle&) = delete;

  // Marks a hub call (or a callback) on the stack.
  class Scope {
   public:
    explicit Scope(HubHandle& h, bool callback = false) : h_(h), callback_(callback) {
      ++h_.depth_;
      if (callback_) ++h_.callbacks_;
    }
    ~Scope() {
      if (callback_) --h_.callbacks_;
      if (--h_.depth_ == 0) h_.Bury();
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    HubHandle& h_;
    const bool callback_;
  };

  // The hub, for a call from Python; raises when it cannot take one.
  SignallingHub& get() {
    if (!hub_) ThrowIfError(absl::FailedPreconditionError("SignallingHub is shut down"));
    if (callbacks_ > 0) {
      ThrowIfError(absl::FailedPreconditionError(
          "a send or close callback may not call back into the SignallingHub"));
    }
    if (!ServiceOpen()) {
      ThrowIfError(absl::FailedPreconditionError(
          "the RoomService was closed before the SignallingHub was shut down"));
    }
    (void)EngineOf(engine_);  // raises if the engine was stopped
    return *hub_;
  }

  std::unique_ptr<SessionHandle> Open(std::string source_address, py::function send,
                                      py::function close) {
    SignallingHub& hub = get();
    Scope scope(*this);
    auto session = hub.Open(
        {std::move(source_address)},
        [this, send](std::string frame) {
          Scope in_callback(*this, /*callback=*/true);
          CallReporting(send, py::str(frame));
        },
        [this, close] {
          Scope in_callback(*this, /*callback=*/true);
          CallReporting(close);
        });
    return std::make_unique<SessionHandle>(*this, std::move(session));
  }

  void Shutdown() {
    if (callbacks_ > 0) {
      ThrowIfError(absl::FailedPreconditionError(
          "a send or close callback may not shut the SignallingHub down"));
    }
    Stop();  // idempotent
  }

  // The C++ hub exists and its service is open.
  bool alive() const { return hub_ != nullptr && ServiceOpen(); }

  // A session whose Python object is gone.
  void Dispose(std::unique_ptr<SignallingSession> session) {
    if (!session) return;
    if (!alive()) {
      (void)session.release();  // see Stop()
      return;
    }
    graveyard_.push_back(std::move(session));
    if (depth_ == 0) Bury();
  }

  void Add(SessionHandle* s) { sessions_.insert(s); }
  void Remove(SessionHandle* s) { sessions_.erase(s); }

 private:
  bool ServiceOpen() const { return !service_.attr("closed").cast<bool>(); }

  void Stop() {
    if (!hub_) return;
    if (!ServiceOpen()) {
      // The service was closed first (e.g. by a `with` block): the hub and
      // its sessions would unsubscribe from, and report to, freed memory
      // when destroyed. Leaking them is the lesser harm.
      for (SessionHandle* s : sessions_) (void)s->Take().release();
      for (auto& dead : graveyard_) (void)dead.release();
      graveyard_.clear();
      (void)hub_.release();
      return;
    }
    {
      Scope scope(*this);
      hub_->Shutdown();
      for (SessionHandle* s : sessions_) graveyard_.push_back(s->Take());
    }  // the sessions are destroyed here, while the hub still exists
    hub_.reset();
  }

  // Destroys the sessions waiting in the graveyard; ones that dying
  // sessions' callbacks release meanwhile join the queue.
  void Bury() {
    ++depth_;
    while (!graveyard_.empty()) {
      std::vector<std::unique_ptr<SignallingSession>> dead = std::move(graveyard_);
      graveyard_.clear();
      dead.clear();
    }
    --depth_;
  }

  std::unique_ptr<SignallingHub> hub_;
  py::object service_;  // kept alive: the hub borrows them
  py::object engine_;
  std::unordered_set<SessionHandle*> sessions_;
  std::vector<std::unique_ptr<SignallingSession>> graveyard_;
  int depth_ = 0;      // hub calls and callbacks on the stack
  int callbacks_ = 0;  // send/close callbacks on the stack
};

SessionHandle::SessionHandle(HubHandle& hub, std::unique_ptr<SignallingSession> session)
    : hub_(hub), session_(std::move(session)) {
  hub_.Add(this);
}

SessionHandle::~SessionHandle() {
  hub_.Dispose(std::move(session_));  // counts as a closed socket
  hub_.Remove(this);
}

void SessionHandle::OnMessage(std::string_view frame) {
  hub_.get();  // raises once the hub, the service or the engine is gone
  HubHandle::Scope scope(hub_);
  session_->OnMessage(frame);
}

void SessionHandle::OnSocketClosed() {
  if (!session_ || !hub_.alive()) return;  // nothing left to close
  hub_.get();
  HubHandle::Scope scope(hub_);
  session_->OnSocketClosed();
}

}  // namespace

void BindSignalling(py::module_& m) {
  py::class_<SignallingStats> stats(m, "SignallingStats", "Counters of a SignallingHub.");
  stats.def_readonly("sessions", &SignallingStats::sessions, "Open sockets.")
      .def_readonly("joined", &SignallingStats::joined, "Sessions with a participant.")
      .def_readonly("in_grace", &SignallingStats::in_grace,
                    "Participants whose socket dropped, still within the grace period.")
      .def_readonly("frames_in", &SignallingStats::frames_in, "Frames received.")
      .def_readonly("frames_out", &SignallingStats::frames_out, "Frames sent.")
      .def_readonly("errors_sent", &SignallingStats::errors_sent, "Error frames sent.");
  DefRepr(stats, {"sessions", "joined", "in_grace", "frames_in", "frames_out", "errors_sent"});

  py::class_<SessionHandle>(m, "SignallingSession",
                            "One WebSocket's session; made by SignallingHub.open().")
      .def("on_message", &SessionHandle::OnMessage, py::arg("frame"),
           "One text frame from the socket. Answers go to the hub.open() "
           "callbacks, possibly before this returns.")
      .def("on_socket_closed", &SessionHandle::OnSocketClosed,
           "The socket closed. A joined participant that did not send "
           "`leave` keeps its seat for the reconnect grace.");

  py::class_<HubHandle>(m, "SignallingHub",
                        "The signalling protocol (docs/protocol.md) for a "
                        "RoomService and an Engine. Drive it from the service's thread.")
      .def_static(
          "create",
          [](py::object service, py::object engine, absl::Duration reconnect_grace,
             size_t max_frame_bytes) {
            SignallingOptions options;
            options.reconnect_grace = reconnect_grace;
            options.max_frame_bytes = max_frame_bytes;
            auto hub = SignallingHub::Create(RoomServiceOf(service), EngineOf(engine),
                                             options);
            return std::make_unique<HubHandle>(std::move(hub), std::move(service),
                                               std::move(engine));
          },
          py::arg("service"), py::arg("engine"), py::arg("reconnect_grace") = 20.0,
          py::arg("max_frame_bytes") = SignallingOptions{}.max_frame_bytes,
          "A hub for `service`'s rooms and `engine`'s media. A dropped socket "
          "keeps its participant for `reconnect_grace` seconds; frames longer "
          "than `max_frame_bytes` are refused.")
      .def("open", &HubHandle::Open, py::arg("source_address"), py::arg("send"),
           py::arg("close"), py::keep_alive<0, 1>(),
           "A session for a new socket: send(frame: str) writes a text frame, "
           "close() closes the socket. Returns a SignallingSession.")
      .def(
          "poll",
          [](HubHandle& h) {
            SignallingHub& hub = h.get();
            HubHandle::Scope scope(h);
            hub.Poll();
          },
          "Ends grace periods that ran out (by the service's clock); call "
          "every few hundred ms.")
      .def(
          "stats", [](HubHandle& h) { return h.get().stats(); },
          "The hub's SignallingStats.")
      .def("shutdown", &HubHandle::Shutdown,
           "Every session gets {\"type\":\"shutdown\"} and is closed, every "
           "participant leaves, and the hub is destroyed. Idempotent.");
}

}  // namespace konfero::python
