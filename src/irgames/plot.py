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
from .errors import MissingExtraError

__all__ = [
    "STYLE",
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
        raise MissingExtraError(
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
