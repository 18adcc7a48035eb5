"""The guide's pages, checked on the built site: dates, hosts, FAQ, anchors, links, search, a11y."""
from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from guide_site import DOCS, GUIDE_SOURCES, ROOT, TEST_SITE_URL, built_site, page_html_name, parsed

FIRST_EDITION = datetime.date(2026, 11, 23)  # the guide was first published on this day
GUIDE_PAGES = [page_html_name(p) for p in GUIDE_SOURCES]

# Hosts the guide may name (team brief), plus the shared official list and reserved example names.
BRIEF_HOSTS = {
    "zfcxjw.cq.gov.cn",
    "zwykb.cq.gov.cn",
    "jzsc.mohurd.gov.cn",
    "www.mohurd.gov.cn",
    "gjzwfw.www.gov.cn",
}
RESERVED = re.compile(r"(^|\.)(example\.(com|net|org)|example|test|invalid|localhost)$")
HOST_RE = re.compile(
    r"(?<![a-z0-9.-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+"
    r"(?:cn|com|net|org|gov|edu|io|co|cc|top|xyz|info|me|ly|gl|so|im|gg|nu|id|at|gd|in|de|uk|us|ru|jp|app|dev|site|online|vip|ltd|wang|club|shop|link))"
    r"(?![a-z0-9-])",
    re.I,
)


def official_hosts() -> set[str]:
    data = json.loads((ROOT / "checker" / "data" / "official_hosts.json").read_text(encoding="utf-8"))
    return {h["host"] for h in data["hosts"]}


@pytest.fixture(scope="module")
def site() -> Path:
    return built_site()


def test_guide_has_all_its_pages():
    names = {p.stem for p in GUIDE_SOURCES}
    # the system page lives in channels.md (管理体系与官方渠道)
    assert {"index", "channels", "query", "download", "verify", "usage", "faq", "notes",
            "deploy", "glossary", "handout"} <= names


@pytest.mark.parametrize("name", GUIDE_PAGES)
def test_every_page_shows_the_last_updated_date(site, name):
    # "最后更新" (last edited), never "最后核对": no page was checked against official pages on a
    # date; what was and was not checked is said once, in notes.md#sources.
    page = parsed(name)
    m = re.search(r"最后更新：(\d{4}-\d{2}-\d{2})", page.text)
    assert m, f"{name} lacks '最后更新：YYYY-MM-DD'"
    updated = datetime.date.fromisoformat(m.group(1))  # a real date
    assert FIRST_EDITION <= updated <= datetime.date.today(), f"{name}: implausible date {updated}"
    assert "最后核对" not in page.text


@pytest.mark.parametrize("name", GUIDE_PAGES)
def test_page_names_only_allowed_hosts(site, name):
    allowed = BRIEF_HOSTS | official_hosts() | {urlsplit(TEST_SITE_URL).hostname}
    html = (site / name).read_text(encoding="utf-8")
    page = parsed(name)
    named = {m.group(1).lower() for m in HOST_RE.finditer(page.text)}
    linked = {urlsplit(href).hostname for href in page.links if urlsplit(href).scheme in ("http", "https")}
    loaded = {urlsplit(src).hostname for src in page.scripts + page.stylesheets if urlsplit(src).scheme}
    assert not loaded, f"{name} loads assets from other hosts: {loaded}"
    bad = {h for h in named | linked if h not in allowed and not RESERVED.search(h)}
    assert not bad, f"{name} names hosts outside the allowed list: {sorted(bad)}"
    # Links to official hosts are plain navigation links, never assets.
    assert not re.search(r'(src|data)="https?://', html), f"{name} embeds a remote asset"


def test_host_check_catches_a_foreign_host():
    # Guard against a host regex that silently matches nothing.
    found = {m.group(1) for m in HOST_RE.finditer("请访问 www.fake-query.com 或 zfcxjw.cq.gov.cn，文件 web.config")}
    assert found == {"www.fake-query.com", "zfcxjw.cq.gov.cn"}


