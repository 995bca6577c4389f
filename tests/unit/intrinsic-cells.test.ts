// Pure helpers of the /intrinsic-dimension/ cells: D, progress and estimate text, the sweep's d lists.
import { describe, expect, it } from 'vitest';
import { D, SWEEP_LISTS, formatDuration, listText, progressText, runSchema, shareOfD, sweepProgressText, sweepSchema } from '../../components/intrinsic/logic';
import { readState } from '../../components/lib/state';

describe('intrinsic-dimension cell helpers', () => {
  it('counts the 784-200-200-10 network’s parameters', () => {
    expect(D).toBe(784 * 200 + 200 + 200 * 200 + 200 + 200 * 10 + 10);
    expect(D).toBe(199_210);
    expect(runSchema.d.max).toBe(D);
  });

  it('shows d as a share of D', () => {
    expect(shareOfD(1992.1)).toBe('1%');
    expect(shareOfD(750)).toBe('0.38%');
    expect(shareOfD(Number.NaN)).toBe('—');
  });

  it('estimates the time left from the time per step, and drops the estimate when it is unknown or done', () => {
    expect(progressText(100, 300, 10)).toBe('Step 100 of 300 · about 2 s left');
    expect(progressText(0, 1500, 12)).toBe('Step 0 of 1,500 · about 18 s left');
    expect(progressText(100, 300, 0)).toBe('Step 100 of 300');
    expect(progressText(299, 300, 10)).toBe('Step 299 of 300 · under 1 s left');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
    expect(formatDuration(38_400)).toBe('38 s');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(progressText(300, 300, 10)).toBe('Step 300 of 300');
  });

  it('counts a sweep’s remaining steps across runs, the baseline first', () => {
    // 6 runs of 200 steps; in run 2 (index 1) at step 50: 5 × 200 − 50 = 950 steps left at 10 ms.
    expect(sweepProgressText(1, 6, 50, 200, 10)).toBe('Run 2 of 6, subspace run 1 of 5: step 50 of 200 · about 9.5 s left in the sweep');
    expect(sweepProgressText(0, 6, 0, 200, 0)).toBe('Run 1 of 6, direct training (baseline): step 0 of 200');
  });

  it('offers increasing d lists within 1..D, and reads them from the URL', () => {
    for (const list of Object.values(SWEEP_LISTS)) {
      expect([...list].sort((a, b) => a - b)).toEqual([...list]);
      expect(Math.min(...list)).toBeGreaterThanOrEqual(1);
      expect(Math.max(...list)).toBeLessThanOrEqual(D);
    }
    expect(listText('quick')).toBe('d = 10, 50, 100, 300, 1,000');
    const { values, notes } = readState(sweepSchema, new URLSearchParams('sw.list=huge&sw.steps=5'), 'sw');
    expect(values.list).toBe('quick');
    expect(values.steps).toBe(10);
    expect(notes.join(' ')).toMatch(/“huge” is not one of quick, wide/);
  });
});
