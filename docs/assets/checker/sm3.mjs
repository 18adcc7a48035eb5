// SM3 (GB/T 32905-2016) in plain JavaScript, for the Pyodide worker.
//
// Pyodide's hashlib has no SM3, and the pure-Python fallback in checker/_crypto/sm3.py runs at
// about 0.25 MB/s.  The worker hands this implementation to Python through
// checker._crypto.digest.register_sm3(), which refuses it unless it reproduces the standard
// test vectors (also when fed in pieces).  Interface: createSM3() -> {update(Uint8Array),
// digest() -> Uint8Array(32), copy()}.

const IV = [0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e];
const T = new Int32Array(64);
for (let j = 0; j < 64; j++) {
  const t = j < 16 ? 0x79cc4519 : 0x7a879d8a;
  const s = j % 32;
  T[j] = s === 0 ? t : (t << s) | (t >>> (32 - s));
}

const rotl = (x, n) => (x << n) | (x >>> (32 - n));
const P0 = (x) => x ^ rotl(x, 9) ^ rotl(x, 17);
const P1 = (x) => x ^ rotl(x, 15) ^ rotl(x, 23);

const W = new Int32Array(68);
const W1 = new Int32Array(64);

function compress(V, buf, off) {
  for (let j = 0; j < 16; j++) {
    const o = off + 4 * j;
    W[j] = (buf[o] << 24) | (buf[o + 1] << 16) | (buf[o + 2] << 8) | buf[o + 3];
  }
  for (let j = 16; j < 68; j++) {
    W[j] = P1(W[j - 16] ^ W[j - 9] ^ rotl(W[j - 3], 15)) ^ rotl(W[j - 13], 7) ^ W[j - 6];
  }
  for (let j = 0; j < 64; j++) W1[j] = W[j] ^ W[j + 4];
  let A = V[0], B = V[1], C = V[2], D = V[3], E = V[4], F = V[5], G = V[6], H = V[7];
  for (let j = 0; j < 64; j++) {
    const a12 = rotl(A, 12);
    const SS1 = rotl((a12 + E + T[j]) | 0, 7);
    const SS2 = SS1 ^ a12;
    const FF = j < 16 ? A ^ B ^ C : (A & B) | (A & C) | (B & C);
    const GG = j < 16 ? E ^ F ^ G : (E & F) | (~E & G);
    const TT1 = (FF + D + SS2 + W1[j]) | 0;
    const TT2 = (GG + H + SS1 + W[j]) | 0;
    D = C; C = rotl(B, 9); B = A; A = TT1;
    H = G; G = rotl(F, 19); F = E; E = P0(TT2);
  }
  V[0] ^= A; V[1] ^= B; V[2] ^= C; V[3] ^= D; V[4] ^= E; V[5] ^= F; V[6] ^= G; V[7] ^= H;
}

class SM3 {
  constructor(state) {
    this.V = state ? Int32Array.from(state.V) : Int32Array.from(IV);
    this.block = state ? Uint8Array.from(state.block) : new Uint8Array(64);
    this.used = state ? state.used : 0;
    this.length = state ? state.length : 0; // bytes so far (Number is exact up to 2^53)
  }

  update(data) {
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    let i = 0;
    const n = bytes.length;
    this.length += n;
    if (this.used) {
      const take = Math.min(64 - this.used, n);
      this.block.set(bytes.subarray(0, take), this.used);
      this.used += take;
      i = take;
      if (this.used < 64) return this;
      compress(this.V, this.block, 0);
      this.used = 0;
    }
    for (; i + 64 <= n; i += 64) compress(this.V, bytes, i);
    if (i < n) {
      this.block.set(bytes.subarray(i), 0);
      this.used = n - i;
    }
    return this;
  }

  copy() {
    return new SM3(this);
  }

  digest() {
    const h = this.copy();
    const bits = h.length * 8;
    const pad = new Uint8Array(((h.used < 56 ? 56 : 120) - h.used) + 8);
    pad[0] = 0x80;
    const hi = Math.floor(bits / 0x100000000);
    const lo = bits >>> 0;
    const end = pad.length;
    pad[end - 8] = hi >>> 24; pad[end - 7] = hi >>> 16; pad[end - 6] = hi >>> 8; pad[end - 5] = hi;
    pad[end - 4] = lo >>> 24; pad[end - 3] = lo >>> 16; pad[end - 2] = lo >>> 8; pad[end - 1] = lo;
    h.update(pad); // h is a copy: its length counter no longer matters
    const out = new Uint8Array(32);
    for (let j = 0; j < 8; j++) {
      out[4 * j] = h.V[j] >>> 24; out[4 * j + 1] = h.V[j] >>> 16;
      out[4 * j + 2] = h.V[j] >>> 8; out[4 * j + 3] = h.V[j];
    }
    return out;
  }
}

export function createSM3() {
  return new SM3();
}
