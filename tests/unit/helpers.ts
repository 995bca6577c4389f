// Shared set-up for engine tests: the WASM backend (what the site prefers on CPUs) and small data.
import { expect } from 'vitest';
import { initBackend, mulberry32, type Digits, IMAGE_SIZE } from '../../src/engine/index';

export async function useWasm(): Promise<void> {
  const info = await initBackend({ prefer: 'wasm' });
  if (info.name !== 'wasm') throw new Error(`expected the wasm backend, got ${info.name}`);
}

/** Random but learnable digits: each class lights up its own block of pixels, plus noise. */
export function syntheticDigits(n: number, seed = 1): Digits {
  const rand = mulberry32(seed);
  const images = new Uint8Array(n * IMAGE_SIZE);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 10;
    labels[i] = label;
    for (let p = 0; p < IMAGE_SIZE; p++) {
      const inBlock = Math.floor(p / 78) === label;
      images[i * IMAGE_SIZE + p] = Math.floor((inBlock ? 150 : 0) + rand() * 100);
    }
  }
  return { n, images, labels };
}

/** Largest difference relative to the largest magnitude in the reference (float32 rounding grows with it). */
export function relDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let scale = 1e-6;
  let m = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    m = Math.max(m, Math.abs(a[i] - b[i]));
  }
  return m / scale;
}
