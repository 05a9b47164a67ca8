"""The wheel holds every subpackage: pyproject's explicit ``packages`` list names each folder
of ``src/irgames`` with an ``__init__.py`` (and ``irgames.models``, mapped from ``models/``).

A subpackage missing from the list installs in editable mode (the tests pass) but not from
the wheel (CI's main job runs from the wheel): this test catches it before.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_every_subpackage_is_in_the_wheel():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    src = REPO / "src"
    found = {".".join(init.parent.relative_to(src).parts) for init in src.rglob("__init__.py")} | {
        "irgames.models"
    }
    assert found == listed, f"missing from pyproject: {sorted(found - listed)}; extra: " + str(
        sorted(listed - found)
    )
