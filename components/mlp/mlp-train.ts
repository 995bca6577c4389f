// <mlp-train>: trains a LoRA adapter on the base MLP in the engine worker
// (jobs lora.train / lora.evaluate / lora.reset), streaming loss and accuracy.
import { firstConnect } from '../lib/cell-state';
import { defineState, bindInput, type StateStore } from '../lib/state';
import { showMessage, clearMessage, showNotes } from '../lib/messages';
import { formatBytes, formatInt, formatMs, formatPercent } from '../lib/format';
import { whenNear } from '../lib/onscreen';
import { engine } from '../lib/engine';
import { RunController } from '../lib/run-controller';
import type { TaskEvaluation, TrainEvent } from '../../src/api/lora';
import { trainSchema } from './train-state';
import { changeSummary, evalEveryFor, failureText, runKey, scoreLabel, trainParams, type TaskName } from './train-logic';
import { drawCurves, drawDigits, type LossPoint, type ScorePoint } from './train-charts';
import { median } from '../../src/core/stats';
import { backendLine, backendNote } from '../lib/backend-line';
import { BUSY_MESSAGE } from '../lib/engine-lock';

const SESSION = 'mlp-train';

class MlpTrain extends HTMLElement {
  private state!: StateStore<typeof trainSchema>;
  /** The engine lock, the job, Pause and the off-screen pause (run-controller.ts). */
  private ctl!: RunController;
  /** Steps the worker's run has taken, and the settings it was made with (null: no run). */
  private step = 0;
  private key: string | null = null;
  private diverged = false;
  private loss: LossPoint[] = [];
  /** ms per step of each reported stretch of this run (the median is shown: robust to a busy moment). */
  private times: number[] = [];
  private scores: ScorePoint[] = [];
  private base = new Map<TaskName, TaskEvaluation>();
  private now: TaskEvaluation | null = null;
  /** What `now` is: the base model (no run), the trained model with its adapter off, or on. */
  private nowKind: 'base' | 'off' | 'trained' = 'base';
  /** The step at which `now` was measured. */
  private nowStep = 0;
  private started = false;
  /** The step the current (or last) run was heading for. */
  private target = 0;
  private frame = 0;

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    this.state = defineState(trainSchema, { prefix: this.dataset.prefix ?? 'mt' });
    const { state } = this;
    showNotes(this, 'url', state.notes);
    const onNotes = (n: string[]) => showNotes(this, 'input', n);
    for (const el of this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input[data-key], select[data-key]')) {
      if (el.dataset.key !== 'layers') bindInput(state, el.dataset.key as keyof typeof trainSchema & string, el, onNotes);
    }
    bindInput(state, 'layers', this.querySelectorAll<HTMLInputElement>('input[name$="-layers"]'), onNotes);

