"""The files split along their seams (issue 17, item 6) keep every public import path: the
tree builder and agent QRE are importable from their old modules, as the same objects, and
the new modules hold what they are named for."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize(
    ("old", "new", "names"),
    [
        ("irgames.games.extensive_form", "irgames.games.tree_builder", ["Node", "TreeBuilder"]),
        (
            "irgames.solvers.qre",
            "irgames.solvers.agent_qre",
            ["AgentQRE", "agent_logit_qre", "agent_probit_qre"],
        ),
    ],
)
def test_moved_names_are_the_same_objects_under_the_old_path(old, new, names):
    before, after = importlib.import_module(old), importlib.import_module(new)
    for name in names:
        assert getattr(before, name) is getattr(after, name)
        assert name in before.__all__ and name in after.__all__
        assert getattr(after, name).__module__ == new
    with pytest.raises(AttributeError, match="no attribute"):
        _ = before.no_such_name


def test_the_old_from_imports_still_work():
    import irgames as ig
    from irgames.games.extensive_form import TreeBuilder
    from irgames.solvers.qre import agent_logit_qre

    assert ig.TreeBuilder is TreeBuilder and ig.agent_logit_qre is agent_logit_qre


def test_the_array_tree_does_not_hold_the_builder_or_the_expressions():
    import irgames.games.extensive_form as tree
    import irgames.solvers.qre as qre

    assert "TreeBuilder" not in vars(tree) and "_evaluate" in vars(tree)
    assert "_split_entries" in vars(importlib.import_module("irgames.games.expressions"))
    assert "_Tree" not in vars(qre) and "_trace" in vars(qre)
