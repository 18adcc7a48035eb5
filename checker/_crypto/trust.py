"""Trust store and certification path validation (RFC 5280 subset, pure Python).

* Anchors, merged from up to five origins (:data:`ORIGINS`), in this order of precedence:
  ``bundled`` (``checker/data/trust/anchors.json``) unless ``options.use_default_trust`` is False;
  ``demo`` (``checker/data/trust/demo/``) only with ``options.trust_demo``; ``site`` (roots the
  site's administrator compiled into the built site, ``options.site_trust``); ``user`` (roots a
  reader added in the browser, ``options.user_trust``); ``cli`` (``options.trust``: the command
  line's ``--trust`` or a caller of the API).  A root present in several origins is kept once, with
  the first origin of that order.  Every anchor carries its origin and SHA-256 fingerprint, and
  the signature reports name both.
* ``validate(cert, intermediates, at_time)``: builds paths leaf -> … -> anchor by subject/issuer
  name (AKI/SKI when both present), verifies every signature (SM2 with the default ID), checks
  validity at ``at_time``, basicConstraints cA + pathLen and keyCertSign for issuers,
  digitalSignature|nonRepudiation for the signer, unknown critical extensions, loops and depth.
  A certificate is never trusted for being self-signed or for being carried inside the file:
  only an anchor of the store ends a path.
* ``examine_root(data, today)``: what a site administrator or a reader is about to trust (one CA
  certificate, PEM or DER), or a refusal with a finding code (``TRUST_ROOT_*``) saying why.
"""
from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .._paths import DATA_DIR
from ..limits import DEFAULT_LIMITS, Limits
from . import CryptoError, MalformedCrypto
from .x509 import Certificate, common_name, fingerprint, load_certificates, readable_name, verify_cert_signature

_DATA = os.path.join(DATA_DIR, "trust")

# Critical extensions we understand (others make the certificate suspect).
_KNOWN_CRITICAL = {
    "basic_constraints", "key_usage", "extended_key_usage", "subject_alt_name", "issuer_alt_name",
    "certificate_policies", "name_constraints", "policy_constraints", "inhibit_any_policy",
    "policy_mappings", "key_identifier", "authority_key_identifier", "crl_distribution_points",
    "authority_information_access",
}


# Where an anchor comes from, in order of precedence when the same root is in several.
ORIGINS = ("bundled", "demo", "site", "user", "cli")


@dataclass(frozen=True, slots=True)
class Anchor:
    """A trusted root certificate and where it came from (one of :data:`ORIGINS`)."""

    cert: Certificate
    origin: str  # "bundled", "demo", "site", "user", "cli"
    name: str  # readable subject

    @property
    def is_demo(self) -> bool:
        return self.origin == "demo"

    @property
    def sha256(self) -> str:
        """SHA-256 fingerprint of the DER certificate, lower-case hex."""
        return fingerprint(self.cert)


def anchor_fields(anchor: Anchor | None) -> dict[str, Any]:
    """``anchor``, ``anchor_sha256``, ``anchor_origin`` of a signature report (None when untrusted)."""
    if anchor is None:
        return {"anchor": None, "anchor_sha256": None, "anchor_origin": None}
    return {"anchor": anchor.name, "anchor_sha256": anchor.sha256, "anchor_origin": anchor.origin}


@dataclass(frozen=True, slots=True)
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
    out: list[Anchor] = []
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


_EXTRA_CACHE: dict[tuple[bytes, str], list[Anchor]] = {}  # the page sends the same roots with every check


def extra_anchors(blobs: Iterable[bytes], origin: str) -> list[Anchor]:
    """Anchors of ``origin`` from PEM (one or several blocks) or DER blobs.

    Raises MalformedCrypto (code TRUST_BAD_ANCHOR_FILE) for an unreadable blob, and for a
    ``site`` or ``user`` certificate that could not be a root (see :func:`examine_root`)."""
    out: list[Anchor] = []
    for blob in blobs:
        key = (bytes(blob), origin)
        if key not in _EXTRA_CACHE:
            _EXTRA_CACHE[key] = _anchors_of(key[0], origin)
            if len(_EXTRA_CACHE) > 64:
                _EXTRA_CACHE.pop(next(iter(_EXTRA_CACHE)))
        out += _EXTRA_CACHE[key]
    return out


