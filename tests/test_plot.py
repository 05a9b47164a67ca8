"""Paper-ready figures: every figure as a 300-dpi PNG and a PDF, deterministic, readable.

The module fixture runs ``irgames figures --no-claims --out TMP`` once, in this process, and
records every figure as matplotlib holds it when its PNG is saved (laid out, so the legends
have their final places). The tests then read the figures' artists:

* every discrete map (a mesh or image drawn with a listed colormap) shows no red next to a
  green, and no two regimes that look alike under deuteranopia or protanopia, without a
  second cue: distinct hatches (``regime_panel``'s layers, gid ``regime-<k>``);
* no text on a figure names a project-internal source (``THEORIES.md``, a seed);
* axis labels and titles show no parameter code names (``c_s``, ``delta``) outside math;
* legends lie outside the data (they overlap no Axes of their figure).
"""

from __future__ import annotations

import colorsys
import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")
import matplotlib
import matplotlib.colors
import matplotlib.figure
import matplotlib.text

import irgames
from irgames import plot
from irgames.analysis.model import Figure
from irgames.cli import main


def _summary(fig) -> dict:
    """What the tests need of a laid-out figure."""
    from matplotlib.collections import QuadMesh
    from matplotlib.colors import ListedColormap
    from matplotlib.image import AxesImage

    renderer = fig.canvas.get_renderer()
    axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    maps = []
    for ax in axes:
        hatches = {}
        for artist in ax.collections:
            gid = artist.get_gid() or ""
            if gid.startswith("regime-"):
                hatches[int(gid.split("-")[1])] = artist.get_hatch() or ""
        for artist in [*ax.collections, *ax.images]:
            if not isinstance(artist, QuadMesh | AxesImage):
                continue
            cmap = artist.get_cmap()
            if not isinstance(cmap, ListedColormap):
                continue
            values = np.unique(np.ma.compressed(np.ma.asarray(artist.get_array())))
            colours = {
                int(v): matplotlib.colors.to_hex(artist.to_rgba(np.array([v]))[0]) for v in values
            }
            maps.append({"colours": colours, "hatches": dict(hatches)})
    texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_visible()]
    labels = []
    for ax in axes:
        labels += [ax.get_xlabel(), ax.get_ylabel(), ax.get_title()]
        legend = ax.get_legend()
        if legend is not None:
            labels += [t.get_text() for t in legend.get_texts()]
    labels += [t.get_text() for t in fig.texts]
    if fig._suptitle is not None:
        labels.append(fig._suptitle.get_text())
    legends = [lg for lg in [*(ax.get_legend() for ax in axes), *fig.legends] if lg is not None]
    overlaps = []
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in axes:
            if box.overlaps(ax.get_window_extent(renderer)):
                overlaps.append(ax.get_title() or ax.get_ylabel())
    return {"maps": maps, "texts": texts, "labels": labels, "legend_overlaps": overlaps}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """``irgames figures --no-claims --out TMP`` with every saved figure summarised."""
    out = tmp_path_factory.mktemp("figures")
    seen: dict[str, dict] = {}
    save = matplotlib.figure.Figure.savefig

    def recording(self, fname, *args, **kwargs):
        result = save(self, fname, *args, **kwargs)
        path = Path(str(fname))
        if path.suffix == ".png":
            seen[path.stem] = _summary(self)
        return result

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(matplotlib.figure.Figure, "savefig", recording)
        assert main(["figures", "--no-claims", "--no-progress", "--out", str(out)]) == 0
    return out, seen


def _figures():
    return [(m, f) for m in irgames.all_models().values() for f in m.figures]


def test_every_figure_exists_as_png_at_300_dpi_and_pdf(rendered):
    from PIL import Image

    out, seen = rendered
    figures = _figures()
    assert figures
    for model, figure in figures:
        folder = out / model.name
        png, pdf, csv = (folder / f"{figure.name}{s}" for s in (".png", ".pdf", ".csv"))
        with Image.open(png) as image:
            assert image.info["dpi"] == pytest.approx((300, 300), abs=0.01), figure.name
            assert "Software" not in image.info
        head = pdf.read_bytes()
        assert head.startswith(b"%PDF") and b"/CreationDate" not in head, figure.name
        assert csv.stat().st_size > 0
        assert figure.name in seen
    assert sorted(p.name for p in out.iterdir()) == sorted({m.name for m, _ in figures})


# ---------------------------------------------------------------- colour-vision checks
#: Machado, Oliveira and Fernandes (2009), severity 1, on linear RGB.
_DEFICIENCIES = {
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
         [-0.011820, 0.042940, 0.968881]]
    ),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
         [-0.003882, -0.048116, 1.051998]]
    ),
}  # fmt: skip


def _linear(hex_colour: str) -> np.ndarray:
    c = np.asarray(matplotlib.colors.to_rgb(hex_colour))
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _seen_as(hex_colour: str, deficiency: str) -> np.ndarray:
    rgb = np.clip(_DEFICIENCIES[deficiency] @ _linear(hex_colour), 0, 1)
    return np.where(rgb <= 0.0031308, 12.92 * rgb, 1.055 * rgb ** (1 / 2.4) - 0.055)


def _hue_class(hex_colour: str) -> str:
    h, s, v = colorsys.rgb_to_hsv(*matplotlib.colors.to_rgb(hex_colour))
    if s < 0.25 or v < 0.2:
        return "neutral"
    degrees = 360 * h
    if degrees < 30 or degrees >= 330:
        return "red"
    if 75 <= degrees < 165:
        return "green"
    return "other"


