// <qlora-train>: LoRA on the frozen NF4 base (jobs qlora.evaluate / qlora.train / qlora.reset).
import { cellState, firstConnect } from '../lib/cell-state';
import type { StateStore } from '../lib/state';
import { showMessage, clearMessage } from '../lib/messages';
import { formatBytes, formatInt, formatMs, formatPercent, formatRatio } from '../lib/format';
import { whenNear } from '../lib/onscreen';
import { renderPlot } from '../lib/plot';
import { engine } from '../lib/engine';
import { OFFSCREEN_NOTE, RunController, runFailure } from '../lib/run-controller';
import type { QloraEvent, QloraTrainParams, Score } from '../../src/api/qlora';
import { TASK_OPTIONS, QLORA_BASE } from './settings';
import { qloraMemory } from '../../src/core/quant/memory';
import { BUSY_MESSAGE } from '../lib/engine-lock';

const SESSION = 'qlora-train';
const SIZES = [784, 1000, 2000, 10];
const schema = {
  task: { kind: 'enum', options: TASK_OPTIONS, default: 'rotated', label: 'Task' },
  rank: { kind: 'int', min: 1, max: 64, default: 8, label: 'Rank r' },
  steps: { kind: 'int', min: 1, max: 1000, default: 100, label: 'Steps per run' },
  seed: { kind: 'int', min: 0, max: 999999, default: 0, label: 'Seed' },
} as const;
type Task = (typeof TASK_OPTIONS)[number];
const SCORE_NAME: Record<Task, string> = { fours: 'Accuracy on 4s', rotated: 'Accuracy, rotated digits', inverted: 'Accuracy, inverted digits' };

interface Point { step: number; value: number; series: string }

const SCORE_SERIES = 'task score';
const ALL_SERIES = 'all test digits';
/** The task score; for "fix the 4s" also the accuracy on every digit, which is what such training can damage. */
function pointsAt(step: number, s: Score, task: Task): Point[] {
  const pts = [{ step, value: s.score, series: SCORE_SERIES }];
  if (task === 'fours') pts.push({ step, value: s.accuracy, series: ALL_SERIES });
  return pts;
}

