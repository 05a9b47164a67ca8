r"""The model registry: every :class:`~irgames.analysis.model.Model` in ``irgames.models``.

Each module of the ``irgames.models`` package (the ``models/`` folder at the root of the
repository, installed as ``irgames.models``) defines its models at module level. The registry
imports every module of the package once and collects the :class:`Model` instances it finds,
keyed by :attr:`Model.name`. When ``irgames.models`` is not importable (running from a checkout
with ``PYTHONPATH=src:.``), the top-level ``models`` package is used instead.

A module that fails to import is an error (with the module's name), not a silently missing
model; two models with one name are an error too.

Examples
--------
>>> from irgames.analysis.registry import all_models, get_model
>>> isinstance(all_models(), dict)
True
>>> get_model("no_such_model")
Traceback (most recent call last):
...
irgames.analysis.registry.UnknownModelError: unknown model 'no_such_model'; ...
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType

from .model import Model

__all__ = [
    "RegistryError",
    "UnknownModelError",
    "all_models",
    "get_model",
    "models_package",
    "refresh",
]


class RegistryError(ImportError):
    """A module of the models package could not be imported, or model names collide."""


class UnknownModelError(LookupError, ValueError):
    """No model of that name; the message lists the available ones."""

    def __str__(self) -> str:  # KeyError-style quoting would hide the message
        return str(self.args[0]) if self.args else ""


def models_package() -> ModuleType:
    """The package holding the models: ``irgames.models``, else top-level ``models``."""
    try:
        return importlib.import_module("irgames.models")
    except ModuleNotFoundError as error:
        if error.name not in ("irgames.models",):
            raise
    try:
        return importlib.import_module("models")
    except ModuleNotFoundError as error:
        raise RegistryError(
            "neither irgames.models nor models is importable: install irgames "
            "(pip install -e .) or put the repository root on PYTHONPATH"
        ) from error


@lru_cache(maxsize=1)
def _discover() -> dict[str, Model]:
    package = models_package()
    found: dict[str, Model] = {}
    where: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        qualified = f"{package.__name__}.{info.name}"
        try:
            module = importlib.import_module(qualified)
        except Exception as error:
            raise RegistryError(f"cannot import model module {qualified}: {error!r}") from error
        for value in vars(module).values():
            if isinstance(value, Model):
                if value.name in found and found[value.name] is not value:
                    raise RegistryError(
                        f"two models are named {value.name!r}: in {where[value.name]} and "
                        f"{qualified}"
                    )
                found[value.name] = value
                where[value.name] = qualified
    return found


def all_models() -> dict[str, Model]:
    """Every registered model, keyed by name (sorted by name)."""
    return dict(sorted(_discover().items()))


def get_model(name: str) -> Model:
    """The model called ``name``.

    Raises
    ------
    UnknownModelError
        If there is none; the message lists the available models.
    """
    models = _discover()
    if name not in models:
        available = ", ".join(sorted(models)) or "none"
        raise UnknownModelError(f"unknown model {name!r}; the models are: {available}")
    return models[name]


def refresh() -> None:
    """Forget the discovered models (after adding a module at run time)."""
    _discover.cache_clear()
