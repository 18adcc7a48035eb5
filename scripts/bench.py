"""Benchmarks of the checker, side by side with pyHanko and poppler's pdfsig (``make bench``).

    .venv/bin/python scripts/bench.py [--runs 5] [--quick] [--no-browser] [--out bench-results]

Everything is measured in ONE run on the same files:

* corpus: the sample certificates (``scripts/make_samples.py``), a signed 20-page PDF, a signed
  ~50 MB PDF (large incompressible image streams), the OFD files of ``tests/corpus/ofd-real``;
* CLI whole process (``python -m checker``, with and without QR decoding) vs ``pyhanko sign
  validate`` and ``pdfsig`` on the same PDFs: medians of ``--runs`` runs and ratios;
* in process: ``check_bytes`` per file, the signature check alone (CMS parse + digest + signature
  verification), pyHanko's Python API (``validate_pdf_signature``) on the same signature;
* hash throughput of our digest path vs raw ``hashlib`` on the 50 MB file; SM3 native vs pure;
  SM2 verify (ours, pure Python) vs gmalg (pure) vs OpenSSL (native, ``openssl speed``);
* batches: 175 one-page PDF certificates (the samples, cycled) through ``python -m checker`` with
  its default ``--jobs`` (one per CPU) and with ``--jobs 1``, side by side with a shell loop of
  ``pdfsig`` over the same files; 200 mixed PDF/OFD files; the load average around them;
* single-file start-up: today's CLI vs the CLI before batches (``BASELINE_REV``, exported from git),
  alternating, on the same file;
* browser figures from ``scripts/bench_browser.py`` (needs a built site, ``make build``), among them
  200 mixed files dropped on the page (pool of workers) vs the same with one worker.

Prints a table and writes ``bench-results/bench-<UTC>.json`` (+ ``latest.json``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import pathlib
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))
PY = sys.executable
TODAY = "2026-11-23"
OFD_REAL = ROOT / "tests" / "corpus" / "ofd-real"
DEMO_TRUST = ROOT / "checker" / "data" / "trust" / "demo"
# The CLI as it was before batches and the worker pool: the single-file start-up reference.
BASELINE_REV = "ebc6ed1"
TARGETS = {
    "cli_whole_process_s": 0.25,  # retired as a target: printed for comparison
    "cli_batch_vs_pdfsig_loop": 1.0,  # 175 one-page PDFs: ours / a pdfsig loop
    "cli_batch_mixed200_s": 4.0,
    "cli_single_file_vs_baseline": 2.0,
    "browser_batch200_s": 10.0,
    "signature_check_ms": 10.0,
    "hash_ratio": 0.80,
    "browser_warm_verdict_ms": 250.0,
    "browser_cold_ready_s": 2.5,
    "guide_page_kb": 400.0,
}


# ---------------------------------------------------------------------------------------------
# helpers


def median_time(fn, runs: int) -> tuple[float, list[float]]:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times


def _child_env() -> dict:
    """Children cache their bytecode like a normal install does.  Some environments (CI, this
    sandbox) set PYTHONDONTWRITEBYTECODE=1, which makes every `python -m checker` compile the whole
    package again (~2x the start-up); the cache goes to bench-results/pycache, not into the tree."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(ROOT / "bench-results" / "pycache")
    return env


def run_proc(cmd: list[str], timeout: float = 120) -> tuple[float, int, str]:
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=ROOT, env=_child_env())
    return time.perf_counter() - t, p.returncode, (p.stdout + p.stderr).decode("utf-8", "replace")


def timed_runs(cmd: list[str], runs: int) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds of the child: user + sys, less sensitive to a busy machine)."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        walls.append(run_proc(cmd)[0])
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def machine() -> dict:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    chromium = ""
    if shutil.which("chromium"):
        chromium = subprocess.run(["chromium", "--version"], capture_output=True, text=True).stdout.strip()
    pdfsig = ""
    if shutil.which("pdfsig"):
        pdfsig = subprocess.run(["pdfsig", "-v"], capture_output=True, text=True).stderr.strip().splitlines()[0]
    load = os.getloadavg() if hasattr(os, "getloadavg") else ()
    import importlib.metadata as md

    def ver(name):
        try:
            return md.version(name)
        except md.PackageNotFoundError:
            return None

    return {
        "date_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "loadavg_at_start": [round(x, 2) for x in load],
        "child_bytecode_cache": "PYTHONPYCACHEPREFIX=bench-results/pycache (PYTHONDONTWRITEBYTECODE removed)",
        "python": platform.python_version(),
        "python3_11": subprocess.run(["python3", "--version"], capture_output=True, text=True).stdout.strip()
        if shutil.which("python3") else None,
        "openssl": subprocess.run(["openssl", "version"], capture_output=True, text=True).stdout.strip()
        if shutil.which("openssl") else None,
        "chromium": chromium,
        "pdfsig": pdfsig,
        "pyhanko": ver("pyHanko"),
        "pypdf": ver("pypdf"),
        "asn1crypto": ver("asn1crypto"),
    }


