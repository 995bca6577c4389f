/**
 * Light augmentation for a handful of drawings: each one is copied with a small
 * random shift, rotation and change of size, so an adapter trained on a few
 * examples per digit sees each digit in slightly different positions and
 * slants instead of memorising exact pixels. Plain TypeScript: no DOM, no tfjs.
 */
import { SIDE } from './preprocess';

export interface Jitter {
  /** Largest shift in pixels, along each axis. */
  shift: number;
  /** Largest rotation in degrees, either way. */
  rotate: number;
  /** Largest relative change of size (0.1: 90 %–110 %). */
  scale: number;
}

/** Small enough that a 6 stays a 6 and a 7 does not lean into a 1. */
export const LIGHT: Jitter = { shift: 2, rotate: 12, scale: 0.1 };

/**
 * The image moved by (tx, ty) pixels, turned by `degrees` (clockwise on screen)
 * and scaled by `s` about the field's centre; bilinear sampling, zero outside.
 */
export function transform(img: ArrayLike<number>, tx: number, ty: number, degrees: number, s: number): Uint8Array {
  const out = new Uint8Array(SIDE * SIDE);
  const a = (degrees * Math.PI) / 180;
  const cos = Math.cos(a);
  const sin = Math.sin(a);
  const c = SIDE / 2;
  const at = (col: number, row: number) => (col < 0 || row < 0 || col >= SIDE || row >= SIDE ? 0 : img[row * SIDE + col]);
  for (let row = 0; row < SIDE; row++) {
    for (let col = 0; col < SIDE; col++) {
      // Inverse map: where in the source does this output pixel's centre come from?
      const x = col + 0.5 - c - tx;
      const y = row + 0.5 - c - ty;
      const sx = (cos * x + sin * y) / s + c - 0.5;
      const sy = (-sin * x + cos * y) / s + c - 0.5;
      const x0 = Math.floor(sx);
      const y0 = Math.floor(sy);
      const fx = sx - x0;
      const fy = sy - y0;
      const v = (1 - fx) * (1 - fy) * at(x0, y0) + fx * (1 - fy) * at(x0 + 1, y0) + (1 - fx) * fy * at(x0, y0 + 1) + fx * fy * at(x0 + 1, y0 + 1);
      out[row * SIDE + col] = Math.round(v);
    }
  }
  return out;
}

/**
 * `copies` jittered versions of every image (the first copy of each is the
 * original), labels repeated to match. `rand` gives numbers in [0, 1).
 */
export function augment(
  images: Uint8Array, labels: Uint8Array, copies: number, rand: () => number, jitter: Jitter = LIGHT,
): { images: Uint8Array; labels: Uint8Array; n: number } {
  const n = labels.length;
  const size = SIDE * SIDE;
  if (images.length !== n * size) throw new Error(`Expected ${n} images of ${size} pixels, got ${images.length} values.`);
  if (!Number.isInteger(copies) || copies < 1) throw new Error(`Copies must be a whole number ≥ 1 (got ${copies}).`);
  const outImages = new Uint8Array(n * copies * size);
  const outLabels = new Uint8Array(n * copies);
  const u = () => rand() * 2 - 1;
  let k = 0;
  for (let i = 0; i < n; i++) {
    const img = images.subarray(i * size, (i + 1) * size);
    for (let j = 0; j < copies; j++, k++) {
      const t = j === 0 ? img : transform(img, u() * jitter.shift, u() * jitter.shift, u() * jitter.rotate, 1 + u() * jitter.scale);
      outImages.set(t, k * size);
      outLabels[k] = labels[i];
    }
  }
  return { images: outImages, labels: outLabels, n: n * copies };
}
