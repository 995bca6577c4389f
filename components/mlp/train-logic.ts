// DOM-free pieces of the training cell: which settings make a run, how often to
// measure accuracy, and the sentences that sum up a per-digit change.
import { formatPercent } from '../lib/format';
import { runKey as trainRunKey, type TrainParams } from '../../src/api/lora';
import { trainingFailure } from '../lib/cell-actions';

export type { TaskId as TaskName } from '../../src/core/tasks';
import type { TaskId as TaskName } from '../../src/core/tasks';

export interface RunSettings {
  task: TaskName;
  rank: number;
  alpha: number;
  lr: number;
  layers: readonly string[];
  seed: number;
}

/** The `lora.train` job for these settings, training until `steps` steps in all. */
export function trainParams(s: RunSettings, session: string, steps: number, evalEvery: number): TrainParams {
  return {
    session, task: s.task, mode: 'lora', layers: s.layers.map((l) => Number(l) - 1),
    rank: s.rank, alpha: s.alpha, learningRate: s.lr, steps, seed: s.seed, evalEvery,
  };
}

/** Two settings with the same key continue the same run; anything else starts a new one (the job's own key). */
export const runKey = (s: RunSettings) => trainRunKey(trainParams(s, '', 0, 0));

/** About eight accuracy measurements per run (each costs one pass over the 1,000 test digits). */
export function evalEveryFor(steps: number): number {
  return steps <= 1 ? 0 : Math.max(1, Math.ceil(steps / 8));
}

/** What the task's score measures, for labels. */
export function scoreLabel(task: TaskName): string {
  return task === 'fours' ? 'accuracy on the 4s' : task === 'rotated' ? 'accuracy on rotated digits' : 'accuracy on inverted digits';
}

export interface Snapshot {
  accuracy: number;
  score: number;
  perDigit: number[];
}

/**
 * One sentence on what training did, from the base model's evaluation and the current one:
 * the task's score, and the digit that gained and the digit that lost the most.
 */
export function changeSummary(task: TaskName, base: Snapshot, now: Snapshot): string {
  const p = (x: number) => formatPercent(x);
  const parts = [`${scoreLabel(task)[0].toUpperCase()}${scoreLabel(task).slice(1)}: ${p(base.score)} → ${p(now.score)}`];
  if (task === 'fours') parts.push(`all test digits: ${p(base.accuracy)} → ${p(now.accuracy)}`);
  let worst = -1;
  let best = -1;
  base.perDigit.forEach((b, d) => {
    const delta = now.perDigit[d] - b;
    if (delta < -0.005 && (worst < 0 || delta < now.perDigit[worst] - base.perDigit[worst])) worst = d;
    if (delta > 0.005 && (best < 0 || delta > now.perDigit[best] - base.perDigit[best])) best = d;
  });
  if (best >= 0 && !(task === 'fours' && best === 4)) parts.push(`largest gain: ${best}s, ${p(base.perDigit[best])} → ${p(now.perDigit[best])}`);
  if (worst >= 0) parts.push(`largest drop: ${worst}s, ${p(base.perDigit[worst])} → ${p(now.perDigit[worst])}`);
  return `${parts.join('; ')}.`;
}

/** The words for a failed job (never tfjs's own message); a run that diverged can only be reset. */
export function failureText(err: { name?: string; message?: string }): { text: string; mustReset: boolean } {
  return { text: trainingFailure(err) ?? 'Stopped.', mustReset: err.name === 'TrainingDiverged' };
}
