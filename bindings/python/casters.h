// casters.h: how konfero's small C++ value types cross into Python.
//
//   - Strong ids (UserId, RoomId, ParticipantId, BanId, SubscriptionId,
//     CallId) are plain Python ints: scripts store them, compare them and
//     print them, and a wrapper class per id type would buy little in a
//     dynamic language.
//   - absl::Time is a float of Unix seconds (UTC). The room domain only
//     compares and orders instants, and ManualClock arithmetic is simplest on
//     numbers. On input a datetime is accepted too (via its .timestamp(), so a
//     naive datetime means local time, as in Python itself). InfiniteFuture
//     is float('inf').
//   - absl::Duration is a float of seconds; a datetime.timedelta is accepted
//     on input.
//
// Every translation unit of the module includes this header (through
// bindings.h) so that all of them agree on these casters; a TU that saw a
// different caster for the same type would break the one-definition rule.
#ifndef KONFERO_BINDINGS_PYTHON_CASTERS_H_
#define KONFERO_BINDINGS_PYTHON_CASTERS_H_

#include <pybind11/pybind11.h>

#include <type_traits>

#include "absl/time/time.h"
#include "konfero/media_types.h"
#include "konfero/room_service.h"
#include "konfero/room_types.h"

namespace konfero::python {

// An int <-> strong-enum-id caster; the range check is the int caster's
// (a negative ParticipantId is a TypeError, not a wrap-around).
template <typename Id>
struct StrongIdCaster {
  using Int = std::underlying_type_t<Id>;
  PYBIND11_TYPE_CASTER(Id, pybind11::detail::const_name("int"));

  bool load(pybind11::handle src, bool convert) {
    // Refuse bool: True as a room id is always a bug in the caller.
    if (PyBool_Check(src.ptr())) return false;
    pybind11::detail::make_caster<Int> inner;
    if (!inner.load(src, convert)) return false;
    value = Id{pybind11::detail::cast_op<Int>(inner)};
    return true;
  }
  static pybind11::handle cast(Id id, pybind11::return_value_policy policy,
                               pybind11::handle parent) {
    return pybind11::detail::make_caster<Int>::cast(static_cast<Int>(id),
                                                    policy, parent);
  }
};

// Reads a float or an int as seconds; also a datetime.datetime (kInstant,
// its .timestamp()) or a datetime.timedelta (kSpan, its .total_seconds()).
// False if `src` is none of those, so pybind11 reports a TypeError that
// shows the signature.
enum class SecondsKind { kInstant, kSpan };
bool LoadSeconds(pybind11::handle src, SecondsKind kind, double* seconds);

}  // namespace konfero::python

namespace pybind11::detail {

template <>
struct type_caster<konfero::UserId>
    : konfero::python::StrongIdCaster<konfero::UserId> {};
template <>
struct type_caster<konfero::RoomId>
    : konfero::python::StrongIdCaster<konfero::RoomId> {};
template <>
struct type_caster<konfero::ParticipantId>
    : konfero::python::StrongIdCaster<konfero::ParticipantId> {};
template <>
struct type_caster<konfero::BanId>
    : konfero::python::StrongIdCaster<konfero::BanId> {};
template <>
struct type_caster<konfero::SubscriptionId>
    : konfero::python::StrongIdCaster<konfero::SubscriptionId> {};
template <>
struct type_caster<konfero::CallId>
    : konfero::python::StrongIdCaster<konfero::CallId> {};

template <>
struct type_caster<absl::Time> {
  PYBIND11_TYPE_CASTER(absl::Time, const_name("float"));
  bool load(handle src, bool /*convert*/) {
    double s = 0;
    if (!konfero::python::LoadSeconds(
            src, konfero::python::SecondsKind::kInstant, &s))
      return false;
    value = absl::UnixEpoch() + absl::Seconds(s);
    return true;
  }
  static handle cast(absl::Time t, return_value_policy, handle) {
    return PyFloat_FromDouble(absl::ToDoubleSeconds(t - absl::UnixEpoch()));
  }
};

template <>
struct type_caster<absl::Duration> {
  PYBIND11_TYPE_CASTER(absl::Duration, const_name("float"));
  bool load(handle src, bool /*convert*/) {
    double s = 0;
    if (!konfero::python::LoadSeconds(src, konfero::python::SecondsKind::kSpan,
                                      &s))
      return false;
    value = absl::Seconds(s);
    return true;
  }
  static handle cast(absl::Duration d, return_value_policy, handle) {
    return PyFloat_FromDouble(absl::ToDoubleSeconds(d));
  }
};

}  // namespace pybind11::detail

#endif  // KONFERO_BINDINGS_PYTHON_CASTERS_H_
