"""Trust store and certification path validation (RFC 5280 subset, pure Python).

* Anchors: the bundled real anchors (``checker/data/trust/*.pem``) unless
  ``options.use_default_trust`` is False; the DEMO roots (``checker/data/trust/demo/``) only with
  ``options.trust_demo``; plus ``options.trust`` (PEM — several blocks allowed — or DER).
* ``validate(cert, intermediates, at_time)``: builds paths leaf -> … -> anchor by subject/issuer
  name (AKI/SKI when both present), verifies every signature (SM2 with the default ID), checks
  validity at ``at_time``, basicConstraints cA + pathLen and keyCertSign for issuers,
  digitalSignature|nonRepudiation for the signer, unknown critical extensions, loops and depth.
  A certificate is never trusted for being self-signed or for being carried inside the file:
  only an anchor of the store ends a path.
"""
from __future__ import annotations

import datetime as _dt
import os

from .._paths import DATA_DIR
from .._record import record
from . import CryptoError, MalformedCrypto
from .x509 import Certificate, common_name, fingerprint, load_certificates, readable_name, verify_cert_signature

TYPE_CHECKING = False  # typing is not imported at run time: the CLI's time is mostly imports
if TYPE_CHECKING:
    from typing import Iterable, Sequence

_DATA = os.path.join(DATA_DIR, "trust")

# Critical extensions we understand (others make the certificate suspect).
_KNOWN_CRITICAL = {
    "basic_constraints", "key_usage", "extended_key_usage", "subject_alt_name", "issuer_alt_name",
    "certificate_policies", "name_constraints", "policy_constraints", "inhibit_any_policy",
    "policy_mappings", "key_identifier", "authority_key_identifier", "crl_distribution_points",
    "authority_information_access",
}

MAX_PATHS = 16  # complete paths considered per validation
MAX_SIGNATURE_CHECKS = 64  # certificate signature verifications per validation (hostile pools)
MAX_WALK_NODES = 512  # path-building steps per validation


@record(frozen=True)
class Anchor:
    """A trusted root certificate and where it came from (bundled, demo or user)."""

    cert: Certificate
    source: str  # "bundled", "demo", "user"
    name: str  # readable subject

    @property
    def is_demo(self) -> bool:
        return self.source == "demo"


@record(frozen=True)
class ChainResult:
    """The certification path found for a signer certificate and whether it is trusted."""

    trusted: bool  # a path to an anchor exists and nothing on it objects
    chain: tuple[Certificate, ...]  # signer first, anchor last (best path found; may be partial)
    anchor: Anchor | None
    problems: tuple[str, ...]  # TRUST_* codes
    details: tuple[tuple[str, str], ...] = ()  # (code, detail) for messages

    @property
    def anchor_is_demo(self) -> bool:
        return self.anchor is not None and self.anchor.is_demo

    @property
    def subjects(self) -> tuple[str, ...]:
        return tuple(readable_name(c.subject) for c in self.chain)


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _load_dir(directory: str, source: str) -> list[Anchor]:
    out = []
    if not os.path.isdir(directory):
        return out
    for name in sorted(n for n in os.listdir(directory) if n.endswith(".pem")):
        path = os.path.join(directory, name)
        if not os.path.isfile(path):
            continue
        for cert in load_certificates(_read(path)):
            out.append(Anchor(cert, source, readable_name(cert.subject)))
    return out


_CACHE: dict[str, list] = {}


def _load_bundled() -> tuple[list[Anchor], list[Certificate]]:
    """Anchors and path-building intermediates listed in ``data/trust/anchors.json``.

    Only files named in the manifest are loaded, and each must match its recorded SHA-256
    fingerprint (a stray or altered PEM is ignored rather than trusted)."""
    import json

    anchors: list[Anchor] = []
    inter: list[Certificate] = []
    manifest = os.path.join(_DATA, "anchors.json")
    if not os.path.isfile(manifest):
        return anchors, inter
    for entry in json.loads(_read(manifest).decode("utf-8")).get("certificates", []):
        path = os.path.join(_DATA, entry["file"])
        if not os.path.isfile(path) or "/" in entry["file"] or "\\" in entry["file"]:
            continue
        for cert in load_certificates(_read(path)):
            if fingerprint(cert) != entry.get("sha256"):
                continue
            if entry.get("role") == "anchor":
                anchors.append(Anchor(cert, "bundled", readable_name(cert.subject)))
            else:
                inter.append(cert)
    return anchors, inter


