"""``irgames solve``: output, JSON, and one-line errors with documented exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from irgames.cli import COMMANDS, main
from irgames.games.normal_form import NormalFormGame
from irgames.games.regret import regret

REPO = Path(__file__).resolve().parents[2]

BOS = """NFG 1 R "Battle of the sexes" { "Her" "Him" }
{ { "Opera" "Fight" } { "Opera" "Fight" } }
""
3 2 0 0 0 0 2 3
"""

THREE = """NFG 1 R "three" { "1" "2" "3" } { 2 2 2 }
9 8 12 0 0 0 0 0 0 9 8 2 0 0 0 3 4 6 0 0 0 3 4 6
"""


# player 1 forgets her own first move: no perfect recall
FORGETFUL = """EFG 2 R "forgetful" { "1" "2" }
p "" 1 1 "" { "a" "b" } 0
p "" 1 2 "" { "x" "y" } 0
t "" 1 "" { 1, 0 }
t "" 2 "" { 0, 0 }
p "" 1 2 "" { "x" "y" } 0
t "" 3 "" { 0, 0 }
t "" 4 "" { 0, 1 }
"""


@pytest.fixture
def bos(tmp_path):
    path = tmp_path / "bos.nfg"
    path.write_text(BOS)
    return path


def test_solve_prints_every_equilibrium(bos, capsys):
    assert main(["solve", str(bos)]) == 0
    out = capsys.readouterr().out
    assert "two_by_two" in out
    assert "3 equilibria" in out
    assert out.count("equilibrium ") == 3
    assert "Opera=0.6" in out or "Opera=0.4" in out


def test_solve_json_is_sound(bos, capsys):
    assert main(["solve", str(bos), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "two_by_two"
    assert data["degenerate"] is False
    assert len(data["equilibria"]) == 3
    game = NormalFormGame.bimatrix([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    for row in data["equilibria"]:
        profile = [np.array(s) for s in row["strategies"]]
        r = regret(game, profile).max()
        assert r <= 1e-12 and row["regret"] <= 1e-12
        expected = [float(profile[0] @ game.payoffs[i] @ profile[1]) for i in range(game.n_players)]
        assert np.allclose(row["payoffs"], expected)


def test_three_player_game_and_method_option(tmp_path, capsys):
    path = tmp_path / "three.nfg"
    path.write_text(THREE)
    assert main(["solve", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "polynomial_support_enumeration"
    assert data["equilibria"]
    assert main(["solve", str(path), "--json", "--method", "logit_homotopy"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["method"] == "logit_homotopy" and data["complete"] is False
    assert len(data["equilibria"]) == 1


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (["solve", "no/such/file.nfg"], 3, "file not found"),
        (["solve", "BAD"], 4, "line"),
        (["solve", "BOS", "--method", "simplex"], 2, "invalid choice"),
        (["solve", "THREE", "--method", "lemke_howson"], 5, "two-player"),
        (["solve", "FORGETFUL"], 5, "perfect recall"),
        (["solve", "BADTREE"], 4, "line 2"),
        (["solve", "TREE", "--method", "lemke_howson"], 2, "--method"),
        (["nonsense"], 2, "invalid choice"),
        ([], 2, "required"),
    ],
)
def test_errors_are_one_line_with_documented_codes(tmp_path, capsys, args, code, words):
    files = {
        "BAD": ("bad.nfg", 'NFG 1 R "x" { "1" "2" } { 2 2 }\n1 2 3\n'),
        "BOS": ("bos.nfg", BOS),
        "THREE": ("three.nfg", THREE),
        "TREE": ("tree.efg", 'EFG 2 R "t" { "1" "2" }\nt "" 1 "o" { 1, 1 }\n'),
        "BADTREE": ("bad.efg", 'EFG 2 R "x" { "1" }\np "" 1 1 "" { "a" } 0\n'),
        "FORGETFUL": ("forgetful.efg", FORGETFUL),
    }
    resolved = []
    for a in args:
        if a in files:
            name, text = files[a]
            (tmp_path / name).write_text(text)
            a = str(tmp_path / name)
        resolved.append(a)
    assert main(resolved) == code
    err = capsys.readouterr().err
    assert words in err
    assert len(err.strip().splitlines()) == 1


def test_registry_holds_solve():
    assert "solve" in COMMANDS
    assert COMMANDS["solve"].name == "solve"


def test_python_dash_m_runs_in_a_subprocess(bos):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO / "src"), str(REPO), env.get("PYTHONPATH", "")])
    done = subprocess.run(
        [sys.executable, "-m", "irgames.cli", "solve", str(bos), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["equilibria"]) == 3
    missing = subprocess.run(
        [sys.executable, "-m", "irgames.cli", "solve", str(bos) + ".missing"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert missing.returncode == 3
    assert "file not found" in missing.stderr
