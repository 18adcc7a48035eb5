"""scripts/guide_hooks.py: official-hosts list from the shared data file, QR codes, search words."""
from __future__ import annotations

import json

import pytest

import guide_hooks


def test_hosts_come_from_the_shared_checker_data_file():
    rows, from_file = guide_hooks.load_hosts()
    data = json.loads(guide_hooks.HOSTS_FILE.read_text(encoding="utf-8"))
    assert from_file
    assert [r["host"] for r in rows] == [h["host"] for h in data["hosts"]]
    assert all(r["name"] for r in rows), "every official host needs a name to show"


def test_missing_data_file_gives_a_labelled_placeholder(tmp_path):
    rows, from_file = guide_hooks.load_hosts(tmp_path / "absent.json")
    assert not from_file and "zfcxjw.cq.gov.cn" in [r["host"] for r in rows]
    assert "占位清单" in guide_hooks.hosts_table(rows, from_file)


@pytest.mark.parametrize("payload", [
    ["a.gov.cn", "b.gov.cn"],
    {"hosts": [{"host": "a.gov.cn", "name_zh": "甲"}, {"host": "b.gov.cn", "include_subdomains": True}]},
])
def test_accepted_shapes_of_the_hosts_file(tmp_path, payload):
    path = tmp_path / "hosts.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    rows, from_file = guide_hooks.load_hosts(path)
    assert from_file and [r["host"] for r in rows] == ["a.gov.cn", "b.gov.cn"]
    md = guide_hooks.hosts_table(rows, from_file)
    assert "- **`a.gov.cn`**" in md and "占位清单" not in md


@pytest.mark.parametrize("payload", [{"nothing": []}, [{"name_zh": "没有主机名"}], [42]])
def test_malformed_hosts_file_fails_the_build_loudly(tmp_path, payload):
    path = tmp_path / "hosts.json"
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError):
        guide_hooks.load_hosts(path)


def test_site_address_from_environment_wins(monkeypatch):
    monkeypatch.setenv("GUIDE_SITE_URL", "http://10.0.0.8/guide")
    assert guide_hooks.resolve_site_url({"site_url": "https://other.example.org/"}) == "http://10.0.0.8/guide/"
    monkeypatch.delenv("GUIDE_SITE_URL")
    assert guide_hooks.resolve_site_url({"site_url": "https://other.example.org/"}) == "https://other.example.org/"
    assert guide_hooks.resolve_site_url({"site_url": None}) == ""


def test_without_site_address_no_qr_code_and_a_note():
    block = guide_hooks.training_qr_block("", None)
    assert "<svg" not in block and "site_url" in block


def test_qr_svg_is_inline_ready():
    svg = guide_hooks.qr_svg("http://10.0.0.8/guide/")
    assert svg.startswith("<svg") and "<?xml" not in svg and 'id="' not in svg


def test_search_words_include_the_required_ones():
    words = guide_hooks.search_words()
    assert {"验证码", "渝快办", "数字签名", "延续注册"} <= set(words)
    assert all(" " not in w and not w.startswith("#") for w in words)
