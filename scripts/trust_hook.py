"""MkDocs hook: root certificates the site's administrator adds to the built site.

``make build TRUST_DIR=/path/to/roots`` passes the directory as ``CHECKER_TRUST_DIR``.  Every
``*.pem``, ``*.crt``, ``*.cer`` or ``*.der`` file in it (PEM, several PEM blocks allowed, or DER)
is read by the checker's own code (:func:`checker._crypto.trust.examine_root`): a file that is
not a CA certificate valid today stops the build with the reason, so a site never ships a root
nobody could use.  The accepted roots go into

* ``checker/site-roots.json`` (always written; an empty list without ``TRUST_DIR``): subject,
  issuer, validity, SHA-256 fingerprint and the DER (base64) of each root.  The checker's worker
  reads it at start-up and trusts those roots with origin ``site`` in every check;
* the checker page, where ``<!-- checker:site-roots -->`` becomes the list "本站额外信任的根证书"
  with the fingerprints (nothing without ``TRUST_DIR``).
"""
from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

log = logging.getLogger("mkdocs.hooks.trust")

ENV = "CHECKER_TRUST_DIR"
SITE_ROOTS = "checker/site-roots.json"
MARKER = "<!-- checker:site-roots -->"
SUFFIXES = (".pem", ".crt", ".cer", ".der")

_roots: list[dict] = []


def read_roots(directory: Path, today: dt.date | None = None) -> list[dict]:
    """The roots of ``directory`` as JSON-ready dicts (sorted by file, duplicates once).

    Raises ValueError naming the file and the reason (zh / en) for anything not usable."""
    from checker import Limits
    from checker._crypto import CryptoError
    from checker._crypto.trust import RootRefused, examine_root
    from checker._crypto.x509 import load_certificates
    from checker.messages import lookup, render

    if not directory.is_dir():
        raise ValueError(f"TRUST_DIR {directory} is not a directory")
    limit = Limits().max_trust_root_bytes
    today = today or dt.date.today()
    roots: dict[str, dict] = {}
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        if path.suffix.lower() not in SUFFIXES:
            log.warning("trust hook: %s ignored (not .pem/.crt/.cer/.der)", path)
            continue
        try:
            size = path.stat().st_size
            if size > limit:
                raise RootRefused("TRUST_ROOT_TOO_LARGE", size=size, limit=limit)
            data = path.read_bytes()
            try:
                parts = [c.dump() for c in load_certificates(data)]  # a PEM file may hold several
            except CryptoError:
                parts = [data]  # examine_root says what it is instead
            for der in parts:
                candidate = examine_root(der, today, max_bytes=limit)
                roots.setdefault(candidate.sha256, {**candidate.to_dict(), "file": path.name})
        except RootRefused as exc:
            msg = lookup(exc.code)
            raise ValueError(f"{path}: {render(msg.zh, exc.params)} / {render(msg.en, exc.params)}") from None
    return list(roots.values())


def site_roots_json(roots: list[dict]) -> str:
    return json.dumps({
        "format": 1,
        "description": "Root certificates this site's administrator added at build time (make build TRUST_DIR=...). "
                       "The checker trusts them in every check, as origin 'site'.",
        "roots": roots,
    }, ensure_ascii=False, indent=2) + "\n"


def roots_html(roots: list[dict]) -> str:
    """The checker page's list of the site's extra roots ('' when there are none)."""
    if not roots:
        return ""
    rows = []
    for r in roots:
        fp = " ".join(r["sha256"][i:i + 4] for i in range(0, 64, 4)).upper()
        kind = "根证书（自签名）" if r["self_signed"] else f"中级 CA 证书，签发者：{r['issuer']}"
        rows.append(
            f'<li data-sha256="{r["sha256"]}"><strong>{html.escape(r["subject"])}</strong><br>'
            f'<span class="cqc-note">{html.escape(kind)}；有效期 {r["not_before"][:10]} 至 {r["not_after"][:10]}'
            f'；算法 {html.escape(r["algorithm"])}</span><br>'
            f'SHA-256：<code class="cqc-fp">{fp}</code></li>')
    return (
        f'<section class="cqc cqc-site-roots" data-site-roots="{len(roots)}" markdown="0">\n'
        '<h2 id="site-roots">本站额外信任的根证书</h2>\n'
        '<p>本站管理员在构建网站时加入了下列证书。由它们签发的签章与内置根证书一样视为可信，'
        '核验结果中会注明“本站额外信任的根证书”和指纹。如有疑问，请向本站管理员核对这些指纹。</p>\n'
        f'<ul class="cqc-root-list">{"".join(rows)}</ul>\n'
        '</section>\n')


def on_config(config, **kw):
    global _roots
    directory = os.environ.get(ENV, "").strip()
    _roots = []
    if not directory:
        return config
    try:
        _roots = read_roots(Path(directory))
    except ValueError as exc:
        raise PluginError(f"TRUST_DIR: {exc}") from None
    if not _roots:
        raise PluginError(f"TRUST_DIR: no .pem/.crt/.cer/.der certificate in {directory}")
    for r in _roots:
        log.info("trust hook: site root %s  SHA-256 %s", r["subject"], r["sha256"])
    return config


def on_files(files: Files, config, **kw) -> Files:
    files.append(File.generated(config, SITE_ROOTS, content=site_roots_json(_roots)))
    return files


def on_page_markdown(markdown: str, page, config, files, **kw) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, roots_html(_roots))