class QloraTrain extends HTMLElement {
  private state!: StateStore<typeof schema>;
  private ctl!: RunController;
  private step = 0;
  private points: Point[] = [];
  private start: { fp32: Score; nf4: Score } | null = null;
  private near = false;

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    this.state = cellState(this, schema, this.dataset.prefix ?? 'ql', 'input[data-key], select[data-key]');
    this.state.subscribe((v, changed) => {
      this.out('rank').value = String(v.rank);
      this.showMemory();
      if (changed.some((k) => k !== 'steps')) void this.discard();
    });
    this.ctl = new RunController(this, {
      errorKey: 'engine',
      owner: SESSION, busyMessage: BUSY_MESSAGE, offscreenNote: OFFSCREEN_NOTE,
      start: () => [this.button('train')], pause: this.button('pause'),
      lock: () => this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-role="settings"] :is(input, select)[data-key]'),
    });
    this.button('train').addEventListener('click', () => this.ctl.train((current) => this.train(current)));
    this.button('reset').addEventListener('click', () => void this.discard());
    this.showMemory();
    whenNear(this, () => { this.near = true; void this.showStart(); });
  }

  private out(role: string): HTMLOutputElement {
    return this.querySelector<HTMLOutputElement>(`output[data-role="${role}"]`)!;
  }

  private button(role: string): HTMLButtonElement {
    return this.querySelector<HTMLButtonElement>(`button[data-role="${role}"]`)!;
  }

  /** The memory table depends only on the rank: computed here, by formula. */
  private showMemory(): void {
    const m = qloraMemory(SIZES, [0, 1, 2], this.state.get('rank'), { bits: 4, blockSize: QLORA_BASE.blockSize, doubleQuant: QLORA_BASE.doubleQuant });
    const set = (role: string, text: string) => { this.out(role).value = text; };
    set('m-base', `${formatBytes(m.baseWeights + m.baseBiases)} (NF4 weights ${formatBytes(m.baseWeights)} + fp32 biases ${formatBytes(m.baseBiases)})`);
    set('m-params', formatInt(m.adapterParams));
    set('m-adapters', formatBytes(m.adapters));
    set('m-grads', formatBytes(m.adapterGradients));
    set('m-adam', formatBytes(m.adam));
    set('m-total', formatBytes(m.qloraTotal));
    set('f-weights', formatBytes(m.fullWeights));
    set('f-params', formatInt(m.fullParams));
    set('f-grads', formatBytes(m.fullGradients));
    set('f-adam', formatBytes(m.fullAdam));
    set('f-total', `${formatBytes(m.fullTotal)} (${formatRatio(m.fullTotal / m.qloraTotal)} QLoRA’s)`);
  }

  private async showStart(): Promise<void> {
    const task = this.state.get('task') as Task;
    this.querySelector('[data-role="score-name"]')!.textContent = SCORE_NAME[task];
    try {
      const r = await engine().run('qlora.evaluate', { session: SESSION, task }).done;
      if (task !== this.state.get('task')) return;
      this.start = r;
      this.out('fp32').value = formatPercent(r.fp32.score);
      this.out('nf4').value = formatPercent(r.nf4.score);
      if (!this.step) {
        this.out('score').value = formatPercent(r.nf4.score);
        this.points = pointsAt(0, r.nf4, task);
      }
      clearMessage(this, 'engine');
      this.draw();
    } catch (e) {
      showMessage(this, 'engine', `Could not load the model: ${(e as Error).message}`, 'error');
    }
  }

  /** Queued by `actions`; `current()` is false once a Reset was pressed after this Train. */
  private async train(current: () => boolean): Promise<void> {
    if (this.ctl.active) return;
    if (!this.start) await this.showStart();
    if (!current()) return;
    await this.ctl.session(() => this.run());
  }

  /** Runs inside the controller's session (the engine claimed, the settings locked). */
  private async run(): Promise<void> {
    clearMessage(this, 'run');
    // Read after every await above: the target counts from the step the worker's run is really at.
    const v = this.state.values();
    const params: QloraTrainParams = {
      session: SESSION, task: v.task as Task, rank: v.rank, seed: v.seed,
      steps: this.step + v.steps, evalEvery: Math.max(10, Math.round(v.steps / 5)),
    };
    try {
      const r = await this.ctl.job('qlora.train', params, (e) => this.onEvent(e));
      this.step = r.step;
      if (r.msPerStep > 0) this.out('ms').value = formatMs(r.msPerStep);
      const m = r.memory;
      this.out('measured').value = `Measured in tfjs for this run: ${formatBytes(m.tfjsRunBytes)} for ${formatInt(m.adapterParams)} adapter parameters and Adam’s two moments, `
        + `next to the ${formatBytes(m.baseWeights)} of stored NF4 weights. Within each step tfjs also holds the dequantized fp32 weight matrices (${formatBytes(m.transientBytes)}) from the forward pass until the backward pass has used them, and frees them when the step ends.`;
    } catch (e) {
      const text = runFailure(e, 'qlora.train');
      if (text) showMessage(this, 'run', text, 'error');
    }
  }

  private onEvent(e: QloraEvent): void {
    if (e.kind === 'step') {
      this.step = e.step;
      this.out('step').value = `${formatInt(e.step)} of ${formatInt(e.steps)}`;
      this.out('ms').value = formatMs(e.msPerStep);
    } else {
      this.out('score').value = formatPercent(e.score);
      this.points = this.points.filter((p) => p.step !== e.step).concat(pointsAt(e.step, e, this.state.get('task') as Task));
      this.draw();
    }
  }

  /** Reset, or a setting changed: stop any run and forget the adapters, after any Train queued before. */
  private discard(): Promise<void> {
    return this.ctl.reset(() => this.forget());
  }

  private async forget(): Promise<void> {
    this.step = 0;
    clearMessage(this, 'run');
    this.points = [];
    this.out('step').value = '0';
    this.out('ms').value = '—';
    this.out('measured').value = 'After training, this line reports what tfjs actually allocated for the run.';
    // Always: a run stopped before its first step still left a model in the worker's session.
    try {
      await engine().run('qlora.reset', { session: SESSION }).done;
    } catch (e) {
      showMessage(this, 'engine', (e as Error).message, 'error');
    }
    this.start = null;
    if (this.near) await this.showStart();
  }

  private draw(): void {
    if (!this.near || !this.start) return;
    const chart = this.querySelector<HTMLElement>('[data-role="curve"]')!;
    const fp32 = this.start.fp32.score;
    const pts = [...this.points].sort((a, b) => a.step - b.step);
    const last = pts[pts.length - 1];
    void renderPlot(chart, (Plot, { width, theme }) => Plot.plot({
      width, height: 240, marginLeft: 56,
      x: { label: 'training step', domain: [0, Math.max(10, last?.step ?? 0)] },
      y: { label: 'task score', domain: [0, 1], grid: true, tickFormat: (t: number) => formatPercent(t, 0) },
      marks: [
        Plot.ruleY([fp32], { stroke: theme.series[1], strokeDasharray: '4,3' }),
        Plot.line(pts, { x: 'step', y: 'value', stroke: 'series', z: 'series', strokeWidth: 2 }),
        Plot.dot(pts, { x: 'step', y: 'value', fill: 'series', r: 3 }),
      ],
      color: { legend: pts.some((p) => p.series === ALL_SERIES), domain: [SCORE_SERIES, ALL_SERIES], range: [theme.series[0], theme.series[2]] },
    }), { label: `QLoRA over training: ${pts.filter((p) => p.series === SCORE_SERIES).map((p) => `step ${p.step}: ${formatPercent(p.value)}`).join(', ')}`
      + `${pts.some((p) => p.series === ALL_SERIES) ? `; on all test digits ${pts.filter((p) => p.series === ALL_SERIES).map((p) => formatPercent(p.value)).join(', ')}` : ''}; the fp32 base scores ${formatPercent(fp32)} on the task.` });
  }
}

if (!customElements.get('qlora-train')) customElements.define('qlora-train', QloraTrain);
