"""The type stubs and docstrings keep up with the extension.

Checks the room-domain API only: every name the stubs declare exists, and
every public attribute of a class the stubs declare is in its stub, so a
binding added without a stub (or the reverse) fails here.
"""

import ast
import inspect
import pathlib

import konfero
from konfero import _konfero

STUB = pathlib.Path(konfero.__file__).with_name("__init__.pyi")
# pybind11 puts these on every enum and class; they need no stub.
PYBIND_EXTRAS = {"name", "value"}


def stub_classes():
    tree = ast.parse(STUB.read_text())
    classes = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            members = set()
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    members.add(item.name)
                elif isinstance(item, ast.AnnAssign):
                    members.add(item.target.id)
                elif isinstance(item, ast.Assign):
                    members.update(t.id for t in item.targets)
            classes[node.name] = members
    return classes


def public(cls):
    return {a for a in vars(cls) if not a.startswith("_")} - PYBIND_EXTRAS


def test_every_stubbed_name_exists():
    for name, members in stub_classes().items():
        assert hasattr(konfero, name), name
        cls = getattr(konfero, name)
        for member in members - {"__init__", "__enter__", "__exit__"}:
            assert hasattr(cls, member), f"{name}.{member}"


def test_every_room_class_member_is_stubbed():
    stubs = stub_classes()
    for name, members in stubs.items():
        cls = getattr(_konfero, name)
        if issubclass(cls, BaseException):
            continue  # only `code` is set on them, declared on Error
        missing = public(cls) - members
        assert not missing, f"{name}: not in the stubs: {sorted(missing)}"


def test_bindings_have_docstrings():
    for name, members in stub_classes().items():
        cls = getattr(_konfero, name)
        if issubclass(cls, BaseException):
            assert cls.__doc__, name
            continue
        assert (cls.__doc__ or "").strip(), name
        for attr in public(cls):
            value = inspect.getattr_static(cls, attr)
            if isinstance(value, property):
                assert (value.__doc__ or "").strip(), f"{name}.{attr}"
            elif callable(value) or isinstance(value, staticmethod):
                doc = getattr(cls, attr).__doc__ or ""
                # pybind11 starts with the signature; a docstring follows it.
                text = [line for line in doc.splitlines()
                        if line.strip() and not line.startswith(attr + "(")
                        and "Overloaded function" not in line
                        and not line[:2].strip().rstrip(".").isdigit()]
                assert text, f"{name}.{attr}() has no docstring"
