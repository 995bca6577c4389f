// <rank-sweep>: one short LoRA run per (task, rank) in the engine worker, the
// task's score plotted against r. Finished points are kept, so "Run" after
// "Stop" (or after adding a rank) only trains what is missing.
import { cellState, firstConnect } from '../lib/cell-state';
import { bindInput } from '../lib/state';
import { clearMessage, showMessage, showNotes } from '../lib/messages';
import { formatInt, formatMs, formatPercent } from '../lib/format';
import { whenNear } from '../lib/onscreen';
import { engine } from '../lib/engine';
import { TASK_IDS, type TaskId } from '../../src/core/tasks';
import type { RunResult } from '../../src/api/whichrank';
import { SWEEP_RANKS, STEP_CHOICES } from './settings';
import { TASK_LABEL, progressText, rankPoints, rankSweepRuns, saturationRank } from './sweep-logic';
import { drawRankCharts, type Baseline } from './rank-chart';
import { RunController } from '../lib/run-controller';

const schema = {
  ranks: { kind: 'set', options: SWEEP_RANKS.map(String), default: SWEEP_RANKS.map(String), label: 'Ranks' },
  tasks: { kind: 'set', options: TASK_IDS, default: ['fours', 'rotated'], label: 'Tasks' },
  steps: { kind: 'enum', options: STEP_CHOICES.map(String), default: '100', label: 'Steps per run' },
  seed: { kind: 'int', min: 0, max: 9999, default: 1, label: 'Seed' },
} as const;

class RankSweep extends HTMLElement {
  private results = new Map<string, RunResult>();
  private baselines = new Map<TaskId, Baseline>();
  private near = false;

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    const prefix = this.dataset.prefix ?? 'rs';
    const state = cellState(this, schema, prefix, null);
    const onNotes = (n: string[]) => showNotes(this, 'input', n);
    bindInput(state, 'ranks', this.querySelectorAll<HTMLInputElement>(`input[name="${prefix}-ranks"]`), onNotes);
    bindInput(state, 'tasks', this.querySelectorAll<HTMLInputElement>(`input[name="${prefix}-tasks"]`), onNotes);
    bindInput(state, 'steps', this.querySelector<HTMLSelectElement>('[data-key="steps"]')!, onNotes);
    bindInput(state, 'seed', this.querySelector<HTMLInputElement>('[data-key="seed"]')!, onNotes);
    const q = <T extends Element>(sel: string) => this.querySelector<T>(sel)!;
    const out = (role: string) => q<HTMLOutputElement>(`output[data-role="${role}"]`);
    const bar = q<HTMLProgressElement>('progress[data-role="bar"]');
    const runButton = q<HTMLButtonElement>('button[data-role="run"]');
    const runner = new RunController(this, {
      pause: q<HTMLButtonElement>('button[data-role="pause"]'),
      stop: q<HTMLButtonElement>('button[data-role="stop"]'),
      lock: () => [runButton, q<HTMLButtonElement>('button[data-role="clear"]'), ...this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')],
    });

    const tasks = () => state.get('tasks') as TaskId[];
    const steps = () => Number(state.get('steps'));
    const redraw = () => {
      const points = rankPoints(this.results.values(), steps(), state.get('seed'));
      this.fillTable();
      const parts = tasks().map((t) => {
        const mine = points.filter((p) => p.task === t && p.series === 'score');
        const sat = saturationRank(mine);
        return mine.length >= 2 && sat !== null
          ? `${TASK_LABEL[t]}: within 1 point of its best (${formatPercent(Math.max(...mine.map((p) => p.value)), 1)}) from r = ${sat}.`
          : null;
      }).filter(Boolean);
      out('summary').value = parts.join(' ');
      if (!this.near) return;
      drawRankCharts(q<HTMLElement>('[data-role="chart"]'), points, [...this.baselines.values()], tasks())
        .catch((e: Error) => showMessage(this, 'chart', `The chart could not be drawn: ${e.message}`, 'error'));
    };
    const loadBaselines = async () => {
      for (const task of tasks()) {
        if (this.baselines.has(task)) continue;
        try {
          this.baselines.set(task, await engine().run('whichrank.baseline', { task }).done);
        } catch (e) {
          showMessage(this, 'baseline', `Could not measure the base model: ${(e as Error).message}`, 'error');
          return;
        }
      }
      redraw();
    };
    state.subscribe(() => {
      redraw();
      if (this.near) void loadBaselines();
    });

    runButton.addEventListener('click', async () => {
      clearMessage(this, 'run');
      const { seed } = state.values();
      const runs = rankSweepRuns(tasks(), state.get('ranks').map(Number), steps(), seed, this.results);
      if (!tasks().length || !state.get('ranks').length) return showMessage(this, 'run', 'Choose at least one rank and one task.');
      if (!runs.length) return showMessage(this, 'run', 'Every chosen point is already on the chart. Change the steps or the seed to measure new ones.');
      bar.max = runs.length * steps();
      bar.value = 0;
      const outcome = await runner.run('whichrank.sweep', { session: 'rank-sweep', runs, steps: steps(), seed }, (e) => {
        const run = runs[e.index];
        const what = `${TASK_LABEL[run.task]}, r = ${run.rank}`;
        if (e.kind === 'start') out('progress').value = progressText(e.index, e.total, what, 0, steps());
        else if (e.kind === 'step') {
          bar.value = e.index * steps() + e.step;
          out('progress').value = progressText(e.index, e.total, what, e.step, steps());
        } else {
          this.results.set(e.key, e.result);
          redraw();
        }
      });
      if (outcome.ok) {
        bar.value = bar.max;
        out('progress').value = `Done: ${formatInt(runs.length)} run${runs.length === 1 ? '' : 's'} of ${formatInt(steps())} steps.`;
      } else if (outcome.stopped) {
        out('progress').value = 'Stopped. Finished points are kept; Run the sweep again to train the rest.';
      } else {
        showMessage(this, 'run', `${outcome.error.message} Finished points are kept; you can run the sweep again.`, 'error');
        out('progress').value = 'The sweep stopped with an error.';
      }
    });
    q<HTMLButtonElement>('button[data-role="clear"]').addEventListener('click', () => {
      this.results.clear();
      bar.value = 0;
      out('progress').value = 'Results cleared.';
      redraw();
    });

    whenNear(this, () => {
      this.near = true;
      redraw();
      void loadBaselines();
    });
  }

  private fillTable(): void {
    const rows = [...this.results.values()].sort((a, b) => a.task.localeCompare(b.task) || a.steps - b.steps || a.seed - b.seed || a.rank - b.rank);
    this.querySelector('tbody[data-role="rows"]')!.replaceChildren(...rows.map((r) => {
      const tr = document.createElement('tr');
      for (const text of [`${TASK_LABEL[r.task]} (${formatInt(r.steps)} steps, seed ${r.seed})`, String(r.rank), formatInt(r.params), formatPercent(r.score, 1), formatPercent(r.accuracy, 1), formatMs(r.msPerStep)]) {
        tr.append(Object.assign(document.createElement('td'), { textContent: text }));
      }
      return tr;
    }));
  }
}

if (!customElements.get('rank-sweep')) customElements.define('rank-sweep', RankSweep);
