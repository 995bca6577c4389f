// Run / Pause / Stop for a cell whose work is one engine job at a time: the
// buttons follow the job, the cell's inputs are locked while it runs, and the
// job pauses by itself while the cell is off screen (or the tab hidden).
import { engine, type JobHandle } from '../lib/engine';
import type { JobEvent, JobName, JobParams, JobResult } from '../../src/api/jobs';
import { onVisibilityChange } from '../lib/onscreen';

export interface RunnerParts {
  pause?: HTMLButtonElement;
  stop?: HTMLButtonElement;
  /** Buttons and inputs that must not change while a job runs. */
  lock: () => Iterable<HTMLButtonElement | HTMLInputElement | HTMLSelectElement>;
}

export type Outcome<R> = { ok: true; result: R } | { ok: false; stopped: true } | { ok: false; stopped: false; error: Error };

export class Runner {
  private job: JobHandle<unknown> | null = null;
  private userPaused = false;
  private offscreen = false;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly cell: HTMLElement, private readonly parts: RunnerParts) {
    parts.pause?.addEventListener('click', () => this.togglePause());
    parts.stop?.addEventListener('click', () => this.job?.stop());
    onVisibilityChange(cell, (visible) => {
      this.offscreen = !visible;
      this.sync();
      if (!this.job || this.userPaused) return;
      if (visible) this.job.resume();
      else this.job.pause();
    });
    this.sync();
  }

  get running(): boolean {
    return this.job !== null;
  }

  get paused(): boolean {
    return this.userPaused;
  }

  /** Called whenever running/paused changes. */
  onChange(f: () => void): void {
    this.listeners.add(f);
  }

  /** Starts a job (one at a time); resolves with its outcome, never rejects. */
  async run<N extends JobName>(job: N, params: JobParams<N>, onEvent: (e: JobEvent<N>) => void): Promise<Outcome<JobResult<N>>> {
    if (this.job) return { ok: false, stopped: false, error: new Error('Another run of this cell is still going.') };
    const handle = engine().run(job, params, onEvent);
    this.job = handle as JobHandle<unknown>;
    if (this.offscreen) handle.pause();
    this.sync();
    try {
      return { ok: true, result: await handle.done };
    } catch (e) {
      const error = e as Error;
      return error.name === 'JobStopped' ? { ok: false, stopped: true } : { ok: false, stopped: false, error };
    } finally {
      this.job = null;
      this.userPaused = false;
      this.sync();
    }
  }

  stop(): void {
    this.job?.stop();
  }

  private togglePause(): void {
    if (!this.job) return;
    this.userPaused = !this.userPaused;
    if (this.userPaused) this.job.pause();
    else if (!this.offscreen) this.job.resume();
    this.sync();
  }

  private sync(): void {
    const running = this.job !== null;
    if (this.parts.pause) {
      this.parts.pause.disabled = !running;
      this.parts.pause.textContent = this.userPaused ? 'Resume' : 'Pause';
      this.parts.pause.setAttribute('aria-pressed', String(this.userPaused));
    }
    if (this.parts.stop) this.parts.stop.disabled = !running;
    for (const el of this.parts.lock()) el.disabled = running;
    // Shown next to the progress text (cells.css): why a run is not moving.
    this.cell.toggleAttribute('data-user-paused', running && this.userPaused);
    this.cell.toggleAttribute('data-offscreen-paused', running && !this.userPaused && this.offscreen);
    this.listeners.forEach((f) => f());
  }
}
