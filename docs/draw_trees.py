"""Draw the game tree of every tree-based model into ``docs/figures/trees/``.

Run from the repository root (``python docs/draw_trees.py``); each model's tree is written as
``<model>.png`` (200 dpi: the trees are wide), ``<model>.pdf`` and ``<model>.tex`` (a
standalone TikZ picture), with the payoffs and chance probabilities as the model's
expressions. The trees are found in the registered models' modules (:func:`model_trees`), so
a new tree-based model is drawn without a change here. ``tests/test_plot_tree.py`` checks
that the committed TikZ files are up to date.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "figures" / "trees"


def model_trees() -> dict[str, object]:
    """``{model name: ExtensiveFormGame}`` for every registered model whose module holds a tree.

    A module's tree is a module-level :class:`~irgames.games.extensive_form.ExtensiveFormGame`,
    an object with such a ``game`` attribute (a ``ThreatGame``), or a function of no arguments
    whose name ends in ``_game`` and returns one; the first found, in the module's order.
    """
    import inspect

    import irgames
    from irgames.games.extensive_form import ExtensiveFormGame

    found = {}
    for name, model in irgames.all_models().items():
        module = sys.modules.get(model.solve.__module__) or importlib.import_module(
            model.solve.__module__
        )
        for value in vars(module).values():
            game = None
            if isinstance(value, ExtensiveFormGame):
                game = value
            elif isinstance(getattr(value, "game", None), ExtensiveFormGame):
                game = value.game
            elif (
                callable(value)
                and getattr(value, "__module__", None) == module.__name__
                and getattr(value, "__name__", "").endswith("_game")
            ):
                try:
                    signature = inspect.signature(value)
                except (TypeError, ValueError):
                    continue
                if all(p.default is not p.empty for p in signature.parameters.values()):
                    result = value()
                    if isinstance(result, ExtensiveFormGame):
                        game = result
            if game is not None:
                found[name] = game
                break
    return found


def draw_trees(out: Path = OUT) -> list[Path]:
    """Write every model's tree as PNG, PDF and TikZ into ``out``; returns the paths."""
    from irgames._atomic import atomic_output
    from irgames.io.tikz import write_tikz
    from irgames.plot import _style_context, pyplot

    plt = pyplot()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, game in sorted(model_trees().items()):
        with _style_context():
            ax = game.draw()
            for suffix, options in (
                (".png", {"dpi": 200, "metadata": {"Software": None}}),
                (".pdf", {"metadata": {"Creator": None, "Producer": None, "CreationDate": None}}),
            ):
                path = out / f"{name}{suffix}"
                with atomic_output(path) as tmp:
                    ax.figure.savefig(tmp, format=suffix[1:], **options)
                written.append(path)
            plt.close(ax.figure)
        written.append(write_tikz(game, out / f"{name}.tex"))
    return written


if __name__ == "__main__":
    for path in draw_trees():
        print(f"wrote {path}")
