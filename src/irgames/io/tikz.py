r"""A game tree as a standalone TikZ picture (plain TikZ, no package beyond ``tikz``).

:func:`to_tikz` writes the same content as :func:`irgames.plot.draw_tree`, on the same
:func:`~irgames.games.layout.tidy_layout`: one ``\node`` per tree node (decision nodes filled
and labelled with their mover, chance nodes hollow and labelled *Nature*, terminals labelled
with their payoff vectors), one ``\draw[edge]`` per edge with its action label (and the
chance probability), one ``\draw[infoset]`` dashed link between consecutive members of each
information set, and, with an equilibrium, its actions in the ``chosen`` style and the path of
play in the ``path`` style. The document is ``\documentclass[tikz]{standalone}``, so
``pdflatex tree.tex`` gives a PDF cropped to the tree; the ``tikzpicture`` alone (``standalone
=False``) can be pasted into a paper.

Numbers are printed with four significant digits; an unbound game's expressions are printed
with :func:`sympy.latex`. Labels are escaped for TeX.

Examples
--------
>>> from irgames.games.extensive_form import TreeBuilder
>>> T = TreeBuilder(["A", "B"])
>>> game = T.build(T.decision("A", {"out": T.terminal(1, 1), "in": T.terminal(2, 0)}))
>>> text = to_tikz(game)
>>> text.splitlines()[0], text.count("\\node["), text.count("\\draw[edge")
('\\documentclass[tikz]{standalone}', 3, 2)
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import sympy

from .._atomic import atomic_output
from ..games.layout import tree_picture

__all__ = ["tex_escape", "to_tikz", "write_tikz"]

_TEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}

#: Okabe-Ito blue and vermillion: the path of play, and the chosen actions off it.
_PATH_RGB = "0,114,178"
_CHOSEN_RGB = "213,94,0"


def tex_escape(text: str) -> str:
    r"""``text`` with TeX's special characters escaped.

    >>> print(tex_escape("a_b & 50%"))
    a\_b \& 50\%
    """
    return re.sub(r"[\\&%$#_{}~^]", lambda m: _TEX_SPECIAL[m.group()], str(text))


def _number(value) -> str:
    if isinstance(value, sympy.Basic) and value.free_symbols:
        return sympy.latex(value)
    value = float(value)
    if value == 0:
        value = 0.0  # no "-0"
    return f"{value:.4g}"


def _coordinate(value: float) -> str:
    """A layout coordinate, exactly (the shortest text that reads back as the same float)."""
    return np.format_float_positional(float(value) + 0.0, trim="-")


def to_tikz(
    game,
    *,
    equilibrium=None,
    point=None,
    standalone: bool = True,
    x_unit: float = 1.6,
    y_unit: float = 1.6,
) -> str:
    r"""A TikZ picture of an extensive-form game.

    Parameters
    ----------
    game : ExtensiveFormGame
    equilibrium : optional
        A backward-induction result or a behaviour profile (see
        :func:`~irgames.games.layout.tree_picture`): its actions are drawn in the ``chosen``
        style and the path of play in the ``path`` style.
    point : int or tuple of int, optional
        Which game of a batch to draw (default the first); the picture says which, in a
        comment and a caption under the tree.
    standalone : bool
        A whole document (``\documentclass[tikz]{standalone}``), or the ``tikzpicture`` alone.
    x_unit, y_unit : float
        Centimetres between neighbouring leaves, and between layers.

    Returns
    -------
    str
    """
    pic = tree_picture(game, equilibrium=equilibrium, point=point)
    n = pic.x.size
    out = []
    if standalone:
        out += [r"\documentclass[tikz]{standalone}", r"\begin{document}"]
    title = tex_escape(getattr(game, "title", "") or "")
    out.append(f"% {title or 'game tree'}: {n} nodes, players {', '.join(pic.players)}")
    if pic.note:
        out.append(f"% drawn at {pic.note}")
    out += [
        rf"\definecolor{{irgames-path}}{{RGB}}{{{_PATH_RGB}}}",
        rf"\definecolor{{irgames-chosen}}{{RGB}}{{{_CHOSEN_RGB}}}",
        rf"\begin{{tikzpicture}}[x={x_unit:g}cm, y={y_unit:g}cm, font=\small,",
        r"  decision/.style={circle, fill=black, inner sep=1.6pt},",
        r"  chance/.style={circle, draw, fill=white, inner sep=1.6pt},",
        r"  terminal/.style={inner sep=0.5pt},",
        r"  edge/.style={thin},",
        r"  chosen/.style={thick, draw=irgames-chosen},",
        r"  path/.style={ultra thick, draw=irgames-path},",
        r"  infoset/.style={densely dashed, thick},",
        r"  action/.style={font=\scriptsize, inner sep=1pt, fill=white},",
        r"  payoff/.style={font=\scriptsize, align=center}]",
    ]
    terminal_row = {int(t): k for k, t in enumerate(pic.terminals)}
    for v in range(n):
        at = f"({_coordinate(pic.x[v])}, {_coordinate(pic.y[v])})"
        kind = pic.kind[v]
        if kind == "terminal":
            values = pic.payoffs[terminal_row[v]]
            stacked = r"\\".join(f"${_number(u)}$" for u in values)
            label = f"label={{[payoff]below:{{{stacked}}}}}"
        else:
            label = f"label=above:{{{tex_escape(pic.owner[v])}}}"
        out.append(rf"\node[{kind}, {label}] (n{v}) at {at} {{}};")
    for p, v, action, prob in pic.edges:
        style = "edge"
        if pic.on_path(v):
            style = "edge, path"
        elif pic.chosen(v) and pic.kind[p] == "decision":
            style = "edge, chosen"
        side = "left" if pic.x[v] < pic.x[p] else "right"
        text = tex_escape(action)
        if prob is not None:
            text += f" (${_number(prob)}$)"
        elif pic.action_prob is not None and 0 < pic.action_prob[v] < 1:
            text += f" (${_number(pic.action_prob[v])}$)"
        out.append(rf"\draw[{style}] (n{p}) -- node[action, {side}] {{{text}}} (n{v});")
    for a, b in pic.infoset_links:
        out.append(rf"\draw[infoset] (n{a}) to[bend left=20] (n{b});")
    if pic.note:
        bottom = float(np.min(pic.y)) - 0.9
        centre = 0.5 * (float(np.min(pic.x)) + float(np.max(pic.x)))
        out.append(
            rf"\path ({_coordinate(centre)}, {_coordinate(bottom)}) node[font=\scriptsize] "
            rf"{{drawn at {tex_escape(pic.note)}}};"
        )
    out.append(r"\end{tikzpicture}")
    if standalone:
        out.append(r"\end{document}")
    return "\n".join(out) + "\n"


def write_tikz(game, path, **options) -> Path:
    """Write :func:`to_tikz` of ``game`` to ``path`` (atomically) and return the path."""
    path = Path(path)
    text = to_tikz(game, **options)
    with atomic_output(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path
