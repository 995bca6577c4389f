// <cost-calc>: full fine-tuning vs LoRA by counting. Pure arithmetic, no worker.
import { defineState, bindInput } from '../lib/state';
import { showMessage, clearMessage, showNotes } from '../lib/messages';
import { whenNear } from '../lib/onscreen';
import { clearPlot, renderPlot } from '../lib/plot';
import { formatBytes } from '../lib/format';
import { costSchema } from './cost-state';
import { costView, type CostView } from './cost-view';

class CostCalc extends HTMLElement {
  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const state = defineState(costSchema, { prefix: this.dataset.prefix ?? 'cost' });
    showNotes(this, 'url', state.notes);
    const onNotes = (n: string[]) => showNotes(this, 'input', n);
    const q = <T extends Element = HTMLElement>(sel: string) => this.querySelector<T>(sel)!;
    bindInput(state, 'model', q<HTMLSelectElement>('[data-key="model"]'), onNotes);
    bindInput(state, 'r', q<HTMLInputElement>('[data-key="r"]'), onNotes);
    bindInput(state, 'prec', q<HTMLSelectElement>('[data-key="prec"]'), onNotes);
    bindInput(state, 'tasks', q<HTMLInputElement>('[data-key="tasks"]'), onNotes);
    bindInput(state, 'mats', this.querySelectorAll<HTMLInputElement>('[data-role="mats"] input'), onNotes);
    bindInput(state, 'layers', this.querySelectorAll<HTMLInputElement>('[data-role="layers"] input'), onNotes);

    const set = (el: Element, text: string) => { if (el.textContent !== text) el.textContent = text; };
    let near = false;
    const update = () => {
      const v = costView(state.values());
      q<HTMLFieldSetElement>('[data-role="mats"]').hidden = v.kind !== 'transformer';
      q<HTMLFieldSetElement>('[data-role="layers"]').hidden = v.kind !== 'mlp';
      set(q('[data-role="r"]'), String(state.get('r')));
      set(q('[data-role="tasks-label"]'), v.tasksLabel);
      set(q('[data-role="shape"]'), v.shape);
      set(q('[data-role="source"]'), v.source);
      set(q('[data-role="reduction"]'), v.reduction);
      for (const row of v.rows) {
        const tr = q(`tr[data-row="${row.key}"]`);
        set(tr.querySelector('[data-f="full"]')!, row.full);
        set(tr.querySelector('[data-f="lora"]')!, row.lora);
      }
      if (v.problem) showMessage(this, 'selection', v.problem, 'error');
      else clearMessage(this, 'selection');
      if (v.rankNote) showMessage(this, 'rank', v.rankNote);
      else clearMessage(this, 'rank');
      if (near) void drawChart(q('[data-role="chart"]'), v);
    };
    state.subscribe(update);
    update();
    whenNear(this, () => { near = true; update(); });
  }
}

function drawChart(el: HTMLElement, v: CostView) {
  if (!v.bars) {
    clearPlot(el);
    return;
  }
  const bars = v.bars;
  const label = `Bytes on a logarithmic scale: ${bars.map((b) => `${b.what.toLowerCase()}, ${b.method}: ${formatBytes(b.bytes)}`).join('; ')}.`;
  const rows = bars.map((b) => ({ ...b, row: `${b.what}: ${b.method === 'LoRA' ? 'LoRA' : 'full'}` }));
  const lo = 10 ** Math.floor(Math.log10(Math.min(...bars.map((b) => b.bytes))));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...bars.map((b) => b.bytes)) * 1.5));
  return renderPlot(el, (Plot, { width, theme }) => Plot.plot({
    width, height: 190, marginLeft: 150, marginRight: 20,
    x: { type: 'log', domain: [lo, hi], label: 'bytes (log scale)', grid: true, tickFormat: (x: number) => formatBytes(x) },
    y: { label: null, domain: rows.map((r) => r.row) },
    color: { domain: ['Full fine-tuning', 'LoRA'], range: [theme.series[1], theme.series[0]] },
    marks: [
      Plot.barX(rows, { x1: lo, x2: 'bytes', y: 'row', fill: 'method' }),
      Plot.text(rows, { x: 'bytes', y: 'row', text: (d: { bytes: number }) => formatBytes(d.bytes), dx: 4, textAnchor: 'start', fill: theme.fg }),
    ],
  }), { label });
}

if (!customElements.get('cost-calc')) customElements.define('cost-calc', CostCalc);
