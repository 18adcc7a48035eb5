"""Hostile structure: every bad input ends as a clear finding, never a traceback or a hang."""
from __future__ import annotations

import random
import re
import zlib

import pytest

from checker import Limits, Options, check_bytes
from testkit import pdfattacks as pa
from testkit import pdfsign as ps


def codes(r):
    return {f.code for f in r.findings}


def no_internal(r):
    assert "INTERNAL_ERROR" not in codes(r), [(f.code, f.message_en) for f in r.findings]


@pytest.fixture(scope="module")
def pki():
    return ps.cached_pki("ecdsa")


@pytest.fixture(scope="module")
def signed(pki):
    return ps.sign_pdf(ps.base_pdf(pa.GENUINE), pki.leaf, pki.chain)


def test_prev_loop_is_error():
    base = ps.base_pdf("x")
    sx = ps.inspect(base).startxref
    looped = ps.append_update(base, {3: b"<< /Producer (loop) >>"}, prev=sx)
    new_sx = int(re.findall(rb"startxref\s+(\d+)", looped)[-1])
    looped = looped.replace(b"/Prev %d" % sx, b"/Prev %d" % new_sx)
    r = check_bytes(looped, "loop.pdf")
    assert r.verdict == "error" and "INPUT_MALFORMED" in codes(r)
    assert "loop" in r.findings[0].message_en


@pytest.mark.parametrize("offset", [0, 5, 10 ** 9])
def test_bogus_startxref_is_error(offset):
    base = ps.base_pdf("x")
    sx = ps.inspect(base).startxref
    bad = base[: base.rindex(b"startxref")] + b"startxref\n%d\n%%%%EOF\n" % offset
    r = check_bytes(bad, "bad.pdf")
    assert r.verdict == "error" and "INPUT_MALFORMED" in codes(r)


def test_bogus_object_offset_is_error():
    base = ps.base_pdf("x")
    i = base.rindex(b"\nxref\n")
    rows = re.findall(rb"(\d{10}) 00000 n", base[i:])
    pos = base.index(rows[1], i)  # object 2 (page tree) shifted by one byte
    bad = base[:pos] + b"%010d" % (int(rows[1]) + 1) + base[pos + 10:]
    r = check_bytes(bad, "bad.pdf")
    assert r.verdict == "error" and "INPUT_MALFORMED" in codes(r)


def test_xref_stream_flate_bomb_is_limit_error():
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [] /Count 0 >>"}
    pdf = ps.write_full(objs, root=1)
    bomb = zlib.compress(b"\0" * (64 * 1024 * 1024), 9)
    xs = len(pdf)
    pdf += (b"9 0 obj\n<< /Type /XRef /Size 10 /W [1 4 1] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(bomb)) + bomb + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xs
    r = check_bytes(pdf, "bomb.pdf", Options(limits=Limits(max_stream_decoded_bytes=1024 * 1024)))
    assert r.verdict == "error" and "LIMIT_EXCEEDED" in codes(r)


def test_content_stream_bomb_does_not_blow_up(pki):
    bomb = zlib.compress(b"0 0 m " * (8 * 1024 * 1024), 9)
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Contents 4 0 R >>",
            4: b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb) + bomb + b"\nendstream"}
    pdf = ps.write_full(objs, root=1)
    r = check_bytes(pdf, "bomb.pdf", Options(limits=Limits(max_stream_decoded_bytes=1024 * 1024)))
    no_internal(r)
    assert r.verdict in ("warn", "error")


def test_deep_nesting_is_limit_error():
    deep = b"[" * 100_000 + b"]" * 100_000
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R /X " + deep + b" >>", 2: b"<< /Type /Pages /Kids [] /Count 0 >>"}
    r = check_bytes(ps.write_full(objs, root=1), "deep.pdf")
    assert r.verdict == "error" and codes(r) & {"LIMIT_EXCEEDED", "INPUT_MALFORMED"}


def test_many_eof_markers_and_revisions_bounded():
    data = ps.base_pdf("x")
    for i in range(70):
        data = ps.append_update(data, {3: b"<< /Producer (rev %d) >>" % i})
    r = check_bytes(data, "many.pdf")
    assert r.verdict == "error" and "LIMIT_EXCEEDED" in codes(r)


def test_time_limit(signed):
    r = check_bytes(signed, "t.pdf", Options(limits=Limits(max_seconds=0.0)))
    assert r.verdict == "error" and "LIMIT_TIME" in codes(r)


def test_duplicate_keys_are_rejected():
    objs = {1: b"<< /Type /Catalog /Pages 2 0 R /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [] /Count 0 >>"}
    r = check_bytes(ps.write_full(objs, root=1), "dup.pdf")
    assert r.verdict == "error"


def test_not_a_pdf_and_empty():
    assert check_bytes(b"", "e.pdf").verdict == "error"
    assert check_bytes(b"%PDF-1.7\n", "e.pdf").verdict == "error"
    r = check_bytes(b"%PDF-1.7\n" + b"garbage " * 100 + b"\n%%EOF\n", "g.pdf")
    assert r.verdict == "error" and "INPUT_MALFORMED" in codes(r)


