r"""Drawing: the one module of irgames that imports matplotlib.

A model's :class:`~irgames.analysis.model.Figure` pairs a deterministic ``compute() -> dict of
columns`` with ``draw(data) -> matplotlib Figure``; this module draws and writes them, and holds
the pieces the models' drawings share:

:func:`pyplot`
    ``matplotlib.pyplot`` on the Agg backend (no display needed), imported on first use.
:data:`STYLE`
    The one matplotlib style every figure is drawn under: a dict of rc settings (or, assigned
    by a user, any style :func:`matplotlib.style.use` accepts: a name, a path to a style
    sheet, a dict or a list of them). Colours cycle through the Okabe-Ito palette.
:data:`OKABE_ITO`, :func:`regime_palette`
    Okabe and Ito's eight colours, distinct under the common colour-vision deficiencies, and
    a palette of a colour *and* a hatch per regime, so that no map relies on colour alone.
:func:`regime_panel`
    A map of equilibrium regimes: integer labels :math:`z_{ij} \in \{0, \dots, K-1\}` over a
    grid of :math:`x_j` (columns) and :math:`y_i` (rows), label :math:`k` drawn in colour
    :math:`k` (the colour scale runs from :math:`-\tfrac12` to :math:`K - \tfrac12`, so that
    each label sits in the middle of its colour) and, where given, hatched with hatch
    :math:`k`.
:func:`regime_legend`
    A legend of coloured (and hatched) patches, one per regime (optionally only those
    present).
:func:`axis_label`, :func:`symbol`
    An axis label from a parameter's meaning and unit, its name set as a math symbol
    (``theta_D`` as :math:`\theta_D`).
:func:`outside_legend`
    A legend beside or below the axes, never over the data.
:func:`claim_region_map`
    Where a checked claim fails: its checked points on the two parameters that best separate
    failing from holding points (:attr:`~irgames.analysis.claims.ClaimCheck.failing_region`),
    coloured by status (holds / fails, in scope / outside), with the failing region's
    thresholds on those parameters as lines.
:func:`render_figure`, :func:`render_figures`
    Compute, draw and write ``<name>.png`` (300 dpi), ``<name>.pdf`` and ``<name>.csv``,
    identical from run to run: the CSV has a fixed float format, and the images are drawn
    under :data:`STYLE` with the Agg backend and written without dates or software metadata.
:func:`draw_tree`
    A game tree (:class:`~irgames.games.extensive_form.ExtensiveFormGame`), with its
    information sets, chance probabilities, payoffs and an equilibrium path.

matplotlib is in the ``figures`` extra (``pip install "irgames[figures]"``); the analysis layer
never imports it, so solving and checking claims do not need it.

Examples
--------
>>> import numpy as np
>>> from irgames.plot import pyplot, regime_legend, regime_palette, regime_panel
>>> plt = pyplot()
>>> fig, ax = plt.subplots()
>>> z = np.array([[0, 1], [1, 2]])
>>> colours, hatches = regime_palette(3)
>>> sorted(regime_panel(ax, [0.0, 1.0], [0.0, 1.0], z, colours, hatches=hatches))
[0, 1, 2]
>>> len(regime_legend(ax, ["a", "b", "c"], colours, {0, 2}, hatches=hatches).legend_handles)
2
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .analysis.model import Figure, figure_table, write_csv
from .errors import MissingExtraError, ParameterError

__all__ = [
    "NEUTRAL",
    "OKABE_ITO",
    "REGIME_COLOURS",
    "REGIME_HATCHES",
    "STYLE",
    "axis_label",
    "claim_region_map",
    "draw_tree",
    "fixed_values",
    "outside_legend",
    "pyplot",
    "regime_legend",
    "regime_palette",
    "regime_panel",
    "render_figure",
    "render_figure_files",
    "render_figures",
    "symbol",
]

#: Okabe and Ito's colour-blind-safe palette (Okabe & Ito 2008, "Color Universal Design").
OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}

#: The colour of "nothing happens" regimes (status quo, no deal): a light grey.
NEUTRAL = "#DDDDDD"

#: Regime colours in order of use: Okabe-Ito without black, then a mid grey.
REGIME_COLOURS: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["orange"],
    OKABE_ITO["bluish green"],
    OKABE_ITO["reddish purple"],
    OKABE_ITO["sky blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["yellow"],
    "#999999",
)

#: Hatches paired with the regime colours (the first regime plain): a second cue that
#: survives grey-scale printing and any colour-vision deficiency.
REGIME_HATCHES: tuple[str, ...] = ("", "//", "\\\\", "..", "xx", "oo", "++", "--", "||")

#: The matplotlib style of every figure: assign a style name, a sheet's path, a dict or a
#: list of them to switch (``irgames.plot.STYLE = "ggplot"``), or update the dict.
STYLE: Any = {
    "svg.hashsalt": "irgames",
    "path.simplify": True,
    "pdf.fonttype": 42,
    "font.size": 10,
    "axes.titlesize": 10,
    "axes.labelsize": 10,
    "legend.fontsize": 8,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.6,
    "axes.prop_cycle": (
        "cycler('color', ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', "
        "'#F0E442', '#000000'])"
    ),
}

#: What keeps the files identical from run to run, applied over any :data:`STYLE`.
_REPRODUCIBLE = {"svg.hashsalt": "irgames", "path.simplify": True}

#: Resolution of the PNGs.
DPI = 300

_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
    "lambda", "mu", "nu", "xi", "pi", "rho", "sigma", "tau", "upsilon", "phi", "chi", "psi",
    "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi", "Omega",
}  # fmt: skip


def pyplot():
    """``matplotlib.pyplot``, with the Agg backend unless one was chosen already.

    Raises
    ------
    ImportError
        Without matplotlib, naming the extra that installs it.
    """
    try:
        import matplotlib
    except ImportError as error:
        raise MissingExtraError(
            'drawing figures needs matplotlib: pip install "irgames[figures]"'
        ) from error
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def _style_context():
    """A context manager drawing under :data:`STYLE` (then :data:`_REPRODUCIBLE`)."""
    import contextlib

    import matplotlib
    import matplotlib.style

    pyplot()
    stack = contextlib.ExitStack()
    style = STYLE
    stack.enter_context(matplotlib.style.context(style))
    stack.enter_context(matplotlib.rc_context(_REPRODUCIBLE))
    return stack


def regime_palette(n: int, *, neutral_first: bool = False) -> tuple[list[str], list[str]]:
    """Colours and hatches for ``n`` regimes: Okabe-Ito colours, each with its own hatch.

    Parameters
    ----------
    n : int
        Number of regimes.
    neutral_first : bool
        Give regime 0 (a status quo, "no deal") the light grey :data:`NEUTRAL`, unhatched.

    Examples
    --------
    >>> colours, hatches = regime_palette(3, neutral_first=True)
    >>> colours
    ['#DDDDDD', '#0072B2', '#E69F00']
    >>> hatches
    ['', '//', '\\\\\\\\']
    """
    if n > len(REGIME_HATCHES):
        raise ParameterError(
            f"regime_palette has {len(REGIME_HATCHES)} distinct hatches; {n} regimes were asked"
            " for (merge regimes or pass colours and hatches of your own)"
        )
    colours = ([NEUTRAL] if neutral_first else []) + list(REGIME_COLOURS)
    colours = (colours * (1 + n // len(colours)))[:n]
    return colours, list(REGIME_HATCHES[:n])


def symbol(name: str) -> str:
    r"""A parameter's code name as a mathtext symbol: ``theta_D`` as ``$\theta_{D}$``.

    >>> symbol("theta_D"), symbol("c_s"), symbol("delta"), symbol("T_security")
    ('$\\theta_{D}$', '$c_{s}$', '$\\delta$', '$T_{\\mathrm{security}}$')
    """
    base, _, sub = str(name).partition("_")
    head = f"\\{base}" if base in _GREEK else base
    if sub:
        sub = f"\\{sub}" if sub in _GREEK else sub
        if len(sub) > 2 and not sub.startswith("\\"):
            sub = f"\\mathrm{{{sub}}}"
        return f"${head}_{{{sub}}}$"
    return f"${head}$"


def axis_label(
    parameter, text: str | None = None, *, unit: str | None = None, math: str | None = None
) -> str:
    """An axis label from a parameter: its meaning, its symbol and its unit.

    Parameters
    ----------
    parameter : irgames.analysis.parameters.Parameter
    text : str, optional
        Words to use instead of the parameter's ``meaning`` (a trailing parenthesis of the
        meaning is dropped, for brevity).
    unit : str, optional
        Instead of the parameter's ``unit`` (``"payoff"`` reads "payoff units").
    math : str, optional
        The symbol, as mathtext; by default :func:`symbol` of the name when the name is a
        symbol (a Greek letter or at most two letters before any subscript), else none.

    Examples
    --------
    >>> from irgames.analysis.parameters import Parameter
    >>> p = Parameter("c_s", 0, 10, 1, meaning="sender's cost (raw)", unit="payoff")
    >>> axis_label(p)
    "sender's cost $c_{s}$ (payoff units)"
    >>> print(axis_label(Parameter("backlash", 0, 1, 0.5, meaning="backlash"), math=r"$\\lambda$"))
    backlash $\\lambda$
    """
    words = text if text is not None else str(parameter.meaning or "").strip()
    if text is None and words.endswith(")") and " (" in words:
        words = words[: words.rindex(" (")]
    unit = parameter.unit if unit is None else unit
    if unit == "payoff":
        unit = "payoff units"
    if math is None:
        base = str(parameter.name).partition("_")[0]
        math = symbol(parameter.name) if base in _GREEK or len(base) <= 2 else ""
    label = f"{words} {math}".strip()
    return f"{label} ({unit})" if unit else label


def fixed_values(values, names: Iterable[str] | None = None, *, per_line: int = 0) -> str:
    r"""The values of fixed parameters as text: ``$\sigma$ = 1, $c_{F}$ = 0.5``.

    Parameters
    ----------
    values : mapping of str to float
    names : iterable of str, optional
        Which names, in this order (default: all).
    per_line : int
        Break the line after this many values (0: one line).

    Examples
    --------
    >>> fixed_values({"sigma": 1.0, "c_F": 0.5})
    '$\\sigma$ = 1, $c_{F}$ = 0.5'
    """
    keys = list(values) if names is None else list(names)
    parts = [f"{symbol(k)} = {float(values[k]):g}" for k in keys]
    if per_line <= 0:
        return ", ".join(parts)
    rows = [", ".join(parts[i : i + per_line]) for i in range(0, len(parts), per_line)]
    return ",\n".join(rows)


def outside_legend(where, *args, side: str = "right", **options):
    """A legend outside the data: to the right of an Axes (``side="right"``) or below it.

    ``where`` is an Axes (or a Figure, then below the figure's axes); the remaining arguments
    go to ``legend``. Call ``tight_layout`` or use a constrained layout afterwards so the
    figure makes room for it.
    """
    if side == "right":
        place = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), "borderaxespad": 0.0}
    elif side == "below":
        place = {"loc": "upper center", "bbox_to_anchor": (0.5, -0.16), "borderaxespad": 0.0}
    else:
        raise ParameterError(f"side must be 'right' or 'below', got {side!r}")
    if not hasattr(where, "transAxes"):  # a Figure
        place = {"loc": "lower center", "borderaxespad": 0.2}
    place.update(options)
    place.setdefault("frameon", False)
    return where.legend(*args, **place)


def regime_panel(
    ax,
    x,
    y,
    regime,
    colours: Sequence[str],
    *,
    bounds: bool = False,
    hatches: Sequence[str] | None = None,
) -> set[int]:
    """Draw integer regime labels over a grid as coloured (and hatched) cells.

    Parameters
    ----------
    ax : matplotlib Axes
    x, y : array_like
        Cell centres: ``x`` along the columns, ``y`` along the rows (flattened).
    regime : array_like of int
        Labels of shape ``(y.size, x.size)`` (or any shape of that size); label ``k`` is drawn
        in ``colours[k]``.
    colours : sequence of str
        One colour per regime.
    bounds : bool
        Normalise with a :class:`~matplotlib.colors.BoundaryNorm` on the half-integers
        instead of a linear scale from :math:`-\\tfrac12` to :math:`K - \\tfrac12` (the same
        colours).
    hatches : sequence of str, optional
        One hatch per regime (``""`` for none), drawn over the cells of that regime; each
        hatched layer has the gid ``"regime-<k>"``.

    Returns
    -------
    set of int
        The labels that occur (for :func:`regime_legend`).
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap

    x = np.asarray(x).reshape(-1)
    y = np.asarray(y).reshape(-1)
    z = np.asarray(regime).reshape(y.size, x.size)
    cmap = ListedColormap(list(colours))
    if bounds:
        scale = {"norm": BoundaryNorm(np.arange(-0.5, len(colours) + 0.5), cmap.N)}
    else:
        scale = {"vmin": -0.5, "vmax": len(colours) - 0.5}
    ax.pcolormesh(x, y, z, shading="nearest", cmap=cmap, **scale)
    present = set(np.unique(z).tolist())
    if hatches is not None:
        if len(hatches) < len(colours):
            raise ParameterError(f"give one hatch per colour: {len(hatches)} for {len(colours)}")
        for k in sorted(present):
            if k < 0 or not hatches[k]:
                continue
            layer = ax.pcolor(
                x,
                y,
                np.ma.masked_where(z != k, z),
                shading="nearest",
                facecolor="none",
                edgecolor=_hatch_colour(colours[k]),
                linewidth=0.0,
                hatch=hatches[k],
            )
            layer.set_gid(f"regime-{k}")
    return present


def _hatch_colour(colour: str) -> str:
    """Black on light colours, white on dark ones (by relative luminance)."""
    from matplotlib.colors import to_rgb

    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour))
    return "#000000" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.18 else "#FFFFFF"


