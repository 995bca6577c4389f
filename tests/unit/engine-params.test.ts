import { describe, expect, it, beforeAll } from 'vitest';
import { DEFAULT_SIZES, LoraModel, Mlp, baseParamCount, paramSummary, tf } from '../../src/engine/index';
import { useWasm } from './helpers';

beforeAll(useWasm);

describe('parameter accounting', () => {
  it('counts the seeds’ 784→1000→2000→10 network as the issue states', () => {
    // 784·1000+1000 + 1000·2000+2000 + 2000·10+10
    expect(baseParamCount(DEFAULT_SIZES)).toBe(2_807_010);
    const s = paramSummary(DEFAULT_SIZES, [0, 1, 2], 1);
    expect(s.perLayer.map((l) => l.adapter)).toEqual([1784, 3000, 2010]);
    expect(s.adapter).toBe(6_794);
    expect(s.total).toBe(2_813_804);
    expect(s.trainablePercent).toBeCloseTo((100 * 6794) / 2813804, 10);
  });

  it('scales linearly in rank and covers only the chosen layers', () => {
    expect(paramSummary(DEFAULT_SIZES, [0, 1, 2], 8).adapter).toBe(8 * 6794);
    expect(paramSummary(DEFAULT_SIZES, [1], 4).adapter).toBe(4 * (1000 + 2000));
    expect(paramSummary(DEFAULT_SIZES, [], 4).adapter).toBe(0);
  });

  it('works for other shapes', () => {
    expect(baseParamCount([4, 3, 2])).toBe(4 * 3 + 3 + 3 * 2 + 2);
    expect(paramSummary([4, 3, 2], [0, 1], 2).adapter).toBe(2 * (4 + 3) + 2 * (3 + 2));
    expect(paramSummary([4, 3, 2], [0], 2).fullBytes.adam).toBe(8 * 23);
  });

  it('agrees with what tfjs actually allocates', () => {
    const before = tf.memory().numBytes;
    const base = Mlp.random(DEFAULT_SIZES, 3);
    const baseBytes = tf.memory().numBytes - before;
    expect(baseBytes).toBe(4 * 2_807_010);
    expect(base.variables().reduce((s, v) => s + v.size, 0)).toBe(2_807_010);
    for (const [layers, rank] of [[[0, 1, 2], 1], [[0, 2], 16], [[1], 64]] as [number[], number][]) {
      const m = LoraModel.withAdapters(base, layers, { rank, alpha: rank }, 1);
      expect(m.allocatedAdapterParams()).toBe(paramSummary(DEFAULT_SIZES, layers, rank).adapter);
      m.disposeAdapters();
    }
    base.dispose();
    expect(tf.memory().numBytes).toBe(before);
  });
});
