// The /alpha-r/ summary's "first 10 steps" figure, which the chapter's first-step argument is about.
import { describe, expect, it } from 'vitest';
import { earlyLoss } from '../../components/alpha-r/alpha-math';

describe('earlyLoss', () => {
  it('averages the reports within the first ten steps', () => {
    const losses = [2, 4, 6, 8, 10, 12, 14].map((step, i) => ({ step, loss: 10 - i }));
    expect(earlyLoss(losses)).toBe((10 + 9 + 8 + 7 + 6) / 5);
    expect(earlyLoss(losses, 4)).toBe((10 + 9) / 2);
  });
  it('falls back to the first report, and is NaN with none', () => {
    expect(earlyLoss([{ step: 20, loss: 3 }, { step: 40, loss: 1 }])).toBe(3);
    expect(earlyLoss([])).toBeNaN();
  });
});
