r"""The trees of the R package games (Kenkel and Signorino 2014), with its labels.

Players are ``"1"``, ``"2"`` (and ``"3"``); every decision node offers the moves ``"L"`` and
``"R"``, in that order; terminals are labelled by R games' node numbers, so utilities can be
keyed as R users write them (``"u13"`` is player 1's utility at node 3). The payoffs stored on
the trees are 0: the utilities of a strategic model come from formulas (:func:`estimate`).

* :func:`egame12`: player 1 ends the game at node 1 (L) or passes to player 2, who ends it at
  node 3 (L) or 4 (R).
* :func:`egame122`: player 1 chooses L or R, player 2 then L or R: nodes 1, 2 (after L) and
  3, 4 (after R).
* :func:`egame123`: as egame12, but player 2's R passes to player 3, who ends it at node 5 (L)
  or 6 (R).

Examples
--------
>>> from irgames.estimation import egame12, egame123
>>> g = egame12()
>>> g.players, [g.node_labels[t] for t in g.terminals]
(('1', '2'), ['1', '3', '4'])
>>> sorted(egame123().node_labels[t] for t in egame123().terminals)
['1', '3', '5', '6']
"""

from __future__ import annotations

from ..games.extensive_form import ExtensiveFormGame, TreeBuilder

__all__ = ["egame12", "egame122", "egame123"]


def _end(T: TreeBuilder, label: str):
    return T.terminal(*([0] * len(T.players)), label=label)


def egame12() -> ExtensiveFormGame:
    """Two players, three terminals: nodes 1 | (3, 4)."""
    T = TreeBuilder(["1", "2"])
    root = T.decision(
        "1", {"L": _end(T, "1"), "R": T.decision("2", {"L": _end(T, "3"), "R": _end(T, "4")})}
    )
    return T.build(root, title="egame12")


def egame122() -> ExtensiveFormGame:
    """Two players, four terminals: (1, 2) | (3, 4)."""
    T = TreeBuilder(["1", "2"])
    root = T.decision(
        "1",
        {
            "L": T.decision("2", {"L": _end(T, "1"), "R": _end(T, "2")}),
            "R": T.decision("2", {"L": _end(T, "3"), "R": _end(T, "4")}),
        },
    )
    return T.build(root, title="egame122")


def egame123() -> ExtensiveFormGame:
    """Three players, four terminals: 1 | 3 | (5, 6)."""
    T = TreeBuilder(["1", "2", "3"])
    root = T.decision(
        "1",
        {
            "L": _end(T, "1"),
            "R": T.decision(
                "2",
                {"L": _end(T, "3"), "R": T.decision("3", {"L": _end(T, "5"), "R": _end(T, "6")})},
            ),
        },
    )
    return T.build(root, title="egame123")
