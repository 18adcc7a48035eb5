"""Native QR decoding for the CLI: pypdfium2 renders PDF pages, zxing-cpp decodes, Pillow opens images.

The core never imports this module; :mod:`checker.cli` injects :class:`NativeQrDecoder` through
``Options.qr_decoder`` when the optional dependencies are installed (``pip install checker[qr]``).
Constructing the decoder raises ImportError when they are missing, so the CLI falls back to
"QR not checked".

Codes are found as images or vector paths at any rotation: the page is rendered at two
resolutions and zxing-cpp searches rotated symbols itself (``try_rotate``).
"""
from __future__ import annotations

from typing import Sequence

from .options import QrInput

RENDER_SCALES = (3.0, 5.0)  # 216 and 360 dpi; the second only when the first finds nothing
MAX_RENDER_PIXELS = 40_000_000  # per page bitmap (a huge MediaBox must not exhaust memory)
MAX_IMAGE_PIXELS = 40_000_000  # decoded image size (decompression bombs)


class NativeQrDecoder:
    """Implements :class:`checker.options.QrDecoder`."""

    def __init__(self) -> None:
        # Present?  (ImportError → the CLI reports QR as not checked.)  They are imported on first
        # use: an OFD never loads pdfium (~50 ms of the CLI's start-up).  A module that is present
        # but fails to import raises in decode_*, which the core reports as QR_DECODE_FAILED.
        import importlib.util

        for name in ("PIL", "pypdfium2", "zxingcpp"):
            if importlib.util.find_spec(name) is None:
                raise ImportError(f"No module named {name!r}")

    # -- PDF ----------------------------------------------------------------------------------
    def decode_pdf(self, data: bytes, max_pages: int) -> Sequence[QrInput]:
        import pypdfium2 as pdfium

        out: list[QrInput] = []
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError:
            return out  # the PDF engine reports broken files; nothing to decode here
        try:
            for index in range(min(len(pdf), max_pages)):
                page = pdf[index]
                try:
                    w, h = page.get_size()
                    found: list[QrInput] = []
                    for scale in RENDER_SCALES:
                        if w * h * scale * scale > MAX_RENDER_PIXELS:
                            scale = (MAX_RENDER_PIXELS / max(w * h, 1.0)) ** 0.5
                        bitmap = page.render(scale=scale, grayscale=True)
                        image = bitmap.to_pil()
                        found = self._decode(image, f"page {index + 1}")
                        if found:
                            break
                    out.extend(found)
                finally:
                    page.close()
        finally:
            pdf.close()
        return out

    # -- images (OFD resources) ----------------------------------------------------------------
    def decode_image(self, data: bytes, source: str) -> Sequence[QrInput]:
        import io

        from PIL import Image

        Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
        try:
            with Image.open(io.BytesIO(data)) as im:
                if im.width * im.height > MAX_IMAGE_PIXELS:
                    return []
                im.load()
                image = _flatten(im)
        except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
            return []
        # tiny symbols (one pixel per module) decode better enlarged without smoothing
        if min(image.size) < 300:
            factor = max(2, 300 // max(1, min(image.size)))
            image = image.resize((image.width * factor, image.height * factor), Image.NEAREST)
        found = self._decode(image, source)
        # the box is relative to the image here; the page position is unknown
        return found

    # -- shared ------------------------------------------------------------------------------
    @staticmethod
    def _decode(image, source: str) -> list[QrInput]:
        import zxingcpp

        results = zxingcpp.read_barcodes(
            image, formats=zxingcpp.BarcodeFormat.QRCode, try_rotate=True, try_downscale=True
        )
        out = []
        W, H = image.size
        for r in results:
            if not r.valid or not r.text:
                continue
            p = r.position
            xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
            ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
            box = (min(xs) / W, min(ys) / H, (max(xs) - min(xs)) / W, (max(ys) - min(ys)) / H)
            out.append(QrInput(text=r.text, source=source, box=tuple(round(v, 4) for v in box)))
        return out


def _flatten(im):
    """Greyscale on white (transparent QR images are common in OFD resources)."""
    from PIL import Image

    if im.mode in ("RGBA", "LA", "P"):
        im = im.convert("RGBA")
        bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
        bg.alpha_composite(im)
        im = bg
    return im.convert("L")


__all__ = ["NativeQrDecoder"]
