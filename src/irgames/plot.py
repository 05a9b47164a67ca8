r"""Drawing: the one module of irgames that imports matplotlib.

A model's :class:`~irgames.analysis.model.Figure` pairs a deterministic ``compute() -> dict of
columns`` with ``draw(data) -> matplotlib Figure``; this module draws and writes them, and holds
the pieces the models' drawings share:

:func:`pyplot`
    ``matplotlib.pyplot`` on the Agg backend (no display needed), imported on first use.
:func:`regime_panel`
    A map of equilibrium regimes: integer labels :math:`z_{ij} \in \{0, \dots, K-1\}` over a
    grid of :math:`x_j` (columns) and :math:`y_i` (rows), label :math:`k` drawn in colour
    :math:`k` (the colour scale runs from :math:`-\tfrac12` to :math:`K - \tfrac12`, so that
    each label sits in the middle of its colour).
:func:`regime_legend`
    A legend of coloured patches, one per regime (optionally only the regimes present).
:func:`claim_region_map`
    Where a checked claim fails: its checked points on the two parameters that best separate
    failing from holding points (:attr:`~irgames.analysis.claims.ClaimCheck.failing_region`),
    coloured by status (holds / fails, in scope / outside), with the failing region's
    thresholds on those parameters as lines.
:func:`render_figure`, :func:`render_figures`
    Compute, draw and write ``<name>.png`` and ``<name>.csv``, identical from run to run: the
    CSV has a fixed float format, and the PNG is drawn under :data:`STYLE` with the Agg
    backend and written without date or software metadata.

matplotlib is in the ``figures`` extra (``pip install "irgames[figures]"``); the analysis layer
never imports it, so solving and checking claims do not need it.

Examples
--------
>>> import numpy as np
>>> from irgames.plot import pyplot, regime_legend, regime_panel
>>> plt = pyplot()
>>> fig, ax = plt.subplots()
>>> z = np.array([[0, 1], [1, 2]])
>>> sorted(regime_panel(ax, [0.0, 1.0], [0.0, 1.0], z, ["red", "green", "blue"]))
[0, 1, 2]
>>> len(regime_legend(ax, ["a", "b", "c"], ["red", "green", "blue"], {0, 2}).legend_handles)
2
>>> plt.close(fig)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .analysis.model import Figure, figure_table, write_csv

__all__ = [
    "STYLE",
    "claim_region_map",
    "pyplot",
    "regime_legend",
    "regime_panel",
    "render_figure",
    "render_figures",
]

#: matplotlib settings every figure is drawn under (deterministic output).
STYLE: dict[str, Any] = {"svg.hashsalt": "irgames", "path.simplify": True}


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
        raise ImportError(
            'drawing figures needs matplotlib: pip install "irgames[figures]"'
        ) from error
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt


def regime_panel(ax, x, y, regime, colours: Sequence[str], *, bounds: bool = False) -> set[int]:
    """Draw integer regime labels over a grid as coloured cells.

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
        colours; kept so that figures drawn either way stay byte-identical).

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
    return set(np.unique(z).tolist())


def regime_legend(
    where,
    names: Sequence[str],
    colours: Sequence[str],
    present: Iterable[int] | None = None,
    *,
    extra: Sequence[Any] = (),
    **legend_options,
):
    """A legend of one coloured patch per regime, on an Axes or a Figure.

    Parameters
    ----------
    where : matplotlib Axes or Figure
    names, colours : sequence of str
        Regime ``k`` is called ``names[k]`` and drawn in ``colours[k]``.
    present : iterable of int, optional
        Only these regimes (sorted; ``-1``, no regime, is skipped); all when None.
    extra : sequence of artists
        Further handles after the patches (a boundary line, ...).
    **legend_options
        Passed to ``legend`` (``loc``, ``fontsize``, ``ncol``, ``frameon``, ...).
    """
    from matplotlib.patches import Patch

    keys = range(len(names)) if present is None else [k for k in sorted(present) if k >= 0]
    handles = [Patch(color=colours[k], label=names[k]) for k in keys]
    return where.legend(handles=[*handles, *extra], **legend_options)


def render_figure(figure: Figure, outdir, *, dpi: int = 100) -> tuple[Path, Path]:
    """Compute and draw a figure; write ``<name>.png`` and ``<name>.csv`` into ``outdir``.

    The CSV holds :func:`~irgames.analysis.model.figure_table` of the data with a fixed float
    format; the PNG is drawn under :data:`STYLE` with the Agg backend and saved without date
    or software metadata, so that both files are identical from run to run.

    Returns
    -------
    (png_path, csv_path)
    """
    plt = pyplot()
    import matplotlib

    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    data = figure.compute()
    table = figure_table(data)
    csv_path = outdir / f"{figure.name}.csv"
    write_csv(table, csv_path)
    with matplotlib.rc_context(STYLE):
        fig = figure.draw({k: np.asarray(v) for k, v in data.items()})
        png_path = outdir / f"{figure.name}.png"
        fig.savefig(png_path, dpi=dpi, metadata={"Software": None})
        plt.close(fig)
    return png_path, csv_path


def render_figures(model, outdir, *, dpi: int = 100) -> list[tuple[Path, Path]]:
    """Render every figure of a :class:`~irgames.analysis.model.Model` into ``outdir``."""
    figures: Iterable[Figure] = model.figures
    return [render_figure(f, outdir, dpi=dpi) for f in figures]


#: Colours and labels of :func:`claim_region_map`'s four point statuses.
CLAIM_STATUS = (
    ("fails in scope", "#d62728"),
    ("holds in scope", "#2ca02c"),
    ("fails outside the scope", "#ff9896"),
    ("holds outside the scope", "#98df8a"),
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
        raise ValueError(
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
        raise ValueError(
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
    for (label, colour), mask in zip(CLAIM_STATUS, masks, strict=True):
        if mask.any():
            ax.scatter(sample[px][mask], sample[py][mask], s=8, c=colour, label=label)
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
