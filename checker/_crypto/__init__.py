"""Cryptography in pure Python (issue 3, shared with OFD): SM3, SM2, RSA, ECDSA, CMS, trust.

No ``cryptography`` / native code: big-int arithmetic in Python, ASN.1 via ``asn1crypto``.
Certificates are ``asn1crypto.x509.Certificate`` objects everywhere.

Errors: every module raises :class:`CryptoError` subclasses (never bare asn1crypto/ValueError):
``UnsupportedAlgorithm`` (unknown OID) and ``MalformedCrypto`` (bad DER, bad key, bad params).
Each carries ``code`` (a CRYPTO_* finding code from :mod:`checker.messages`) and ``detail``.

Public functions (the engines use only these):

- ``digest.py``   ``new_hash(name)`` -> object with ``update/digest/copy``;
                  ``hash_bytes(name, data) -> bytes``; ``hash_chunks(name, chunks) -> bytes``;
                  ``name_for_oid(oid) -> str`` ("sha1", "sha224", "sha256", "sha384", "sha512",
                  "sm3"; raises UnsupportedAlgorithm); ``oid_for_name(name) -> str``.
                  ``WEAK_DIGESTS = {"sha1"}``.
- ``sigalg.py``   ``verify(sig_alg_oid, sig_params, spki_der, message, signature, digest_oid=None,
                  *, sm2_id=DEFAULT_SM2_ID) -> bool``
                    * ``sig_alg_oid``: signature (or key) algorithm OID as dotted string, e.g.
                      "1.2.840.113549.1.1.11" (sha256WithRSA), "1.2.840.113549.1.1.1" (rsaEncryption
                      + digest_oid), "1.2.840.113549.1.1.10" (PSS, params required),
                      "1.2.840.10045.4.3.2" (ecdsa-with-SHA256), "1.2.840.10045.2.1" (ecPublicKey
                      + digest_oid), "1.2.156.10197.1.501" (SM2-with-SM3),
                      "1.2.156.10197.1.301.1"/"1.2.156.10197.1.301" (SM2, digest SM3).
                    * ``sig_params``: DER of AlgorithmIdentifier.parameters or None.
                    * ``spki_der``: DER SubjectPublicKeyInfo (``cert.public_key.dump()``).
                    * ``message``: the signed bytes (NOT a digest; SM2 needs Z || M).
                    * ``signature``: RSA bytes; ECDSA DER SEQUENCE{r,s}; SM2 DER or raw 64-byte r||s.
                  Returns False for a wrong signature; raises UnsupportedAlgorithm / MalformedCrypto.
                  ``describe(sig_alg_oid, digest_oid=None, sig_params=None) -> str`` e.g. "SM2-SM3",
                  "RSA-SHA256", "RSA-PSS-SHA256", "ECDSA-SHA384".
                  ``digest_for(sig_alg_oid, digest_oid=None, sig_params=None) -> str`` hash name used.
- ``sm2.py``      ``verify(pub_xy: bytes(64|65), message, signature, id=DEFAULT_SM2_ID) -> bool``,
                  ``z_value(pub_xy, id) -> bytes``, ``sign(priv:int, message, id, k=None)`` (tests).
- ``x509.py``     ``load_certificates(data: bytes) -> list[Certificate]`` (PEM, several PEMs, DER);
                  ``readable_name(name) -> str`` ("CN=…, O=…, C=CN"); ``fingerprint(cert) -> hex``;
                  ``verify_cert_signature(cert, issuer_cert) -> bool``.
- ``cms.py``      ``parse_signed_data(der, *, max_certs=64) -> SignedDataInfo`` — ContentInfo with
                  SignedData OID 1.2.840.113549.1.7.2 or GM/T 0010 1.2.156.10197.6.1.4.2.2
                  (raises MalformedCrypto).
                  ``verify_signed_data(info, content=None, *, signer_index=0) -> CmsVerification``
                    * ``content``: detached content as bytes or a list of byte chunks (PDF: the two
                      ByteRange pieces); None = use the encapsulated eContent.
                    * checks messageDigest, contentType attribute, signature over DER SET OF signed
                      attributes (or over the content when there are none), signingTime, and an
                      embedded RFC 3161 timestamp token (unsigned attr 1.2.840.113549.1.9.16.2.14):
                      imprint over the signature value + TSA signature.
                  ``verify_timestamp_token(der, content) -> TimestampInfo`` — document timestamp
                  (PDF ETSI.RFC3161: the token IS the CMS; imprint over the ByteRange content).
                  Status objects are frozen dataclasses: ``CmsVerification(intact, valid,
                  digest_algorithm, signature_algorithm, signer_cert, certificates, signing_time,
                  timestamp, problems)``; ``TimestampInfo(intact, valid, gen_time, hash_algorithm,
                  tsa_cert, certificates, problems)``. ``problems`` are CRYPTO_* codes.
                  ``intact`` = content digest matches; ``valid`` = intact and signature verifies.
- ``trust.py``    ``TrustStore.from_options(options)``;
                  ``store.validate(cert, intermediates, at_time=None, *, usage="signing") ->
                  ChainResult(trusted, chain, anchor, anchor_is_demo, problems)`` (path building
                  subject/issuer + AKI/SKI, signatures incl. SM2, validity at ``at_time``
                  (datetime, aware), basicConstraints/pathLen, keyUsage, loops, max_chain_length).
                  ``usage``: "signing" (digitalSignature|nonRepudiation), "timestamping"
                  (extendedKeyUsage timeStamping if EKU present) or None.
                  ``problems`` are TRUST_* codes; ``chain`` subjects via ``ChainResult.subjects``.
"""
from __future__ import annotations


class CryptoError(Exception):
    """Base of crypto errors.  ``code`` is a CRYPTO_* finding code."""

    code = "CRYPTO_MALFORMED"

    def __init__(self, detail: str = "", *, code: str | None = None) -> None:
        super().__init__(detail or self.__class__.__name__)
        if code is not None:
            self.code = code
        self.detail = detail


class UnsupportedAlgorithm(CryptoError):
    code = "CRYPTO_UNSUPPORTED_ALGORITHM"


class MalformedCrypto(CryptoError):
    code = "CRYPTO_MALFORMED"


DEFAULT_SM2_ID = b"1234567812345678"

__all__ = ["CryptoError", "UnsupportedAlgorithm", "MalformedCrypto", "DEFAULT_SM2_ID"]