def regime_legend(
    where,
    names: Sequence[str],
    colours: Sequence[str],
    present: Iterable[int] | None = None,
    *,
    extra: Sequence[Any] = (),
    hatches: Sequence[str] | None = None,
    **legend_options,
):
    """A legend of one coloured (and hatched) patch per regime, on an Axes or a Figure.

    Parameters
    ----------
    where : matplotlib Axes or Figure
    names, colours : sequence of str
        Regime ``k`` is called ``names[k]`` and drawn in ``colours[k]``.
    present : iterable of int, optional
        Only these regimes (sorted; ``-1``, no regime, is skipped); all when None.
    extra : sequence of artists
        Further handles after the patches (a boundary line, ...).
    hatches : sequence of str, optional
        The hatches of :func:`regime_panel`.
    **legend_options
        Passed to ``legend`` (``loc``, ``fontsize``, ``ncol``, ``frameon``, ...).
    """
    from matplotlib.patches import Patch

    keys = range(len(names)) if present is None else [k for k in sorted(present) if k >= 0]
    handles = []
    for k in keys:
        if hatches is not None and hatches[k]:
            patch = Patch(
                facecolor=colours[k],
                edgecolor=_hatch_colour(colours[k]),
                hatch=hatches[k],
                linewidth=0.0,
                label=names[k],
            )
        else:
            patch = Patch(color=colours[k], label=names[k])
        handles.append(patch)
    return where.legend(handles=[*handles, *extra], **legend_options)


