// The rank sweep's charts, one per task (each with its own y range, since the
// 4s move by a few points and rotated digits by tens): task score against r
// on a log scale, the base model as a dotted line, and for the 4s task a
// dashed line for the accuracy on all ten digits.
import { renderPlot } from '../lib/plot';
import { formatPercent } from '../lib/format';
import type { TaskId } from '../../src/core/tasks';
import { SWEEP_RANKS } from './settings';
import { SCORE_LABEL, TASK_LABEL, type SweepPoint } from './sweep-logic';

export interface Baseline { task: TaskId; score: number; accuracy: number }

function slot(container: HTMLElement, task: TaskId): HTMLElement {
  let el = container.querySelector<HTMLElement>(`[data-task="${task}"]`);
  if (!el) {
    el = document.createElement('div');
    el.dataset.task = task;
    el.className = 'task-chart';
    const title = Object.assign(document.createElement('p'), { className: 'chart-title', textContent: `${TASK_LABEL[task]}: ${SCORE_LABEL[task]} against r` });
    const plot = document.createElement('div');
    el.append(title, plot);
  }
  return el;
}

export async function drawRankCharts(container: HTMLElement, points: SweepPoint[], baselines: Baseline[], tasks: TaskId[]): Promise<void> {
  container.querySelector('.chart-fallback')?.remove();
  const slots = tasks.map((t) => slot(container, t));
  container.replaceChildren(...slots);
  await Promise.all(tasks.map((task, i) => drawOne(slots[i].lastElementChild as HTMLElement, task, points.filter((p) => p.task === task), baselines.find((b) => b.task === task))));
}

function drawOne(el: HTMLElement, task: TaskId, points: SweepPoint[], base: Baseline | undefined) {
  const scores = points.filter((p) => p.series === 'score');
  const alls = points.filter((p) => p.series === 'all');
  const values = [...points.map((p) => p.value), ...(base ? [base.score, ...(task === 'fours' ? [base.accuracy] : [])] : [])];
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const pad = Math.max(0.02, (hi - lo) * 0.1);
  const tip = (p: SweepPoint) => `${p.series === 'all' ? 'all digits' : SCORE_LABEL[task]}, r = ${p.rank}: ${formatPercent(p.value, 1)}`;
  const label = `${TASK_LABEL[task]}, ${SCORE_LABEL[task]} against rank r: ${scores.length ? scores.map((p) => `r ${p.rank}: ${formatPercent(p.value, 1)}`).join(', ') : 'no points yet'}${base ? `; the base model scores ${formatPercent(base.score, 1)}` : ''}.`;
  return renderPlot(el, (Plot, { width, theme }) => Plot.plot({
    width, height: 230, marginLeft: 52, marginRight: 16,
    x: { type: 'log', base: 2, domain: [1, 64], ticks: [...SWEEP_RANKS], tickFormat: (v: number) => String(v), label: 'rank r (log scale)' },
    y: { domain: [Math.max(0, lo - pad), Math.min(1, hi + pad)], grid: true, label: SCORE_LABEL[task], tickFormat: (v: number) => formatPercent(v, 0) },
    marks: [
      base ? Plot.ruleY([base.score], { stroke: theme.muted, strokeDasharray: '1,3', strokeWidth: 1.5 }) : null,
      base && task === 'fours' ? Plot.ruleY([base.accuracy], { stroke: theme.muted, strokeDasharray: '5,4' }) : null,
      Plot.line(alls, { x: 'rank', y: 'value', stroke: theme.series[1], strokeWidth: 1.5, strokeDasharray: '5,4' }),
      Plot.dot(alls, { x: 'rank', y: 'value', stroke: theme.series[1], fill: theme.bg, r: 3.5, title: tip }),
      Plot.line(scores, { x: 'rank', y: 'value', stroke: theme.series[0], strokeWidth: 2 }),
      Plot.dot(scores, { x: 'rank', y: 'value', fill: theme.series[0], r: 4, title: tip }),
    ],
  }), { label });
}
