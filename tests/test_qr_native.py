"""The CLI's native QR decoder (PDFium via pypdfium2, zxing-cpp, Pillow) on real renderings."""
import io
import struct
import zlib

import pytest

pytest.importorskip("zxingcpp")
pytest.importorskip("pypdfium2")
PIL = pytest.importorskip("PIL")

import make_samples  # noqa: E402
from checker.cli.qr_native import NativeQrDecoder  # noqa: E402

URL = make_samples.DEFAULT.url()  # the sample certificates' verification link


@pytest.fixture(scope="module")
def decoder():
    return NativeQrDecoder()


@pytest.fixture(scope="module")
def fonts():
    return make_samples.Fonts(make_samples.all_chars())


def _pdf(fonts, **kw):
    return make_samples.render_pdf(make_samples.replace(make_samples.DEFAULT, **kw), fonts)


@pytest.mark.parametrize(
    "kind,angle",
    [("vector", 0.0), ("vector", 90.0), ("vector", 17.0), ("vector", 180.0), ("image", 0.0), ("image", 90.0), ("image", 33.0)],
)
def test_pdf_qr_vector_and_image_any_rotation(decoder, fonts, kind, angle):
    found = decoder.decode_pdf(_pdf(fonts, qr_kind=kind, qr_angle=angle), max_pages=10)
    assert [q.text for q in found] == [URL]
    q = found[0]
    assert q.source == "page 1"
    x, y, w, h = q.box
    assert 0.6 < x < 0.8 and 0.6 < y < 0.75 and 0.05 < w < 0.3  # where the layout put it


def test_pdf_without_qr_and_broken_pdf(decoder):
    from testkit.pdfsign import base_pdf

    assert decoder.decode_pdf(base_pdf(["no code here"]), 10) == []
    assert decoder.decode_pdf(b"%PDF-1.7\nnot really a pdf", 10) == []


@pytest.mark.parametrize("box", [b"[0 0 1e30 1e30]", b"[0 0 0 0]", b"[0 0 -100 50]", b"[0 0 14400 1]",
                                 b"[0 0 1 14400]", b"[0 0 99999999 99999999]"])
def test_extreme_page_boxes_give_no_codes_and_no_error(decoder, box):
    """Rendering is bounded by pixel count and side length (zxing-cpp refuses sides over 65 535:
    a 14 400 x 1 pt page at 360 dpi is 72 000 px wide and used to end as QR_DECODE_FAILED)."""
    from testkit import pdfsign

    objs = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>", 3: b"<< >>",
            4: b"<< /Type /Page /Parent 2 0 R /MediaBox " + box + b" >>"}
    assert decoder.decode_pdf(pdfsign.write_full(objs, root=1, info=3), 2) == []


def test_max_pages_respected(decoder, fonts):
    data = _pdf(fonts)
    assert decoder.decode_pdf(data, 0) == []
    assert len(decoder.decode_pdf(data, 1)) == 1


def _png(rows, mode_rgba=False):
    h, w = len(rows), len(rows[0]) // (4 if mode_rgba else 1)
    raw = b"".join(b"\x00" + r for r in rows)

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    ctype = 6 if mode_rgba else 0
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, ctype, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_ofd_png_image(decoder):
    rows, size = make_samples.qr_pixels(make_samples.qr_matrix(URL), px=6, quiet=4)
    found = decoder.decode_image(make_samples.png_gray(rows, size), "Doc_0/Res/qr.png")
    assert [(q.text, q.source) for q in found] == [(URL, "Doc_0/Res/qr.png")]


def test_tiny_one_pixel_per_module_image(decoder):
    rows, size = make_samples.qr_pixels(make_samples.qr_matrix(URL), px=1, quiet=2)
    assert size < 80
    found = decoder.decode_image(make_samples.png_gray(rows, size), "tiny.png")
    assert [q.text for q in found] == [URL]