# ---------------------------------------------------------------------------------------------
# corpus


def _image_pdf(pages: int, image_bytes: int, title: str) -> bytes:
    """A PDF whose pages each carry one large incompressible image (random bytes, no filter)."""
    from testkit import pdfsign

    rnd = __import__("random").Random(1234)
    side = int((image_bytes / 3) ** 0.5)
    objs: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>",
                              3: b"<< /Producer (bench) /Title " + pdfsign.pdf_string(title) + b" >>"}
    kids = []
    n = 4
    for p in range(pages):
        img = rnd.randbytes(side * side * 3)
        objs[n] = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
                   b"/BitsPerComponent 8 /Length %d >>\nstream\n" % (side, side, len(img)) + img + b"\nendstream")
        content = b"q 500 0 0 500 50 200 cm /Im0 Do Q BT /F1 12 Tf 50 100 Td (Bench page %d) Tj ET" % (p + 1)
        objs[n + 1] = pdfsign.stream_obj(content)
        objs[n + 2] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 %d 0 R >> "
                       b"/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> "
                       b"/Contents %d 0 R >>" % (n, n + 1))
        kids.append(n + 2)
        n += 3
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids), pages)
    return pdfsign.write_full(objs, root=1, info=3)


def build_corpus(out: pathlib.Path, quick: bool = False) -> dict[str, pathlib.Path]:
    """Generate (or reuse) the benchmark files; returns {label: path}."""
    from testkit import pdfsign, pki

    out.mkdir(parents=True, exist_ok=True)
    samples = out / "samples"
    if not (samples / "samples.json").is_file():
        subprocess.run([PY, str(ROOT / "scripts" / "make_samples.py"), "--out", str(samples)], check=True, cwd=ROOT)
    files: dict[str, pathlib.Path] = {}
    for name in ("sample-sm2.pdf", "sample-rsa.pdf", "sample-ecdsa.pdf", "tampered-name.pdf", "sample-sm2.ofd",
                 "tampered-name.ofd"):
        if (samples / name).is_file():
            files[name] = samples / name
    rsa = pki.demo_pki("rsa")
    p20 = out / "pages20-rsa.pdf"
    if not p20.is_file():
        lines = ("示例 二级建造师 电子注册证书 (DEMO)", "Bench: twenty pages of text")
        p20.write_bytes(pdfsign.sign_pdf(pdfsign.base_pdf(lines, pages=20, compress=True), rsa.leaf, rsa.chain))
    files["pages20-rsa.pdf"] = p20
    big = out / "big50-rsa.pdf"
    if not big.is_file():
        big.write_bytes(pdfsign.sign_pdf(_image_pdf(10, (10 if quick else 50) * 1024 * 1024 // 10, "bench 50 MB"),
                                         rsa.leaf, rsa.chain))
    files["big50-rsa.pdf"] = big
    if OFD_REAL.is_dir():
        for p in sorted(OFD_REAL.glob("*.ofd")):
            files["ofd-real/" + p.name] = p
    return files


# ---------------------------------------------------------------------------------------------
# batches


def build_batch_corpus(out: pathlib.Path) -> dict[str, pathlib.Path]:
    """Directories of copies of the sample certificates: 175 one-page PDFs, 200 and 500 mixed PDF/OFD."""
    samples = out / "samples"
    if not (samples / "samples.json").is_file():
        subprocess.run([PY, str(ROOT / "scripts" / "make_samples.py"), "--out", str(samples)], check=True, cwd=ROOT)
    pdfs = sorted(samples.glob("*.pdf"))
    mixed = sorted(samples.glob("*.pdf")) + sorted(samples.glob("*.ofd"))
    dirs = {}
    for label, pool, n in (("pdf175", pdfs, 175), ("mixed200", mixed, 200), ("mixed500", mixed, 500)):
        d = out / f"batch-{label}"
        if not d.is_dir() or len(list(d.iterdir())) != n:
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir(parents=True)
            for i in range(n):
                src = pool[i % len(pool)]
                shutil.copy(src, d / f"{i:03d}-{src.name}")
        dirs[label] = d
    return dirs


def baseline_tree(out: pathlib.Path) -> pathlib.Path | None:
    """``checker/`` as of BASELINE_REV, exported from git (None: not a git checkout)."""
    d = out / f"baseline-{BASELINE_REV}"
    if (d / "checker" / "__main__.py").is_file():
        return d
    try:
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE_REV, "checker"],
                                 capture_output=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    import tarfile

    d.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(d, filter="data")
    return d


