"""The functions behind `irgames claims` and `irgames sweep`."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
from analysis_toys import COERCION

from irgames.analysis.parameters import Range
from irgames.cli import models as commands
from irgames.cli.models import CommandError, parse_assignment, run_claims, run_sweep
from irgames.errors import UnknownModelError


@pytest.fixture
def toy_registry(monkeypatch):
    models = {COERCION.name: COERCION}

    def get_model(name):
        if name not in models:
            raise UnknownModelError(f"unknown model {name!r}; the models are: coercion_toy")
        return models[name]

    monkeypatch.setattr(commands, "get_model", get_model)
    monkeypatch.setattr(commands, "all_models", lambda: dict(models))


def test_parse_assignment():
    assert parse_assignment("B_t=0:1:11") == ("B_t", Range(0.0, 1.0, 11))
    assert parse_assignment(" c_s = 2.5 ") == ("c_s", 2.5)
    assert parse_assignment("B_s=0.2,0.5,0.8") == ("B_s", [0.2, 0.5, 0.8])
    for bad, why in [
        ("B_t", "malformed"),
        ("B_t=", "malformed"),
        ("=3", "malformed"),
        ("B_t=0:1", "malformed"),
        ("B_t=0:x:3", "'x' is not a number"),
        ("B_t=0:1:2.5", "not an integer"),
        ("B_t=0:1:0", "at least 1 point"),
        ("1x=3", "not a name"),
    ]:
        with pytest.raises(CommandError, match=why):
            parse_assignment(bad)


def test_run_claims_text_and_json(toy_registry):
    out = io.StringIO()
    assert run_claims("coercion_toy", stream=out, n=200) == 0  # a report, not a check
    text = out.getvalue()
    # as a check, the toy's false claim makes it fail
    assert run_claims("coercion_toy", stream=io.StringIO(), n=200, fail_on_false=True) == 1
    text = out.getvalue()
    assert "always_coerce" in text and "FAILS" in text and "counterexample" in text
    out = io.StringIO()
    run_claims(None, as_json=True, stream=out, n=200)
    rows = json.loads(out.getvalue())
    assert {r["claim"] for r in rows} == {c.name for c in COERCION.claims}
    with pytest.raises(CommandError, match="unknown model 'nope'"):
        run_claims("nope")


def test_run_sweep_writes_csv_and_netcdf(toy_registry, tmp_path):
    out = io.StringIO()
    path = tmp_path / "s.csv"
    assert run_sweep("coercion_toy", ["B_t=0:1:5", "c_s=2", "B_s=0,0.5"], path, stream=out) == 0
    lines = path.read_text().splitlines()
    assert lines[0].startswith("c_s,c_t,B_s,B_t,D") and len(lines) == 1 + 10
    first = dict(zip(lines[0].split(","), lines[1].split(","), strict=True))
    assert float(first["c_s"]) == 2.0 and float(first["B_s"]) == 0.0
    # B_s = 0, c_s = 2 <= c_t = 3: credible; D* = (3 - 2) / 2 at B_t = 0
    assert float(first["D"]) == pytest.approx(0.5)
    assert "wrote" in out.getvalue()
    pytest.importorskip("xarray")
    nc = tmp_path / "s.nc"
    run_sweep("coercion_toy", ["B_t=0:1:5"], nc, stream=io.StringIO())
    import xarray as xr

    ds = xr.load_dataset(nc)
    assert ds["D"].shape == (5,)
    np.testing.assert_allclose(ds["D"].values, COERCION(B_t=np.linspace(0, 1, 5))["D"])


def test_run_sweep_errors(toy_registry, tmp_path):
    cases = [
        (("nope", ["B_t=0:1:3"], tmp_path / "a.csv"), "unknown model 'nope'"),
        (("coercion_toy", ["x=0:1:3"], tmp_path / "a.csv"), "no parameter 'x'"),
        (("coercion_toy", ["B_t=0:2:3"], tmp_path / "a.csv"), r"'B_t' = 2 is outside"),
        (("coercion_toy", ["B_t=0:1:3"], tmp_path / "a.txt"), r"\.csv or \.nc"),
        (("coercion_toy", ["c_s=1"], tmp_path / "a.csv"), "at least one axis"),
        (("coercion_toy", ["B_t=0:1:3", "B_t=2"], tmp_path / "a.csv"), "given twice"),
        (("coercion_toy", ["B_t=0:1:3", "c_s=9"], tmp_path / "a.csv"), r"'c_s' = 9"),
    ]
    for args, message in cases:
        with pytest.raises(CommandError, match=message):
            run_sweep(*args, stream=io.StringIO())


def test_run_figures(toy_registry, tmp_path):
    out = io.StringIO()
    assert commands.run_figures("coercion_toy", tmp_path, stream=out) == 0
    csv = tmp_path / "coercion_toy" / "concession.csv"
    assert csv.is_file() and (tmp_path / "coercion_toy" / "concession.png").is_file()
    first = csv.read_bytes()
    commands.run_figures(None, tmp_path, stream=io.StringIO())
    assert csv.read_bytes() == first
    with pytest.raises(CommandError, match="unknown model"):
        commands.run_figures("nope", tmp_path)
