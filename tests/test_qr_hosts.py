"""QR host judgement: official list on label boundaries, and every look-alike class fails."""
import json
import pathlib

import pytest

from checker._cert.hosts import DATA_FILE, classify_host, official_hosts, parse_host_list
from checker._cert.qr import judge_payload


def judge(url):
    return judge_payload(url)


@pytest.mark.parametrize(
    "url,host",
    [
        ("https://zfcxjw.cq.gov.cn/", "zfcxjw.cq.gov.cn"),
        ("https://zfcxjw.cq.gov.cn/zwfw/jzs?regNo=%E6%B8%9D250012345678", "zfcxjw.cq.gov.cn"),
        ("https://ZFCXJW.CQ.Gov.CN./x", "zfcxjw.cq.gov.cn"),  # case and one trailing dot (FQDN)
        ("https://zfcxjw.cq.gov.cn:443/x", "zfcxjw.cq.gov.cn"),  # explicit default port
        ("https://ywxt.zfcxjw.cq.gov.cn/verify", "ywxt.zfcxjw.cq.gov.cn"),  # subdomain of an include_subdomains entry
        ("https://zwykb.cq.gov.cn/", "zwykb.cq.gov.cn"),
        ("https://www.cq.gov.cn/", "www.cq.gov.cn"),  # other *.cq.gov.cn
        ("https://jzsc.mohurd.gov.cn/data/person", "jzsc.mohurd.gov.cn"),
        ("https://www.mohurd.gov.cn/", "www.mohurd.gov.cn"),
        ("https://gjzwfw.www.gov.cn/", "gjzwfw.www.gov.cn"),
        ("https://ｚｆｃｘｊｗ.cq.gov.cn/", "zfcxjw.cq.gov.cn"),  # full-width letters map (UTS 46) to the same host
    ],
)
def test_official_hosts(url, host):
    j = judge(url)
    assert (j.status, j.code, j.host, j.official, j.is_url) == ("info", "QR_OFFICIAL", host, True, True)


