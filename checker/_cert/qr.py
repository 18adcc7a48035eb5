"""QR payload judgement: is it a URL, which host does it really open, does it match the print.

Nothing is ever fetched.  :func:`judge_payload` is pure; :func:`collect_qr` gathers decoded
codes from the options (browser texts or the injected decoder) and the engine.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, unquote

from ..errors import TimeLimitExceeded
from ..messages import Severity
from ..options import QrInput
from .hosts import HostList, classify_host, official_hosts
from .patterns import (
    NAME_KEYS,
    PROVINCES,
    REGNO_KEYS,
    find_regnos,
    norm_name,
    norm_regno,
)

# Schemes that run code or smuggle content: never on a genuine certificate.
DANGEROUS_SCHEMES = {"javascript", "data", "vbscript", "file", "blob", "filesystem", "intent"}
# Non-web schemes a phone may open (apps, mail, phone): not verifiable, but not proof of forgery.
APP_SCHEMES = {"weixin", "alipays", "alipay", "mailto", "tel", "sms", "smsto", "geo", "market", "ftp", "ws", "wss", "itms-apps"}
DEFAULT_PORTS = {"https": 443, "http": 80, "": None}

_SCHEME_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")
# A host label character: ASCII letters, digits, "-" and any BMP character above U+007F.  Written
# as a negated ASCII set (identical over all code points, tested) because the positive form with
# \u0080-\uffff costs the regex compiler ~10 ms at every import, a 25th of the CLI's budget.
_LABEL_CH = r"[^\x00-\x2c./:-@\[-`{-\x7f\U00010000-\U0010ffff]"
_SCHEMELESS_RE = re.compile(r"^" + _LABEL_CH + r"+(?:[.\u3002\uff0e\uff61]" + _LABEL_CH + r"+)+[.]?(?::\d+)?(?:[/?#]|$)")
_CTRL_RE = re.compile(r"[\x00-\x20\x7f\u00a0\u1680\u2000-\u200f\u2028-\u202f\u205f\u2060\u3000\ufeff]")


@dataclass(frozen=True, slots=True)
class Judgement:
    """What one QR payload is: a URL (official or not) or other text, and the finding it gives."""

    is_url: bool
    status: Severity  # info | warn | fail
    code: str
    host: str | None = None
    official: bool = False
    params: tuple[tuple[str, object], ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()  # decoded (key, value) pairs for cross-checks
    free: tuple[str, ...] = ()  # decoded path segments / free text


def _short(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def judge_payload(text: str, hosts: HostList | None = None, max_chars: int = 4096) -> Judgement:
    hosts = hosts or official_hosts()
    if len(text) > max_chars:
        return Judgement(False, "warn", "QR_PAYLOAD_TOO_LONG", params=(("length", len(text)),))
    t = text.strip()
    m = _SCHEME_RE.match(t)
    scheme = m.group(1).lower() if m else None
    if m is not None and scheme in ("http", "https"):
        return _judge_url(t, scheme, t[m.end():], hosts)
    if scheme in DANGEROUS_SCHEMES:
        return Judgement(True, "fail", "QR_SCHEME_DANGEROUS", params=(("scheme", scheme), ("text", _short(t))))
    if scheme in APP_SCHEMES or (scheme and m is not None and t[m.end():].startswith("//")):
        return Judgement(True, "warn", "QR_SCHEME_UNSUPPORTED", params=(("scheme", scheme), ("text", _short(t))))
    if _looks_like_host_url(t):
        return _judge_url(t, "", "//" + t, hosts)
    pairs, free = _text_pairs(t)
    return Judgement(False, "warn", "QR_NOT_URL", params=(("text", _short(t)),), pairs=pairs, free=free)


# Top-level domains a scanner app would take a scheme-less "host/path" for (a text such as
# "ZS.CQ/2025" must stay text): common generic ones and the regions around China.
_TLDS = frozenset(
    "cn com net org gov edu info top xyz vip cc io me co site online shop app ink work club ltd tech fun icu "
    "link live pro biz name mobi asia wang xin ren hk mo tw sg jp kr uk us ru de fr tk ml ga cf gq pw ws".split()
)


def _looks_like_host_url(t: str) -> bool:
    if not _SCHEMELESS_RE.match(t):
        return False
    host = re.split(r"[/?#:]", t, maxsplit=1)[0].translate(str.maketrans("\u3002\uff0e\uff61", "...")).rstrip(".")
    if re.fullmatch(r"(?:\d+|0x[0-9a-f]+)(?:\.(?:\d+|0x[0-9a-f]+)){3}", host, re.I):
        return True  # a bare dotted IPv4 address
    last = host.rsplit(".", 1)[-1].lower()
    return last in _TLDS or last.startswith("xn--")


def _judge_url(t: str, scheme: str, rest: str, hosts: HostList) -> Judgement:
    def fail(code: str, host: str | None = None, **params: object) -> Judgement:
        return Judgement(True, "fail", code, host=host, params=tuple(params.items()))

    if "\\" in t:
        return fail("QR_URL_AMBIGUOUS", detail="backslash in URL")
    if _CTRL_RE.search(t):
        return fail("QR_URL_AMBIGUOUS", detail="spaces or control characters in URL")
    if not rest.startswith("//") or rest.startswith("///"):
        return fail("QR_URL_AMBIGUOUS", detail="scheme not followed by exactly '//'")
    rest = rest[2:]
    cut = len(rest)
    for sep in "/?#":
        i = rest.find(sep)
        if i != -1:
            cut = min(cut, i)
    authority, tail = rest[:cut], rest[cut:]
    if "@" in authority:
        real = authority.rsplit("@", 1)[1].split(":")[0]
        v = classify_host(real, hosts) if real else None
        return fail("QR_USERINFO", host=v.host if v else real, text=_short(t))
    if "%" in authority:
        return fail("QR_URL_AMBIGUOUS", detail="percent-encoded host")
    port = None
    hostpart = authority
    if authority.startswith("["):
        return fail("QR_IP_HOST", host=authority)
    if ":" in authority:
        hostpart, port_s = authority.rsplit(":", 1)
        if port_s == "":
            port = None
        elif not port_s.isascii() or not port_s.isdigit() or len(port_s) > 5 or int(port_s) > 65535:
            return fail("QR_URL_AMBIGUOUS", detail=f"invalid port {port_s!r}")
        else:
            port = int(port_s)
            if port == DEFAULT_PORTS.get(scheme):
                port = None
    v = classify_host(hostpart, hosts)
    pairs, free = _url_pairs(tail)
    base: dict[str, Any] = dict(is_url=True, host=v.host, pairs=pairs, free=free)
    if v.code == "QR_HOST_UNOFFICIAL":
        shown = _official_named_in(tail, hosts)
        if shown is not None:  # evil.example/zfcxjw.cq.gov.cn: dressed up as the official site
            return Judgement(status="fail", code="QR_OFFICIAL_IN_PATH", params=(("official", shown),), **base)
    if v.status != "info":
        return Judgement(status=v.status, code=v.code, params=v.params, **base)
    # official host: now the transport
    if scheme == "http":
        return Judgement(status="warn", code="QR_HTTP", official=True, **base)
    if scheme == "":
        return Judgement(status="warn", code="QR_NO_SCHEME", official=True, **base)
    if port is not None:
        # The host is what proves who runs the server (its DNS belongs to the official domain),
        # so a port is not a forgery; but official verification links carry none: warn.
        return Judgement(status="warn", code="QR_PORT", official=True, params=(("port", port),), **base)
    # an official page told to go elsewhere (open redirect): ?url=https://evil.example/
    for _key, value in pairs:
        m = re.match(r"\s*(?:https?:)?//([^/?#\\]+)", value, re.I)
        if m:
            inner = classify_host(m.group(1).rsplit("@", 1)[-1].split(":")[0], hosts)
            if inner.status != "info":
                return Judgement(status="warn", code="QR_REDIRECT_PARAM", official=True,
                                 params=(("target", inner.host),), **base)
    return Judgement(status="info", code="QR_OFFICIAL", official=True, params=v.params, **base)


def _official_named_in(tail: str, hosts: HostList) -> str | None:
    """An official host written in the path or query of a URL that goes elsewhere."""
    text = unquote(tail).lower()
    for entry in hosts.hosts:
        for m in re.finditer(re.escape(entry.host), text):
            before = text[m.start() - 1:m.start()]
            after = text[m.end():m.end() + 1]
            if (not before or not (before.isalnum() or before in "-.")) and (not after or not (after.isalnum() or after == "-")):
                return entry.host
    return None


def _url_pairs(tail: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    path, _, fragment = tail.partition("#")
    path, _, query = path.partition("?")
    pairs: list[tuple[str, str]] = []
    free: list[str] = []
    for q in (query, fragment.partition("?")[2], fragment if "=" in fragment and "?" not in fragment else ""):
        if q:
            pairs.extend(parse_qsl(q, keep_blank_values=False, errors="replace"))
    for seg in path.split("/") + fragment.partition("?")[0].split("/"):
        if seg:
            free.append(unquote(seg, errors="replace"))
    return tuple(pairs), tuple(free)


def _text_pairs(t: str) -> tuple[tuple[tuple[str, str], ...], tuple[str, ...]]:
    t = unicodedata.normalize("NFKC", t)
    pairs = []
    for part in re.split(r"[\n\r;；,，&|]+", t):
        m = re.match(r"\s*([^:=]{1,20}?)\s*[:=]\s*(.+?)\s*$", part)
        if m:
            pairs.append((m.group(1), m.group(2)))
    return tuple(pairs), (t,)


# ---- cross-check with the printed fields ------------------------------------------------


def qr_values(j: Judgement) -> tuple[list[str], list[str]]:
    """Registration numbers and names a payload states (normalised)."""
    regnos: list[str] = []
    names: list[str] = []
    for key, value in j.pairs:
        k = unicodedata.normalize("NFKC", key).strip().lower()
        val = unicodedata.normalize("NFKC", value).strip()
        if k in REGNO_KEYS and val:
            regnos.append(norm_regno(val))
        elif k in NAME_KEYS and val:
            names.append(norm_name(val))
        else:
            regnos.extend(find_regnos(val))
    for seg in j.free:
        regnos.extend(find_regnos(unicodedata.normalize("NFKC", seg)))
    return _uniq(regnos), _uniq(names)


def _uniq(xs):
    out = []
    for x in xs:
        if x and x not in out:
            out.append(x)
    return out


def _letters_before_digits(regno: str) -> str:
    m = re.match(r"\D*", regno)
    assert m is not None  # the pattern also matches the empty string
    return m.group(0)


def regno_equal(a: str, b: str) -> bool:
    """Equal registration numbers.  A payload may omit the province character or the (临) mark;
    two different province characters or different digits never match.  Unusual printed shapes
    (already a FIELD_REGNO_SHAPE warning) are compared on their digits."""
    a, b = norm_regno(a).replace("(临)", ""), norm_regno(b).replace("(临)", "")
    if a == b:
        return True
    pa, pb = _letters_before_digits(a), _letters_before_digits(b)
    if len(pa) == 1 and len(pb) == 1 and pa in PROVINCES and pb in PROVINCES and pa != pb:
        return False
    da, db = re.sub(r"\D", "", a), re.sub(r"\D", "", b)
    return bool(da) and da == db


def name_matches(qr: str, printed: str) -> bool | None:
    """True / False, or None when the two cannot be compared (pinyin against Chinese)."""
    qr, printed = norm_name(qr), norm_name(printed)
    if qr == printed:
        return True
    if re.search(r"[*＊×]", qr):  # masked: 张*远, 张**
        return len(qr) == len(printed) and all(c in "*＊×" or c == p for c, p in zip(qr, printed))
    if qr.isascii() != printed.isascii():
        return None
    return False


def collect_qr(data: bytes, fmt: str, out, ctx) -> tuple[list[QrInput], bool]:
    """QR codes to judge and whether QR checking happened at all."""
    opts = ctx.options
    found: list[QrInput] = list(out.qr or [])
    checked = bool(out.qr)
    if opts.qr_texts is not None:
        found.extend(opts.qr_texts)
        checked = True
    elif opts.qr_decoder is not None:
        checked = True
        try:
            if fmt == "pdf":
                found.extend(opts.qr_decoder.decode_pdf(data, min(ctx.limits.max_qr_pages, ctx.limits.max_pages)))
            else:
                for source, img in out.images:
                    ctx.check_time()
                    found.extend(opts.qr_decoder.decode_image(img, source))
        except Exception as exc:  # the decoder is outside the core: report, never crash
            if isinstance(exc, TimeLimitExceeded):
                raise
            ctx.add("QR_DECODE_FAILED", detail=f"{type(exc).__name__}: {exc}")
            return [], False
    # same text from the same source once
    uniq: list[QrInput] = []
    seen = set()
    for q in found:
        key = (q.text, q.source)
        if key not in seen:
            seen.add(key)
            uniq.append(q)
    return uniq, checked
