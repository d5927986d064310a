// clock_bindings.cc: the time and randomness sources a RoomService is built
// on. Times are float Unix seconds and durations float seconds (casters.h).
#include <cstdint>
#include <cstring>
#include <string>

#include "bindings.h"
#include "konfero/clock.h"
#include "konfero/random.h"

namespace konfero::python {
namespace {

// Lets a Python subclass of RandomSource supply the bytes, e.g. to force PIN
// collisions in a test. RandomSource::Fill must not fail, and an exception
// must not unwind through engine frames, so a failing or short fill() is
// reported through sys.unraisablehook and the bytes come from the CSPRNG
// instead: a broken test source then yields real secrets, never guessable
// ones.
class PyRandomSource : public RandomSource {
 public:
  void Fill(absl::Span<uint8_t> out) override {
    py::gil_scoped_acquire gil;
    try {
      py::function fill =
          py::get_override(static_cast<const RandomSource*>(this), "fill");
      if (!fill) {
        throw py::type_error("RandomSource subclasses must define fill(n)");
      }
      py::bytes data = fill(out.size());
      const std::string bytes = data;
      if (bytes.size() != out.size()) {
        throw py::value_error("RandomSource.fill(" +
                              std::to_string(out.size()) + ") returned " +
                              std::to_string(bytes.size()) + " bytes");
      }
      std::memcpy(out.data(), bytes.data(), out.size());
      return;
    } catch (py::error_already_set& e) {
      e.discard_as_unraisable("konfero.RandomSource.fill");
    } catch (py::builtin_exception& e) {
      // A C++-side error (cast_error, type_error, ...): make it a Python
      // error so it goes the same unraisable way.
      e.set_error();
      py::error_already_set err;
      err.discard_as_unraisable("konfero.RandomSource.fill");
    }
    CryptoRandom().Fill(out);
  }
};

}  // namespace

void BindClocks(py::module_& m) {
  py::class_<Clock>(m, "Clock",
                    "A time source for a RoomService. Use SystemClock or "
                    "ManualClock; times are float Unix seconds.")
      .def("now", &Clock::Now, "The current time, in Unix seconds.");

  py::class_<SystemClock, Clock>(m, "SystemClock", "The real (wall) clock.")
      .def(py::init<>(), "The system clock (absl::Now()).");

  py::class_<ManualClock, Clock>(
      m, "ManualClock",
      "A clock that moves only when told to, for tests and scripted scenes. "
      "Times are Unix seconds (float, or a datetime); durations are seconds "
      "(float, or a timedelta).")
      .def(py::init<absl::Time>(),
           py::arg("start") = absl::FromUnixSeconds(1'700'000'000),
           "Starts at `start` (default 1700000000.0, 2023-11-14T22:13:20Z).")
      .def("advance", &ManualClock::Advance, py::arg("seconds"),
           "Moves the clock forward by `seconds` (float or timedelta).")
      .def("set", &ManualClock::Set, py::arg("time"),
           "Sets the clock to `time` (Unix seconds or datetime).");

  py::class_<RandomSource, PyRandomSource>(
      m, "RandomSource",
      "Where a RoomService takes the bytes of PINs, URL tokens and session "
      "tokens. The default is the OpenSSL CSPRNG. Tests may subclass this "
      "and define fill(n) -> bytes (exactly n bytes) to force, say, PIN "
      "collisions. A fill() that raises or returns the wrong length is "
      "reported through sys.unraisablehook and the CSPRNG is used instead.")
      .def(py::init_alias<>(), "For subclasses, which define fill().")
      .def(
          "fill",
          [](RandomSource& self, int n) {
            if (n < 0) throw py::value_error("n must be >= 0");
            std::string bytes(static_cast<size_t>(n), '\0');
            self.Fill(absl::MakeSpan(reinterpret_cast<uint8_t*>(bytes.data()),
                                     bytes.size()));
            return py::bytes(bytes);
          },
          py::arg("n"), "Returns n random bytes.");
}

}  // namespace konfero::python
