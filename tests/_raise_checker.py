"""A pytest plugin for ``tests/test_errors.py``: keep only the tests that expect an exception
(their source calls ``pytest.raises``), run them, and record every exception they catch that
is not an :class:`irgames.errors.IrgamesError`.

The record (one line per exception: test id, type, message) goes to the file named by the
environment variable ``IRGAMES_RAISES_LOG``; so does a line ``checked N`` with the number of
exceptions caught, so that the calling test knows the run was not empty. Exceptions of
Python's protocols (``TypeError``, ``IndexError``, ``KeyError``, ``AttributeError``,
``OSError``, ``KeyboardInterrupt``), which the package raises on purpose with a comment, and
the ``AssertionError`` of a failed check in :mod:`irgames.testing`, are
allowed; so are exceptions that a test raises itself.
"""

from __future__ import annotations

import inspect
import os

import pytest

from irgames.errors import IrgamesError

PROTOCOL = (
    TypeError,
    IndexError,
    KeyError,
    AttributeError,
    OSError,
    KeyboardInterrupt,
    AssertionError,
)
_real_raises = pytest.raises
_state = {"test": "?", "checked": 0, "bad": []}


def _from_the_package(error: BaseException) -> bool:
    """Whether the exception was raised inside ``irgames`` (its innermost frame)."""
    tb = error.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    name = last.tb_frame.f_globals.get("__name__", "")
    return name == "irgames" or name.startswith(("irgames.", "models"))


def _check(error: BaseException | None) -> None:
    if error is None:
        return
    _state["checked"] += 1
    if isinstance(error, IrgamesError) or isinstance(error, PROTOCOL):
        return
    if not _from_the_package(error):
        return  # numpy's, or the test's own
    message = " ".join(str(error).split())[:160]
    _state["bad"].append(f"{_state['test']}: {type(error).__name__}: {message}")


class _Checking:
    def __init__(self, context):
        self.context = context

    def __enter__(self):
        self.info = self.context.__enter__()
        return self.info

    def __exit__(self, kind, value, tb):
        suppressed = self.context.__exit__(kind, value, tb)
        if suppressed:
            _check(value)
        return suppressed


def _raises(expected, *args, **kwargs):
    if args:  # pytest.raises(E, f, *args): call form
        info = _real_raises(expected, *args, **kwargs)
        _check(info.value)
        return info
    return _Checking(_real_raises(expected, **kwargs))


def pytest_configure(config):
    pytest.raises = _raises


def pytest_collection_modifyitems(session, config, items):
    keep = []
    for item in items:
        function = getattr(item, "function", None)
        try:
            source = inspect.getsource(function) if function is not None else ""
        except (OSError, TypeError):
            source = ""
        if "pytest.raises" in source:
            keep.append(item)
    items[:] = keep


def pytest_runtest_setup(item):
    _state["test"] = item.nodeid


def pytest_unconfigure(config):
    path = os.environ.get("IRGAMES_RAISES_LOG")
    if path:
        with open(path, "w", encoding="utf-8") as out:
            out.write(f"checked {_state['checked']}\n")
            out.writelines(line + "\n" for line in _state["bad"])
