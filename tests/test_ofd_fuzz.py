"""Mutated real OFD files (fixed seeds): never an internal error, never ``pass``.

Mutations: random edits inside one XML/.dat part (re-zipped validly), or random byte flips of the
package.  Found real bugs (corrupt deflate data and bad UTF-8 names used to escape as internal
errors).
"""
import io
import random
import zipfile

import pytest

from checker import Options, check_bytes, list_images

TOKENS = [b"<", b">", b'"', b"/", b"&amp;", b"..", b"\x00", b"\xff\xfe", b"00000", b"<a>", b"</ofd:Page>"]


def mutate(rnd, data):
    if rnd.random() < 0.3:
        b = bytearray(data)
        for _ in range(rnd.randint(1, 6)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        return bytes(b)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        ents = [(i, z.read(i)) for i in z.infolist()]
    parts = [k for k, (i, _b) in enumerate(ents) if i.filename.endswith((".xml", ".dat"))]
    k = rnd.choice(parts)
    info, body = ents[k]
    b = bytearray(body)
    for _ in range(rnd.randint(1, 4)):
        p = rnd.randrange(len(b)) if b else 0
        op = rnd.random()
        if op < 0.4 and b:
            b[p] = rnd.randrange(256)
        elif op < 0.7:
            del b[p:p + rnd.randint(1, 20)]
        else:
            b[p:p] = rnd.choice(TOKENS)
    ents[k] = (info, bytes(b))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zo:
        for i, bb in ents:
            zo.writestr(i, bb)
    return out.getvalue()


@pytest.mark.parametrize("seed", range(4))
def test_mutations_never_crash(corpus_root, seed):
    rnd = random.Random(seed)
    files = [p.read_bytes() for p in sorted((corpus_root / "ofd-real").glob("*.ofd"))]
    for _ in range(60):
        m = mutate(rnd, rnd.choice(files))
        r = check_bytes(m, "m.ofd", Options())
        assert "INTERNAL_ERROR" not in [f.code for f in r.findings], [f.message_en for f in r.findings]
        assert r.verdict != "pass"
        list_images(m)  # never raises