def test_truncated_signed_file_never_crashes(signed, pki):
    opts = Options(trust=(pki.root.pem,))
    step = max(1, len(signed) // 60)
    for cut in list(range(10, len(signed), step)) + [len(signed) - 1, len(signed) - 7]:
        r = check_bytes(signed[:cut], "cut.pdf", opts)
        no_internal(r)
        assert r.verdict in ("fail", "error", "warn")
        assert not any(s.intact and s.covers_whole_file for s in r.signatures)


def test_random_mutations_never_crash_and_never_prove(signed, pki):
    """Deterministic fuzz: one flipped bit anywhere.  In the signed ranges the signature must
    break; inside /Contents (unsigned CMS parts such as the certificate bag) anything but a crash
    is acceptable."""
    opts = Options(trust=(pki.root.pem,))
    rng = random.Random(1234)
    _, a, b, _ = [int(x) for x in re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", signed)[-1]]
    signed_hits = 0
    for _ in range(150):
        i = rng.randrange(len(signed))
        data = bytearray(signed)
        data[i] ^= 1 << rng.randrange(8)
        r = check_bytes(bytes(data), "m.pdf", opts)
        no_internal(r)
        if i < a or i >= b:
            signed_hits += 1
            assert r.verdict in ("fail", "error"), (i, [(f.code, f.message_en) for f in r.findings])
            assert not any(s.intact and s.covers_whole_file for s in r.signatures), i
    assert signed_hits > 5


def test_junk_in_contents_padding_warns(signed, pki):
    _, a, b, _ = [int(x) for x in re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", signed)[-1]]
    data = bytearray(signed)
    data[b - 3] = ord("7")
    r = check_bytes(bytes(data), "j.pdf", Options(trust=(pki.root.pem,)))
    assert "PDF_SIG_CONTENTS_JUNK" in codes(r) and r.verdict in ("warn", "fail")


def test_object_streams_and_xref_streams(pki):
    """Objects inside object streams are resolved, compared and protected like plain ones."""
    data = ps.base_pdf(pa.GENUINE, objstm=True)
    assert b"/ObjStm" in data
    signed = ps.sign_pdf(data, pki.leaf, pki.chain, xref_stream=True)
    opts = Options(trust=(pki.root.pem,))
    r = check_bytes(signed, "o.pdf", opts)
    assert r.signatures[0].intact and r.signatures[0].covers_whole_file, [(f.code, f.message_en) for f in r.findings]
    assert "张三" in check_bytes(signed, "o.pdf", opts).fields[0][1] if check_bytes(signed, "o.pdf", opts).fields else True
    # redefine the font (obj 4, compressed) inside a NEW object stream
    forged = ps.base_pdf(pa.FORGED)
    attacked = ps.append_update_objstm(signed, {4: ps.raw_object(forged, 4).replace(b"/DemoCJK", b"/Evil")})
    r = check_bytes(attacked, "o.pdf", opts)
    assert r.verdict == "fail" and "PDF_CHANGED_AFTER_SIGNING" in codes(r)


def test_unsigned_pdf_warns_and_gives_text():
    from checker._context import Context
    from checker._pdf import analyse_pdf

    data = ps.base_pdf(["示例 二级建造师", "聘用企业：重庆示例建设有限公司"], pages=2)
    r = check_bytes(data, "u.pdf")
    assert r.verdict == "warn" and "NO_SIGNATURE" in codes(r) and r.pages == 2 and r.signatures == ()
    out = analyse_pdf(data, Context(options=Options()))
    assert out.text.split("\f")[1].splitlines() == ["示例 二级建造师", "聘用企业：重庆示例建设有限公司"]


def test_text_is_bounded():
    from checker._context import Context
    from checker._pdf import analyse_pdf

    data = ps.base_pdf(["示例" * 200] * 20, pages=3)
    out = analyse_pdf(data, Context(options=Options(limits=Limits(max_text_chars=1000))))
    assert len(out.text) == 1000


def test_json_is_deterministic_across_hash_seeds(signed, tmp_path):
    """Same file, same JSON: no set/dict-order dependence (Pyodide must match CPython)."""
    import os
    import subprocess
    import sys

    info = ps.inspect(signed)
    root = ps.raw_object(signed, info.root)
    attacked = ps.append_update(signed, {info.root: ps.add_keys(root, b"/OpenAction 3 0 R /PageMode /UseNone /Lang (zh)")})
    attacked = pa.evil_annotation(pa.isa_replace_content(attacked))
    f = tmp_path / "a.pdf"
    f.write_bytes(attacked)
    outs = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        p = subprocess.run([sys.executable, "-m", "checker", "--json", "--no-qr", str(f)], capture_output=True,
                           text=True, env=env, timeout=120)
        assert p.returncode == 2, p.stderr
        outs.add(p.stdout)
    assert len(outs) == 1


def test_offsets_pointing_at_the_preceding_eol_are_tolerated(signed, pki):
    """A common writer bug (offset one byte early, at the EOL) must not turn a good file into 'error'."""
    def shift(data):
        i = data.rindex(b"\nxref\n")
        tail = re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m.group(1)) - 1), data[i:])
        sx = int(re.findall(rb"startxref\s+(\d+)", tail)[-1])
        return data[:i] + tail.replace(b"startxref\n%d" % sx, b"startxref\n%d" % (sx - 1))

    r = check_bytes(shift(ps.base_pdf("x")), "s.pdf")
    assert r.verdict == "warn" and "NO_SIGNATURE" in codes(r)
    r = check_bytes(shift(ps.add_dss(signed, [pki.ca.der])), "s.pdf", Options(trust=(pki.root.pem,)))
    assert r.signatures[0].intact and r.signatures[0].covers_whole_file
    assert not [f for f in r.findings if f.severity in ("fail", "error")]
