// The /attention/ chapter's tiny character GPT: forward against a plain-loop
// reference, causal masking, LoRA's B = 0 start, merging, and training.
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, mulberry32, normalArray } from '../../src/engine/index';
import { Gpt, GptLora, heldOutLoss, sampleWords, wordTensors, type GptWeights } from '../../src/engine/gpt';
import { gptParamCount, gptShapes, loraCount, type GptConfig } from '../../src/core/gpt';
import { relDiff, useWasm } from './helpers';

beforeAll(useWasm);

const TINY: GptConfig = { vocab: 6, context: 5, dModel: 8, heads: 2, layers: 2, mlpHidden: 12 };

function logits(model: GptLora, rows: number[][], c: GptConfig): Float32Array {
  return tf.tidy(() => model.forward(tf.tensor2d(rows.flat(), [rows.length, c.context], 'int32')).dataSync() as Float32Array);
}

/** Gives every adapter a random (non-zero) B, so the adapters actually change the output. */
function randomiseB(model: GptLora, seed: number): void {
  const rand = mulberry32(seed);
  for (const a of model.adapters.values()) a.Bt.assign(tf.tensor2d(normalArray(a.Bt.size, 0.3, rand), a.Bt.shape as [number, number]));
}

// ---- A plain-JavaScript reference: loops over rows, heads and positions. ----
type M = Float32Array;
const mm = (x: number[], w: M, d: number) => Array.from({ length: d }, (_, j) => x.reduce((s, xi, i) => s + xi * w[i * d + j], 0));
const ln = (x: number[], g: M, b: M) => {
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const v = x.reduce((s, y) => s + (y - mean) ** 2, 0) / x.length;
  return x.map((y, i) => ((y - mean) / Math.sqrt(v + 1e-5)) * g[i] + b[i]);
};
function referenceForward(W: GptWeights, c: GptConfig, row: number[], delta: Record<string, M>): number[][] {
  const d = c.dModel, T = c.context, H = c.heads, dh = d / H;
  const proj = (x: number[], name: string, _k: number, out: number) => {
    const y = mm(x, W[name], out);
    const dw = delta[name];
    return dw ? y.map((v, j) => v + mm(x, dw, out)[j]) : y;
  };
  let x = row.map((tok, t) => Array.from({ length: d }, (_, j) => W.tok[tok * d + j] + W.pos[t * d + j]));
  for (let l = 0; l < c.layers; l++) {
    const h = x.map((r) => ln(r, W[`l${l}.ln1.g`], W[`l${l}.ln1.b`]));
    const q = h.map((r) => proj(r, `l${l}.q`, d, d)), k = h.map((r) => proj(r, `l${l}.k`, d, d)), v = h.map((r) => proj(r, `l${l}.v`, d, d));
    const mixed = x.map(() => new Array<number>(d).fill(0));
    for (let hd = 0; hd < H; hd++) {
      for (let i = 0; i < T; i++) {
        // Position i attends to positions 0..i only.
        const s = Array.from({ length: i + 1 }, (_, j) => {
          let dot = 0;
          for (let e = 0; e < dh; e++) dot += q[i][hd * dh + e] * k[j][hd * dh + e];
          return dot / Math.sqrt(dh);
        });
        const m = Math.max(...s);
        const p = s.map((z) => Math.exp(z - m));
        const z = p.reduce((a, b) => a + b, 0);
        for (let j = 0; j <= i; j++) for (let e = 0; e < dh; e++) mixed[i][hd * dh + e] += (p[j] / z) * v[j][hd * dh + e];
      }
    }
    x = x.map((r, i) => { const o = proj(mixed[i], `l${l}.o`, d, d); return r.map((val, j) => val + o[j]); });
    x = x.map((r) => {
      const h2 = ln(r, W[`l${l}.ln2.g`], W[`l${l}.ln2.b`]);
      const up = proj(h2, `l${l}.fc1`, d, c.mlpHidden).map((u, j) => Math.max(0, u + W[`l${l}.fc1.b`][j]));
      const down = proj(up, `l${l}.fc2`, c.mlpHidden, d);
      return r.map((val, j) => val + down[j] + W[`l${l}.fc2.b`][j]);
    });
  }
  return x.map((r) => {
    const hf = ln(r, W['lnf.g'], W['lnf.b']);
    return mm(hf, W.head, c.vocab).map((y, j) => y + W['head.b'][j]);
  });
}

