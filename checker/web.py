"""The browser worker's Python side: ``docs/assets/checker/worker.mjs`` imports this module and
calls its functions (the message protocol is documented at the top of worker.mjs).

Nothing here needs a browser: the worker hands over page options as JSON text and file bytes as
a Pyodide proxy of a JavaScript ``Uint8Array`` (anything with ``to_bytes()``) and gets back JSON
text (``Result.to_json()``), so the same functions run and are tested under CPython.
"""
from __future__ import annotations

import base64
import datetime as _dt
import json
import sys
from typing import Any, Protocol

from ._version import __version__
from .check import PendingCheck, check_bytes, list_images, start_check
from .limits import DEFAULT_LIMITS
from .options import Options, QrInput

MAX_PENDING = 4  # prepared checks kept for "finish": a page that never finishes cannot pile files up


class JsBytes(Protocol):
    """A Pyodide proxy of a JavaScript typed array."""

    def to_bytes(self) -> bytes: ...


_pending: dict[int, PendingCheck] = {}
_site_trust: tuple[bytes, ...] = ()  # DER of the site's extra roots (origin "site"), set once at start


def as_bytes(data: JsBytes | bytes | bytearray | memoryview) -> bytes:
    """The bytes of a file the page sent (a proxied ``Uint8Array``, or bytes in tests)."""
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    return data.to_bytes()


def qr_box(box: Any) -> tuple[float, float, float, float] | None:
    """A QR code's ``[x, y, w, h]`` (or ``{x, y, w, h}``) relative to the page, or None."""
    if box is None:
        return None
    if isinstance(box, dict):
        box = (box["x"], box["y"], box["w"], box["h"])
    values = tuple(float(v) for v in box)
    if len(values) != 4:
        raise ValueError("qr box must have 4 numbers")
    return values[0], values[1], values[2], values[3]


def set_site_roots(roots_json: str | None) -> str:
    """Trust the site's extra roots (``checker/site-roots.json`` as ``make build TRUST_DIR=``
    wrote it) in every check.  Each root must still read as a CA certificate, else it is left out
    with a console message; validity is judged per check, like any anchor's.  Returns the JSON
    list of the roots taken: ``[{subject, sha256}]``."""
    global _site_trust
    from ._crypto import CryptoError
    from ._crypto.trust import extra_anchors

    accepted: list[bytes] = []
    listed: list[dict[str, str]] = []
    for r in (json.loads(roots_json).get("roots") or []) if roots_json else []:
        try:
            der = base64.b64decode(r["der"], validate=True)
            (anchor,) = extra_anchors((der,), "site")
        except (CryptoError, KeyError, TypeError, ValueError) as exc:
            print("site root left out:", getattr(exc, "detail", exc), file=sys.stderr)
            continue
        accepted.append(der)
        listed.append({"subject": anchor.name, "sha256": anchor.sha256})
    _site_trust = tuple(accepted)
    return json.dumps(listed, ensure_ascii=False)


def options(opts_json: str | None) -> Options:
    """``Options`` from the page's JSON: ``{trust_demo, today: "YYYY-MM-DD" | null, user_trust:
    [base64 DER, ...], qr: [...] | null}``, with the site's roots (:func:`set_site_roots`).

    ``qr`` null lets the core decide (it has no decoder in the browser); ``[]`` means decoded,
    none found."""
    o = json.loads(opts_json) if opts_json else {}
    qr = o.get("qr")
    qr_texts = None
    if qr is not None:
        qr_texts = tuple(QrInput(text=str(q.get("text", "")), source=str(q.get("source") or ""), box=qr_box(q.get("box")))
                         for q in qr)
    today = o.get("today")
    return Options(trust_demo=bool(o.get("trust_demo", False)),
                   today=_dt.date.fromisoformat(today) if today else None,
                   site_trust=_site_trust,
                   user_trust=tuple(base64.b64decode(str(d)) for d in (o.get("user_trust") or ())),
                   qr_texts=qr_texts)


def examine_root(data: JsBytes | bytes, today: str | None) -> str:
    """Message "examine-root": what a reader is about to trust (one CA certificate) as JSON,
    ``{ok: true, root}``, or ``{ok: false, code, message, message_en}`` saying why not."""
    from ._crypto.trust import RootRefused, examine_root as examine
    from .messages import lookup, render

    try:
        day = _dt.date.fromisoformat(today) if today else None
        root = examine(as_bytes(data), day, max_bytes=DEFAULT_LIMITS.max_trust_root_bytes)
    except RootRefused as exc:
        msg = lookup(exc.code)
        return json.dumps({"ok": False, "code": exc.code, "message": render(msg.zh, exc.params),
                           "message_en": render(msg.en, exc.params)}, ensure_ascii=False)
    return json.dumps({"ok": True, "root": root.to_dict()}, ensure_ascii=False)


def check(data: JsBytes | bytes, name: str | None, opts_json: str | None) -> str:
    """Message "check": the whole check, as ``Result.to_json()``."""
    return check_bytes(as_bytes(data), str(name or ""), options(opts_json)).to_json()


def prepare(key: int, data: JsBytes | bytes, name: str | None, opts_json: str | None) -> str:
    """Message "prepare": run the format engine now, keep the check under ``key`` for
    :func:`finish`; returns the format ("pdf" | "ofd" | "unknown")."""
    pending = start_check(as_bytes(data), str(name or ""), options(opts_json))
    _pending[int(key)] = pending
    while len(_pending) > MAX_PENDING:
        _pending.pop(next(iter(_pending)))
    return pending.format


