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
GAMBIT = Path(
    os.environ.get("IRGAMES_GAMBIT_CORPUS", REPO.parent / "shared" / "validation" / "gambit")
)


@pytest.fixture(scope="session")
def gambit_corpus() -> Path:
    """Root of Gambit's catalog of games.

    Absent, the test is skipped with a reason that says how to point at it; in CI (the
    environment variable ``CI`` set) its absence is a failure, since CI lays ``shared/`` beside
    the checkout.
    """
    if not GAMBIT.is_dir():
        reason = (
            f"Gambit's game catalog not found at {GAMBIT}; set IRGAMES_GAMBIT_CORPUS to the "
            "folder 'validation/gambit' of the project's shared files (default: "
            "../shared/validation/gambit beside the checkout)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return GAMBIT


ESTIMATION = Path(
    os.environ.get("IRGAMES_ESTIMATION_DATA", REPO.parent / "shared" / "validation" / "estimation")
)


@pytest.fixture(scope="session")
def estimation_data() -> Path:
    """Folder of the R package games' data sets (CSV) for the estimation tests.

    Absent, the test is skipped with a reason that says how to point at it; in CI its absence
    is a failure, as for :func:`gambit_corpus`.
    """
    if not ESTIMATION.is_dir():
        reason = (
            f"estimation data not found at {ESTIMATION}; set IRGAMES_ESTIMATION_DATA to the "
            "folder 'validation/estimation' of the project's shared files (default: "
            "../shared/validation/estimation beside the checkout)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return ESTIMATION
