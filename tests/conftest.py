"""Shared test settings: hypothesis profiles and the path to the validation corpus.

Profiles: ``ci`` (derandomised, used when the environment variable ``CI`` is set), ``dev``
(the default locally) and ``deep`` (``HYPOTHESIS_PROFILE=deep`` for long local runs).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=60,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile(
    "deep", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)

REPO = Path(__file__).resolve().parents[1]
#: The project's shared files (not part of the repository: several are GPL), laid beside the
#: checkout as ``../shared`` for the developers and for CI.
SHARED = REPO.parent / "shared"


def shared_folder(variable: str, relative: str, what: str) -> Path:
    """A folder of the shared files, ``$variable`` or ``../shared/<relative>``.

    Absent, the test is skipped with a reason that says how to point at it; in CI (the
    environment variable ``CI`` set) its absence is a failure, since CI lays ``shared/`` beside
    the checkout.
    """
    folder = Path(os.environ.get(variable, SHARED / relative))
    if not folder.is_dir():
        reason = (
            f"{what} not found at {folder}; set {variable} to the folder '{relative}' of the "
            f"project's shared files (default: ../shared/{relative} beside the checkout)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return folder


@pytest.fixture(scope="session")
def gambit_corpus() -> Path:
    """Root of Gambit's catalog of games."""
    return shared_folder("IRGAMES_GAMBIT_CORPUS", "validation/gambit", "Gambit's game catalog")


@pytest.fixture(scope="session")
def op_eds() -> Path:
    """The folder of the five op-eds the theories quote."""
    return shared_folder("IRGAMES_OP_EDS", "seeds", "the op-eds the theories quote")


@pytest.fixture(scope="session")
def estimation_data() -> Path:
    """Folder of the R package games' data sets (CSV) for the estimation tests."""
    return shared_folder("IRGAMES_ESTIMATION_DATA", "validation/estimation", "estimation data")