def finish(key: int, opts_json: str | None) -> str:
    """Message "finish": the prepared check with the page's QR texts, as ``Result.to_json()``.
    A prepared check is used once."""
    pending = _pending.pop(int(key), None)
    if pending is None:
        raise KeyError("no prepared check with this id")
    return pending.finish(options(opts_json).qr_texts).to_json()


def csv(results_json: str) -> str:
    """Message "csv": the page's results (a JSON list of ``Result.to_dict()``) as CSV text with a BOM."""
    from .report import csv_text

    return csv_text(json.loads(results_json))


def images(data: JsBytes | bytes) -> list[tuple[str, bytes]]:
    """Message "images": ``[(source, png_or_jpeg_bytes)]`` of an OFD's images (PDFs: ``[]``)."""
    return [(str(source), bytes(image)) for source, image in list_images(as_bytes(data))]


def install_sm3() -> str:
    """Use the page's SM3 (``sm3.mjs``, registered by the worker as the JS module ``_cqc_sm3``):
    Pyodide's hashlib has no SM3 and the pure-Python one is ~100x slower.  ``register_sm3``
    refuses it unless it reproduces the standard vectors.  Returns "js" or "python"."""
    try:
        import _cqc_sm3  # type: ignore[import-not-found]  # only in the worker
        from pyodide.ffi import to_js  # type: ignore[import-not-found]  # only under Pyodide
    except ImportError:
        return "python"
    from ._crypto.digest import register_sm3

    class JsSM3:
        def __init__(self, h: Any = None) -> None:
            self._h = _cqc_sm3.create() if h is None else h

        def update(self, data: bytes) -> None:
            self._h.update(to_js(memoryview(data)))

        def digest(self) -> bytes:
            return bytes(self._h.digest().to_py())

        def copy(self) -> JsSM3:
            return JsSM3(self._h.copy())

    return "js" if register_sm3(JsSM3) else "python"


def start() -> dict[str, str]:
    """Called once the packages are installed: what the "ready" message reports."""
    return {"python": sys.version.split()[0], "checker": __version__, "sm3": install_sm3()}


def _warm_up_pdf() -> bytes:
    """A one-page PDF with a line of text (the parser, text and certificate code paths)."""
    objs = [b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
            b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
            b"<</Length 36>>stream\nBT /F1 12 Tf 72 720 Td (warm) Tj ET\nendstream"]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def warm_up() -> None:
    """Import the engines and run their code paths once (PDF parser, text, certificate rules,
    big-integer SM2 arithmetic, the trust stores) right after "ready", so the browser has
    optimised the interpreter's hot WebAssembly functions before the user's first file
    (measured: with the memory snapshot, which skips the imports that used to do this, the first
    check took ~0.5 s of Python).  Errors here only cost speed; the worker logs them."""
    from . import _cert, _ofd, _pdf  # noqa: F401  (imported now, not at the first check)
    from ._crypto import cms, sm2  # noqa: F401
    from ._crypto.trust import TrustStore
    from ._ofd import signatures  # noqa: F401
    from ._pdf import text  # noqa: F401

    # GB/T 32918 example key (d = 3945208F...C5B8), message "warm-up", k = 59276E27...BC21
    pub = (0x09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020,
           0xCCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13)
    sig = (0xA8C3C4EBD26DF79B76399C7DA0A127C0FABD4161F08E0C18F4D69275C27C73BA,
           0x6A0A25DB6D40F3CC4371C96442C31722A81FE78FC1610D60837FC9784500A6FD)
    if not sm2.verify(pub, b"warm-up", sig):
        raise RuntimeError("SM2 warm-up vector does not verify")
    pdf = _warm_up_pdf()
    for _ in range(3):
        check_bytes(pdf, "warm-up.pdf")
    for opts in (Options(), Options(trust_demo=True)):  # bundled and demo anchors, chains checked once
        store = TrustStore.from_options(opts)
        for cert in store.intermediates:
            store.validate(cert, usage=None)


def page_data() -> dict[str, Any]:
    """What the result page takes from the core instead of keeping its own copy: every finding
    code's severity, messages and guide topics, the labels, the guide topics and the limits the
    page applies before a file reaches the worker.  The site build writes it as JSON in
    ``assets/checker/checker-data.mjs`` (scripts/mkdocs_hooks.py); ``data.mjs`` imports it."""
    from . import messages
    from ._cert.fields import FIELD_LABELS_ZH

    return {
        "checker_version": __version__,
        "codes": {code: {"severity": m.severity, "zh": m.zh, "en": m.en, "topics": list(messages.topics_for(code))}
                  for code, m in messages.MESSAGES.items()},
        "labels": {
            "verdict": messages.VERDICT_LABELS,
            "verdict_summary": messages.VERDICT_SUMMARIES,
            "severity": messages.SEVERITY_LABELS,
            "signature_kind": messages.SIGNATURE_KIND_LABELS,
            "anchor_origin": messages.ANCHOR_ORIGIN_LABELS,
            "field": FIELD_LABELS_ZH,
        },
        "topics": [{"anchor": t.anchor, "label": t.label} for t in messages.GUIDE_TOPICS],
        "changed_after_signing": sorted(messages.CHANGED_AFTER_SIGNING),
        "unprotected_content": sorted(messages.UNPROTECTED_CONTENT),
        "limits": {"max_file_bytes": DEFAULT_LIMITS.max_file_bytes},
    }