def _alternating(cmds: dict[str, list[str]], runs: int, env: dict | None = None) -> dict[str, dict]:
    """Median wall and CPU seconds of each command, the commands alternating within each run."""
    walls: dict[str, list[float]] = {k: [] for k in cmds}
    cpus: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(runs):
        for key, cmd in cmds.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, timeout=600, cwd=ROOT, env=(env or {}).get(key) or _child_env())
            walls[key].append(time.perf_counter() - t)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus[key].append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return {k: {"wall_s": round(statistics.median(walls[k]), 3), "cpu_s": round(statistics.median(cpus[k]), 3),
                "runs_s": [round(x, 3) for x in walls[k]]} for k in cmds}


def bench_batch(corpus: pathlib.Path, runs: int) -> dict:
    dirs = build_batch_corpus(corpus)
    ours = [PY, "-m", "checker", "--json", "--trust-demo", "--today", TODAY]
    res: dict = {"cpus": os.cpu_count(), "load_before": [round(x, 2) for x in os.getloadavg()]}
    cmds = {"ours_pdf175": [*ours, str(dirs["pdf175"])],
            "ours_pdf175_jobs1": [*ours, "--jobs", "1", str(dirs["pdf175"])]}
    if shutil.which("pdfsig"):
        cmds["pdfsig_loop_pdf175"] = ["sh", "-c", 'for f in "$0"/*.pdf; do pdfsig "$f" >/dev/null 2>&1; done',
                                      str(dirs["pdf175"])]
    cmds["ours_mixed200"] = [*ours, str(dirs["mixed200"])]
    cmds["ours_mixed200_jobs1"] = [*ours, "--jobs", "1", str(dirs["mixed200"])]
    subprocess.run(cmds["ours_pdf175"], capture_output=True, cwd=ROOT, env=_child_env())  # warm caches
    res.update(_alternating(cmds, runs))
    out = subprocess.run(cmds["ours_mixed200"], capture_output=True, text=True, cwd=ROOT, env=_child_env())
    verdicts = [json.loads(line)["verdict"] for line in out.stdout.splitlines()]
    res["mixed200_verdicts"] = {v: verdicts.count(v) for v in sorted(set(verdicts))}
    if "pdfsig_loop_pdf175" in res:
        res["ratio_ours_vs_pdfsig_loop"] = round(res["ours_pdf175"]["wall_s"] / res["pdfsig_loop_pdf175"]["wall_s"], 2)
    res["load_after"] = [round(x, 2) for x in os.getloadavg()]
    for k, v in res.items():
        if isinstance(v, dict) and "wall_s" in v:
            print(f"  batch {k:24s} {v['wall_s']:.2f}s (cpu {v['cpu_s']:.2f}s)", flush=True)
    print(f"  batch load average before {res['load_before']} after {res['load_after']}", flush=True)
    return res


def bench_single_vs_baseline(corpus: pathlib.Path, runs: int) -> dict:
    """One certificate, whole process, today's CLI vs BASELINE_REV's (alternating)."""
    base = baseline_tree(corpus)
    if base is None:
        return {"error": "not a git checkout: no baseline"}
    res: dict = {"baseline": BASELINE_REV, "load_before": [round(x, 2) for x in os.getloadavg()]}
    for name in ("sample-sm2.pdf", "sample-sm2.ofd"):
        path = corpus / "samples" / name
        cmd = _ours_cmd(path, True)
        env_base = dict(_child_env(), PYTHONPATH=str(base),
                        PYTHONPYCACHEPREFIX=str(ROOT / "bench-results" / "pycache-baseline"))
        for c in (cmd,):
            subprocess.run(c, capture_output=True, cwd=ROOT, env=_child_env())
            subprocess.run(c, capture_output=True, cwd=ROOT, env=env_base)
        got = _alternating({"today": cmd, "baseline": cmd}, max(runs, 7), env={"baseline": env_base})
        res[name] = {**got, "ratio": round(got["today"]["wall_s"] / got["baseline"]["wall_s"], 2)}
        print(f"  single file {name}: today {got['today']['wall_s']:.3f}s, baseline {got['baseline']['wall_s']:.3f}s"
              f" ({res[name]['ratio']}x)", flush=True)
    res["load_after"] = [round(x, 2) for x in os.getloadavg()]
    return res


# ---------------------------------------------------------------------------------------------
# CLI and in-process


def _ours_cmd(path: pathlib.Path, qr: bool) -> list[str]:
    cmd = [PY, "-m", "checker", "--json", "--trust-demo", "--today", TODAY]
    return cmd + ([] if qr else ["--no-qr"]) + [str(path)]


def _pyhanko_cmd(path: pathlib.Path, kind: str) -> list[str] | None:
    exe = pathlib.Path(PY).with_name("pyhanko")
    if not exe.exists():
        return None
    return [str(exe), "sign", "validate", "--no-revocation-check", "--trust", str(DEMO_TRUST / f"demo_root_{kind}.pem"),
            "--validation-time", "claimed", str(path)]


