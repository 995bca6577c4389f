// <target-sweep>: adapt layer 1, 2, 3 or all three at (about) the same number
// of trainable parameters, one short run each, and compare the task scores.
import { cellState, firstConnect } from '../lib/cell-state';
import { clearMessage, showMessage } from '../lib/messages';
import { formatInt, formatPercent } from '../lib/format';
import { whenNear } from '../lib/onscreen';
import { engine } from '../lib/engine';
import { renderPlot } from '../lib/plot';
import baseFacts from '../../src/generated/base-model.json';
import { TASK_IDS, type TaskId } from '../../src/core/tasks';
import type { RunResult } from '../../src/api/whichrank';
import { STEP_CHOICES } from './settings';
import { SCORE_LABEL, TASK_LABEL, progressText, targetRows, type TargetRow } from './sweep-logic';
import { RunController } from '../lib/run-controller';

const schema = {
  task: { kind: 'enum', options: TASK_IDS, default: 'rotated', label: 'Task' },
  budget: { kind: 'enum', options: ['1', '2', '4', '8'], default: '4', label: 'Budget rank' },
  steps: { kind: 'enum', options: STEP_CHOICES.map(String), default: '100', label: 'Steps per run' },
  seed: { kind: 'int', min: 0, max: 9999, default: 1, label: 'Seed' },
} as const;

class TargetSweep extends HTMLElement {
  private results = new Map<string, RunResult>();
  private baselines = new Map<TaskId, number>();
  private near = false;

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    const state = cellState(this, schema, this.dataset.prefix ?? 'ts');
    const q = <T extends Element>(sel: string) => this.querySelector<T>(sel)!;
    const bar = q<HTMLProgressElement>('progress[data-role="bar"]');
    const progress = q<HTMLOutputElement>('output[data-role="progress"]');
    const runButton = q<HTMLButtonElement>('button[data-role="run"]');
    const runner = new RunController(this, {
      pause: q<HTMLButtonElement>('button[data-role="pause"]'),
      stop: q<HTMLButtonElement>('button[data-role="stop"]'),
      lock: () => [runButton, ...this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-key]')],
    });
    const plan = () => {
      const v = state.values();
      return { task: v.task as TaskId, steps: Number(v.steps), seed: v.seed, ...targetRows(baseFacts.sizes, Number(v.budget), v.task as TaskId, Number(v.steps), v.seed) };
    };

    const render = () => {
      const { task, budget, rows } = plan();
      q<HTMLOutputElement>('output[data-role="budget"]').value = `${formatInt(budget)} trainable parameters (all three layers at rank ${state.get('budget')}); score = ${SCORE_LABEL[task]} on ${TASK_LABEL[task].toLowerCase()}`;
      for (const row of rows) {
        const tr = q<HTMLTableRowElement>(`tr[data-target="${row.id}"]`);
        tr.classList.toggle('capped', row.choice.capped);
        tr.querySelector<HTMLOutputElement>('[data-role="rank"]')!.value = String(row.choice.rank);
        tr.querySelector<HTMLOutputElement>('[data-role="params"]')!.value = formatInt(row.choice.params);
        const r = this.results.get(row.key);
        tr.querySelector<HTMLOutputElement>('[data-role="score"]')!.value = r ? formatPercent(r.score, 1) : 'not run';
      }
      if (this.near) this.drawChart(task, rows);
    };
    state.subscribe(() => {
      render();
      if (this.near) void this.loadBaseline(plan().task, render);
    });

    runButton.addEventListener('click', async () => {
      clearMessage(this, 'run');
      const { task, steps, seed, rows } = plan();
      const todo = rows.filter((r) => !this.results.has(r.key));
      if (!todo.length) return showMessage(this, 'run', 'All four choices are already measured for these settings.');
      const runs = todo.map((r) => ({ key: r.key, task, layers: r.choice.layers, rank: r.choice.rank }));
      bar.max = runs.length * steps;
      bar.value = 0;
      const outcome = await runner.run('whichrank.sweep', { session: 'target-sweep', runs, steps, seed }, (e) => {
        const what = `${todo[e.index].label.toLowerCase()}, r = ${todo[e.index].choice.rank}`;
        if (e.kind === 'start') progress.value = progressText(e.index, e.total, what, 0, steps);
        else if (e.kind === 'step') {
          bar.value = e.index * steps + e.step;
          progress.value = progressText(e.index, e.total, what, e.step, steps);
        } else {
          this.results.set(e.key, e.result);
          render();
        }
      });
      if (outcome.ok) {
        bar.value = bar.max;
        progress.value = `Done: ${runs.length} run${runs.length === 1 ? '' : 's'} of ${formatInt(steps)} steps.`;
      } else if (outcome.stopped) progress.value = 'Stopped. Finished choices are kept; run again to train the rest.';
      else {
        progress.value = 'The sweep stopped with an error.';
        showMessage(this, 'run', `${outcome.error.message} Finished choices are kept.`, 'error');
      }
    });

    render();
    whenNear(this, () => {
      this.near = true;
      render();
      void this.loadBaseline(plan().task, render);
    });
  }

  private async loadBaseline(task: TaskId, then: () => void): Promise<void> {
    if (this.baselines.has(task)) return;
    try {
      const b = await engine().run('whichrank.baseline', { task }).done;
      this.baselines.set(task, b.score);
      then();
    } catch (e) {
      showMessage(this, 'baseline', `Could not measure the base model: ${(e as Error).message}`, 'error');
    }
  }

  private drawChart(task: TaskId, rows: TargetRow[]): void {
    const data = rows.map((r) => ({ label: `${r.id === 'all' ? 'All three' : r.label.replace(' only', '')} (r = ${r.choice.rank})`, score: this.results.get(r.key)?.score ?? null }));
    const done = data.filter((d): d is { label: string; score: number } => d.score !== null);
    const base = this.baselines.get(task);
    const chart = this.querySelector<HTMLElement>('[data-role="chart"]')!;
    renderPlot(chart, (Plot, { width, theme }) => Plot.plot({
      width, height: 190, marginLeft: 120, marginRight: 50,
      x: { domain: [0, 1], grid: true, label: SCORE_LABEL[task], tickFormat: (v: number) => formatPercent(v, 0) },
      y: { domain: data.map((d) => d.label), label: null },
      marks: [
        Plot.barX(done, { y: 'label', x: 'score', fill: theme.series[0] }),
        Plot.text(done, { y: 'label', x: 'score', text: (d: { score: number }) => formatPercent(d.score, 1), dx: 4, textAnchor: 'start', fill: theme.fg }),
        base === undefined ? null : Plot.ruleX([base], { stroke: theme.series[1], strokeDasharray: '4,3', strokeWidth: 2 }),
      ],
    }), { label: `${TASK_LABEL[task]}, ${SCORE_LABEL[task]} by adapted layers at equal budget: ${done.length ? done.map((d) => `${d.label} ${formatPercent(d.score, 1)}`).join('; ') : 'not run yet'}${base === undefined ? '' : `; base model ${formatPercent(base, 1)} (dashed)`}.` })
      .catch((e: Error) => showMessage(this, 'chart', `The chart could not be drawn: ${e.message}`, 'error'));
  }
}

if (!customElements.get('target-sweep')) customElements.define('target-sweep', TargetSweep);
