// <task-switch>: trains one adapter per task in the worker, swaps them into the
// shared frozen base on request, and fills an adapter × task score matrix.
import { cellState, firstConnect } from '../lib/cell-state';
import { clearMessage, showMessage } from '../lib/messages';
import { formatPercent } from '../lib/format';
import { SCORED_ON, formatSwapMs, trainedText } from './format';
import { whenNear } from '../lib/onscreen';
import { engine } from '../lib/engine';
import type { TaskId } from '../../src/core/tasks';
import type { SlotSummary } from '../../src/api/merge';
import { TASK_LABEL } from '../which-rank/sweep-logic';
import { RunController } from '../lib/run-controller';
import { SESSION, SWITCH_STEP_CHOICES, SWITCH_TASKS, type AdapterSlot } from './settings';
import { onActive, onCell, onSlots, refreshSlots, useSlot } from './switch-client';

const schema = {
  steps: { kind: 'enum', options: SWITCH_STEP_CHOICES.map(String), default: '100', label: 'Steps per adapter' },
  seed: { kind: 'int', min: 0, max: 9999, default: 1, label: 'Seed' },
} as const;
const SLOT_NAME: Record<AdapterSlot, string> = { none: 'no adapter', fours: 'the “Fix the 4s” adapter', rotated: 'the rotated-digits adapter', inverted: 'the inverted-digits adapter', uploaded: 'the adapter from your file' };

class TaskSwitch extends HTMLElement {
  connectedCallback(): void {
    if (!firstConnect(this)) return;
    const prefix = this.dataset.prefix ?? 'sw';
    const state = cellState(this, schema, prefix);
    const q = <T extends Element>(sel: string) => this.querySelector<T>(sel)!;
    const bar = q<HTMLProgressElement>('progress');
    const progress = q<HTMLOutputElement>('output[data-role="progress"]');
    const inUse = q<HTMLOutputElement>('output[data-role="in-use"]');
    const radios = [...this.querySelectorAll<HTMLInputElement>(`input[name="${prefix}-use"]`)];
    const trainButtons = [...this.querySelectorAll<HTMLButtonElement>('button[data-train]')];
    const runner = new RunController(this, {
      pause: q<HTMLButtonElement>('button[data-role="pause"]'),
      stop: q<HTMLButtonElement>('button[data-role="stop"]'),
      lock: () => [...trainButtons, ...this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-key]')],
    });
    const row = (slot: AdapterSlot) => q<HTMLTableRowElement>(`tr[data-row="${slot}"]`);
    const clearRow = (slot: AdapterSlot) => row(slot).querySelectorAll('output').forEach((o) => (o.value = '—'));

    onCell(({ row: slot, column, value }) => {
      const o = row(slot).querySelector<HTMLOutputElement>(`output[data-col="${column}"]`)!;
      o.value = formatPercent(value, 1);
      o.classList.toggle('diag', slot === column);
    });
    onActive(({ slot, swapMs, row: scores }) => {
      for (const r of radios) r.checked = r.value === slot;
      this.querySelectorAll('tr[data-row]').forEach((tr) => tr.classList.toggle('active', (tr as HTMLElement).dataset.row === slot));
      const task = slot === 'none' || slot === 'uploaded' ? null : slot;
      inUse.value = `${SLOT_NAME[slot]} (swapped in ${formatSwapMs(swapMs)})${task ? `: ${formatPercent(scores[task] ?? NaN, 1)} on ${SCORED_ON[task]}` : `: ${formatPercent(scores.original ?? NaN, 1)} on plain digits`}.`;
    });
    onSlots((slots: SlotSummary[]) => {
      const have = new Set<string>(['none', ...slots.map((s) => s.slot)]);
      for (const r of radios) r.disabled = !have.has(r.value);
    });

    let using: Promise<unknown> = Promise.resolve();
    const use = (slot: AdapterSlot) => {
      using = using.then(async () => {
        clearMessage(this, 'use');
        inUse.value = `swapping in ${SLOT_NAME[slot]}…`;
        try {
          await useSlot(slot); // the ACTIVE event fills the output
        } catch (e) {
          inUse.value = 'unchanged.';
          showMessage(this, 'use', (e as Error).message, 'error');
        }
      });
      return using;
    };
    for (const r of radios) r.addEventListener('change', () => { if (r.checked) void use(r.value as AdapterSlot); });

    const train = async (tasks: readonly TaskId[]) => {
      clearMessage(this, 'train');
      const steps = Number(state.get('steps'));
      bar.max = tasks.length * steps;
      bar.value = 0;
      for (const [i, task] of tasks.entries()) {
        clearRow(task);
        const outcome = await runner.run('merge.train', { session: SESSION, task, steps, seed: state.get('seed') }, (e) => {
          if (e.kind !== 'step') return;
          bar.value = i * steps + e.step;
          progress.value = `Adapter ${i + 1} of ${tasks.length} (${TASK_LABEL[task]}): step ${e.step} of ${steps}`;
        });
        if (!outcome.ok) {
          progress.value = outcome.stopped ? 'Stopped. Adapters that finished are kept.' : 'Training stopped with an error.';
          if (!outcome.stopped) showMessage(this, 'train', `${outcome.error.message} Try again, or lower the steps.`, 'error');
          await refreshSlots().catch(() => undefined);
          return;
        }
        await refreshSlots();
        await use(task);
      }
      bar.value = bar.max;
      progress.value = trainedText(tasks.map((t) => TASK_LABEL[t]), steps);
    };
    for (const b of trainButtons) {
      b.addEventListener('click', () => void train(b.dataset.train === 'all' ? SWITCH_TASKS : [b.dataset.train as TaskId]));
    }

    whenNear(this, () => {
      void engine().backend.then(() => use('none')).catch((e: Error) => showMessage(this, 'use', e.message, 'error'));
    });
  }
}

if (!customElements.get('task-switch')) customElements.define('task-switch', TaskSwitch);
