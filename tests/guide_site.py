"""Shared helpers of the guide tests: build the site once per test process, parse its pages.

Not a test module (no ``test_`` prefix); imported by tests/test_guide_*.py.
"""
from __future__ import annotations

import atexit
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Address the training QR codes point to in the test build (reserved example domain).
TEST_SITE_URL = "http://guide.example.org/cert/"

# Guide pages: everything in docs/ that is Markdown, except the checker UI's own pages.
GUIDE_SOURCES = sorted(p for p in DOCS.rglob("*.md") if "checker" not in p.relative_to(DOCS).parts)


def page_html_name(md: Path) -> str:
    """Built file of a page (the offline plugin turns off directory URLs: foo.md -> foo.html)."""
    rel = md.relative_to(DOCS).with_suffix(".html")
    return rel.as_posix()


@functools.lru_cache(maxsize=1)
def built_site() -> Path:
    """Run ``mkdocs build`` once into a temporary directory and return it."""
    tmp = Path(tempfile.mkdtemp(prefix="guide-site-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    out = tmp / "site"
    env = dict(os.environ, GUIDE_SITE_URL=TEST_SITE_URL, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"mkdocs build failed:\n{proc.stdout}\n{proc.stderr}")
    built_site.log = proc.stdout + proc.stderr  # type: ignore[attr-defined]
    return out


class Page(HTMLParser):
    """Collects what the guide tests look at: ids, links, images, headings, scripts, text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.imgs: list[dict] = []
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.headings: list[tuple[int, str, str | None]] = []  # (level, text, id) in the article
        self.article_text: list[str] = []
        self._in_article = 0
        self._heading: list | None = None
        self._skip = 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href") is not None:
            self.links.append(a["href"])
        elif tag == "img":
            self.imgs.append(a)
        elif tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a.get("href", ""))
        if tag == "article":
            self._in_article += 1
        if tag in ("script", "style", "svg"):
            self._skip += 1
        if self._in_article and re.fullmatch(r"h[1-6]", tag):
            self._heading = [int(tag[1]), "", a.get("id")]

    def handle_endtag(self, tag):
        if tag == "article":
            self._in_article -= 1
        if tag in ("script", "style", "svg"):
            self._skip -= 1
        if self._heading is not None and tag == f"h{self._heading[0]}":
            self.headings.append((self._heading[0], self._heading[1].strip().rstrip("¶").strip(), self._heading[2]))
            self._heading = None

    def handle_data(self, data):
        if self._skip:
            return
        if self._heading is not None:
            self._heading[1] += data
        if self._in_article:
            self.article_text.append(data)

    @property
    def text(self) -> str:
        return "".join(self.article_text)


@functools.lru_cache(maxsize=None)
def parsed(name: str) -> Page:
    return Page((built_site() / name).read_text(encoding="utf-8"))