def _anchors_of(blob: bytes, origin: str) -> list[Anchor]:
    try:
        certs = load_certificates(blob)
    except CryptoError as exc:
        raise MalformedCrypto(exc.detail, code="TRUST_BAD_ANCHOR_FILE") from None
    if origin in ("site", "user"):
        for cert in certs:
            refusal = _not_a_root(cert)
            if refusal is not None:
                raise MalformedCrypto(f"{readable_name(cert.subject)}: {refusal[0]}", code="TRUST_BAD_ANCHOR_FILE")
    return [Anchor(c, origin, readable_name(c.subject)) for c in certs]


# -- what an administrator or a reader is about to trust --------------------------------------

class RootRefused(CryptoError):
    """``examine_root`` refuses the input; ``code`` is a TRUST_ROOT_* finding code, ``params`` its
    message's parameters."""

    code = "TRUST_ROOT_UNREADABLE"

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(str(params.get("detail", "")), code=code)
        self.params = params


@dataclass(frozen=True, slots=True)
class RootCandidate:
    """A CA certificate offered as an extra trust anchor, as shown before anyone confirms it."""

    der: bytes
    subject: str
    issuer: str
    not_before: str  # ISO 8601
    not_after: str
    sha256: str  # fingerprint, lower-case hex
    self_signed: bool  # a root; False: an intermediate CA trusted as an anchor
    algorithm: str  # of the certificate's own signature, e.g. "SM2-SM3"

    def to_dict(self) -> dict[str, Any]:
        import base64

        return {"subject": self.subject, "issuer": self.issuer, "not_before": self.not_before,
                "not_after": self.not_after, "sha256": self.sha256, "self_signed": self.self_signed,
                "algorithm": self.algorithm, "der": base64.b64encode(self.der).decode("ascii")}


def examine_root(data: bytes, today: _dt.date | _dt.datetime | None = None, *,
                 max_bytes: int = 1024 * 1024) -> RootCandidate:
    """One CA certificate (PEM or DER) that may become a trust anchor, or :class:`RootRefused`.

    Refused: more than ``max_bytes``; not readable as PEM or DER; a PEM or DER that is not a
    certificate; several certificates; a leaf (end-entity) certificate; a certificate without
    basicConstraints cA; one outside its validity period on ``today``; a self-signed one whose
    own signature does not verify."""
    data = bytes(data)
    if len(data) > max_bytes:
        raise RootRefused("TRUST_ROOT_TOO_LARGE", size=len(data), limit=max_bytes)
    certs = _read_candidate(data)
    if len(certs) != 1:
        raise RootRefused("TRUST_ROOT_SEVERAL", count=len(certs))
    cert = certs[0]
    refusal = _not_a_root(cert)
    if refusal is not None:
        raise RootRefused(refusal[0], subject=readable_name(cert.subject), detail=refusal[1])
    validity = _validity(cert)
    when = _aware(today)
    if validity is None or when < validity[0]:
        raise RootRefused("TRUST_ROOT_NOT_YET_VALID", subject=readable_name(cert.subject),
                          not_before=validity[0].date().isoformat() if validity else "?")
    if when > validity[1]:
        raise RootRefused("TRUST_ROOT_EXPIRED", subject=readable_name(cert.subject),
                          not_after=validity[1].date().isoformat())
    self_signed = _name_key(cert.subject) == _name_key(cert.issuer)
    if self_signed and not signed_by(cert, cert):
        raise RootRefused("TRUST_ROOT_BAD_SIGNATURE", subject=readable_name(cert.subject))
    return RootCandidate(der=cert.dump(), subject=readable_name(cert.subject), issuer=readable_name(cert.issuer),
                         not_before=validity[0].isoformat(), not_after=validity[1].isoformat(),
                         sha256=fingerprint(cert), self_signed=self_signed, algorithm=_algorithm(cert))