def test_faq_has_at_least_14_answered_questions(site):
    page = parsed("faq.html")
    html = (site / "faq.html").read_text(encoding="utf-8")
    questions = [(t, i) for level, t, i in page.headings if level == 3]
    assert len(questions) >= 14, questions
    for text, anchor in questions:
        assert anchor and re.fullmatch(r"[a-z0-9-]+", anchor), f"question without a stable anchor: {text}"
        # the answer: the HTML between this question and the next heading holds real text
        start = html.index(f'id="{anchor}"')
        nxt = re.search(r"<h[1-3][ >]", html[start + 10 :])
        chunk = html[start : start + 10 + (nxt.start() if nxt else len(html))]
        answer = re.sub(r"<[^>]+>", "", chunk.split("</h3>", 1)[1]).strip()
        assert len(answer) >= 40, f"answer to {text!r} is missing or too short"
    anchors = {i for _, i in questions}
    # the questions readers ask most
    assert {"not-found", "forgot-password", "open-failed", "wrong-info"} <= anchors
    assert {"no-download-button", "old-file-void", "qr-status-differs", "use-period-expired",
            "national-platform", "ofd-phone", "adobe-unknown", "agents", "renewal-timing"} <= anchors


def test_verify_page_has_the_stable_anchors_the_checker_links_to(site):
    ids = parsed("verify.html").ids
    for anchor in ("verdict-pass", "verdict-warn", "verdict-fail", "verdict-error", "qr-host",
                   "untrusted-signer", "changed-after-signing", "expired", "adobe-unknown"):
        assert anchor in ids, anchor
    headings = {i: t for _, t, i in parsed("verify.html").headings}
    assert headings["verdict-pass"] == "通过"
    assert headings["verdict-warn"] == "注意"
    assert headings["verdict-fail"] == "不通过"
    assert headings["verdict-error"] == "无法核验"


@pytest.mark.parametrize("name", GUIDE_PAGES)
def test_internal_links_resolve(site, name):
    page = parsed(name)
    for href in page.links:
        parts = urlsplit(href)
        if parts.scheme or href.startswith("mailto:") or href.startswith("//"):
            continue
        target = urljoin(name, unquote(parts.path)) if parts.path else name
        path = site / target
        if path.is_dir():
            path = path / "index.html"
        assert path.is_file(), f"{name}: link {href!r} -> missing {target}"
        if parts.fragment and path.suffix == ".html":
            ids = parsed(path.relative_to(site).as_posix()).ids
            assert parts.fragment in ids, f"{name}: link {href!r} -> no id {parts.fragment!r}"


def test_home_has_three_doors_and_the_promise(site):
    page = parsed("index.html")
    html = (site / "index.html").read_text(encoding="utf-8")
    doors = re.findall(r'<a class="guide-door" href="([^"]+)"', html)
    assert doors == ["query.html", "download.html", "checker/index.html"]
    for title in ("查询证书", "下载电子证书", "核验证书"):
        assert title in page.text
    assert "不会离开这台电脑" in page.text


SEARCH_WORDS = ("验证码", "渝快办", "数字签名", "延续注册", "资格证书", "挂证", "项目负责人", "法律效力")


@pytest.mark.parametrize("word", SEARCH_WORDS)
def test_search_index_keeps_the_word_whole_inside_sentences(site, word):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    sep = re.compile(index["config"]["separator"])
    hits = []
    for doc in index["docs"]:
        text = re.sub(r"<[^>]+>", " ", doc["text"])
        for sentence in re.split(r"[。！？；\n]", text):
            tokens = [t for t in sep.split(sentence) if t]
            if word not in tokens:
                continue
            # inside a sentence: the word is a token of its own among at least three other words
            others = [t for t in tokens if t != word and re.search(r"[\u4e00-\u9fff]", t)]
            if len(others) >= 3:
                hits.append(doc["location"])
    guide_hits = [h for h in hits if not h.startswith("checker/")]
    assert len(guide_hits) >= 2, f"{word}: found as a whole token inside sentences only at {hits}"


