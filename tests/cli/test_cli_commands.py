"""``irgames models / claims / figures / sweep / bench``: output, JSON, determinism, and a
one-line error with a documented exit code on every bad input."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest

from irgames import cli
from irgames import models as registry
from irgames.analysis.claims import Claim
from irgames.analysis.model import Figure, Model, Outcome
from irgames.analysis.parameters import Parameter, ParameterSpace
from irgames.cli import COMMANDS, main
from irgames.cli import models as commands


# ------------------------------------------------------------------ a toy registry
def _deterrence(cost, resolve):
    """The defender fights iff its resolve exceeds the cost of war."""
    fights = resolve > cost
    return Outcome({"fights": fights, "margin": resolve - cost})


def _draw(data):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot(data["resolve"], data["margin"])
    return fig


TOY = Model(
    "deterrence_toy",
    "Deterrence toy: fight iff resolve exceeds cost",
    ParameterSpace(
        [
            Parameter("cost", 0.0, 1.0, default=0.5, meaning="cost of war"),
            Parameter("resolve", 0.0, 2.0, default=1.0, meaning="resolve"),
        ]
    ),
    _deterrence,
    claims=[
        Claim(
            "resolute_defenders_fight",
            "a defender whose resolve exceeds the cost fights",
            holds=lambda p, o: o["fights"],
            given=lambda p, o: p["resolve"] > p["cost"],
            quote="resolve deters",
            source="a toy for the CLI tests",
        ),
        Claim(
            "everyone_fights",
            "every defender fights",
            holds=lambda p, o: o["fights"],
            quote="all fight",
            source="a toy for the CLI tests (false on purpose)",
        ),
    ],
    figures=[
        Figure(
            "deterrence_toy_margin",
            "Margin",
            lambda: {
                "resolve": np.linspace(0, 2, 11),
                "margin": _deterrence(0.5, np.linspace(0, 2, 11))["margin"],
            },
            _draw,
        )
    ],
)


@pytest.fixture
def toy(monkeypatch):
    models = {TOY.name: TOY}

    def get_model(name):
        if name not in models:
            raise registry.UnknownModelError(
                f"unknown model {name!r}; the models are: {', '.join(models)}"
            )
        return models[name]

    for module in (registry, commands):
        monkeypatch.setattr(module, "get_model", get_model)
        monkeypatch.setattr(module, "all_models", lambda: dict(models))
    return TOY


def _one_line_error(capsys, code, args, words):
    assert main(args) == code
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("irgames ")
    for w in words:
        assert w in err, err
    return err


# ------------------------------------------------------------------ help and models
def test_help_lists_every_command(capsys):
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for name in COMMANDS:
        assert name in out
    assert {"solve", "figures", "claims", "sweep", "bench", "models"} <= set(COMMANDS)
    assert "exit codes" in out


def test_models_lists_registered_models(toy, capsys):
    assert main(["models"]) == 0
    assert "deterrence_toy" in capsys.readouterr().out
    assert main(["models", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["name"] == "deterrence_toy" and row["parameters"] == ["cost", "resolve"]
    assert row["claims"] == ["resolute_defenders_fight", "everyone_fights"]


def test_models_finds_every_module_of_the_package(capsys):
    # no list in the CLI: whatever the registry finds is listed
    assert main(["models", "--json"]) == 0
    names = {row["name"] for row in json.loads(capsys.readouterr().out)}
    assert names == set(registry.all_models())


# ------------------------------------------------------------------ claims
def test_claims_report_and_check(toy, capsys):
    assert main(["claims", "deterrence_toy", "-n", "200", "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "resolute_defenders_fight" in out and "holds" in out
    assert "everyone_fights" in out and "FAILS" in out and "counterexample" in out
    assert main(["claims", "--json", "-n", "200", "--no-progress"]) == 0
    rows = {r["claim"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["resolute_defenders_fight"]["holds"] is True
    bad = rows["everyone_fights"]
    assert bad["holds"] is False and 0 < bad["share"] < 1
    # the counterexample really fails
    point = bad["counterexample"]
    assert not TOY(**point)["fights"]
    _one_line_error(capsys, 7, ["claims", "--check", "-n", "200"], ["everyone_fights"])


# ------------------------------------------------------------------ figures
def test_figures_twice_give_identical_data(toy, tmp_path, capsys):
    for run in ("a", "b"):
        assert main(["figures", "--out", str(tmp_path / run), "-n", "100"]) == 0
    out = capsys.readouterr().out
    assert "deterrence_toy_margin" in out and "everyone_fights" in out
    a = tmp_path / "a" / "deterrence_toy" / "deterrence_toy_margin.csv"
    b = tmp_path / "b" / "deterrence_toy" / "deterrence_toy_margin.csv"
    assert a.read_bytes() == b.read_bytes()
    rows = list(csv.DictReader(a.open()))
    assert len(rows) == 11 and float(rows[-1]["margin"]) == pytest.approx(1.5, abs=1e-9)
    assert (a.parent / "deterrence_toy_margin.png").stat().st_size > 0


def test_figures_default_to_the_checkouts_docs(monkeypatch, tmp_path):
    repo = Path(__file__).resolve().parents[2]
    monkeypatch.chdir(tmp_path)  # wherever it runs from, the checkout's docs/figures
    assert cli.models._default_figures_dir() == repo / "docs" / "figures"


def test_figures_json(toy, tmp_path, capsys):
    assert main(["figures", "--out", str(tmp_path), "--no-claims", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["claims"] is None
    assert [f["figure"] for f in doc["figures"]] == ["deterrence_toy_margin"]


def test_figures_of_a_real_model_are_deterministic(tmp_path, capsys):
    # the cheapest registered model's figures, rendered twice: identical CSV bytes
    models = registry.all_models()
    if "exploiting_fear" in models:
        name = "exploiting_fear"
    else:
        name = next((m for m in models if models[m].figures), None)
    if name is None:
        pytest.skip("no registered model has figures")
    for run in ("a", "b"):
        assert main(["figures", "--model", name, "--out", str(tmp_path / run), "--no-claims"]) == 0
    capsys.readouterr()
    first = sorted((tmp_path / "a" / name).glob("*.csv"))
    assert len(first) == len(models[name].figures)
    for path in first:
        assert path.read_bytes() == (tmp_path / "b" / name / path.name).read_bytes(), path.name


# ------------------------------------------------------------------ sweep
def test_sweep_writes_csv(toy, tmp_path, capsys):
    out = tmp_path / "s.csv"
    assert main(["sweep", "deterrence_toy", "cost=0:1:5", "resolve=0.5", "--out", str(out)]) == 0
    assert "5 points" in capsys.readouterr().out
    rows = list(csv.DictReader(out.open()))
    assert [float(r["cost"]) for r in rows] == pytest.approx([0, 0.25, 0.5, 0.75, 1])
    for r in rows:
        assert float(r["margin"]) == pytest.approx(0.5 - float(r["cost"]), abs=1e-9)


def test_sweep_to_stdout_and_json(toy, tmp_path, capsys):
    assert main(["sweep", "deterrence_toy", "resolve=0,1,2"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(captured.out.splitlines()))
    assert [float(r["margin"]) for r in rows] == pytest.approx([-0.5, 0.5, 1.5])
    assert "3 points" in captured.err
    out = tmp_path / "s.csv"
    assert main(["sweep", "deterrence_toy", "resolve=0:2:3", "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["file"] == str(out)


def test_claims_draw_more_points_until_enough_satisfy_the_condition(toy, capsys):
    # resolute_defenders_fight is claimed where resolve > cost: about half of the draws
    args = ["claims", "deterrence_toy", "--json", "--no-progress", "-n", "20"]
    assert main([*args, "--min-given", "0"]) == 0
    exact = {r["claim"]: r for r in json.loads(capsys.readouterr().out)}
    assert exact["resolute_defenders_fight"]["n_points"] == 20
    assert main([*args, "--min-given", "50"]) == 0
    more = {r["claim"]: r for r in json.loads(capsys.readouterr().out)}
    row = more["resolute_defenders_fight"]
    assert row["n_conditioned"] >= 50 and row["n_points"] in (80, 160, 320, 400)
    assert row["holds"] is True


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["claims", "nope"], 6, ["unknown model 'nope'", "irgames models"]),
        (["figures", "--model", "nope"], 6, ["unknown model 'nope'"]),
        (["sweep", "nope", "cost=0:1:3"], 6, ["unknown model 'nope'"]),
        (["sweep", "deterrence_toy", "range=0:1:3"], 6, ["no parameter 'range'", "cost"]),
        (["sweep", "deterrence_toy", "cost=0:3:3"], 6, ["'cost'", "outside its domain"]),
        (
            ["sweep", "deterrence_toy", "resolve=0:1:2", "cost=-1"],
            6,
            ["'cost'", "outside its domain"],
        ),
        (["sweep", "deterrence_toy", "cost=0:1"], 6, ["malformed", "lo:hi:n"]),
        (["sweep", "deterrence_toy", "cost=0:1:3", "--out", "x.txt"], 6, [".csv or .nc"]),
        (["sweep", "deterrence_toy", "cost=0:1:3", "--out", "no/dir/x.csv"], 3, ["no/dir"]),
        (["sweep", "deterrence_toy", "cost=0:1:3", "--json"], 2, ["--out"]),
        (["claims", "-n", "0"], 6, ["at least 1"]),
        (["claims", "--min-given", "-1"], 6, ["--min-given", "at least 0"]),
        (["claims", "-n", "many"], 2, ["invalid int"]),
        (["figures", "--out", "FILE"], 3, ["is a file"]),
    ],
)
def test_bad_input_is_one_line_with_its_code(toy, tmp_path, monkeypatch, capsys, args, code, words):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "FILE").write_text("not a folder")
    _one_line_error(capsys, code, args, words)


def test_bench_outside_a_checkout(monkeypatch, capsys):
    monkeypatch.setattr(cli.bench, "_checkout_root", lambda: None)
    _one_line_error(capsys, 3, ["bench", "--quick"], ["checkout"])


def test_bench_without_a_runner(monkeypatch, tmp_path, capsys):
    (tmp_path / "benchmarks").mkdir()
    monkeypatch.setattr(cli.bench, "_checkout_root", lambda: tmp_path)
    _one_line_error(capsys, 3, ["bench"], ["__main__.py"])


def test_bench_runs_python_dash_m_benchmarks(monkeypatch, tmp_path, capsys):
    # a stand-in checkout whose benchmarks print their arguments
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "__main__.py").write_text(
        "import sys\nprint('bench', *sys.argv[1:])\nsys.exit(0 if '--quick' in sys.argv else 3)\n"
    )
    monkeypatch.setattr(cli.bench, "_checkout_root", lambda: tmp_path)
    assert main(["bench", "--quick"]) == 0
    _one_line_error(capsys, 1, ["bench"], ["exited with code 3"])


def test_progress_bar_only_when_enabled_and_on_a_terminal(monkeypatch):
    tqdm = pytest.importorskip("tqdm").tqdm
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal
    items = [1, 2, 3]
    assert cli._progress(items, total=3, desc="x", enabled=False) is items
    bar = cli._progress(items, total=3, desc="x", enabled=True)
    assert isinstance(bar, tqdm) and list(bar) == items
    assert bar.disable  # no bar in logs