def render_figure_files(figure: Figure, outdir, *, dpi: int = DPI) -> tuple[Path, Path, Path]:
    """Compute and draw a figure; write ``<name>.png``, ``<name>.pdf`` and ``<name>.csv``.

    The CSV holds :func:`~irgames.analysis.model.figure_table` of the data with a fixed float
    format; the images are drawn under :data:`STYLE` with the Agg backend, the PNG at ``dpi``
    dots per inch, both saved without date or software metadata, so that all three files are
    identical from run to run.

    Returns
    -------
    (png_path, pdf_path, csv_path)
    """
    plt = pyplot()

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    data = figure.compute()
    table = figure_table(data)
    csv_path = outdir / f"{figure.name}.csv"
    write_csv(table, csv_path)
    png_path = outdir / f"{figure.name}.png"
    pdf_path = outdir / f"{figure.name}.pdf"
    with _style_context():
        fig = figure.draw({k: np.asarray(v) for k, v in data.items()})
        try:
            fig.savefig(png_path, dpi=dpi, metadata={"Software": None})
            fig.savefig(
                pdf_path,
                metadata={"Creator": None, "Producer": None, "CreationDate": None},
            )
        finally:
            plt.close(fig)
    return png_path, pdf_path, csv_path


def render_figure(figure: Figure, outdir, *, dpi: int = DPI) -> tuple[Path, Path]:
    """:func:`render_figure_files`, returning ``(png_path, csv_path)``.

    The PDF is written too, beside the PNG (``png_path.with_suffix(".pdf")``).
    """
    png, _pdf, csv = render_figure_files(figure, outdir, dpi=dpi)
    return png, csv


