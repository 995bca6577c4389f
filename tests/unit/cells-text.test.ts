// Texts and figures of the cells that issue 13 found wrong or misleading (items 5–10, 15, 17);
// each case failed on the code before the fix.
import { beforeAll, describe, expect, it } from 'vitest';
import { costView } from '../../components/why-peft/cost-view';
import { fullContextNote } from '../../components/why-peft/prefix-state';
import { prefixBudget } from '../../src/core/peftCost';
import { divergedText } from '../../components/alpha-r/alpha-math';
import { paramView } from '../../components/mlp/param-view';
import { requantSentence } from '../../components/qalora/compare-text';
import { SCORED_ON, signedVsBase, trainedText } from '../../components/merge/format';
import { readD90 } from '../../src/core/intrinsic';
import { logCrossing } from '../../components/intrinsic/logic';
import { bitsPerWeightText } from '../../components/qlora/format-small';
import { storageBreakdown } from '../../src/core/quant/doubleQuant';
import { AdapterFileError, LoraModel, Mlp, parseAdapters, serializeAdapters, tf } from '../../src/engine/index';
import { packBinFile, unpackBinFile } from '../../src/core/binfile';

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

describe('/merge-and-switch/ adapter files: the whole header is checked (item 10)', () => {
  const base = Mlp.random([20, 8, 6, 4], 2);
  const model = LoraModel.withAdapters(base, [0, 2], { rank: 3, alpha: 6 }, 4);
  type Meta = { layers: { layer: number; rank: number; alpha: number; scaling: string }[] };
  let meta: Meta;
  let arrayList: { name: string; dtype: 'float32'; data: Float32Array }[];
  beforeAll(async () => {
    const unpacked = unpackBinFile<Meta>('LLAD', await serializeAdapters(base, model.adapters));
    meta = unpacked.meta;
    arrayList = Object.entries(unpacked.arrays).map(([name, data]) => ({ name, dtype: 'float32' as const, data: data as Float32Array }));
  });
  const withMeta = (change: (m: typeof meta) => void) => {
    const m = structuredClone(meta);
    change(m);
    return packBinFile('LLAD', m, arrayList);
  };

  it('reads the unchanged file', () => {
    const { adapters } = parseAdapters(withMeta(() => undefined), base);
    expect(adapters.filter(Boolean)).toHaveLength(2);
    adapters.forEach((a) => a?.dispose());
  });
  it('refuses α = 1e30, α = 0 and a rank above min(d, k)', () => {
    expect(() => parseAdapters(withMeta((m) => { m.layers[0].alpha = 1e30; }), base)).toThrow(/Layer 1: α = 1e\+30 is outside the range/);
    expect(() => parseAdapters(withMeta((m) => { m.layers[1].alpha = 0; }), base)).toThrow(/Layer 3: α = 0 is outside/);
    expect(() => parseAdapters(withMeta((m) => { m.layers[1].rank = 5; }), base)).toThrow(/Layer 3: rank 5 is not a whole number from 1 to 4/);
  });
  it('refuses a header that lists fewer layers than the file holds, or a layer twice', () => {
    expect(() => parseAdapters(withMeta((m) => { m.layers = [m.layers[0]]; }), base)).toThrow('The file holds A2, B2, which its header does not list (it lists layer 1).');
    expect(() => parseAdapters(withMeta((m) => { m.layers = [m.layers[0], m.layers[0], m.layers[1]]; }), base)).toThrow(/lists layer 1 twice/);
    expect(() => parseAdapters(withMeta((m) => { m.layers = []; }), base)).toThrow(/lists no adapter layers/);
  });
  it('leaves no tensors behind after a refusal', () => {
    const before = tf.memory().numTensors;
    expect(() => parseAdapters(withMeta((m) => { m.layers[1].alpha = 1e30; }), base)).toThrow(AdapterFileError);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('/alpha-r/ divergence message (item 15)', () => {
  it('names the cell’s real buttons instead of a Reset it does not have', () => {
    const engine = 'Training diverged at step 7: the loss blew up (no longer a finite number, or above 1,000,000). Lower the learning rate or α, then reset.';
    const text = divergedText(engine, 'Train with this α', 'Clear runs');
    expect(text).not.toMatch(/reset/i);
    expect(text).toMatch(/^Training diverged at step 7: the loss blew up \(no longer a finite number, or above 1,000,000\)\. /);
    expect(text).toContain('press “Train with this α” again, or “Clear runs”');
  });
});

describe('small text errors (item 17)', () => {
  it('/mlp/ with no adapted layer: one sentence, not “nothing: … parameters of the adapted model”', () => {
    const none = paramView([784, 1000, 2000, 10], [], 4);
    expect(none.trainable).toBe('nothing, since no layer has an adapter.');
  });
  it('/merge-and-switch/: “on the 4s”, and “each” only for more than one adapter', () => {
    expect(SCORED_ON.fours).toBe('the 4s');
    expect(trainedText(['Rotated digits'], 25)).toBe('Done: Rotated digits trained for 25 steps.');
    expect(trainedText(['Fix the 4s', 'Rotated digits', 'Inverted digits'], 25)).toBe('Done: Fix the 4s, Rotated digits, Inverted digits trained for 25 steps each.');
  });
  it('/merge-and-switch/ latency vs base in whole percent, never “−0.0000000031%”', () => {
    expect(signedVsBase(-3.1e-11)).toBe('±0% vs base');
    expect(signedVsBase(0.123)).toBe('+12% vs base');
    expect(signedVsBase(-0.034)).toBe('−3% vs base');
  });
});

describe('/qa-lora/ summary (item 17)', () => {
  it('says "unchanged", not "changed … by no change"', () => {
    expect(requantSentence(0)).toBe('Re-quantizing left the LoRA model’s score unchanged');
    expect(requantSentence(0.0004)).toBe('Re-quantizing left the LoRA model’s score unchanged');
    expect(requantSentence(-0.012)).toBe('Re-quantizing changed the LoRA model’s score by −1.2 points');
  });
});
