"""checker.pdfium_render: our ctypes declarations of PDFium's C API and the pixels they render,
compared with pypdfium2 (whose bindings are generated from PDFium's headers) on the same library."""
import ctypes
import pathlib

import pytest

pdfium = pytest.importorskip("pypdfium2")
raw = pytest.importorskip("pypdfium2_raw")
pytest.importorskip("PIL")

from checker import pdfium_render  # noqa: E402
from checker.pdfium_render import Document, PdfiumError  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "corpus" / "pdf-pyhanko"


def _ctype_kind(t):
    """Pointers are pointers, whatever they point to (ctypesgen types each handle separately)."""
    if t is None:
        return None
    if t in (ctypes.c_void_p, ctypes.c_char_p) or (isinstance(t, type) and issubclass(t, ctypes._Pointer)):
        return "pointer"
    return ctypes.sizeof(t), t._type_


def test_declarations_match_pypdfium2_bindings():
    for name, (restype, argtypes) in pdfium_render.SIGNATURES.items():
        theirs = getattr(raw, name)
        assert _ctype_kind(restype) == _ctype_kind(theirs.restype), name
        assert [_ctype_kind(a) for a in argtypes] == [_ctype_kind(a) for a in theirs.argtypes], name
    ours = pdfium_render._LibraryConfig._fields_
    assert [(n, _ctype_kind(t)) for n, t in ours] == [(n, _ctype_kind(t)) for n, t in raw.FPDF_LIBRARY_CONFIG._fields_[:4]]
    assert (pdfium_render.FPDF_ANNOT, pdfium_render.FPDF_GRAYSCALE, pdfium_render.FPDFBITMAP_GRAY) == (
        raw.FPDF_ANNOT, raw.FPDF_GRAYSCALE, raw.FPDFBitmap_Gray)
    assert pdfium_render.library_path() == str(pathlib.Path(raw.__file__).with_name("libpdfium.so"))


def _annotated_pdf() -> bytes:
    """A page whose only marks are an annotation's appearance (drawn only with FPDF_ANNOT)."""
    from testkit import pdfsign

    objs = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        3: b"<< /Producer (test) >>",
        4: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Annots [5 0 R] >>",
        5: b"<< /Type /Annot /Subtype /Square /Rect [50 50 150 150] /F 4 /AP << /N 6 0 R >> >>",
        6: pdfsign.stream_obj(b"0 g 0 0 100 100 re f", b" /Type /XObject /Subtype /Form /BBox [0 0 100 100]"),
    }
    return pdfsign.write_full(objs, root=1, info=3)


def test_annotations_are_drawn():
    with Document(_annotated_pdf()) as doc, doc.page(0) as page:
        width, height, pixels = page.render(1.0)
    assert (width, height) == (200, 200)
    assert pixels[100 * 200 + 100] < 64 and pixels[10 * 200 + 10] == 255  # box drawn, margin white


def _inputs():
    import make_samples

    fonts = make_samples.Fonts(make_samples.all_chars())
    out = {f"sample-{kind}-{angle}": make_samples.render_pdf(
        make_samples.replace(make_samples.DEFAULT, qr_kind=kind, qr_angle=angle), fonts)
        for kind, angle in (("vector", 0.0), ("image", 33.0))}
    out["annotation-appearance"] = _annotated_pdf()
    if CORPUS.is_dir():
        for p in sorted(CORPUS.glob("*.pdf"))[:12]:
            out[p.name] = p.read_bytes()
    return out


@pytest.mark.parametrize("scale", [1.0, 3.0])
def test_pixels_equal_pypdfium2_grayscale_render(scale):
    compared = 0
    for name, data in _inputs().items():
        try:
            theirs_doc = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:  # it also refuses documents without pages: nothing to render either way
            try:
                with Document(data) as doc:
                    assert len(doc) < 1, name
            except PdfiumError:
                pass
            continue
        with Document(data) as ours_doc:
            assert len(ours_doc) == len(theirs_doc), name
            for index in range(min(len(theirs_doc), 2)):
                try:
                    page = ours_doc.page(index)
                except PdfiumError:  # e.g. a circular page tree: pypdfium2 cannot load it either
                    with pytest.raises(pdfium.PdfiumError):
                        theirs_doc[index]
                    continue
                with page:
                    width, height, pixels = page.render(scale)
                image = theirs_doc[index].render(scale=scale, grayscale=True).to_pil()
                assert image.mode == "L" and image.size == (width, height), name
                assert image.tobytes() == bytes(pixels), f"{name} page {index + 1}"
                compared += 1
        theirs_doc.close()
    assert compared >= 4


def test_broken_and_encrypted_documents():
    with pytest.raises(PdfiumError):
        Document(b"%PDF-1.7\nnot a pdf")
    with pytest.raises(PdfiumError):
        Document(b"")


def test_pdf_qr_decoding_loads_neither_pypdfium2_nor_pillow():
    """The reason this module exists (~70–100 ms of each CLI run): keep it that way."""
    import subprocess
    import sys

    code = ("import sys; from checker.qr_native import NativeQrDecoder; from testkit.pdfsign import base_pdf; "
            "NativeQrDecoder().decode_pdf(base_pdf(['x']), 1); "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('pypdfium2', 'PIL')]; "
            "print(bad); sys.exit(1 if bad or 'checker.pdfium_render' not in sys.modules else 0)")
    env = {**__import__("os").environ, "PYTHONPATH": str(ROOT / "scripts")}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env)
    assert p.returncode == 0, p.stdout + p.stderr


def test_constructing_the_decoder_does_not_load_ctypes():
    """The CLI's parent process builds the decoder and forks; only the child renders.  ctypes
    and the library stay out of the parent (its start-up is the CLI's critical path)."""
    import subprocess
    import sys

    code = ("import sys; from checker.qr_native import NativeQrDecoder; NativeQrDecoder(); "
            "bad = [m for m in ('ctypes', 'checker.pdfium_render') if m in sys.modules]; "
            "print(bad); sys.exit(1 if bad else 0)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert p.returncode == 0, p.stdout + p.stderr
