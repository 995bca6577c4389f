// One run controller for every cell that runs engine jobs (issue 16, item 3). A cell composes it
// and keeps only what is its own (what to send, what to show); the controller owns the rest:
//
//   - the page-wide engine lock (engine-lock.ts): a run claims the engine for the cell, and the
//     cell's start buttons stay disabled while another cell holds it;
//   - the job handle: Stop stops it, Pause/Resume pause it (the button's label and aria-pressed
//     follow), and the cell's settings are locked while a run is being set up or going;
//   - off screen (or a hidden tab), the running job pauses, and resumes when the cell is back;
//   - a progress view (progress.ts) whose Cancel stops the run;
//   - failures in plain words (trainingFailure): stopping is no failure, and tfjs's own messages go
//     to the console, not to the reader.
// Train/Reset ordering stays in cell-actions.ts, which a cell with a Reset composes beside this.
//
//   const ctl = new RunController(cell, { owner: 'my-cell', start: () => [run], stop, pause, lock: () => inputs });
//   run.onclick = () => ctl.session(async () => {
//     const r = await ctl.job('lora.train', params, (e) => show(e));  // rejects with JobStopped, …
//   });
import { engine, type JobHandle } from './engine';
import type { JobEvent, JobName, JobParams, JobResult } from '../../src/api/jobs';
import { busyOwner, claim, onBusyChange, release } from './engine-lock';
import { clearMessage, showMessage } from './messages';
import { onVisibilityChange } from './onscreen';
import { createProgress, type ProgressOptions, type ProgressView } from './progress';
import { CellActions, trainingFailure, type Action, type TrainAction } from './cell-actions';

type Control = HTMLButtonElement | HTMLInputElement | HTMLSelectElement | HTMLFieldSetElement;

export interface RunParts {
  /** The page-wide engine lock's name for this cell; without it, the cell's runs do not claim the engine. */
  owner?: string;
  /** Buttons that start a run: disabled while one is set up or going, and while another cell holds the engine. */
  start?: () => Iterable<HTMLButtonElement>;
  /** Pause/Resume: enabled while a job runs. */
  pause?: HTMLButtonElement;
  /** Stop: enabled while a run is set up or going (a job asked for after it is stopped at once). */
  stop?: HTMLButtonElement;
  /** Controls that must not change while a run is set up or going. */
  lock?: () => Iterable<Control>;
  /**
   * Said to the reader (message key 'offscreen') while the job waits off screen. With it, the
   * Pause button reads "Resume" then, and pressing it resumes; without it, the pause is silent
   * (the cell's `data-offscreen-paused` attribute shows it) and resumes only on screen.
   */
  offscreenNote?: string;
  /** Said (message key 'busy') while another cell holds the engine and this one is idle (default: busyMessage). */
  busyNote?: string;
  /** Said (message key `busyKey`, default 'run') when a run is asked for while another cell holds the engine. */
  busyMessage?: string;
  busyKey?: string;
  busyTone?: 'notice' | 'error';
  /** Message key for what a queued Train or Reset throws (default 'run'). */
  errorKey?: string;
  /** Where jobs run: the page's engine unless given (the unit test gives a fake one). */
  engine?: () => JobStarter;
}

/** What the controller needs of the engine (engine.ts): starting a job. */
export interface JobStarter {
  run<N extends JobName>(job: N, params: JobParams<N>, onEvent?: (e: JobEvent<N>) => void): JobHandle<JobResult<N>>;
}

/** The usual offscreenNote. */
export const OFFSCREEN_NOTE = 'Paused while this cell is off screen; it resumes when you scroll back.';

export type Outcome<R> = { ok: true; result: R } | { ok: false; stopped: true } | { ok: false; stopped: false; error: Error };

export class RunController {
  private handle: JobHandle<unknown> | null = null;
  private inSession = false;
  private userPaused = false;
  private autoPaused = false;
  private offscreen = false;
  private stopAsked = false;
  /** Resets asked for while a run was set up or going: until each has run, the controls stay as the run left them. */
  private superseded = 0;
  private readonly listeners = new Set<() => void>();
  /** Train and Reset, one at a time in the order pressed (cell-actions.ts). */
  private readonly actions: CellActions;

  constructor(private readonly cell: HTMLElement, private readonly parts: RunParts = {}) {
    this.actions = new CellActions((e) => showMessage(cell, parts.errorKey ?? 'run', (e as Error).message, 'error'));
    parts.pause?.addEventListener('click', () => this.togglePause());
    parts.stop?.addEventListener('click', () => this.stop());
    if (parts.owner) onBusyChange(() => this.sync());
    if (typeof IntersectionObserver !== 'undefined') onVisibilityChange(cell, (visible) => this.onVisible(visible));
    this.sync();
  }

