/**
 * One small binary container for everything the site ships or downloads
 * (base weights, data subsets, adapter files): a 4-byte magic, a JSON header,
 * then the raw arrays, each 8-byte aligned so it can be viewed without copying.
 *
 *   magic(4) | headerLength u32 LE | header JSON (UTF-8) | pad | arrays…
 */
export type ArrayDType = 'float32' | 'float16' | 'uint8';
type StoredArray = Float32Array | Uint16Array | Uint8Array;

interface ArrayEntry {
  name: string;
  dtype: ArrayDType;
  length: number;
  offset: number;
}

export class BinFileError extends Error {}

const align8 = (n: number) => (n + 7) & ~7;

export function packBinFile(magic: string, meta: unknown, arrays: { name: string; dtype: ArrayDType; data: StoredArray }[]): Uint8Array {
  if (magic.length !== 4) throw new Error('magic must be 4 characters');
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const a of arrays) {
    entries.push({ name: a.name, dtype: a.dtype, length: a.data.length, offset });
    offset = align8(offset + a.data.byteLength);
  }
  const header = new TextEncoder().encode(JSON.stringify({ meta, arrays: entries }));
  const start = align8(8 + header.length);
  const out = new Uint8Array(start + offset);
  out.set(new TextEncoder().encode(magic), 0);
  new DataView(out.buffer).setUint32(4, header.length, true);
  out.set(header, 8);
  arrays.forEach((a, i) => out.set(new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength), start + entries[i].offset));
  return out;
}

export function unpackBinFile<M>(magic: string, bytes: Uint8Array, what = 'file'): { meta: M; arrays: Record<string, StoredArray> } {
  const fail = (why: string): never => {
    throw new BinFileError(`This ${what} cannot be read: ${why}.`);
  };
  if (bytes.length < 8) fail('it is too short');
  const got = new TextDecoder().decode(bytes.subarray(0, 4));
  if (got !== magic) fail(`it does not start with "${magic}" (found "${got.replace(/[^\x20-\x7e]/g, '?')}")`);
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);
  if (8 + headerLength > bytes.length) fail('its header is cut off');
  let header: { meta: M; arrays: ArrayEntry[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch {
    return fail('its header is not valid JSON');
  }
  if (!header || !Array.isArray(header.arrays)) fail('its header has no array table');
  const start = align8(8 + headerLength);
  // Copy into an aligned buffer so typed views work whatever the input's offset.
  const body = bytes.slice(start);
  const arrays: Record<string, StoredArray> = {};
  for (const e of header.arrays) {
    const width = e.dtype === 'float32' ? 4 : e.dtype === 'float16' ? 2 : e.dtype === 'uint8' ? 1 : fail(`unknown data type ${e.dtype}`);
    if (!Number.isInteger(e.offset) || !Number.isInteger(e.length) || e.offset < 0 || e.length < 0 || e.offset % 8) fail(`array "${e.name}" has a bad position`);
    if (e.offset + e.length * width > body.length) fail(`array "${e.name}" is cut off`);
    const buf = body.buffer;
    arrays[e.name] =
      e.dtype === 'float32' ? new Float32Array(buf, e.offset, e.length) : e.dtype === 'float16' ? new Uint16Array(buf, e.offset, e.length) : new Uint8Array(buf, e.offset, e.length);
  }
  return { meta: header.meta, arrays };
}

/** IEEE 754 half precision, round to nearest even. */
export function toFloat16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  for (let i = 0; i < src.length; i++) {
    f[0] = src[i];
    const x = u[0];
    const sign = (x >>> 16) & 0x8000;
    const exp = (x >>> 23) & 0xff;
    let mant = x & 0x7fffff;
    if (exp === 0xff) {
      out[i] = sign | 0x7c00 | (mant ? 0x200 : 0);
      continue;
    }
    const e = exp - 127 + 15;
    if (e >= 0x1f) {
      out[i] = sign | 0x7c00;
      continue;
    }
    if (e <= 0) {
      if (e < -10) {
        out[i] = sign;
        continue;
      }
      mant |= 0x800000;
      const shift = 14 - e;
      let half = mant >>> shift;
      const rem = mant & ((1 << shift) - 1);
      const mid = 1 << (shift - 1);
      if (rem > mid || (rem === mid && half & 1)) half++;
      out[i] = sign | half;
      continue;
    }
    let half = (e << 10) | (mant >>> 13);
    const rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
    out[i] = sign | half; // a carry into the exponent is still correct (may round up to Inf)
  }
  return out;
}

export function fromFloat16(src: Uint16Array): Float32Array {
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const h = src[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    out[i] =
      exp === 0 ? sign * mant * 2 ** -24 : exp === 0x1f ? (mant ? NaN : sign * Infinity) : sign * (1 + mant / 1024) * 2 ** (exp - 15);
  }
  return out;
}

/** FNV-1a over bytes: a short fingerprint that tells one base model from another. */
export function fingerprintBytes(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