def render_figures(model, outdir, *, dpi: int = DPI) -> list[tuple[Path, Path]]:
    """Render every figure of a :class:`~irgames.analysis.model.Model` into ``outdir``."""
    figures: Iterable[Figure] = model.figures
    return [render_figure(f, outdir, dpi=dpi) for f in figures]


#: Colours and labels of :func:`claim_region_map`'s four point statuses.
#: Okabe-Ito colours (no red-green pair), told apart by their markers too.
CLAIM_STATUS = (
    ("fails in scope", "#D55E00"),
    ("holds in scope", "#0072B2"),
    ("fails outside the scope", "#E69F00"),
    ("holds outside the scope", "#56B4E9"),
)


def claim_region_map(result, ax=None, *, parameters: Sequence[str] | None = None):
    """Map where a checked claim holds and fails, on two parameters.

    Parameters
    ----------
    result : ClaimCheck
        The result of :func:`irgames.analysis.claims.check` (its ``sample`` of checked
        points).
    ax : matplotlib Axes, optional
        Drawn into a new figure when None.
    parameters : pair of str, optional
        The axes; by default the two parameters of ``result.failing_region`` that best
        separate failing from holding points (the first two of the space when the claim
        fails nowhere).

    Returns
    -------
    matplotlib Figure

    Each checked point is a dot at its values of the two parameters (the others vary, so
    colours may overlap), in one of four colours: fails / holds, in scope / outside it. The
    failing region's thresholds on the two parameters are drawn as dashed lines.

    Examples
    --------
    >>> import numpy as np
    >>> from irgames.analysis.claims import Claim, check
    >>> from irgames.analysis.model import Model, Outcome
    >>> from irgames.analysis.parameters import Parameter, ParameterSpace
    >>> space = ParameterSpace([Parameter("x", 0, 1, 0.5), Parameter("y", 0, 1, 0.5)])
    >>> m = Model("xy", "x and y", space, lambda x, y: Outcome({"s": x + y}))
    >>> c = Claim("small", "x + y <= 1.5", holds=lambda p, o: o["s"] <= 1.5, quote="q",
    ...           source="s")
    >>> fig = claim_region_map(check(m, c, n=300, use_hypothesis=False))
    >>> [a.get_xlabel() for a in fig.axes][0] in ("x", "y")
    True
    >>> pyplot().close(fig)
    """
    sample = getattr(result, "sample", None)
    if sample is None:
        raise ParameterError(
            f"claim {result.model}.{result.claim} has no checked points to map (an aggregate "
            "claim, or a result without its sample): check a pointwise claim"
        )
    region = result.failing_region
    names = [k for k in sample if k not in ("given", "holds", "holds_in_scope")]
    if parameters is None:
        chosen = list(region.parameters) if region is not None else []
        chosen += [k for k in names if k not in chosen]
        parameters = chosen[:2]
    if len(parameters) != 2 or any(p not in names for p in parameters):
        raise ParameterError(
            f"give two of the claim's parameters {names} to map, got {list(parameters)}"
        )
    px, py = parameters
    plt = pyplot()
    if ax is None:
        fig, ax = plt.subplots(figsize=(5.5, 4.5))
    else:
        fig = ax.figure
    given = np.asarray(sample["given"], bool)
    ok = np.where(given, sample["holds_in_scope"], sample["holds"]).astype(bool)
    masks = (given & ~ok, given & ok, ~given & ~ok, ~given & ok)
    markers = ("x", "o", "+", ".")  # failing points are crosses, in scope or not
    for (label, colour), marker, mask in zip(CLAIM_STATUS, markers, masks, strict=True):
        if mask.any():
            ax.scatter(
                sample[px][mask], sample[py][mask], s=10, c=colour, marker=marker, label=label
            )
    if region is not None and region.tree is not None:
        tree = region.tree
        for node in np.flatnonzero(tree.feature >= 0):
            name = tree.names[tree.feature[node]]
            if name == px:
                ax.axvline(tree.threshold[node], color="k", ls="--", lw=0.8)
            elif name == py:
                ax.axhline(tree.threshold[node], color="k", ls="--", lw=0.8)
    ax.set_xlabel(px)
    ax.set_ylabel(py)
    verdict = result.verdict or "no verdict"
    ax.set_title(f"{result.model}.{result.claim}: {verdict}", fontsize=9)
    ax.legend(fontsize=7, loc="best")
    return fig