@pytest.mark.parametrize("name", GUIDE_PAGES)
def test_no_guide_page_loads_the_python_runtime(site, name):
    page = parsed(name)
    html = (site / name).read_text(encoding="utf-8")
    for src in page.scripts:
        assert not re.search(r"pyodide|\.wasm|runtime/(?!iframe-worker/)|assets/checker/", src), f"{name} loads {src}"
    assert "loadPyodide" not in html
    assert not re.search(r'<link[^>]+href="[^"]*\.(wasm|mjs)"', html), f"{name} preloads runtime files"


@pytest.mark.parametrize("name", GUIDE_PAGES)
def test_headings_and_image_alt_text(site, name):
    page = parsed(name)
    levels = [level for level, _, _ in page.headings]
    assert levels.count(1) == 1 and levels[0] == 1, f"{name}: needs exactly one h1, first"
    for prev, cur in zip(levels, levels[1:]):
        assert cur <= prev + 1, f"{name}: heading level jumps from h{prev} to h{cur}"
    for level, text, anchor in page.headings[1:]:
        # stable, readable anchors (Chinese headings would otherwise get ids like "_3")
        assert anchor and re.fullmatch(r"[a-z][a-z0-9-]*", anchor), f"{name}: heading {text!r} has id {anchor!r}"
    for img in page.imgs:
        assert (img.get("alt") or "").strip(), f"{name}: image without alt text: {img.get('src')}"


def test_sample_pictures_are_marked_as_samples():
    for svg in sorted((DOCS / "images").glob("*.svg")):
        text = svg.read_text(encoding="utf-8")
        assert text.count("示例") >= 3, svg.name
        assert "<title" in text, svg.name
        assert not re.search(r"(href|src)=\"https?://", text), svg.name


def test_official_hosts_table_comes_from_the_shared_data_file(site):
    page = parsed("channels.html")
    for host in official_hosts():
        assert host in page.text
    assert "占位清单" not in page.text


def test_training_qr_codes_point_to_site_url(site):
    html = (site / "handout.html").read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="guide-qr">(.*?)</figure>', html, flags=re.S)
    assert len(figures) == 3
    targets = [re.search(r"<code>([^<]+)</code>", f).group(1) for f in figures]
    assert targets == [TEST_SITE_URL, TEST_SITE_URL + "checker/index.html", TEST_SITE_URL + "faq.html"]
    for fig in figures:
        assert "<svg" in fig and 'role="img"' in fig and "aria-label=" in fig


@pytest.mark.parametrize("name", GUIDE_PAGES)
def test_no_markdown_syntax_leaks_into_the_page(site, name):
    text = parsed(name).text
    for leak in ("{#", "{ .", "**", "](", "\n### ", "\n## ", "!!! "):
        assert leak not in text, f"{name}: unrendered Markdown {leak!r} in the page text"


def test_every_anchor_the_checker_ui_links_to_exists(site):
    """docs/assets/checker/render.mjs links results to verify.html#<anchor>; those must exist."""
    render = (DOCS / "assets" / "checker" / "render.mjs").read_text(encoding="utf-8")
    anchors = set(re.findall(r'anchor:\s*"([a-z0-9-]+)"', render))
    anchors |= set(re.findall(r'"(verdict-[a-z]+)"', render))
    assert {"verdict-pass", "verdict-warn", "verdict-fail", "verdict-error"} <= anchors, anchors
    missing = anchors - parsed("verify.html").ids
    assert not missing, f"verify.html lacks anchors the checker links to: {sorted(missing)}"


def test_build_reports_no_broken_link_or_anchor(site):
    """MkDocs' own link validation (what --strict would stop on) for the guide's pages."""
    log = built_site.log  # type: ignore[attr-defined]
    bad = [line for line in log.splitlines()
           if "WARNING" in line and ("Doc file" in line or "anchor" in line or "guide" in line)]
    assert not bad, "\n".join(bad)


# ---- the guide's facts: sourced, marked once, consistent with the checker -------------------

def guide_text() -> dict[str, str]:
    return {name: parsed(name).text for name in GUIDE_PAGES}


def test_one_banner_says_official_publications_prevail(site):
    # "以官方公布为准" once (the home page's banner), not as a hedge on every page.
    hits = {name: text.count("以官方公布为准") for name, text in guide_text().items()}
    assert sum(hits.values()) == 2 and hits["index.html"] == 2, hits  # banner title + its sentence


