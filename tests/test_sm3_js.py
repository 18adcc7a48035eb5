"""The worker's JavaScript SM3 (docs/assets/checker/sm3.mjs) against OpenSSL's SM3 (hashlib).

Run under node; every length around the block boundaries, random chunkings, copy().
"""
import hashlib
import json
import pathlib
import random
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
MODULE = ROOT / "docs" / "assets" / "checker" / "sm3.mjs"

HARNESS = """
import { createSM3 } from %s;
import { readFileSync } from "node:fs";
const cases = JSON.parse(readFileSync(0, "utf8"));
const out = [];
for (const c of cases) {
  const data = Buffer.from(c.hex, "hex");
  const h = createSM3();
  let at = 0;
  for (const n of c.chunks) { h.update(data.subarray(at, at + n)); at += n; }
  h.update(data.subarray(at));
  const early = h.copy();
  out.push([Buffer.from(h.digest()).toString("hex"), Buffer.from(early.digest()).toString("hex")]);
}
console.log(JSON.stringify(out));
"""


def openssl_sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


@pytest.fixture(scope="module")
def node():
    exe = shutil.which("node")
    if exe is None:
        pytest.fail("node is required (Node 20 is part of the set-up)")
    try:
        hashlib.new("sm3")
    except ValueError:
        pytest.fail("this CPython's OpenSSL lacks SM3; the reference is missing")
    return exe


def test_js_sm3_matches_openssl(node, tmp_path):
    rng = random.Random(32905)
    cases = []
    for n in list(range(0, 130)) + [191, 192, 193, 1000, 4096, 65537, 200_003]:
        data = rng.randbytes(n)
        chunks = []
        left = n
        while left > 0 and rng.random() < 0.7:
            k = rng.randint(0, left)
            chunks.append(k)
            left -= k
        cases.append({"hex": data.hex(), "chunks": chunks, "expected": openssl_sm3(data)})
    script = tmp_path / "h.mjs"
    script.write_text(HARNESS % json.dumps(MODULE.as_uri()))
    p = subprocess.run([node, str(script)], input=json.dumps(cases), capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    assert len(got) == len(cases)
    for case, (digest, copied) in zip(cases, got):
        assert digest == case["expected"], len(case["hex"]) // 2
        assert copied == case["expected"]


def test_standard_vectors(node, tmp_path):
    cases = [{"hex": b"abc".hex(), "chunks": [1]}, {"hex": (b"abcd" * 16).hex(), "chunks": [63]}]
    script = tmp_path / "h.mjs"
    script.write_text(HARNESS % json.dumps(MODULE.as_uri()))
    p = subprocess.run([node, str(script)], input=json.dumps(cases), capture_output=True, text=True, timeout=60)
    got = [d for d, _ in json.loads(p.stdout)]
    assert got == [
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
        "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732",
    ]