  /** A run is being set up or going (the lock, if any, is held). */
  get active(): boolean {
    return this.inSession || this.handle !== null;
  }

  /** A run is set up or going, or a Reset that stopped one has not finished yet. */
  get busy(): boolean {
    return this.active || this.superseded > 0;
  }

  /** A job of this cell is running. */
  get running(): boolean {
    return this.handle !== null;
  }

  /** Paused by the reader, or (when the cell says so) because it is off screen. */
  get paused(): boolean {
    return this.userPaused || (this.autoPaused && this.parts.offscreenNote !== undefined);
  }

  /** Stop was pressed during the current run (a multi-job run ends after the job it stopped). */
  get stopping(): boolean {
    return this.stopAsked;
  }

  /** Another cell holds the engine. */
  get blocked(): boolean {
    const owner = busyOwner();
    return this.parts.owner !== undefined && owner !== null && owner !== this.parts.owner;
  }

  /** Called after the controller updated its controls, whenever its state changes (a cell adds its own rules here). */
  onChange(f: () => void): void {
    this.listeners.add(f);
  }

  /**
   * One run of the cell: claims the engine (if the cell has an owner), locks the settings, runs
   * `fn`, and releases everything however `fn` ends. Resolves false (having told the reader, if
   * the cell gave a busyMessage) when another cell holds the engine or a run is already going.
   */
  async session(fn: () => Promise<void>): Promise<boolean> {
    if (this.active) return false;
    if (this.parts.owner && !claim(this.parts.owner)) {
      // Without its own busyNote the cell already shows busyMessage as that note (sync).
      if (this.parts.busyMessage && this.parts.busyNote !== undefined) showMessage(this.cell, this.parts.busyKey ?? 'run', this.parts.busyMessage, this.parts.busyTone);
      this.sync();
      return false;
    }
    this.inSession = true;
    this.stopAsked = false;
    this.sync();
    try {
      await fn();
    } finally {
      this.inSession = false;
      this.userPaused = this.autoPaused = false;
      if (this.parts.offscreenNote !== undefined) clearMessage(this.cell, 'offscreen');
      if (this.parts.owner) release(this.parts.owner);
      this.sync();
    }
    return true;
  }

  /** Starts a job on the page's engine as this cell's current job; resolves with its result or rejects (JobStopped, …). */
  async job<N extends JobName>(name: N, params: JobParams<N>, onEvent?: (e: JobEvent<N>) => void): Promise<JobResult<N>> {
    // Stop pressed while the run was being set up: its job ends before it starts.
    if (this.inSession && this.stopAsked) throw Object.assign(new Error('Stopped.'), { name: 'JobStopped' });
    const handle = (this.parts.engine ?? engine)().run(name, params, onEvent);
    this.handle = handle as JobHandle<unknown>;
    if (this.offscreen && !this.autoPaused) {
      this.autoPaused = true;
      if (this.parts.offscreenNote !== undefined) showMessage(this.cell, 'offscreen', this.parts.offscreenNote);
    }
    if (this.userPaused || this.autoPaused) handle.pause();
    this.sync();
    try {
      return await handle.done;
    } finally {
      if (this.handle === handle) this.handle = null;
      // Inside a session the controls change once, when it ends (session()): disabling Pause here,
      // while Train is still disabled, would send keyboard focus to some other button (keep-focus.ts).
      if (!this.inSession) {
        this.userPaused = this.autoPaused = false;
        this.sync();
      }
    }
  }

  /** One job as one run (a session of its own); resolves with its outcome, never rejects. */
  async run<N extends JobName>(name: N, params: JobParams<N>, onEvent: (e: JobEvent<N>) => void): Promise<Outcome<JobResult<N>>> {
    let outcome: Outcome<JobResult<N>> = { ok: false, stopped: false, error: new Error('Another run of this cell is still going.') };
    await this.session(async () => {
      try {
        outcome = { ok: true, result: await this.job(name, params, onEvent) };
      } catch (e) {
        const error = e as Error;
        outcome = error.name === 'JobStopped' ? { ok: false, stopped: true } : { ok: false, stopped: false, error };
      }
    });
    return outcome;
  }

