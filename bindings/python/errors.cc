// errors.cc: absl::Status -> Python exceptions.
//
// konfero.Error is the base of one class per canonical code, so callers can
// catch broadly (`except konfero.Error`) or precisely
// (`except konfero.NotFoundError`). Where Python has a matching built-in the
// class derives from it too: InvalidArgumentError is a ValueError,
// NotFoundError a LookupError, PermissionDeniedError a PermissionError, and
// so on, so generic Python code that catches those keeps working. Every class
// carries the code as `code` (a konfero.StatusCode); an instance has it too,
// with the status message as `message` and str(e).
#include <Python.h>

#include <array>
#include <exception>
#include <string>

#include "bindings.h"

namespace konfero::python {
namespace {

// The C++ carrier from ThrowIfError to the translator. pybind11 converts
// it to a Python exception when it leaves a bound function.
class StatusError : public std::exception {
 public:
  explicit StatusError(absl::Status status) : status_(std::move(status)) {}
  const char* what() const noexcept override { return "konfero status error"; }
  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
};

constexpr int kCodeCount = 17;  // absl::StatusCode values 0..16

// The exception classes by code. Filled once at import and never changed; the
// module holds a reference to each class, and the table is deliberately
// leaked (interpreter teardown order makes destroying Python objects from a
// C++ static destructor unsafe).
std::array<PyObject*, kCodeCount>& ClassesByCode() {
  static auto* classes = new std::array<PyObject*, kCodeCount>{};
  return *classes;
}
PyObject*& BaseClass() {
  static PyObject* base = nullptr;
  return base;
}

struct ErrorSpec {
  absl::StatusCode code;
  const char* name;
  PyObject* builtin;  // an extra Python base, or nullptr
  const char* doc;
};

// A new reference to the konfero.Error instance for a failed `status`
// (`code` and `message` set), or nullptr with a Python error set. Plain C
// API: a translator runs with the GIL held and must not throw.
PyObject* NewErrorInstance(const absl::Status& s) {
  const int code = static_cast<int>(s.code());
  PyObject* cls = code >= 0 && code < kCodeCount && ClassesByCode()[code]
                      ? ClassesByCode()[code]
                      : BaseClass();
  const std::string text(s.message());
  PyObject* message = PyUnicode_DecodeUTF8(text.data(), text.size(), "replace");
  if (message == nullptr) return nullptr;
  PyObject* exc = PyObject_CallOneArg(cls, message);
  if (exc == nullptr) {
    Py_DECREF(message);
    return nullptr;
  }
  PyObject* code_obj = py::cast(s.code()).release().ptr();
  PyObject_SetAttrString(exc, "code", code_obj);
  PyObject_SetAttrString(exc, "message", message);
  Py_DECREF(code_obj);
  Py_DECREF(message);
  return exc;
}

}  // namespace

py::object ErrorOf(const absl::Status& status) {
  if (status.ok()) return py::none();
  PyObject* exc = NewErrorInstance(status);
  if (exc == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(exc);
}

void ThrowIfError(const absl::Status& status) {
  if (!status.ok()) throw StatusError(status);
}

void BindErrors(py::module_& m) {
  py::enum_<absl::StatusCode>(m, "StatusCode",
                              "The canonical absl::StatusCode values.")
      .value("OK", absl::StatusCode::kOk)
      .value("CANCELLED", absl::StatusCode::kCancelled)
      .value("UNKNOWN", absl::StatusCode::kUnknown)
      .value("INVALID_ARGUMENT", absl::StatusCode::kInvalidArgument)
      .value("DEADLINE_EXCEEDED", absl::StatusCode::kDeadlineExceeded)
      .value("NOT_FOUND", absl::StatusCode::kNotFound)
      .value("ALREADY_EXISTS", absl::StatusCode::kAlreadyExists)
      .value("PERMISSION_DENIED", absl::StatusCode::kPermissionDenied)
      .value("RESOURCE_EXHAUSTED", absl::StatusCode::kResourceExhausted)
      .value("FAILED_PRECONDITION", absl::StatusCode::kFailedPrecondition)
      .value("ABORTED", absl::StatusCode::kAborted)
      .value("OUT_OF_RANGE", absl::StatusCode::kOutOfRange)
      .value("UNIMPLEMENTED", absl::StatusCode::kUnimplemented)
      .value("INTERNAL", absl::StatusCode::kInternal)
      .value("UNAVAILABLE", absl::StatusCode::kUnavailable)
      .value("DATA_LOSS", absl::StatusCode::kDataLoss)
      .value("UNAUTHENTICATED", absl::StatusCode::kUnauthenticated);

  // PyErr_NewExceptionWithDoc accepts a tuple of bases, which is how a class
  // derives from both konfero.Error and a built-in. The dotted name makes
  // tracebacks show `konfero.NotFoundError`, the public name.
  PyObject* base = PyErr_NewExceptionWithDoc(
      "konfero.Error",
      "Base of every konfero error: a failed absl::Status. `code` is the "
      "StatusCode, `message` the status message.",
      PyExc_Exception, nullptr);
  if (base == nullptr) throw py::error_already_set();
  BaseClass() = base;
  m.add_object("Error", py::handle(base));  // the module owns the reference
  py::handle(base).attr("code") = py::cast(absl::StatusCode::kUnknown);
  py::handle(base).attr("message") = py::str("");  // set per instance

  using C = absl::StatusCode;
  const ErrorSpec specs[] = {
      {C::kCancelled, "CancelledError", nullptr,
       "The operation was cancelled."},
      {C::kUnknown, "UnknownError", nullptr, "An error of unknown kind."},
      {C::kInvalidArgument, "InvalidArgumentError", PyExc_ValueError,
       "Bad input: an empty name, a malformed login, a short password, ..."},
      {C::kDeadlineExceeded, "DeadlineExceededError", PyExc_TimeoutError,
       "A deadline passed before the operation completed."},
      {C::kNotFound, "NotFoundError", PyExc_LookupError,
       "No such user, room, participant, ban or guest code."},
      {C::kAlreadyExists, "AlreadyExistsError", nullptr,
       "The login (or another unique name) is taken."},
      {C::kPermissionDenied, "PermissionDeniedError", PyExc_PermissionError,
       "Not allowed: not a member, a guest kicking, a barred guest, a wrong "
       "PIN."},
      {C::kResourceExhausted, "ResourceExhaustedError", nullptr,
       "No licence seat free, or too many attempts (locked out)."},
      {C::kFailedPrecondition, "FailedPreconditionError", nullptr,
       "The state does not allow it: room private, not in a conference, "
       "service closed."},
      {C::kAborted, "AbortedError", nullptr, "The operation was aborted."},
      {C::kOutOfRange, "OutOfRangeError", nullptr, "A value out of range."},
      {C::kUnimplemented, "UnimplementedError", PyExc_NotImplementedError,
       "Not implemented."},
      {C::kInternal, "InternalError", nullptr,
       "An internal error, e.g. the database failed."},
      {C::kUnavailable, "UnavailableError", nullptr,
       "Temporarily unavailable, e.g. the database is locked by another "
       "process; retrying may succeed."},
      {C::kDataLoss, "DataLossError", nullptr, "Unrecoverable data loss."},
      {C::kUnauthenticated, "UnauthenticatedError", nullptr,
       "No session, an expired one, or a wrong login or password."},
  };
  for (const ErrorSpec& spec : specs) {
    py::tuple bases =
        spec.builtin != nullptr
            ? py::make_tuple(py::handle(base), py::handle(spec.builtin))
            : py::make_tuple(py::handle(base));
    const std::string qualified = std::string("konfero.") + spec.name;
    PyObject* cls = PyErr_NewExceptionWithDoc(qualified.c_str(), spec.doc,
                                              bases.ptr(), nullptr);
    if (cls == nullptr) throw py::error_already_set();
    py::handle(cls).attr("code") = py::cast(spec.code);
    ClassesByCode()[static_cast<int>(spec.code)] = cls;
    m.add_object(spec.name, py::handle(cls));
  }

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const StatusError& e) {
      PyObject* exc = NewErrorInstance(e.status());
      if (exc == nullptr) return;  // the failed call set its own error
      PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc)), exc);
      Py_DECREF(exc);
    }
  });
}

}  // namespace konfero::python
