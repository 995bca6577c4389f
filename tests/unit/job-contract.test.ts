// The page↔worker contract (src/api/jobs.ts) as types. The checks below are compile-time: `npm run
// check` (astro check, which type-checks tests/ too) fails if a `@ts-expect-error` line stops being an
// error, i.e. if the contract stopped catching a wrong job name, a wrong parameter or a wrong event;
// and fails if a line without it stops compiling. The function is never called (it would start a
// Worker); the test only makes sure the file is part of the suite.
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../components/lib/engine';
import type { JobResult } from '../../src/api/jobs';
import type { TrainParams, TrainResult } from '../../src/api/lora';
import type { JobTable } from '../../src/worker/context';

const train: TrainParams = {
  session: 's', task: 'fours', mode: 'lora', layers: [0], rank: 4, alpha: 8, learningRate: 1e-3, steps: 10, seed: 0,
};

export function pageSide(e: Engine): void {
  // Inferred from the name alone: the parameters, the events and the result.
  const job = e.run('lora.train', train, (ev) => {
    if (ev.kind === 'step') void (ev.loss satisfies number);
    else void (ev.evaluation.score satisfies number);
  });
  void (job.done satisfies Promise<TrainResult>);
  void (e.run('spectrum.weights', { layer: 0 }).done satisfies Promise<JobResult<'spectrum.weights'>>);

  // @ts-expect-error: there is no job 'lora.trian'
  e.run('lora.trian', train);
  // @ts-expect-error: the rank is a number, not a string
  e.run('lora.train', { ...train, rank: '4' });
  // @ts-expect-error: 'lora.train' needs a task
  e.run('lora.train', { session: 's', mode: 'lora', layers: [0], rank: 4, alpha: 8, learningRate: 1e-3, steps: 10, seed: 0 });
  // @ts-expect-error: not a task
  e.run('whichrank.baseline', { task: 'sevens' });
  // @ts-expect-error: spectrum.weights streams no events, so nothing can be read from one
  e.run('spectrum.weights', { layer: 0 }, (ev) => ev.kind);
  // @ts-expect-error: lora.evaluate resolves to an evaluation, not a training result
  void (e.run('lora.evaluate', { session: 's', task: 'fours' }).done satisfies Promise<TrainResult>);
}

export function workerSide(): void {
  // A family's table must have every job of the contract, each with the contract's types.
  const ok: JobTable<'spectrum'> = {
    weights: async (p) => ({ layer: p.layer, d: 1, k: 1, sigma: new Float64Array(1), gramMs: 0, eigenMs: 0 }),
    digit: async (p) => ({ index: p.index, label: 0, image: new Float64Array(784), sigma: new Float64Array(28), v: new Float64Array(784) }),
  };
  void ok;
  // @ts-expect-error: 'digit' is missing
  const missing: JobTable<'spectrum'> = { weights: ok.weights };
  void missing;
  const wrong: JobTable<'spectrum'> = {
    // @ts-expect-error: the contract's parameter is { layer: number }
    weights: async (p: { layer: string }) => ({ layer: Number(p.layer), d: 1, k: 1, sigma: new Float64Array(1), gramMs: 0, eigenMs: 0 }),
    digit: ok.digit,
  };
  void wrong;
}

describe('the job contract', () => {
  it('is checked by the type checker (this file holds @ts-expect-error lines that must stay errors)', () => {
    expect(typeof pageSide).toBe('function');
    expect(typeof workerSide).toBe('function');
  });
});