def _read_candidate(data: bytes) -> list[Certificate]:
    """Certificates of a PEM or DER input; RootRefused when there are none."""
    stripped = data.strip()
    if not stripped:
        raise RootRefused("TRUST_ROOT_UNREADABLE", detail="empty")
    try:
        return load_certificates(data)
    except CryptoError as exc:
        if b"-----BEGIN " in data:
            label = data.split(b"-----BEGIN ", 1)[1].split(b"-----", 1)[0][:40]
            raise RootRefused("TRUST_ROOT_NOT_CERTIFICATE", kind=label.decode("ascii", "replace")) from None
        if stripped[:1] == b"\x30":  # DER: a SEQUENCE, but not a certificate
            raise RootRefused("TRUST_ROOT_NOT_CERTIFICATE", kind="DER") from None
        raise RootRefused("TRUST_ROOT_UNREADABLE", detail=exc.detail) from None


def _not_a_root(cert: Certificate) -> tuple[str, str] | None:
    """``(code, detail)`` when ``cert`` cannot be a trust anchor: an end-entity certificate, or a
    certificate that does not say it is a CA (basicConstraints cA)."""
    bc = _safe(lambda: cert.basic_constraints_value)
    is_ca = bc is not None and bool(_safe(lambda: bc["ca"].native, False))
    if is_ca:
        return None
    if _name_key(cert.subject) != _name_key(cert.issuer):
        return "TRUST_ROOT_LEAF", "end-entity certificate"
    return "TRUST_ROOT_NOT_CA", "no basicConstraints cA"


def _algorithm(cert: Certificate) -> str:
    from .sigalg import describe

    alg = cert["signature_algorithm"]
    params = alg["parameters"]
    return describe(alg["algorithm"].dotted, None, params.dump() if params is not None and params.contents else None)


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
        return _dt.datetime.now(_dt.UTC)
    if not isinstance(t, _dt.datetime):
        return _dt.datetime(t.year, t.month, t.day, 12, tzinfo=_dt.UTC)
    if t.tzinfo is None:
        return t.replace(tzinfo=_dt.UTC)
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
                 intermediates: Iterable[Certificate] = (), limits: Limits = DEFAULT_LIMITS) -> None:
        self.intermediates: list[Certificate] = list(intermediates)  # extra path-building CAs
        self.anchors: list[Anchor] = []
        seen = set()
        for a in anchors:
            fp = fingerprint(a.cert)
            if fp not in seen:
                seen.add(fp)
                self.anchors.append(a)
        self.max_chain_length = max_chain_length
        self.limits = limits  # the path search's budgets (max_chain_paths, ..._signature_checks, ..._walk_steps)
        self._by_subject: dict[str, list[Anchor]] = {}
        self._fps = {fingerprint(a.cert): a for a in self.anchors}
        for a in self.anchors:
            self._by_subject.setdefault(_name_key(a.cert.subject), []).append(a)

    @classmethod
    def from_options(cls, options) -> TrustStore:
        """The anchors of every origin the options ask for, merged (see :data:`ORIGINS`).

        Raises MalformedCrypto (code TRUST_BAD_ANCHOR_FILE) for an unreadable extra root, and for
        a ``site`` or ``user`` root that is not a CA certificate (those inputs are refused before
        they are stored; this catches a list edited behind the page's back)."""
        anchors: list[Anchor] = []
        inter: list[Certificate] = []
        if getattr(options, "use_default_trust", True):
            anchors += bundled_anchors()
            inter += bundled_intermediates()
        if getattr(options, "trust_demo", False):
            anchors += demo_anchors()
            inter += demo_intermediates()
        anchors += extra_anchors(getattr(options, "site_trust", ()) or (), "site")
        anchors += extra_anchors(getattr(options, "user_trust", ()) or (), "user")
        anchors += extra_anchors(getattr(options, "trust", ()) or (), "cli")
        limits = getattr(options, "limits", None) or DEFAULT_LIMITS
        return cls(anchors, max_chain_length=limits.max_chain_length, intermediates=inter, limits=limits)

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

    def _validate(self, cert: Certificate, intermediates: Sequence[Certificate],
                  at_time: _dt.datetime | _dt.date | None, usage: str | None) -> ChainResult:
        pool = self._candidate_pool(cert, intermediates)
        search = _PathSearch(self, pool)
        search.run(cert)
        if not search.paths:
            return self._no_path(cert, pool, search)
        return self._best_path(search.paths, _aware(at_time), usage)

    def _candidate_pool(self, cert: Certificate, intermediates: Sequence[Certificate]) -> list[Certificate]:
        """The file's certificates, then the store's own intermediates, once each, without ``cert``."""
        pool: list[Certificate] = []
        seen = {fingerprint(cert)}
        for c in list(intermediates) + self.intermediates:
            fp = fingerprint(c)
            if fp not in seen:
                seen.add(fp)
                pool.append(c)
        return pool

    def _no_path(self, cert: Certificate, pool: Sequence[Certificate], search: _PathSearch) -> ChainResult:
        """No path reaches an anchor: say why (forged link, too long) and show how far it went."""
        problems = ["TRUST_NO_ANCHOR"]
        details = [("TRUST_NO_ANCHOR", common_name(cert.issuer))]
        if search.forged:
            problems.insert(0, "TRUST_CERT_SIGNATURE_INVALID")
            details.insert(0, ("TRUST_CERT_SIGNATURE_INVALID", search.forged[0]))
        if search.too_long:
            problems.append("TRUST_CHAIN_TOO_LONG")
            details.append(("TRUST_CHAIN_TOO_LONG", str(self.max_chain_length)))
        partial = self._partial_chain(cert, pool)
        return ChainResult(False, tuple(partial), None, tuple(problems), tuple(details))

    def _best_path(self, paths: Sequence[tuple[list[Certificate], Anchor]], when: _dt.datetime,
                   usage: str | None) -> ChainResult:
        """The path with the fewest problems (then the shortest); trusted when it has none."""
        best: tuple[tuple[int, int], list[Certificate], Anchor, list] | None = None
        for chain, anchor in paths:
            probs = self._check_path(chain, anchor, when, usage)
            rank = (len(probs), len(chain))
            if best is None or rank < best[0]:
                best = (rank, chain, anchor, probs)
        assert best is not None  # paths is not empty
        _, chain, anchor, probs = best
        codes: list[str] = []
        details: list[tuple[str, str]] = []
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
                if signed_by(cur, ic):
                    nxt = ic
                    break
            if nxt is None:
                break
            chain.append(nxt)
        return chain

    def _check_path(self, chain: list[Certificate], anchor: Anchor, when: _dt.datetime,
                    usage: str | None) -> list[tuple[str, str]]:
        """Every TRUST_* problem of one complete path (signer first, anchor last)."""
        probs: list[tuple[str, str]] = []
        n = len(chain)
        for i, c in enumerate(chain):
            is_anchor = i == n - 1 and (n > 1 or self.anchor_for(c) is not None)
            probs += _validity_and_extensions(c, is_anchor, when)
            if i > 0:  # c issued chain[i-1]
                probs += _issuer_problems(c, is_anchor, below=i - 1)
        probs += _signer_usage_problems(chain[0], usage)
        return probs