@pytest.mark.parametrize(
    "url,code",
    [
        # official host used as a subdomain of another domain
        ("https://zfcxjw.cq.gov.cn.evil.com/", "QR_OFFICIAL_IN_SUBDOMAIN"),
        ("https://zfcxjw.cq.gov.cn.yanzheng-cx.com/zsyz", "QR_OFFICIAL_IN_SUBDOMAIN"),
        ("https://www.zfcxjw.cq.gov.cn.cn/", "QR_OFFICIAL_IN_SUBDOMAIN"),
        ("https://gjzwfw.www.gov.cn.verify.top/", "QR_OFFICIAL_IN_SUBDOMAIN"),
        ("https://zfcxjw。cq。gov。cn。evil。com/", "QR_OFFICIAL_IN_SUBDOMAIN"),  # ideographic full stops
        # hyphen and typo variants, other TLDs
        ("https://zfcxjw-cq-gov.cn/", "QR_LOOKALIKE_HOST"),
        ("https://zfcxjw.cq-gov.cn/", "QR_LOOKALIKE_HOST"),
        ("https://zfcxjw.cq.gov.com/", "QR_LOOKALIKE_HOST"),
        ("https://zfcxjw.cq.gov.cn.com/", "QR_OFFICIAL_IN_SUBDOMAIN"),
        ("https://zfcxjv.cq.gov.com.cn/", "QR_LOOKALIKE_HOST"),
        ("https://zfcxjw.com/", "QR_LOOKALIKE_HOST"),
        ("https://zfcxwj-cq.net/", "QR_LOOKALIKE_HOST"),
        ("https://cqgov.cn/", "QR_LOOKALIKE_HOST"),
        ("https://jzsc-mohurd.com/", "QR_LOOKALIKE_HOST"),
        ("https://mohurd.gov.cn.cn/", "QR_LOOKALIKE_HOST"),
        # punycode / mixed scripts
        ("https://zfcxjw.сq.gov.cn/", "QR_LOOKALIKE_HOST"),  # Cyrillic с
        ("https://zfcxjw.xn--q-6tb.gov.cn/", "QR_LOOKALIKE_HOST"),  # the same, as punycode
        ("https://zfсxjw.cq.gov.cn/", "QR_LOOKALIKE_HOST"),  # Cyrillic с inside the first label
        ("https://ᴢfcxjw.cq.gov.cn/", "QR_IDN_HOST"),
        ("https://住建委.政务/", "QR_IDN_HOST"),
        ("https://xn--zfcxjw-3ve.cq.gov.cn/", "QR_URL_AMBIGUOUS"),  # non-canonical punycode
        # user-info: the real host is after '@'
        ("https://zfcxjw.cq.gov.cn@evil.com/", "QR_USERINFO"),
        ("https://zfcxjw.cq.gov.cn:443@evil.com/", "QR_USERINFO"),
        ("https://user:pw@zfcxjw.cq.gov.cn/", "QR_USERINFO"),
        # IP literals in every WHATWG form
        ("https://1.2.3.4/", "QR_IP_HOST"),
        ("https://2130706433/", "QR_IP_HOST"),
        ("https://0x7f.0.0.1/", "QR_IP_HOST"),
        ("https://0177.0.0.1/", "QR_IP_HOST"),
        ("https://127.1/", "QR_IP_HOST"),
        ("https://[::1]/", "QR_IP_HOST"),
        ("https://[2001:db8::1]:443/", "QR_IP_HOST"),
        ("1.2.3.4/verify", "QR_IP_HOST"),
        # URL shorteners
        ("https://t.cn/A6abcdE", "QR_SHORTENER"),
        ("http://url.cn/xyz", "QR_SHORTENER"),
        ("https://bit.ly/3abc", "QR_SHORTENER"),
        # parser-confusion tricks
        ("https://zfcxjw.cq.gov.cn\\@evil.com/", "QR_URL_AMBIGUOUS"),
        ("https:\\\\evil.com\\zfcxjw.cq.gov.cn", "QR_URL_AMBIGUOUS"),
        ("https:/zfcxjw.cq.gov.cn/", "QR_URL_AMBIGUOUS"),
        ("https:///evil.com/", "QR_URL_AMBIGUOUS"),
        ("https://zfcxjw.cq.gov.cn%2eevil.com/", "QR_URL_AMBIGUOUS"),
        ("https://zfcxjw.cq.gov.cn\t.evil.com/", "QR_URL_AMBIGUOUS"),
        ("https://zfcxjw.cq.gov.cn:99999/", "QR_URL_AMBIGUOUS"),
        ("https://zfcxjw.cq.gov.cn:44３/", "QR_URL_AMBIGUOUS"),
        ("https://zfcxjw..cq.gov.cn/", "QR_URL_AMBIGUOUS"),
        ("https://zfcxjw_cq.gov.cn.evil/", "QR_URL_AMBIGUOUS"),
        # an official host written after a foreign one, to look official
        ("https://evil.com/zfcxjw.cq.gov.cn", "QR_OFFICIAL_IN_PATH"),
        ("https://example.org/?next=https://zfcxjw.cq.gov.cn", "QR_OFFICIAL_IN_PATH"),
        ("https://example.org/x%2Fzfcxjw.cq.gov.cn/cert", "QR_OFFICIAL_IN_PATH"),
        # dangerous schemes
        ("javascript:alert(document.domain)", "QR_SCHEME_DANGEROUS"),
        ("JavaScript:location='https://evil.com'", "QR_SCHEME_DANGEROUS"),
        ("data:text/html,<script>alert(1)</script>", "QR_SCHEME_DANGEROUS"),
    ],
)
def test_lookalikes_and_tricks_fail(url, code):
    j = judge(url)
    assert j.status == "fail", (url, j)
    assert j.code == code, (url, j)
    assert not j.official


@pytest.mark.parametrize(
    "url,code",
    [
        ("http://zfcxjw.cq.gov.cn/zsyz", "QR_HTTP"),  # official host, unencrypted
        ("zfcxjw.cq.gov.cn/zsyz?regNo=1", "QR_NO_SCHEME"),
        ("https://zfcxjw.cq.gov.cn:8443/zsyz", "QR_PORT"),  # official host, unusual port
        ("https://zfcxjw.cq.gov.cn/redirect?url=https%3A%2F%2Fevil.com%2Fcert", "QR_REDIRECT_PARAM"),  # open redirect
        ("https://zfcxjw.cq.gov.cn/jump?to=//zfcxjw.cq.gov.cn.evil.com/", "QR_REDIRECT_PARAM"),
        ("https://zjt.yn.gov.cn/", "QR_HOST_GOV_UNLISTED"),  # a government host we do not list
        ("https://cx.gov.cn/", "QR_HOST_GOV_UNLISTED"),
        ("https://zfcxjw.cq.gov.cn.gov.cn/", "QR_HOST_GOV_UNLISTED"),  # only a government body can own it
        # hosts we do not list and that imitate none we list: cannot vouch, no evidence of deceit
        ("https://cert-verify.top/", "QR_HOST_UNOFFICIAL"),
        ("https://cert-verify.top/notzfcxjw.cq.gov.cnx", "QR_HOST_UNOFFICIAL"),  # label boundaries
        ("https://www.cqjsxx.com/webcqjg/Index.aspx", "QR_HOST_UNOFFICIAL"),
        ("weixin://dl/business/?t=abc", "QR_SCHEME_UNSUPPORTED"),
        ("ftp://zfcxjw.cq.gov.cn/", "QR_SCHEME_UNSUPPORTED"),
        ("姓名:张明远;注册编号:渝250012345678", "QR_NOT_URL"),
        ("ZS2025-000123", "QR_NOT_URL"),
    ],
)
def test_warnings(url, code):
    j = judge(url)
    assert (j.status, j.code) == ("warn", code), (url, j)