def test_every_unverified_mark_is_listed_in_one_place(site):
    texts = guide_text()
    marked = sorted(name for name, text in texts.items() if "（未核实）" in text)
    assert marked, "no page marks an unverified claim: the marks or the list went missing"
    listed = parsed("notes.html")
    assert {"sources", "unverified"} <= listed.ids
    html = (site / "notes.html").read_text(encoding="utf-8")
    section = html[html.index('id="unverified"'):]
    section = section[: section.index('<div class="footnote">')] if '<div class="footnote">' in section else section
    links = set(re.findall(r'href="([a-z]+\.html)[#"]', section))
    for name in marked:
        if name not in ("notes.html", "index.html"):  # the list itself; the banner explaining the mark
            assert name in links, f"{name} marks a claim （未核实） that notes.html#unverified does not list"


def test_facts_cite_their_sources(site):
    # Pages that state rules carry footnotes, and every footnote names its source (依据/例如).
    for name in ("channels.html", "query.html", "download.html", "usage.html", "glossary.html", "notes.html"):
        html = (site / name).read_text(encoding="utf-8")
        notes = re.findall(r'<li id="fn:[^"]+">(.*?)</li>', html, flags=re.S)
        assert notes, f"{name} cites no source"
        for note in notes:
            text = re.sub(r"<[^>]+>", "", note).strip()
            assert text.startswith(("依据", "例如")) and "《" in text, f"{name}: footnote without a source: {text[:80]}"
    cited = " ".join(guide_text().values())
    for source in ("国务院令第716号", "建设部令第153号", "建市〔2007〕101号", "建市〔2007〕171号",
                   "注册建造师执业管理办法", "12345"):
        assert source in cited, source


def test_legal_status_and_two_employers_are_stated_with_their_rules(site):
    download = parsed("download.html").text
    assert "电子证照与纸质证照具有同等法律效力" in download and "第十条" in download
    faq = parsed("faq.html").text
    answer = faq[faq.index("一个人能不能同时注册在两家企业"):][:200]
    assert "不能" in answer and "一般不能" not in answer and "第十五条" in answer


def test_sample_registration_numbers_are_level_two(site):
    # 注册编号: province character, then the level (1 = 一级, 2 = 二级).  Our 二级 samples read as 二级.
    import make_samples

    sources = [DOCS / "query.md", *sorted((DOCS / "images").glob("*.svg")), ROOT / "scripts" / "make_guide_images.py"]
    numbers = set()
    for path in sources:
        numbers |= set(re.findall(r"渝\d{12}", path.read_text(encoding="utf-8")))
    numbers.add(make_samples.Cert().reg_number)
    assert numbers and all(n[1] == "2" for n in numbers), numbers
    assert "注册编号怎么读" in parsed("query.html").text


def test_qr_advice_matches_the_checker_policy(site):
    verify = parsed("verify.html").text
    qr = verify[verify.index("扫描二维码并检查网址"):verify.index("用本站核验页面检查")]
    assert "不通过" in qr and "注意" in qr  # look-alike = fail, unlisted = warn
    assert "不在清单中，就不要相信" not in verify
    for name, text in guide_text().items():
        assert ".gov.cn 结尾" not in text and ".gov.cn` 结尾" not in text, name


def test_faq_answers_are_short_and_link_to_the_page_that_explains(site):
    html = (site / "faq.html").read_text(encoding="utf-8")
    for level, title, anchor in parsed("faq.html").headings:
        if level != 3:
            continue
        start = html.index(f'id="{anchor}"')
        nxt = re.search(r"<h[1-3][ >]|</article>", html[start + 10:])
        assert nxt, anchor
        chunk = html[start:start + 10 + nxt.start()].split("</h3>", 1)[1]
        answer = re.sub(r"<[^>]+>", "", chunk).strip()
        assert len(answer) <= 260, f"answer to {title!r} is {len(answer)} characters: keep it short"
        assert re.search(r'<a href="(?!#fn)[^"#]*\.html|<a href="#[a-z]', chunk), f"answer to {title!r} links nowhere"
