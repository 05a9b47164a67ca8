"""The writers put a file at its path complete or not at all (issue 16, point 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from irgames.games.extensive_form import TreeBuilder
from irgames.games.normal_form import NormalFormGame
from irgames.io.efg import read_efg, write_efg
from irgames.io.nfg import read_nfg, write_nfg


def _game_and_writer(kind: str):
    if kind == "nfg":
        return NormalFormGame.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]]), write_nfg, read_nfg
    T = TreeBuilder(["A", "B"])
    root = T.decision("A", {"out": T.terminal(0, 2), "in": T.terminal(1, 1)})
    return T.build(root), write_efg, read_efg


@pytest.mark.parametrize("kind", ["nfg", "efg"])
def test_an_interrupted_write_leaves_the_previous_file(tmp_path, monkeypatch, kind):
    game, write, read = _game_and_writer(kind)
    target = tmp_path / f"game.{kind}"
    target.write_text("the previous file\n")
    real = Path.write_text

    def half_then_interrupt(self, text, *args, **kwargs):
        real(self, text[: len(text) // 2], *args, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_text", half_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        write(game, target)
    monkeypatch.setattr(Path, "write_text", real)
    assert target.read_text() == "the previous file\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    text = write(game, target)
    assert target.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert read(target) is not None
