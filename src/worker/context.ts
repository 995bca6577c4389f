/**
 * What a job gets from the worker: a way to stream progress, to honour
 * pause/resume/stop, and a per-cell session that keeps models between jobs
 * (train, then evaluate with the adapter off, then merge…).
 */
import type { JobControl } from './protocol';

/** Something a job can hand its controls to, e.g. a Trainer. */
export interface Controllable {
  pause(): void;
  resume(): void;
  stop(): void;
}

export class JobStopped extends Error {
  constructor() {
    super('Stopped.');
    this.name = 'JobStopped';
  }
}

export class JobContext {
  private attached: Controllable | null = null;
  private resumeFn: (() => void) | null = null;
  private pausedAt: Promise<void> | null = null;
  stopped = false;

  constructor(
    readonly emit: (data: unknown) => void,
    readonly session: Map<string, unknown>,
  ) {}

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

  /** For jobs made of many small pieces (sweeps): wait while paused, throw if stopped. */
  async checkpoint(): Promise<void> {
    if (this.pausedAt) await this.pausedAt;
    if (this.stopped) throw new JobStopped();
  }
}

export type Job = (params: never, ctx: JobContext) => Promise<unknown>;
export type JobModule = Record<string, Job>;