def test_redirect_to_official_host_is_fine():
    assert judge("https://zfcxjw.cq.gov.cn/sso?service=https%3A%2F%2Fzwykb.cq.gov.cn%2Fv").code == "QR_OFFICIAL"


def test_official_flag_only_for_listed_hosts():
    assert judge("http://zfcxjw.cq.gov.cn/").official
    assert not judge("https://zjt.yn.gov.cn/").official
    assert judge("https://zfcxjw.cq.gov.cn.evil.com/").host == "zfcxjw.cq.gov.cn.evil.com"
    assert judge("https://zfcxjw.cq.gov.cn@evil.com/").host == "evil.com"


def test_payload_too_long_is_not_judged_as_url():
    j = judge_payload("https://zfcxjw.cq.gov.cn/?" + "a" * 5000, max_chars=4096)
    assert (j.status, j.code, j.is_url) == ("warn", "QR_PAYLOAD_TOO_LONG", False)


def test_label_boundary_not_substring():
    # "xcq.gov.cn" ends with "cq.gov.cn" but not on a label boundary
    v = classify_host("xcq.gov.cn")
    assert v.official is None and v.code == "QR_HOST_GOV_UNLISTED"
    v = classify_host("evilcq.gov.cn.com")
    assert v.status == "fail"


def test_data_file_schema_is_valid_and_documented():
    doc = json.loads(pathlib.Path(DATA_FILE).read_text(encoding="utf-8"))
    assert doc["schema"] == "official_hosts/1"
    for item in doc["hosts"]:
        assert set(item) == {"host", "name_zh", "note", "include_subdomains"}
        assert item["host"] == item["host"].lower() and item["host"].isascii()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in item["name_zh"])
    hosts = official_hosts()
    assert hosts.match("zfcxjw.cq.gov.cn").name_zh == "重庆市住房和城乡建设委员会"
    assert hosts.match("a.zwykb.cq.gov.cn").host == "cq.gov.cn"  # zwykb has no subdomains; cq.gov.cn does
    assert hosts.match("a.jzsc.mohurd.gov.cn") is None
    assert "t.cn" in hosts.shorteners


def test_edited_list_is_honoured():
    custom = parse_host_list({"hosts": [{"host": "Verify.Example.gov.cn.", "name_zh": "测试", "include_subdomains": False}]})
    assert classify_host("verify.example.gov.cn", custom).code == "QR_OFFICIAL"
    assert classify_host("zfcxjw.cq.gov.cn", custom).code == "QR_HOST_GOV_UNLISTED"
    with pytest.raises(ValueError):
        parse_host_list({"hosts": [{"host": "bad host/", "name_zh": "x"}]})


@pytest.mark.parametrize("text", ["ZS.CQ/2025/0001", "v1.2/abc", "No.12345", "证书编号：ZS2025.001", "Mr.Zhang"])
def test_text_that_only_resembles_a_host_stays_text(text):
    assert judge(text).code == "QR_NOT_URL"


@pytest.mark.parametrize("text,code", [("www.zfcxjw-cq.com/verify", "QR_LOOKALIKE_HOST"), ("evil.top", "QR_HOST_UNOFFICIAL"),
                                       ("10.0.0.1/verify", "QR_IP_HOST")])
def test_schemeless_hosts_are_judged(text, code):
    assert judge(text).code == code


def test_schemeless_host_character_class_is_exactly_ascii_alnum_dash_and_bmp_non_ascii():
    import re

    from checker._cert import qr

    want = re.compile(r"[A-Za-z0-9\-\u0080-\uffff]")
    got = re.compile(qr._LABEL_CH)
    for cp in list(range(0, 0x3000)) + list(range(0xFF00, 0x10100)) + [0x1F600, 0x10FFFF]:
        assert bool(want.fullmatch(chr(cp))) == bool(got.fullmatch(chr(cp))), hex(cp)


def test_unlisted_host_says_what_we_know():
    j = judge("https://verify.cert-example.com.cn/x")
    assert (j.status, j.code) == ("warn", "QR_HOST_UNOFFICIAL")
    assert dict(j.params)["registrable"] == "cert-example.com.cn"
