"""``irgames solve`` reports a method that does not apply (a SolverError, no longer a
GameValueError) as it always did: one line naming the file, exit code 5. (Work refused by
size, a WorkTooLargeError and so a SolverError, keeps exit code 8:
test_cli_reliability.py::test_normal_form_refused_by_size_names_a_method_that_fits.)"""

from __future__ import annotations

from irgames.cli import EXIT_UNSUPPORTED, main

# player 1 forgets her own first move: no perfect recall (subgame_perfect refuses it)
FORGETFUL = """EFG 2 R "forgetful" { "1" "2" }
p "" 1 1 "" { "a" "b" } 0
p "" 1 2 "" { "x" "y" } 0
t "" 1 "" { 1, 0 }
t "" 2 "" { 0, 1 }
p "" 1 2 "" { "x" "y" } 0
t "" 3 "" { 0, 0 }
t "" 4 "" { 1, 1 }
"""

# a three-player game in the normal form, for a two-player method
THREE = 'NFG 1 R "three" { "1" "2" "3" } { 2 2 2 }\n' + " ".join(["0"] * 24) + "\n"


def _one_line(capsys) -> str:
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    return err


def test_a_tree_the_method_does_not_apply_to_names_the_file(tmp_path, capsys):
    path = tmp_path / "forgetful.efg"
    path.write_text(FORGETFUL)
    assert main(["solve", str(path)]) == EXIT_UNSUPPORTED
    err = _one_line(capsys)
    assert f"error: {path}: " in err and "perfect recall" in err


def test_a_normal_form_method_that_does_not_apply_is_exit_5(tmp_path, capsys):
    path = tmp_path / "three.nfg"
    path.write_text(THREE)
    assert main(["solve", str(path), "--method", "lemke_howson"]) == EXIT_UNSUPPORTED
    assert "two-player" in _one_line(capsys)
