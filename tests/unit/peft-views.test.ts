// Text the /why-peft/ calculator shows, and the /alpha-r/ helpers, for hand-computed cases.
import { describe, expect, it } from 'vitest';
import { bytesWithMiB, costView } from '../../components/why-peft/cost-view';
import { finalLoss, scaleOf } from '../../components/alpha-r/alpha-math';

describe('cost calculator view', () => {
  const base = { model: 'gpt3', r: 4, mats: ['q', 'v'], layers: ['1', '2', '3'], prec: 'fp16', tasks: 100 };

  it('GPT-3 defaults: the counts and sizes, with MiB beside MB for adapter-sized files', () => {
    const v = costView(base);
    const row = (k: string) => v.rows.find((r) => r.key === k)!;
    expect(row('trainable')).toEqual({ key: 'trainable', full: '175,255,800,000', lora: '18,874,368' });
    expect(row('file').lora).toBe('37.7 MB (36 MiB)');
    expect(row('file').full).toBe('351 GB');
    expect(row('tasks').full).toBe('35.1 TB'); // 100 × 350.5 GB
    expect(row('tasks').lora).toBe('354 GB'); // 350.5 GB + 100 × 37.7 MB, the paper's footnote 4
    expect(v.reduction).toBe('LoRA at r = 4 on W_q, W_v trains 9,285× fewer numbers than full fine-tuning.');
    expect(v.problem).toBeNull();
  });

  it('no matrix chosen: a message and dashes, never NaN', () => {
    const v = costView({ ...base, mats: [] });
    expect(v.problem).toMatch(/at least one matrix/);
    expect(v.rows.every((r) => r.lora === '—')).toBe(true);
    expect(JSON.stringify(v)).not.toMatch(/NaN/);
  });

  it('the MLP counts its own layers', () => {
    const v = costView({ ...base, model: 'mlp', r: 2, layers: ['2'] });
    expect(v.rows[0].lora).toBe('6,000'); // 2 · (1000 + 2000)
    expect(v.rows[0].full).toBe('2,807,010');
  });

  it('bytesWithMiB', () => {
    expect(bytesWithMiB(2 ** 20)).toBe('1.05 MB (1 MiB)');
    expect(bytesWithMiB(500)).toBe('500 B');
  });
});

describe('α/r helpers', () => {
  it('scale: α/r and α/√r', () => {
    expect(scaleOf(8, 16, 'alpha/r')).toBe(0.5);
    expect(scaleOf(8, 16, 'alpha/sqrt(r)')).toBe(2);
  });

  it('final loss: mean of the reports in the last ten steps', () => {
    const losses = [2, 4, 6, 8, 10, 12].map((step, i) => ({ step, loss: 10 - i }));
    // steps 4..12 fall in (12 − 10, 12]: losses 9, 8, 7, 6, 5.
    expect(finalLoss(losses)).toBe((9 + 8 + 7 + 6 + 5) / 5);
    expect(finalLoss(losses, 2)).toBe(5);
    expect(finalLoss([])).toBeNaN();
  });
});
