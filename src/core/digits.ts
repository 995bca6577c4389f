/**
 * Handwritten digits (MNIST: LeCun, Cortes & Burges) as bytes: the file format
 * the site ships and the pixel transforms the tasks are made of. Images are
 * 28×28 bytes (0–255), flattened row by row. No tfjs: the page, the worker and
 * the scripts all read digits through this module.
 */
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
