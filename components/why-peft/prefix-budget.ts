// <prefix-budget>: positions of the context that prefix/infix tokens take away from the task.
import { defineState, bindInput } from '../lib/state';
import { showNotes } from '../lib/messages';
import { whenNear } from '../lib/onscreen';
import { renderPlot } from '../lib/plot';
import { formatInt } from '../lib/format';
import { prefixBudget } from '../../src/core/peftCost';
import { fullContextNote, prefixSchema, TABLE15_LORA_QV8, TABLE15_PREFIX_EMBED, TRANSFORMERS } from './prefix-state';

class PrefixBudget extends HTMLElement {
  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const state = defineState(prefixSchema, { prefix: this.dataset.prefix ?? 'pfx' });
    const q = <T extends Element = HTMLElement>(sel: string) => this.querySelector<T>(sel)!;
    const onNotes = (n: string[]) => showNotes(this, 'input', n);
    const lpInput = q<HTMLInputElement>('[data-key="lp"]');
    // The slider's range is the model's context; fit a linked l_p to it before binding.
    const fit = (notes: string[]) => {
      const ctx = TRANSFORMERS.find((m) => m.id === state.get('model'))!.context;
      lpInput.max = String(ctx);
      if (state.get('lp') > ctx) {
        notes.push(`Prefix tokens: ${state.get('lp')} is more than the ${formatInt(ctx)}-token context; using ${formatInt(ctx)}.`);
        state.set('lp', ctx);
      }
      return notes;
    };
    showNotes(this, 'url', fit([...state.notes]));
    bindInput(state, 'model', q<HTMLSelectElement>('[data-key="model"]'), onNotes);
    bindInput(state, 'lp', lpInput, onNotes);
    bindInput(state, 'li', q<HTMLInputElement>('[data-key="li"]'), onNotes);

    const set = (el: Element, text: string) => { if (el.textContent !== text) el.textContent = text; };
    let near = false;
    const update = (_v?: unknown, changed: string[] = []) => {
      if (changed.includes('model')) showNotes(this, 'input', fit([]));
      const m = TRANSFORMERS.find((x) => x.id === state.get('model'))!;
      const b = prefixBudget(m.context, m.dModel, state.get('lp'), state.get('li'));
      set(q('[data-role="lp"]'), String(state.get('lp')));
      set(q('[data-role="reserved"]'), formatInt(b.reserved));
      set(q('[data-role="task"]'), formatInt(b.task));
      set(q('[data-role="context"]'), formatInt(m.context));
      set(q('[data-role="trainable"]'), formatInt(b.trainable));
      q('[data-role="reserved-bar"]').style.width = `${100 * b.reservedFraction}%`;
      q('[data-role="task-bar"]').style.width = `${100 * (1 - b.reservedFraction)}%`;
      q('[data-role="bar"]').setAttribute('aria-label',
        `${formatInt(b.reserved)} of ${formatInt(m.context)} positions hold trainable tokens; ${formatInt(b.task)} are left for the task.`);
      const full = fullContextNote(m.context, state.get('lp'), state.get('li'));
      showNotes(this, 'full', full ? [full] : []);
      if (near) void drawChart(q('[data-role="chart"]'), m.id === 'gpt3' ? state.get('lp') : null);
    };
    state.subscribe((v, changed) => update(v, changed as string[]));
    update();
    whenNear(this, () => { near = true; update(); });
  }
}

function drawChart(el: HTMLElement, lp: number | null) {
  const data = TABLE15_PREFIX_EMBED.map((d) => ({ ...d }));
  const label = `Paper figures (Hu et al. 2021, Table 15), GPT-3 175B on WikiSQL: prefix-embedding tuning reaches ${data
    .map((d) => `${d.acc}% with ${d.lp} prefix tokens`).join(', ')}; LoRA reaches ${TABLE15_LORA_QV8}%.${lp !== null ? ` Your prefix length: ${lp}.` : ''}`;
  return renderPlot(el, (Plot, { width, theme }) => Plot.plot({
    width, height: 240, marginLeft: 50, marginRight: 20,
    x: { type: 'log', base: 2, label: 'prefix tokens lₚ (log scale)', domain: [16, 2048], ticks: [16, 32, 64, 128, 256, 512, 1024, 2048] },
    y: { label: 'WikiSQL accuracy (%)', domain: [50, 80], grid: true },
    marks: [
      Plot.ruleY([TABLE15_LORA_QV8], { stroke: theme.series[0], strokeDasharray: '4,3' }),
      Plot.text([{ x: 16, y: TABLE15_LORA_QV8 }], { x: 'x', y: 'y', text: () => 'LoRA, r = 8 (paper)', dy: -8, textAnchor: 'start', fill: theme.fg }),
      Plot.line(data, { x: 'lp', y: 'acc', stroke: theme.series[1], strokeWidth: 2 }),
      Plot.dot(data, { x: 'lp', y: 'acc', fill: theme.series[1], r: 4 }),
      Plot.text(data, { x: 'lp', y: 'acc', text: (d: { acc: number }) => `${d.acc}`, dy: -10, fill: theme.fg }),
      ...(lp !== null && lp >= 16 ? [Plot.ruleX([lp], { stroke: theme.muted, strokeDasharray: '2,3' })] : []),
    ],
  }), { label });
}

if (!customElements.get('prefix-budget')) customElements.define('prefix-budget', PrefixBudget);
