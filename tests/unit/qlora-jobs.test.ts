// The /qlora/ and /qa-lora/ worker jobs on a small base: well-formed results, streamed progress,
// the shared base never modified, tensors freed.
import { beforeAll, describe, expect, it } from 'vitest';
import { Mlp, tf } from '../../src/engine/index';
import { qloraMemory } from '../../src/core/quant/memory';
import { useWasm } from './helpers';
import { fake } from './fake-resources';
import { FusedAdam, adam } from '../../src/engine/fast/adam';


const { jobs } = await import('../../src/worker/jobs/qlora');
const { JobContext } = await import('../../src/worker/context');

const SIZES = [784, 48, 40, 10];
let base: Mlp;
beforeAll(async () => {
  await useWasm();
  base = Mlp.random(SIZES, 4);
  fake.base = base;
});
const snapshot = (m: Mlp) => m.readWeights().map((w) => Array.from(w.kernel));
const ctxFor = (events: unknown[] = [], session = new Map<string, unknown>()) => new JobContext((e) => events.push(e), session, fake);

describe('qlora.layer', () => {
  it('histograms every weight, counts every code, and the error depends on the data type and block size', async () => {
    const nf4 = await jobs.layer({ layer: 0, format: 'NF4', blockSize: 64 }, ctxFor());
    expect([nf4.d, nf4.k, nf4.n, nf4.blocks]).toEqual([48, 784, 48 * 784, 48 * 784 / 64]);
    expect(nf4.histogram.reduce((s, b) => s + b.count, 0)).toBe(nf4.n);
    expect(nf4.codeCounts.reduce((s, c) => s + c, 0)).toBe(nf4.n);
    expect(nf4.levels).toHaveLength(16);
    expect(nf4.levels.filter((v) => v < 0)).toHaveLength(7);
    // 48·784 is a multiple of 64: 4 bits + 32/64 without DQ, 4 + 8/64 + 32/(64·256) with it (plus the 32-bit mean).
    expect(nf4.storage.plain.bitsPerParameter).toBe(4.5);
    expect(nf4.constantBits).toEqual({ plain: 0.5, dq: 0.126953125 });
    const int4 = await jobs.layer({ layer: 0, format: 'INT4', blockSize: 64 }, ctxFor());
    const whole = await jobs.layer({ layer: 0, format: 'NF4', blockSize: 'tensor' }, ctxFor());
    const int8 = await jobs.layer({ layer: 0, format: 'INT8', blockSize: 64 }, ctxFor());
    expect(int4.error.mse).not.toBe(nf4.error.mse);
    expect(whole.error.mse).toBeGreaterThan(nf4.error.mse);
    expect(whole.blocks).toBe(1);
    expect(int8.error.mse).toBeLessThan(nf4.error.mse / 10);
    const m = nf4.model;
    expect(m.dqBytes).toBeLessThan(m.plainBytes);
    expect(m.plainBytes).toBeLessThan(m.fp32Bytes / 6);
    expect(m.fp32Bytes).toBe(4 * (784 * 48 + 48 * 40 + 40 * 10 + 48 + 40 + 10));
  });

  it('rejects a bad layer or data type with a message', async () => {
    await expect(jobs.layer({ layer: 5, format: 'NF4', blockSize: 64 }, ctxFor())).rejects.toThrow(/layer/);
    await expect(jobs.layer({ layer: 0, format: 'NF3' as never, blockSize: 64 }, ctxFor())).rejects.toThrow(/Unknown data type/);
    await expect(jobs.layer({ layer: 0, format: 'NF4', blockSize: 0 }, ctxFor())).rejects.toThrow(/block size/);
  });
});

describe('qlora.sweep', () => {
  it('evaluates the fp32 base and every (data type, block size), streaming each cell', async () => {
    const events: { kind: string }[] = [];
    const r = await jobs.sweep({ formats: ['NF4', 'INT8'], blocks: [64, 'tensor'], doubleQuant: true }, ctxFor(events));
    expect(r.n).toBe(100);
    expect(r.cells.map((c) => `${c.format}/${c.block}`)).toEqual(['NF4/64', 'NF4/tensor', 'INT8/64', 'INT8/tensor']);
    for (const c of r.cells) {
      expect(c.accuracy).toBeGreaterThanOrEqual(0);
      expect(c.accuracy).toBeLessThanOrEqual(1);
      expect(c.flipped).toBeGreaterThanOrEqual(0);
      expect(c.flipped).toBeLessThanOrEqual(100);
    }
    expect(r.cells[0].relativeError).toBeGreaterThan(r.cells[2].relativeError);
    expect(r.cells[0].bitsPerWeight).toBeGreaterThan(4);
    expect(r.cells[0].bitsPerWeight).toBeLessThan(4.2);
    expect(events.filter((e) => e.kind === 'cell')).toHaveLength(4);
    expect(events[0].kind).toBe('fp32');
  });
});

