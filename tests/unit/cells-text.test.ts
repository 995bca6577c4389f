// Texts and figures of the cells that issue 13 found wrong or misleading (items 5–10, 15, 17);
// each case failed on the code before the fix.
import { describe, expect, it } from 'vitest';
import { costView } from '../../components/why-peft/cost-view';
import { fullContextNote } from '../../components/why-peft/prefix-state';
import { prefixBudget } from '../../src/math/peftCost';
import { readD90 } from '../../src/engine/subspace/readout';
import { logCrossing } from '../../components/intrinsic/logic';
import { bitsPerWeightText } from '../../components/qlora/format-small';
import { storageBreakdown } from '../../src/engine/quant/doubleQuant';

describe('/why-peft/ prefix budget (item 5)', () => {
  it('counts the same l_p + l_i tokens as the trainable count when they overflow the context', () => {
    // GPT-3: context 2,048, d_model 12,288. Trainable = 12,288 × 2,304; the note must say 2,304 tokens.
    const b = prefixBudget(2048, 12_288, 2048, 256);
    expect(b.trainable).toBe(12_288 * 2304);
    const note = fullContextNote(2048, 2048, 256)!;
    expect(note).toContain('2,304 trainable tokens');
    expect(note).toContain('256 more than the 2,048-token context');
    expect(note).not.toMatch(/2,048 trainable tokens fill/);
    // GPT-2 medium: context 1,024; l_p = 1,024 alone fills it exactly; with l_i = 8 it overflows by 8.
    expect(fullContextNote(1024, 1024, 0)).toBe('No positions are left for the task: 1,024 trainable tokens fill the whole 1,024-token context.');
    expect(fullContextNote(1024, 1024, 8)).toContain('1,032 trainable tokens are 8 more than the 1,024-token context');
    expect(fullContextNote(2048, 256, 8)).toBeNull();
  });
});

describe('/why-peft/ cost calculator (item 6)', () => {
  const base = { model: 'mlp', r: 4, mats: ['q', 'v'], layers: ['1', '2', '3'], prec: 'fp16', tasks: 100 };
  it('warns when r is above a layer’s largest possible rank min(d, k)', () => {
    expect(costView(base).rankNote).toBeNull();
    const v = costView({ ...base, r: 256 });
    expect(v.rankNote).toMatch(/^r = 256 is more than layer 3 \(10×2,000\) can use: its rank is at most min\(d, k\) = 10\./);
    expect(v.rankNote).not.toMatch(/layer [12]/);
    expect(costView({ ...base, r: 256, layers: ['1', '2'] }).rankNote).toBeNull();
    expect(costView({ ...base, model: 'gpt3', r: 256 }).rankNote).toBeNull(); // 12,288 × 12,288 matrices
  });
  it('“Storage for 1 task”, “Storage for 2 tasks”', () => {
    expect(costView({ ...base, tasks: 1 }).tasksLabel).toBe('Storage for 1 task');
    expect(costView({ ...base, tasks: 2 }).tasksLabel).toBe('Storage for 2 tasks');
    expect(costView({ ...base, tasks: 1000 }).tasksLabel).toBe('Storage for 1,000 tasks');
  });
});

describe('/intrinsic-dimension/ sweep crossing (item 7)', () => {
  it('reads the crossing in log d, where the chart draws its straight segments', () => {
    const pts = [{ d: 100, accuracy: 0.5 }, { d: 500, accuracy: 0.85 }, { d: 1000, accuracy: 0.95 }];
    const r = readD90(pts, 1); // threshold 0.9, halfway between the last two points
    expect(r.interpolated).toBeCloseTo(750, 9); // a straight line in d: what the cell used to print
    expect(logCrossing(pts, r)).toBeCloseTo(Math.sqrt(500 * 1000), 9); // 707.1: halfway in log d
    expect(logCrossing(pts, readD90(pts, 0.5))).toBeNull(); // the first point already reaches 0.45
    expect(logCrossing(pts, readD90(pts, 2))).toBeNull();
  });
});

describe('/qlora/ bits per weight (item 8)', () => {
  it('shows parts that add up to the total shown, the DQ offset included', () => {
    // Layer 3 (10 × 2,000), one block for the whole matrix, with double quantization: 8 + 32 + 32 bits of constants.
    const dq = storageBreakdown(20_000, { bits: 4, blockSize: 20_000, doubleQuant: true });
    expect(bitsPerWeightText(dq)).toBe('4.0036 (4 for the codes + 0.0036 for the constants)');
    const plain = storageBreakdown(784_000, { bits: 4, blockSize: 64 });
    expect(bitsPerWeightText(plain)).toBe('4.5 (4 for the codes + 0.5 for the constants)');
    for (const [n, blockSize] of [[784_000, 64], [2_000_000, 256], [20_000, 4096], [784_000, 784_000]]) {
      const text = bitsPerWeightText(storageBreakdown(n, { bits: 4, blockSize, doubleQuant: true }));
      const [total, codes, constants] = (text.match(/[\d.]+/g) ?? []).map(Number);
      expect(codes + constants).toBeCloseTo(total, 9);
    }
  });
});
