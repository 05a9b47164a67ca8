"""Every exception irgames raises on purpose is an :class:`irgames.errors.IrgamesError`.

Three checks:

- read from the source (:mod:`ast`, no guessing from names): every ``raise X(...)`` under
  ``src/irgames`` and ``models`` whose ``X`` is a class of the package names a subclass of
  ``IrgamesError``, and every built-in exception raised on purpose (Python's protocols:
  ``KeyError`` for a missing key, ``TypeError`` for an argument of the wrong type, ...)
  carries a ``# builtin: <why>`` comment on its line or the line above;
- every exception class the package defines derives from ``IrgamesError``;
- at run time, over the project's own bad-input tests (every test whose source calls
  ``pytest.raises``): each exception they catch that was raised inside the package is an
  ``IrgamesError`` or one of those protocol exceptions (``tests/_raise_checker.py``).
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from irgames.errors import (
    ConvergenceError,
    GameValueError,
    IrgamesError,
    IrgamesWarning,
    MissingExtraError,
    ParameterError,
    SolverError,
    WorkTooLargeError,
)

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
MODELS = REPO / "models"
TESTS = REPO / "tests"


def _module_name(path: Path) -> str:
    if path.is_relative_to(MODELS):
        parts = ["irgames", "models", *path.relative_to(MODELS).with_suffix("").parts]
    else:
        parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _sources() -> list[Path]:
    files = [*SRC.joinpath("irgames").rglob("*.py"), *MODELS.rglob("*.py")]
    return sorted(p for p in files if "__pycache__" not in p.parts)


def _builtin_exception(name: str) -> bool:
    value = getattr(builtins, name, None)
    return isinstance(value, type) and issubclass(value, BaseException)


def _raised_names(path: Path):
    """``(name, line)`` for every ``raise Name(...)``, ``raise Name`` and
    ``raise module.Name(...)`` in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Raise) or node.exc is None:
            continue
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if isinstance(exc, ast.Name):
            yield exc.id, node.lineno
        elif isinstance(exc, ast.Attribute):
            yield exc.attr, node.lineno


def test_the_source_tree_is_where_this_test_looks():
    assert (SRC / "irgames" / "errors.py").is_file()
    assert len(_sources()) > 60


def test_every_raise_names_an_irgames_error_or_a_commented_builtin():
    checked = 0
    bad = []
    for path in _sources():
        lines = path.read_text(encoding="utf-8").splitlines()
        module = None
        for name, line in _raised_names(path):
            where = f"{path.relative_to(REPO)}:{line}"
            if _builtin_exception(name):
                context = lines[line - 1] + "\n" + (lines[line - 2] if line >= 2 else "")
                if "# builtin:" not in context:
                    bad.append(f"{where} raises the built-in {name} without '# builtin: <why>'")
                checked += 1
                continue
            module = module or importlib.import_module(_module_name(path))
            value = getattr(module, name, None)
            if not (isinstance(value, type) and issubclass(value, BaseException)):
                continue  # a variable holding an exception (re-raised), not a class
            checked += 1
            if not issubclass(value, IrgamesError):
                bad.append(f"{where} raises {name}, which is not an IrgamesError")
    assert bad == []
    assert checked > 400  # the walk found the package's raises (about 600)


def _package_modules():
    for path in _sources():
        name = _module_name(path)
        if name.endswith("__main__"):
            continue
        yield importlib.import_module(name)


def test_every_exception_class_of_the_package_is_an_irgames_error():
    found = []
    for module in _package_modules():
        for _, value in inspect.getmembers(module, inspect.isclass):
            if value.__module__ != module.__name__ or not issubclass(value, BaseException):
                continue
            if issubclass(value, Warning):  # warnings have their own base: not errors
                assert issubclass(value, IrgamesWarning), f"{module.__name__}.{value.__name__}"
                continue
            found.append(value)
            assert issubclass(value, IrgamesError), f"{module.__name__}.{value.__name__}"
    names = {cls.__name__ for cls in found}
    assert {"CLIError", "OutcomeError", "SweepError", "ClaimFailure", "CommandError"} <= names


@pytest.mark.parametrize(
    ("cls", "base"),
    [
        (GameValueError, ValueError),
        (SolverError, ValueError),
        (ParameterError, ValueError),
        (WorkTooLargeError, MemoryError),
        (ConvergenceError, ArithmeticError),
        (MissingExtraError, ModuleNotFoundError),
    ],
)
def test_each_error_keeps_its_builtin_base(cls, base):
    assert issubclass(cls, IrgamesError) and issubclass(cls, base)


def test_a_method_that_does_not_apply_is_a_solver_error_not_bad_game_data():
    import irgames as ig

    pd = ig.NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    three = ig.NormalFormGame(np.zeros((3, 2, 2, 2)), n_players=3)
    for call, words in [
        (lambda: ig.zero_sum(pd), "not zero-sum"),
        (lambda: ig.lemke_howson(three), "two-player"),
        (lambda: ig.zero_sum(pd, tol=-1.0), "tol"),
    ]:
        with pytest.raises(SolverError, match=words) as info:
            call()
        assert isinstance(info.value, ValueError) and not isinstance(info.value, GameValueError)


def _files_with_raises() -> list[str]:
    here = Path(__file__).resolve()
    files = []
    for path in sorted(TESTS.rglob("test_*.py")):
        if path == here or "cli" in path.relative_to(TESTS).parts:
            continue  # the CLI tests turn errors into exit codes and mostly spawn processes
        if "pytest.raises" in path.read_text(encoding="utf-8"):
            files.append(str(path.relative_to(REPO)))
    return files


def test_the_bad_input_tests_catch_only_irgames_errors(tmp_path):
    files = _files_with_raises()
    assert any("test_audit_bad_input" in f for f in files) and len(files) > 40
    log = tmp_path / "raises.log"
    env = dict(os.environ, IRGAMES_RAISES_LOG=str(log), CI="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), env.get("PYTHONPATH")]))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "_raise_checker",
            *files,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    first, *bad = log.read_text(encoding="utf-8").splitlines()
    assert int(first.split()[1]) > 300  # the run caught the exceptions it was meant to check
    assert bad == []