def test_transparent_background_image(decoder):
    m = make_samples.qr_matrix(URL)
    px, quiet = 5, 4
    n = len(m)
    rows = []
    for r in range(-quiet, n + quiet):
        line = b""
        for c in range(-quiet, n + quiet):
            dark = 0 <= r < n and 0 <= c < n and m[r][c]
            line += (b"\x00\x00\x00\xff" if dark else b"\x00\x00\x00\x00") * px  # transparent "white"
        rows.extend([line] * px)
    found = decoder.decode_image(_png(rows, mode_rgba=True), "seal-and-qr.png")
    assert [q.text for q in found] == [URL]


def test_rotated_jpeg_image(decoder):
    from PIL import Image

    rows, size = make_samples.qr_pixels(make_samples.qr_matrix(URL), px=6, quiet=4)
    im = Image.frombytes("L", (size, size), b"".join(rows)).rotate(27, expand=True, fillcolor=255)
    buf = io.BytesIO()
    im.convert("RGB").save(buf, "JPEG", quality=85)
    assert [q.text for q in decoder.decode_image(buf.getvalue(), "x.jpg")] == [URL]


@pytest.mark.parametrize("data", [b"", b"\x89PNG\r\n\x1a\n garbage", b"GIF89a" + b"\x00" * 20, b"\xff\xd8\xff" + b"\x00" * 50])
def test_garbage_images_give_nothing(decoder, data):
    assert decoder.decode_image(data, "bad") == []


def test_decompression_bomb_refused(decoder):
    # 20000 x 20000 grey PNG of a few hundred KB: over Limits.max_qr_image_pixels, never decoded
    w = h = 20000
    row = b"\x00" + b"\xff" * w
    comp = zlib.compressobj(9)
    body = b"".join(comp.compress(row) for _ in range(h)) + comp.flush()

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", body) + chunk(b"IEND", b""))
    assert len(png) < 2_000_000
    assert decoder.decode_image(png, "bomb.png") == []


# --- Background*Qr: the CLI decodes a file's QR codes in a forked child meanwhile -------------

def _pdf_samples():
    from cert_samples_util import sample_dir

    return sorted(sample_dir().glob("*.pdf"))


def _ofd_samples():
    from cert_samples_util import sample_dir

    return sorted(sample_dir().glob("*.ofd"))


# Each probe runs in a fresh, single-threaded process, like the CLI (pytest's threads would
# make the classes decode in process instead of forking).
_PROBE_HEAD = r"""
import json, os, sys
from checker import list_images
from checker.limits import DEFAULT_LIMITS
from checker.cli.qr_native import BackgroundOfdQr, BackgroundPdfQr, NativeQrDecoder, QrDecodeFailed, QrDecodeTimeout
out = {}
def enc(codes):
    return None if codes is None else [[q.text, q.source, q.box] for q in codes]
def raises(call, exc_type):
    try:
        call()
    except exc_type as exc:
        return str(exc)
    return False
def timeout_raised(call):
    return raises(call, QrDecodeTimeout) is not False
"""
_PROBE_TAIL = r"""
try:
    os.waitpid(-1, os.WNOHANG)
    out["children_left"] = True
except ChildProcessError:
    out["children_left"] = False
print(json.dumps(out))
"""

_OFD_PROBE = _PROBE_HEAD + r"""
for p in sys.argv[1:]:
    data = open(p, "rb").read()
    images = list_images(data)
    bg = BackgroundOfdQr(data, DEFAULT_LIMITS, 60.0)
    out[p] = [{"bg": enc(bg.image_result(img, src)), "here": enc(NativeQrDecoder().decode_image(img, src)),
               "other_source": enc(bg.image_result(img, src + "x")),
               "other_bytes": enc(bg.image_result(img + b"\0", src))} for src, img in images]
    # the decoder uses the child's answer for the same image and decodes any other itself
    dec = NativeQrDecoder(BackgroundOfdQr(data, DEFAULT_LIMITS, 60.0))
    out[p + "#decoder"] = [enc(dec.decode_image(img, src)) for src, img in images]
data = open(sys.argv[1], "rb").read()
src, img = list_images(data)[0]
out["timeout"] = timeout_raised(lambda: BackgroundOfdQr(data, DEFAULT_LIMITS, 0.0).image_result(img, src))
""" + _PROBE_TAIL