  /**
   * Queue a Train (cell-actions.ts): it runs after everything asked for before it, and `current()`
   * turns false once a Reset is asked for after it. A second Train while one is queued or running
   * is ignored unless `behind` is set.
   */
  train(fn: TrainAction, behind = false): boolean {
    return this.actions.train(fn, behind);
  }

  /**
   * Reset: drops queued Trains, stops the running job, and runs `fn` once the run has ended. A
   * Reset that stopped a run keeps the run's controls (Train disabled, settings locked) until `fn`
   * has run, so Train is never shown ready beside the old run's numbers.
   */
  async reset(fn: Action): Promise<void> {
    const hold = this.active || this.actions.training;
    if (hold) this.superseded++;
    try {
      await this.actions.reset(() => this.stop(), fn);
    } finally {
      if (hold) this.superseded--;
      this.sync();
    }
  }

  /** Queue an action that is not a Train in turn with Train and Reset (cell-actions.ts, `inTurn`). */
  inTurn(fn: Action): Promise<void> {
    return this.actions.inTurn(fn);
  }

  /** Resolves once every Train, Reset and in-turn action asked for so far has run. */
  idle(): Promise<void> {
    return this.actions.idle();
  }

  /** Stops the running job (and tells a multi-job run, through `stopping`, to start no more). */
  stop(): void {
    if (this.active) this.stopAsked = true;
    this.handle?.stop();
  }

  togglePause(): void {
    if (!this.handle) return;
    if (this.paused) {
      this.userPaused = false;
      if (this.parts.offscreenNote !== undefined && this.autoPaused) {
        this.autoPaused = false;
        clearMessage(this.cell, 'offscreen');
      }
      if (!this.autoPaused) this.handle.resume();
    } else {
      this.userPaused = true;
      this.handle.pause();
    }
    this.sync();
  }

  /** A progress view (progress.ts) in `container` whose Cancel stops this cell's run. */
  progress(container: HTMLElement, opts: Omit<ProgressOptions, 'onCancel'>): ProgressView {
    return createProgress(container, { ...opts, onCancel: () => this.stop() });
  }

  private onVisible(visible: boolean): void {
    this.offscreen = !visible;
    const told = this.parts.offscreenNote !== undefined;
    if (!this.handle) {
      // Between two jobs of one run: the next job starts paused only if the cell is still off screen.
      if (visible && this.autoPaused) {
        this.autoPaused = false;
        if (told) clearMessage(this.cell, 'offscreen');
      }
      return this.sync();
    }
    if (!visible && !this.userPaused && !this.autoPaused) {
      this.autoPaused = true;
      this.handle.pause();
      if (told) showMessage(this.cell, 'offscreen', this.parts.offscreenNote!);
    } else if (visible && this.autoPaused) {
      this.autoPaused = false;
      if (told) clearMessage(this.cell, 'offscreen');
      if (!this.userPaused) this.handle.resume();
    }
    this.sync();
  }

  private sync(): void {
    const active = this.busy;
    const running = this.handle !== null;
    const blocked = this.blocked;
    for (const b of this.parts.start?.() ?? []) b.disabled = active || blocked;
    if (this.parts.pause) {
      this.parts.pause.disabled = !running;
      this.parts.pause.textContent = this.paused ? 'Resume' : 'Pause';
      this.parts.pause.setAttribute('aria-pressed', String(this.paused));
    }
    if (this.parts.stop) this.parts.stop.disabled = !this.active;
    for (const el of this.parts.lock?.() ?? []) el.disabled = active;
    // Start is disabled while another cell holds the engine, so a busyMessage could never be asked
    // for by a click: a cell without its own busyNote says it beside the disabled button instead.
    const note = this.parts.busyNote ?? this.parts.busyMessage;
    if (note !== undefined) {
      if (blocked && !active) showMessage(this.cell, 'busy', note);
      else clearMessage(this.cell, 'busy');
    }
    // Shown next to the progress text where a cell's style asks (which-rank/cells.css): why a run is not moving.
    this.cell.toggleAttribute('data-user-paused', running && this.userPaused);
    this.cell.toggleAttribute('data-offscreen-paused', running && !this.userPaused && this.offscreen);
    this.listeners.forEach((f) => f());
  }
}

/**
 * What the reader is told when a run fails (null: it was stopped, nothing to say). A diverged run
 * has the engine's own sentence; anything else is told in plain words. Either is logged.
 */
export function runFailure(err: unknown, what: string, resetLabel?: string): string | null {
  const e = (err ?? {}) as Error;
  const text = trainingFailure(e, resetLabel);
  if (text) console.warn(`${what} failed:`, err);
  return text;
}
