"""Page text: our content-stream interpreter (checker._pdf.text), checked against pypdf as an oracle.

pypdf stays installed as a dev/runtime dependency and is the independent reference here: for every
PDF both can read, the multiset of non-white-space characters must be the same (white space and
line breaks are layout decisions and may differ).  pypdf is only a *fallback* of the checker, used
for what our interpreter does not cover; the normal path must not even import it.
"""
from __future__ import annotations

import collections
import io
import json
import logging
import os
import pathlib
import subprocess
import sys
import warnings
import zlib

import pytest

from cert_samples_util import sample_dir
from checker import Limits, Options, check_bytes
from checker._cert.fields import extract_fields
from checker._context import Context
from checker._pdf import text as T
from checker._pdf.content import parse_ops
from checker._pdf.document import PdfFile
from checker._pdf.fonts import ToUnicode, glyph_unicode
from checker.errors import CheckerError, LimitExceeded
from testkit import pdfsign as ps

ROOT = pathlib.Path(__file__).resolve().parents[1]
PYHANKO = ROOT / "tests" / "corpus" / "pdf-pyhanko"


# ---- helpers ------------------------------------------------------------------------------------

def ctx(**limits) -> Context:
    return Context(options=Options(limits=Limits(**limits)))


def ours(data: bytes, **limits) -> str:
    text, problem = T.extract_text(data, ctx(**limits))
    assert problem is None, problem
    return text


def reference(data: bytes) -> str:
    """pypdf's text (the oracle), pages joined by a form feed like ours."""
    import pypdf

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = pypdf.PdfReader(io.BytesIO(data))
        return "\f".join(p.extract_text() for p in reader.pages)


def chars(text: str) -> collections.Counter:
    return collections.Counter(c for c in text if not c.isspace())


@pytest.fixture
def spy(monkeypatch):
    """Records every fallback to pypdf (its reason); the fallback itself still runs."""
    calls: list[str] = []
    real = T._pypdf_text

    def wrapper(data, c, reason=""):
        calls.append(reason)
        return real(data, c, reason)

    monkeypatch.setattr(T, "_pypdf_text", wrapper)
    return calls


HELV = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def cmap(entries: bytes, codespace: bytes = b"<0000> <FFFF>") -> bytes:
    return (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            b"/CMapName /Test-UCS def /CMapType 2 def\n1 begincodespacerange " + codespace +
            b" endcodespacerange\n" + entries + b"\nendcmap CMapName currentdict /CMap defineresource pop end end")


def type0(tounicode_obj: int | None, encoding: bytes = b"/Identity-H", w: bytes = b"") -> bytes:
    tu = b" /ToUnicode %d 0 R" % tounicode_obj if tounicode_obj else b""
    return (b"<< /Type /Font /Subtype /Type0 /BaseFont /Test /Encoding " + encoding +
            b" /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Test "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000" + w +
            b" >>]" + tu + b" >>")


def make_pdf(contents, fonts: dict[bytes, bytes] | None = None, objs: dict[int, bytes] | None = None,
             xobjects: bytes = b"", pages: int = 1, content_extra: bytes = b"", compress: bool = False) -> bytes:
    """A PDF whose every page draws ``contents`` (bytes, or a list: a /Contents array).

    ``fonts``: resource name → font dictionary (objects 20, 21, …); ``objs``: further objects;
    ``xobjects``: the body of the page's /XObject dictionary.
    """
    o: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>"}
    fonts = {b"F1": HELV} if fonts is None else fonts
    font_refs = []
    for i, (name, body) in enumerate(fonts.items()):
        o[20 + i] = body
        font_refs.append(b"/%s %d 0 R" % (name, 20 + i))
    xo = b" /XObject << " + xobjects + b" >>" if xobjects else b""
    res = b"<< /Font << " + b" ".join(font_refs) + b" >>" + xo + b" >>"
    kids = []
    n = 100
    for _ in range(pages):
        items = contents if isinstance(contents, list) else [contents]
        refs = []
        for body in items:
            o[n] = ps.stream_obj(body, content_extra, compress=compress)
            refs.append(n)
            n += 1
        cref = b" ".join(b"%d 0 R" % r for r in refs)
        cref = b"[" + cref + b"]" if isinstance(contents, list) else cref
        o[n] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " + res +
                b" /Contents " + cref + b" >>")
        kids.append(n)
        n += 1
    o[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), pages)
    o.update(objs or {})
    return ps.write_full(o, root=1)


def assert_like_pypdf(data: bytes) -> str:
    text = ours(data)
    assert chars(text) == chars(reference(data)), (text, reference(data))
    return text