def bundled_anchors() -> list[Anchor]:
    if "bundled" not in _CACHE:
        _CACHE["bundled"], _CACHE["intermediates"] = _load_bundled()
    return list(_CACHE["bundled"])


def bundled_intermediates() -> list[Certificate]:
    """Real CA certificates shipped for path building (not anchors: they must chain to one)."""
    bundled_anchors()
    return list(_CACHE["intermediates"])


def demo_anchors() -> list[Anchor]:
    if "demo" not in _CACHE:
        _CACHE["demo"] = _load_dir(os.path.join(_DATA, "demo"), "demo")
    return list(_CACHE["demo"])


def demo_intermediates() -> list[Certificate]:
    """DEMO issuing CAs, for path building only (OFD seals often embed just the leaf)."""
    if "demo_inter" not in _CACHE:
        _CACHE["demo_inter"] = [a.cert for a in _load_dir(os.path.join(_DATA, "demo", "intermediates"), "demo")]
    return list(_CACHE["demo_inter"])


def proven_signing_time(store, claimed, ts_info, extra=()) -> tuple[_dt.datetime | None, bool]:
    """``(time to validate the signer at, proven)``.

    A signing time is only *proven* by a valid RFC 3161 token whose TSA chains to ``store``;
    anything else (signingTime attribute, OFD timeInfo, a self-made TSA) is the signer's word.
    """
    if (ts_info is not None and getattr(ts_info, "valid", False) and getattr(ts_info, "gen_time", None)
            and getattr(ts_info, "tsa_cert", None) is not None):
        pool = list(getattr(ts_info, "certificates", ()) or ()) + list(extra)  # + the signature's certs
        r = store.validate(ts_info.tsa_cert, pool, ts_info.gen_time, usage="timestamping")
        if r.trusted:
            return ts_info.gen_time, True
    return claimed, False


def expired_on(cert: Certificate, day: _dt.date | _dt.datetime | None) -> str | None:
    """ISO end of validity when ``cert`` is no longer valid on ``day``, else None."""
    v = _validity(cert)
    if v is None:
        return None
    if _aware(day) > v[1]:
        return v[1].date().isoformat()
    return None


def _aware(t: _dt.datetime | _dt.date | None) -> _dt.datetime:
    if t is None:
        return _dt.datetime.now(_dt.timezone.utc)
    if not isinstance(t, _dt.datetime):
        return _dt.datetime(t.year, t.month, t.day, 12, tzinfo=_dt.timezone.utc)
    if t.tzinfo is None:
        return t.replace(tzinfo=_dt.timezone.utc)
    return t


def _validity(cert: Certificate) -> tuple[_dt.datetime, _dt.datetime] | None:
    try:
        v = cert["tbs_certificate"]["validity"]
        return v["not_before"].native, v["not_after"].native
    except (ValueError, TypeError, KeyError):
        return None


def _safe(f, default=None):
    try:
        return f()
    except (ValueError, TypeError, KeyError):
        return default


