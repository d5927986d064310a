// dial_in_bindings.cc: konfero.DialInService, phone dial-in over SIP
// (konfero/dial_in.h), with its options and stats, and the phone types the
// Engine's call methods name (PromptId, PromptLanguage, CallEvent).
//
//   queue = konfero.TaskQueue()
//   engine = konfero.Engine.start(service, konfero.EngineOptions(), queue)
//   dial_in = konfero.DialInService.start(service, engine, konfero.DialInOptions(
//       listen="0.0.0.0:5060", numbers=[konfero.DialInNumber(number="+49301234567")]))
//   ...
//   dial_in.close()   # before engine.stop() and service.close()
//
// The SIP sockets run on a thread of the service's own; every SIP message
// and call is handled when the engine's TaskQueue runs (run_pending(), or
// asyncio through attach_to_asyncio), on the Python thread that drives the
// RoomService and the Engine, with the GIL held (bindings.h).
//
// Ownership: the DialInService object holds the RoomService, the Engine and
// the TaskQueue, so none of them is freed under it, and it registers with
// the service and the engine so that service.close() or engine.stop()
// closes it first (its destructor ends the calls on both).
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bindings.h"
#include "konfero/dial_in.h"
#include "konfero/media_types.h"
#include "konfero/prompts.h"

namespace konfero::python {
namespace {

class DialInHandle final : public Dependent {
 public:
  DialInHandle(py::object service, py::object engine, py::object queue)
      : service_(std::move(service)), engine_(std::move(engine)), queue_(std::move(queue)) {}
  ~DialInHandle() { Close(); }

  void Start(DialInOptions options) {
    AddRoomServiceDependent(service_, this);
    try {
      AddEngineCallOwner(engine_, this);
    } catch (...) {
      RemoveRoomServiceDependent(service_, this);
      throw;
    }
    registered_ = true;
    try {
      options.executor = &queue_.cast<TaskQueue&>();
      dial_in_ = Unwrap(DialInService::Start(RoomServiceOf(service_), EngineOf(engine_),
                                             std::move(options)));
    } catch (...) {
      Unregister();
      throw;
    }
  }

  DialInService& get() {
    if (!dial_in_) ThrowIfError(absl::FailedPreconditionError("DialInService is closed"));
    return *dial_in_;
  }
  bool closed() const { return dial_in_ == nullptr; }

  // Ends every call with a BYE (its participant leaves the room, so event
  // callbacks may run) and unregisters from the providers. Idempotent.
  void Close() {
    dial_in_.reset();
    Unregister();
  }
  void StopBeforeOwner() override { Close(); }

 private:
  void Unregister() {
    if (!registered_) return;
    registered_ = false;
    RemoveEngineCallOwner(engine_, this);
    RemoveRoomServiceDependent(service_, this);
  }