def _kind(name: str) -> str:
    for k in ("ecdsa", "rsa", "sm2"):
        if k in name:
            return k
    return "sm2"


def bench_cli(files: dict[str, pathlib.Path], runs: int) -> list[dict]:
    rows = []
    pdfsig = shutil.which("pdfsig")
    for label, path in files.items():
        row: dict[str, Any] = {"file": label, "bytes": path.stat().st_size}
        for key, cmd in (("ours_qr", _ours_cmd(path, True)), ("ours_noqr", _ours_cmd(path, False))):
            _, rc, outp = run_proc(cmd)  # warm the page cache / bytecode
            try:
                row[key + "_verdict"] = json.loads(outp.splitlines()[0])["verdict"]
            except Exception:
                row[key + "_verdict"] = f"rc={rc}"
            row[key + "_s"], row[key + "_cpu_s"] = timed_runs(cmd, runs)
        if path.suffix == ".pdf":
            ph_cmd = _pyhanko_cmd(path, _kind(label))
            if ph_cmd:
                _, rc, outp = run_proc(ph_cmd)
                row["pyhanko_cli_result"] = _pyhanko_summary(rc, outp)
                row["pyhanko_cli_s"], row["pyhanko_cli_cpu_s"] = timed_runs(ph_cmd, runs)
            if pdfsig:
                _, rc, outp = run_proc([pdfsig, str(path)])
                row["pdfsig_result"] = _pdfsig_summary(rc, outp)
                row["pdfsig_s"], row["pdfsig_cpu_s"] = timed_runs([pdfsig, str(path)], runs)
        for other in ("pyhanko_cli_s", "pdfsig_s"):
            if other in row:
                row["ratio_" + other.replace("_s", "") + "_vs_ours_qr"] = round(row[other] / row["ours_qr_s"], 2)
        rows.append(row)
        print(f"  cli {label:40s} ours {row['ours_qr_s']:.3f}s (no QR {row['ours_noqr_s']:.3f}s)"
              + (f"  pyHanko {row['pyhanko_cli_s']:.3f}s" if "pyhanko_cli_s" in row else "")
              + (f"  pdfsig {row['pdfsig_s']:.3f}s" if "pdfsig_s" in row else ""), flush=True)
    return rows


def bench_startup(runs: int) -> dict:
    """Where the whole-process time of the CLI goes: interpreter, imports, QR libraries (median wall/CPU)."""
    steps = {
        "python -c pass": "pass",
        "import checker": "import checker",
        "+ engines (pdf, ofd, cert, cms, trust)": "import checker, checker._pdf, checker._ofd, checker._ofd.signatures, checker._cert, "
                                                  "checker._crypto.cms, checker._crypto.trust",
        "+ QR libraries (pypdfium2, zxing-cpp)": "import checker, checker._pdf, checker._ofd, checker._cert, "
                                                 "checker._crypto.cms, checker._crypto.trust, zxingcpp, pypdfium2",
        # pypdf is no longer on the CLI's path (own text extractor; pypdf only as its fallback)
        "import pypdf alone (fallback only)": "import pypdf",
    }
    res = {}
    for label, code in steps.items():
        wall, cpu = timed_runs([PY, "-c", code], runs)
        res[label] = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3)}
        print(f"  startup {label:48s} wall {wall:.3f}s cpu {cpu:.3f}s", flush=True)
    return res


def _pyhanko_summary(rc: int, out: str) -> str:
    m = re.search(r"(INTACT|UNTRUSTED|TRUSTED|INVALID|UNKNOWN)[^\n]*", out)
    if m:
        return m.group(0)[:80]
    lines = [ln for ln in out.splitlines() if ln.strip()]
    return (f"rc={rc} " + (lines[-1] if lines else ""))[:80]


def _pdfsig_summary(rc: int, out: str) -> str:
    sig = re.findall(r"Signature Validation: ([^\n]*)", out)
    if sig:
        return "; ".join(sig)[:80]
    lines = [ln for ln in out.splitlines() if ln.strip()]
    return (f"rc={rc} " + (lines[-1] if lines else ""))[:80]


