// <attention-params>: recounts the LoRA parameters when the reader changes the rank or the ticked matrices.
import { defineState, bindInput } from '../lib/state';
import { showNotes } from '../lib/messages';
import { LORA_TARGETS, type LoraTarget } from '../../src/core/gpt';
import { paramsView } from './params-view';

class AttentionParams extends HTMLElement {
  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const prefix = this.dataset.prefix ?? 'ap';
    const state = defineState({
      rank: { kind: 'int', min: 1, max: 64, default: 4, label: 'Rank' },
      targets: { kind: 'set', options: LORA_TARGETS, default: ['q', 'v'], label: 'Matrices' },
    }, { prefix });
    showNotes(this, 'url', state.notes);
    const onNotes = (n: string[]) => showNotes(this, 'input', n);
    bindInput(state, 'rank', this.querySelector<HTMLInputElement>(`#${prefix}-rank`)!, onNotes);
    bindInput(state, 'targets', this.querySelectorAll<HTMLInputElement>(`input[name="${prefix}-targets"]`), onNotes);
    const render = () => {
      const v = paramsView(state.get('targets') as LoraTarget[], state.get('rank'));
      for (const r of v.rows) {
        const tr = this.querySelector<HTMLElement>(`tr[data-row="${r.target}"]`)!;
        tr.classList.toggle('off', !r.adapted);
        tr.querySelector('output')!.value = r.adapter;
      }
      for (const k of ['base', 'adapter', 'percent'] as const) this.querySelector<HTMLOutputElement>(`output[data-role="${k}"]`)!.value = v[k];
      this.querySelector<HTMLOutputElement>('output[data-role="matrices"]')!.value = String(v.matrices);
      showNotes(this, 'empty', v.matrices ? [] : ['No matrix is ticked: LoRA would train nothing.']);
    };
    state.subscribe(render);
    render();
  }
}

customElements.define('attention-params', AttentionParams);
