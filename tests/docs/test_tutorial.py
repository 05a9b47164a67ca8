"""The tutorial's model (docs/tutorial_model.py) runs, matches its closed form, its true claims
hold and its false claim fails at a point where it really fails; the tutorial page includes
only sections that exist in the file."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given

from irgames.analysis.claims import check
from irgames.plot import render_figure

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _load():
    spec = importlib.util.spec_from_file_location("tutorial_model", DOCS / "tutorial_model.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("tutorial_model", module)
    spec.loader.exec_module(module)
    return module


tutorial = _load()
MODEL = tutorial.deterrence


def closed_form(p, c_challenger, c_defender):
    """Regime by hand: 0 deterrence, 1 concession, 2 war (strict inequalities only)."""
    resists = np.asarray(1 - p - c_defender > 0)
    war_pays = p - c_challenger > 0
    return np.where(~resists, 1, np.where(war_pays, 2, 0))


@given(MODEL.space.strategy())
def test_regime_matches_backward_induction_by_hand(point):
    p, cc, cd = point["p"], point["cost_challenger"], point["cost_defender"]
    scale = 1.0 + cc + cd  # the payoff range is at most this
    margins = np.array([1 - p - cd, p - cc])
    if np.min(np.abs(margins)) <= 1e-9 * scale:
        return  # a tie: both answers are subgame perfect
    out = MODEL(**point)
    assert int(out.regime) == int(closed_form(p, cc, cd))
    expected = {0: (0.0, 1.0), 1: (1.0, 0.0), 2: (p - cc, 1 - p - cd)}[int(out.regime)]
    got = (float(out["challenger_payoff"]), float(out["defender_payoff"]))
    assert got == pytest.approx(expected, abs=1e-12 * scale)


def test_batch_equals_points():
    rng = np.random.default_rng(0)
    pts = {n: rng.uniform(0, 1, 200) for n in MODEL.space.names}
    batch = MODEL(**pts)
    for k in range(0, 200, 37):
        one = MODEL(**{n: v[k] for n, v in pts.items()})
        assert int(one.regime) == int(batch.regime[k])


def test_claims_true_and_false():
    assert check(MODEL, "credible_threats_deter_unless_war_pays", n=300).holds
    assert check(MODEL, "war_falls_with_its_cost", n=300).holds
    false = check(MODEL, "war_never_happens", n=300)
    assert not false.holds and 0 < false.share < 1
    point = false.counterexample
    assert float(MODEL(**point)["war"]) >= 0.5  # it really fails there
    assert int(closed_form(point["p"], point["cost_challenger"], point["cost_defender"])) == 2


def test_figure_is_deterministic(tmp_path):
    (figure,) = MODEL.figures
    a = render_figure(figure, tmp_path / "a")[1].read_bytes()
    b = render_figure(figure, tmp_path / "b")[1].read_bytes()
    assert a == b and a.count(b"\n") == 1 + 101 * 51


def test_tutorial_page_includes_existing_sections():
    page = (DOCS / "tutorial.md").read_text()
    wanted = re.findall(r'--8<-- "tutorial_model\.py:(\w+)"', page)
    assert wanted, "the tutorial includes no code from tutorial_model.py"
    source = (DOCS / "tutorial_model.py").read_text()
    for name in wanted:
        assert f"# --8<-- [start:{name}]" in source and f"# --8<-- [end:{name}]" in source
