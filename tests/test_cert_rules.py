"""Rules on the certificate: GB 11643 ID numbers, 注册编号 shapes, validity periods,
signer vs printed issuer, recognition, QR presence and QR ↔ print cross-checks."""
import datetime as dt

import pytest

from checker import Options, QrInput
from checker._cert import certificate_checks
from checker._cert.idcard import check_char, parse_id
from checker._context import Context, EngineOutput
from checker.result import SignatureReport

TODAY = dt.date(2026, 11, 23)


def make_id(region, birth, seq):
    return region + birth + seq + check_char(region + birth + seq)


ID_M = make_id("500113", "19880615", "999")  # male, born 1988-06-15 (fictitious)


def cert_text(**kw):
    v = dict(
        name="张明远", gender="男", birth="1988年06月15日", id=ID_M, reg="渝250012345678",
        employer="重庆示例建设工程有限公司", spec="建筑工程", until="2028年03月31日",
        use="2026年10月01日至2027年03月31日", issuer="重庆市住房和城乡建设委员会", issued="2026年10月01日",
    )
    v.update(kw)
    lines = ["中华人民共和国二级建造师注册证书"]
    for label, key in [("姓名", "name"), ("性别", "gender"), ("出生日期", "birth"), ("身份证号", "id"),
                       ("注册编号", "reg"), ("聘用企业", "employer")]:
        if v[key] is not None:
            lines.append(f"{label}：{v[key]}")
    if v["spec"] is not None:
        lines.append(f"注册专业：{v['spec']}  有效期：{v['until']}")
    if v["use"] is not None:
        lines.append(f"使用有效期：{v['use']}")
    if v["issuer"] is not None:
        lines.append(f"发证机关：{v['issuer']}")
    lines.append(f"发证日期：{v['issued']}")
    return "\n".join(lines)


def run(text, qr=("https://zfcxjw.cq.gov.cn/zsyz",), sigs=(), signer_names=(), today=TODAY, decoder=None, engine_qr=(),
        trust_demo=False):
    opts = Options(today=today, qr_texts=None if qr is None else tuple(QrInput(t, "page 1") for t in qr), qr_decoder=decoder,
                   trust_demo=trust_demo)
    ctx = Context(options=opts)
    out = EngineOutput(text=text, signatures=list(sigs), signer_names=list(signer_names), qr=list(engine_qr))
    certificate_checks(b"%PDF-1.7", "pdf", out, ctx)
    return ctx


def codes(ctx):
    return {f.code: f.severity for f in ctx.findings}


def sig(signer, intact=True, kind="pdf-signature"):
    return SignatureReport(index=1, kind=kind, intact=intact, trusted=True, algorithm="SM2-SM3", signer=signer,
                           covers_whole_file=True)


# ---- GB 11643 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,birth,gender",
    [
        ("11010519491231002X", dt.date(1949, 12, 31), "女"),  # example from GB 11643-1999
        ("440524188001010014", dt.date(1880, 1, 1), None),  # ditto; year < 1900 is refused below
        (ID_M, dt.date(1988, 6, 15), "男"),
    ],
)
def test_id_check_digit_examples(value, birth, gender):
    assert check_char(value[:17]) == value[17]
    info = parse_id(value, TODAY)
    if birth.year >= 1900:
        assert info.problem is None and info.expected_check is None
        assert info.birth == birth and info.gender == gender
    else:
        assert info.problem == "birth"


@pytest.mark.parametrize(
    "value,problem",
    [
        ("11010519491231002", "length"),
        ("1101051949123100ZX", "length"),
        ("991105194912310021", "region"),  # no province 99
        ("110105194913310025", "birth"),  # month 13
        ("110105194902300024", "birth"),  # 30 February
        ("110105203001010017", "future"),  # born after the reference date
    ],
)
def test_id_invalid_shapes(value, problem):
    assert parse_id(value, TODAY).problem == problem


def test_id_wrong_check_digit():
    bad = ID_M[:17] + ("0" if ID_M[17] != "0" else "1")
    info = parse_id(bad, TODAY)
    assert info.expected_check == ID_M[17]


def test_old_15_digit_id():
    info = parse_id("110105491231002", TODAY)
    assert info.birth == dt.date(1949, 12, 31) and info.gender == "女"


def test_masked_id_keeps_visible_parts():
    info = parse_id("500113********9993", TODAY)
    assert info.masked and info.gender == "男" and info.birth is None and info.birth_partial == "********"
    info = parse_id("5001131988******1X", TODAY)
    assert info.birth_partial == "1988****"


# ---- whole rules through certificate_checks --------------------------------------------------


