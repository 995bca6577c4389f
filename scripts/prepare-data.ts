/**
 * Builds the assets the site serves itself (nothing is fetched from another
 * host at run time): MNIST subsets for the live cells, and tfjs's .wasm files.
 *
 * Subset sizes: 4,000 training digits (about 400 per class) are enough for an
 * adapter to learn any of the downstream tasks in a few hundred steps, and
 * 1,000 test digits measure accuracy to about ±1.4 points (one standard
 * error at 80 %) while keeping the download near 3.9 MB before compression.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { packDigits, selectDigits } from '../src/engine/data';
import { mulberry32, shuffledIndices } from '../src/core/rng';
import { mnistTest, mnistTrain } from './mnist';

export const SUBSETS = { train: 4000, test: 1000, seed: 2024 } as const;

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const dataDir = join(root, 'public', 'data');
mkdirSync(dataDir, { recursive: true });

for (const [name, full, n] of [
  ['mnist-train', mnistTrain(), SUBSETS.train],
  ['mnist-test', mnistTest(), SUBSETS.test],
] as const) {
  const picked = shuffledIndices(full.n, mulberry32(SUBSETS.seed)).slice(0, n);
  const bytes = packDigits(selectDigits(full, picked), { source: `MNIST ${name === 'mnist-train' ? 'training' : 'test'} set`, seed: SUBSETS.seed });
  writeFileSync(join(dataDir, `${name}.bin`), bytes);
  console.log(`public/data/${name}.bin: ${n} digits, ${bytes.length.toLocaleString('en-US')} bytes`);
}

const wasmDir = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
mkdirSync(join(root, 'public', 'tfjs'), { recursive: true });
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  copyFileSync(join(wasmDir, f), join(root, 'public', 'tfjs', f));
}
console.log('public/tfjs/: tfjs WASM binaries copied');