_PROBE = _PROBE_HEAD + r"""
paths = sys.argv[1:]
datas = [open(p, "rb").read() for p in paths]
for p, data in zip(paths, datas):
    out[p] = {"bg": enc(BackgroundPdfQr(data, 10, 60.0).result(data, 10)),
              "here": enc(NativeQrDecoder().decode_pdf(data, 10))}
a, b = datas[0], datas[1]
out["other_bytes"] = enc(BackgroundPdfQr(a, 10, 60.0).result(b, 10))
out["other_pages"] = enc(BackgroundPdfQr(a, 10, 60.0).result(a, 3))
out["decoder_other_bytes"] = enc(NativeQrDecoder(BackgroundPdfQr(a, 10, 60.0)).decode_pdf(b, 10))
out["broken"] = raises(lambda: BackgroundPdfQr(a, "x", 60.0).result(a, "x"), QrDecodeFailed)
class Dies(BackgroundPdfQr):
    def _work(self):
        os.kill(os.getpid(), 9)
out["died"] = raises(lambda: Dies(a, 10, 60.0).result(a, 10), QrDecodeFailed)
# through the core: a dying child is QR_DECODE_FAILED, and the parent does not decode again
import checker
calls = []
class Counting(NativeQrDecoder):
    def _decode(self, *args):
        calls.append(1)
        return super()._decode(*args)
r = checker.check_bytes(a, "a.pdf", checker.Options(qr_decoder=Counting(Dies(a, 10, 60.0))))
out["died_codes"] = [f.code for f in r.findings if f.code.startswith("QR_")]
out["died_decodes_in_parent"] = len(calls)
out["timeout"] = timeout_raised(lambda: BackgroundPdfQr(a, 10, 0.0).result(a, 10))
""" + _PROBE_TAIL

_FORKS = pytest.mark.skipif(not hasattr(__import__("os"), "fork") or (__import__("os").cpu_count() or 1) < 2,
                            reason="POSIX with 2+ CPUs only")


def _run_probe(code: str, files) -> dict:
    import json
    import os
    import pathlib
    import subprocess
    import sys

    root = pathlib.Path(__file__).resolve().parent.parent
    proc = subprocess.run([sys.executable, "-c", code, *map(str, files)], cwd=root, capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, PYTHONPATH=str(root)))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)


@_FORKS
def test_background_ofd_decode_in_a_single_threaded_process():
    """OFD: the child's codes per image equal an in-process decode; another path or other bytes
    get None (decoded in process); no time left raises QrDecodeTimeout; no child is left."""
    files = _ofd_samples()  # the first one must hold an image (unsigned.ofd sorts last)
    out = _run_probe(_OFD_PROBE, files)
    decoded = 0
    for p in files:
        assert out[str(p)], f"{p.name}: no images listed"
        for entry, via_decoder in zip(out[str(p)], out[str(p) + "#decoder"]):
            assert entry["bg"] is not None and entry["bg"] == entry["here"], p.name
            assert entry["other_source"] is None and entry["other_bytes"] is None
            assert via_decoder == entry["here"]
            decoded += bool(entry["here"])
    assert decoded  # some image held a QR code
    assert out["timeout"] is True and out["children_left"] is False


