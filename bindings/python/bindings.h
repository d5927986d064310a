// bindings.h: the pieces of the `_konfero` extension and the helpers they
// share. Each Bind* function adds one area of the API to the module; module.cc
// calls them in dependency order (a class must be registered before a
// signature that uses it is called, and before stubs or docstrings name it).
//
// GIL policy: the bindings keep the GIL held during engine calls. A
// RoomService is not thread-safe and calls subscriber callbacks synchronously
// on the calling thread; holding the GIL is what serializes two Python
// threads that share a service. Releasing it around the call would let them
// race inside a non-thread-safe object (and every callback would have to
// re-acquire it anyway).
#ifndef KONFERO_BINDINGS_PYTHON_BINDINGS_H_
#define KONFERO_BINDINGS_PYTHON_BINDINGS_H_

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <initializer_list>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "casters.h"
#include "konfero/engine.h"
#include "konfero/room_service.h"

namespace konfero::python {

namespace py = pybind11;

// Exception classes, one per canonical absl::StatusCode (errors.cc).
void BindErrors(py::module_& m);
// Clock, SystemClock, ManualClock and RandomSource (clock_bindings.cc).
void BindClocks(py::module_& m);
// Enums, value types and options of room_types.h / room_service.h.
void BindRoomTypes(py::module_& m);
// Event and one class per event body (events.h).
void BindEvents(py::module_& m);
// RoomService itself.
void BindRooms(py::module_& m);
// The C++ RoomService behind a Python konfero.RoomService (room_bindings.cc);
// raises if it is closed.
RoomService& RoomServiceOf(py::handle service);
// konfero.Engine, the WebRTC media engine (engine_bindings.cc).
void BindEngine(py::module_& m);
// The C++ Engine behind a Python konfero.Engine; raises if it is stopped.
Engine& EngineOf(py::handle engine);
// PromptId, PromptLanguage and CallEvent, which Engine methods name
// (dial_in_bindings.cc); before BindEngine.
void BindPhoneTypes(py::module_& m);
// konfero.DialInService, its options and stats (dial_in_bindings.cc).
void BindDialIn(py::module_& m);

// A binding object that borrows a RoomService or an Engine (an Engine, a
// DialInService) and must end before it. The owner's close() or stop()
// stops its registered dependents first, so closing things in the wrong
// order is safe instead of a use-after-free. A dependent holds a reference
// to its owner's Python object (so the owner outlives it) and removes
// itself when it is destroyed.
class Dependent {
 public:
  virtual void StopBeforeOwner() = 0;

 protected:
  ~Dependent() = default;
};
// Raises if the service is closed.
void AddRoomServiceDependent(py::handle service, Dependent* dependent);
void RemoveRoomServiceDependent(py::handle service, Dependent* dependent);
// The engine's dependent also owns its call handler (Engine.on_call_event
// raises meanwhile). Raises if the engine is stopped or a Python call
// handler is set.
void AddEngineCallOwner(py::handle engine, Dependent* dependent);
void RemoveEngineCallOwner(py::handle engine, Dependent* dependent);
// The TaskQueue (a Python object) the engine was started with.
py::object EngineQueueOf(py::handle engine);
// konfero.SignallingHub and SignallingSession (signalling_bindings.cc).
void BindSignalling(py::module_& m);
// The audio engine; defined in audio_bindings.cc when that file is built in
// (KONFERO_HAVE_AUDIO_BINDINGS).
void BindAudio(py::module_& m);

// Raises the konfero.Error subclass that matches `status.code()` (through a
// C++ exception that a registered translator turns into the Python one).
// Does nothing for an OK status.
void ThrowIfError(const absl::Status& status);

// The konfero.Error instance (the class ThrowIfError would raise, with
// `code` and `message`) for a failed `status`, not raised; None for OK.
py::object ErrorOf(const absl::Status& status);

// StatusOr<T> -> T, or raises.
template <typename T>
T Unwrap(absl::StatusOr<T> result) {
  ThrowIfError(result.status());
  return *std::move(result);
}

void AssignKeyword(py::object& obj, const py::str& key, py::handle value);

// Gives a bound value type a keyword-only constructor (`RateLimit(window=30)`)
// that starts from the C++ default and assigns each keyword through the
// class's own property setters, so conversion and errors match attribute
// assignment. An unknown keyword is a TypeError.
template <typename T, typename... Extra>
void DefKeywordInit(py::class_<T, Extra...>& cls) {
  cls.def(py::init([](const py::kwargs& kwargs) {
            py::object obj = py::cast(T{});
            for (const auto& [key, value] : kwargs) {
              AssignKeyword(obj, py::reinterpret_borrow<py::str>(key), value);
            }
            return obj.cast<T>();
          }),
          "Keyword arguments set the fields of the same name; the others "
          "keep their defaults.");
}

// Adds a __repr__ of the form `Name(field=value, ...)`. Fields listed in
// `secret` are shown as '***' (tokens, PINs, keys, passwords), so a repr is
// always safe to log; the attribute itself still returns the value.
void DefRepr(py::handle cls, std::initializer_list<const char*> fields,
             std::initializer_list<const char*> secret = {});

// Sets `__match_args__` so `match event.body: case ChatPosted(message=m)`
// and positional class patterns work.
void DefMatchArgs(py::handle cls, std::initializer_list<const char*> fields);

}  // namespace konfero::python

#endif  // KONFERO_BINDINGS_PYTHON_BINDINGS_H_
