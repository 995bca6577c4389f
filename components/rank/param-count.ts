// <param-count>: parameters of a full d×k matrix vs. a rank-r factorisation B·A.
import { defineState, bindInput } from '../lib/state';
import { showNotes } from '../lib/messages';
import { formatInt, formatPercent, formatRatio } from '../lib/format';
import { whenNear } from '../lib/onscreen';
import { renderPlot } from '../lib/plot';
import { counts } from './counts';

class ParamCount extends HTMLElement {
  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const d = Number(this.dataset.d);
    const k = Number(this.dataset.k);
    const out = (role: string) => this.querySelector<HTMLOutputElement>(`[data-role="${role}"]`)!;
    const state = defineState({
      r: { kind: 'int', min: 1, max: Math.min(d, k), default: 4, label: 'Rank r' },
    }, { prefix: this.dataset.prefix ?? 'par' });
    showNotes(this, 'url', state.notes);
    bindInput(state, 'r', this.querySelector<HTMLInputElement>('input[type="range"]')!, (n) => showNotes(this, 'input', n));

    let near = false;
    const chart = this.querySelector<HTMLElement>('[data-role="chart"]')!;
    const update = () => {
      const r = state.get('r');
      const { full, lora } = counts(d, k, r);
      out('r').value = String(r);
      out('full').value = formatInt(full);
      out('lora').value = `${formatInt(r)} × ${formatInt(d + k)} = ${formatInt(lora)}`;
      out('ratio').value = lora <= full
        ? `${formatPercent(lora / full)} of the full matrix (${formatRatio(full / lora)} fewer)`
        : `${formatPercent(lora / full)} of the full matrix: more than storing it outright`;
      if (near) void drawChart(chart, d, k, r);
    };
    state.subscribe(update);
    update();
    whenNear(this, () => { near = true; update(); });
  }
}

function drawChart(chart: HTMLElement, d: number, k: number, r: number) {
  const rMax = Math.min(d, k);
  const line = [0, rMax].map((x) => ({ r: x, params: x * (d + k) }));
  return renderPlot(chart, (Plot, { width, theme }) => Plot.plot({
    width, height: 220, marginLeft: 70,
    x: { label: 'rank r', domain: [0, rMax] },
    y: { label: 'parameters', grid: true, tickFormat: (v: number) => formatInt(v) },
    marks: [
      Plot.ruleY([d * k], { stroke: theme.series[1], strokeDasharray: '4,3' }),
      Plot.text([{ r: rMax, params: d * k }], { x: 'r', y: 'params', text: () => `full ${d}×${k}`, dy: -8, textAnchor: 'end', fill: theme.fg }),
      Plot.line(line, { x: 'r', y: 'params', stroke: theme.series[0], strokeWidth: 2 }),
      Plot.dot([{ r, params: r * (d + k) }], { x: 'r', y: 'params', fill: theme.series[0], r: 5 }),
    ],
  }), { label: `Parameters of a rank-r factorisation grow linearly with r; at r = ${r} they are ${formatInt(r * (d + k))}, against ${formatInt(d * k)} for the full matrix.` });
}

if (!customElements.get('param-count')) customElements.define('param-count', ParamCount);
