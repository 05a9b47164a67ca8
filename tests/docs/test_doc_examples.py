"""The ``>>>`` examples in the documentation's pages run and give what the pages say.

Each fenced ``python`` block of a page that holds ``>>>`` lines is run as a doctest (blocks of
one page share their names, in page order), with ``docs/`` importable for the tutorial's
model.
"""

from __future__ import annotations

import doctest
import re
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
FENCE = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)
PAGES = sorted(p for p in DOCS.rglob("*.md") if ">>>" in p.read_text(encoding="utf-8"))


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(DOCS)) for p in PAGES])
def test_page_examples_run(page, monkeypatch):
    monkeypatch.syspath_prepend(str(DOCS))
    blocks = [b for b in FENCE.findall(page.read_text(encoding="utf-8")) if ">>>" in b]
    text = "\n".join(blocks)
    test = doctest.DocTestParser().get_doctest(text, {}, page.name, str(page), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    output: list[str] = []
    runner.run(test, out=output.append)
    sys.modules.pop("tutorial_model", None)
    assert runner.failures == 0, "".join(output)


def test_some_pages_have_examples():
    names = {p.name for p in PAGES}
    assert {"index.md", "tutorial.md", "solve-gambit-file.md"} <= names
