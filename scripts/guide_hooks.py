"""MkDocs hook for the guide pages (owner: guide).

Two build-time substitutions, both driven by data so the guide never drifts from the checker:

``<!-- guide:official-hosts -->``
    becomes a Markdown table of the official hosts read from ``checker/data/official_hosts.json``
    (the same list the checker uses to judge a certificate's QR code).  Until that file exists a
    clearly labelled placeholder list is shown and a warning is logged.

Search: the words in ``scripts/guide_search_words.txt`` are added to jieba's dictionary so the
offline search index keeps them whole (a typed query is not segmented in the browser).

``<!-- guide:training-qr -->``
    becomes QR codes (inline SVG, made with ``qrcode`` at build time; no image files, no network)
    pointing to pages of this site at its intranet address: ``GUIDE_SITE_URL`` from the
    environment, else ``site_url`` from mkdocs.yml.  Without either, a note says how to set it.
"""
from __future__ import annotations

import html
import json
import logging
import os
from pathlib import Path
from urllib.parse import urljoin, urlsplit

log = logging.getLogger("mkdocs.hooks.guide")

ROOT = Path(__file__).resolve().parent.parent
HOSTS_FILE = ROOT / "checker" / "data" / "official_hosts.json"
HOSTS_MARKER = "<!-- guide:official-hosts -->"
QR_MARKER = "<!-- guide:training-qr -->"
SEARCH_WORDS = ROOT / "scripts" / "guide_search_words.txt"

# Shown only while checker/data/official_hosts.json does not exist yet.
PLACEHOLDER_HOSTS = (
    {"host": "zfcxjw.cq.gov.cn", "name": "重庆市住房和城乡建设委员会"},
    {"host": "zwykb.cq.gov.cn", "name": "渝快办（重庆市政务服务平台）"},
    {"host": "jzsc.mohurd.gov.cn", "name": "全国建筑市场监管公共服务平台"},
    {"host": "www.mohurd.gov.cn", "name": "中华人民共和国住房和城乡建设部"},
    {"host": "gjzwfw.www.gov.cn", "name": "国家政务服务平台"},
)

# (label, page source path) of the training QR codes.
QR_TARGETS = (
    ("本站首页", "index.md"),
    ("在线核验", "checker/index.md"),
    ("常见问题", "faq.md"),
)

_NAME_KEYS = ("name_zh", "name", "label_zh", "label", "owner_zh", "owner", "title")
_NOTE_KEYS = ("note_zh", "note", "purpose_zh", "purpose", "description_zh", "description", "use")


def load_hosts(path: Path = HOSTS_FILE) -> tuple[list[dict], bool]:
    """Return ``([{"host", "name", "note", "subdomains"}...], from_file)``.

    Accepts the shapes a small editable JSON list naturally takes: a list of host strings, a list
    of objects with a ``host`` key, or an object holding such a list under ``hosts``.
    """
    if not path.is_file():
        return [dict(h, note="", subdomains=False) for h in PLACEHOLDER_HOSTS], False
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, dict):
        for key in ("hosts", "official_hosts", "items"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            raise ValueError(f"{path}: expected a list of hosts or an object with 'hosts'")
    rows = []
    for item in data:
        if isinstance(item, str):
            rows.append({"host": item, "name": "", "note": "", "subdomains": False})
            continue
        if not isinstance(item, dict):
            raise ValueError(f"{path}: unexpected entry {item!r}")
        host = item.get("host") or item.get("hostname") or item.get("domain")
        if not isinstance(host, str) or not host:
            raise ValueError(f"{path}: entry without a host: {item!r}")
        name = next((item[k] for k in _NAME_KEYS if isinstance(item.get(k), str)), "")
        note = next((item[k] for k in _NOTE_KEYS if isinstance(item.get(k), str)), "")
        subdomains = item.get("include_subdomains") is True
        rows.append({"host": host, "name": name, "note": note, "subdomains": subdomains})
    return rows, True


def hosts_table(rows: list[dict], from_file: bool) -> str:
    """Markdown list of the official hosts (a list reads better than a table on a phone)."""

    def text(value: str) -> str:
        return value.replace("\n", " ").strip()

    lines = ['<div class="official-hosts" markdown>', ""]
    for r in rows:
        item = f"- **`{text(r['host'])}`**"
        if r["subdomains"]:
            item += "（及其下级域名）"
        if r["name"]:
            item += f"：{text(r['name'])}"
        if r["note"]:
            item += f"。{text(r['note']).rstrip('。')}。"
        lines.append(item)
    if not from_file:
        lines += ["", "*（占位清单：共用数据文件 `checker/data/official_hosts.json` 尚未就绪。）*"]
    lines += ["", "</div>"]
    return "\n".join(lines)


def resolve_site_url(config) -> str:
    url = os.environ.get("GUIDE_SITE_URL") or config.get("site_url") or ""
    if url and not url.endswith("/"):
        url += "/"
    return url


def qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=2,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    qr.add_data(data)
    qr.make(fit=True)
    svg = qr.make_image().to_string(encoding="unicode")
    # Inlined into HTML: drop the XML declaration and the fixed id (several codes share a page).
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2 :].lstrip()
    return svg.replace(' id="qr-path"', "")