def bench_inprocess(files: dict[str, pathlib.Path], runs: int) -> list[dict]:
    import checker
    from checker.cli.qr_native import NativeQrDecoder

    today = dt.date.fromisoformat(TODAY)
    with_qr = checker.Options(trust_demo=True, today=today, qr_decoder=NativeQrDecoder())
    no_qr = checker.Options(trust_demo=True, today=today)
    rows = []
    for label, path in files.items():
        data = path.read_bytes()
        first_t = time.perf_counter()
        r = checker.check_bytes(data, label, with_qr)
        first = time.perf_counter() - first_t
        row: dict[str, Any] = {"file": label, "verdict": r.verdict, "first_call_s": first}
        row["check_qr_ms"] = median_time(lambda: checker.check_bytes(data, label, with_qr), runs)[0] * 1e3
        row["check_noqr_ms"] = median_time(lambda: checker.check_bytes(data, label, no_qr), runs)[0] * 1e3
        sig = _signature_only(data) if path.suffix == ".pdf" else None
        if sig is not None:
            row["signature_check_ms"] = median_time(sig, max(runs, 10))[0] * 1e3
        if path.suffix == ".pdf":
            ph = _pyhanko_api(data, _kind(label))
            if ph is not None:
                fn, summary = ph
                row["pyhanko_api_result"] = summary
                row["pyhanko_api_ms"] = median_time(fn, runs)[0] * 1e3
                row["ratio_pyhanko_api_vs_ours_noqr"] = round(row["pyhanko_api_ms"] / row["check_noqr_ms"], 2)
        rows.append(row)
        print(f"  in-process {label:34s} {r.verdict:5s} check {row['check_qr_ms']:8.1f} ms"
              f" (no QR {row['check_noqr_ms']:8.1f} ms)"
              + (f" sig {row['signature_check_ms']:6.2f} ms" if "signature_check_ms" in row else "")
              + (f" pyHanko API {row['pyhanko_api_ms']:8.1f} ms" if "pyhanko_api_ms" in row else ""), flush=True)
    return rows


def _signature_only(data: bytes):
    """The signature check alone: CMS parse, digest over /ByteRange, signature and chain verification."""
    from checker._pdf.sigverify import verify_cms
    from checker._signature_outcome import SignatureOutcome

    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    if not m:
        return None
    a, b, c, d = (int(x) for x in m.groups())
    contents = bytes.fromhex(data[a + b + 1:c - 1].decode())
    sub = "ETSI.CAdES.detached" if b"ETSI.CAdES" in data else "adbe.pkcs7.detached"
    mv = memoryview(data)

    def run():
        o = SignatureOutcome(index=1, kind="pdf-signature")
        verify_cms(o, contents, sub, [mv[a:a + b], mv[c:c + d]], 64)
        return o

    if not run().intact:
        return None
    return run


def _pyhanko_api(data: bytes, kind: str):
    try:
        from asn1crypto import pem, x509
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext
    except ImportError:
        return None
    root = x509.Certificate.load(pem.unarmor((DEMO_TRUST / f"demo_root_{kind}.pem").read_bytes())[2])

    def run():
        vc = ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = reader.embedded_signatures
        if not sigs:
            return "no signature"
        st = validate_pdf_signature(sigs[0], vc)
        coverage = st.coverage.name if st.coverage is not None else None
        return f"intact={st.intact} valid={st.valid} trusted={st.trusted} coverage={coverage}"

    try:
        summary = run()
    except Exception as exc:
        return (lambda: None), f"error: {type(exc).__name__}: {str(exc)[:60]}"

    def timed():
        try:
            run()
        except Exception:
            pass

    return timed, summary


# ---------------------------------------------------------------------------------------------
# hashing and crypto primitives


