// A training cell's Train and Reset, run one at a time in the order the reader pressed them.
//
// Each of these actions takes several round trips to the engine worker (score the base, start the
// job, reset the session, score again), and the worker runs jobs concurrently. Left to overlap, a
// Reset pressed while a Train was still being set up reached the worker after that Train's job had
// started and disposed the adapter it was training (tfjs then throws "Cannot find a connection
// between any variable and the result of the loss function"), and a Train whose target step was
// computed before the Reset ran after it ("step 20 of 113" after a Reset). So a cell queues its
// actions here: they run in turn, and a Reset cancels every Train asked for before it, stops the
// one that is running, and runs once that one has ended.
// DOM-free, so the ordering is unit-tested (tests/unit/cell-actions.test.ts).

export type Action = () => Promise<void>;
/** A training action: `current()` turns false once a Reset was asked for after it; check it after each await, before starting a job. */
export type TrainAction = (current: () => boolean) => Promise<void>;

export class CellActions {
  private tail: Promise<void> = Promise.resolve();
  private generation = 0;
  private trains = 0;

  /** `onError` receives what an action throws (actions should report their own errors; this keeps the queue alive). */
  constructor(private readonly onError: (e: unknown) => void = () => undefined) {}

  /** A training action asked for since the last Reset is queued or running. */
  get training(): boolean {
    return this.trains > 0;
  }

  /**
   * Queue a training action. A second Train while one is queued or running is ignored (returns
   * false) unless `behind` is set (e.g. "one more step" after the running stretch).
   */
  train(fn: TrainAction, behind = false): boolean {
    if (this.trains > 0 && !behind) return false;
    const generation = this.generation;
    const current = () => generation === this.generation;
    this.trains++;
    this.tail = this.tail
      .then(() => (current() ? fn(current) : undefined))
      .catch(this.onError)
      .finally(() => { if (current()) this.trains--; });
    return true;
  }

  /**
   * Reset: cancel queued Trains, call `stop` (which should stop the running job, if any), and run
   * `fn` once everything queued before it has ended. Resolves when `fn` has run.
   */
  reset(stop: () => void, fn: Action): Promise<void> {
    this.generation++;
    this.trains = 0; // Trains from before count no more: a Train pressed after this Reset is queued
    stop();
    const run = this.tail.then(fn);
    this.tail = run.catch(this.onError);
    return this.tail;
  }

  /**
   * Queue an action that reads or changes what the cell trained without training (Generate, Keep,
   * switching the adapter off): it runs after everything asked for before it, and a Reset asked for
   * after it waits for it. Unlike a Train it is never dropped and never keeps a Train from being queued.
   */
  inTurn(fn: Action): Promise<void> {
    this.tail = this.tail.then(fn).catch(this.onError);
    return this.tail;
  }

  /** Resolves once every action queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}

/**
 * What a reader is told when a training job fails. Stopping is not a failure (null). Divergence
 * has its own message from the engine. Anything else comes from inside tfjs or the engine, in its
 * developers' words, so the reader gets a plain sentence and the original goes to the console.
 */
export function trainingFailure(err: { name?: string; message?: string }, resetLabel = 'Reset'): string | null {
  if (err.name === 'JobStopped') return null;
  if (err.name === 'TrainingDiverged') return `${err.message ?? 'Training diverged.'} Press ${resetLabel} to start again.`;
  return `Training stopped because of an error inside the engine. Press ${resetLabel} to start again; if it happens again, reload the page.`;
}
