/**
 * Handwritten digits (MNIST: LeCun, Cortes & Burges) and the downstream tasks
 * the site fine-tunes on. Images are 28×28 bytes (0–255), flattened row by row.
 */
import { tf, type Tensor1D, type Tensor2D } from './tf';
import { packBinFile, unpackBinFile } from './binfile';

export const IMAGE_SIDE = 28;
export const IMAGE_SIZE = IMAGE_SIDE * IMAGE_SIDE;
export const NUM_CLASSES = 10;

export interface Digits {
  n: number;
  images: Uint8Array; // n × 784
  labels: Uint8Array; // n
}

const MAGIC = 'LLDG';

export function packDigits(d: Digits, meta: Record<string, unknown> = {}): Uint8Array {
  return packBinFile(MAGIC, { ...meta, n: d.n, side: IMAGE_SIDE }, [
    { name: 'labels', dtype: 'uint8', data: d.labels },
    { name: 'images', dtype: 'uint8', data: d.images },
  ]);
}

export function unpackDigits(bytes: Uint8Array): Digits {
  const { meta, arrays } = unpackBinFile<{ n: number }>(MAGIC, bytes, 'digit file');
  const images = arrays.images as Uint8Array;
  const labels = arrays.labels as Uint8Array;
  if (!images || !labels || labels.length !== meta.n || images.length !== meta.n * IMAGE_SIZE) throw new Error('The digit file is inconsistent.');
  return { n: meta.n, images, labels };
}

/** Reads MNIST's IDX files (big-endian header, then bytes). */
export function parseIdx(imageFile: Uint8Array, labelFile: Uint8Array): Digits {
  const iv = new DataView(imageFile.buffer, imageFile.byteOffset, imageFile.byteLength);
  const lv = new DataView(labelFile.buffer, labelFile.byteOffset, labelFile.byteLength);
  if (iv.getUint32(0) !== 2051 || lv.getUint32(0) !== 2049) throw new Error('Not MNIST IDX files.');
  const n = iv.getUint32(4);
  if (lv.getUint32(4) !== n || iv.getUint32(8) !== IMAGE_SIDE || iv.getUint32(12) !== IMAGE_SIDE) throw new Error('IDX headers disagree.');
  return { n, images: imageFile.slice(16, 16 + n * IMAGE_SIZE), labels: labelFile.slice(8, 8 + n) };
}

export function selectDigits(d: Digits, indices: ArrayLike<number>): Digits {
  const n = indices.length;
  const images = new Uint8Array(n * IMAGE_SIZE);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = indices[i];
    images.set(d.images.subarray(j * IMAGE_SIZE, (j + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
    labels[i] = d.labels[j];
  }
  return { n, images, labels };
}

export function mapImages(d: Digits, f: (img: Uint8Array, out: Uint8Array) => void): Digits {
  const images = new Uint8Array(d.images.length);
  for (let i = 0; i < d.n; i++) f(d.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE));
  return { n: d.n, images, labels: d.labels };
}

/** Rotates each image a quarter turn clockwise: out[r][c] = in[27−c][r]. */
export function rotate90(d: Digits): Digits {
  const s = IMAGE_SIDE;
  return mapImages(d, (img, out) => {
    for (let r = 0; r < s; r++) for (let c = 0; c < s; c++) out[r * s + c] = img[(s - 1 - c) * s + r];
  });
}

export function invert(d: Digits): Digits {
  return mapImages(d, (img, out) => {
    for (let i = 0; i < img.length; i++) out[i] = 255 - img[i];
  });
}

export type TaskId = 'fours' | 'rotated' | 'inverted';

export interface Task {
  id: TaskId;
  title: string;
  /** How far from pretraining: 'close' tasks need little rank, 'far' ones more. */
  distance: 'close' | 'far';
  description: string;
  /** Training examples for the task, made from a pool of ordinary digits. */
  train(pool: Digits): Digits;
  /** Test examples for the task, made from ordinary test digits. */
  test(pool: Digits): Digits;
  /** The accuracy that measures the task, from an evaluation on test(). */
  score(e: Evaluation): number;
}

const filterLabel = (d: Digits, label: number) =>
  selectDigits(d, Array.from(d.labels.keys()).filter((i) => d.labels[i] === label));

export const TASKS: Record<TaskId, Task> = {
  // The PyTorch tutorial this network comes from fine-tunes on its weakest digit, 9. Our
  // pretrained base's weakest digit is 4 (see src/generated/base-model.json; a test checks it).
  fours: {
    id: 'fours',
    title: 'Fix the 4s',
    distance: 'close',
    description: 'Fine-tune on 4s only, the base model’s weakest digit; watch what happens to the other digits.',
    train: (d) => filterLabel(d, 4),
    test: (d) => d,
    score: (e) => e.perDigit[4],
  },
  rotated: {
    id: 'rotated',
    title: 'Rotated digits',
    distance: 'far',
    description: 'Every digit turned a quarter turn clockwise: the same labels, pixels the base has never seen there.',
    train: rotate90,
    test: rotate90,
    score: (e) => e.accuracy,
  },
  inverted: {
    id: 'inverted',
    title: 'Inverted digits',
    distance: 'far',
    description: 'White digits become black on white: every pixel flipped, 255 − p.',
    train: invert,
    test: invert,
    score: (e) => e.accuracy,
  },
};
export const TASK_IDS = Object.keys(TASKS) as TaskId[];

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

export interface Evaluation {
  n: number;
  accuracy: number; // 0..1
  perDigit: number[]; // accuracy for each true label (NaN-free: 0 if a label is absent)
  counts: number[]; // examples per true label
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
