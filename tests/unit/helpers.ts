// Shared set-up for engine tests: the WASM backend (what the site prefers on CPUs) and small data.
import { expect } from 'vitest';
import {
  DigitTensors, initBackend, mulberry32, Trainer, tf, type Digits, IMAGE_SIZE, type Tensor2D,
} from '../../src/engine/index';

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

/** Anything that owns tensors (models, trainers, data, plain tensors). */
export interface Disposable { dispose(): void }

/** Disposes each in turn: the end of most engine tests, which own several models, trainers and tensors. */
export function disposeAll(...owners: Disposable[]): void {
  for (const o of owners) o.dispose();
}

/**
 * Trains `model` with the generic Trainer for twelve single steps on 200 synthetic digits (lr 1e-2) and checks
 * what every adapter model must do there: after two warm-up steps the tensor count stays flat (no step leaks),
 * and the last step's loss is below the first's. Disposes its trainer and data; the model is the caller's.
 */
export async function expectTrainerLearnsWithoutLeaks(
  model: { variables(): tf.Variable[]; forward(x: Tensor2D): Tensor2D },
  seed: number,
): Promise<void> {
  const data = new DigitTensors(syntheticDigits(200));
  const trainer = new Trainer(model.variables(), (x) => model.forward(x), data, { steps: 40, learningRate: 1e-2, seed });
  const first = await trainer.singleStep();
  await trainer.singleStep();
  const count = tf.memory().numTensors;
  let last = first;
  for (let s = 0; s < 10; s++) last = await trainer.singleStep();
  expect(tf.memory().numTensors).toBe(count);
  expect(last.loss).toBeLessThan(first.loss);
  trainer.dispose();
  data.dispose();
}