class TrustStore:
    """A set of anchors.  Build with :meth:`from_options` (or directly from anchors in tests)."""

    def __init__(self, anchors: Iterable[Anchor] = (), *, max_chain_length: int = 8,
                 intermediates: Iterable[Certificate] = ()) -> None:
        self.intermediates: list[Certificate] = list(intermediates)  # extra path-building CAs
        self.anchors: list[Anchor] = []
        seen = set()
        for a in anchors:
            fp = fingerprint(a.cert)
            if fp not in seen:
                seen.add(fp)
                self.anchors.append(a)
        self.max_chain_length = max_chain_length
        self._by_subject: dict[str, list[Anchor]] = {}
        self._fps = {fingerprint(a.cert): a for a in self.anchors}
        for a in self.anchors:
            self._by_subject.setdefault(_name_key(a.cert.subject), []).append(a)

    @classmethod
    def from_options(cls, options) -> "TrustStore":
        """Default bundled anchors (unless ``use_default_trust`` is False), DEMO roots only with
        ``trust_demo``, plus ``options.trust`` (PEM or DER bytes).  Raises MalformedCrypto
        (code TRUST_BAD_ANCHOR_FILE) for unreadable user anchors."""
        anchors: list[Anchor] = []
        inter: list[Certificate] = []
        if getattr(options, "use_default_trust", True):
            anchors += bundled_anchors()
            inter += bundled_intermediates()
        if getattr(options, "trust_demo", False):
            anchors += demo_anchors()
            inter += demo_intermediates()
        for blob in getattr(options, "trust", ()) or ():
            try:
                certs = load_certificates(blob)
            except CryptoError as exc:
                raise MalformedCrypto(exc.detail, code="TRUST_BAD_ANCHOR_FILE") from None
            anchors += [Anchor(c, "user", readable_name(c.subject)) for c in certs]
        limits = getattr(options, "limits", None)
        return cls(anchors, max_chain_length=getattr(limits, "max_chain_length", 8), intermediates=inter)

    def __len__(self) -> int:
        return len(self.anchors)

    def anchor_for(self, cert: Certificate) -> Anchor | None:
        """The anchor that *is* ``cert`` (same DER), if any."""
        return self._fps.get(fingerprint(cert))

    # -- path validation -------------------------------------------------------------------

    def validate(self, cert: Certificate, intermediates: Sequence[Certificate] = (),
                 at_time: _dt.datetime | _dt.date | None = None, *, usage: str | None = "signing") -> ChainResult:
        """Validate ``cert`` against the store at ``at_time`` (None: now).  Never raises."""
        try:
            return self._validate(cert, intermediates, at_time, usage)
        except (CryptoError, ValueError, TypeError, KeyError, AttributeError, IndexError, OverflowError) as exc:
            detail = getattr(exc, "detail", "") or type(exc).__name__
            return ChainResult(False, (cert,), None, ("TRUST_NO_ANCHOR",), (("TRUST_NO_ANCHOR", f"malformed: {detail}"),))

    def _validate(self, cert, intermediates, at_time, usage) -> ChainResult:
        when = _aware(at_time)
        own_fp = fingerprint(cert)
        pool, seen_fp = [], {own_fp}
        for c in list(intermediates) + self.intermediates:
            fp = fingerprint(c)
            if fp not in seen_fp:
                seen_fp.add(fp)
                pool.append(c)
        paths: list[list] = []  # each: [cert, issuer, ..., anchor-cert], anchor
        forged: list[str] = []  # certs whose claimed issuer exists but signature failed
        too_long = [False]

        own = self.anchor_for(cert)
        if own is not None:
            paths.append(([cert], own))

        def issuers_of(c: Certificate):
            key = _name_key(c.issuer)
            for a in self._by_subject.get(key, []):
                yield a.cert, a
            for ic in pool:
                if _name_key(ic.subject) == key:
                    yield ic, None

        sig_cache: dict[tuple[str, str], bool] = {}
        budget = {"sigs": MAX_SIGNATURE_CHECKS, "nodes": MAX_WALK_NODES}

        def signed_by(child: Certificate, parent: Certificate) -> bool | None:
            key = (fingerprint(child), fingerprint(parent))
            if key not in sig_cache:
                if budget["sigs"] <= 0:
                    return None
                budget["sigs"] -= 1
                sig_cache[key] = verify_cert_signature(child, parent)
            return sig_cache[key]

        def walk(path: list[Certificate], depth: int) -> None:
            if len(paths) >= MAX_PATHS:
                return
            budget["nodes"] -= 1
            if budget["nodes"] < 0:
                too_long[0] = True
                return
            cur = path[-1]
            if depth >= self.max_chain_length:
                too_long[0] = True
                return
            aki = _safe(lambda: cur.authority_key_identifier)
            on_path = {fingerprint(p) for p in path}
            for cand, anchor in issuers_of(cur):
                if fingerprint(cand) in on_path:
                    continue  # loop
                ski = _safe(lambda: cand.key_identifier)
                if aki is not None and ski is not None and aki != ski:
                    continue
                ok = signed_by(cur, cand)
                if ok is None:
                    too_long[0] = True
                    return
                if not ok:
                    forged.append(readable_name(cur.subject))
                    continue
                if anchor is not None:
                    paths.append((path + [cand], anchor))
                else:
                    walk(path + [cand], depth + 1)

        walk([cert], 1)

        if not paths:
            problems = ["TRUST_NO_ANCHOR"]
            details = [("TRUST_NO_ANCHOR", common_name(cert.issuer))]
            if forged:
                problems.insert(0, "TRUST_CERT_SIGNATURE_INVALID")
                details.insert(0, ("TRUST_CERT_SIGNATURE_INVALID", forged[0]))
            if too_long[0]:
                problems.append("TRUST_CHAIN_TOO_LONG")
                details.append(("TRUST_CHAIN_TOO_LONG", str(self.max_chain_length)))
            partial = self._partial_chain(cert, pool)
            return ChainResult(False, tuple(partial), None, tuple(problems), tuple(details))

        best = None
        for chain, anchor in paths:
            probs = self._check_path(chain, anchor, when, usage)
            rank = (len(probs), len(chain))
            if best is None or rank < best[0]:
                best = (rank, chain, anchor, probs)
        _, chain, anchor, probs = best
        codes = []
        details = []
        for code, detail in probs:
            if code not in codes:
                codes.append(code)
                details.append((code, detail))
        trusted = not codes  # every TRUST_* problem on the best path withholds trust
        return ChainResult(trusted, tuple(chain), anchor, tuple(codes), tuple(details))

    def _partial_chain(self, cert: Certificate, pool: Sequence[Certificate]) -> list[Certificate]:
        chain = [cert]
        checks = 8  # informational only: keep the work small on hostile input
        while len(chain) < self.max_chain_length:
            cur = chain[-1]
            nxt = None
            for ic in pool:
                if _name_key(ic.subject) != _name_key(cur.issuer) or any(ic is c for c in chain):
                    continue
                if checks <= 0:
                    break
                checks -= 1
                if verify_cert_signature(cur, ic):
                    nxt = ic
                    break
            if nxt is None:
                break
            chain.append(nxt)
        return chain

    def _check_path(self, chain: list[Certificate], anchor: Anchor, when: _dt.datetime,
                    usage: str | None) -> list[tuple[str, str]]:
        probs: list[tuple[str, str]] = []
        n = len(chain)
        for i, c in enumerate(chain):
            label = common_name(c.subject)
            is_anchor = i == n - 1 and (n > 1 or self.anchor_for(c) is not None)
            v = _validity(c)
            if v is None or not (v[0] <= when <= v[1]):
                probs.append(("TRUST_ANCHOR_EXPIRED" if is_anchor else "TRUST_CERT_EXPIRED", label))
            crit = _safe(lambda: c.critical_extensions, set()) or set()
            unknown = {e for e in crit if e not in _KNOWN_CRITICAL}
            if unknown and not is_anchor:
                probs.append(("TRUST_CRITICAL_EXTENSION", label))
            if i == 0:
                continue
            # c issued chain[i-1]: must be a CA allowed to sign certificates (anchors included,
            # except v1 self-signed roots without extensions which predate basicConstraints).
            bc = _safe(lambda: c.basic_constraints_value)
            ku = _safe(lambda: c.key_usage_value)
            version = _safe(lambda: c["tbs_certificate"]["version"].native, "v3")
            legacy_root = is_anchor and version != "v3"
            if not legacy_root:
                if bc is None or not bc["ca"].native:
                    probs.append(("TRUST_NOT_CA", label))
                else:
                    plc = bc["path_len_constraint"].native
                    # number of non-self-issued intermediates below c (excluding the leaf)
                    below = i - 1
                    if plc is not None and below > plc:
                        probs.append(("TRUST_PATH_LENGTH", label))
                if ku is not None and "key_cert_sign" not in ku.native:
                    probs.append(("TRUST_ISSUER_KEY_USAGE", label))
        leaf = chain[0]
        if usage in ("signing", "timestamping"):
            ku = _safe(lambda: leaf.key_usage_value)
            if ku is not None and not ({"digital_signature", "non_repudiation"} & set(ku.native)):
                probs.append(("TRUST_SIGNER_KEY_USAGE", ",".join(sorted(ku.native)) or "-"))
        if usage == "timestamping":
            eku = _safe(lambda: leaf.extended_key_usage_value)
            if eku is None or "time_stamping" not in eku.native:
                probs.append(("TRUST_TIMESTAMP_USAGE", common_name(leaf.subject)))
        return probs


def _name_key(name) -> str:
    """The RFC 5280 comparison form of a Name (asn1crypto's string preparation), remembered by
    the Name's DER: preparing is slow (Unicode tables, regexes) and the same anchors and issuers
    come back in every check of a session — the browser keeps one interpreter for all files."""
    try:
        der = name.dump()
    except (ValueError, TypeError, KeyError, AttributeError):
        return repr(name)
    key = _NAME_KEYS.get(der)
    if key is None:
        try:
            key = name.hashable
        except (ValueError, TypeError, KeyError, AttributeError):
            key = repr(der)
        if len(_NAME_KEYS) >= _NAME_KEYS_MAX:  # many certificates in hostile files: stay bounded
            _NAME_KEYS.clear()
        _NAME_KEYS[der] = key
    return key


_NAME_KEYS: dict[bytes, str] = {}
_NAME_KEYS_MAX = 4096
