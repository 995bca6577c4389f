/**
 * Two 4-bit codes per byte. Order follows bitsandbytes (`packed = q[0::2] << 4 | q[1::2]`):
 * the even-indexed value goes in the high nibble. An odd length pads the final low nibble with 0.
 */

export function packNibbles(codes: Uint8Array): Uint8Array {
  const packed = new Uint8Array(Math.ceil(codes.length / 2));
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c > 15) throw new RangeError(`packNibbles: code ${c} at ${i} does not fit in 4 bits`);
    packed[i >> 1] |= i & 1 ? c : c << 4;
  }
  return packed;
}

/** Inverse of packNibbles; `length` drops the padding nibble of odd-length tensors. */
export function unpackNibbles(packed: Uint8Array, length = packed.length * 2): Uint8Array {
  if (length > packed.length * 2) throw new RangeError(`unpackNibbles: ${packed.length} bytes hold at most ${packed.length * 2} codes`);
  const codes = new Uint8Array(length);
  for (let i = 0; i < length; i++) codes[i] = i & 1 ? packed[i >> 1] & 0x0f : packed[i >> 1] >> 4;
  return codes;
}
