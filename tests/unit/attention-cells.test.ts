// DOM-free logic of the /attention/ cells.
import { describe, expect, it } from 'vitest';
import { evalEveryFor, labRunKey, lossChange } from '../../components/attention/lab-state';
import { paramsView } from '../../components/attention/params-view';

describe('attention cells', () => {
  it('count what the ticked matrices cost', () => {
    const v = paramsView(['q', 'v'], 4);
    expect(v.base).toBe('104,091');
    expect(v.adapter).toBe('2,048');
    expect(v.matrices).toBe(4);
    expect(v.rows.find((r) => r.target === 'q')!.adapter).toBe('4·(64+64) × 2 = 1,024');
    expect(v.rows.find((r) => r.target === 'fc1')!.adapter).toBe('—');
    expect(paramsView([], 4).adapter).toBe('0');
  });

  it('describe a change of loss, and never print NaN', () => {
    expect(lossChange(2.5, 2)).toBe('2.500 → 2.000 nats/char (−20 %)');
    expect(lossChange(2, 2.2)).toBe('2.000 → 2.200 nats/char (+10 %)');
    expect(lossChange(NaN, 2)).toBe('—');
  });

  it('key runs by what defines them, and measure about five times a run', () => {
    const a = { country: 'IT', targets: ['v', 'q'], rank: 4, alpha: 8, lr: 0.01, seed: 0 };
    expect(labRunKey(a)).toBe(labRunKey({ ...a, targets: ['q', 'v'] }));
    expect(labRunKey(a)).not.toBe(labRunKey({ ...a, country: 'PL' }));
    expect(evalEveryFor(150)).toBe(30);
    expect(evalEveryFor(20)).toBe(10);
  });
});

describe('Table 5 configurations', () => {
  it('are the paper’s seven, each at the same budget', async () => {
    const { BUDGET_CONFIGS, parseWeights } = await import('../../components/attention/budget-state');
    const { loraCount } = await import('../../src/core/gpt');
    expect(BUDGET_CONFIGS.map((c) => c.targets.join(''))).toEqual(['q', 'k', 'v', 'o', 'qk', 'qv', 'qkvo']);
    expect(new Set(BUDGET_CONFIGS.map((c) => loraCount(c.targets, c.rank).adapter))).toEqual(new Set([2048]));
    expect(() => parseWeights('W_x')).toThrow(/Not an attention matrix/);
  });
});

describe('Table 6 configurations', () => {
  it('are ranks 1, 2, 4, 8, 64 on the paper’s three choices, with its numbers', async () => {
    const { RANK_CONFIGS } = await import('../../components/attention/budget-state');
    expect(RANK_CONFIGS).toHaveLength(15);
    expect(RANK_CONFIGS.map((c) => c.rank).slice(0, 5)).toEqual([1, 2, 4, 8, 64]);
    expect(RANK_CONFIGS[0]).toMatchObject({ targets: ['q'], wikiSql: 68.8, multiNli: 90.7 });
    expect(RANK_CONFIGS[14]).toMatchObject({ targets: ['q', 'k', 'v', 'o'], rank: 64, wikiSql: 73.9, multiNli: 91.4 });
  });
});
