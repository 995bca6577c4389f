// <mlp-params>: parameter counts of the base MLP and its LoRA adapters, following
// the rank slider and the layer checkboxes. Pure arithmetic: no worker, no tfjs.
import { defineState, bindInput } from '../lib/state';
import { showNotes } from '../lib/messages';
import { paramView } from './param-view';
import { paramSchema } from './param-state';

class MlpParams extends HTMLElement {
  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const sizes = (this.dataset.sizes ?? '').split(',').map(Number);
    const state = defineState(paramSchema, { prefix: this.dataset.prefix ?? 'mp' });
    showNotes(this, 'url', state.notes);
    const onNotes = (n: string[]) => showNotes(this, 'input', n);
    bindInput(state, 'rank', this.querySelector<HTMLInputElement>('input[type="range"]')!, onNotes);
    bindInput(state, 'layers', this.querySelectorAll<HTMLInputElement>('input[type="checkbox"]'), onNotes);

    const q = <T extends Element = HTMLElement>(sel: string) => this.querySelector<T>(sel)!;
    const set = (el: Element, text: string) => { if (el.textContent !== text) el.textContent = text; };
    const update = () => {
      const rank = state.get('rank');
      const v = paramView(sizes, state.get('layers').map(Number), rank);
      set(q('[data-role="rank"]'), String(rank));
      for (const r of v.rows) {
        const tr = q(`tr[data-row="${r.layer}"]`);
        tr.classList.toggle('off', !r.adapted);
        for (const f of ['base', 'baseCount', 'adapter', 'adapterCount', 'note'] as const) set(tr.querySelector(`[data-f="${f}"]`)!, r[f]);
      }
      set(q('[data-role="base"]'), v.base);
      set(q('[data-role="adapter"]'), v.adapter);
      set(q('[data-role="trainable"]'), v.trainable);
      set(q('[data-role="adam-saving"]'), v.adamSaving);
      v.memory.forEach((m, i) => {
        const tr = q(`tr[data-mem="${i}"]`);
        set(tr.querySelector('[data-f="lora"]')!, m.lora);
        set(tr.querySelector('[data-f="full"]')!, m.full);
      });
    };
    state.subscribe(update);
    update();
  }
}

if (!customElements.get('mlp-params')) customElements.define('mlp-params', MlpParams);
