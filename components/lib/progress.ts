// Progress for long computations: a native <progress> with a label, the text
// "step 40 of 200 · about 12 s left", and a Cancel button wired to a job.
//
//   const progress = createProgress(cell.querySelector('[data-role="progress"]')!, {
//     label: 'Training', unit: 'step', onCancel: () => job.stop(),
//   });
//   const job = engine().run('lora.train', params, (e) => progress.update(e.step, total));
//   try { await job.done; progress.finish('Trained 200 steps.'); }
//   catch (err) { progress.finish(err.name === 'JobStopped' ? 'Cancelled.' : 'Failed: …'); }
//
// The estimate ignores the first step (a backend's first step compiles shaders or
// warms caches) and is shown once it rests on at least two steps and 0.3 s.
import { formatInt } from './format';

/** Time-left estimate from (done, time) observations. */
export class Eta {
  private first: { done: number; t: number } | null = null;
  private last: { done: number; t: number } | null = null;
  constructor(private now: () => number = () => performance.now()) {}

  reset(): void { this.first = this.last = null; }

  /** Record that `done` units are complete now. */
  observe(done: number): void {
    const t = this.now();
    if (!this.first || done < this.first.done) this.first = { done, t };
    this.last = { done, t };
  }

  /** Milliseconds left to reach `total`, or null while there is too little to go on. */
  msLeft(total: number): number | null {
    if (!this.first || !this.last) return null;
    const units = this.last.done - this.first.done;
    const ms = this.last.t - this.first.t;
    if (units < 2 || ms < 300) return null;
    return Math.max(0, (ms / units) * (total - this.last.done));
  }
}

/** "about 12 s left", "about 3 min left", "less than a second left". */
export function timeLeftText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return 'less than a second left';
  const s = Math.round(ms / 1000);
  if (s < 90) return `about ${s} s left`;
  return `about ${Math.round(s / 60)} min left`;
}

/** "step 40 of 200 · about 12 s left" (thousands separators; no estimate while unknown). */
export function progressText(done: number, total: number, msLeft: number | null, unit = 'step'): string {
  const d = Number.isFinite(done) ? Math.max(0, Math.min(done, total)) : 0;
  const base = Number.isFinite(total) && total > 0 ? `${unit} ${formatInt(d)} of ${formatInt(total)}` : `${unit} ${formatInt(d)}`;
  const left = msLeft === null || d >= total ? '' : timeLeftText(msLeft);
  return left ? `${base} · ${left}` : base;
}

export interface ProgressOptions {
  /** Visible label of the bar, e.g. "Training". */
  label: string;
  /** What is counted: "step", "rank", "run"… */
  unit?: string;
  /** Called by the Cancel button (e.g. () => job.stop()). Without it there is no button. */
  onCancel?: () => void;
  cancelLabel?: string;
}

export interface ProgressView {
  readonly element: HTMLElement;
  /** Show `done` of `total` units (starts the estimate on the first call). */
  update(done: number, total: number): void;
  /** Stop: hide Cancel, show a closing message (announced to screen readers). */
  finish(message: string): void;
  /** Start over (e.g. before a new run). */
  reset(): void;
}

let seq = 0;

/** Render a progress view into `container` (replacing its content). */
export function createProgress(container: HTMLElement, opts: ProgressOptions): ProgressView {
  const id = `progress-${++seq}`;
  const unit = opts.unit ?? 'step';
  const root = document.createElement('div');
  root.className = 'job-progress';
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = opts.label;
  const bar = document.createElement('progress');
  bar.id = id;
  bar.max = 1;
  bar.value = 0;
  const text = document.createElement('span');
  text.className = 'job-progress-text';
  const status = document.createElement('span');
  status.className = 'job-progress-status';
  status.setAttribute('role', 'status');
  root.append(label, bar, text);
  let cancel: HTMLButtonElement | null = null;
  if (opts.onCancel) {
    cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.textContent = opts.cancelLabel ?? 'Cancel';
    cancel.dataset.role = 'cancel';
    cancel.hidden = true; // shown when a run starts (update): an idle Cancel would do nothing
    cancel.addEventListener('click', () => { cancel!.disabled = true; opts.onCancel!(); });
    root.append(cancel);
  }
  root.append(status);
  container.replaceChildren(root);
  const eta = new Eta();
  let started = false;

  return {
    element: root,
    update(done, total) {
      if (!started) {
        started = true;
        status.textContent = `${opts.label} started.`;
        if (cancel) { cancel.hidden = false; cancel.disabled = false; }
      }
      eta.observe(done);
      bar.max = Math.max(1, total);
      bar.value = Math.max(0, Math.min(done, total));
      text.textContent = progressText(done, total, eta.msLeft(total), unit);
    },
    finish(message) {
      if (cancel) cancel.hidden = true;
      status.textContent = message;
      started = false;
      eta.reset();
    },
    reset() {
      eta.reset();
      started = false;
      bar.value = 0;
      text.textContent = '';
      status.textContent = '';
      if (cancel) cancel.hidden = true;
    },
  };
}
