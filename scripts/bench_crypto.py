"""Micro-benchmarks of the pure-Python crypto core (run: python scripts/bench_crypto.py).

Reports CPU time (process_time, robust to a busy machine): first-call cost (includes the one-time fixed-base table for the curve) and steady-state
averages.  Numbers are for information (performance is measured here, not asserted in tests).
"""
from __future__ import annotations

import os
import pathlib
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))

from checker._crypto import cms, digest, sigalg
from checker._crypto.trust import TrustStore
from checker.options import Options


def timeit(fn, n):
    t = time.process_time()
    first = fn()
    t1 = time.process_time()
    for _ in range(n):
        fn()
    t2 = time.process_time()
    return first, (t1 - t) * 1000, (t2 - t1) * 1000 / max(n, 1)


def main() -> None:
    from testkit import cms as tcms, pki

    print(f"Python {sys.version.split()[0]}, native SM3: {digest.NATIVE_SM3}")
    data = os.urandom(1 << 20)
    for pure in (False, True):
        if not pure and not digest.NATIVE_SM3:
            continue
        h = digest.new_hash("sm3", pure=pure)
        t = time.process_time()
        h.update(data if not pure else data[: 1 << 18])
        h.digest()
        mb = (1 if not pure else 0.25) / (time.process_time() - t)
        print(f"SM3 {'pure' if pure else 'native'}: {mb:.2f} MB/s")
    msg = b"x" * 300
    for kind in pki.KINDS:
        kit = pki.demo_pki(kind)
        spki = kit.leaf.cert.public_key.dump()
        sig = kit.leaf.key.sign(msg)
        oid = kit.leaf.key.sig_alg()["algorithm"]
        oid = {"sha256_rsa": "1.2.840.113549.1.1.11", "sha256_ecdsa": "1.2.840.10045.4.3.2"}.get(oid, oid)
        ok, first, avg = timeit(lambda: sigalg.verify(oid, None, spki, msg, sig), 20)
        print(f"{kind:5s} verify: ok={ok} first {first:.1f} ms, then {avg:.2f} ms")
        der = tcms.sign_detached(data[:200_000], kit.leaf, [kit.ca], timestamp_tsa=kit.tsa, timestamp_certs=[kit.ca])
        ok, first, avg = timeit(lambda: cms.verify_signed_data(cms.parse_signed_data(der), data[:200_000]).valid, 5)
        print(f"{kind:5s} CMS over 200 kB + timestamp: ok={ok} {avg:.1f} ms")
        store = TrustStore.from_options(Options(trust_demo=True))
        ok, first, avg = timeit(lambda: store.validate(kit.leaf.cert, [kit.ca.cert]).trusted, 10)
        print(f"{kind:5s} chain leaf->CA->root: ok={ok} {avg:.1f} ms")


if __name__ == "__main__":
    main()