def bench_hash(big: pathlib.Path, runs: int) -> dict:
    from checker._crypto import digest

    data = big.read_bytes()
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    assert m is not None, f"{big} has no /ByteRange"
    a, b, c, d = (int(x) for x in m.groups())
    mv = memoryview(data)
    raw = median_time(lambda: hashlib.sha256(data).digest(), runs)[0]
    ours = median_time(lambda: digest.hash_chunks("sha256", [mv[a:a + b], mv[c:c + d]]), runs)[0]
    mb = len(data) / 1e6
    res = {"file_mb": round(mb, 1), "hashlib_sha256_mb_s": round(mb / raw, 1),
           "ours_sha256_byterange_mb_s": round(mb / ours, 1), "ratio": round(raw / ours, 3)}
    if digest.NATIVE_SM3:
        raw3 = median_time(lambda: hashlib.new("sm3", data).digest(), max(1, runs // 2))[0]
        ours3 = median_time(lambda: digest.hash_chunks("sm3", [mv[a:a + b], mv[c:c + d]]), max(1, runs // 2))[0]
        res.update(hashlib_sm3_mb_s=round(mb / raw3, 1), ours_sm3_mb_s=round(mb / ours3, 1))
    print(f"  hash sha256 raw {res['hashlib_sha256_mb_s']} MB/s, ours {res['ours_sha256_byterange_mb_s']} MB/s,"
          f" ratio {res['ratio']}", flush=True)
    return res


def bench_crypto(runs: int) -> dict:
    from checker._crypto import digest, sm2

    res: dict = {}
    blob = os.urandom(1 << 20)
    pure = median_time(lambda: digest.new_hash("sm3", pure=True).update(blob), 3)[0]
    res["sm3_pure_mb_s"] = round(1.048576 / pure, 2)
    if digest.NATIVE_SM3:
        nat = median_time(lambda: hashlib.new("sm3", blob).digest(), runs)[0]
        res["sm3_native_mb_s"] = round(1.048576 / nat, 1)
    # SM2 verify: ours (pure Python) on a fixed key / message
    priv = 0x128B2FA8BD433C6C068C8D803DFF79792A519A55171B1B650C23661D15897263
    pub = sm2.public_key(priv)
    pub_xy = pub[0].to_bytes(32, "big") + pub[1].to_bytes(32, "big")
    msg = b"message digest" * 10
    r, s = sm2.sign(priv, msg)
    sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    assert sm2.verify(pub_xy, msg, sig)
    t = median_time(lambda: sm2.verify(pub_xy, msg, sig), max(runs, 10))[0]
    res["sm2_verify_ours_ms"] = round(t * 1e3, 2)
    try:
        from gmalg import SM2 as GSM2

        g = GSM2(pk=b"\x04" + pub_xy)
        gt = median_time(lambda: g.verify(msg, r.to_bytes(32, "big"), s.to_bytes(32, "big")), max(runs, 10))[0]
        res["sm2_verify_gmalg_ms"] = round(gt * 1e3, 2)
    except Exception as exc:  # gmalg's API differs between versions
        res["sm2_verify_gmalg_ms"] = f"n/a ({type(exc).__name__})"
    if shutil.which("openssl"):
        p = subprocess.run(["openssl", "speed", "-seconds", "1", "sm2"], capture_output=True, text=True, timeout=60)
        m = re.search(r"CurveSM2\)\s+([\d.]+)s\s+([\d.]+)s\s+([\d.]+)\s+([\d.]+)", p.stdout)
        if m:
            res["sm2_verify_openssl_ms"] = round(float(m.group(2)) * 1e3, 3)
    print(f"  crypto {res}", flush=True)
    return res


# ---------------------------------------------------------------------------------------------
# report


def table(results: dict) -> str:
    lines = ["", f"CLI whole process (median of {results['runs']} runs, seconds)",
             f"{'file':38s} {'bytes':>10s} {'ours':>7s} {'(cpu)':>7s} {'ours-noQR':>9s} {'(cpu)':>7s} {'pyHanko':>8s} {'pdfsig':>7s}"
             f" {'pyH/ours':>8s} {'pdfsig/ours':>11s}  verdict"]
    for r in results["cli"]:
        def f(k, fmt="{:.3f}"):
            return fmt.format(r[k]) if isinstance(r.get(k), (int, float)) else "-"
        lines.append(f"{r['file'][:38]:38s} {r['bytes']:>10d} {f('ours_qr_s'):>7s} {f('ours_qr_cpu_s'):>7s}"
                     f" {f('ours_noqr_s'):>9s} {f('ours_noqr_cpu_s'):>7s}"
                     f" {f('pyhanko_cli_s'):>8s} {f('pdfsig_s'):>7s} {f('ratio_pyhanko_cli_vs_ours_qr', '{:.1f}x'):>8s}"
                     f" {f('ratio_pdfsig_vs_ours_qr', '{:.1f}x'):>11s}  {r.get('ours_qr_verdict')}")
    lines += ["", "In process (median, milliseconds)",
              f"{'file':38s} {'check':>8s} {'noQR':>8s} {'sig only':>8s} {'pyHanko':>8s} {'pyH/noQR':>8s}  verdict"
              "  (pyHanko's result)"]
    for r in results["inprocess"]:
        def g(k, fmt="{:.1f}"):
            return fmt.format(r[k]) if isinstance(r.get(k), (int, float)) else "-"
        lines.append(f"{r['file'][:38]:38s} {g('check_qr_ms'):>8s} {g('check_noqr_ms'):>8s}"
                     f" {g('signature_check_ms', '{:.2f}'):>8s} {g('pyhanko_api_ms'):>8s}"
                     f" {g('ratio_pyhanko_api_vs_ours_noqr', '{:.1f}x'):>8s}  {r['verdict']}"
                     + (f"  ({r['pyhanko_api_result'][:60]})" if r.get("pyhanko_api_result") else ""))
    bt = results.get("batch") or {}
    if bt:
        lines += ["", f"Batches (median of {results['runs']} alternating runs, wall / CPU seconds; {bt.get('cpus')} CPUs, "
                      f"load average {bt.get('load_before')} -> {bt.get('load_after')})"]
        lines += [f"  {k:28s} {v['wall_s']:.2f} / {v['cpu_s']:.2f}" for k, v in bt.items()
                  if isinstance(v, dict) and "wall_s" in v]
    sb = results.get("single_vs_baseline") or {}
    if sb and "error" not in sb:
        lines += ["", f"Single file, whole process: today vs {sb['baseline']} (median wall seconds)"]
        lines += [f"  {k:28s} {v['today']['wall_s']:.3f} vs {v['baseline']['wall_s']:.3f} ({v['ratio']}x)"
                  for k, v in sb.items() if isinstance(v, dict) and "ratio" in v]
    st = results.get("startup") or {}
    if st:
        lines += ["", "CLI start-up breakdown (median wall / CPU seconds)"]
        lines += [f"  {k:48s} {v['wall_s']:.3f} / {v['cpu_s']:.3f}" for k, v in st.items()]
    h = results.get("hash") or {}
    if h:
        lines += ["", f"Hash on {h['file_mb']} MB: hashlib {h['hashlib_sha256_mb_s']} MB/s, ours (ByteRange path) "
                      f"{h['ours_sha256_byterange_mb_s']} MB/s = {h['ratio'] * 100:.0f}% (target >= 80%)"]
    c = results.get("crypto") or {}
    if c:
        lines.append("Crypto: " + ", ".join(f"{k}={v}" for k, v in c.items()))
    b = results.get("browser") or {}
    if b:
        lines += ["", "Browser: " + json.dumps({k: v for k, v in b.items() if not isinstance(v, (list, dict))},
                                               ensure_ascii=False)]
    lines += ["", "Targets:"]
    for name, (value, target, ok) in results.get("targets", {}).items():
        status = "INFO" if ok is None else "MET " if ok else "MISS"
        lines.append(f"  {status} {name}: {value} ({'for comparison' if ok is None else 'target'} {target})")
    return "\n".join(lines)


def judge(results: dict) -> dict:
    t: dict[str, tuple[Any, Any, bool | None]] = {}  # name -> (value, target, met; None = for information)
    # every 1-page certificate of the sample set (signed with each algorithm, PDF and OFD, tampered)
    one = [r for r in results["cli"] if r["file"].startswith(("sample-", "tampered-"))]
    bt = results.get("batch") or {}
    if "ratio_ours_vs_pdfsig_loop" in bt:
        v = bt["ratio_ours_vs_pdfsig_loop"]
        t["cli_175_pdfs_ours_vs_pdfsig_loop (ratio)"] = (v, TARGETS["cli_batch_vs_pdfsig_loop"],
                                                         v <= TARGETS["cli_batch_vs_pdfsig_loop"])
    if "ours_mixed200" in bt:
        v = bt["ours_mixed200"]["wall_s"]
        t[f"cli_200_mixed_s ({bt.get('cpus')} CPUs)"] = (v, TARGETS["cli_batch_mixed200_s"], v <= TARGETS["cli_batch_mixed200_s"])
    sb = results.get("single_vs_baseline") or {}
    ratios = [v["ratio"] for v in sb.values() if isinstance(v, dict) and "ratio" in v]
    if ratios:
        t[f"cli_single_file_vs_{BASELINE_REV} (worst ratio)"] = (max(ratios), TARGETS["cli_single_file_vs_baseline"],
                                                                max(ratios) <= TARGETS["cli_single_file_vs_baseline"])
    if one:
        worst = max(r["ours_qr_s"] for r in one)
        # retired as a target (start-up within 2x of BASELINE_REV instead): for comparison
        t["cli_whole_process_one_certificate_s (with QR)"] = (round(worst, 3), TARGETS["cli_whole_process_s"], None)
        worst_cpu = max(r["ours_qr_cpu_s"] for r in one)
        # not an issue target (ok=None: printed as INFO): both processes' CPU, i.e. about the wall
        # time on a one-core machine, where the CLI decodes the QR code in process
        t["cli_one_certificate_cpu_s (with QR; user+sys of both processes)"] = (
            round(worst_cpu, 3), TARGETS["cli_whole_process_s"], None)
        worst_nq = max(r["ours_noqr_s"] for r in one)
        t["cli_whole_process_one_certificate_s (--no-qr)"] = (round(worst_nq, 3), TARGETS["cli_whole_process_s"], None)
    sig = [r["signature_check_ms"] for r in results["inprocess"]
           if "signature_check_ms" in r and r["file"].startswith("sample-")]
    if sig:
        t["signature_check_ms (1-page samples, worst)"] = (round(max(sig), 2), TARGETS["signature_check_ms"],
                                                           max(sig) <= TARGETS["signature_check_ms"])
    if results.get("hash"):
        ratio = results["hash"]["ratio"]
        t["hash_ratio"] = (ratio, TARGETS["hash_ratio"], ratio >= TARGETS["hash_ratio"])
    b = results.get("browser") or {}
    if isinstance(b.get("warm_verdict_median_ms"), (int, float)):
        v = b["warm_verdict_median_ms"]
        t["browser_warm_verdict_ms (median of 20)"] = (v, TARGETS["browser_warm_verdict_ms"],
                                                       v <= TARGETS["browser_warm_verdict_ms"])
    if isinstance(b.get("batch200_s"), (int, float)):
        v = b["batch200_s"]
        t[f"browser_200_files_drop_to_last_verdict_s ({b.get('batch200_workers')} workers)"] = (
            v, TARGETS["browser_batch200_s"], v <= TARGETS["browser_batch200_s"])
    long = b.get("batch500") or {}
    if long.get("memory_after"):
        before, after = long["memory_before"], long["memory_after"]
        t["browser_500_files: s, browser MB before -> after, page images kept (info)"] = (
            f"{long['s']} s, {before['browser_mb']} -> {after['browser_mb']} MB, JS heap {before['js_heap_mb']} -> "
            f"{after['js_heap_mb']} MB, {after['page_canvases'] + after['page_images']} of {after['cards']} cards",
            "bounded", None)
    if isinstance(b.get("cold_ready_s"), (int, float)):
        v = b["cold_ready_s"]
        t["browser_cold_open_to_ready_s"] = (v, TARGETS["browser_cold_ready_s"], v <= TARGETS["browser_cold_ready_s"])
    if isinstance(b.get("guide_page_transfer_kb"), (int, float)):
        v = b["guide_page_transfer_kb"]
        ok = v <= TARGETS["guide_page_kb"] and not b.get("guide_page_wasm")
        t["guide_page_transfer_kb (no wasm)"] = (v, TARGETS["guide_page_kb"], ok)
    return t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=str(ROOT / "bench-results"))
    ap.add_argument("--quick", action="store_true", help="10 MB instead of 50 MB, fewer files (smoke test)")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--only", choices=("cli", "batch", "browser"),
                    help="run one part (browser: merged into latest.json; batch: the batch and start-up figures)")
    ap.add_argument("--site", default=None, help="built site to serve (default: site/)")
    args = ap.parse_args(argv)
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": machine(), "runs": args.runs, "cli": [], "inprocess": []}
    print("machine:", json.dumps(results["machine"], ensure_ascii=False), flush=True)
    partial = out / "partial.json"

    def save() -> None:
        partial.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))

    if args.only == "cli" and (out / "latest.json").is_file():
        prev = json.loads((out / "latest.json").read_text())
        if "browser" in prev:  # keep the last browser figures next to the new CLI ones
            results["browser"] = prev["browser"]
            results["machine_browser_run"] = prev.get("machine_browser_run") or prev.get("machine")
    if args.only == "browser" and (out / "latest.json").is_file():
        # add the browser figures to the latest CLI run (same machine, measured right after it)
        prev = json.loads((out / "latest.json").read_text())
        results.update({k: prev[k] for k in ("startup", "cli", "inprocess", "hash", "crypto", "files", "batch",
                                             "single_vs_baseline") if k in prev})
        results["machine_cli_run"] = prev.get("machine")
    corpus = out / ("corpus-quick" if args.quick else "corpus")
    if args.only in (None, "batch"):
        build_corpus(corpus, quick=args.quick)
        results["batch"] = bench_batch(corpus, args.runs)
        results["single_vs_baseline"] = bench_single_vs_baseline(corpus, args.runs)
        save()
    if args.only in (None, "cli"):
        files = build_corpus(corpus, quick=args.quick)
        if args.quick:
            files = {k: v for k, v in files.items() if not k.startswith("ofd-real/") or "helloworld" in k}
        results["files"] = {k: str(v) for k, v in files.items()}
        results["startup"] = bench_startup(args.runs)
        results["cli"] = bench_cli(files, args.runs)
        save()
        results["inprocess"] = bench_inprocess(files, args.runs)
        save()
        results["hash"] = bench_hash(files["big50-rsa.pdf"], args.runs)
        results["crypto"] = bench_crypto(args.runs)
        save()
    if not args.no_browser and args.only in (None, "browser"):
        try:
            import bench_browser

            results["browser"] = bench_browser.run(runs=20 if not args.quick else 5,
                                                   site=pathlib.Path(args.site) if args.site else None,
                                                   corpus=corpus, batch_dirs=build_batch_corpus(corpus))
        except Exception as exc:  # report, keep the CLI figures
            results["browser"] = {"error": f"{type(exc).__name__}: {exc}"}
            print("browser benchmark failed:", exc, flush=True)
    results["targets"] = judge(results)
    text = table(results)
    print(text)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = json.dumps(results, ensure_ascii=False, indent=1, default=str)
    (out / f"bench-{stamp}.json").write_text(payload)
    (out / "latest.json").write_text(payload)
    (out / "latest.txt").write_text(text + "\n")
    print(f"\nwrote {out / f'bench-{stamp}.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