def test_consistent_certificate_has_no_objection():
    ctx = run(cert_text())
    bad = {c: s for c, s in codes(ctx).items() if s in ("warn", "fail")}
    assert bad == {}
    assert dict(ctx.fields)["reg_number"] == "渝250012345678"
    assert ctx.qr_reports[0].official and ctx.qr_reports[0].status == "info"


def test_id_checksum_fails():
    bad = ID_M[:17] + ("0" if ID_M[17] != "0" else "1")
    assert codes(run(cert_text(id=bad)))["FIELD_ID_CHECKSUM"] == "fail"


def test_id_birth_mismatch_fails():
    c = codes(run(cert_text(id=make_id("500113", "19890615", "999"))))
    assert c["FIELD_ID_BIRTH_MISMATCH"] == "fail"


def test_id_gender_mismatch_fails():
    c = codes(run(cert_text(gender="女")))
    assert c["FIELD_ID_GENDER_MISMATCH"] == "fail"


def test_invalid_id_fails():
    assert codes(run(cert_text(id="500113198813159990")))["FIELD_ID_INVALID"] == "fail"


def test_masked_id_mismatch_on_visible_digits():
    c = codes(run(cert_text(id="5001131987******9X")))
    assert c["FIELD_ID_MASKED"] == "info" and c["FIELD_ID_BIRTH_MISMATCH"] == "fail"
    c = codes(run(cert_text(id="5001131988******93")))
    assert "FIELD_ID_BIRTH_MISMATCH" not in c


@pytest.mark.parametrize("reg", ["渝250012345678", "滇229151637477", "京2112014201653442", "渝250012345678(临)"])
def test_known_registration_shapes(reg):
    c = codes(run(cert_text(reg=reg)))
    assert "FIELD_REGNO_SHAPE" not in c
    assert ("FIELD_REGNO_TEMPORARY" in c) == reg.endswith("(临)")


@pytest.mark.parametrize("reg", ["渝2500123456", "CQ250012345678", "渝2500-1234-5678X", "R2025000123"])
def test_unknown_registration_shape_warns_never_fails(reg):
    c = codes(run(cert_text(reg=reg)))
    assert c.get("FIELD_REGNO_SHAPE") == "warn"
    assert "fail" not in c.values()


def test_expired_periods_warn_with_date():
    ctx = run(cert_text(until="2026年03月31日", use="2025年10月01日至2026年03月31日"))
    f = {x.code: x for x in ctx.findings}
    assert f["FIELD_SPECIALTY_EXPIRED"].severity == "warn" and "2026-03-31" in f["FIELD_SPECIALTY_EXPIRED"].message
    assert f["FIELD_USE_EXPIRED"].severity == "warn" and "2026-03-31" in f["FIELD_USE_EXPIRED"].message


def test_expiring_within_90_days_is_info_and_today_is_testable():
    c = codes(run(cert_text(use="2026年10月01日至2027年01月31日")))
    assert c["FIELD_EXPIRING_SOON"] == "info"
    c = codes(run(cert_text(use="2026年10月01日至2027年01月31日"), today=dt.date(2026, 10, 1)))
    assert "FIELD_EXPIRING_SOON" not in c
    c = codes(run(cert_text(use="2026年10月01日至2027年01月31日"), today=dt.date(2027, 2, 1)))
    assert c["FIELD_USE_EXPIRED"] == "warn"


def test_several_specialties_each_judged():
    text = cert_text(spec=None) + "\n注册专业  有效期\n建筑工程 2028-03-31\n市政公用工程 2026-01-31"
    ctx = run(text)
    f = [x for x in ctx.findings if x.code == "FIELD_SPECIALTY_EXPIRED"]
    assert len(f) == 1 and "市政公用工程" in f[0].message


def test_issue_date_in_future_warns():
    assert codes(run(cert_text(issued="2027年01月01日")))["FIELD_ISSUE_DATE_FUTURE"] == "warn"


def test_impossible_printed_date_warns():
    assert codes(run(cert_text(birth="1988年02月30日")))["FIELD_DATE_INVALID"] == "warn"


def test_not_a_certificate_warns_not_fails():
    c = codes(run("增值税电子普通发票\n发票代码：050001900111\n金额：100.00", qr=("https://inv-veri.chinatax.gov.cn/",)))
    assert c["FIELD_NOT_CERTIFICATE"] == "warn"
    assert "fail" not in c.values()
    assert "QR_NONE" not in c


def test_no_text_layer_warns():
    c = codes(run("   \n", qr=()))
    assert c["FIELD_NO_TEXT"] == "warn" and "QR_NONE" not in c


def test_certificate_without_qr_warns():
    assert codes(run(cert_text(), qr=()))["QR_NONE"] == "warn"


def test_no_decoder_means_not_checked():
    c = codes(run(cert_text(), qr=None))
    assert c["QR_NOT_CHECKED"] == "info" and "QR_NONE" not in c