  py::object service_;
  py::object engine_;
  py::object queue_;
  bool registered_ = false;
  std::unique_ptr<DialInService> dial_in_;  // borrows the three above
};

template <typename T>
void DefCopy(py::class_<T>& cls) {
  cls.def(
      "__copy__", [](const T& self) { return T(self); }, "A copy of the record.");
  cls.def(
      "__deepcopy__", [](const T& self, py::handle) { return T(self); }, py::arg("memo"),
      "A copy of the record.");
}

void BindDialInOptions(py::module_& m) {
  py::class_<DialInNumber> number(m, "DialInNumber",
                                  "A number callers dial (DialInOptions.numbers).");
  number
      .def_readwrite("number", &DialInNumber::number,
                     "As dialled; only its digits count ('+49 30 1234567' matches "
                     "49301234567).")
      .def_readwrite("room", &DialInNumber::room,
                     "The room it names (the caller goes straight to its PIN); None: "
                     "every public room, the PIN picks the room.")
      .def_readwrite("language", &DialInNumber::language,
                     "The PromptLanguage callers of this number hear.");
  DefKeywordInit(number);
  DefCopy(number);
  DefRepr(number, {"number", "room", "language"});

  py::class_<SipTrunk> trunk(m, "SipTrunk",
                             "Who may send INVITEs (a PBX, SBC or provider). repr "
                             "hides the password.");
  trunk.def_readwrite("name", &SipTrunk::name, "A name for logs.")
      .def_readwrite("allow", &SipTrunk::allow,
                     "Source addresses or CIDR blocks ('192.0.2.0/24', '127.0.0.1'); "
                     "a list (a copy).")
      .def_readwrite("realm", &SipTrunk::realm,
                     "Non-empty: INVITEs are digest-challenged in this realm.")
      .def_readwrite("username", &SipTrunk::username, "The digest user.")
      .def_readwrite("password", &SipTrunk::password, "The digest password.");
  DefKeywordInit(trunk);
  DefCopy(trunk);
  DefRepr(trunk, {"name", "allow", "realm", "username", "password"}, {"password"});

  py::class_<SipRegistration> reg(
      m, "SipRegistration",
      "A provider account konfero registers to (REGISTER with digest, refreshed "
      "at half the expiry). repr hides the password.");
  reg.def_readwrite("registrar", &SipRegistration::registrar,
                    "'sip:alice@provider.example:5060': the AOR, and where REGISTER "
                    "goes.")
      .def_readwrite("username", &SipRegistration::username,
                     "The digest user; empty: the AOR's user.")
      .def_readwrite("password", &SipRegistration::password, "The digest password.")
      .def_readwrite("expires", &SipRegistration::expires,
                     "The registration's lifetime asked for (seconds).")
      .def_readwrite("number", &SipRegistration::number,
                     "The dial-in number calls to this account reach; empty: the "
                     "account's user.");
  DefKeywordInit(reg);
  DefCopy(reg);
  DefRepr(reg, {"registrar", "username", "password", "expires", "number"}, {"password"});

  using O = DialInOptions;
  py::class_<O> options(m, "DialInOptions",
                        "How DialInService.start() listens and answers. Durations in "
                        "seconds (float or timedelta). List fields return copies: "
                        "assign a whole list.");
  options
      .def_readwrite("listen", &O::listen,
                     "'IP:PORT' for SIP over UDP and TCP (one port); port 0: any "
                     "(see listen_addresses).")
      .def_readwrite("tls_listen", &O::tls_listen,
                     "'IP:PORT' for SIP over TLS; empty: none.")
      .def_readwrite("tls_cert_file", &O::tls_cert_file, "PEM certificate for TLS.")
      .def_readwrite("tls_key_file", &O::tls_key_file, "PEM key for TLS.")
      .def_readwrite("announced_address", &O::announced_address,
                     "The address put in Contact headers (behind NAT); empty: the "
                     "bound one.")
      .def_readwrite("numbers", &O::numbers, "The DialInNumbers (a list).")
      .def_readwrite("trunks", &O::trunks,
                     "SipTrunks allowed to call; empty: any source (the PIN is the "
                     "gate).")
      .def_readwrite("registrations", &O::registrations, "SipRegistrations.")
      .def_readwrite("pin_timeout", &O::pin_timeout,
                     "Silence before the reminder, and again before goodbye (1 s "
                     "to 5 min).")
      .def_readwrite("max_pin_attempts", &O::max_pin_attempts,
                     "Wrong PINs per call before goodbye (1 to 10).")
      .def_readwrite("session_expires", &O::session_expires,
                     "RFC 4028 session interval asked for (seconds).")
      .def_readwrite("min_session_expires", &O::min_session_expires,
                     "Our Min-SE (at least 90 seconds).")
      .def_readwrite("codecs", &O::codecs,
                     "Codecs answered, best first (a list of konfero.Codec); empty: "
                     "PCMU, PCMA, G.722, Opus.")
      .def_readwrite("max_calls", &O::max_calls,
                     "Calls at once, PIN stage included; beyond: 486 Busy Here.");
  DefKeywordInit(options);
  DefCopy(options);
  DefRepr(options, {"listen", "tls_listen", "tls_cert_file", "tls_key_file",
                    "announced_address", "numbers", "trunks", "registrations",
                    "pin_timeout", "max_pin_attempts", "session_expires",
                    "min_session_expires", "codecs", "max_calls"});
}

void BindDialInStats(py::module_& m) {
  py::class_<DialInStats> stats(m, "DialInStats",
                                "DialInService.stats(): counters for metrics; read-only.");
  stats
      .def_readonly("calls_answering", &DialInStats::calls_answering,
                    "INVITEs received, not answered yet.")
      .def_readonly("calls_pin", &DialInStats::calls_pin, "Calls in the PIN prompt.")
      .def_readonly("calls_in_conference", &DialInStats::calls_in_conference,
                    "Calls admitted to a room.")
      .def_readonly("calls_total", &DialInStats::calls_total, "Calls since the start.")
      .def_readonly("calls_rejected", &DialInStats::calls_rejected,
                    "Refused before the answer (source, number, busy, SDP).")
      .def_readonly("pin_failures", &DialInStats::pin_failures, "Wrong PINs typed.")
      .def_readonly("registrations_ok", &DialInStats::registrations_ok,
                    "Successful REGISTERs.")
      .def_readonly("registration_failures", &DialInStats::registration_failures,
                    "Failed REGISTERs.")
      .def_readonly("malformed_messages", &DialInStats::malformed_messages,
                    "SIP messages answered 400 or dropped.");
  DefRepr(stats, {"calls_answering", "calls_pin", "calls_in_conference", "calls_total",
                  "calls_rejected", "pin_failures", "registrations_ok",
                  "registration_failures", "malformed_messages"});
}

}  // namespace

void BindPhoneTypes(py::module_& m) {
  py::enum_<PromptId>(m, "PromptId", "The voice prompts a phone caller hears.")
      .value("ENTER_PIN", PromptId::kEnterPin,
             "Welcome. Please enter the conference PIN followed by the hash key.")
      .value("WRONG_PIN", PromptId::kWrongPin, "That PIN is not valid. Please try again.")
      .value("REMINDER", PromptId::kReminder,
             "Please enter the conference PIN followed by the hash key.")
      .value("GOODBYE", PromptId::kGoodbye, "Goodbye.")
      .value("WAIT_FOR_MODERATOR", PromptId::kWaitForModerator,
             "You will join the conference as soon as a moderator is present.")
      .value("CONFERENCE_ENDED", PromptId::kConferenceEnded,
             "The conference has ended. Goodbye.")
      .value("REMOVED", PromptId::kRemoved,
             "You have been removed from the conference. Goodbye.")
      .value("SERVICE_UNAVAILABLE", PromptId::kServiceUnavailable,
             "The service is not available right now. Please call again later.");

  py::enum_<PromptLanguage>(m, "PromptLanguage", "The language of the prompts.")
      .value("ENGLISH", PromptLanguage::kEnglish)
      .value("GERMAN", PromptLanguage::kGerman);

  py::enum_<CallEvent::Type>(m, "CallEventType", "What happened on a call.")
      .value("DIGIT", CallEvent::Type::kDigit,
             "A DTMF digit (RFC 4733 event or in-band tone, once each).")
      .value("PROMPTS_DONE", CallEvent::Type::kPromptsDone,
             "Every prompt queued with play_prompt has been played.")
      .value("ENDED", CallEvent::Type::kEnded,
             "The leg ended (RTP timeout, RTCP BYE); `reason` says why.");

  py::class_<CallEvent> event(m, "CallEvent",
                              "What happens on a call before it is admitted "
                              "(Engine.on_call_event); read-only.");
  event.def_readonly("call", &CallEvent::call, "The call id (int).")
      .def_readonly("type", &CallEvent::type, "The CallEventType.")
      .def_property_readonly(
          "digit",
          [](const CallEvent& e) { return e.digit == 0 ? std::string() : std::string(1, e.digit); },
          "The digit ('0'-'9', '*', '#', 'A'-'D') for DIGIT; else ''.")
      .def_readonly("reason", &CallEvent::reason, "Why the call ended, for ENDED.");
  DefRepr(event, {"call", "type", "digit", "reason"});
}

void BindDialIn(py::module_& m) {
  BindDialInOptions(m);
  BindDialInStats(m);

  py::class_<DialInHandle>(
      m, "DialInService",
      "Phone dial-in over SIP: callers dial a DialInNumber, hear the PIN "
      "prompt, type the PIN and '#' (RFC 4733, SIP INFO or in-band) and join "
      "as phone guests. SIP runs when the engine's TaskQueue runs. Close it "
      "before stopping the engine (engine.stop() and service.close() close it "
      "first); use it as a context manager to close it.")
      .def_static(
          "start",
          [](py::object service, py::object engine, const DialInOptions& options,
             py::object queue) {
            if (queue.is_none()) queue = EngineQueueOf(engine);
            auto handle = std::make_unique<DialInHandle>(service, engine, queue);
            handle->Start(options);
            return handle;
          },
          py::arg("service"), py::arg("engine"), py::arg("options"),
          py::arg("queue") = py::none(),
          "Binds the SIP ports and starts registering. `queue` runs the SIP "
          "work on the calling thread; None: the engine's TaskQueue (the usual "
          "choice). InvalidArgumentError (a ValueError) for bad options, naming "
          "which; UnavailableError if a port cannot be bound; "
          "FailedPreconditionError if the engine already has a DialInService or "
          "an on_call_event handler.")
      .def(
          "stats", [](DialInHandle& h) { return h.get().stats(); },
          "The DialInStats now.")
      .def_property_readonly(
          "listen_addresses", [](DialInHandle& h) { return h.get().listen_addresses(); },
          "Where SIP is received: 'udp 127.0.0.1:5060', 'tcp ...', 'tls ...'.")
      .def("close", &DialInHandle::Close,
           "Ends every call with a BYE (their participants leave) and "
           "unregisters; idempotent.")
      .def_property_readonly("closed", &DialInHandle::closed, "close() was called.")
      .def(
          "__enter__", [](py::object self) { return self; },
          "Returns the service; leaving the block closes it.")
      .def(
          "__exit__", [](DialInHandle& h, py::handle, py::handle, py::handle) { h.Close(); },
          "Closes the service.");
}

}  // namespace konfero::python
