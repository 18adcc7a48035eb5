"""Long fuzzing run over PDF and OFD inputs (``make fuzz``; the short run is in ``make test``).

    .venv/bin/python scripts/fuzz.py [--minutes 10] [--seed N] [--out bench-results/fuzz-crashes]

Random stacked mutations (tests/fuzzing/mutate.py) of: signed PDFs (RSA, SM2) and a sealed OFD
that pass before mutation, their ZIP entries, and the shared corpora.  Checks the same
properties as tests/test_fuzz_inputs.py.  Each violation is written as a JSON recipe (seed, ops,
message) plus the mutated file; turn it into a case of tests/regressions/test_fuzz_regressions.py.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import pathlib
import random
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))

from fuzzing import mutate, seeds  # noqa: E402

import checker  # noqa: E402


def random_ops(rng: random.Random, n: int) -> list:
    ops: list[tuple] = []
    for _ in range(rng.randint(1, 6)):
        k = rng.choice(["flip", "flip", "set", "insert", "insert", "delete", "truncate", "dup", "number"])
        pos = rng.randrange(max(n, 1)) if rng.random() < 0.9 else rng.randrange(1 << 24)
        if k == "flip":
            ops.append((k, pos, rng.randint(1, 255)))
        elif k == "set":
            ops.append((k, pos, rng.randint(0, 255)))
        elif k == "insert":
            ops.append((k, pos, rng.choice(mutate.TOKENS) if rng.random() < 0.6 else rng.randbytes(rng.randint(1, 32))))
        elif k == "delete":
            ops.append((k, pos, rng.randint(1, 512)))
        elif k == "truncate":
            ops.append((k, pos))
        elif k == "dup":
            ops.append((k, pos, rng.randint(1, 4096), rng.randrange(max(n, 1))))
        else:
            ops.append((k, rng.randrange(1 << 16), rng.choice([b"0", b"-1", b"999999999", b"2147483648", b"1"])))
    return ops


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--out", default=str(ROOT / "bench-results" / "fuzz-crashes"))
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    out = pathlib.Path(args.out)
    targets = []  # (label, original bytes, options, kind)
    for kind in ("rsa", "sm2"):
        d, o = seeds.signed_pdf(kind)
        targets.append((f"signed-{kind}.pdf", d, o, "pdf"))
    d, o = seeds.sealed_ofd()
    targets.append(("sealed.ofd", d, o, "ofd"))
    targets.append(("sealed.ofd#entries", d, o, "ofd-entry"))
    for p in seeds.corpus_files("pdf") + seeds.corpus_files("ofd"):
        targets.append((p.name, p.read_bytes(), checker.Options(), "corpus"))
    stats = {"examples": 0, "violations": 0, "verdicts": {}, "seed": args.seed}
    end = time.monotonic() + args.minutes * 60
    while time.monotonic() < end:
        label, original, opts, kind = rng.choice(targets)
        ops = random_ops(rng, len(original))
        entry = None
        if kind == "ofd-entry":
            entry = rng.randrange(64)
            data, _entry_name = mutate.mutate_entry(original, entry, ops)
        else:
            data = mutate.apply(original, ops)
        problem = None
        try:
            r = mutate.check_one(data, label, opts)
            stats["verdicts"][r.verdict] = stats["verdicts"].get(r.verdict, 0) + 1
            if r.verdict == "pass" and kind == "pdf" and not mutate.pdf_pass_allowed(original, data):
                problem = "mutated signed PDF passed"
            if r.verdict == "pass" and kind.startswith("ofd") and not mutate.ofd_pass_allowed(original, data):
                problem = "mutated sealed OFD passed"
        except mutate.PropertyViolation as exc:
            problem = str(exc)
        stats["examples"] += 1
        if problem:
            stats["violations"] += 1
            out.mkdir(parents=True, exist_ok=True)
            h = hashlib.sha256(data).hexdigest()[:16]
            recipe = {"seed_file": label, "entry_index": entry, "ops": [list(map(_j, op)) for op in ops],
                      "problem": problem}
            (out / f"{h}.json").write_text(json.dumps(recipe, ensure_ascii=False, indent=1))
            (out / f"{h}.bin").write_bytes(data)
            print(f"VIOLATION {h}: {problem}\n  recipe: {json.dumps(recipe, ensure_ascii=False)}", flush=True)
        if stats["examples"] % 200 == 0:
            print(f"  {stats['examples']} examples, {stats['violations']} violations, {stats['verdicts']}", flush=True)
    print(json.dumps(stats))
    return 1 if stats["violations"] else 0


def _j(v):
    return v.decode("latin-1") if isinstance(v, bytes) else v


if __name__ == "__main__":
    sys.exit(main())
