import { describe, expect, it } from 'vitest';
import { DigitTensors, IMAGE_SIDE, IMAGE_SIZE, TASKS, initBackend, invert, packDigits, rotate90, tf, unpackDigits, type Digits } from '../../src/engine/index';
import { syntheticDigits } from './helpers';
import base from '../../src/generated/base-model.json';

const onePixel = (r: number, c: number): Digits => {
  const images = new Uint8Array(IMAGE_SIZE);
  images[r * IMAGE_SIDE + c] = 200;
  return { n: 1, images, labels: new Uint8Array([3]) };
};

describe('digits and tasks', () => {
  it('rotates a quarter turn clockwise', () => {
    // Clockwise: the top row becomes the right-hand column, read top to bottom.
    const out = rotate90(onePixel(0, 5)).images;
    expect(out[5 * IMAGE_SIDE + 27]).toBe(200);
    expect(out.reduce((s, v) => s + v, 0)).toBe(200);
    const four = rotate90(rotate90(rotate90(rotate90(syntheticDigits(3)))));
    expect(Array.from(four.images)).toEqual(Array.from(syntheticDigits(3).images));
  });

  it('inverts pixels', () => {
    const out = invert(onePixel(1, 1)).images;
    expect(out[IMAGE_SIDE + 1]).toBe(55);
    expect(out[0]).toBe(255);
  });

  it('makes the 4s task from 4s only, tests on every digit, and 4 is the base’s weakest digit', () => {
    const pool = syntheticDigits(100);
    const train = TASKS.fours.train(pool);
    expect(train.n).toBe(10);
    expect(Array.from(train.labels).every((l) => l === 4)).toBe(true);
    expect(TASKS.fours.test(pool).n).toBe(100);
    expect(TASKS.fours.score({ n: 1, accuracy: 0.1, perDigit: [0, 0, 0, 0, 0.7, 0, 0, 0, 0, 0], counts: [] })).toBe(0.7);
    // If the base is ever retrained and another digit becomes the weakest, this task must follow.
    const per = base.perDigitAccuracy;
    expect(per.indexOf(Math.min(...per))).toBe(4);
  });

  it('round-trips the site’s digit files', () => {
    const d = syntheticDigits(7);
    const back = unpackDigits(packDigits(d));
    expect(back.n).toBe(7);
    expect(Array.from(back.labels)).toEqual(Array.from(d.labels));
    expect(Array.from(back.images)).toEqual(Array.from(d.images));
  });
});

describe('DigitTensors.batch', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`gives exactly the rows tf.gather takes from x and y (${backend})`, async () => {
      await initBackend({ prefer: backend });
      const digits = syntheticDigits(50, 7);
      // Every byte value appears, so every entry of the lookup table is compared with tfjs's division.
      digits.images.set(Uint8Array.from({ length: 256 }, (_, p) => p), 0);
      const data = new DigitTensors(digits);
      const indices = Int32Array.from([0, 49, 3, 3, 17]);
      tf.tidy(() => {
        const { x, y } = data.batch(indices);
        const idx = tf.tensor1d(indices, 'int32');
        expect(x.shape).toEqual([5, IMAGE_SIZE]);
        expect(Array.from(x.dataSync())).toEqual(Array.from(tf.gather(data.x, idx).dataSync()));
        expect(Array.from(y.dataSync())).toEqual(Array.from(indices, (i) => digits.labels[i]));
      });
      expect(() => data.batch(Int32Array.from([50]))).toThrow(/no example 50/);
      data.dispose();
    });
  }
});
