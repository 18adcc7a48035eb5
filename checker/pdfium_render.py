"""Render PDF pages to 8-bit grey pixels with PDFium's C API, for the CLI's QR decoding.

The library is the ``libpdfium`` that the pinned pypdfium2 wheel ships (its ``pypdfium2_raw``
package); this module declares the dozen functions it calls with ctypes and loads the library
itself.  Importing pypdfium2's Python layers (logging, typing, argparse, pathlib, the generated
bindings for the whole API, Pillow for the image) took ~70–100 ms of a CLI run that is otherwise
~0.2 s; loading the library takes under 1 ms.  The declarations match pypdfium2's generated
bindings (a test compares them) and the rendering matches ``PdfPage.render(grayscale=True)``
pixel for pixel (a test compares the bitmaps).

Not used by the core: :mod:`checker.qr_native` calls it.
"""
from __future__ import annotations

import ctypes
import math

# pdfium constants (fpdfview.h)
FPDF_ANNOT = 0x01
FPDF_GRAYSCALE = 0x08
FPDFBITMAP_GRAY = 1
WHITE = 0xFFFFFFFF


class _LibraryConfig(ctypes.Structure):  # FPDF_LIBRARY_CONFIG, version 2
    _fields_ = (
        ("version", ctypes.c_int),
        ("m_pUserFontPaths", ctypes.POINTER(ctypes.POINTER(ctypes.c_char))),
        ("m_pIsolate", ctypes.c_void_p),
        ("m_v8EmbedderSlot", ctypes.c_uint),
    )


_P = ctypes.c_void_p  # FPDF_DOCUMENT, FPDF_PAGE, FPDF_BITMAP: opaque handles
_I = ctypes.c_int
# name: (restype, argtypes)
SIGNATURES = {
    "FPDF_InitLibraryWithConfig": (None, (ctypes.POINTER(_LibraryConfig),)),
    "FPDF_LoadMemDocument64": (_P, (ctypes.c_void_p, ctypes.c_size_t, ctypes.c_char_p)),
    "FPDF_GetPageCount": (_I, (_P,)),
    "FPDF_LoadPage": (_P, (_P, _I)),
    "FPDF_GetPageWidthF": (ctypes.c_float, (_P,)),
    "FPDF_GetPageHeightF": (ctypes.c_float, (_P,)),
    "FPDFBitmap_CreateEx": (_P, (_I, _I, _I, ctypes.c_void_p, _I)),
    "FPDFBitmap_FillRect": (_I, (_P, _I, _I, _I, _I, ctypes.c_ulong)),
    "FPDF_RenderPageBitmap": (None, (_P, _P, _I, _I, _I, _I, _I, _I)),
    "FPDFBitmap_Destroy": (None, (_P,)),
    "FPDF_ClosePage": (None, (_P,)),
    "FPDF_CloseDocument": (None, (_P,)),
}

_lib = None


class PdfiumError(RuntimeError):
    """PDFium could not open a document or load a page."""


def library_path() -> str | None:
    """Where the pypdfium2 wheel keeps libpdfium (None: not installed).  Finding the package
    does not import it."""
    import importlib.util
    import os

    spec = importlib.util.find_spec("pypdfium2_raw")
    for folder in (spec.submodule_search_locations or ()) if spec else ():
        for name in ("libpdfium.so", "libpdfium.dylib", "pdfium.dll"):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                return path
    return None


def _library():
    global _lib
    if _lib is None:
        path = library_path()
        if path is None:
            raise ImportError("libpdfium not found (pip install pypdfium2)")
        lib = ctypes.CDLL(path)
        for name, (restype, argtypes) in SIGNATURES.items():
            fn = getattr(lib, name)
            fn.restype, fn.argtypes = restype, argtypes
        # Initialising twice is harmless: PDFium ignores a second call (pypdfium2 may have done it).
        lib.FPDF_InitLibraryWithConfig(ctypes.byref(_LibraryConfig(version=2)))
        _lib = lib
    return _lib


class _Closing:
    """``with``: close() at the end."""

    def close(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class Document(_Closing):
    """A PDF opened by PDFium; ``with Document(data) as doc: doc.page(0).render(3.0)``.

    Raises PdfiumError when PDFium cannot open it (damaged, encrypted with a password)."""

    def __init__(self, data: bytes) -> None:
        self._lib = _library()
        self._data = data  # PDFium reads it in place: it must live as long as the document
        self._doc = self._lib.FPDF_LoadMemDocument64(data, len(data), None)
        if not self._doc:
            raise PdfiumError("PDFium could not open the document")

    def __len__(self) -> int:
        return self._lib.FPDF_GetPageCount(self._doc)

    def page(self, index: int) -> "Page":
        handle = self._lib.FPDF_LoadPage(self._doc, index)
        if not handle:
            raise PdfiumError(f"PDFium could not load page {index + 1}")
        return Page(self._lib, handle)

    def close(self) -> None:
        if self._doc:
            self._lib.FPDF_CloseDocument(self._doc)
            self._doc = None


class Page(_Closing):
    """One loaded page; close it (or use ``with``) before its document."""

    def __init__(self, lib, handle) -> None:
        self._lib, self._page = lib, handle

    def size(self) -> tuple[float, float]:
        """Width and height in points."""
        return self._lib.FPDF_GetPageWidthF(self._page), self._lib.FPDF_GetPageHeightF(self._page)

    def render(self, scale: float) -> tuple[int, int, bytearray]:
        """``(width, height, pixels)``: the page at ``scale`` (1 = 72 dpi) on white, annotations
        drawn, in grey: one byte per pixel, rows ``width`` bytes apart."""
        lib = self._lib
        w_pt, h_pt = self.size()
        width, height = math.ceil(w_pt * scale), math.ceil(h_pt * scale)
        if width < 1 or height < 1:
            raise PdfiumError("empty page")
        pixels = bytearray(width * height)
        buffer = (ctypes.c_ubyte * len(pixels)).from_buffer(pixels)
        bitmap = lib.FPDFBitmap_CreateEx(width, height, FPDFBITMAP_GRAY, buffer, width)
        if not bitmap:
            raise MemoryError("PDFium could not create a page bitmap")
        try:
            lib.FPDFBitmap_FillRect(bitmap, 0, 0, width, height, WHITE)
            lib.FPDF_RenderPageBitmap(bitmap, self._page, 0, 0, width, height, 0, FPDF_ANNOT | FPDF_GRAYSCALE)
        finally:
            lib.FPDFBitmap_Destroy(bitmap)
            del buffer  # releases the export of ``pixels``
        return width, height, pixels

    def close(self) -> None:
        if self._page:
            self._lib.FPDF_ClosePage(self._page)
            self._page = None
