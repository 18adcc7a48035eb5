"""The official host list and host-name classification (never any network access).

``checker/data/official_hosts.json`` is the editable list (schema ``official_hosts/1``: a
``hosts`` array of ``{host, name_zh, note, include_subdomains}`` and a ``shorteners`` array).
The guide reads the same file.

:func:`classify_host` takes a host exactly as written in a URL's authority (after user-info and
port were split off) and answers with a :class:`HostVerdict`.  Normalisation follows what a
browser does (UTS 46 style): NFKC, lower case, ideographic / full-width dots to ``.``, one
trailing dot dropped, IDNA (punycode) round trip.  Anything a browser would read differently
from a person, or that only resembles an official host, is a ``fail``.
"""
from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from .._paths import DATA_DIR
from ..messages import Severity

DATA_FILE = os.path.join(DATA_DIR, "official_hosts.json")


@dataclass(frozen=True, slots=True)
class OfficialHost:
    """One official host of the issuer list (data/official_hosts.json)."""

    host: str
    name_zh: str
    note: str = ""
    include_subdomains: bool = False

    def matches(self, host: str) -> bool:
        return host == self.host or (self.include_subdomains and host.endswith("." + self.host))


@dataclass(frozen=True, slots=True)
class HostList:
    """The official hosts and the known URL shorteners."""

    hosts: tuple[OfficialHost, ...]
    shorteners: frozenset[str]

    def match(self, host: str) -> OfficialHost | None:
        """Most specific official entry matching ``host`` on a label boundary."""
        best = None
        for entry in self.hosts:
            if entry.matches(host) and (best is None or len(entry.host) > len(best.host)):
                best = entry
        return best


def parse_host_list(doc: dict) -> HostList:
    hosts = []
    for item in doc.get("hosts", []):
        host = str(item["host"]).strip().lower().rstrip(".")
        if not host or not re.fullmatch(r"[a-z0-9.-]+", host):
            raise ValueError(f"official_hosts.json: bad host {item['host']!r}")
        hosts.append(
            OfficialHost(
                host=host,
                name_zh=str(item.get("name_zh", "")),
                note=str(item.get("note", "")),
                include_subdomains=bool(item.get("include_subdomains", False)),
            )
        )
    shorteners = frozenset(str(s).lower() for s in doc.get("shorteners", []))
    return HostList(tuple(hosts), shorteners)


@lru_cache(maxsize=1)
def official_hosts() -> HostList:
    with open(DATA_FILE, encoding="utf-8") as fh:
        return parse_host_list(json.load(fh))


@dataclass(frozen=True, slots=True)
class HostVerdict:
    """How a QR link's host compares with the official list."""

    host: str  # normalised ASCII host (punycode for IDN) or the raw text when unparsable
    status: Severity  # info | warn | fail
    code: str
    official: OfficialHost | None = None
    params: tuple[tuple[str, str], ...] = ()


# Dots that UTS 46 maps to U+002E.
_DOTS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})

# Characters from other scripts that look like Latin letters (subset of Unicode confusables).
_CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a", "в": "b", "с": "c", "ԁ": "d", "е": "e", "һ": "h", "і": "i", "ј": "j", "к": "k",
        "ӏ": "l", "м": "m", "п": "n", "о": "o", "р": "p", "ԛ": "q", "г": "r", "ѕ": "s", "т": "t",
        "ц": "u", "ѵ": "v", "ԝ": "w", "х": "x", "у": "y", "з": "z", "ь": "b", "ё": "e",
        # Greek
        "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x", "γ": "y", "ω": "w",
        # Latin look-alikes
        "ı": "i", "ɡ": "g", "ɑ": "a", "ⅼ": "l", "ℓ": "l", "ꞵ": "b", "ꭓ": "x",
    }
)

_GENERIC_LABELS = {"www", "gov", "cn", "cq", "com", "net", "org"}
_PUBLIC_SLDS = {"com.cn", "net.cn", "org.cn", "gov.cn", "edu.cn", "ac.cn", "co.uk", "com.hk", "com.tw"}


def registrable(host: str) -> str:
    labels = host.split(".")
    if len(labels) >= 3 and ".".join(labels[-2:]) in _PUBLIC_SLDS:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _levenshtein(a: str, b: str, cap: int = 3) -> int:
    """Edit distance with adjacent transpositions (optimal string alignment), capped."""
    if abs(len(a) - len(b)) > cap:
        return cap + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                v = min(v, prev2[j - 2] + 1)
            cur.append(v)
        prev2, prev = prev, cur
    return prev[-1]


def _squash(s: str) -> str:
    return s.replace(".", "").replace("-", "")


def _distinctive_tokens(hosts: HostList) -> set[str]:
    tokens = set()
    for e in hosts.hosts:
        for label in e.host.split("."):
            if label not in _GENERIC_LABELS and len(label) >= 4:
                tokens.add(label)
    return tokens


