"""``irgames sweep``: axes read as in the Python API, refusals by size, streamed output."""

from __future__ import annotations

import csv

import numpy as np
import pytest

from irgames import models as registry
from irgames.analysis.model import Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterSpace, Range
from irgames.analysis.sweep import sweep
from irgames.cli import main
from irgames.cli import models as commands

TOY = Model(
    "deterrence_toy",
    "Deterrence toy: fight iff resolve exceeds cost",
    ParameterSpace(
        [
            Parameter("cost", 0.0, 1.0, default=0.5, meaning="cost of war"),
            Parameter("resolve", 0.0, 2.0, default=1.0, meaning="resolve"),
        ]
    ),
    lambda cost, resolve: Outcome({"fights": resolve > cost, "margin": resolve - cost}),
)


@pytest.fixture
def toy(monkeypatch):
    for module in (registry, commands):
        monkeypatch.setattr(module, "get_model", lambda name: TOY)
    return TOY


def test_a_bare_number_is_fixed_and_a_range_is_lo_hi_n_as_in_the_api(toy, tmp_path, capsys):
    out = tmp_path / "s.csv"
    assert main(["sweep", "deterrence_toy", "cost=0:1:3", "resolve=2", "--out", str(out)]) == 0
    capsys.readouterr()
    api = sweep(TOY, cost="0:1:3", resolve=2)
    api.to_csv(tmp_path / "api.csv")
    assert out.read_bytes() == (tmp_path / "api.csv").read_bytes()
    assert sweep(TOY, cost=Range(0, 1, 3), resolve=2.0).dims == ("cost",)


def test_an_axis_of_a_trillion_points_is_refused_with_exit_6(toy, capsys):
    # was numpy's MemoryError and exit 1
    assert main(["sweep", "deterrence_toy", "cost=0:1:1000000000000"]) == 6
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "1,000,000,000,000 points" in err, err


def test_out_streams_and_reports_the_rows(toy, tmp_path, capsys):
    for name in ("s.csv", "s.nc"):
        out = tmp_path / name
        args = ["sweep", "deterrence_toy", "cost=0:1:201", "resolve=0:2:301", "--out", str(out)]
        assert main(args) == 0
        assert "60501 points" in capsys.readouterr().out
    rows = list(csv.DictReader((tmp_path / "s.csv").open()))
    assert len(rows) == 201 * 301
    sample = rows[12345]
    assert float(sample["margin"]) == pytest.approx(
        float(sample["resolve"]) - float(sample["cost"]), abs=1e-9
    )
    xr = pytest.importorskip("xarray")
    ds = xr.load_dataset(tmp_path / "s.nc")
    np.testing.assert_allclose(ds["margin"].values[3, 7], ds["resolve"][7] - ds["cost"][3])
    assert ds["fights"].dtype == bool
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.csv", "s.nc"]
