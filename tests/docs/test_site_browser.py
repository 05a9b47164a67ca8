"""A headless Chromium opens the built site's theory pages, served on 127.0.0.1: every figure
loads (``img.complete`` and ``naturalWidth > 0``), the claims tables render, and the formulas
are typeset by the MathJax copy the site serves itself (no raw ``\\(`` left in the text).

The site is built without the API reference (mkdocstrings is slow and is covered by
``test_mkdocs.py``); a check page on the same origin holds each theory page in an iframe and
writes what it finds into its own DOM, which ``chromium --dump-dom`` prints.
"""

from __future__ import annotations

import functools
import html
import http.server
import importlib.util
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = [
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Debian's chromium is not installed (apt-get install -y chromium)",
    ),
    pytest.mark.skipif(
        any(importlib.util.find_spec(m) is None for m in ("mkdocs", "material", "yaml")),
        reason="mkdocs-material is not installed (pip install -e '.[docs]')",
    ),
]

CHECK_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"></head><body>
<pre id="result">pending</pre>
{frames}
<script>
window.addEventListener("load", async () => {{
  const result = {{}};
  for (const frame of document.querySelectorAll("iframe")) {{
    const doc = frame.contentDocument;
    const mathjax = frame.contentWindow.MathJax;
    if (mathjax && mathjax.startup && mathjax.startup.promise) {{
      await mathjax.startup.promise;  // the first typesetting pass is asynchronous
    }}
    const content = doc.querySelector(".md-content") || doc.body;
    result[frame.dataset.page] = {{
      title: doc.title,
      images: Array.from(content.querySelectorAll("img")).map((img) => ({{
        src: img.getAttribute("src"),
        complete: img.complete,
        width: img.naturalWidth,
      }})),
      formulas: content.querySelectorAll(".arithmatex").length,
      math: content.querySelectorAll("mjx-container").length,
      raw_math: content.innerText.split(String.fromCharCode(92, 40)).length - 1,
      tables: Array.from(content.querySelectorAll("table")).map((t) => ({{
        rows: t.rows.length,
        header: Array.from(t.rows[0] ? t.rows[0].cells : []).map((c) => c.textContent.trim()),
      }})),
    }};
  }}
  document.getElementById("result").textContent = JSON.stringify(result);
}});
</script>
</body></html>
"""


def _light_config(tmp: Path) -> Path:
    """mkdocs.yml without mkdocstrings and the API reference, with absolute paths."""
    import yaml

    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(DOCS)
    config["site_dir"] = str(tmp / "site")
    config["hooks"] = [str(REPO / h) for h in config.get("hooks", [])]
    config["plugins"] = ["search"]
    config["nav"] = [
        item for item in config["nav"] if not (isinstance(item, dict) and "API reference" in item)
    ]
    config["exclude_docs"] = config.get("exclude_docs", "") + "\n/reference/\n"
    config["strict"] = False
    for ext in config["markdown_extensions"]:
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            ext["pymdownx.snippets"]["base_path"] = [str(DOCS)]
    path = tmp / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    config = _light_config(tmp)
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config)],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return tmp / "site"


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


def _chromium(tmp: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


THEORIES = sorted(p.stem for p in (DOCS / "theories").glob("*.md"))


def test_theory_pages_show_their_figures_and_claims_tables(site, server, tmp_path):
    assert THEORIES, "no theory pages in docs/theories"
    frames = "\n".join(
        f'<iframe data-page="{html.escape(name)}" src="/theories/{html.escape(name)}/" '
        'width="1200" height="2000"></iframe>'
        for name in THEORIES
    )
    (site / "_browser_check.html").write_text(CHECK_PAGE.format(frames=frames), encoding="utf-8")
    done = _chromium(
        tmp_path, "--virtual-time-budget=20000", "--dump-dom", f"{server}/_browser_check.html"
    )
    start = done.stdout.find('<pre id="result">')
    assert start >= 0, done.stderr[-2000:]
    text = done.stdout[start + len('<pre id="result">') : done.stdout.find("</pre>", start)]
    assert text != "pending", "the check page's load handler did not run"
    result = json.loads(html.unescape(text))
    assert sorted(result) == THEORIES
    for name, page in result.items():
        assert page["images"], f"{name}: no figures on the page"
        broken = [i["src"] for i in page["images"] if not (i["complete"] and i["width"] > 0)]
        assert not broken, f"{name}: figures that do not load: {broken}"
        claims = [t for t in page["tables"] if any("claim" in h.lower() for h in t["header"])]
        assert claims, f"{name}: no claims table (a table with a 'claim' column)"
        assert all(t["rows"] >= 2 for t in claims), f"{name}: an empty claims table"
        # Formulas are typeset by the MathJax the site serves itself (no network here).
        if page["formulas"]:
            assert page["math"] >= page["formulas"], f"{name}: formulas not typeset"
        assert page["raw_math"] == 0, f"{name}: {page['raw_math']} formulas left as raw TeX"
    assert any(page["formulas"] for page in result.values()), "no theory page has a formula"


def test_screenshot_of_a_theory_page(site, server, tmp_path):
    shot = tmp_path / "page.png"
    done = _chromium(
        tmp_path,
        "--window-size=1280,1600",
        f"--screenshot={shot}",
        f"{server}/theories/{THEORIES[0]}/",
    )
    assert shot.is_file(), done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
