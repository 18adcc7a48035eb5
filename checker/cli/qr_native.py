"""Native QR decoding for the CLI: PDFium renders PDF pages (through pypdfium2), zxing-cpp
decodes, Pillow opens images.

The core never imports this module; :mod:`checker.cli` injects :class:`NativeQrDecoder` through
``Options.qr_decoder`` when the optional dependencies are installed (``pip install checker[qr]``).
Constructing the decoder raises ImportError when they are missing, so the CLI falls back to
"QR not checked".

Codes are found as images or vector paths at any rotation: the page is rendered at two
resolutions and zxing-cpp searches rotated symbols itself (``try_rotate``).
"""
from __future__ import annotations

import hashlib
import json
import os
import select
import signal
import sys
import time
from collections.abc import Sequence
from typing import Any

from ..limits import DEFAULT_LIMITS, Limits
from ..options import QrInput

# Coarse to fine: 72, 216 and 360 dpi, each only when the one before found nothing.  At 72 dpi a
# 36 mm certificate code (version 5, 37 modules) gets ~2.7 px per module, which zxing-cpp reads, at
# a ninth of the pixels of 216 dpi: 175 one-page certificates took 22 ms of CPU each instead of
# 44 (same codes found).  A smaller code costs the coarse try (~1 ms) and is read at 216 or 360.
RENDER_SCALES = (1.0, 3.0, 5.0)
MAX_RENDER_SIDE = 32_000  # pixels; zxing-cpp refuses images wider or taller than 65 535


