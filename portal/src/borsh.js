// Strict borsh reading and writing (https://borsh.io), as GovChain encodes: little-endian
// integers, u32-length strings and byte strings, one-byte option and enum tags, no trailing bytes.

/** A malformed encoding. */
export class DecodeError extends Error {}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** Reads borsh values from a byte array, refusing truncation, bad tags and oversized counts. */
export class Reader {
  constructor(bytes) {
    this.b = bytes;
    this.o = 0;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n) {
    if (n < 0 || this.o + n > this.b.length) throw new DecodeError(`truncated at byte ${this.o}`);
  }
  u8() {
    this.need(1);
    return this.b[this.o++];
  }
  u32() {
    this.need(4);
    const v = this.dv.getUint32(this.o, true);
    this.o += 4;
    return v;
  }
  /** A u64 as a BigInt. */
  u64() {
    this.need(8);
    const v = this.dv.getBigUint64(this.o, true);
    this.o += 8;
    return v;
  }
  /** A u64 that must fit a JavaScript number (heights, times). */
  num() {
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new DecodeError('integer too large');
    return Number(v);
  }
  fixed(n) {
    this.need(n);
    const v = this.b.subarray(this.o, this.o + n);
    this.o += n;
    return v;
  }
  bytes(max = 1 << 24) {
    const n = this.u32();
    if (n > max) throw new DecodeError(`byte string of ${n} bytes exceeds ${max}`);
    return this.fixed(n);
  }
  string(max = 1 << 20) {
    try {
      return utf8.decode(this.bytes(max));
    } catch (e) {
      if (e instanceof DecodeError) throw e;
      throw new DecodeError('string is not UTF-8');
    }
  }
  option(read) {
    const tag = this.u8();
    if (tag === 0) return null;
    if (tag === 1) return read();
    throw new DecodeError(`option tag ${tag}`);
  }
  vec(read, max = 1 << 16) {
    const n = this.u32();
    if (n > max) throw new DecodeError(`list of ${n} items exceeds ${max}`);
    const out = [];
    for (let i = 0; i < n; i++) out.push(read());
    return out;
  }
  /** Reads a value and also returns its exact encoding. */
  raw(read) {
    const start = this.o;
    const value = read();
    return [value, this.b.subarray(start, this.o)];
  }
  end() {
    if (this.o !== this.b.length) throw new DecodeError(`${this.b.length - this.o} trailing bytes`);
  }
}

/** Writes borsh values. */
export class Writer {
  constructor() {
    this.parts = [];
  }
  u8(v) {
    this.parts.push(Uint8Array.of(v));
    return this;
  }
  u32(v) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v, true);
    this.parts.push(b);
    return this;
  }
  u64(v) {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
    this.parts.push(b);
    return this;
  }
  fixed(bytes) {
    this.parts.push(bytes);
    return this;
  }
  bytes(bytes) {
    return this.u32(bytes.length).fixed(bytes);
  }
  string(s) {
    return this.bytes(utf8Encoder.encode(s));
  }
  finish() {
    return concat(...this.parts);
  }
}

/** Concatenates byte arrays. */
export function concat(...arrays) {
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.length, 0));
  let o = 0;
  for (const a of arrays) {
    out.set(a, o);
    o += a.length;
  }
  return out;
}

/** UTF-8 bytes of a string. */
export const utf8Bytes = (s) => utf8Encoder.encode(s);

/** True when two byte arrays are equal. */
export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Compares byte arrays lexicographically (-1, 0, 1). */
export function compareBytes(a, b) {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Bytes of a base64 string. */
export const base64Bytes = (s) => Uint8Array.from(atob(s), (ch) => ch.charCodeAt(0));
