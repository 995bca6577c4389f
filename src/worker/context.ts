/**
 * What a job gets from the worker: a way to stream progress, to honour
 * pause/resume/stop, and a per-cell session that keeps models between jobs
 * (train, then evaluate with the adapter off, then merge…).
 */
import type { JobControl } from '../api/protocol';
import type { Resources } from './resources';
import type { JobEvent, JobFamily, JobName, JobParams, JobResult, JobsIn } from '../api/jobs';

/** Something a job can hand its controls to, e.g. a Trainer. */
export interface Controllable {
  pause(): void;
  resume(): void;
  stop(): void;
}

/** What runTrainer needs of a trainer (src/engine/trainer.ts Trainer is one). */
export interface RunnableTrainer<P extends { msPerStep: number }> extends Controllable {
  run(onProgress: (p: P) => void): Promise<unknown>;
  dispose(): void;
}

export interface RunTrainerOptions {
  /** Dispose the trainer (its optimizer state) when it is done: for a one-off run, not a session's. */
  dispose?: boolean;
  /** End the job with JobStopped if the reader stopped it (a sweep's runs; not a resumable training). */
  throwIfStopped?: boolean;
  /** Frees what the run trained (its adapters) when it fails or is stopped. */
  discard?: () => void;
}

export class JobStopped extends Error {
  constructor() {
    super('Stopped.');
    this.name = 'JobStopped';
  }
}

/** A job's view of the worker; E is what the job streams (src/api/jobs.ts). */
export class JobContext<E = unknown> {
  private attached: Controllable | null = null;
  private resumeFn: (() => void) | null = null;
  private pausedAt: Promise<void> | null = null;
  stopped = false;

  private readonly send: (data: unknown) => void;

  /**
   * @param send streams an event to the page
   * @param session this cell's session: models kept between its jobs
   * @param resources the base model and digits (the site's in the worker, small fakes in tests)
   */
  constructor(send: (data: E) => void, readonly session: Map<string, unknown>, readonly resources: Resources) {
    this.send = send as (data: unknown) => void;
  }

  /** Streams one event to the page (a method, so a context for one job's events serves a helper that takes any). */
  emit(data: E): void {
    this.send(data);
  }

  /** Route pause/resume/stop to this object (a Trainer) while it runs. */
  attach(c: Controllable | null): void {
    this.attached = c;
    if (c && this.pausedAt) c.pause();
    if (c && this.stopped) c.stop();
  }

  control(action: JobControl): void {
    if (action === 'pause' && !this.pausedAt) this.pausedAt = new Promise((r) => (this.resumeFn = r));
    if (action === 'resume' || action === 'stop') {
      this.resumeFn?.();
      this.pausedAt = null;
      this.resumeFn = null;
    }
    if (action === 'stop') this.stopped = true;
    this.attached?.[action]();
  }

  /**
   * Runs a trainer under this job's controls: pause, resume and stop reach it while it runs, and it is
   * detached afterwards whatever happened. Returns the last time per step it reported.
   */
  async runTrainer<P extends { msPerStep: number }>(trainer: RunnableTrainer<P>, onProgress: (p: P) => void, opts: RunTrainerOptions = {}): Promise<number> {
    let msPerStep = 0;
    this.attach(trainer);
    try {
      await trainer.run((p) => {
        msPerStep = p.msPerStep;
        onProgress(p);
      });
    } catch (e) {
      opts.discard?.();
      throw e;
    } finally {
      this.attach(null);
      if (opts.dispose) trainer.dispose();
    }
    if (opts.throwIfStopped && this.stopped) {
      opts.discard?.();
      throw new JobStopped();
    }
    return msPerStep;
  }

  /** For jobs made of many small pieces (sweeps): wait while paused, throw if stopped. */
  async checkpoint(): Promise<void> {
    if (this.pausedAt) await this.pausedAt;
    if (this.stopped) throw new JobStopped();
  }
}

/** A job as the worker calls it: the contract's params in, its result out, its events through ctx. */
export type JobFn<N extends JobName> = (params: JobParams<N>, ctx: JobContext<JobEvent<N>>) => Promise<JobResult<N>>;

/** What src/worker/jobs/<family>.ts exports as `jobs`: one function per job of the family, each checked against the contract. */
export type JobTable<F extends JobFamily> = { [J in keyof JobsIn<F>]: JobsIn<F>[J] extends JobName ? JobFn<JobsIn<F>[J]> : never };