def test_engine_qr_is_used_even_without_decoder():
    ctx = run(cert_text(), qr=None, engine_qr=[QrInput("https://evil.example.com/", "Doc_0/Res/qr.png")])
    assert codes(ctx)["QR_HOST_UNOFFICIAL"] == "warn"
    assert ctx.qr_reports[0].source == "Doc_0/Res/qr.png"


class _Decoder:
    def __init__(self, result=None, exc=None):
        self.result, self.exc, self.calls = result or [], exc, []

    def decode_pdf(self, data, max_pages):
        self.calls.append(("pdf", max_pages))
        if self.exc:
            raise self.exc
        return self.result

    def decode_image(self, data, source):
        self.calls.append(("image", source))
        return self.result


def test_decoder_used_only_without_browser_texts():
    d = _Decoder([QrInput("https://zfcxjw.cq.gov.cn/x", "page 1", (0.7, 0.6, 0.1, 0.1))])
    ctx = run(cert_text(), qr=None, decoder=d)
    assert d.calls == [("pdf", 10)]
    assert ctx.qr_reports[0].box == (0.7, 0.6, 0.1, 0.1)
    d2 = _Decoder([QrInput("https://evil.com/")])
    ctx = run(cert_text(), qr=("https://zfcxjw.cq.gov.cn/x",), decoder=d2)
    assert d2.calls == [] and codes(ctx)["QR_OFFICIAL"] == "info"


def test_decoder_crash_is_reported_not_raised():
    ctx = run(cert_text(), qr=None, decoder=_Decoder(exc=RuntimeError("boom")))
    c = codes(ctx)
    assert c["QR_DECODE_FAILED"] == "info" and "QR_NOT_CHECKED" not in c and "QR_NONE" not in c


def test_too_many_qr_codes_bounded():
    ctx = run(cert_text(), qr=tuple(f"https://zfcxjw.cq.gov.cn/{i}" for i in range(40)))
    assert codes(ctx)["QR_TOO_MANY"] == "warn" and len(ctx.qr_reports) == 32


# ---- QR ↔ print ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://zfcxjw.cq.gov.cn/zsyz?regNo=%E6%B8%9D250012345678",
        "https://zfcxjw.cq.gov.cn/zsyz?zch=250012345678",  # without the province character
        "https://zfcxjw.cq.gov.cn/zsyz/渝250012345678",
        "https://zfcxjw.cq.gov.cn/#/verify?regNo=渝250012345678&name=张明远",
    ],
)
def test_qr_matches_print(url):
    c = codes(run(cert_text(), qr=(url,)))
    assert c["QR_MATCHES_PRINTED"] == "info"
    assert "QR_REGNO_MISMATCH" not in c and "QR_NAME_MISMATCH" not in c


@pytest.mark.parametrize(
    "url,code",
    [
        ("https://zfcxjw.cq.gov.cn/zsyz?regNo=%E6%B8%9D250087654321", "QR_REGNO_MISMATCH"),
        ("https://zfcxjw.cq.gov.cn/zsyz?regNo=%E5%B7%9D250012345678", "QR_REGNO_MISMATCH"),  # 川 instead of 渝
        ("https://zfcxjw.cq.gov.cn/zsyz?zch=250087654321", "QR_REGNO_MISMATCH"),
        ("https://zfcxjw.cq.gov.cn/zsyz?xm=%E6%9D%8E%E5%9B%9B", "QR_NAME_MISMATCH"),
        ("https://zfcxjw.cq.gov.cn/cert/渝250087654321/view", "QR_REGNO_MISMATCH"),
        ("姓名:李四;注册编号:渝250012345678", "QR_NAME_MISMATCH"),
        ("注册编号：渝250087654321", "QR_REGNO_MISMATCH"),
    ],
)
def test_qr_contradicting_print_fails(url, code):
    assert codes(run(cert_text(), qr=(url,)))[code] == "fail"


# ---- signer vs printed issuer ------------------------------------------------------------------


@pytest.mark.parametrize(
    "signer",
    [
        "CN=重庆市住房和城乡建设委员会, O=重庆市住房和城乡建设委员会, C=CN",
        "CN=重庆市住房和城乡建设委员会电子印章",
        "O=中华人民共和国住房和城乡建设部, CN=电子证照签章",
        "CN=CHONGQING MUNICIPAL COMMISSION OF HOUSING AND URBAN-RURAL DEVELOPMENT, C=CN",
    ],
)
def test_signer_is_issuer_or_known_body(signer):
    c = codes(run(cert_text(), sigs=[sig(signer)]))
    assert c["CERT_SIGNER_MATCHES_ISSUER"] == "info" and "CERT_SIGNER_NOT_ISSUER" not in c


