"""Seed files of the fuzzers: small signed PDFs / sealed OFDs that ``pass`` with the given options,
plus the third-party corpora in tests/corpus/.  Generated in memory (no file is committed)."""
from __future__ import annotations

import functools
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
DEMO_TRUST = ROOT / "checker" / "data" / "trust" / "demo"


# The seeds must really pass (else the "never pass" properties would be vacuous): a throw-away
# PKI whose signer is named after the real issuing body, under a root the test trusts explicitly.
# (The committed DEMO names are not a known issuing body, so DEMO-signed files never pass.)
ISSUER = ("重庆市住房和城乡建设委员会", "重庆市住房和城乡建设委员会")
LINES = ("示例 二级建造师 (TEST)", "注册编号：渝250012345678", "发证机关：重庆市住房和城乡建设委员会")


@functools.lru_cache(maxsize=None)
def _pki(kind: str):
    from testkit import pki

    return pki.make_pki(kind, tag="FUZZ", leaf_name=ISSUER)


@functools.lru_cache(maxsize=None)
def signed_pdf(kind: str = "rsa"):
    """(bytes, Options) of a one-page CJK PDF signed by a test ``kind`` leaf; passes with these options."""
    import checker
    from testkit import pdfsign

    p = _pki(kind)
    data = pdfsign.sign_pdf(pdfsign.base_pdf(LINES, compress=True), p.leaf, p.chain)
    return data, checker.Options(trust=(p.root.pem,))


@functools.lru_cache(maxsize=None)
def sealed_ofd():
    """(bytes, Options) of a small OFD sealed (SES v4, SM2) by a test leaf; its issuing CA and root are
    trusted explicitly (SES seals carry no chain)."""
    import checker
    from testkit import ofdsign

    p = _pki("sm2")
    plain = ofdsign.make_ofd(list(LINES))
    data = ofdsign.seal_ofd(plain, p.leaf.key, p.leaf, "示例 发证机关电子印章 (TEST)", version="v4", alg="SM2",
                            maker=p.leaf)
    return data, checker.Options(trust=(p.ca.pem, p.root.pem))


def corpus_files(kind: str) -> list[pathlib.Path]:
    """The third-party files of ``kind`` up to 200 kB (the real-file corpus included), names unique."""
    subs = {"pdf": ("pdf-pyhanko", "real"), "ofd": ("ofd-real", "real")}[kind]
    found = [p for sub in subs if (CORPUS / sub).is_dir() for p in (CORPUS / sub).glob(f"*.{kind}")]
    return sorted((p for p in found if p.stat().st_size <= 200_000), key=lambda p: (p.parent.name, p.name))
