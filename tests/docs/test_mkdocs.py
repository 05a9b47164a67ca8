"""The documentation site builds with ``mkdocs build --strict`` (every warning an error:
broken links, missing pages or images, snippets that do not exist, docstrings that do not
parse)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

needs_mkdocs = pytest.mark.skipif(
    any(importlib.util.find_spec(m) is None for m in ("mkdocs", "material", "mkdocstrings")),
    reason="mkdocs-material and mkdocstrings[python] are not installed (pip install -e '.[docs]')",
)


def mkdocs_env() -> dict[str, str]:
    env = dict(os.environ)
    paths = [str(REPO / "src"), str(REPO), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


@needs_mkdocs
def test_site_builds_strictly(tmp_path):
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=REPO,
        env=mkdocs_env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    assert (site / "index.html").is_file()
    assert (site / "tutorial" / "index.html").is_file()
    theories = sorted((REPO / "docs" / "theories").glob("*.md"))
    for page in theories:  # every theory page is built (the nav hook finds them all)
        assert (site / "theories" / page.stem / "index.html").is_file(), page.name
    reference = (site / "reference" / "solvers" / "index.html").read_text(encoding="utf-8")
    assert "support_enumeration" in reference and "backward_induction" in reference
    assert not external_assets(site), "the site loads scripts or styles from another host"
    assert (site / "javascripts" / "mathjax" / "tex-mml-chtml.js").is_file()
    fonts = site / "javascripts" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2"
    assert any(fonts.glob("*.woff")), "MathJax's fonts were not copied into the site"


#: A script or stylesheet reference: <script src=...> or <link ... href=...> (any order).
_ASSET = re.compile(
    r"<script\b[^>]*\bsrc=[\"']?([^\"' >]+)|<link\b[^>]*\bhref=[\"']?([^\"' >]+)", re.I
)


def external_assets(site: Path) -> dict[str, set[str]]:
    """Per page, the scripts and stylesheets it loads from another host (``//`` or a scheme).

    Links to other pages (``<a href>``) are not assets and are not counted; ``<link>`` of any
    ``rel`` is (a stylesheet, a preloaded font or an icon from elsewhere would all need the
    network).
    """
    found: dict[str, set[str]] = {}
    for page in site.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        urls = {a or b for a, b in _ASSET.findall(text)}
        remote = {u for u in urls if re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", u, re.I)}
        if remote:
            found[str(page.relative_to(site))] = remote
    return found


def test_external_assets_are_found(tmp_path):
    """The check itself: a CDN script and a remote stylesheet are caught, local ones are not."""
    (tmp_path / "a.html").write_text(
        '<script src="https://cdn.example.org/x.js"></script>'
        "<link rel=stylesheet href=//fonts.example.org/f.css>"
        '<script src="javascripts/mathjax/tex-mml-chtml.js"></script>'
        '<a href="https://example.org">a link is not an asset</a>',
        encoding="utf-8",
    )
    (tmp_path / "b.html").write_text('<link href="../assets/site.css" rel="stylesheet">')
    assert external_assets(tmp_path) == {
        "a.html": {"https://cdn.example.org/x.js", "//fonts.example.org/f.css"}
    }
