// <paper-tables>: charts of the LoRA paper's Tables 5 and 6 (cited data), drawn
// with Observable Plot when the cell comes near the screen.
import { whenNear } from '../lib/onscreen';
import { renderPlot } from '../lib/plot';
import { showMessage } from '../lib/messages';
import { SEED_SPREAD, TABLE_5, TABLE_6, TABLE_6_RANKS, type Dataset } from './paper';

const DATASETS: Dataset[] = ['WikiSQL', 'MultiNLI'];
const label = (w: string) => w.replace(/W_([a-z])/g, 'W$1');

function drawTable5(el: HTMLElement, dataset: Dataset) {
  const spread = SEED_SPREAD[dataset];
  const rows = TABLE_5.map((c) => ({ weights: `${label(c.weights)} (r=${c.rank})`, acc: c[dataset] }));
  const best = Math.max(...rows.map((r) => r.acc));
  return renderPlot(el, (Plot, { width, theme }) => Plot.plot({
    width, height: 230, marginLeft: 150,
    x: { label: `${dataset} accuracy (%)`, grid: true },
    y: { label: null, domain: rows.map((r) => r.weights) },
    marks: [
      Plot.ruleY(rows, { y: 'weights', x1: (d) => d.acc - spread, x2: (d) => d.acc + spread, stroke: theme.muted, strokeWidth: 3 }),
      Plot.dot(rows, { y: 'weights', x: 'acc', fill: (d) => (d.acc === best ? theme.series[1] : theme.series[0]), r: 4 }),
    ],
  }), { label: `LoRA paper Table 5, ${dataset}: ${rows.map((r) => `${r.weights} ${r.acc}%`).join('; ')}. Bars show ±${spread} points seed spread.` });
}

function drawTable6(el: HTMLElement, dataset: Dataset) {
  const rows = TABLE_6.filter((r) => r.dataset === dataset).flatMap((r) =>
    r.accuracy.map((acc, i) => ({ weights: label(r.weights), r: TABLE_6_RANKS[i], acc })));
  return renderPlot(el, (Plot, { width, theme }) => Plot.plot({
    width, height: 230, marginLeft: 50,
    x: { type: 'log', base: 2, label: 'rank r', ticks: [...TABLE_6_RANKS], tickFormat: (v: number) => String(v) },
    y: { label: `${dataset} accuracy (%)`, grid: true },
    color: { domain: [...new Set(rows.map((r) => r.weights))], range: theme.series.slice(0, 3), legend: true },
    marks: [
      Plot.line(rows, { x: 'r', y: 'acc', stroke: 'weights' }),
      Plot.dot(rows, { x: 'r', y: 'acc', fill: 'weights', r: 3.5 }),
    ],
  }), { label: `LoRA paper Table 6, ${dataset}: ${TABLE_6.filter((r) => r.dataset === dataset).map((r) => `${label(r.weights)}: ${r.accuracy.join(', ')}% at r = ${TABLE_6_RANKS.join(', ')}`).join('; ')}.` });
}

class PaperTables extends HTMLElement {
  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    whenNear(this, () => {
      const slot = (role: string) => this.querySelector<HTMLElement>(`[data-role="${role}"]`)!;
      Promise.all(DATASETS.flatMap((ds) => [drawTable5(slot(`t5-${ds}`), ds), drawTable6(slot(`t6-${ds}`), ds)]))
        .catch((e: Error) => showMessage(this, 'chart', `The charts could not be drawn: ${e.message}`, 'error'));
    });
  }
}

if (!customElements.get('paper-tables')) customElements.define('paper-tables', PaperTables);