def confusable(a: str, b: str, threshold: float = 0.12) -> str | None:
    """Why two colours need another cue (None if they do not)."""
    if {_hue_class(a), _hue_class(b)} == {"red", "green"}:
        return "a red-green pair"
    for deficiency in _DEFICIENCIES:
        if np.linalg.norm(_seen_as(a, deficiency) - _seen_as(b, deficiency)) < threshold:
            return f"alike under {deficiency}"
    return None


def test_the_colour_checks_catch_what_they_should():
    # the regime map before this change: green acquiescence beside red deadlock
    assert confusable("#4daf4a", "#e41a1c") == "a red-green pair"
    assert confusable("#4daf4a", "#ff7f00") is not None  # green and orange
    assert confusable(plot.OKABE_ITO["blue"], plot.OKABE_ITO["orange"]) is None
    assert confusable(plot.NEUTRAL, plot.OKABE_ITO["blue"]) is None


def test_no_regime_map_relies_on_colour_alone(rendered):
    _, seen = rendered
    checked = 0
    for name, summary in seen.items():
        for regime_map in summary["maps"]:
            colours, hatches = regime_map["colours"], regime_map["hatches"]
            keys = sorted(colours)
            for i, a in enumerate(keys):
                for b in keys[i + 1 :]:
                    why = confusable(colours[a], colours[b])
                    if why is not None:
                        assert hatches.get(a, "") != hatches.get(b, ""), (
                            f"{name}: regimes {a} and {b} ({colours[a]}, {colours[b]}) are "
                            f"{why} with the same hatch"
                        )
                    checked += 1
    assert checked > 0  # the maps were found


def test_every_regime_palette_colour_pair_has_a_second_cue():
    colours, hatches = plot.regime_palette(len(plot.REGIME_HATCHES), neutral_first=True)
    assert len(set(zip(colours, hatches, strict=True))) == len(colours)
    assert len(set(hatches)) == len(hatches)


# ---------------------------------------------------------------- words on the figures
def test_no_internal_reference_is_printed_on_a_figure(rendered):
    _, seen = rendered
    pattern = re.compile(r"THEORIES|\.md\b|\bseeds?\b|/work/", re.IGNORECASE)
    for name, summary in seen.items():
        bad = [t for t in summary["texts"] if pattern.search(t)]
        assert not bad, f"{name}: {bad}"


_GREEK_WORDS = re.compile(
    r"\b(alpha|beta|gamma|delta|epsilon|theta|kappa|lambda|mu|rho|sigma|tau|phi|omega)\b"
)


def test_labels_show_symbols_not_code_names(rendered):
    _, seen = rendered
    for name, summary in seen.items():
        for label in summary["labels"]:
            words = re.sub(r"\$[^$]*\$", "", label)  # mathtext is where symbols belong
            assert not re.search(r"\b[A-Za-z]+_[A-Za-z0-9]+\b", words), f"{name}: {label!r}"
            assert not _GREEK_WORDS.search(words), f"{name}: {label!r}"


def test_legends_lie_outside_the_data(rendered):
    _, seen = rendered
    for name, summary in seen.items():
        assert not summary["legend_overlaps"], f"{name}: legend over {summary['legend_overlaps']}"


# ---------------------------------------------------------------- style and determinism
def _toy_figure(record=None) -> Figure:
    def compute():
        x = np.linspace(0, 1, 6)
        return {"x": x[None, :], "y": x[:, None], "z": (x[None, :] > x[:, None]).astype(int)}

    def draw(d):
        if record is not None:
            record.append(matplotlib.rcParams["font.size"])
        plt = plot.pyplot()
        fig, ax = plt.subplots(figsize=(3, 2))
        colours, hatches = plot.regime_palette(2)
        plot.regime_panel(ax, d["x"], d["y"], d["z"], colours, hatches=hatches)
        plot.regime_legend(ax, ["below", "above"], colours, hatches=hatches)
        return fig

    return Figure("toy_map", "a toy map", compute, draw)


def test_figures_are_identical_from_run_to_run(tmp_path):
    first = plot.render_figure_files(_toy_figure(), tmp_path / "a")
    second = plot.render_figure_files(_toy_figure(), tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name
    assert [p.suffix for p in first] == [".png", ".pdf", ".csv"]


def test_the_committed_figures_are_what_the_code_draws(rendered):
    # the PNG and PDF bytes of a cheap model, against docs/figures (regenerated with the code)
    out, _ = rendered
    docs = Path(__file__).resolve().parents[1] / "docs" / "figures" / "exploiting_fear"
    for path in sorted((out / "exploiting_fear").iterdir()):
        assert path.read_bytes() == (docs / path.name).read_bytes(), path.name


def test_the_style_can_be_switched(monkeypatch, tmp_path):
    before = matplotlib.rcParams["font.size"]
    sizes: list[float] = []
    plot.render_figure_files(_toy_figure(sizes), tmp_path / "house")
    monkeypatch.setattr(plot, "STYLE", {**plot.STYLE, "font.size": 17.0})
    plot.render_figure_files(_toy_figure(sizes), tmp_path / "big")
    monkeypatch.setattr(plot, "STYLE", "grayscale")  # a style sheet by name
    plot.render_figure_files(_toy_figure(sizes), tmp_path / "grey")
    assert sizes[:2] == [10.0, 17.0]
    house, grey = (tmp_path / d / "toy_map.png" for d in ("house", "grey"))
    assert house.read_bytes() != grey.read_bytes()
    assert matplotlib.rcParams["font.size"] == before  # the style does not leak
