"""TikZ export of game trees: compiled where a TeX engine exists, else checked structurally.

Structure: the braces balance (TeX's escaped braces aside), there is one ``\\node`` per tree
node placed at the tidy layout, one ``\\draw[edge`` per child, one dashed link per pair of
neighbouring members of an information set, the path of play in the ``path`` style exactly on
the edges the solver reaches, and the labels are escaped for TeX.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from irgames.games.extensive_form import TreeBuilder
from irgames.games.layout import tidy_layout
from irgames.io.tikz import tex_escape, to_tikz, write_tikz
from irgames.solvers.backward_induction import backward_induction
from irgames.testing import trees

REPO = Path(__file__).resolve().parents[2]
TEX = shutil.which("pdflatex") or shutil.which("lualatex")


def _has_standalone_class() -> bool:
    kpsewhich = shutil.which("kpsewhich")
    if TEX is None or kpsewhich is None:
        return False
    found = subprocess.run([kpsewhich, "standalone.cls"], capture_output=True, text=True)
    return bool(found.stdout.strip())


def _model_trees():
    spec = importlib.util.spec_from_file_location("draw_trees", REPO / "docs" / "draw_trees.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    found = module.model_trees()
    assert {"sanctions_paradox", "omnibalancing", "omnibalancing_threats"} <= set(found)
    return found


def _balanced(text: str) -> bool:
    depth = 0
    for brace in re.sub(r"\\[{}]", "", text):
        if brace == "{":
            depth += 1
        elif brace == "}":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


def check_structure(game, text: str, *, point=()) -> None:
    assert text.startswith("\\documentclass[tikz]{standalone}\n\\begin{document}\n")
    assert text.rstrip().endswith("\\end{tikzpicture}\n\\end{document}")
    assert _balanced(text)
    nodes = re.findall(r"^\\node\[(\w+), .*\] \(n(\d+)\) at \(([-\d.e]+), ([-\d.e]+)\) \{\};$",
                       text, flags=re.M)  # fmt: skip
    assert text.count("\\node") == game.n_nodes == len(nodes)
    x, y = tidy_layout(game.parent)
    kinds = {-1: "chance", -2: "terminal"}
    for kind, v, nx, ny in nodes:
        v = int(v)
        assert kind == kinds.get(int(game.mover[v]), "decision")
        assert (float(nx), float(ny)) == (x[v], y[v])  # exactly the layout
    edges = re.findall(r"^\\draw\[edge[^\]]*\] \(n(\d+)\) -- node\[.*\] \{.*\} \(n(\d+)\);$",
                       text, flags=re.M)  # fmt: skip
    assert sorted((int(p), int(c)) for p, c in edges) == sorted(
        (int(game.parent[v]), v) for v in range(1, game.n_nodes)
    )
    links = re.findall(r"^\\draw\[infoset\] \(n(\d+)\) to\[bend left=20\] \(n(\d+)\);$",
                       text, flags=re.M)  # fmt: skip
    assert len(links) == int(np.sum(game.infoset_size - 1))
    for a, b in links:
        assert game.infoset[int(a)] == game.infoset[int(b)] >= 0


@given(trees(p_merge=st.sampled_from([0.0, 0.5]), p_chance=st.sampled_from([0.0, 0.3])))
def test_tikz_of_random_trees_is_well_formed(game):
    check_structure(game, game.to_tikz())


@given(trees(p_chance=st.sampled_from([0.0, 0.3])))
def test_the_path_style_is_on_exactly_the_reached_edges(game):
    spe = backward_induction(game)
    text = to_tikz(game, equilibrium=spe)
    check_structure(game, text)
    reach = np.asarray(spe.reach)[(0,) * len(game.batch_shape)]
    styled = {int(c) for c in re.findall(r"^\\draw\[edge, path\] \(n\d+\) -- .* \(n(\d+)\);$",
                                         text, flags=re.M)}  # fmt: skip
    assert styled == {v for v in range(1, game.n_nodes) if reach[v] > 1e-12}


def test_node_places_are_exact_in_a_deep_caterpillar():
    # a chain of inner nodes, each with a leaf on its left: the root sits at 1 - 2**-k, which
    # four significant digits (the first formatting) rounded, moving nodes off the layout
    T = TreeBuilder(["A"])
    node = T.decision("A", {"l": T.terminal(0), "r": T.terminal(1)})
    for _ in range(9):
        node = T.decision("A", {"leaf": T.terminal(0), "on": node})
    game = T.build(node)
    text = game.to_tikz()
    check_structure(game, text)
    x, _ = tidy_layout(game.parent)
    assert x[0] == 1 - 2.0**-10 and "(n0) at (0.9990234375, 0)" in text


def test_tikz_of_every_models_tree():
    for name, game in _model_trees().items():
        text = game.to_tikz()
        check_structure(game, text)
        for i in np.unique(game.mover[game.mover >= 0]):  # every player who moves
            assert f"label=above:{{{tex_escape(game.players[i])}}}" in text, name


def test_labels_are_escaped_and_a_batch_point_is_named(tmp_path):
    T = TreeBuilder(["A_1", "B&C"])
    game = T.build(
        T.decision("A_1", {"50% off": T.terminal(1, 0), "#2": T.terminal(0, 1)}), title="x_y"
    ).with_payoffs(np.array([[[1.0, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 3.0]]]))
    text = to_tikz(game, point=1)
    check_structure(game, text)
    assert "{A\\_1}" in text and "{50\\% off}" in text and "{\\#2}" in text
    assert "{$2$\\\\$0$}" in text  # the payoffs of point 1
    assert "% drawn at point (1,) of a batch of shape (2,)" in text
    assert "drawn at point (1,) of a batch of shape (2,)};" in text
    path = write_tikz(game, tmp_path / "tree.tex", point=1)
    assert path.read_text(encoding="utf-8") == text


def test_the_tikzpicture_alone():
    T = TreeBuilder(["A"])
    game = T.build(T.decision("A", {"l": T.terminal(0), "r": T.terminal(1)}))
    text = to_tikz(game, standalone=False)
    assert "documentclass" not in text and text.count("\\begin{tikzpicture}") == 1
    assert _balanced(text)


@pytest.mark.skipif(
    not _has_standalone_class(),
    reason="no TeX engine (pdflatex or lualatex) with the standalone class on PATH",
)
def test_the_tikz_compiles(tmp_path):
    spe_game = _model_trees()["sanctions_paradox"].bind(
        D=1.0, c_s=1.0, c_t=3.0, B_s=0.5, B_t=0.5, a_S=0.0, a_T=0.0, w_T=-20.0
    )
    documents = {name: game.to_tikz() for name, game in _model_trees().items()}
    documents["equilibrium"] = spe_game.to_tikz(equilibrium=backward_induction(spe_game))
    for name, text in documents.items():
        source = tmp_path / f"{name}.tex"
        source.write_text(text, encoding="utf-8")
        run = subprocess.run(
            [TEX, "-interaction=nonstopmode", "-halt-on-error", source.name],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stdout[-3000:]
        assert (tmp_path / f"{name}.pdf").stat().st_size > 0
