// <mlp-compare>: full fine-tuning and LoRA on the same task for the same steps,
// one after the other on the page's engine; both sessions are freed afterwards.
import { cellState, firstConnect } from '../lib/cell-state';
import { showMessage, clearMessage } from '../lib/messages';
import { formatBytes, formatInt, formatMs, formatPercent } from '../lib/format';
import { engine } from '../lib/engine';
import { RunController } from '../lib/run-controller';
import { whenNear } from '../lib/onscreen';
import type { TaskEvaluation, TrainParams, TrainResult } from '../../src/api/lora';
import { compareSchema } from './train-state';
import { BUSY_MESSAGE } from '../lib/engine-lock';
import { scoreLabel, type TaskName } from './train-logic';

const OWNER = 'mlp-compare';
type Column = 'base' | 'full' | 'lora';

class MlpCompare extends HTMLElement {
  private ctl!: RunController;

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    const state = cellState(this, compareSchema, this.dataset.prefix ?? 'mc', 'input[data-key], select[data-key]');
    const setLabel = () => { this.cell('score', 'name').textContent = `Score: ${scoreLabel(state.get('task') as TaskName)}`; };
    let near = false;
    state.subscribe((v, changed) => {
      setLabel();
      if (near && changed.includes('task') && !this.ctl.active) void this.showBase(v.task as TaskName);
    });
    setLabel();
    whenNear(this, () => { near = true; void this.showBase(state.get('task') as TaskName); });
    this.ctl = new RunController(this, {
      owner: OWNER, start: () => [this.button('run')], stop: this.button('stop'),
      busyMessage: BUSY_MESSAGE,
      lock: () => this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input[data-key], select[data-key]'),
    });
    this.button('run').addEventListener('click', () => void this.ctl.session(() => this.run(state.values() as ReturnType<typeof state.values>)));
  }

  private button(role: string) {
    return this.querySelector<HTMLButtonElement>(`button[data-role="${role}"]`)!;
  }

  private cell(row: string, f: string): HTMLElement {
    return this.querySelector<HTMLElement>(`tr[data-row="${row}"] [data-f="${f}"]`)!;
  }

  private fill(col: Column, e: TaskEvaluation, r?: TrainResult): void {
    this.cell('score', col).textContent = formatPercent(e.score);
    this.cell('accuracy', col).textContent = formatPercent(e.accuracy);
    if (r) {
      this.cell('trainable', col).textContent = formatInt(r.trainableParams);
      this.cell('ms', col).textContent = formatMs(r.msPerStep);
      this.cell('bytes', col).textContent = formatBytes(r.runBytes);
    } else {
      for (const row of ['trainable', 'ms', 'bytes']) this.cell(row, col).textContent = row === 'trainable' ? '0' : '—';
    }
  }

  /** The base model's column for a task (and empty columns for the two runs). */
  private async showBase(task: TaskName): Promise<TaskEvaluation | null> {
    for (const col of ['full', 'lora'] as const) for (const row of ['trainable', 'ms', 'bytes', 'score', 'accuracy']) this.cell(row, col).textContent = '—';
    try {
      const base = await engine().run('lora.evaluate', { session: `${OWNER}-base`, task }).done;
      this.fill('base', base);
      return base;
    } catch (e) {
      showMessage(this, 'engine', (e as Error).message, 'error');
      return null;
    }
  }

  /** Runs inside the controller's session (the engine claimed, the settings locked). */
  private async run(v: { task: string; rank: number; steps: number; seed: number }): Promise<void> {
    clearMessage(this, 'run');
    const task = v.task as TaskName;
    const progress = this.querySelector<HTMLOutputElement>('output[data-role="progress"]')!;
    try {
      if (!(await this.showBase(task))) return;
      for (const mode of ['full', 'lora'] as const) {
        if (this.ctl.stopping) break;
        const name = mode === 'full' ? 'Full fine-tuning' : `LoRA r = ${v.rank}`;
        const session = `${OWNER}-${mode}`;
        await engine().run('lora.reset', { session }).done;
        const params: TrainParams = {
          session, task, mode, layers: [0, 1, 2], rank: v.rank, alpha: v.rank,
          learningRate: 0.001, steps: v.steps, seed: v.seed, evalEvery: 0,
        };
        progress.value = `${name}: starting…`;
        const r = await this.ctl.job('lora.train', params, (e) => {
          if (e.kind === 'step') progress.value = `${name}: step ${formatInt(e.step ?? 0)} of ${formatInt(v.steps)}`;
        });
        this.fill(mode, r.evaluation, r);
        await engine().run('lora.reset', { session }).done; // free the run's memory (33 MB for full fine-tuning)
      }
      progress.value = this.ctl.stopping ? 'Stopped.' : `Done: ${formatInt(v.steps)} steps each on ${scoreLabel(task).replace('accuracy on ', '')}.`;
    } catch (e) {
      const err = e as Error;
      showMessage(this, 'run', err.message, 'error');
      progress.value = 'Stopped by an error.';
    }
  }
}

if (!customElements.get('mlp-compare')) customElements.define('mlp-compare', MlpCompare);