# ---- differential: samples and the pyHanko corpus -------------------------------------------------

def _sample_pdfs() -> list[pathlib.Path]:
    return sorted(sample_dir().glob("*.pdf"))


def test_samples_like_pypdf(spy):
    files = _sample_pdfs()
    assert len(files) >= 8
    for path in files:
        data = path.read_bytes()
        text = ours(data)
        assert chars(text) == chars(reference(data)), path.name
        assert "注册编号" in text
    assert spy == []  # none of them needs pypdf


def test_sample_fields_unchanged():
    """The printed fields read from our text equal those read from pypdf's text, on every sample."""
    from test_samples import EXPECTED_FIELDS

    for path in _sample_pdfs():
        data = path.read_bytes()
        mine = extract_fields(ours(data)).as_fields()
        assert mine == extract_fields(reference(data)).as_fields(), path.name
        if path.name == "sample-sm2.pdf":
            assert dict(mine) == EXPECTED_FIELDS


def test_sample_reading_order():
    text = ours((sample_dir() / "sample-sm2.pdf").read_bytes())
    lines = text.splitlines()
    # the rotated watermarks come first (their own direction), then the printed lines top to bottom
    body = lines[lines.index("中华人民共和国二级建造师注册证书"):]
    assert body[:4] == ["中华人民共和国二级建造师注册证书",
                        "电子证书（示例 · 虚构人员与单位 · 不具法律效力）",
                        "姓\u3000\u3000名： 张明远", "性\u3000\u3000别： 男"]
    assert "注册编号： 渝250192012345" in body and "聘用企业： 重庆示例建设工程有限公司" in body
    assert body.index("建筑工程 2028年03月31日") < body.index("市政公用工程 2028年03月31日")
    assert not any("示例 仅供演示" in ln for ln in body)  # no watermark glyph inside a printed line


# Files of the corpus that pypdf reads but our strict parser refuses (bad xref offsets, a wrong
# /Size, bytes before the header, a hopeless startxref): check_bytes ends with an error verdict
# before any text is extracted, so there is no text of ours to compare.  pypdf repairs such files,
# which the checker deliberately does not do.
STRICT_REJECTS = {"malformed-xref-space-padded.pdf", "minimal-badxref.pdf", "minimal-broken-xref-size.pdf",
                  "minimal-illegal-header.pdf", "minimal-startxref-hopeless.pdf"}


def test_pyhanko_corpus_like_pypdf(spy):
    if not PYHANKO.is_dir():
        pytest.fail(f"corpus missing at {PYHANKO}")
    compared, rejected = [], set()
    for path in sorted(PYHANKO.glob("*.pdf")):
        data = path.read_bytes()
        try:
            want = reference(data)
        except Exception:
            continue  # pypdf cannot read it either (encrypted, cyclic page tree, no startxref …)
        try:
            PdfFile(data, ctx())
        except CheckerError:
            rejected.add(path.name)
            assert check_bytes(data, path.name).verdict == "error", path.name
            continue
        text, problem = T.extract_text(data, ctx())
        if path.name == "broken-objstream5.pdf":
            # The page object sits in an object stream with stray data after an object: we refuse to
            # read it (and check_bytes says INPUT_MALFORMED); pypdf reads the page, which is empty.
            assert problem and "object stream" in problem and text == "" and want.strip() == ""
            continue
        assert problem is None, (path.name, problem)
        assert chars(text) == chars(want), (path.name, text, want)
        compared.append(path.name)
    assert rejected == STRICT_REJECTS
    assert len(compared) == 13, compared
    assert spy == []


# ---- fonts and encodings against pypdf ------------------------------------------------------------

def test_winansi_and_standard_encodings():
    content = (b"BT /F1 12 Tf 50 700 Td (Caf\\351 \\223quoted\\224 \\200 50\\260) Tj "
               b"0 -20 Td /F2 12 Tf (It's `odd' \\256\\257) Tj 0 -20 Td /F3 12 Tf (Caf\\216 \\245) Tj ET")
    data = make_pdf(content, fonts={
        b"F1": HELV,
        b"F2": b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",  # StandardEncoding
        b"F3": b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /MacRomanEncoding >>",
    })
    text = assert_like_pypdf(data)
    assert text.splitlines() == ["Café “quoted” € 50°", "It’s ‘odd’ ﬁﬂ", "Café •"]


def test_differences_glyph_names():
    font = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
            b"/BaseEncoding /WinAnsiEncoding /Differences [65 /uni4E2D /u1F600 /ff /Euro /Omega /quotesingle] >> >>")
    data = make_pdf(b"BT /F1 12 Tf 50 700 Td (ABCDEFG) Tj ET", fonts={b"F1": font})
    text = assert_like_pypdf(data)
    assert text == "中\U0001F600\ufb00€\u2126'G"


