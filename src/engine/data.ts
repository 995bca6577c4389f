/**
 * Digits on a tfjs backend: the training batches and the evaluation loop. The
 * byte-level digits and the tasks live in src/core (tf-free).
 */
import { tf, type Tensor1D, type Tensor2D } from './tf';
import { IMAGE_SIZE, NUM_CLASSES, type Digits } from '../core/digits';
import type { Evaluation } from '../core/tasks';

export * from '../core/digits';
export * from '../core/tasks';

/** p/255 for every byte p, in float32: the values of DigitTensors.x (a float32 quotient is correctly rounded either way). */
const PIXEL_VALUE = Float32Array.from({ length: 256 }, (_, p) => p / 255);

/** Digits on the current backend: x scaled to [0, 1]. */
export class DigitTensors {
  readonly n: number;
  readonly x: Tensor2D;
  readonly y: Tensor1D;
  private readonly digits: Digits;

  constructor(d: Digits) {
    this.n = d.n;
    this.digits = d;
    [this.x, this.y] = tf.tidy(() => [
      tf.div(tf.tensor2d(d.images, [d.n, IMAGE_SIZE], 'float32'), 255) as Tensor2D,
      tf.tensor1d(d.labels, 'int32'),
    ]);
  }

  /**
   * A batch by index (the same rows as gathering x and y); call inside tf.tidy.
   * Assembled here from the bytes and uploaded once: on the WASM backend
   * tf.gather took over a millisecond for a batch of 64, about a twentieth of
   * a LoRA training step.
   */
  batch(indices: Int32Array): { x: Tensor2D; y: Tensor1D } {
    const { images, labels: all } = this.digits;
    const x = new Float32Array(indices.length * IMAGE_SIZE);
    const labels = new Int32Array(indices.length);
    indices.forEach((row, i) => {
      if (!(row >= 0 && row < this.n)) throw new Error(`There is no example ${row} (the data has ${this.n}).`);
      const from = row * IMAGE_SIZE;
      for (let j = 0; j < IMAGE_SIZE; j++) x[i * IMAGE_SIZE + j] = PIXEL_VALUE[images[from + j]];
      labels[i] = all[row];
    });
    return { x: tf.tensor2d(x, [indices.length, IMAGE_SIZE]), y: tf.tensor1d(labels, 'int32') };
  }

  dispose(): void {
    this.x.dispose();
    this.y.dispose();
  }
}

/** Accuracy of a forward function on a data set, in batches so memory stays small. */
export async function evaluate(forward: (x: Tensor2D) => Tensor2D, data: DigitTensors, batchSize = 500): Promise<Evaluation> {
  const correct = new Array(NUM_CLASSES).fill(0);
  const counts = new Array(NUM_CLASSES).fill(0);
  for (let start = 0; start < data.n; start += batchSize) {
    const size = Math.min(batchSize, data.n - start);
    const [pred, truth] = tf.tidy(() => {
      const x = tf.slice(data.x, [start, 0], [size, -1]) as Tensor2D;
      return [tf.argMax(forward(x), 1), tf.slice(data.y, [start], [size])];
    });
    const [p, t] = await Promise.all([pred.data(), truth.data()]);
    pred.dispose();
    truth.dispose();
    for (let i = 0; i < size; i++) {
      counts[t[i]]++;
      if (p[i] === t[i]) correct[t[i]]++;
    }
  }
  const total = counts.reduce((a, b) => a + b, 0);
  return {
    n: total,
    accuracy: total ? correct.reduce((a, b) => a + b, 0) / total : 0,
    perDigit: correct.map((c, i) => (counts[i] ? c / counts[i] : 0)),
    counts,
  };
}
