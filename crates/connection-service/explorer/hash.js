// Hashes and HMACs for the signer: WebCrypto where the browser offers it (secure contexts), else a
// small pure-JS SHA-1 / SHA-256 / HMAC (an explorer opened over plain HTTP from another host has no
// `crypto.subtle`). Both backends expose the same async functions over Uint8Array.

const utf8 = new TextEncoder();

/** Text or bytes as bytes (text is UTF-8). */
export function bytes(data) {
  return typeof data === 'string' ? utf8.encode(data) : data;
}

function rotl(x, n) {
  return (x << n) | (x >>> (32 - n));
}

/** Pads a message the way SHA-1 and SHA-256 both do; returns 32-bit big-endian words. */
function padWords(msg) {
  const bitLength = msg.length * 8;
  const total = ((msg.length + 9 + 63) >> 6) << 6;
  const buf = new Uint8Array(total);
  buf.set(msg);
  buf[msg.length] = 0x80;
  const view = new DataView(buf.buffer);
  view.setUint32(total - 8, Math.floor(bitLength / 0x100000000));
  view.setUint32(total - 4, bitLength >>> 0);
  const words = new Uint32Array(total / 4);
  for (let i = 0; i < words.length; i++) words[i] = view.getUint32(i * 4);
  return words;
}

function wordsToBytes(words) {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w >>> 0));
  return out;
}

/** SHA-1 (FIPS 180-4), synchronous. */
export function sha1Sync(data) {
  const m = padWords(bytes(data));
  const h = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
  const w = new Uint32Array(80);
  for (let off = 0; off < m.length; off += 16) {
    for (let t = 0; t < 16; t++) w[t] = m[off + t];
    for (let t = 16; t < 80; t++) w[t] = rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
    let [a, b, c, d, e] = h;
    for (let t = 0; t < 80; t++) {
      let f, k;
      if (t < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (t < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (t < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const temp = (rotl(a, 5) + f + e + k + w[t]) | 0;
      e = d; d = c; c = rotl(b, 30); b = a; a = temp;
    }
    h[0] = (h[0] + a) | 0; h[1] = (h[1] + b) | 0; h[2] = (h[2] + c) | 0;
    h[3] = (h[3] + d) | 0; h[4] = (h[4] + e) | 0;
  }
  return wordsToBytes(h);
}

const K256 = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

function rotr(x, n) {
  return (x >>> n) | (x << (32 - n));
}

/** SHA-256 (FIPS 180-4), synchronous. */
export function sha256Sync(data) {
  const m = padWords(bytes(data));
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  for (let off = 0; off < m.length; off += 16) {
    for (let t = 0; t < 16; t++) w[t] = m[off + t];
    for (let t = 16; t < 64; t++) {
      const s0 = rotr(w[t - 15], 7) ^ rotr(w[t - 15], 18) ^ (w[t - 15] >>> 3);
      const s1 = rotr(w[t - 2], 17) ^ rotr(w[t - 2], 19) ^ (w[t - 2] >>> 10);
      w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let t = 0; t < 64; t++) {
      const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K256[t] + w[t]) | 0;
      const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  return wordsToBytes(Array.from(h));
}

/** HMAC (RFC 2104) over a synchronous hash with a 64-byte block. */
function hmacSync(hash, key, data) {
  let k = bytes(key);
  if (k.length > 64) k = hash(k);
  const block = new Uint8Array(64);
  block.set(k);
  const inner = new Uint8Array(64);
  const outer = new Uint8Array(64);
  for (let i = 0; i < 64; i++) {
    inner[i] = block[i] ^ 0x36;
    outer[i] = block[i] ^ 0x5c;
  }
  const msg = bytes(data);
  const first = new Uint8Array(64 + msg.length);
  first.set(inner);
  first.set(msg, 64);
  const innerHash = hash(first);
  const second = new Uint8Array(64 + innerHash.length);
  second.set(outer);
  second.set(innerHash, 64);
  return hash(second);
}

/** The pure-JS backend (no `crypto.subtle` needed). */
export const pureBackend = {
  name: 'pure-js',
  sha256: async (data) => sha256Sync(data),
  hmacSha1: async (key, data) => hmacSync(sha1Sync, key, data),
  hmacSha256: async (key, data) => hmacSync(sha256Sync, key, data),
};

/** A WebCrypto backend over `subtle` (window.crypto.subtle or Node's webcrypto.subtle). */
export function webCryptoBackend(subtle) {
  const hmac = async (hash, key, data) => {
    const k = await subtle.importKey('raw', bytes(key), { name: 'HMAC', hash }, false, ['sign']);
    return new Uint8Array(await subtle.sign('HMAC', k, bytes(data)));
  };
  return {
    name: 'webcrypto',
    sha256: async (data) => new Uint8Array(await subtle.digest('SHA-256', bytes(data))),
    hmacSha1: (key, data) => hmac('SHA-1', key, data),
    hmacSha256: (key, data) => hmac('SHA-256', key, data),
  };
}

/** The best backend this context offers. */
export function defaultBackend() {
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  return subtle ? webCryptoBackend(subtle) : pureBackend;
}

export function hex(data) {
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function base64(data) {
  let s = '';
  for (const b of data) s += String.fromCharCode(b);
  return btoa(s);
}