def test_glyph_name_rules():
    assert glyph_unicode("uni4E2D4E2D") == "中中"
    assert glyph_unicode("u1D400") == "\U0001D400"
    assert glyph_unicode("f_i.alt") == "fi"  # AGL: components of a ligature name, suffix dropped
    assert glyph_unicode("a.sc") == "a"
    assert glyph_unicode("uniD800") is None  # a surrogate is no character
    assert glyph_unicode("g123") is None


def test_unknown_glyph_name_falls_back(spy):
    font = (b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Differences [65 /g123] >> >>")
    data = make_pdf(b"BT /F1 12 Tf 50 700 Td (BAB) Tj ET", fonts={b"F1": font})
    text, problem = T.extract_text(data, ctx())
    assert problem is None and spy and "glyph name" in spy[0]
    assert "B" in text
    # a font whose unknown name is never shown needs no fallback
    spy.clear()
    assert ours(make_pdf(b"BT /F1 12 Tf 50 700 Td (BB) Tj ET", fonts={b"F1": font})) == "BB"
    assert spy == []


def test_type0_tounicode_bfrange_array_and_surrogates():
    tu = cmap(b"2 beginbfchar\n<0001> <D835DC00>\n<0002> <0041>\nendbfchar\n"
              b"2 beginbfrange\n<0010> <0012> [<4E2D> <6587> <D83DDE00>]\n<0020> <0022> <0061>\nendbfrange")
    data = make_pdf(b"BT /F1 12 Tf 50 700 Td <0001 0002 0010 0011 0012 0020 0021 0022> Tj ET",
                    fonts={b"F1": type0(30)}, objs={30: ps.stream_obj(tu)})
    text = assert_like_pypdf(data)
    assert text == "\U0001D400A中文\U0001F600abc"


def test_tounicode_parser_unit():
    tu = ToUnicode.parse(cmap(b"1 beginbfrange <00FF> <0101> <00FE> endbfrange 1 beginbfchar <41> /space endbfchar "
                              b"1 beginbfrange <0200> <0201> <D83DDE00> endbfrange"), 1000)
    assert [tu.get(c) for c in (0xFF, 0x100, 0x101, 0x102)] == ["þ", "ÿ", "Ā", None]
    assert tu.get(0x41) == " "
    assert tu.get(0x200) == "\U0001F600" and tu.get(0x201) == "\U0001F601"
    # a huge range costs nothing until used
    big = ToUnicode.parse(cmap(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange",
                               b"<00000000> <FFFFFFFF>"), 100)
    assert big.get(1) == "B" and big.get(0x100) == "Ł"
    assert big.get(0x10000) is None  # past what the 2-byte destination can count to


def test_unicode_predefined_cmap():
    data = make_pdf(b"BT /F1 12 Tf 50 700 Td <59d3540dff1a5f204e09> Tj ET",
                    fonts={b"F1": type0(None, b"/UniGB-UCS2-H")})
    assert assert_like_pypdf(data) == "姓名：张三"


@pytest.mark.parametrize("font", [
    b"<< /Type /Font /Subtype /Type3 /FontMatrix [0.001 0 0 0.001 0 0] /FontBBox [0 0 1000 1000] "
    b"/CharProcs << /a 40 0 R >> /Encoding << /Differences [97 /a] >> /FirstChar 97 /LastChar 97 /Widths [1000] >>",
    type0(None, b"/GBK-EUC-H"),
    type0(None),  # Identity-H without /ToUnicode: CIDs we cannot map
], ids=["type3", "gbk-euc-h", "identity-without-tounicode"])
def test_fonts_we_do_not_cover_fall_back_to_pypdf(spy, font):
    objs = {40: ps.stream_obj(b"1000 0 0 0 1000 1000 d1 0 0 1000 1000 re f")}
    data = make_pdf(b"BT /F1 12 Tf 50 700 Td (aa) Tj ET", fonts={b"F1": font}, objs=objs)
    text, problem = T.extract_text(data, ctx())
    assert len(spy) == 1, spy
    assert (text, problem) == T._pypdf_text(data, ctx())
    # selecting such a font without showing text with it is no reason to fall back
    spy.clear()
    data = make_pdf(b"BT /F1 12 Tf /F2 12 Tf 50 700 Td (ok) Tj ET", fonts={b"F1": font, b"F2": HELV}, objs=objs)
    assert ours(data) == "ok" and spy == []


# ---- tokenizer --------------------------------------------------------------------------------------

def test_tokenizer_strings_and_structures():
    ops = parse_ops(b"(a\\(b\\)c \\101\\0\\n\\\\ \\q (nested (x)) end\\\r\nline) Tj "
                    b"<48 65 6C6C 6F 2> Tj [(a) -300 <0041> 5] TJ /Na#20me 12 Tf "
                    b"<< /K [1 2 << /Z true >>] >> BDC % comment ( ] >> \n null false 1 -.5 +3. x", 1000)
    assert ops == [
        ("Tj", [b"a(b)c A\x00\n\\ q (nested (x)) endline"]),
        ("Tj", [b"Hello "]),
        ("TJ", [[b"a", -300.0, b"\x00A", 5.0]]),
        ("Tf", ["Na me", 12.0]),
        ("BDC", [{"K": [1.0, 2.0, {"Z": True}]}]),
        ("x", [None, False, 1.0, -0.5, 3.0]),
    ]


def test_tokenizer_is_tolerant():
    # stray delimiters, an unterminated array, an operator inside an array, an unterminated string
    ops = parse_ops(b") } >> [1 2 Tj (ok) Tj ] BT (unterminated", 1000)
    assert ("Tj", [b"ok"]) in ops and ops[-1] == ("BT", [])
    assert parse_ops(b"", 10) == [] and parse_ops(b"   % only a comment", 10) == []


_DRAW_ONLY = {"re", "m", "l", "c", "v", "y", "h", "S", "s", "f", "f*", "F", "B", "B*", "b", "b*", "n", "W", "W*",
              "w", "J", "j", "M", "i", "g", "G", "rg", "RG", "k", "K", "sc", "SC"}
_PIECES = [b"1", b"-2.5", b".5", b"+3.", b"0", b"re", b"m", b"l", b"c", b"h", b"f", b"f*", b"S", b"W", b"n", b"rg",
           b"RG", b"k", b"w", b"cm", b"q", b"Q", b"BT", b"ET", b"Td", b"Tj", b"TJ", b"(x y)", b"<41>", b"/F1", b"12",
           b"Tf", b"[", b"]", b"<<", b">>", b"scn", b"sc", b"%c\n", b"d0", b"BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI",
           b"1.5.3", b"cmx", b"f**", b"(", b")"]
_SEPS = [b" ", b"\n", b"\r\n", b"\x00", b"\t", b"\f", b"  ", b""]


def _draw_free(ops):
    return [(op, a) for op, a in ops if op not in _DRAW_ONLY]


def test_tokenizer_skips_runs_of_drawing_operators_for_text():
    content = b"q 0 0 1 rg " + b"10 20 3 3 re 13 20 3 3 re\n" * 50 + b"f Q BT /F1 12 Tf 1 0 0 1 50 700 Tm (a) Tj ET " \
              b"0.5 w 1 1 m 2 2 l S 2 0 0 2 0 0 cm [(b) 5] TJ"
    full = parse_ops(content, 10_000)
    fast = parse_ops(content, 10_000, drawing=False)
    assert _draw_free(fast) == _draw_free(full) and len(fast) < 10 < len(full)
    assert ("cm", [2.0, 0.0, 0.0, 2.0, 0.0, 0.0]) in fast  # cm, q/Q and text are never skipped
    # the same tokens are counted either way: the limits do not move
    from checker._pdf.content import TokenBudget

    budget = TokenBudget(10_000)
    parse_ops(content, 10_000, budget=budget)
    n = 10_000 - budget.left
    assert n > 250 and parse_ops(content, n, drawing=False) and parse_ops(content, n)
    for drawing in (True, False):
        with pytest.raises(LimitExceeded):
            parse_ops(content, n - 1, drawing=drawing)


def test_tokenizer_text_operators_are_the_same_with_or_without_drawing():
    hypothesis = pytest.importorskip("hypothesis")  # dev dependency, always installed by make test
    from hypothesis import given, settings, strategies as st

    from checker._pdf.content import TokenBudget

    @settings(max_examples=400, deadline=None, derandomize=True)
    @given(st.lists(st.tuples(st.sampled_from(_PIECES), st.sampled_from(_SEPS)), max_size=60))
    def same(pieces):
        data = b"".join(p + sep for p, sep in pieces)
        outcome = []
        for drawing in (True, False):
            budget = TokenBudget(10_000)
            try:
                outcome.append((_draw_free(parse_ops(data, 200, budget=budget, drawing=drawing)), budget.left))
            except LimitExceeded:
                outcome.append("limit")
        assert outcome[0] == outcome[1], data

    same()


def test_inline_image_skipped():
    # the image data holds parentheses, "Tj" and even "EI" not followed by white space
    img = b"(fake) Tj EIx ))) \xff\x00"
    content = (b"BT /F1 12 Tf 50 700 Td (before) Tj ET q BI /W 4 /H 5 /BPC 8 /CS /G /D [1 0] ID " + img +
               b" EI Q BT /F1 12 Tf 50 680 Td (after) Tj ET")
    assert len(img) == 20
    text = ours(make_pdf(content))
    assert text.splitlines() == ["before", "after"]
    # filtered data: found by the "EI" that follows white space
    content2 = (b"BI /W 10 /H 10 /F /AHx ID 00ff(Tj)00 EI BT /F1 12 Tf 50 680 Td (after) Tj ET")
    assert ours(make_pdf(content2)) == "after"


def test_token_limit():
    with pytest.raises(LimitExceeded):
        parse_ops(b"1 " * 1001, 1000)
    with pytest.raises(LimitExceeded):
        parse_ops(b"[" * 100, 10_000, max_depth=64)
    with pytest.raises(LimitExceeded):  # escapes cost a step each: they count as tokens
        parse_ops(b"(" + b"\\n" * 2000 + b") Tj", 1000)
    with pytest.raises(LimitExceeded):
        T.extract_text(make_pdf(b"BT " + b"(x) Tj " * 600 + b"ET"), ctx(max_content_ops=1000))
    # parsed streams stay in memory (forms are cached): all streams of a file share 8 × the limit
    objs = {40 + i: form(b"0 0 m " * 20, b"") for i in range(10)}
    names = b" ".join(b"/X%d %d 0 R" % (i, 40 + i) for i in range(10))
    data = make_pdf(b" ".join(b"/X%d Do" % i for i in range(10)), xobjects=names, objs=objs)
    assert ours(data, max_content_ops=101) == ""
    objs = {40 + i: form(b"0 0 m " * 24, b"") for i in range(10)}  # 10 × 72 tokens > 8 × 90
    data = make_pdf(b" ".join(b"/X%d Do" % i for i in range(10)), xobjects=names, objs=objs)
    with pytest.raises(LimitExceeded, match="tokens"):
        T.extract_text(data, ctx(max_content_ops=90))


# ---- layout -----------------------------------------------------------------------------------------

def test_tj_spacing():
    # Helvetica's space is 278 units: adjustments beyond 0.15 em (half of it, at least 0.15) are spaces
    content = (b"BT /F1 12 Tf 50 700 Td [(Hel) -20 (lo) -300 (World) 120 (!)] TJ ET "
               b"BT /F1 12 Tf 50 680 Td [(A) -149 (B) -151 (C) -250 (D)] TJ ET "
               b"BT /F2 12 Tf 50 660 Td [(W) -250 (X) -310 (Y)] TJ ET")  # Courier: a 600-unit space
    text = assert_like_pypdf(make_pdf(content, fonts={
        b"F1": HELV, b"F2": b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"}))
    assert text.splitlines() == ["Hello World!", "AB C D", "WX Y"]


def test_tex_word_spacing():
    # pdfTeX sets the interword space of Times (250 units) as TJ adjustments of about -250,
    # stretched or shrunk on justified lines; kerning is much smaller
    widths = b"[" + b" ".join(str(w).encode() for w in [250] + [500] * 94) + b"]"
    font = (b"<< /Type /Font /Subtype /Type1 /BaseFont /NimbusRomNo9L-Regu /FirstChar 32 /LastChar 126 "
            b"/Widths " + widths + b" /Encoding /WinAnsiEncoding >>")
    content = b"BT /F1 9.96 Tf 90 700 Td [(Shar)37(ed)-250(MIME-info)-242(Database)-180(is)-333(o)15(v)15(er)]TJ ET"
    text = assert_like_pypdf(make_pdf(content, fonts={b"F1": font}))
    assert text == "Shared MIME-info Database is over"


def test_gaps_between_runs():
    # three runs on one baseline, drawn right to left; small gap (no space) and a wide one
    content = (b"BT /F1 10 Tf 300 700 Td (right) Tj ET "
               b"BT /F1 10 Tf 100 700 Td (left) Tj ET "
               b"BT /F1 10 Tf 114.5 700 Td (more) Tj ET")
    text = assert_like_pypdf(make_pdf(content))
    assert text == "leftmore right"  # "left" is 13.34 pt wide in 10 pt Helvetica: a 1.16 pt gap


def test_lines_top_to_bottom_and_baseline_tolerance():
    content = (b"BT /F1 12 Tf 50 600 Td (third) Tj ET "
               b"BT /F1 12 Tf 50 700 Td (first) Tj 200 -3 Td (same line) Tj ET "
               b"BT /F1 12 Tf 50 650 Td (second) Tj ET")
    assert assert_like_pypdf(make_pdf(content)).splitlines() == ["first same line", "second", "third"]


def test_ctm_and_text_matrix():
    # q/Q restore the CTM; cm moves and scales; Tm replaces the text matrix; T* uses TL
    content = (b"q 1 0 0 1 0 -100 cm BT /F1 12 Tf 50 700 Td (lower) Tj ET Q "
               b"q 2 0 0 2 0 0 cm BT /F1 6 Tf 25 375 Td (upper) Tj ET Q "
               b"BT /F1 12 Tf 14 TL 1 0 0 1 50 650 Tm (middle) Tj T* (x) Tj T* (y) Tj ET")
    assert assert_like_pypdf(make_pdf(content)).splitlines() == ["upper", "middle", "x", "y", "lower"]


def test_quote_operators():
    content = b"BT /F1 12 Tf 14 TL 50 700 Td (one) Tj (two) ' 5 1 (three) \" ET"
    assert assert_like_pypdf(make_pdf(content)).splitlines() == ["one", "two", "three"]


def test_rotated_text_is_its_own_block():
    # a 45° watermark crossing the printed lines, drawn first, and a vertical label
    content = (b"q 0.7071 0.7071 -0.7071 0.7071 100 560 cm BT /F1 40 Tf 0 0 Td (WATERMARK) Tj ET Q "
               b"BT /F1 12 Tf 50 700 Td (Name: Alice) Tj ET BT /F1 12 Tf 50 650 Td (Number: 42) Tj ET "
               b"BT /F1 12 Tf 50 600 Td (Issuer: Bob) Tj ET "
               b"BT /F1 10 Tf 0 1 -1 0 500 300 Tm (side) Tj ET")
    text = assert_like_pypdf(make_pdf(content))
    lines = text.splitlines()
    assert lines[-3:] == ["Name: Alice", "Number: 42", "Issuer: Bob"]
    assert set(lines[:-3]) == {"WATERMARK", "side"}


def test_vertical_writing():
    tu = cmap(b"3 beginbfchar <0001> <7B2C> <0002> <4E00> <0003> <884C> endbfchar")
    content = b"BT /F1 12 Tf 300 700 Td <000100020003> Tj ET BT /F1 12 Tf 280 700 Td <0003> Tj ET"
    data = make_pdf(content, fonts={b"F1": type0(30, b"/Identity-V")}, objs={30: ps.stream_obj(tu)})
    text = assert_like_pypdf(data)
    assert text.splitlines() == ["第一行", "行"]  # columns right to left, each top to bottom


def test_widths_drive_spacing():
    # /W gives glyph 1 a width of 500: the second run starts right after it (no space) …
    tu = cmap(b"2 beginbfchar <0001> <0041> <0002> <0042> endbfchar")
    data = make_pdf(b"BT /F1 10 Tf 100 700 Td <0001> Tj 5 0 Td <0002> Tj 20 0 Td <0001> Tj ET",
                    fonts={b"F1": type0(30, w=b" /W [1 [500] 2 2 500]")}, objs={30: ps.stream_obj(tu)})
    assert assert_like_pypdf(data) == "AB A"  # … and 15 pt after B is a space


# ---- streams, resources, forms ----------------------------------------------------------------------

def test_contents_array_and_compression():
    # an operator split across the streams of a /Contents array is fine (they are concatenated)
    data = make_pdf([b"BT /F1 12 Tf 50 700 Td (first) Tj", b"( part) Tj ET", b""], compress=True)
    assert assert_like_pypdf(data) == "first part"


def test_inherited_resources_and_several_pages():
    o = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
         2: b"<< /Type /Pages /Kids [3 0 R 5 0 R] /Count 2 /Resources << /Font << /F1 20 0 R >> >> >>",
         3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
         4: ps.stream_obj(b"BT /F1 12 Tf 50 700 Td (page one) Tj ET"),
         5: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 6 0 R >>",
         6: ps.stream_obj(b"BT /F1 12 Tf 50 700 Td (page two) Tj ET"),
         20: HELV}
    data = ps.write_full(o, root=1)
    assert assert_like_pypdf(data) == "page one\fpage two"
    assert ours(data, max_text_pages=1) == "page one"


def form(body: bytes, extra: bytes = b"") -> bytes:
    return ps.stream_obj(body, b" /Type /XObject /Subtype /Form /BBox [0 0 595 842]" + extra)


def test_form_xobjects_with_matrix_and_resources():
    objs = {
        40: form(b"BT /FX 12 Tf 0 0 Td (in form) Tj ET /Fm1 Do",
                 b" /Matrix [1 0 0 1 50 500] /Resources << /Font << /FX 20 0 R >> /XObject << /Fm1 41 0 R >> >>"),
        41: form(b"BT /FX 12 Tf 0 -20 Td (nested) Tj ET", b" /Resources << /Font << /FX 20 0 R >> >>"),
        42: ps.stream_obj(b"\x00" * 16, b" /Type /XObject /Subtype /Image /Width 4 /Height 4 "
                                         b"/ColorSpace /DeviceGray /BitsPerComponent 8"),
    }
    data = make_pdf(b"BT /F1 12 Tf 50 700 Td (page) Tj ET /Fm0 Do /Im0 Do q 1 0 0 1 0 -300 cm /Fm0 Do Q",
                    xobjects=b"/Fm0 40 0 R /Im0 42 0 R", objs=objs)
    assert assert_like_pypdf(data).splitlines() == ["page", "in form", "nested", "in form", "nested"]


def test_form_recursion_and_limits():
    # a form that draws itself: its text once, then viewers (and we) stop
    objs = {40: form(b"BT /F1 12 Tf 50 700 Td (loop) Tj ET /Fm0 Do",
                     b" /Resources << /Font << /F1 20 0 R >> /XObject << /Fm0 40 0 R >> >>")}
    data = make_pdf(b"/Fm0 Do", xobjects=b"/Fm0 40 0 R", objs=objs)
    assert ours(data) == "loop"
    # many calls of a small form: bounded by max_form_xobject_calls
    objs = {40: form(b"BT /F1 12 Tf 50 700 Td (x) Tj ET", b" /Resources << /Font << /F1 20 0 R >> >>")}
    data = make_pdf(b"/Fm0 Do " * 50, xobjects=b"/Fm0 40 0 R", objs=objs)
    assert ours(data, max_form_xobject_calls=50) == "x" * 50  # one spot: one line, no gaps
    with pytest.raises(LimitExceeded):
        T.extract_text(data, ctx(max_form_xobject_calls=49))
    # a chain of distinct forms nested deeper than max_object_depth
    objs = {40 + i: form(b"/Fn Do", b" /Resources << /XObject << /Fn %d 0 R >> >>" % (41 + i)) for i in range(20)}
    objs[60] = form(b"BT /F1 12 Tf 50 700 Td (deep) Tj ET", b" /Resources << /Font << /F1 20 0 R >> >>")
    data = make_pdf(b"/Fn Do", xobjects=b"/Fn 40 0 R", objs=objs)
    assert ours(data) == "deep"
    with pytest.raises(LimitExceeded):
        T.extract_text(data, ctx(max_object_depth=10))


def test_flate_bomb_in_content_stream():
    bomb = zlib.compress(b"\x00" * (8 * 1024 * 1024), 9)
    o = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
         3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
         4: b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"}
    data = ps.write_full(o, root=1)
    with pytest.raises(LimitExceeded):
        T.extract_text(data, ctx(max_stream_decoded_bytes=1024 * 1024))
    assert ours(data) == ""  # within the default limits: 8 MiB of NUL bytes are white space
    r = check_bytes(data, "bomb.pdf", Options(limits=Limits(max_stream_decoded_bytes=1024 * 1024)))
    assert r.verdict == "error" and "LIMIT_EXCEEDED" in {f.code for f in r.findings}


def test_text_is_capped():
    data = make_pdf(b"BT /F1 12 Tf 50 700 Td (" + b"abc" * 400 + b") Tj ET", pages=3)
    assert len(ours(data, max_text_chars=1000)) == 1000


def test_hostile_content_never_raises(spy):
    junk = [b"BT /F1 Tf Tj TJ ET", b"BT /F1 12 Tf 50 Td (x) Tj [1 (a) [2] TJ ET", b"/Fm0 Do /Missing Do",
            b"BT /Nope 12 Tf (missing font) Tj ET", b"q " * 5000 + b"Q " * 6000,
            b"1 0 0 0 0 0 cm BT /F1 0 Tf (zero) Tj ET",
            b"BT /F1 12 Tf 1" + b"0" * 400 + b" 0 Td (inf) Tj (nan) Tj ET",
            b"BT /F1 12 Tf 0 0 0 0 0 0 Tm (degenerate) Tj ET", b"BT /F1 12 Tf 1 2 3 Td [(a) 1 2] TJ 7 Tz 3 Ts ET",
            bytes(range(256)) * 20]
    for body in junk:
        text, problem = T.extract_text(make_pdf(body, xobjects=b"/Fm0 7 0 R"), ctx())
        assert isinstance(text, str) and problem is None
    assert spy == []  # all handled by our interpreter, none by pypdf


# ---- the fallback and the import ------------------------------------------------------------------

def test_ascii_hex_content_goes_to_pypdf(spy):
    body = b"BT /F1 12 Tf 50 700 Td (hex encoded) Tj ET".hex().encode() + b">"
    data = make_pdf(body, content_extra=b" /Filter /ASCIIHexDecode")
    text, problem = T.extract_text(data, ctx())
    assert problem is None and text.strip() == "hex encoded"
    assert spy == ["/ASCIIHexDecode filter"]


_PROBE = r"""
import json, pathlib, sys
from checker import check_bytes
results = {}
for p in sys.argv[1:]:
    r = check_bytes(pathlib.Path(p).read_bytes(), p)
    results[pathlib.Path(p).name] = r.verdict
print(json.dumps({"pypdf": "pypdf" in sys.modules, "results": results}))
"""


def _probe(paths) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", _PROBE, *map(str, paths)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_normal_path_does_not_import_pypdf(tmp_path):
    files = _sample_pdfs()
    got = _probe(files)
    assert got["pypdf"] is False
    assert set(got["results"]) == {p.name for p in files}
    # the same probe does see pypdf when a file needs the fallback
    body = b"BT /F1 12 Tf 50 700 Td (hex) Tj ET".hex().encode() + b">"
    (tmp_path / "hex.pdf").write_bytes(make_pdf(body, content_extra=b" /Filter /ASCIIHexDecode"))
    assert _probe([tmp_path / "hex.pdf"])["pypdf"] is True


def test_cli_does_not_import_pypdf():
    sample = sample_dir() / "sample-sm2.pdf"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "checker", "--no-qr", str(sample)],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    imported = {ln.rsplit("|", 1)[-1].strip() for ln in out.stderr.splitlines() if ln.startswith("import time:")}
    assert "checker._pdf.text" in imported
    assert not any(m == "pypdf" or m.startswith("pypdf.") for m in imported)


# ---- Pyodide ---------------------------------------------------------------------------------------

_PYODIDE = r"""
import { loadPyodide } from "%(runtime)s/pyodide.mjs";
import fs from "node:fs";
const py = await loadPyodide({ indexURL: "%(runtime)s/" });
// asn1crypto only: without pypdf in the interpreter, a fallback could not even be attempted
for (const w of fs.readdirSync("%(runtime)s").filter(n => /^asn1crypto-.*\.whl$/.test(n))) {
  py.unpackArchive(new Uint8Array(fs.readFileSync("%(runtime)s/" + w)), "wheel");
}
py.FS.mkdirTree("/src");
py.mountNodeFS("/src", "%(root)s");
py.FS.mkdirTree("/samples");
py.mountNodeFS("/samples", "%(samples)s");
const out = await py.runPythonAsync(`
import sys, json, os
sys.path.insert(0, "/src")
from checker import Options
from checker._context import Context
from checker._pdf.text import extract_text
res = {}
for name in sorted(os.listdir("/samples")):
    if name.endswith(".pdf"):
        res[name] = extract_text(open("/samples/" + name, "rb").read(), Context(options=Options()))
json.dumps({"version": sys.version.split()[0], "pypdf": "pypdf" in sys.modules, "res": res})
`);
console.log(out);
"""


@pytest.mark.slow
def test_same_text_on_pyodide(tmp_path):
    import shutil

    runtime = ROOT / ".cache" / "runtime" / "pyodide"
    if not (runtime / "pyodide.mjs").is_file() or shutil.which("node") is None:
        pytest.skip("Pyodide runtime not vendored (run `make vendor`) or node missing")
    samples = sample_dir()
    script = tmp_path / "run.mjs"
    script.write_text(_PYODIDE % {"runtime": runtime.as_posix(), "root": ROOT.as_posix(),
                                  "samples": samples.as_posix()}, encoding="utf-8")
    p = subprocess.run(["node", str(script)], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    got = json.loads(p.stdout.strip().splitlines()[-1])
    assert got["version"].startswith("3.") and got["pypdf"] is False
    assert set(got["res"]) == {f.name for f in _sample_pdfs()}
    for name, (text, problem) in got["res"].items():
        assert problem is None and [text, problem] == list(T.extract_text((samples / name).read_bytes(), ctx())), name
