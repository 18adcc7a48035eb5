"""Cryptography in pure Python (issue 3, shared with OFD): SM3, SM2, RSA, ECDSA, CMS, trust.

Modules and their public functions (the engines use only these):

- ``digest.py``   ``new_hash(name)`` / ``hash_bytes(name, data)`` for sha1/224/256/384/512 and sm3;
                  ``name_for_oid(oid)``.
- ``sigalg.py``   ``verify(sig_alg_oid, sig_params, spki_der, message, signature, digest_oid=None) -> bool``
                  (RSA PKCS#1 v1.5 and PSS, ECDSA P-256/384/521, SM2-with-SM3 with the default ID);
                  ``describe(sig_alg_oid, digest_oid) -> str`` e.g. "SM2-SM3".
- ``cms.py``      ``parse_signed_data(der) -> SignedDataInfo`` and
                  ``verify_signed_data(info, content_digest_for) -> CmsVerification`` — accepts both
                  SignedData OIDs (1.2.840.113549.1.7.2 and GM/T 0010 1.2.156.10197.6.1.4.2.2),
                  checks signed attributes, signature, embedded RFC 3161 timestamp tokens.
- ``trust.py``    ``TrustStore.from_options(options)``;
                  ``store.validate(cert, intermediates, at_time) -> ChainResult`` (chain to an
                  anchor, validity at signing time, basicConstraints / keyUsage).
"""
