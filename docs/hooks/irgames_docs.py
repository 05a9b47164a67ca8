"""MkDocs hooks for the irgames site.

Navigation: the theory pages and the performance page join the navigation by themselves.

``Theories`` in ``mkdocs.yml`` is filled with every ``docs/theories/*.md`` (sorted by file
name, titled by the page's first ``# `` heading), so a model author adds a page without
editing the configuration; ``Performance`` is dropped while ``docs/performance.md`` does not
exist (a missing page would fail ``mkdocs build --strict``).

It also demotes to INFO the few known docstring problems listed in ``KNOWN_DOCSTRING_ISSUES``
(in modules whose owners have been told), so that ``--strict`` keeps failing on any new
warning; remove an entry once its docstring is fixed.

Docstrings: the docstrings use reStructuredText roles (``:math:`x```, ``:func:`f```) and
``.. math::`` blocks, which the Markdown renderer of mkdocstrings leaves as text; after each
page is rendered, ``:math:`` becomes MathJax inline math, ``.. math::`` blocks display math,
and cross-reference roles plain code (``~a.b.c`` shown as ``c``).

Formulas render offline: MathJax 3 comes from the Python package ``django-static-mathjax``
(Apache-2.0; no Django needed, it only ships MathJax's files), installed with the ``docs``
extra. After each build its ``tex-mml-chtml`` component, fonts and on-demand extensions are
copied into ``site/javascripts/mathjax/``, which ``mkdocs.yml`` loads; the site names no other
host.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import shutil
from pathlib import Path

#: (text in the message, text in the message): known docstring warnings, demoted to INFO.
KNOWN_DOCSTRING_ISSUES: list[tuple[str, str]] = []


class _KnownIssues(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.WARNING:
            message = record.getMessage()
            if any(a in message and b in message for a, b in KNOWN_DOCSTRING_ISSUES):
                record.levelno, record.levelname = logging.INFO, "INFO"
                record.msg, record.args = f"known docstring issue: {message}", ()
        return True


def on_startup(command, dirty, **kwargs):
    for handler in logging.getLogger("mkdocs").handlers:
        if not any(isinstance(f, _KnownIssues) for f in handler.filters):
            handler.addFilter(_KnownIssues())


def _title(path: Path) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return path.stem.replace("_", " ").capitalize()


def on_config(config, **kwargs):
    docs = Path(config["docs_dir"])
    theories = [{_title(p): f"theories/{p.name}"} for p in sorted((docs / "theories").glob("*.md"))]
    nav = []
    for item in config["nav"] or []:
        if isinstance(item, dict) and "Theories" in item:
            if theories:
                nav.append({"Theories": theories})
            continue
        if isinstance(item, dict) and item.get("Performance") == "performance.md":
            if (docs / "performance.md").exists():
                nav.append(item)
            continue
        nav.append(item)
    config["nav"] = nav
    return config


_TAG = re.compile(r"<[^>]+>")
_INLINE_MATH = re.compile(r":math:<code>(.*?)</code>", re.DOTALL)
_BLOCK_MATH = re.compile(
    r"<p>\.\. math::</p>\s*<div class=\"highlight\"><pre>(.*?)</pre></div>", re.DOTALL
)
_ROLE = re.compile(r":(?:py:)?(?:func|class|mod|meth|attr|data|exc|obj|const):<code>~?(.*?)</code>")
_CODE_BLOCK = re.compile(r"<p>\.\. code-block::\s*\w*</p>")


def _short(match: re.Match) -> str:
    text = match.group(0)
    name = match.group(1)
    if "~" in text.split("<code>", 1)[1][:1]:
        name = name.rsplit(".", 1)[-1]
    return f"<code>{name}</code>"


def on_page_content(html: str, page, config, files):
    if ":" not in html and ".. " not in html:
        return html
    html = _BLOCK_MATH.sub(
        lambda m: f'<div class="arithmatex">\\[{_TAG.sub("", m.group(1)).strip()}\\]</div>', html
    )
    html = _INLINE_MATH.sub(lambda m: f'<span class="arithmatex">\\({m.group(1)}\\)</span>', html)
    html = _ROLE.sub(_short, html)
    return _CODE_BLOCK.sub("", html)


#: What the site needs of MathJax's es5 folder: the combined TeX/MathML-to-HTML component, the
#: HTML output's fonts, and what the component loads on demand (TeX extensions such as
#: ``boldsymbol``, the menu, the accessibility explorer and its speech rules).
MATHJAX_PARTS = ("tex-mml-chtml.js", "input", "output/chtml", "ui", "a11y", "sre", "adaptors")


def mathjax_folder() -> Path:
    """MathJax's ``es5`` folder inside the installed ``django-static-mathjax`` package."""
    spec = importlib.util.find_spec("mathjax")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        folder = Path(location) / "static" / "mathjax" / "es5"
        if (folder / "tex-mml-chtml.js").is_file():
            return folder
    raise RuntimeError(
        "MathJax's files were not found: the site renders formulas offline with the "
        "package django-static-mathjax (pip install -e '.[docs]')"
    )


def on_post_build(config, **kwargs):
    source = mathjax_folder()
    target = Path(config["site_dir"]) / "javascripts" / "mathjax"
    for part in MATHJAX_PARTS:
        if (source / part).is_dir():
            shutil.copytree(source / part, target / part, dirs_exist_ok=True)
        else:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / part, target / part)
