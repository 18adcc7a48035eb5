"""``make build TRUST_DIR=...``: the site's extra roots go into checker/site-roots.json and onto the
checker page with their fingerprints; unusable files stop the build with the reason; the
Makefile's stamp notices a new, changed or dropped TRUST_DIR.  (The browser side — a site built
with TRUST_DIR passes a file signed under that root — is tests/browser/test_trust_roots.py.)"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import guide_site
import trust_hook
from testkit import pki

ROOT = Path(__file__).resolve().parent.parent


def sha256(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def grouped(fp: str) -> str:
    return " ".join(fp[i:i + 4] for i in range(0, 64, 4)).upper()


def build(site: Path, trust_dir: Path | None) -> subprocess.CompletedProcess:
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    env.pop(trust_hook.ENV, None)
    if trust_dir is not None:
        env[trust_hook.ENV] = str(trust_dir)
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def kits():
    return pki.make_pki("sm2", tag="SITE"), pki.make_pki("rsa", tag="SITE2")


@pytest.fixture(scope="module")
def trust_site(tmp_path_factory, kits):
    sm2, rsa = kits
    roots = tmp_path_factory.mktemp("roots")
    (roots / "sm2-root.pem").write_bytes(sm2.root.pem)
    (roots / "rsa-root.cer").write_bytes(rsa.root.der)  # DER
    (roots / "README.txt").write_text("phone-checked on 2026-11-20\n", encoding="utf-8")  # ignored
    (roots / ".hidden.pem").write_bytes(b"garbage")  # ignored
    site = tmp_path_factory.mktemp("site") / "site"
    proc = build(site, roots)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return site, proc.stdout + proc.stderr


def test_roots_are_written_to_the_site_json(trust_site, kits):
    site, _ = trust_site
    sm2, rsa = kits
    doc = json.loads((site / "checker" / "site-roots.json").read_text(encoding="utf-8"))
    got = {r["sha256"]: r for r in doc["roots"]}
    assert set(got) == {sha256(sm2.root.der), sha256(rsa.root.der)}
    for kit in kits:
        r = got[sha256(kit.root.der)]
        assert base64.b64decode(r["der"]) == kit.root.der
        assert r["self_signed"] and r["subject"].startswith("CN=示例 根证书")
        assert r["not_before"].startswith("2025-01-01") and r["not_after"].startswith("2045-12-31")
    assert got[sha256(rsa.root.der)]["file"] == "rsa-root.cer"
    assert got[sha256(rsa.root.der)]["algorithm"] == "RSA-SHA256"


def test_roots_are_listed_on_the_checker_page_with_fingerprints(trust_site, kits):
    site, log = trust_site
    html = (site / "checker" / "index.html").read_text(encoding="utf-8")
    assert "本站额外信任的根证书" in html and 'data-site-roots="2"' in html
    for kit in kits:
        fp = sha256(kit.root.der)
        assert f'data-sha256="{fp}"' in html and grouped(fp) in html
        assert fp in log  # the build log names every root it compiled in
    assert "README.txt ignored" in log


def test_without_trust_dir_the_site_is_as_before():
    site = guide_site.built_site()
    doc = json.loads((site / "checker" / "site-roots.json").read_text(encoding="utf-8"))
    assert doc["roots"] == []
    html = (site / "checker" / "index.html").read_text(encoding="utf-8")
    assert "本站额外信任的根证书" not in html and "data-site-roots" not in html
    assert "<!-- checker:site-roots -->" not in html


@pytest.mark.parametrize("bad, reason", [
    ("leaf", "终端证书"),
    ("expired", "已于 2020-01-01 过期"),
    ("garbage", "无法读取为证书"),
    ("key", "这不是证书文件"),
])
def test_an_unusable_root_stops_the_build_with_the_reason(tmp_path, kits, bad, reason):
    sm2, _ = kits
    roots = tmp_path / "roots"
    roots.mkdir()
    (roots / "good.pem").write_bytes(sm2.root.pem)
    data = {
        "leaf": lambda: sm2.leaf.pem,
        "expired": lambda: pki.make_cert("示例 过期根 (TEST)", pki.Key.generate("sm2"), None, ca=True,
                                         not_before=dt.datetime(2010, 1, 1, tzinfo=dt.timezone.utc),
                                         not_after=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)).pem,
        "garbage": lambda: os.urandom(600),
        "key": lambda: sm2.root.key.to_pem(),
    }[bad]()
    (roots / f"{bad}.pem").write_bytes(data)
    proc = build(tmp_path / "site", roots)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert f"{bad}.pem" in out and reason in out, out[-2000:]


def test_read_roots_refuses_an_empty_or_missing_directory(tmp_path):
    with pytest.raises(ValueError):
        trust_hook.read_roots(tmp_path / "missing")
    assert trust_hook.read_roots(tmp_path) == []


def test_makefile_stamp_changes_only_when_trust_dir_does(tmp_path, kits):
    """The site depends on .cache/trust-dir.stamp, rewritten only when TRUST_DIR or its files change."""
    cache = tmp_path / "cache"
    stamp = cache / "trust-dir.stamp"
    roots = tmp_path / "roots"
    roots.mkdir()
    (roots / "a.pem").write_bytes(kits[0].root.pem)

    def run(trust_dir: Path | None) -> tuple[str, int]:
        args = ["make", "--no-print-directory", f"CACHE={cache}", str(stamp)]
        if trust_dir is not None:
            args.append(f"TRUST_DIR={trust_dir}")
        subprocess.run(args, cwd=ROOT, check=True, capture_output=True, timeout=120)
        return stamp.read_text(), stamp.stat().st_mtime_ns

    none1 = run(None)
    time.sleep(0.05)
    assert run(None) == none1  # unchanged: not rewritten
    with_dir = run(roots)
    assert with_dir[0] != none1[0] and str(roots) in with_dir[0]
    time.sleep(0.05)
    assert run(roots) == with_dir
    (roots / "b.pem").write_bytes(kits[1].root.pem)  # a root added to the same directory
    added = run(roots)
    assert added[0] != with_dir[0]
    (roots / "b.pem").write_bytes(kits[0].ca.pem)  # a file replaced
    assert run(roots)[0] != added[0]
    assert run(None)[0] == none1[0]  # TRUST_DIR dropped


def test_makefile_passes_trust_dir_to_the_build():
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    rule = text.split("$(SITE)/index.html:", 1)[1].split("\n\n", 1)[0]
    assert "$(STAMP_TRUST)" in rule.splitlines()[0]
    assert f'{trust_hook.ENV}="$(TRUST_DIR)"' in rule
