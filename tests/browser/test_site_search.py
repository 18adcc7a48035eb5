"""Chinese search works in the built site: a word from inside a sentence finds its page.

The query word is taken from the built search index itself (so the test follows the guide's
text as it changes): a jieba token of 2+ Han characters that occurs in a page's body text but
not in its titles, and in as few pages as possible.  It is typed into Material's search box in
chromium; the result list must link to that page.
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

HAN = re.compile(r"^[\u4e00-\u9fff]{2,6}$")
SPLIT = re.compile(r"[\s\u200b\-_,:!=\[\]()\"`/，。、：；！？（）《》“”‘’…]+")
TAG = re.compile(r"<[^>]+>")


def pick_queries(site_dir, count=2):
    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    docs = index["docs"]
    assert any("\u200b" in d["text"] for d in docs), "search index is not segmented: jieba not active"
    titles = " ".join(d["title"].replace("\u200b", "") for d in docs)
    pages_of = defaultdict(set)
    for d in docs:
        page = d["location"].split("#")[0]
        for tok in SPLIT.split(TAG.sub(" ", d["text"])):
            if HAN.match(tok):
                pages_of[tok].add(page)
    candidates = sorted(
        (len(pages), -len(tok), tok, sorted(pages)[0])
        for tok, pages in pages_of.items()
        if tok not in titles and len(tok) >= 3
    )
    assert candidates, "no Chinese body word found in the search index"
    return [(tok, page) for _, _, tok, page in candidates[:count]]


def test_chinese_word_inside_a_sentence_finds_its_page(context, site_server, site_dir):
    queries = pick_queries(site_dir)
    page = context.new_page()
    page.goto(site_server.url + "index.html")
    for word, location in queries:
        box = page.locator("input.md-search__input")
        box.click()
        box.fill(word)
        box.press("End")  # Material reads the query on keyup; fill() alone sends none
        results = page.locator(".md-search-result__list a")
        results.first.wait_for(timeout=30_000)
        hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
        pages = [urlsplit(h).path.lstrip("/") for h in hrefs]
        assert location in pages, (word, location, hrefs)
        page.keyboard.press("Escape")
    context.recorder.assert_same_origin_get(site_server.origin)


def search_hrefs(page, word):
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(word)
    box.press("End")
    results = page.locator(".md-search-result__list a")
    results.first.wait_for(timeout=30_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    page.keyboard.press("Escape")
    return hrefs


def test_search_works_from_the_file_system(context, site_dir):
    # The offline plugin: search index inlined as search_index.js, search worker through the
    # vendored iframe-worker shim.  Opened from disk, nothing may be fetched over the network.
    (word, location), = pick_queries(site_dir, 1)
    page = context.new_page()
    page.goto((site_dir / "index.html").resolve().as_uri())
    hrefs = search_hrefs(page, word)
    assert any(urlsplit(h).path.endswith("/" + location) for h in hrefs), (word, location, hrefs)
    schemes = {urlsplit(u).scheme for u in context.recorder.urls()}
    assert schemes <= {"file", "data", "blob", "about"}, schemes


# Topics readers ask about most, typed as a reader would: each must find the page that explains it.
NEW_TOPICS = [
    ("资格证书", "usage.html"),     # passing the exam is not registration
    ("挂证", "notes.html"),          # lending a certificate vs identity misuse
    ("法律效力", "download.html"),   # e-certificate = paper (国务院令第716号)
    ("项目负责人", "usage.html"),   # 二级 scope, one project at a time
    ("注册编号", "query.html"),     # how to read the registration number
]


@pytest.mark.parametrize("word,location", NEW_TOPICS, ids=[w for w, _ in NEW_TOPICS])
def test_search_finds_the_guides_topics(context, site_server, word, location):
    page = context.new_page()
    page.goto(site_server.url + "index.html")
    hrefs = search_hrefs(page, word)
    pages = [urlsplit(h).path.lstrip("/") for h in hrefs]
    assert location in pages, (word, location, hrefs)
