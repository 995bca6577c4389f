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
    const fig = this.querySelector<HTMLElement>('.glance')!;
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
      fig.setAttribute('aria-label', words.label);
      if (r === drawn) return;
      drawn = r;
      const scene = glanceScene(g, r);
      // Each matrix is its own SVG in the row W₀ + B × A = ΔW (laid out by CSS): resize it, redraw its
      // cells and relabel its shape.
      for (const grid of scene.grids) {
        const unit = fig.querySelector<HTMLElement>(`[data-unit="${grid.name}"]`)!;
        const svg = unit.querySelector('svg')!;
        svg.setAttribute('width', String(grid.width));
        svg.setAttribute('height', String(grid.height));
        svg.setAttribute('viewBox', `0 0 ${grid.width} ${grid.height}`);
        const group = svg.querySelector('g')!;
        group.setAttribute('data-rows', String(grid.rows));
        group.setAttribute('data-cols', String(grid.cols));
        const rects: Element[] = [];
        for (const c of grid.cells) {
          const rect = document.createElementNS(NS, 'rect');
          rect.setAttribute('x', String(c.x));
          rect.setAttribute('y', String(c.y));
          rect.setAttribute('width', String(CELL - 1));
          rect.setAttribute('height', String(CELL - 1));
          rect.setAttribute('class', c.cls);
          rect.setAttribute('fill-opacity', c.opacity);
          rects.push(rect);
        }
        group.replaceChildren(...rects);
        unit.querySelector('[data-role="shape"]')!.textContent = grid.shape;
      }
    };
    state.subscribe(draw);
    draw();
  }
}

if (!customElements.get('lora-glance')) customElements.define('lora-glance', LoraGlance);
