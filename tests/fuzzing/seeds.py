"""Seed files of the fuzzers: small signed PDFs / sealed OFDs that ``pass`` with the given options,
plus the shared corpora.  Generated in memory (no file is committed)."""
from __future__ import annotations

import functools
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus"
DEMO_TRUST = ROOT / "checker" / "data" / "trust" / "demo"


@functools.lru_cache(maxsize=None)
def signed_pdf(kind: str = "rsa"):
    """(bytes, Options) of a one-page CJK PDF signed by the DEMO ``kind`` leaf; passes with these options."""
    import checker
    from testkit import pdfsign, pki

    demo = pki.demo_pki(kind)
    data = pdfsign.sign_pdf(pdfsign.base_pdf(("示例 二级建造师 (DEMO)", "注册编号：渝250012345678", "发证机关：示例 重庆市某发证机关 (DEMO)"), compress=True),
                            demo.leaf, demo.chain)
    root = (DEMO_TRUST / f"demo_root_{kind}.pem").read_bytes()
    return data, checker.Options(trust=(root,))


@functools.lru_cache(maxsize=None)
def sealed_ofd():
    """(bytes, Options) of a small OFD sealed (SES v4, SM2) by the DEMO leaf; its issuing CA is trusted
    explicitly (SES seals carry no chain)."""
    import checker
    from testkit import ofdsign, pki

    demo = pki.demo_pki("sm2")
    plain = ofdsign.make_ofd(["示例 二级建造师 (DEMO)", "注册编号：渝250012345678", "发证机关：示例 重庆市某发证机关 (DEMO)"])
    data = ofdsign.seal_ofd(plain, demo.leaf.key, demo.leaf, "示例 发证机关电子印章 (DEMO)", version="v4", alg="SM2",
                            maker=demo.leaf)
    return data, checker.Options(trust=(demo.ca.pem, demo.root.pem))


def corpus_files(kind: str) -> list[pathlib.Path]:
    sub = {"pdf": "pdf-pyhanko", "ofd": "ofd-real"}[kind]
    d = CORPUS / sub
    return sorted(p for p in d.glob(f"*.{kind}") if p.stat().st_size <= 200_000) if d.is_dir() else []