def _label_number(value) -> str:
    """A number with four significant digits, or an expression as mathtext (plain text where
    matplotlib's mathtext cannot parse sympy's LaTeX)."""
    import sympy

    if isinstance(value, sympy.Basic) and value.free_symbols:
        text = f"${sympy.latex(value)}$"
        try:
            from matplotlib.mathtext import MathTextParser

            MathTextParser("path").parse(text)
        except ValueError:
            return str(value)
        return text
    value = float(value)
    return f"{0.0 if value == 0 else value:.4g}"


def draw_tree(
    game,
    *,
    equilibrium=None,
    point=None,
    ax=None,
    node_size: float = 40.0,
    fontsize: float = 8.0,
    title: str | None = None,
):
    r"""Draw an extensive-form game as a tree on a matplotlib Axes.

    The layout is :func:`~irgames.games.layout.tidy_layout` (leaves evenly spaced, parents
    centred over their children); the content is :func:`~irgames.games.layout.tree_picture`,
    the same as :func:`irgames.io.tikz.to_tikz` writes. Decision nodes are filled discs
    labelled with their mover, chance nodes hollow discs labelled *Nature*; every edge carries
    its action label (and, out of a chance node, its probability); the members of an
    information set are joined by a dashed line; each terminal shows the payoff vector
    :math:`(u_1, \dots, u_n)`, one player per line, in the order of ``game.players``.

    With an equilibrium, the actions it plays are drawn in vermillion and the path of play
    (edges into nodes reached with positive probability) thick in blue, the Okabe-Ito colours
    (distinct under the common colour-vision deficiencies), and the line widths differ too;
    mixed actions show their probability.

    Parameters
    ----------
    game : ExtensiveFormGame
        Bound or unbound (then the payoffs are printed as expressions).
    equilibrium : optional
        A backward-induction result (``choice`` per node) or a behaviour profile of shape
        ``(*batch, n_infosets, max_actions)``.
    point : int or tuple of int, optional
        For a batch, which game to draw (default the first); the title says which.
    ax : matplotlib Axes, optional
        Where to draw; a new figure sized to the tree otherwise.
    node_size, fontsize : float
    title : str, optional
        Defaults to the game's title (and the point drawn).

    Returns
    -------
    matplotlib Axes

    Examples
    --------
    >>> from irgames.games.extensive_form import TreeBuilder
    >>> T = TreeBuilder(["A", "B"])
    >>> game = T.build(T.decision("A", {"out": T.terminal(1, 1), "in": T.terminal(2, 0)}))
    >>> ax = draw_tree(game)
    >>> len(ax.lines)  # one line per edge
    2
    >>> pyplot().close(ax.figure)
    """
    from .games.layout import tree_picture

    pic = tree_picture(game, equilibrium=equilibrium, point=point)
    plt = pyplot()
    n = pic.x.size
    labels = {}
    for _p, v, action, prob in pic.edges:
        text = action
        if prob is not None:
            text += f"\n({_label_number(prob)})"
        elif pic.action_prob is not None and 0 < pic.action_prob[v] < 1:
            text += f"\n({_label_number(pic.action_prob[v])})"
        labels[v] = text
    if ax is None:
        lines = [line for t in labels.values() for line in t.split("\n")]
        # widths from the plain text (mathtext source is longer than what it shows)
        lines += [str(u) if hasattr(u, "free_symbols") else _label_number(u)
                  for row in pic.payoffs for u in row]  # fmt: skip
        longest = max((len(line) for line in lines), default=1)
        per_unit = min(max(1.1, 1.1 * longest * fontsize * 0.6 / 72), 2.5)  # inches between leaves
        width = per_unit * (np.ptp(pic.x) + 1.6)
        height = 1.3 * (np.ptp(pic.y) + 1) + 0.16 * len(pic.players) + 0.6
        fig, ax = plt.subplots(figsize=(min(max(width, 3.0), 60.0), min(max(height, 2.5), 16.0)))
        fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.9)
    path_colour, chosen_colour = OKABE_ITO["blue"], OKABE_ITO["vermillion"]
    for p, v, _action, _prob in pic.edges:
        colour, width, z = "0.35", 1.0, 1
        if pic.on_path(v):
            colour, width, z = path_colour, 3.0, 3
        elif pic.chosen(v) and pic.kind[p] == "decision":
            colour, width, z = chosen_colour, 2.0, 2
        ax.plot([pic.x[p], pic.x[v]], [pic.y[p], pic.y[v]], color=colour, lw=width, zorder=z)
        # labels sit 60% of the way down their edge, where the edges are furthest apart
        mx, my = 0.4 * pic.x[p] + 0.6 * pic.x[v], 0.4 * pic.y[p] + 0.6 * pic.y[v]
        ha = "right" if pic.x[v] < pic.x[p] else "left"
        text = labels[v]
        ax.annotate(
            text,
            (mx, my),
            xytext=(-3 if ha == "right" else 3, 0),
            textcoords="offset points",
            ha=ha,
            va="center",
            fontsize=fontsize,
            zorder=5,
        )
    for a, b in pic.infoset_links:
        ax.plot(
            [pic.x[a], pic.x[b]], [pic.y[a], pic.y[b]], ls=(0, (4, 3)), color="k", lw=1.2, zorder=0
        )
    decision = [v for v in range(n) if pic.kind[v] == "decision"]
    chance = [v for v in range(n) if pic.kind[v] == "chance"]
    ax.scatter(pic.x[decision], pic.y[decision], s=node_size, color="k", zorder=4)
    ax.scatter(
        pic.x[chance], pic.y[chance], s=node_size, facecolor="white", edgecolor="k", zorder=4
    )
    for v in [*decision, *chance]:
        ax.annotate(
            pic.owner[v],
            (pic.x[v], pic.y[v]),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            va="bottom",
            fontsize=fontsize + 1,
            fontweight="bold",
            zorder=5,
        )
    for k, t in enumerate(pic.terminals):
        ax.annotate(
            "\n".join(_label_number(u) for u in pic.payoffs[k]),
            (pic.x[t], pic.y[t]),
            xytext=(0, -4),
            textcoords="offset points",
            ha="center",
            va="top",
            fontsize=fontsize,
            zorder=5,
        )
    heading = getattr(game, "title", "") if title is None else title
    if title is None and pic.note:
        heading = f"{heading} (drawn at {pic.note})" if heading else f"drawn at {pic.note}"
    if heading:
        ax.set_title(heading, fontsize=fontsize + 2)
    if pic.terminals.size:
        ax.text(
            0.0,
            1.0,
            "payoffs: " + ", ".join(pic.players) + "\n(top to bottom)",
            transform=ax.transAxes,
            fontsize=fontsize,
            ha="left",
            va="top",
        )
    ax.set_xlim(float(np.min(pic.x)) - 0.8, float(np.max(pic.x)) + 0.8)
    ax.set_ylim(float(np.min(pic.y)) - 0.35 - 0.2 * len(pic.players), 0.35)
    ax.set_axis_off()
    return ax
