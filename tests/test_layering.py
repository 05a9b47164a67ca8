"""The house's layers, read from the source: analysis imports no other layer, and the models are
reached only through the registry's lazy lookup.

Every module under ``src/irgames`` is parsed with :mod:`ast` (no import runs); relative imports
are resolved against the module's package, and ``from X import y`` counts as importing ``X``
and, where ``X.y`` is a module, ``X.y``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "irgames"

#: What analysis may not import: the other layers, the edges, and any plotting library.
FORBIDDEN_IN_ANALYSIS = (
    "irgames.games",
    "irgames.solvers",
    "irgames.io",
    "irgames.cli",
    "irgames.plot",
    "irgames.models",
    "matplotlib",
)

#: What analysis may take from the top-level package inside a function: its lazy lookup of the
#: registry (``claims_report()`` with no models checks every registered model).
REGISTRY_LOOKUP = {"all_models", "get_model"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _imports(path: Path):
    """``(module, name, lazy, line)`` for every import in a file: ``name`` is the imported
    name of a ``from`` import (None for ``import X``); ``lazy`` when inside a function."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    inside = {id(n) for f in functions for n in ast.walk(f) if n is not f}
    for node in ast.walk(tree):
        lazy = id(node) in inside
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, lazy, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            for alias in node.names:
                yield target, alias.name, lazy, node.lineno


def _is_module(name: str) -> bool:
    path = SRC.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _targets(module: str, name: str | None) -> list[str]:
    """The modules an import statement loads (the package, and ``package.name`` if a module;
    ``irgames.models`` lives outside ``src``, so it is named explicitly)."""
    out = [module]
    if name is not None:
        sub = f"{module}.{name}"
        if _is_module(sub) or sub == "irgames.models":
            out.append(sub)
    return out


def _within(target: str, prefix: str) -> bool:
    return target == prefix or target.startswith(prefix + ".")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "__pycache__" not in p.parts)


def test_the_source_tree_is_where_this_test_looks():
    assert (PACKAGE / "analysis" / "model.py").is_file()
    assert len(_files(PACKAGE / "analysis")) >= 8


@pytest.mark.parametrize("path", _files(PACKAGE / "analysis"), ids=lambda p: p.name)
def test_analysis_imports_no_other_layer(path):
    module = _module_name(path)
    bad = []
    for target, name, lazy, line in _imports(path):
        if target == "irgames" and name not in ("errors", "_memory", "_atomic"):
            if not (lazy and name in REGISTRY_LOOKUP):
                bad.append(f"line {line}: imports {name or 'irgames'} from the top-level package")
            continue
        for t in _targets(target, name):
            if any(_within(t, p) for p in FORBIDDEN_IN_ANALYSIS):
                bad.append(f"line {line}: imports {t}")
    assert bad == [], f"{module} reaches above the analysis layer: {bad}"


def test_only_the_registry_lookup_imports_the_models():
    """No module imports a model module; the registry package ``irgames.models`` is imported
    only lazily (inside a function: the top-level package's ``__getattr__``, the CLI's lookup),
    and never by analysis (checked above)."""
    bad = []
    lookups = []
    for path in _files(PACKAGE):
        module = _module_name(path)
        for target, name, lazy, line in _imports(path):
            for t in _targets(target, name):
                if _within(t, "irgames.models") and t != "irgames.models":
                    bad.append(f"{module} line {line} imports the model module {t}")
                elif t == "irgames.models":
                    if not lazy:
                        bad.append(f"{module} line {line} imports irgames.models at import time")
                    lookups.append(module)
    assert bad == []
    assert "irgames" in lookups  # the lazy all_models / get_model of the top level


def test_import_irgames_loads_no_model_plotting_or_hypothesis():
    code = (
        "import sys, irgames\n"
        "loaded = [m for m in ('irgames.models', 'models', 'matplotlib', 'hypothesis', "
        "'irgames.plot', 'irgames.testing') if m in sys.modules]\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_the_registry_is_reachable_lazily_from_the_top():
    import irgames.models

    import irgames

    assert irgames.get_model is irgames.models.get_model
    assert "all_models" in dir(irgames)
    assert set(irgames.all_models()) >= {"omnibalancing", "omnibalancing_threats"}