describe('tiny GPT', () => {
  it('counts its parameters by formula as the tensors do', () => {
    const base = Gpt.random(TINY, 1);
    const held = base.variables().reduce((s, v) => s + v.size, 0);
    expect(gptParamCount(TINY)).toBe(held);
    const lora = GptLora.withAdapters(base, ['q', 'v', 'fc1'], { rank: 3, alpha: 3 }, 2);
    // r(d+k) per matrix: q and v are 8×8, fc1 is 8→12; two blocks.
    expect(lora.adapterParams()).toBe(2 * (3 * 16 + 3 * 16 + 3 * 20));
    expect(loraCount(['q', 'v', 'fc1'], 3, TINY).adapter).toBe(lora.adapterParams());
    lora.disposeAdapters();
    base.dispose();
  });

  it('matches a plain-loop reference, with and without non-zero LoRA updates', () => {
    const base = Gpt.random(TINY, 3);
    const W = base.readWeights();
    const rows = [[0, 1, 2, 3, 4], [0, 5, 5, 1, 0]];
    const plain = new GptLora(base);
    const lora = GptLora.withAdapters(base, ['q', 'k', 'v', 'o', 'fc2'], { rank: 2, alpha: 4 }, 4);
    randomiseB(lora, 5);
    for (const [model, withDelta] of [[plain, false], [lora, true]] as const) {
      const delta: Record<string, M> = {};
      if (withDelta) for (const [key, a] of lora.adapters) { const [l, t] = key.split('.'); delta[`l${l}.${t}`] = tf.tidy(() => a.deltaKernel().dataSync() as M); }
      const got = logits(model, rows, TINY);
      const want = rows.flatMap((r) => referenceForward(W, TINY, r, delta).flat());
      expect(got.length).toBe(rows.length * TINY.context * TINY.vocab);
      expect(relDiff(got, want)).toBeLessThan(1e-4);
    }
    lora.disposeAdapters();
    base.dispose();
  });

  it('is causal: changing a later character never changes earlier logits', () => {
    const base = Gpt.random(TINY, 6);
    const model = GptLora.withAdapters(base, ['q', 'k', 'v', 'o'], { rank: 2, alpha: 2 }, 7);
    randomiseB(model, 8);
    const a = logits(model, [[0, 1, 2, 3, 4]], TINY);
    const b = logits(model, [[0, 1, 2, 5, 5]], TINY);
    const V = TINY.vocab;
    // Positions 0–2 see only tokens 0–2, which are the same.
    expect(Array.from(a.subarray(0, 3 * V))).toEqual(Array.from(b.subarray(0, 3 * V)));
    expect(relDiff(a.subarray(3 * V), b.subarray(3 * V))).toBeGreaterThan(1e-3);
    model.disposeAdapters();
    base.dispose();
  });

  it('with B = 0 the adapted model is the base; switched off it is the base again', () => {
    const base = Gpt.random(TINY, 9);
    const rows = [[0, 3, 2, 1, 0]];
    const before = logits(new GptLora(base), rows, TINY);
    const model = GptLora.withAdapters(base, ['q', 'k', 'v', 'o', 'fc1', 'fc2'], { rank: 4, alpha: 8 }, 10);
    expect(Array.from(logits(model, rows, TINY))).toEqual(Array.from(before));
    randomiseB(model, 11);
    expect(relDiff(logits(model, rows, TINY), before)).toBeGreaterThan(1e-3);
    model.enabled = false;
    expect(Array.from(logits(model, rows, TINY))).toEqual(Array.from(before));
    model.disposeAdapters();
    base.dispose();
  });

  it('merged weights give the same outputs as base + adapters', () => {
    const base = Gpt.random(TINY, 12);
    const model = GptLora.withAdapters(base, ['q', 'v'], { rank: 2, alpha: 16 }, 13);
    randomiseB(model, 14);
    const rows = [[0, 1, 1, 2, 3], [0, 4, 3, 2, 1]];
    const merged = model.merged();
    const a = logits(model, rows, TINY);
    const b = logits(new GptLora(merged), rows, TINY);
    expect(relDiff(b, a)).toBeLessThan(1e-5);
    // The shared base is untouched by merging.
    expect(Array.from(base.weights['l0.q'].dataSync())).not.toEqual(Array.from(merged.weights['l0.q'].dataSync()));
    merged.dispose();
    model.disposeAdapters();
    base.dispose();
  });

  it('a few LoRA steps on W_q, W_k, W_v, W_o lower the loss on a tiny set; the base stays frozen', async () => {
    const base = Gpt.random(undefined, 15);
    const frozen = Array.from(base.weights['l1.v'].dataSync());
    const model = GptLora.withAdapters(base, ['q', 'k', 'v', 'o'], { rank: 4, alpha: 8 }, 16);
    const words = ['zafferana', 'zagarolo', 'zambrone', 'zanica', 'zeddiani', 'zelo', 'zerfaliu', 'zibido'];
    const before = await heldOutLoss(model, words);
    const t = wordTensors(words);
    const opt = tf.train.adam(1e-2);
    for (let i = 0; i < 15; i++) opt.minimize(() => model.loss(t.tokens, t.targets, t.mask), false, model.variables());
    const after = await heldOutLoss(model, words);
    expect(after).toBeLessThan(before - 0.1);
    expect(Array.from(base.weights['l1.v'].dataSync())).toEqual(frozen);
    opt.dispose();
    t.tokens.dispose(); t.targets.dispose(); t.mask.dispose();
    model.disposeAdapters();
    base.dispose();
  });

  it('samples are seeded and made of the model’s letters', async () => {
    const base = Gpt.random(undefined, 17);
    const m = new GptLora(base);
    const a = await sampleWords(m, 6, 3, 1);
    expect(await sampleWords(m, 6, 3, 1)).toEqual(a);
    for (const w of a) expect(w).toMatch(/^[a-z]*…?$/);
    await expect(sampleWords(m, 2, 3, 0)).rejects.toThrow(/Temperature/);
    base.dispose();
  });

  it('the shapes list covers every weight once', () => {
    const names = gptShapes(TINY).map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });
});
