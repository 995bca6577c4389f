// The cost calculator against hand-computed values and the LoRA paper's own counts.
import { describe, expect, it } from 'vitest';
import { costSummary, loraTrainable, prefixBudget, presetById, toMB, toMiB } from '../../src/core/peftCost';

const gpt3 = presetById('gpt3');

describe('LoRA trainable parameters', () => {
  it('GPT-3 175B, W_q and W_v at r = 4: 2 matrices × 96 layers × 4 × (12,288 + 12,288)', () => {
    // By hand: 2 · 96 · 4 · 24,576 = 18,874,368.
    expect(loraTrainable(gpt3, 4, ['q', 'v'])).toBe(18_874_368);
  });

  it('reproduces the counts in Hu et al. (2021), Table 15', () => {
    const M = (n: number) => Math.round(n / 1e5) / 10; // to 0.1 M as the table prints them
    expect(M(loraTrainable(gpt3, 2, ['v']))).toBe(4.7);
    expect(M(loraTrainable(gpt3, 1, ['q', 'v']))).toBe(4.7);
    expect(M(loraTrainable(gpt3, 2, ['q', 'v']))).toBe(9.4);
    expect(M(loraTrainable(gpt3, 4, ['q', 'v']))).toBe(18.9); // the table truncates to 18.8 M
    expect(M(loraTrainable(gpt3, 8, ['q', 'v']))).toBe(37.7);
    expect(M(loraTrainable(gpt3, 4, ['q', 'k', 'v', 'o']))).toBe(37.7);
    expect(M(loraTrainable(gpt3, 64, ['q', 'v']))).toBe(302); // table: 301.9 M
    expect(M(loraTrainable(gpt3, 64, ['q', 'k', 'v', 'o']))).toBe(604); // table: 603.8 M
  });

  it('the MLP: r(d + k) per chosen layer', () => {
    const mlp = presetById('mlp');
    expect(mlp.params).toBe(785_000 + 2_002_000 + 20_010);
    expect(loraTrainable(mlp, 4, [0])).toBe(4 * (784 + 1000));
    expect(loraTrainable(mlp, 2, [0, 1, 2])).toBe(2 * (1784 + 3000 + 2010));
    expect(loraTrainable(mlp, 4, [])).toBe(0);
  });

  it('grows linearly with the rank and rejects a bad rank', () => {
    expect(loraTrainable(gpt3, 8, ['q'])).toBe(2 * loraTrainable(gpt3, 4, ['q']));
    expect(() => loraTrainable(gpt3, 0, ['q'])).toThrow(/positive/);
    expect(() => loraTrainable(gpt3, 1.5, ['q'])).toThrow(/whole/);
  });
});

describe('bytes', () => {
  it('GPT-3: adapter 37.7 MB = 36.0 MiB at fp16; full copy 350.5 GB; about 9,300× fewer', () => {
    const c = costSummary(gpt3, 4, ['q', 'v'], 'fp16');
    expect(c.adapterBytes).toBe(37_748_736);
    expect(toMB(c.adapterBytes)).toBeCloseTo(37.75, 2);
    expect(toMiB(c.adapterBytes)).toBe(36);
    expect(c.fullCheckpointBytes).toBe(350_511_600_000);
    expect(c.reduction).toBeCloseTo(175_255_800_000 / 18_874_368, 6);
    expect(Math.round(c.reduction)).toBe(9285);
    // Adam: two fp32 moments per trained number.
    expect(c.adamLoraBytes).toBe(18_874_368 * 8);
    expect(c.adamFullBytes).toBe(175_255_800_000 * 8);
  });

  it('fp32 doubles the file; 100 tasks: one base plus 100 adapters', () => {
    const c = costSummary(gpt3, 4, ['q', 'v'], 'fp32', 100);
    expect(c.adapterBytes).toBe(2 * 37_748_736);
    expect(c.fullTasksBytes).toBe(100 * 175_255_800_000 * 4);
    expect(c.loraTasksBytes).toBe(175_255_800_000 * 4 + 100 * 2 * 37_748_736);
  });
});

describe('prefix tuning', () => {
  it('reserves l_p + l_i positions and trains d_model·(l_p + l_i) numbers', () => {
    // GPT-3 with l_p = 256, l_i = 8: 12,288 · 264 = 3,244,032 (Table 15: 3.2 M).
    const b = prefixBudget(2048, 12_288, 256, 8);
    expect(b).toEqual({ reserved: 264, task: 1784, trainable: 3_244_032, reservedFraction: 264 / 2048 });
    expect(prefixBudget(1024, 1024, 2000).task).toBe(0);
    expect(() => prefixBudget(1024, 1024, -1)).toThrow(/whole/);
  });
});