describe('qlora.train', () => {
  it('trains adapters on the NF4 base, continues, reports memory, leaves the fp32 base alone and frees tensors on reset', async () => {
    const before = snapshot(base);
    const session = new Map<string, unknown>();
    const start = await jobs.evaluate({ session: 's', task: 'rotated' }, ctxFor([], session));
    expect(start.now).toBeNull();
    await fake.taskData('rotated', 'train'); // cached data is not the run's
    const tensors = tf.memory().numTensors;
    const events: { kind: string }[] = [];
    const r1 = await jobs.train({ session: 's', task: 'rotated', rank: 2, steps: 6, seed: 1, evalEvery: 3 }, ctxFor(events, session));
    expect(r1.step).toBe(6);
    const r2 = await jobs.train({ session: 's', task: 'rotated', rank: 2, steps: 9, seed: 1 }, ctxFor([], session));
    expect(r2.step).toBe(9);
    expect(events.filter((e) => e.kind === 'eval').length).toBe(2);
    const expected = qloraMemory(SIZES, [0, 1, 2], 2, { bits: 4, blockSize: 64, doubleQuant: true });
    expect(r2.memory.adapterParams).toBe(expected.adapterParams);
    expect(r2.memory.baseWeights).toBe(expected.baseWeights);
    expect(r2.memory.baseBiases).toBe(expected.baseBiases);
    // Adapters and Adam's two moments, all fp32: 12 bytes per adapter parameter, plus tf.train.adam's
    // two fp32 scalars β₁ᵗ and β₂ᵗ (the engine's one-pass Adam on WASM keeps those two numbers in JavaScript).
    const optimizer = adam(1e-3);
    const scalarBytes = optimizer instanceof FusedAdam ? 0 : 8;
    optimizer.dispose();
    expect(r2.memory.tfjsRunBytes).toBe(12 * expected.adapterParams + scalarBytes);
    expect(r2.memory.transientBytes).toBe(4 * (784 * 48 + 48 * 40 + 40 * 10));
    const now = await jobs.evaluate({ session: 's', task: 'rotated' }, ctxFor([], session));
    expect(now.step).toBe(9);
    expect(now.now?.score).toBeCloseTo(r2.score, 10);
    await jobs.reset({ session: 's' }, ctxFor([], session));
    expect(tf.memory().numTensors).toBe(tensors);
    expect(snapshot(base)).toEqual(before);
  });
});

describe('qlora.compare', () => {
  it('runs the QLoRA-style and QA-LoRA paths on the same INT4 base; only QA-LoRA stays on the grid when merged', async () => {
    const before = snapshot(base);
    await fake.taskData('rotated', 'train');
    const tensors = tf.memory().numTensors;
    const events: { kind: string; phase?: string }[] = [];
    const r = await jobs.compare({ task: 'rotated', groupTarget: 16, bits: 4, rank: 2, steps: 10, seed: 3 }, ctxFor(events));
    expect(r.groupSizes).toEqual([16, 16, 10]);
    expect(r.qalora.grid.offGrid).toBe(0);
    expect(r.qalora.grid.maxDeviation).toBeLessThan(1e-3);
    expect(r.qalora.codesUnchanged).toBe(true);
    expect(r.qalora.afterMerge.accuracy).toBeCloseTo(r.qalora.beforeMerge.accuracy, 10);
    expect(r.lora.grid.offGrid).toBeGreaterThan(0);
    expect(r.lora.requantError).toBeGreaterThan(0);
    expect(r.qalora.params).toBe(2 * (784 / 16 + 48) + 2 * (48 / 16 + 40) + 2 * (40 / 10 + 10));
    expect(r.lora.params).toBe(2 * (784 + 48) + 2 * (48 + 40) + 2 * (40 + 10));
    expect(events[0].kind).toBe('base');
    expect(events.filter((e) => e.kind === 'phase').map((e) => e.phase)).toEqual(['lora', 'qalora']);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(snapshot(base)).toEqual(before);
  });
});
