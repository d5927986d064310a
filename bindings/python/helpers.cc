// helpers.cc: the small machinery shared by the binding files: reading
// seconds, keyword constructors, safe reprs and match args (see bindings.h).
#include <cmath>
#include <string>
#include <vector>

#include "bindings.h"

namespace konfero::python {

bool LoadSeconds(py::handle src, SecondsKind kind, double* seconds) {
  PyObject* o = src.ptr();
  double value = 0;
  if (PyBool_Check(o)) return false;  // True seconds is a caller's bug
  if (PyFloat_Check(o) || PyLong_Check(o)) {
    value = PyFloat_AsDouble(o);  // converts ints too
    if (value == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();  // an int too large for a double: not convertible
      return false;
    }
  } else {
    py::module_ datetime = py::module_::import("datetime");
    const bool instant = kind == SecondsKind::kInstant;
    if (!py::isinstance(src, datetime.attr(instant ? "datetime" : "timedelta")))
      return false;
    value = src.attr(instant ? "timestamp" : "total_seconds")().cast<double>();
  }
  if (std::isnan(value)) return false;
  *seconds = value;
  return true;
}

void AssignKeyword(py::object& obj, const py::str& key, py::handle value) {
  py::handle type = py::type::handle_of(obj);
  const std::string name = key;
  // Only data properties are fields; refuse methods and dunders by name.
  const bool is_field =
      !name.empty() && name[0] != '_' && py::hasattr(type, key) &&
      PyObject_IsInstance(type.attr(key).ptr(),
                          reinterpret_cast<PyObject*>(&PyProperty_Type)) == 1;
  if (!is_field) {
    throw py::type_error(type.attr("__name__").cast<std::string>() +
                         "() got an unexpected keyword argument '" + name +
                         "'");
  }
  py::setattr(obj, key, value);
}

void DefRepr(py::handle cls, std::initializer_list<const char*> fields,
             std::initializer_list<const char*> secret) {
  std::vector<std::string> shown(fields.begin(), fields.end());
  std::vector<std::string> hidden(secret.begin(), secret.end());
  cls.attr("__repr__") = py::cpp_function(
      [shown, hidden](py::handle self) {
        std::string out =
            py::type::handle_of(self).attr("__name__").cast<std::string>() +
            "(";
        bool first = true;
        for (const std::string& field : shown) {
          py::object value = self.attr(field.c_str());
          std::string text;
          bool is_secret = false;
          for (const std::string& h : hidden) is_secret |= h == field;
          if (is_secret && py::bool_(value)) {
            text = "'***'";
          } else if (py::hasattr(py::type::handle_of(value), "__members__")) {
            text = py::str(value);  // an enum: ConferenceState.RUNNING
          } else {
            text = py::repr(value);
          }
          out += (first ? "" : ", ") + field + "=" + text;
          first = false;
        }
        return out + ")";
      },
      py::name("__repr__"), py::is_method(cls),
      "A readable form; secrets (tokens, PINs, keys) are shown as '***'.");
}

void DefMatchArgs(py::handle cls, std::initializer_list<const char*> fields) {
  py::tuple names(fields.size());
  size_t i = 0;
  for (const char* f : fields) names[i++] = py::str(f);
  cls.attr("__match_args__") = names;
}

}  // namespace konfero::python
