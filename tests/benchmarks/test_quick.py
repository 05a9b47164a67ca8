"""Smoke test of the benchmark command: it runs, produces rows, and its agreement checks ran.

The benchmarks run in-process at the ``tiny`` sizes (seconds). QuantEcon is left out of the
full pass (its numba compile alone takes seconds) and exercised on its own through the
Lemke-Howson family. Nothing here looks at a rate's value: speed is never asserted.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # `benchmarks` lives at the repository root
    sys.path.insert(0, str(REPO))

from benchmarks.common import (  # noqa: E402
    Agreement,
    Config,
    Disagreement,
    Family,
    compare_sets,
    valid_profiles,
)
from benchmarks.run import FAMILIES, format_table, main, run_all  # noqa: E402
from benchmarks.timing import compare, materialise  # noqa: E402


@pytest.fixture(scope="module")
def report():
    return run_all(Config(mode="tiny", repeats=1, exclude=("quantecon",)))


def test_every_family_produced_rows_and_checks(report):
    families = {r["family"] for r in report["rows"]}
    checked = {c["family"] for c in report["checks"]}
    assert len(families) == len(FAMILIES)
    assert checked == families
    assert all(c["agreed"] for c in report["checks"])
    # every peer that was timed was checked against irgames on that workload first
    for row in report["rows"]:
        if not row["implementation"].startswith("irgames"):
            assert any(
                c["family"] == row["family"] and c["peer"] == row["implementation"]
                for c in report["checks"]
            ), row["implementation"]


def test_rows_are_well_formed(report):
    for row in report["rows"]:
        assert 0 < row["low"] <= row["median"] <= row["high"] < math.inf
        assert row["batch"] >= 1 and row["repeats"] >= 1
        if row["reference"]:
            assert row["ratio"] == pytest.approx(1.0)
    assert report["bandwidth"]["median"] > 0
    text = format_table(report["rows"])
    assert text.count("\n") == len(report["rows"]) + 1


def test_command_writes_json_and_plot(tmp_path, capsys):
    out, fig = tmp_path / "bench.json", tmp_path / "bench.png"
    code = main(
        [
            "--tiny",
            "--only",
            "sweep",
            "--exclude",
            "quantecon",
            "--json",
            str(out),
            "--plot",
            str(fig),
        ]
    )
    assert code == 0
    data = json.loads(out.read_text())
    assert data["rows"] and data["checks"] and data["machine"]["versions"]["numpy"]
    assert fig.stat().st_size > 0
    assert "agreement checks" in capsys.readouterr().out


def test_quantecon_peer_is_checked_and_timed():
    pytest.importorskip("quantecon")
    report = run_all(Config(mode="tiny", repeats=1), only=["lemke_howson"])
    peers = {c["peer"] for c in report["checks"]}
    assert "QuantEcon lemke_howson" in peers
    assert any(r["implementation"] == "QuantEcon lemke_howson" for r in report["rows"])


def test_a_disagreement_fails_the_run():
    family = Family("test")
    right = [[np.array([1.0, 0.0, 1.0, 0.0])]]
    wrong = [[np.array([0.0, 1.0, 0.0, 1.0])]]
    compare_sets(family, "w", "peer", right, right, atol=1e-9)
    with pytest.raises(Disagreement):
        compare_sets(family, "w", "peer", right, wrong, atol=1e-9)
    with pytest.raises(Disagreement):
        family.check(Agreement("test", "w", "peer", 1, 1, False, "by hand"))


def test_peer_answers_are_held_to_the_regret_standard():
    # matching pennies: only (1/2, 1/2) twice is an equilibrium
    A = np.array([[1.0, -1.0], [-1.0, 1.0]])
    kept, dropped = valid_profiles(
        A, -A, [np.array([0.5, 0.5, 0.5, 0.5]), np.array([1.0, 0.0, 1.0, 0.0]), np.ones(3)]
    )
    assert len(kept) == 1 and dropped == 2


def test_timing_consumes_generators_and_alternates():
    consumed = []

    def lazy():
        return (consumed.append(i) for i in range(3))

    materialise(lazy())
    assert len(consumed) == 3
    t = compare(
        {"a": (lambda: sum(range(10)), 10), "b": (lambda: None, 1)}, repeats=3, min_sample=0.0
    )
    assert t["a"].repeats == t["b"].repeats == 3