def test_signer_matching_printed_issuer_only_is_not_enough():
    # A forger buys a real certificate for their own company and prints that company as
    # 发证机关: signer == printed issuer, chain trusted.  That must not support `pass`.
    c = codes(run(cert_text(issuer="重庆某某科技有限公司"),
                  sigs=[sig("CN=重庆某某科技有限公司, O=重庆某某科技有限公司, C=CN")]))
    assert c["CERT_ISSUER_UNKNOWN"] == "warn"
    assert "CERT_SIGNER_MATCHES_ISSUER" not in c


def test_demo_issuer_known_only_with_explicit_demo_trust():
    text = cert_text(issuer="示例 重庆市某发证机关 (DEMO)")
    signer = "CN=示例 发证机关 (DEMO), O=示例 重庆市某发证机关 (DEMO), C=CN"
    assert codes(run(text, sigs=[sig(signer)]))["CERT_ISSUER_UNKNOWN"] == "warn"
    c = codes(run(text, sigs=[sig(signer)], trust_demo=True))
    assert c["CERT_SIGNER_MATCHES_ISSUER"] == "info" and "CERT_ISSUER_UNKNOWN" not in c


@pytest.mark.parametrize("signer", ["CN=张三", "CN=重庆某某科技有限公司, O=重庆某某科技有限公司", "CN=Foxit Demo Signer"])
def test_other_signer_warns(signer):
    ctx = run(cert_text(), sigs=[sig(signer)])
    f = {x.code: x for x in ctx.findings}
    assert f["CERT_SIGNER_NOT_ISSUER"].severity == "warn"
    assert "重庆市住房和城乡建设委员会" in f["CERT_SIGNER_NOT_ISSUER"].message


def test_timestamps_and_broken_signatures_are_not_signers():
    c = codes(run(cert_text(), sigs=[sig("CN=TSA", kind="pdf-timestamp"), sig("CN=张三", intact=False)]))
    assert "CERT_SIGNER_NOT_ISSUER" not in c


def test_signer_names_used_when_no_reports():
    c = codes(run(cert_text(), signer_names=["重庆某某科技有限公司"]))
    assert c["CERT_SIGNER_NOT_ISSUER"] == "warn"


def test_core_never_imports_the_native_decoder():
    import subprocess
    import sys

    code = ("import sys, checker; from checker import check_bytes, Options, QrInput; "
            "check_bytes(b'%PDF-1.7\\n%%EOF', 'x.pdf', Options(qr_texts=(QrInput('https://zfcxjw.cq.gov.cn/'),))); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('pypdfium2', 'pypdfium2_raw', 'zxingcpp', 'PIL', 'ctypes') "
            "or m.startswith('checker.cli')]; "
            "print(bad); sys.exit(1 if bad else 0)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr


def test_standalone_registration_validity_expired():
    text = cert_text(spec=None) + "\n有效期：2023年01月01日至2026年01月01日"
    ctx = run(text)
    f = {x.code: x for x in ctx.findings}
    assert f["FIELD_REG_EXPIRED"].severity == "warn" and "2026-01-01" in f["FIELD_REG_EXPIRED"].message


def test_hostile_text_respects_the_time_budget():
    from checker.errors import TimeLimitExceeded
    from checker.limits import Limits

    opts = Options(today=TODAY, qr_texts=(), limits=Limits(max_seconds=0.0))
    ctx = Context(options=opts)
    out = EngineOutput(text="姓名：张三\n" * 5000)
    with pytest.raises(TimeLimitExceeded):
        certificate_checks(b"", "pdf", out, ctx)


def test_regno_comparison_rules():
    from checker._cert.qr import regno_equal

    assert regno_equal("渝250012345678", "250012345678")
    assert regno_equal("渝250012345678(临)", "渝250012345678")
    assert not regno_equal("渝250012345678", "川250012345678")
    assert not regno_equal("渝250012345678", "渝250012345679")
    assert regno_equal("CQ250012345678", "渝250012345678")  # odd printed shape: digits decide
    assert not regno_equal("CQ250012345678", "渝250012345600")


@pytest.mark.parametrize("url,expect", [
    ("https://zfcxjw.cq.gov.cn/v?name=%E5%BC%A0*%E8%BF%9C", "QR_MATCHES_PRINTED"),  # 张*远 (masked)
    ("https://zfcxjw.cq.gov.cn/v?name=%E6%9D%8E*%E8%BF%9C", "QR_NAME_MISMATCH"),  # 李*远
    ("https://zfcxjw.cq.gov.cn/v?name=Zhang%20Mingyuan", None),  # pinyin: not comparable
])
def test_masked_and_pinyin_names_in_qr(url, expect):
    c = codes(run(cert_text(), qr=(url,)))
    if expect is None:
        assert "QR_NAME_MISMATCH" not in c and "QR_MATCHES_PRINTED" not in c
    else:
        assert expect in c
