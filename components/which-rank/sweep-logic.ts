// DOM-free logic of the two sweep cells: which runs to start, how to describe
// progress, and the rows the charts and tables draw.
import { TASK_LABEL, type TaskId } from '../../src/core/tasks';
import type { RunResult, SweepRun } from '../../src/api/whichrank';
import { rankForBudget, budgetOf, type BudgetChoice } from '../../src/core/analysis/budget';
import { RANK_SWEEP_LAYERS, TARGETS } from './settings';

export { TASK_LABEL };
/** What a task's score measures, for axis labels and tables. */
export const SCORE_LABEL: Record<TaskId, string> = { fours: 'accuracy on 4s', rotated: 'accuracy', inverted: 'accuracy' };

/** A result's identity: the same task, layers, rank, steps and seed give the same run. */
export const resultKey = (task: TaskId, layers: readonly number[], rank: number, steps: number, seed: number) =>
  `${task}|${layers.join('+')}|r${rank}|${steps}|s${seed}`;

/** The rank sweep's runs (tasks × ranks), skipping those already measured. */
export function rankSweepRuns(tasks: TaskId[], ranks: number[], steps: number, seed: number, done: ReadonlyMap<string, RunResult>): SweepRun[] {
  const runs: SweepRun[] = [];
  for (const task of tasks) {
    for (const rank of [...ranks].sort((a, b) => a - b)) {
      const key = resultKey(task, RANK_SWEEP_LAYERS, rank, steps, seed);
      if (!done.has(key)) runs.push({ key, task, layers: [...RANK_SWEEP_LAYERS], rank });
    }
  }
  return runs;
}

export interface TargetRow {
  id: string;
  label: string;
  choice: BudgetChoice;
  key: string;
}

/** The target sweep's four choices at the budget of "all three layers at rank rAll". */
export function targetRows(sizes: readonly number[], rAll: number, task: TaskId, steps: number, seed: number): { budget: number; rows: TargetRow[] } {
  const budget = budgetOf(sizes, [0, 1, 2], rAll);
  const rows = TARGETS.map((t) => {
    const choice = rankForBudget(sizes, t.layers, budget);
    return { id: t.id, label: t.label, choice, key: resultKey(task, choice.layers, choice.rank, steps, seed) };
  });
  return { budget, rows };
}

export function progressText(index: number, total: number, what: string, step: number, steps: number): string {
  return `Run ${index + 1} of ${total}: ${what} · step ${step} of ${steps}`;
}

export interface SweepPoint {
  task: TaskId;
  rank: number;
  /** 'score' = the task's measure; 'all' = accuracy on all digits (for the 4s task, where they differ). */
  series: 'score' | 'all';
  value: number;
}

/** Points for the rank chart, for the current steps and seed only. */
export function rankPoints(results: Iterable<RunResult>, steps: number, seed: number): SweepPoint[] {
  const out: SweepPoint[] = [];
  for (const r of results) {
    if (r.steps !== steps || r.seed !== seed) continue;
    out.push({ task: r.task, rank: r.rank, series: 'score', value: r.score });
    if (r.task === 'fours') out.push({ task: r.task, rank: r.rank, series: 'all', value: r.accuracy });
  }
  return out.sort((a, b) => a.rank - b.rank);
}

/** The smallest rank within `tolerance` of the best score: where the curve saturates. */
export function saturationRank(points: { rank: number; value: number }[], tolerance = 0.01): number | null {
  if (!points.length) return null;
  const best = Math.max(...points.map((p) => p.value));
  return Math.min(...points.filter((p) => p.value >= best - tolerance).map((p) => p.rank));
}
