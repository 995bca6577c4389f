// DOM-free logic of the /which-rank/ sweep cells: which runs remain, equal-budget
// rows, points for the chart, and where a curve saturates.
import { describe, expect, it } from 'vitest';
import { rankPoints, rankSweepRuns, resultKey, saturationRank, targetRows } from '../../components/which-rank/sweep-logic';
import type { RunResult } from '../../src/api/whichrank';

const result = (task: 'fours' | 'rotated', rank: number, score: number, accuracy = score, steps = 100, seed = 1): RunResult => ({
  key: resultKey(task, [0, 1], rank, steps, seed), task, layers: [0, 1], rank, steps, seed, score, accuracy, params: 0, msPerStep: 1,
});

describe('rank sweep', () => {
  it('plans only the runs not yet measured, ranks in increasing order', () => {
    const done = new Map([[resultKey('rotated', [0, 1], 4, 100, 1), result('rotated', 4, 0.5)]]);
    const runs = rankSweepRuns(['rotated'], [16, 1, 4], 100, 1, done);
    expect(runs.map((r) => r.rank)).toEqual([1, 16]);
    expect(runs[0]).toMatchObject({ task: 'rotated', layers: [0, 1] });
    // Another step count or seed is a different run.
    expect(rankSweepRuns(['rotated'], [4], 200, 1, done).length).toBe(1);
    expect(rankSweepRuns(['rotated'], [4], 100, 2, done).length).toBe(1);
  });

  it('draws the current steps and seed only, with a second series for the 4s', () => {
    const pts = rankPoints([result('fours', 2, 0.97, 0.96), result('rotated', 1, 0.3), result('rotated', 8, 0.9, 0.9, 200)], 100, 1);
    expect(pts).toEqual([
      { task: 'rotated', rank: 1, series: 'score', value: 0.3 },
      { task: 'fours', rank: 2, series: 'score', value: 0.97 },
      { task: 'fours', rank: 2, series: 'all', value: 0.96 },
    ]);
  });

  it('finds the smallest rank within a point of the best', () => {
    expect(saturationRank([{ rank: 1, value: 0.6 }, { rank: 4, value: 0.805 }, { rank: 16, value: 0.81 }, { rank: 64, value: 0.8 }])).toBe(4);
    expect(saturationRank([])).toBeNull();
  });
});

describe('target sweep', () => {
  it('gives each choice the rank closest to the budget, and the budget itself', () => {
    const { budget, rows } = targetRows([784, 1000, 2000, 10], 2, 'rotated', 100, 1);
    expect(budget).toBe(2 * 6794);
    // 13,588 / 1,784 = 7.6 → 8; / 3,000 = 4.5 → 5 (4·3000 misses by 1,588, 5·3000 by 1,412); / 2,010 = 6.8 → 7.
    expect(rows.map((r) => [r.id, r.choice.rank, r.choice.params])).toEqual([
      ['l1', 8, 14_272], ['l2', 5, 15_000], ['l3', 7, 14_070], ['all', 2, 13_588],
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(4);
  });
});
