"""The documentation site builds with ``mkdocs build --strict`` (every warning an error:
broken links, missing pages or images, snippets that do not exist, docstrings that do not
parse)."""

from __future__ import annotations

import importlib.util
import os
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