class _PathSearch:
    """Depth-first search for every path ``cert`` -> … -> anchor, within the work budgets.

    ``paths`` collects ``(certificates, anchor)``; ``forged`` names certificates whose claimed
    issuer exists but did not sign them; ``too_long`` says a budget or the depth limit stopped
    the search somewhere."""

    def __init__(self, store: TrustStore, pool: Sequence[Certificate]) -> None:
        self.store = store
        self.pool = pool
        self.paths: list[tuple[list[Certificate], Anchor]] = []
        self.forged: list[str] = []
        self.too_long = False
        self._verified: dict[tuple[str, str], bool] = {}
        self._signature_budget = store.limits.max_chain_signature_checks
        self._node_budget = store.limits.max_chain_walk_steps

    def run(self, cert: Certificate) -> None:
        own = self.store.anchor_for(cert)
        if own is not None:
            self.paths.append(([cert], own))
        self._walk([cert], 1)

    def _issuers_of(self, c: Certificate) -> Iterable[tuple[Certificate, Anchor | None]]:
        """Anchors, then pool certificates, whose subject is ``c``'s issuer."""
        key = _name_key(c.issuer)
        for a in self.store._by_subject.get(key, []):
            yield a.cert, a
        for ic in self.pool:
            if _name_key(ic.subject) == key:
                yield ic, None

    def _signed_by(self, child: Certificate, parent: Certificate) -> bool | None:
        """Does ``parent`` verify ``child``?  None once the signature budget is spent."""
        key = (fingerprint(child), fingerprint(parent))
        if key not in self._verified:
            if self._signature_budget <= 0:
                return None
            self._signature_budget -= 1
            self._verified[key] = signed_by(child, parent)
        return self._verified[key]

    def _walk(self, path: list[Certificate], depth: int) -> None:
        if len(self.paths) >= self.store.limits.max_chain_paths:
            return
        self._node_budget -= 1
        if self._node_budget < 0 or depth >= self.store.max_chain_length:
            self.too_long = True
            return
        cur = path[-1]
        aki = _safe(lambda: cur.authority_key_identifier)
        on_path = {fingerprint(p) for p in path}
        for cand, anchor in self._issuers_of(cur):
            if fingerprint(cand) in on_path:
                continue  # loop
            ski = _safe(lambda: cand.key_identifier)
            if aki is not None and ski is not None and aki != ski:
                continue
            ok = self._signed_by(cur, cand)
            if ok is None:
                self.too_long = True
                return
            if not ok:
                self.forged.append(readable_name(cur.subject))
                continue
            if anchor is not None:
                self.paths.append(([*path, cand], anchor))
            else:
                self._walk([*path, cand], depth + 1)


