"""The README's examples run and print what the README says they print."""

from __future__ import annotations

import doctest
from pathlib import Path

import numpy as np

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_examples():
    np.set_printoptions(legacy=False)
    result = doctest.testfile(
        str(README), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE
    )
    assert result.attempted > 5
    assert result.failed == 0


def test_readme_has_the_two_quick_start_commands():
    text = README.read_text()
    assert 'python3 -m pip install -e ".[figures]" && irgames figures' in text
    assert 'python3 -m pip install -e ".[test,docs]" && python3 -m pytest -q' in text


def test_ci_runs_the_readme_commands():
    ci = (README.parent / ".ci" / "run").read_text()
    assert 'pip install -e ".[test,docs]" && python -m pytest -q' in ci
    assert "irgames figures" in ci
