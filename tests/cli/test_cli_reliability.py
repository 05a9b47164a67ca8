"""The CLI's reliability: work refused by size, one-line errors with an exit code by kind,
full-precision numbers, a closed pipe, and interrupts that leave no partial file.

Every test here fails on the CLI before issue 16 (see the commit that adds it).
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

from irgames import cli, errors
from irgames.cli import Command, main
from irgames.games.normal_form import NormalFormGame
from irgames.games.regret import regret
from irgames.io.efg import read_efg
from irgames.solvers.backward_induction import backward_induction

REPO = Path(__file__).resolve().parents[2]


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO), env.get("PYTHONPATH", "")])
    env.pop("IRGAMES_DEBUG", None)
    env.update(extra)
    return env


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in err
    return err


def chain_tree(levels: int, payoffs: str = "0, 0") -> str:
    """A centipede-like chain: at each level the mover (1, 2, 1, ...) stops or goes on.

    With every payoff equal, every mover is indifferent everywhere: 2**levels pure SPE.
    """
    lines = ['EFG 2 R "chain" { "1" "2" }', '""']
    count = [0, 0]
    for k in range(levels):
        i = k % 2
        count[i] += 1
        lines.append(f'p "" {i + 1} {count[i]} "" {{ "stop" "go" }} 0')
        lines.append(f't "" {k + 1} "" {{ {payoffs} }}')
    lines.append(f't "" {levels + 1} "" {{ {payoffs} }}')
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ trees: --ties
def test_a_deep_tree_is_refused_by_size_and_ties_first_solves_it(tmp_path, monkeypatch, capsys):
    path = tmp_path / "deep.efg"
    path.write_text(chain_tree(3000))
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "8M")
    assert main(["solve", str(path)]) == cli.EXIT_TOO_LARGE == 8
    err = _one_line(capsys)
    assert "needs" in err and "limit 8.0 MiB" in err and "--ties first" in err, err

    assert main(["solve", str(path), "--ties", "first", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["degenerate"] is True and data["complete"] is False
    [eq] = data["equilibria"]
    game = read_efg(path)
    spe = backward_induction(game)
    assert eq["payoffs"] == spe.payoffs.tolist()
    assert eq["path"] == ["stop"] == spe.path_labels()
    assert len(eq["behavior"]) == game.n_infosets == 3000
    assert all(row["probabilities"] == [1.0, 0.0] for row in eq["behavior"])


def test_ties_first_gives_one_of_the_listed_equilibria(tmp_path, capsys):
    path = tmp_path / "chain.efg"
    path.write_text(chain_tree(3))
    assert main(["solve", str(path), "--json"]) == 0
    every = json.loads(capsys.readouterr().out)["equilibria"]
    assert len(every) == 2**3
    assert main(["solve", str(path), "--json", "--ties", "first"]) == 0
    [first] = json.loads(capsys.readouterr().out)["equilibria"]
    assert first in every
    assert main(["solve", str(path), "--ties", "first"]) == 0
    text = capsys.readouterr().out
    assert "1 subgame-perfect equilibrium" in text and "3 tied nodes" in text
    assert "--ties all" in text


def test_ties_all_still_lists_a_small_tree_under_a_small_limit(tmp_path, monkeypatch, capsys):
    path = tmp_path / "chain.efg"
    path.write_text(chain_tree(4))
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "1M")
    assert main(["solve", str(path), "--json", "--ties", "all"]) == 0
    assert len(json.loads(capsys.readouterr().out)["equilibria"]) == 16


@pytest.mark.parametrize("kind", ["efg", "nfg"])
def test_a_file_too_large_to_read_is_refused_by_size(tmp_path, monkeypatch, capsys, kind):
    path = tmp_path / f"big.{kind}"
    if kind == "efg":
        path.write_text(chain_tree(200))  # 10 KB; parsing holds about 20 bytes per byte
    else:
        _random_bimatrix_file(path, 60, 60)  # 7,200 payoffs in 18 KB
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "100K")
    assert main(["solve", str(path)]) == 8
    err = _one_line(capsys)
    assert "needs" in err and "limit 100.0 KiB" in err, err


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('NFG 1 R "x" { "1" "2" } { 2 2 }\n1 1 0 0 0 0 1 1\n', "g.nfg"),
        (
            'EFG 2 R "t" { "1" "2" }\np "" 1 1 "" { "a" "b" } 0\np "" 2 1 "" { "x" "y" } 0\n'
            't "" 1 "" { 1, 1 }\nt "" 2 "" { 0, 0 }\np "" 2 1 "" { "x" "y" } 0\n'
            't "" 3 "" { 0, 0 }\nt "" 4 "" { 1, 1 }\n',
            "imperfect.efg",
        ),
    ],
)
def test_ties_first_where_it_does_not_apply_is_a_usage_error(tmp_path, capsys, text, name):
    path = tmp_path / name
    path.write_text(text)
    assert main(["solve", str(path), "--ties", "first"]) == cli.EXIT_USAGE
    assert "--ties" in _one_line(capsys)


# ------------------------------------------------------------------ normal form: by size
def test_normal_form_work_is_counted_in_bytes():
    # the file of issue 16: 10000x1000, solved from every label, tiled 11,000 times
    need = cli.solve._normal_form_bytes((10000, 1000), 1, "lemke_howson_all_labels")
    assert need >= 1.6 * 2**40
    one = cli.solve._normal_form_bytes((10000, 1000), 1, "lemke_howson")
    assert 2**30 < one < 4 * 2**30  # one tableau of 11,000 x 11,001 floats and its buffer
    assert cli.solve._normal_form_bytes((2, 2, 2), 10, "logit_homotopy") == 4 * 8 * 10 * 3 * 8


def _random_bimatrix_file(path: Path, m: int, n: int) -> NormalFormGame:
    rng = np.random.default_rng(5)
    A, B = rng.integers(-9, 10, size=(2, m, n))
    game = NormalFormGame.bimatrix(A, B)
    body = " ".join(f"{A[i, j]} {B[i, j]}" for j in range(n) for i in range(m))
    path.write_text(f'NFG 1 R "r" {{ "1" "2" }} {{ {m} {n} }}\n{body}\n')
    return game


def test_normal_form_refused_by_size_names_a_method_that_fits(tmp_path, monkeypatch, capsys):
    path = tmp_path / "wide.nfg"
    game = _random_bimatrix_file(path, 40, 40)  # too large for vertex enumeration: all labels
    monkeypatch.setenv("IRGAMES_MAX_BYTES", "2M")
    assert main(["solve", str(path)]) == 8
    err = _one_line(capsys)
    assert "lemke_howson_all_labels" in err and "needs" in err and "limit 2.0 MiB" in err
    assert "--method lemke_howson finds one equilibrium" in err
    assert main(["solve", str(path), "--method", "lemke_howson", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)["equilibria"]
    profile = [np.array(s) for s in row["strategies"]]
    units = np.ptp(game.payoffs.reshape(2, -1), axis=1)
    assert np.all(regret(game, profile) <= 1e-9 * units)


# ------------------------------------------------------------------ messages
def test_tiny_payoffs_are_printed_in_full_precision(tmp_path, capsys):
    # (top, left) is the pure equilibrium: player 1 gets 3e-300 there
    path = tmp_path / "tiny.nfg"
    path.write_text('NFG 1 R "tiny" { "1" "2" } { 2 2 }\n3e-300 1 0 0 1e-300 0 2e-300 0.5\n')
    assert main(["solve", str(path), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["equilibria"]
    assert [3e-300, 1.0] in [row["payoffs"] for row in rows]
    assert main(["solve", str(path)]) == 0
    assert "(payoff 3e-300)" in capsys.readouterr().out


def test_an_overflowing_payoff_range_is_one_line_without_warnings(tmp_path, capsys):
    path = tmp_path / "huge.nfg"
    path.write_text('NFG 1 R "x" { "1" "2" } { 2 2 }\n1.7e308 1 -1.7e308 1 1 1 1 1\n')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert main(["solve", str(path)]) == cli.EXIT_UNSUPPORTED
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)], caught
    assert "overflows double precision" in _one_line(capsys)


def _raiser(exception: BaseException):
    def run(args):
        raise exception

    return Command("boom", "raise an exception (a test)", lambda parser: None, run)


@pytest.mark.parametrize(
    ("exception", "code", "words"),
    [
        (
            errors.WorkTooLargeError("the ties need 3.0 GiB (limit 1.0 GiB): pass --ties first"),
            8,
            "--ties first",
        ),
        (MemoryError("Unable to allocate 1.6 TiB"), 8, "out of memory"),
        (errors.NFGParseError("unexpected character '@'", 3, 2, "g.nfg"), 4, "line 3, column 2"),
        (errors.EFGParseError("bad node", 2), 4, "line 2"),
        (errors.SolverError("a two-player method"), 5, "two-player"),
        (errors.ParameterError("'cost' is outside its domain"), 6, "'cost'"),
        (errors.GameValueError("payoffs must be finite"), 6, "finite"),
        (errors.ConvergenceError("no verified answer"), 1, "verified"),
        (FileNotFoundError(2, "No such file or directory", "missing.nfg"), 3, "missing.nfg"),
        (PermissionError(13, "Permission denied", "out.csv"), 3, "out.csv"),
        (RuntimeError("a bug"), 1, "IRGAMES_DEBUG=1"),
    ],
)
def test_errors_reaching_main_are_one_line_with_the_code_of_their_kind(
    monkeypatch, capsys, exception, code, words
):
    monkeypatch.setitem(cli.COMMANDS, "boom", _raiser(exception))
    assert main(["boom"]) == code
    err = _one_line(capsys)
    assert err.startswith("irgames boom: error: ") and words in err, err
    monkeypatch.setenv("IRGAMES_DEBUG", "1")
    with pytest.raises(type(exception)):
        main(["boom"])


def test_interrupts_and_a_closed_pipe_in_main(monkeypatch, capsys):
    monkeypatch.setitem(cli.COMMANDS, "boom", _raiser(KeyboardInterrupt()))
    assert main(["boom"]) == 130
    assert capsys.readouterr().err == "irgames boom: interrupted\n"
    quieted = []  # (pointing the real stdout at /dev/null is checked in a subprocess below)
    monkeypatch.setattr(cli, "_quiet_stdout", lambda: quieted.append(True))
    monkeypatch.setitem(cli.COMMANDS, "boom", _raiser(BrokenPipeError(32, "Broken pipe")))
    assert main(["boom"]) == 141
    assert capsys.readouterr().err == "" and quieted == [True]


def test_a_pipe_closed_early_ends_quietly(tmp_path):
    path = tmp_path / "chain.efg"
    path.write_text(chain_tree(12))  # 4096 equilibria: megabytes of output
    proc = subprocess.Popen(
        [sys.executable, "-m", "irgames.cli", "solve", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(),
    )
    try:
        assert proc.stdout.read(100)  # like `head -c 100`
        proc.stdout.close()
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=120)
    finally:
        proc.kill()
        proc.wait()
    assert code == 141, err
    assert err == "", err


# ------------------------------------------------------------------ interrupts
# A model whose figure and whose solve block (on a pipe nobody writes to) once they have
# started, after telling the test so; the test then sends the signal.
DRIVER = textwrap.dedent(
    """
    import os, signal, sys
    import numpy as np
    from irgames import cli
    from irgames import models as registry
    from irgames.cli import models as commands
    from irgames.analysis.model import Figure, Model, Outcome
    from irgames.analysis.parameters import Parameter, ParameterSpace

    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started in background
    ready, block = int(sys.argv[1]), int(sys.argv[2])

    def wait_for_the_signal():
        os.write(ready, b"ready")
        os.read(block, 1)

    def solve(cost):
        if np.size(cost) > 1:
            wait_for_the_signal()
        return Outcome({"margin": 1 - np.asarray(cost, dtype=float)})

    def draw(data):
        wait_for_the_signal()

    MODEL = Model(
        "blocking_toy",
        "A model that blocks until interrupted",
        ParameterSpace([Parameter("cost", 0.0, 1.0, default=0.5, meaning="cost")]),
        solve,
        figures=[
            Figure(
                "blocking_figure",
                "Blocks",
                lambda: {"x": np.linspace(0, 1, 5), "y": np.zeros(5)},
                draw,
            )
        ],
    )

    def get_model(name):
        if name != MODEL.name:
            raise registry.UnknownModelError(f"unknown model {name!r}")
        return MODEL

    for module in (registry, commands):
        module.get_model = get_model
        module.all_models = lambda: {MODEL.name: MODEL}
    sys.exit(cli.main(sys.argv[3:]))
    """
)


def _interrupted(tmp_path: Path, sig: int, args: list[str]) -> tuple[int, str]:
    """Run ``irgames ARGS`` through the driver, send ``sig`` once it blocks."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER)
    ready_r, ready_w = os.pipe()
    block_r, block_w = os.pipe()
    proc = subprocess.Popen(
        [sys.executable, str(driver), str(ready_w), str(block_r), *args],
        pass_fds=(ready_w, block_r),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(MPLBACKEND="Agg"),
    )
    os.close(ready_w)
    os.close(block_r)
    try:
        readable, _, _ = select.select([ready_r], [], [], 120)
        started = os.read(ready_r, 5) if readable else b""
        if started == b"ready":
            proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
        proc.wait()
        os.close(ready_r)
        os.close(block_w)
    assert started == b"ready", err.decode()
    return proc.returncode, err.decode()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_figure_leaves_the_previous_files(tmp_path, sig):
    folder = tmp_path / "figures" / "blocking_toy"
    folder.mkdir(parents=True)
    previous = {"blocking_figure.png": b"old png", "blocking_figure.csv": b"x,y\n0,0\n"}
    for name, data in previous.items():
        (folder / name).write_bytes(data)
    args = ["figures", "--out", str(tmp_path / "figures"), "--no-claims", "--no-progress"]
    code, err = _interrupted(tmp_path, sig, args)
    assert code == 130, err
    assert err == "irgames figures: interrupted\n"
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == previous


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupted_sweep_leaves_the_previous_file(tmp_path, sig):
    out = tmp_path / "sweep.csv"
    out.write_text("cost,margin\n0.5,0.5\n")
    code, err = _interrupted(
        tmp_path, sig, ["sweep", "blocking_toy", "cost=0:1:5", "--out", str(out)]
    )
    assert code == 130, err
    assert err == "irgames sweep: interrupted\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["driver.py", "sweep.csv"]
    assert out.read_text() == "cost,margin\n0.5,0.5\n"


def test_figures_are_written_whole(tmp_path, capsys):
    # the atomic path: the files appear with the renderer's contents, nothing else remains
    def render(figure, folder):
        png, csv = folder / f"{figure.name}.png", folder / f"{figure.name}.csv"
        png.write_bytes(b"png")
        csv.write_text("a\n1\n")
        return png, csv

    class Fig:
        name = "f"

    png, csv = cli.models._render_atomically(render, Fig(), tmp_path / "m")
    assert (png.read_bytes(), csv.read_text()) == (b"png", "a\n1\n")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["f.csv", "f.png"]

    def failing(figure, folder):
        (folder / "f.csv").write_text("half")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        cli.models._render_atomically(failing, Fig(), tmp_path / "m")
    assert csv.read_text() == "a\n1\n"
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["f.csv", "f.png"]
