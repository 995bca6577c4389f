/**
 * Times the /attention/ chapter's tiny transformer on WASM in Node: a LoRA training step
 * (W_q, W_k, W_v, W_o at r = 4, batch 32), a full fine-tuning step, and a forward pass,
 * medians after warm-up. The chapter's target is a LoRA step of at most ~30 ms on an idle
 * 2-core machine; on a busy one the numbers are higher (say so when quoting them).
 *
 *   npm run bench-gpt
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { initBackend, tf } from '../src/engine/index';
import { GptLora, wordTensors } from '../src/engine/gpt';
import { loadGpt } from '../src/engine/gptFile';
import { median } from '../src/core/stats';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
const WARM = 5;
const RUNS = Number(process.env.RUNS ?? 30);
const backend = await initBackend({ prefer: 'wasm' });
const { model: base } = loadGpt(new Uint8Array(readFileSync(join(root, 'public', 'models', 'base-gpt.bin'))));
const words = ['zafferana', 'szczecin', 'ylojarvi', 'shingu', 'abbiategrasso', 'lodz', 'kotka', 'anjo'];
const t = wordTensors(Array.from({ length: 32 }, (_, i) => words[i % words.length]));

function time(f: () => void): number {
  for (let i = 0; i < WARM; i++) f();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    f();
    ms.push(performance.now() - s);
  }
  return median(ms);
}

const lora = GptLora.withAdapters(base, ['q', 'k', 'v', 'o'], { rank: 4, alpha: 8 }, 0);
const loraOpt = tf.train.adam(0.01);
const loraStep = time(() => { const l = loraOpt.minimize(() => lora.loss(t.tokens, t.targets, t.mask), true, lora.variables())!; l.dataSync(); l.dispose(); });
const forward = time(() => tf.tidy(() => { lora.forward(t.tokens).dataSync(); }));
const plain = new GptLora(base);
const fullOpt = tf.train.adam(0.001);
const fullStep = time(() => { const l = fullOpt.minimize(() => plain.loss(t.tokens, t.targets, t.mask), true, base.variables())!; l.dataSync(); l.dispose(); });
console.log(JSON.stringify({ backend: backend.name, batch: 32, runs: RUNS, medianMs: { loraStep, fullStep, forward } }, null, 2));