    state.subscribe((v, changed) => {
      this.out('rank').value = String(v.rank);
      if (changed.some((k) => k !== 'adapter' && k !== 'steps')) void this.settingsChanged();
      if (changed.includes('adapter')) void this.toggleAdapter();
    });
    this.out('rank').value = String(state.get('rank'));
    this.querySelector('[data-role="score-label"]')!.textContent = `Score: ${scoreLabel(this.task)}`;
    this.button('train').addEventListener('click', () => this.ctl.train((current) => this.train(state.get('steps'), evalEveryFor(state.get('steps')), current)));
    this.button('step').addEventListener('click', () => void this.singleStep());
    this.button('reset').addEventListener('click', () => void this.reset());
    this.ctl = new RunController(this, {
      errorKey: 'engine',
      owner: SESSION, start: () => [this.button('train')], pause: this.button('pause'),
      lock: () => [this.querySelector<HTMLFieldSetElement>('fieldset[data-role="settings"]')!, this.querySelector<HTMLInputElement>('input[data-key="adapter"]')!],
      offscreenNote: 'Paused while this cell is off screen.',
      busyMessage: BUSY_MESSAGE,
    });
    let paused = false;
    this.ctl.onChange(() => {
      this.syncButtons();
      // The progress line says "(paused)" or "(running)": redraw it when that changes.
      if (this.ctl.paused !== paused) { paused = this.ctl.paused; this.render(); }
    });
    this.syncButtons();
    whenNear(this, () => void this.start());
  }

  private out(role: string): HTMLOutputElement {
    return this.querySelector<HTMLOutputElement>(`output[data-role="${role}"]`)!;
  }

  private button(role: string): HTMLButtonElement {
    return this.querySelector<HTMLButtonElement>(`button[data-role="${role}"]`)!;
  }

  private get task(): TaskName {
    return this.state.get('task') as TaskName;
  }

  /** First time near the screen: start the engine, show the backend and the base model's accuracy. */
  private async start(): Promise<void> {
    this.started = true;
    engine().backend.then(
      (b) => {
        this.out('backend').value = backendLine(b);
        this.querySelector('[data-role="backend-why"]')!.textContent = backendNote(b);
      },
      (e: Error) => showMessage(this, 'engine', e.message, 'error'),
    );
    await this.showBase();
    if (!this.state.get('adapter')) void this.toggleAdapter();
  }

  private async baseEval(task: TaskName): Promise<TaskEvaluation> {
    let e = this.base.get(task);
    if (!e) {
      e = await engine().run('lora.evaluate', { session: `${SESSION}-base`, task }).done;
      this.base.set(task, e);
    }
    return e;
  }

  /** No run: show the base model on the current task. */
  private async showBase(): Promise<void> {
    try {
      const task = this.task;
      const e = await this.baseEval(task);
      if (task !== this.task || this.key) return;
      this.now = e;
      this.nowKind = 'base';
      this.scores = [{ step: 0, score: e.score, accuracy: e.accuracy }];
      this.render();
    } catch (e) {
      showMessage(this, 'engine', (e as Error).message, 'error');
    }
  }

  private settings() {
    const v = this.state.values();
    return { task: v.task as TaskName, rank: v.rank, alpha: v.alpha, lr: v.lr, layers: v.layers, seed: v.seed };
  }

  /** A training setting changed (the controls are locked while a job runs): forget the old run. */
  private async settingsChanged(): Promise<void> {
    if (this.ctl.running) return;
    this.querySelector('[data-role="score-label"]')!.textContent = `Score: ${scoreLabel(this.task)}`;
    if (!this.base.has(this.task) && this.started) this.out('score').value = 'measuring the base model…';
    if (this.key) await this.reset();
    else {
      this.loss = [];
      if (this.started) await this.showBase();
    }
    this.syncButtons();
  }

  /** Trains `extra` more steps (a new run if the settings changed since the last one). */
  private async train(extra: number, evalEvery: number, current: () => boolean): Promise<void> {
    if (this.ctl.active || this.diverged || !current()) return;
    const s = this.settings();
    if (!s.layers.length) {
      showMessage(this, 'run', 'Choose at least one layer to adapt.', 'error');
      return;
    }
    await this.ctl.session(() => this.run(s, extra, evalEvery, current));
  }

  /** Runs inside the controller's session (the engine claimed, the settings locked). */
  private async run(s: ReturnType<MlpTrain['settings']>, extra: number, evalEvery: number, current: () => boolean): Promise<void> {
    clearMessage(this, 'run');
    const key = runKey(s);
    if (key !== this.key) {
      this.loss = [];
      this.times = [];
      this.step = 0;
    }
    const target = this.step + extra;
    this.target = target;
    if (!this.state.get('adapter')) this.state.set('adapter', true);
    try {
      const base = await this.baseEval(s.task);
      if (key !== this.key) {
        this.scores = [{ step: 0, score: base.score, accuracy: base.accuracy }];
        this.now = base;
        this.nowKind = 'base';
        this.nowStep = 0;
        this.key = key;
      }
      if (!current()) return; // a Reset was pressed meanwhile: it runs next
      const r = await this.ctl.job('lora.train', trainParams(s, SESSION, target, evalEvery), (e) => this.onEvent(e));
      this.step = r.step;
      this.now = r.evaluation;
      this.nowStep = r.step;
      this.nowKind = 'trained';
      this.out('trainable').value = formatInt(r.trainableParams);
      this.out('bytes').value = formatBytes(r.runBytes);
    } catch (e) {
      const err = e as Error;
      if (err.name !== 'JobStopped') {
        console.warn('lora.train failed:', err);
        const f = failureText(err);
        showMessage(this, 'run', f.text, 'error');
        if (f.mustReset) this.diverged = true;
      }
    } finally {
      this.render();
    }
  }

  private onEvent(e: TrainEvent): void {
    if (e.kind === 'step') {
      this.step = e.step;
      if (Number.isFinite(e.loss)) this.loss.push({ step: e.step, loss: e.loss });
      if (e.msPerStep > 0) this.times.push(e.msPerStep);
      this.out('ms').value = formatMs(median(this.times));
    } else {
      this.now = e.evaluation;
      this.nowStep = e.step;
      this.nowKind = 'trained';
      const last = this.scores[this.scores.length - 1];
      const point = { step: e.step, score: e.evaluation.score, accuracy: e.evaluation.accuracy };
      if (last && last.step === e.step) this.scores[this.scores.length - 1] = point;
      else this.scores.push(point);
    }
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.render());
  }

  private singleStep(): void {
    // Paused mid-run: end that run where it is, then (queued behind it) take one more step.
    this.ctl.stop();
    this.ctl.train((current) => this.train(1, 0, current), true);
  }

  private reset(): Promise<void> {
    return this.ctl.reset(() => this.forget());
  }

  private async forget(): Promise<void> {
    try {
      await engine().run('lora.reset', { session: SESSION }).done;
    } catch (e) {
      showMessage(this, 'engine', (e as Error).message, 'error');
    }
    this.key = null;
    this.step = 0;
    this.target = 0;
    this.loss = [];
    this.times = [];
    this.diverged = false;
    clearMessage(this, 'run');
    this.out('trainable').value = '—';
    this.out('bytes').value = '—';
    this.out('ms').value = '—';
    if (!this.state.get('adapter')) this.state.set('adapter', true);
    this.syncButtons();
    await this.showBase();
  }

  /** The adapter checkbox: evaluate the trained model with its adapter on or off. */
  private async toggleAdapter(): Promise<void> {
    const on = this.state.get('adapter');
    if (this.ctl.active) return;
    if (!this.key || this.step === 0) {
      if (!on) showMessage(this, 'adapter', 'No adapter has been trained yet: these are the base model’s numbers either way.');
      else clearMessage(this, 'adapter');
      return;
    }
    clearMessage(this, 'adapter');
    try {
      const task = this.task;
      this.now = await engine().run('lora.evaluate', { session: SESSION, task, adapter: on }).done;
      this.nowKind = on ? 'trained' : 'off';
      this.render();
    } catch (e) {
      showMessage(this, 'adapter', (e as Error).message, 'error');
    }
  }

  /** What the controller does not know: a diverged run must be reset first, and Step also works while paused. */
  private syncButtons(): void {
    const { running, paused, blocked } = this.ctl;
    this.button('train').disabled = this.ctl.busy || this.diverged || blocked;
    this.button('step').disabled = (running && !paused) || this.diverged || blocked;
    if (this.diverged) this.button('reset').dataset.emphasis = '1';
    else delete this.button('reset').dataset.emphasis;
  }

  private render(): void {
    const task = this.task;
    const base = this.base.get(task);
    const now = this.now;
    const paused = this.ctl.paused;
    this.out('progress').value = this.ctl.running ? `${formatInt(this.step)} (${paused ? 'paused' : 'running'})` : formatInt(this.step);
    this.querySelector('[data-role="score-label"]')!.textContent = `Score: ${scoreLabel(task)}`;
    const kind = this.nowKind;
    if (now) {
      const suffix = kind === 'off' ? ' (adapter off: the base model)' : kind === 'base' ? ' (base model)' : '';
      this.out('score').value = `${formatPercent(now.score)}${suffix}`;
    }
    if (base && now) {
      const all = task === 'fours' ? `; all ${formatInt(base.n)} test digits ${formatPercent(base.accuracy)}` : '';
      this.out('summary').value = kind === 'trained'
        ? changeSummary(task, base, now)
        : `Base model: ${scoreLabel(task)} ${formatPercent(base.score)}${all}.`
          + (kind === 'off' ? ' The adapter is off, so the frozen weights alone answer.' : this.ctl.running ? '' : ' Train to change it.');
    }
    const curves = this.querySelector<HTMLElement>('[data-role="curves"]')!;
    if (this.scores.length) void drawCurves(curves, this.loss, this.scores, scoreLabel(task).replace('accuracy on ', ''), task === 'fours',
      this.key ? this.target : this.state.get('steps'));
    if (base) {
      const nowName = kind === 'off' ? 'adapter off' : `after ${formatInt(this.nowStep)} step${this.nowStep === 1 ? '' : 's'}`;
      const nowDigits = now && kind !== 'base' ? now.perDigit : null;
      void drawDigits(this.querySelector<HTMLElement>('[data-role="digits"]')!, { base: base.perDigit, now: nowDigits, nowName });
      this.querySelector('[data-role="now-head"]')!.textContent = kind === 'off' ? 'Adapter off' : kind === 'trained' ? `After ${formatInt(this.nowStep)} steps` : 'Trained (no training yet)';
      this.querySelector('[data-role="digit-rows"]')!.innerHTML = base.perDigit.map((b, i) =>
        `<tr><th scope="row">${i}</th><td>${formatInt(base.counts[i])}</td><td>${formatPercent(b)}</td><td>${nowDigits ? formatPercent(nowDigits[i]) : '—'}</td></tr>`).join('');
    }
  }
}

if (!customElements.get('mlp-train')) customElements.define('mlp-train', MlpTrain);
