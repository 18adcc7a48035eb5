"""Benchmark of the PDF engine on 1-page signed certificates (RSA, ECDSA, SM2).

    .venv/bin/python scripts/bench_pdf.py [--n 20]

Prints median milliseconds per phase: structure (revisions, xref, objects, fields, /ByteRange),
CMS verification (checker._crypto), trust (chain building), text (checker._pdf.text), the whole engine and
check_bytes (engine + certificate checks), in-process after a warm-up run.
"""
from __future__ import annotations

import argparse
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from testkit import pdfsign as ps

from checker import Options, check_bytes
from checker._context import Context
from checker._pdf import analyse_pdf, sigverify, text
from checker._pdf.byterange import check_byterange
from checker._pdf.document import PdfFile
from checker._pdf.fields import walk_fields
from checker._signature_outcome import SignatureOutcome, conclude


def median_ms(fn, n):
    xs = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        xs.append((time.perf_counter() - t) * 1000)
    return statistics.median(xs)


def structure(data, ctx):
    pdf = PdfFile(data, ctx)
    root = pdf.get(pdf.final, pdf.final.trailer["Root"])
    for f in walk_fields(pdf, pdf.final, root):
        sd = pdf.get(pdf.final, f.value_ref)
        check_byterange(sd.get("ByteRange"), sd.get("Contents"), len(data), pdf.revision_ends)
    return pdf


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20)
    n = ap.parse_args().n
    print(f"{'kind':6} {'struct':>7} {'cms':>7} {'trust':>7} {'text':>7} {'engine':>7} {'check':>7}  (ms, median of {n})")
    for kind in ("rsa", "ecdsa", "sm2"):
        p = ps.cached_pki(kind, "BENCH")
        data = ps.sign_pdf(ps.base_pdf(["示例 二级建造师 注册证书 (DEMO)", "姓名：张三"]), p.leaf, p.chain)
        opts = Options(trust=(p.root.pem,))
        check_bytes(data, "b.pdf", opts)  # warm-up (imports, caches)
        import re

        _, a, b, c = [int(x) for x in re.findall(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", data)[-1]]
        contents = bytes.fromhex(data[a + 1:b - 1].decode())
        chunks = [memoryview(data)[:a], memoryview(data)[b:b + c]]
        def cms_only():
            o = SignatureOutcome(index=1, kind="pdf-signature")
            sigverify.verify_cms(o, contents, "adbe.pkcs7.detached", chunks, 64)
            return o

        def cms_and_trust():  # conclude() validates the chain of an intact signature
            return conclude(Context(options=opts), cms_only())

        row = [
            median_ms(lambda: structure(data, Context(options=opts)), n),
            median_ms(cms_only, n),
            median_ms(cms_and_trust, n) - median_ms(cms_only, n),
            median_ms(lambda: text.extract_text(data, Context(options=opts)), n),
            median_ms(lambda: analyse_pdf(data, Context(options=opts)), n),
            median_ms(lambda: check_bytes(data, "b.pdf", opts), n),
        ]
        print(f"{kind:6} " + " ".join(f"{x:7.2f}" for x in row))


if __name__ == "__main__":
    main()