def lookalike_of(host: str, hosts: HostList) -> tuple[str, OfficialHost] | None:
    """``("subdomain" | "similar", entry)`` when a non-official ``host`` imitates an official one."""
    labels = host.split(".")
    for e in sorted(hosts.hosts, key=lambda e: -len(e.host)):
        o = e.host
        # official host written in front of / inside another domain: zfcxjw.cq.gov.cn.evil.com
        if host.startswith(o + ".") or ("." + o + ".") in host:
            return "subdomain", e
    for e in sorted(hosts.hosts, key=lambda e: -len(e.host)):
        o = e.host
        if o in host or _squash(o) in _squash(host):
            return "similar", e
        if len(o) >= 9 and _levenshtein(host, o) <= 2:
            return "similar", e
        # same labels, different suffix: zfcxjw.cq.gov.com, zfcxjw.cq.gov.cn.com
        if len(labels) >= 3 and _levenshtein(".".join(labels[:-1]), ".".join(o.split(".")[:-1])) <= 1:
            return "similar", e
    tokens = _distinctive_tokens(hosts)
    for part in re.split(r"[.-]", host):
        for tok in tokens:
            if part == tok or (len(tok) >= 5 and len(part) >= 4 and _levenshtein(part, tok) <= 1):
                entry = next(e for e in hosts.hosts if tok in e.host.split("."))
                return "similar", entry
    return None


def _skeleton(unicode_host: str) -> str:
    s = unicodedata.normalize("NFKD", unicode_host.translate(_CONFUSABLES))
    return "".join(ch for ch in s if not unicodedata.combining(ch)).translate(_CONFUSABLES)


def _to_unicode_label(label: str) -> str | None:
    if label.startswith("xn--"):
        try:
            return label[4:].encode("ascii").decode("punycode")
        except (UnicodeError, ValueError):
            return None
    return label


def _to_ascii_label(label: str) -> str | None:
    try:
        from encodings import idna

        return idna.ToASCII(label).decode("ascii")
    except (UnicodeError, ValueError):
        return None


def _is_ip(labels: list[str]) -> bool:
    # WHATWG URL: a host whose last label is a number (decimal, 0x hex, octal) is an IPv4 address,
    # so 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 all are.
    last = labels[-1]
    return bool(re.fullmatch(r"0x[0-9a-f]*|[0-9]+", last))


def classify_host(raw: str, hosts: HostList | None = None) -> HostVerdict:
    hosts = hosts or official_hosts()
    text = unicodedata.normalize("NFKC", raw.translate(_DOTS)).translate(_DOTS).lower()
    if text.endswith("."):
        text = text[:-1]
    if not text:
        return HostVerdict(raw, "fail", "QR_URL_AMBIGUOUS", params=(("detail", "empty host"),))
    if text.startswith("[") or ":" in text:
        return HostVerdict(text, "fail", "QR_IP_HOST")
    labels = text.split(".")
    if any(not lab for lab in labels):
        return HostVerdict(text, "fail", "QR_URL_AMBIGUOUS", params=(("detail", "empty label in host"),))
    if _is_ip(labels):
        return HostVerdict(text, "fail", "QR_IP_HOST")

    ascii_labels = []
    display_labels = []
    idn = False
    for lab in labels:
        if lab.isascii():
            if not re.fullmatch(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?|xn--[a-z0-9-]{1,59}", lab):
                return HostVerdict(text, "fail", "QR_URL_AMBIGUOUS", params=(("detail", f"invalid host label {lab!r}"),))
            uni = _to_unicode_label(lab)
            if uni is None:
                return HostVerdict(text, "fail", "QR_URL_AMBIGUOUS", params=(("detail", f"invalid punycode {lab!r}"),))
            if lab.startswith("xn--"):
                idn = True
                if _to_ascii_label(uni) != lab:  # round trip must be stable
                    return HostVerdict(text, "fail", "QR_URL_AMBIGUOUS", params=(("detail", f"non-canonical punycode {lab!r}"),))
            ascii_labels.append(lab)
            display_labels.append(uni)
        else:
            idn = True
            enc = _to_ascii_label(lab)
            if enc is None:
                return HostVerdict(text, "fail", "QR_URL_AMBIGUOUS", params=(("detail", f"invalid host label {lab!r}"),))
            ascii_labels.append(enc)
            display_labels.append(lab)
    host = ".".join(ascii_labels)
    display = ".".join(display_labels)

    if idn:
        skeleton = _skeleton(display)
        target = hosts.match(skeleton) if skeleton.isascii() else None
        similar = lookalike_of(skeleton, hosts) if skeleton.isascii() else None
        if target is None and similar is not None:
            target = similar[1]
        if target is not None:
            official = target.host
            return HostVerdict(host, "fail", "QR_LOOKALIKE_HOST", params=(("display", display), ("official", official)))
        return HostVerdict(host, "fail", "QR_IDN_HOST", params=(("display", display),))

    entry = hosts.match(host)
    if entry is not None:
        return HostVerdict(host, "info", "QR_OFFICIAL", official=entry, params=(("name", entry.name_zh),))
    if host in hosts.shorteners:
        return HostVerdict(host, "fail", "QR_SHORTENER")
    if host.endswith(".gov.cn"):
        # .gov.cn names are registered only by government bodies: not a forger's look-alike,
        # but not a verification site we know either.
        return HostVerdict(host, "warn", "QR_HOST_GOV_UNLISTED")
    similar = lookalike_of(host, hosts)
    if similar is not None:
        kind, e = similar
        if kind == "subdomain":
            return HostVerdict(
                host, "fail", "QR_OFFICIAL_IN_SUBDOMAIN", params=(("official", e.host), ("registrable", registrable(host)))
            )
        return HostVerdict(host, "fail", "QR_LOOKALIKE_HOST", params=(("display", host), ("official", e.host)))
    # A host we do not list and that imitates none we list: we cannot vouch for it, but nothing
    # about it deceives either (fail is kept for look-alikes, user-info, homograph and IP tricks).
    return HostVerdict(host, "warn", "QR_HOST_UNOFFICIAL", params=(("registrable", registrable(host)),))