@_FORKS
def test_background_decode_in_a_single_threaded_process():
    """In a fresh (single-threaded) process, like the CLI: the child's codes equal an in-process
    decode; other bytes or another page limit give None (the caller decodes itself); a child that
    fails or dies raises QrDecodeFailed and no time left QrDecodeTimeout (the core reports
    QR_DECODE_FAILED, never decoding the same file again in the parent); no child process is
    left behind."""
    files = _pdf_samples()
    lookalike = next(p for p in files if p.name == "lookalike-qr.pdf")
    plain = next(p for p in files if p.name == "sample-sm2.pdf")
    order = [plain, lookalike] + [p for p in files if p not in (plain, lookalike)]
    out = _run_probe(_PROBE, order)
    for p in order:
        assert out[str(p)]["bg"] is not None, p.name  # came from the child
        assert out[str(p)]["bg"] == out[str(p)]["here"], p.name
    assert out["other_bytes"] is None and out["other_pages"] is None
    assert out["decoder_other_bytes"] == out[str(lookalike)]["here"] and out["decoder_other_bytes"]
    assert "TypeError" in out["broken"] and out["timeout"] is True
    assert "signal 9" in out["died"]
    assert "QR_DECODE_FAILED" in out["died_codes"] and out["died_decodes_in_parent"] == 0
    assert out["children_left"] is False


def test_no_fork_in_a_process_with_threads():
    """pytest runs threads here: fork() could deadlock the child, so the decoder decodes in process."""
    import threading

    from checker.cli.qr_native import BackgroundPdfQr

    data = _pdf_samples()[0].read_bytes()
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        bg = BackgroundPdfQr(data, 10, 60.0)
        assert bg.result(data, 10) is None
        assert NativeQrDecoder(bg).decode_pdf(data, 10) == NativeQrDecoder().decode_pdf(data, 10)
    finally:
        stop.set()
        t.join()


def test_cli_json_is_the_same_with_the_background_decoder():
    """python -m checker == check_bytes with the in-process decoder: one file at a time (each run
    forks a QR child for its PDF or OFD), and all files in one run with one process and with two
    worker processes (both decode in process)."""
    import json
    import os
    import pathlib
    import subprocess
    import sys

    import checker

    root = pathlib.Path(__file__).resolve().parent.parent
    files = _pdf_samples() + _ofd_samples()
    import datetime as dt

    opts = checker.Options(trust_demo=True, today=dt.date(2026, 11, 23), qr_decoder=NativeQrDecoder())
    want = [json.loads(checker.check_bytes(p.read_bytes(), str(p), opts).to_json()) for p in files]
    for jobs in ("1", "2"):
        out = subprocess.run([sys.executable, "-m", "checker", "--json", "--jobs", jobs, "--trust-demo",
                              "--today", "2026-11-23", *map(str, files)], cwd=root,
                             env=dict(os.environ, PYTHONPATH=str(root)), capture_output=True, text=True, timeout=300)
        got = [json.loads(line) for line in out.stdout.splitlines()]
        assert got == want, jobs
    for path, expected in zip(files, want):
        out = subprocess.run([sys.executable, "-m", "checker", "--json", "--trust-demo", "--today", "2026-11-23",
                              str(path)], cwd=root, env=dict(os.environ, PYTHONPATH=str(root)),
                             capture_output=True, text=True, timeout=300)
        assert json.loads(out.stdout) == expected, path.name
    assert any(r["qr"] for r in got if r["format"] == "pdf")  # QR codes were decoded at all
    assert any(r["qr"] for r in got if r["format"] == "ofd")


def test_listing_an_ofd_s_images_loads_no_crypto():
    """The CLI's QR child lists an OFD's images (checker.check.list_images) while the parent
    checks the seals; the listing needs no CMS/SES code (importing it cost the child ~40 ms)."""
    import subprocess
    import sys

    from cert_samples_util import sample_dir

    code = ("import sys; from checker.check import list_images; "
            f"found = list_images(open({str(sample_dir() / 'sample-sm2.ofd')!r}, 'rb').read()); "
            "bad = [m for m in ('asn1crypto', 'checker._ofd.signatures', 'checker._crypto.cms') if m in sys.modules]; "
            "print(len(found), bad); sys.exit(1 if bad or not found else 0)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