def _validity_and_extensions(c: Certificate, is_anchor: bool, when: _dt.datetime) -> list[tuple[str, str]]:
    """Any certificate of a path: valid at ``when``; no unknown critical extension (but anchors)."""
    probs: list[tuple[str, str]] = []
    label = common_name(c.subject)
    v = _validity(c)
    if v is None or not (v[0] <= when <= v[1]):
        probs.append(("TRUST_ANCHOR_EXPIRED" if is_anchor else "TRUST_CERT_EXPIRED", label))
    crit = _safe(lambda: c.critical_extensions, set()) or set()
    if not is_anchor and any(e not in _KNOWN_CRITICAL for e in crit):
        probs.append(("TRUST_CRITICAL_EXTENSION", label))
    return probs


def _issuer_problems(c: Certificate, is_anchor: bool, below: int) -> list[tuple[str, str]]:
    """``c`` issued a certificate: it must be a CA allowed to sign certificates (anchors included,
    except v1 self-signed roots without extensions, which predate basicConstraints); ``below`` is
    the number of non-self-issued intermediates under it (the leaf excluded), for pathLen."""
    probs: list[tuple[str, str]] = []
    label = common_name(c.subject)
    bc = _safe(lambda: c.basic_constraints_value)
    ku = _safe(lambda: c.key_usage_value)
    version = _safe(lambda: c["tbs_certificate"]["version"].native, "v3")
    if is_anchor and version != "v3":
        return probs  # legacy root
    if bc is None or not bc["ca"].native:
        probs.append(("TRUST_NOT_CA", label))
    else:
        plc = bc["path_len_constraint"].native
        if plc is not None and below > plc:
            probs.append(("TRUST_PATH_LENGTH", label))
    if ku is not None and "key_cert_sign" not in ku.native:
        probs.append(("TRUST_ISSUER_KEY_USAGE", label))
    return probs


def _signer_usage_problems(leaf: Certificate, usage: str | None) -> list[tuple[str, str]]:
    """The signer's keyUsage allows signatures; a timestamp signer has the timeStamping EKU."""
    probs: list[tuple[str, str]] = []
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


def signed_by(cert: Certificate, issuer: Certificate) -> bool:
    """Does ``issuer``'s key verify ``cert``'s signature?  Results are remembered across checks:
    a batch from one issuer repeats the same chain in every file, and each link costs an SM2 or
    RSA verification.  The key is the SHA-256 of both certificates, so a remembered answer is to
    exactly the same question; callers count a remembered answer against their budgets like a
    computed one, so no result depends on which files were checked before."""
    key = (fingerprint(cert), fingerprint(issuer))
    known = _SIGNATURE_RESULTS.get(key)
    if known is None:
        known = verify_cert_signature(cert, issuer)
        if len(_SIGNATURE_RESULTS) >= _SIGNATURE_RESULTS_MAX:
            _SIGNATURE_RESULTS.pop(next(iter(_SIGNATURE_RESULTS)))
        _SIGNATURE_RESULTS[key] = known
    return known


_SIGNATURE_RESULTS: dict[tuple[str, str], bool] = {}
_SIGNATURE_RESULTS_MAX = 1024
