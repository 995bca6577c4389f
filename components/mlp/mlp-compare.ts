// <mlp-compare>: full fine-tuning and LoRA on the same task for the same steps,
// one after the other on the page's engine; both sessions are freed afterwards.
import { defineState, bindInput } from '../lib/state';
import { showMessage, clearMessage, showNotes } from '../lib/messages';
import { formatBytes, formatInt, formatMs, formatPercent } from '../lib/format';
import { engine, type JobHandle } from '../lib/engine';
import { whenNear } from '../lib/onscreen';
import type { TaskEvaluation, TrainParams, TrainResult } from '../../src/api/lora';
import { compareSchema } from './train-state';
import { scoreLabel, type TaskName } from './train-logic';
import { claim, release, onBusyChange, busyOwner } from '../lib/engine-lock';

const OWNER = 'mlp-compare';
type Column = 'base' | 'full' | 'lora';

class MlpCompare extends HTMLElement {
  private job: JobHandle<TrainResult> | null = null;
  private running = false;
  private stopped = false;

  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const state = defineState(compareSchema, { prefix: this.dataset.prefix ?? 'mc' });
    showNotes(this, 'url', state.notes);
    for (const el of this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input[data-key], select[data-key]')) {
      bindInput(state, el.dataset.key as keyof typeof compareSchema & string, el, (n) => showNotes(this, 'input', n));
    }
    const setLabel = () => { this.cell('score', 'name').textContent = `Score: ${scoreLabel(state.get('task') as TaskName)}`; };
    let near = false;
    state.subscribe((v, changed) => {
      setLabel();
      if (near && changed.includes('task') && !this.running) void this.showBase(v.task as TaskName);
    });
    setLabel();
    whenNear(this, () => { near = true; void this.showBase(state.get('task') as TaskName); });
    this.button('run').addEventListener('click', () => void this.run(state.values() as ReturnType<typeof state.values>));
    this.button('stop').addEventListener('click', () => { this.stopped = true; this.job?.stop(); });
    onBusyChange(() => this.sync());
  }

  private button(role: string) {
    return this.querySelector<HTMLButtonElement>(`button[data-role="${role}"]`)!;
  }

  private cell(row: string, f: string): HTMLElement {
    return this.querySelector<HTMLElement>(`tr[data-row="${row}"] [data-f="${f}"]`)!;
  }

  private sync(): void {
    this.button('run').disabled = this.running || (busyOwner() !== null && busyOwner() !== OWNER);
    this.button('stop').disabled = !this.running;
    this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input[data-key], select[data-key]').forEach((el) => (el.disabled = this.running));
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

  private async run(v: { task: string; rank: number; steps: number; seed: number }): Promise<void> {
    if (this.running) return;
    if (!claim(OWNER)) {
      showMessage(this, 'run', 'Another cell on this page is training; wait for it to finish (they share one engine).');
      return;
    }
    clearMessage(this, 'run');
    this.running = true;
    this.stopped = false;
    this.sync();
    const task = v.task as TaskName;
    const progress = this.querySelector<HTMLOutputElement>('output[data-role="progress"]')!;
    try {
      if (!(await this.showBase(task))) return;
      for (const mode of ['full', 'lora'] as const) {
        if (this.stopped) break;
        const name = mode === 'full' ? 'Full fine-tuning' : `LoRA r = ${v.rank}`;
        const session = `${OWNER}-${mode}`;
        await engine().run('lora.reset', { session }).done;
        const params: TrainParams = {
          session, task, mode, layers: [0, 1, 2], rank: v.rank, alpha: v.rank,
          learningRate: 0.001, steps: v.steps, seed: v.seed, evalEvery: 0,
        };
        progress.value = `${name}: starting…`;
        this.job = engine().run('lora.train', params, (e) => {
          if (e.kind === 'step') progress.value = `${name}: step ${formatInt(e.step ?? 0)} of ${formatInt(v.steps)}`;
        });
        const r = await this.job.done;
        this.fill(mode, r.evaluation, r);
        await engine().run('lora.reset', { session }).done; // free the run's memory (33 MB for full fine-tuning)
      }
      progress.value = this.stopped ? 'Stopped.' : `Done: ${formatInt(v.steps)} steps each on ${scoreLabel(task).replace('accuracy on ', '')}.`;
    } catch (e) {
      const err = e as Error;
      showMessage(this, 'run', err.message, 'error');
      progress.value = 'Stopped by an error.';
    } finally {
      this.job = null;
      this.running = false;
      release(OWNER);
      this.sync();
    }
  }
}

if (!customElements.get('mlp-compare')) customElements.define('mlp-compare', MlpCompare);
