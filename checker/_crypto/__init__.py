"""Cryptography in pure Python (shared by the PDF and OFD engines): SM3, SM2, RSA, ECDSA, CMS, trust.

No ``cryptography`` / native code: big-int arithmetic in Python, ASN.1 via ``asn1crypto``.
Certificates are ``asn1crypto.x509.Certificate`` objects everywhere.

Errors: modules raise :class:`CryptoError` subclasses (never bare asn1crypto/ValueError):
``UnsupportedAlgorithm`` (unknown OID) and ``MalformedCrypto`` (bad DER, bad key, bad params).
Each carries ``code`` (a CRYPTO_*/TRUST_* finding code in :mod:`checker.messages`) and ``detail``.
``verify_signed_data`` and ``TrustStore.validate`` never raise: they report problems as codes.

Public API (exact signatures; the engines use only these):

digest.py
    new_hash(name: str, *, pure: bool = False) -> hashlib-like (update/digest/hexdigest/copy)
    hash_bytes(name: str, data) -> bytes
    hash_chunks(name: str, chunks: Iterable[bytes-like], check=None) -> bytes
        check: called between 1 MiB slices (pass ctx.check_time: pure SM3 is ~0.3 MB/s)
    name_for_oid(oid: str) -> str        # "sha1" "sha224" "sha256" "sha384" "sha512" "sm3"
    oid_for_name(name: str) -> str
    register_sm3(factory | None) -> bool # inject a fast SM3 (browser); checked against vectors
    WEAK_DIGESTS = {"sha1"}; NATIVE_SM3: bool; DIGEST_SIZES
    SM3: hashlib "sm3" when the platform has it (CPython+OpenSSL), else an injected provider,
    else pure Python (sm3.SM3, ~0.3 MB/s).

sigalg.py
    verify(sig_alg_oid: str, sig_params: bytes | None, spki_der: bytes, message: bytes,
           signature: bytes, digest_oid: str | None = None, *, sm2_id: bytes = DEFAULT_SM2_ID) -> bool
        sig_alg_oid: signature or key OID, dotted: sha*WithRSA (1.2.840.113549.1.1.5/11/12/13/14),
          rsaEncryption 1.2.840.113549.1.1.1 (+digest_oid), RSASSA-PSS 1.2.840.113549.1.1.10
          (params = DER RSASSA-PSS-params, None = RFC 4055 defaults), SM3withRSA 1.2.156.10197.1.504,
          ecdsa-with-SHA* (1.2.840.10045.4.1 / 4.3.1-4), ecPublicKey 1.2.840.10045.2.1 (+digest_oid),
          SM2-with-SM3 1.2.156.10197.1.501, SM2 1.2.156.10197.1.301.1 / 1.2.156.10197.1.301.
          An ecPublicKey/ecdsa OID with an SM2-curve key and SM3 digest is treated as SM2.
        message: the signed bytes (NOT a digest: SM2 hashes Z || M).
        signature: RSA octets; ECDSA DER SEQUENCE{r,s}; SM2 DER SEQUENCE{r,s} or raw 64-byte r||s.
        Returns False for a wrong signature (or a garbled signature encoding); raises
        UnsupportedAlgorithm (unknown OID/curve, RSA < 1024 bits) or MalformedCrypto (bad key,
        key type not matching the algorithm).
    describe(sig_alg_oid, digest_oid=None, sig_params=None) -> str   # "SM2-SM3", "RSA-PSS-SHA256"…
    digest_for(sig_alg_oid, digest_oid=None, sig_params=None) -> str # hash applied to the message
    parse_public_key(spki_der) -> PublicKey(kind "rsa"|"ec", curve_oid, n, e, point)

sm2.py
    verify(pub, message, signature, id=DEFAULT_SM2_ID, curve=SM2P256) -> bool
        pub: SEC1 point bytes (04||X||Y, compressed) or raw X||Y, or (x, y);
        signature: DER, raw r||s bytes, or (r, s).
    z_value(pub, id=DEFAULT_SM2_ID, curve=SM2P256) -> bytes
    decode_signature(sig: bytes) -> (r, s)          # raises ValueError
    sign(priv: int, message, id=..., k=None, curve=...) -> (r, s)   # tests/testkit only
    public_key(priv: int, curve=...) -> (x, y)

x509.py
    load_certificate(der) -> Certificate;  load_certificates(data) -> list[Certificate]
        (PEM with one or several blocks, or one DER; raises MalformedCrypto)
    readable_name(name) -> "CN=…, OU=…, O=…, C=CN";  common_name(name) -> CN or O
    fingerprint(cert) -> sha256 hex;  verify_cert_signature(cert, issuer_cert) -> bool (SM2: default ID)

cms.py
    parse_signed_data(der: bytes, *, max_certs: int = 64) -> SignedDataInfo
        ContentInfo with SignedData OID 1.2.840.113549.1.7.2 or GM/T 0010 1.2.156.10197.6.1.4.2.2;
        trailing zero padding tolerated (PDF /Contents), anything else -> MalformedCrypto.
        SignedDataInfo(outer_oid, content_type, econtent: bytes|None, certificates, signers,
                       digest_oids; .is_gm)
        SignerData(index, sid_kind "issuer_and_serial"|"ski", issuer, serial, ski, digest_oid,
                   sig_alg_oid, sig_params, signature, signed_attrs_der, signed_attrs,
                   unsigned_attrs; .attr(oid, unsigned=False) -> values | None)
    verify_signed_data(info, content=None, *, signer_index: int = 0, check=None) -> CmsVerification
        content: detached content as bytes or a list of chunks (PDF ByteRange pieces);
        None = the encapsulated eContent.  Checks messageDigest, contentType attribute (must equal
        eContentType), signature over DER SET OF signed attrs (or over the content when there are
        none), ESS signing-certificate(-v2) when present, signingTime, and an embedded RFC 3161
        token (unsigned attr 1.2.840.113549.1.9.16.2.14): imprint over the signature value + TSA
        signature.  check: e.g. ctx.check_time, called while hashing; TimeLimitExceeded propagates.
        CmsVerification(intact, valid, digest_algorithm, signature_algorithm, signer_cert,
                        certificates, signing_time, timestamp: TimestampInfo|None, problems,
                        signer_count, content_type, details)
        intact = content digest matches (without signed attrs: = signature verifies);
        valid = intact and signature verifies and no structural problem.
        Timestamp problems (CRYPTO_TIMESTAMP_*) do not clear ``valid``: add them as findings.
    verify_timestamp_token(der: bytes, data, *, check=None) -> TimestampInfo  # raises MalformedCrypto
        PDF ETSI.RFC3161: the token IS the /Contents CMS; ``data`` = ByteRange chunks.
        TimestampInfo(intact, valid, gen_time, hash_algorithm, tsa_cert, certificates, serial,
                      signature_algorithm, problems)
    find_signer_cert(info, signer) -> Certificate | None
    accept_data_oid_mix(info, v) -> (CmsVerification, bool)
        opt-in: a PKCS#7-data vs GM/T 0010-data contentType mix (seen in real GM products) is the
        only objection -> valid=True, flag True (report it as an info finding of your engine).

trust.py
    TrustStore.from_options(options) -> TrustStore
        bundled real anchors (data/trust/anchors.json, fingerprint-checked; role "anchor": the
        national SM2 root CN=ROOTCA,O=NRCAC,C=CN; role "intermediate": CA certificates used for
        path building only) unless options.use_default_trust is False; DEMO roots only with
        options.trust_demo; plus options.site_trust, options.user_trust and options.trust (PEM,
        several PEMs, or DER; unreadable, or a site/user root that is not a CA ->
        MalformedCrypto with code TRUST_BAD_ANCHOR_FILE).  Origins, in order of precedence:
        trust.ORIGINS = bundled, demo, site, user, cli.  limits.max_chain_length applies.
    store.validate(cert, intermediates=(), at_time=None, *, usage="signing") -> ChainResult
        at_time: aware datetime (naive = UTC; a date = noon UTC; None = now).
        usage: "signing" (keyUsage, if present, must have digitalSignature or nonRepudiation),
               "timestamping" (+ EKU timeStamping), or None.
        ChainResult(trusted, chain (signer first … anchor last), anchor: Anchor|None, problems,
                    details; .anchor_is_demo, .subjects).  Anchor(cert, origin "bundled"|"demo"|
                    "site"|"user"|"cli", name; .sha256).  trusted is False whenever any TRUST_*
                    problem is on the path.  anchor_fields(anchor) -> the report's three keys.
    examine_root(data, today, *, max_bytes) -> RootCandidate(der, subject, issuer, not_before,
        not_after, sha256, self_signed, algorithm) or raises RootRefused (code TRUST_ROOT_*,
        params for its message): what a site administrator or a reader is about to trust.
    bundled_anchors(), bundled_intermediates(), demo_anchors()

Finding codes (checker/messages.py, section "crypto / CMS / trust"): CRYPTO_* and TRUST_*; all
take ``index`` and ``detail`` params (use ``details`` of the status objects for ``detail``).
"""
from __future__ import annotations

from ..errors import CheckerError


class CryptoError(CheckerError):
    """Base of crypto errors (in the :class:`checker.errors.CheckerError` tree).  ``code`` is a
    CRYPTO_* finding code."""

    code = "CRYPTO_MALFORMED"


class UnsupportedAlgorithm(CryptoError):
    code = "CRYPTO_UNSUPPORTED_ALGORITHM"


class MalformedCrypto(CryptoError):
    code = "CRYPTO_MALFORMED"


DEFAULT_SM2_ID = b"1234567812345678"

__all__ = ["DEFAULT_SM2_ID", "CryptoError", "MalformedCrypto", "UnsupportedAlgorithm"]
