// module.cc: the `_konfero` extension. Import it through the `konfero`
// package, which re-exports it and ships the type stubs.
#include "bindings.h"

PYBIND11_MODULE(_konfero, m) {
  namespace kp = konfero::python;
  m.doc() =
      "konfero's C++ engine. Import `konfero`, not this module. Ids are ints, "
      "times float Unix seconds, durations float seconds.";
  // Order matters: a class must be registered before a default argument or
  // a signature names it.
  kp::BindErrors(m);
  kp::BindClocks(m);
  kp::BindRoomTypes(m);
  kp::BindEvents(m);
  kp::BindRooms(m);
  kp::BindPhoneTypes(m);
  kp::BindEngine(m);
  kp::BindDialIn(m);
  kp::BindSignalling(m);
#ifdef KONFERO_HAVE_AUDIO_BINDINGS
  kp::BindAudio(m);
#endif
}