class NativeQrDecoder:
    """Implements :class:`checker.options.QrDecoder`.

    ``background``: a :class:`BackgroundPdfQr` or :class:`BackgroundOfdQr` already decoding this
    file in a child process; ``decode_pdf`` / ``decode_image`` take its answer when it is for the
    same bytes, else decode here."""

    def __init__(self, background: _Background | None = None, limits: Limits = DEFAULT_LIMITS) -> None:
        self._background = background
        self._limits = limits  # max_render_pixels (a huge MediaBox), max_qr_image_pixels (bombs)
        # Present?  (ImportError → the CLI reports QR as not checked.)  They are loaded on first
        # use: an OFD never loads pdfium, a PDF never loads Pillow.  A module that is present but
        # fails to load raises in decode_*, which the core reports as QR_DECODE_FAILED.
        import importlib.util

        for name in ("PIL", "pypdfium2", "zxingcpp"):
            if importlib.util.find_spec(name) is None:
                raise ImportError(f"No module named {name!r}")

    # -- PDF ----------------------------------------------------------------------------------
    def decode_pdf(self, data: bytes, max_pages: int) -> Sequence[QrInput]:
        if isinstance(self._background, BackgroundPdfQr):
            background, self._background = self._background, None
            found = background.result(data, max_pages)
            if found is not None:
                return found
        import pypdfium2

        out: list[QrInput] = []
        try:
            pdf = pypdfium2.PdfDocument(data)
        except pypdfium2.PdfiumError:
            return out  # the PDF engine reports broken files; nothing to decode here
        try:
            for index in range(min(len(pdf), max_pages)):
                out.extend(self._decode_page(pdf[index], f"page {index + 1}"))
        finally:
            pdf.close()
        return out

    def _decode_page(self, page: Any, source: str) -> list[QrInput]:
        """Render ``page`` in grey at the first scale that finds a code (at most two renderings)."""
        try:
            w, h = page.get_size()
            found: list[QrInput] = []
            for scale in RENDER_SCALES:
                max_pixels = self._limits.max_render_pixels
                if w * h * scale * scale > max_pixels:
                    scale = (max_pixels / max(w * h, 1.0)) ** 0.5
                scale = min(scale, MAX_RENDER_SIDE / max(w, h, 1.0))  # zxing's limit
                bitmap = page.render(scale=scale, grayscale=True)
                try:
                    # a packed 8-bit grey buffer: one byte per pixel, rows ``width`` bytes apart
                    image = memoryview(bitmap.buffer).cast("B", (bitmap.height, bitmap.width))
                    found = self._decode(image, bitmap.width, bitmap.height, source)
                finally:
                    bitmap.close()
                if found:
                    break
            return found
        finally:
            page.close()

    # -- images (OFD resources) ----------------------------------------------------------------
    def decode_image(self, data: bytes, source: str) -> Sequence[QrInput]:
        if isinstance(self._background, BackgroundOfdQr):
            found = self._background.image_result(data, source)
            if found is not None:
                return found
        import io

        from PIL import Image

        Image.MAX_IMAGE_PIXELS = self._limits.max_qr_image_pixels
        try:
            with Image.open(io.BytesIO(data)) as im:
                if im.width * im.height > self._limits.max_qr_image_pixels:
                    return []
                im.load()
                image = _flatten(im)
        except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
            return []
        # tiny symbols (one pixel per module) decode better enlarged without smoothing
        if min(image.size) < 300:
            factor = max(2, 300 // max(1, min(image.size)))
            image = image.resize((image.width * factor, image.height * factor), Image.Resampling.NEAREST)
        found = self._decode(image, image.width, image.height, source)
        # the box is relative to the image here; the page position is unknown
        return found

    # -- shared ------------------------------------------------------------------------------
    @staticmethod
    def _decode(image, W: int, H: int, source: str) -> list[QrInput]:
        """zxing-cpp on ``image`` (a Pillow image or grey pixels as a (H, W) memoryview)."""
        import zxingcpp

        results = zxingcpp.read_barcodes(
            image,
            formats=zxingcpp.BarcodeFormat.QRCode,  # type: ignore[arg-type]  # one format is accepted too
            try_rotate=True,
            try_downscale=True,
        )
        out = []
        for r in results:
            if not r.valid or not r.text:
                continue
            p = r.position
            xs = [p.top_left.x, p.top_right.x, p.bottom_left.x, p.bottom_right.x]
            ys = [p.top_left.y, p.top_right.y, p.bottom_left.y, p.bottom_right.y]
            x, y, w, h = min(xs) / W, min(ys) / H, (max(xs) - min(xs)) / W, (max(ys) - min(ys)) / H
            box = (round(x, 4), round(y, 4), round(w, 4), round(h, 4))
            out.append(QrInput(text=r.text, source=source, box=box))
        return out


class QrDecodeTimeout(RuntimeError):
    """The background decoder took too long.  The core reports it as QR_DECODE_FAILED."""


class QrDecodeFailed(RuntimeError):
    """The background decoder failed or its process died (a crash in PDFium or zxing-cpp).
    The core reports it as QR_DECODE_FAILED; decoding the same bytes again in the parent would
    only crash the parent too."""


class _Background:
    """Run ``self._work()`` in a forked child while this process runs the checks; collect its
    JSON answer once.

    A single-file run is mostly imports: the QR libraries (PDFium or Pillow, zxing-cpp) in the
    child and the engines here load on two cores at once.  POSIX with two or more CPUs only;
    anywhere else (or when forking is unsafe) there is no child and the caller decodes in
    process.  Once the child runs, its answer is final: a child that fails or dies means
    QR_DECODE_FAILED.
    """

    def __init__(self, timeout_s: float) -> None:
        self._timeout = timeout_s
        self._pid: int | None = None
        self._fd: int | None = None
        if not hasattr(os, "fork") or (os.cpu_count() or 1) < 2 or _threaded():
            return
        r, w = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            return
        if pid == 0:  # pragma: no cover - the child (coverage does not follow a fork)
            os.close(r)
            os._exit(_child_main(self._work, w))
        os.close(w)
        self._pid, self._fd = pid, r

    def _work(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    @property
    def running(self) -> bool:
        """A child was started and its answer not collected yet."""
        return self._pid is not None

    def _answer(self) -> Any:
        """The child's answer (plain JSON data).

        Raises QrDecodeTimeout when the child needs more than ``timeout_s``, QrDecodeFailed when
        it reports an error, dies or writes something unreadable."""
        assert self._pid is not None and self._fd is not None, "no child process"
        fd = self._fd
        try:
            chunks = []
            deadline = time.monotonic() + self._timeout
            while True:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([fd], [], [], left)[0]:
                    # Decoding again here would take as long: the core reports QR_DECODE_FAILED.
                    raise QrDecodeTimeout(f"QR decoding took more than {self._timeout:g} s")
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
            _, status = os.waitpid(self._pid, 0)
            self._pid = None
            if os.WIFSIGNALED(status):
                raise QrDecodeFailed(f"the QR decoding process died (signal {os.WTERMSIG(status)})")
            answer = json.loads(b"".join(chunks)) if chunks else None
            if not isinstance(answer, dict):
                raise QrDecodeFailed(f"the QR decoding process ended without an answer (status {status})")
            if "error" in answer:
                raise QrDecodeFailed(str(answer["error"]))
            return answer["codes"]
        except (OSError, ValueError, KeyError) as exc:
            raise QrDecodeFailed(f"no answer from the QR decoding process: {exc}") from exc
        finally:
            self.close()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            except OSError:
                pass
            self._pid = None


def _child_main(work: Any, fd: int) -> int:  # pragma: no cover - runs in the forked child
    """Do the work, write ``{"codes": ...}`` or ``{"error": ...}`` as JSON to ``fd``; the exit
    status for ``os._exit`` (the child leaves without running the parent's exit code)."""
    try:
        try:
            answer = {"codes": work()}
        except Exception as exc:  # reported in the parent as QR_DECODE_FAILED
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        view = memoryview(json.dumps(answer).encode("utf-8"))
        while view:
            view = view[os.write(fd, view):]
        return 0
    except BaseException:  # a child must never run the parent's code
        return 1


def _codes(items) -> list[QrInput]:
    return [QrInput(text=str(t), source=str(src), box=tuple(box) if box else None) for t, src, box in items]


def _plain(codes: Sequence[QrInput]) -> list:
    return [[q.text, q.source, q.box] for q in codes]


class BackgroundPdfQr(_Background):
    """Decode one PDF's QR codes (rendered pages) in a forked child."""

    def __init__(self, data: bytes, max_pages: int, timeout_s: float) -> None:
        self._data = data
        self._max_pages = max_pages
        super().__init__(timeout_s)

    def _work(self):
        return _plain(NativeQrDecoder().decode_pdf(self._data, self._max_pages))

    def result(self, data: bytes, max_pages: int) -> list[QrInput] | None:
        """The child's codes for exactly this input, or None when no child decodes it (then the
        caller decodes in process).

        Raises QrDecodeTimeout or QrDecodeFailed (see ``_answer``)."""
        if not self.running:
            return None
        if max_pages != self._max_pages or (data is not self._data and data != self._data):
            self.close()
            return None
        answer = self._answer()
        try:
            return _codes(answer)
        except (TypeError, ValueError) as exc:
            raise QrDecodeFailed(f"unreadable answer from the QR decoding process: {exc}") from exc


class BackgroundOfdQr(_Background):
    """Decode the QR codes of an OFD package's images in a forked child.

    The child lists the images itself (:func:`checker.check.list_images`, the same list the OFD
    engine gives the core); each answer is keyed by the image's source path and SHA-256, so the
    parent uses it only for exactly those bytes and decodes any other image itself."""

    def __init__(self, data: bytes, limits: Limits, timeout_s: float) -> None:
        self._data = data
        self._limits = limits
        self._by_image: dict[tuple[str, str], list[QrInput]] | None = None
        super().__init__(timeout_s)

    def _work(self):
        from ..check import list_images
        from ..options import Options

        decoder = NativeQrDecoder(limits=self._limits)
        return [[source, hashlib.sha256(img).hexdigest(), _plain(decoder.decode_image(img, source))]
                for source, img in list_images(self._data, Options(limits=self._limits))]

    def image_result(self, data: bytes, source: str) -> list[QrInput] | None:
        """The child's codes for this image (same path, same bytes), or None when no child
        decoded it (then the caller decodes in process).

        Raises QrDecodeTimeout or QrDecodeFailed (see ``_answer``)."""
        if self._by_image is None:
            if not self.running:
                return None
            answer = self._answer()
            by_image = {}
            try:
                for src, digest, items in answer:
                    by_image[(str(src), str(digest))] = _codes(items)
            except (TypeError, ValueError) as exc:
                raise QrDecodeFailed(f"unreadable answer from the QR decoding process: {exc}") from exc
            self._by_image = by_image
        return self._by_image.get((source, hashlib.sha256(data).hexdigest()))


def _threaded() -> bool:
    """fork() in a process with other threads can deadlock the child (a lock held by a thread
    that does not exist there): the CLI has none; a host application might."""
    threading = sys.modules.get("threading")
    return threading is not None and threading.active_count() > 1


def _flatten(im):
    """Greyscale on white (transparent QR images are common in OFD resources)."""
    from PIL import Image

    if im.mode in ("RGBA", "LA", "P"):
        im = im.convert("RGBA")
        bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
        bg.alpha_composite(im)
        im = bg
    return im.convert("L")


__all__ = ["BackgroundOfdQr", "BackgroundPdfQr", "NativeQrDecoder", "QrDecodeFailed", "QrDecodeTimeout"]
