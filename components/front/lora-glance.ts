// <lora-glance>: the front page's live figure. The page arrives with the drawing for the initial rank
// already in place (rendered at build time from the same ./glance-math); this element recomputes it on
// the device, redraws it when the reader moves the rank, and announces the counts. Plain SVG, no chart library.
import { defineState, bindInput } from '../lib/state';
import { showNotes } from '../lib/messages';
import { formatInt, formatPercent } from '../lib/format';
import { glanceScene, glanceWords, makeGlance, CELL } from './glance-math';

const NS = 'http://www.w3.org/2000/svg';

class LoraGlance extends HTMLElement {
  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const d = Number(this.dataset.d);
    const k = Number(this.dataset.k);
    const rMax = Number(this.dataset.rmax);
    const g = makeGlance(d, k, rMax);
    const state = defineState({
      r: { kind: 'int', min: 1, max: rMax, default: Number(this.dataset.r0 ?? 2), label: 'Rank r' },
    }, { prefix: this.dataset.prefix ?? 'lg' });
    showNotes(this, 'url', state.notes);
    bindInput(state, 'r', this.querySelector<HTMLInputElement>('input[type="range"]')!, (n) => showNotes(this, 'input', n));
    const svg = this.querySelector<SVGSVGElement>('svg')!;
    const rOut = this.querySelector<HTMLOutputElement>('[data-role="r"]')!;
    const said = this.querySelector<HTMLElement>('[data-role="said"]')!;
    const big = { d: Number(this.dataset.bigD), k: Number(this.dataset.bigK), name: this.dataset.bigName ?? '' };
    // The server drew the initial rank so the page reads without script; redraw it here anyway, so what
    // the reader sees is computed on their device like every other figure (same box, no layout shift).
    let drawn = 0;

    const draw = () => {
      const r = state.get('r');
      rOut.value = String(r);
      const words = glanceWords(d, k, r, big, { int: formatInt, pct: (x) => formatPercent(x) });
      if (said.textContent !== words.said) said.textContent = words.said;
      svg.setAttribute('aria-label', words.label);
      if (r === drawn) return;
      drawn = r;
      const scene = glanceScene(g, r);
      const nodes: Element[] = [];
      for (const grid of scene.grids) {
        const group = document.createElementNS(NS, 'g');
        group.setAttribute('data-matrix', grid.name);
        group.setAttribute('data-rows', String(grid.rows));
        group.setAttribute('data-cols', String(grid.cols));
        for (const c of grid.cells) {
          const rect = document.createElementNS(NS, 'rect');
          rect.setAttribute('x', String(c.x));
          rect.setAttribute('y', String(c.y));
          rect.setAttribute('width', String(CELL - 1));
          rect.setAttribute('height', String(CELL - 1));
          rect.setAttribute('class', c.cls);
          rect.setAttribute('fill-opacity', c.opacity);
          group.append(rect);
        }
        nodes.push(group);
      }
      for (const t of scene.texts) {
        const el = document.createElementNS(NS, 'text');
        el.setAttribute('x', String(t.x));
        el.setAttribute('y', String(t.y));
        el.textContent = t.text;
        nodes.push(el);
      }
      svg.replaceChildren(...nodes);
    };
    state.subscribe(draw);
    draw();
  }
}

if (!customElements.get('lora-glance')) customElements.define('lora-glance', LoraGlance);