def training_qr_block(site_url: str, files) -> str:
    if not site_url:
        return (
            '<div class="admonition warning"><p class="admonition-title">尚未设置内网地址</p>'
            "<p>构建时没有设置 <code>site_url</code>（或环境变量 <code>GUIDE_SITE_URL</code>），"
            "因此没有生成二维码。请按“内网部署与培训”页面“准备站点文件”一节的说明设置后重新构建。</p></div>"
        )
    figures = []
    for label, src in QR_TARGETS:
        file = files.get_file_from_path(src) if files is not None else None
        rel = file.url if file is not None else ""
        if rel in ("", "./", "index.html") and src == "index.md":
            rel = ""
        target = urljoin(site_url, rel)
        svg = qr_svg(target)
        alt = f"二维码：{label}，{target}"
        svg = svg.replace("<svg ", f'<svg role="img" aria-label="{html.escape(alt)}" ', 1)
        figures.append(
            '<figure class="guide-qr">'
            f"{svg}"
            f'<figcaption><strong>{html.escape(label)}</strong><br>'
            f"<code>{html.escape(target)}</code></figcaption></figure>"
        )
    return '<div class="guide-qr-grid">' + "".join(figures) + "</div>"


def search_words(path: Path = SEARCH_WORDS) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [w.strip() for w in lines if w.strip() and not w.lstrip().startswith("#")]


def register_search_words() -> int:
    """Teach jieba (used by Material's search plugin in this process) our whole words."""
    try:
        import jieba
    except ImportError:  # the search plugin then indexes without segmentation anyway
        log.warning("guide: jieba not importable; Chinese search will not segment words")
        return 0
    words = search_words()
    for word in words:
        jieba.add_word(word)
    return len(words)


def on_config(config, **kw):
    count = register_search_words()
    log.info("guide: %d search words added to jieba", count)
    url = resolve_site_url(config)
    if url and urlsplit(url).scheme not in ("http", "https"):
        log.warning("guide: site address %r is not http(s); QR codes may not open", url)
    return config


def on_page_markdown(markdown: str, page, config, files, **kw) -> str:
    if HOSTS_MARKER in markdown:
        rows, from_file = load_hosts()
        if not from_file:
            log.warning("guide: %s missing; official-hosts table uses the placeholder list", HOSTS_FILE)
        markdown = markdown.replace(HOSTS_MARKER, hosts_table(rows, from_file))
    if QR_MARKER in markdown:
        site_url = resolve_site_url(config)
        if not site_url:
            log.info("guide: no site_url / GUIDE_SITE_URL: training QR codes not generated")
        markdown = markdown.replace(QR_MARKER, training_qr_block(site_url, files))
    return markdown
