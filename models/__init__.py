r"""The theories of international relations, one module per formal game, and their registry.

Installed as ``irgames.models`` (the ``models/`` folder at the root of the repository). Each
module is one model, its paper: the game, its solve, its claims and figures, ending in
``MODEL = Model(...)``. The registry imports every public module of this package once, on the
first lookup (importing ``irgames.models`` itself imports no model), and collects the
:class:`~irgames.analysis.model.Model` instances it finds, keyed by :attr:`Model.name`.

This is the one place in the package that imports the models: ``irgames.all_models`` and
``irgames.get_model`` are these functions, looked up lazily, and the layers below (games,
solvers, analysis, io) never import upward.

A module that fails to import is an error (with the module's name), not a silently missing
model; two models with one name are an error too.

Examples
--------
>>> from irgames.models import all_models, get_model
>>> isinstance(all_models(), dict)
True
>>> get_model("no_such_model")
Traceback (most recent call last):
...
irgames.errors.UnknownModelError: unknown model 'no_such_model'; ...
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from functools import lru_cache
from types import ModuleType

from irgames.analysis.model import Model
from irgames.errors import RegistryError, UnknownModelError

__all__ = [
    "RegistryError",
    "UnknownModelError",
    "all_models",
    "get_model",
    "models_package",
    "refresh",
]


def models_package() -> ModuleType:
    """The package whose modules hold the models: this one."""
    return sys.modules[__name__]


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
