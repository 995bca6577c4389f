// <lora-glance>: the front page's live figure. The reader moves the rank r; the element recomputes
// ΔW = BA from the first r columns of B and rows of A, redraws W₀, B, A and ΔW as grids of cells,
// and announces the counts. Plain SVG, no chart library, so the page's script stays small.
import { defineState, bindInput } from '../lib/state';
import { showNotes } from '../lib/messages';
import { formatInt, formatPercent } from '../lib/format';
import { deltaW, glanceCounts, makeGlance } from './glance-math';

const NS = 'http://www.w3.org/2000/svg';
const CELL = 9; // px per matrix entry
const GAP = 14; // px between matrices

/** One matrix as a grid of squares; colour by sign, opacity by size relative to `scale`. */
function grid(values: Float64Array, rows: number, cols: number, stride: number, x: number, y: number, scale: number, label: string): SVGGElement {
  const g = document.createElementNS(NS, 'g');
  g.setAttribute('data-matrix', label);
  g.setAttribute('data-rows', String(rows));
  g.setAttribute('data-cols', String(cols));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = values[i * stride + j];
      const rect = document.createElementNS(NS, 'rect');
      rect.setAttribute('x', String(x + j * CELL));
      rect.setAttribute('y', String(y + i * CELL));
      rect.setAttribute('width', String(CELL - 1));
      rect.setAttribute('height', String(CELL - 1));
      rect.setAttribute('class', v >= 0 ? 'pos' : 'neg');
      rect.setAttribute('fill-opacity', (0.12 + 0.88 * Math.min(1, Math.abs(v) / scale)).toFixed(3));
      g.append(rect);
    }
  }
  return g;
}

function text(x: number, y: number, s: string): SVGTextElement {
  const t = document.createElementNS(NS, 'text');
  t.setAttribute('x', String(x));
  t.setAttribute('y', String(y));
  t.textContent = s;
  return t;
}

class LoraGlance extends HTMLElement {
  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const d = Number(this.dataset.d);
    const k = Number(this.dataset.k);
    const rMax = Number(this.dataset.rmax);
    const g = makeGlance(d, k, rMax);
    const state = defineState({
      r: { kind: 'int', min: 1, max: rMax, default: 2, label: 'Rank r' },
    }, { prefix: this.dataset.prefix ?? 'lg' });
    showNotes(this, 'url', state.notes);
    bindInput(state, 'r', this.querySelector<HTMLInputElement>('input[type="range"]')!, (n) => showNotes(this, 'input', n));
    const svg = this.querySelector<SVGSVGElement>('svg')!;
    const rOut = this.querySelector<HTMLOutputElement>('[data-role="r"]')!;
    const said = this.querySelector<HTMLElement>('[data-role="said"]')!;
    const big = { d: Number(this.dataset.bigD), k: Number(this.dataset.bigK), name: this.dataset.bigName ?? '' };

    const draw = () => {
      const r = state.get('r');
      const dw = deltaW(g, r);
      const scale = Math.max(...dw.map(Math.abs));
      // Layout, as the product is usually drawn: A above ΔW, B to its left, W₀ further left.
      // A is bottom-aligned so it grows upwards, B grows rightwards; coordinates in viewBox px.
      const yM = 18 + rMax * CELL + GAP + 10; // top of the row of d-tall matrices
      const yA = yM - GAP - r * CELL;
      const bX = k * CELL + GAP * 2;
      const aX = bX + rMax * CELL + GAP;
      svg.setAttribute('viewBox', `0 0 ${aX + k * CELL} ${yM + d * CELL + 14}`);
      svg.replaceChildren(
        text(0, yM - 6, 'W₀ (frozen)'),
        grid(g.w0, d, k, k, 0, yM, 1, 'W0'),
        text(k * CELL + GAP * 0.55, yM + (d * CELL) / 2 + 4, '+'),
        text(bX, yM - 6, 'B'),
        grid(g.b, d, r, rMax, bX, yM, 1, 'B'),
        text(bX, yA + (r * CELL) / 2 + 4, 'A'),
        grid(g.a, r, k, k, aX, yA, 1, 'A'),
        grid(dw, d, k, k, aX, yM, scale || 1, 'dW'),
        text(aX, yM + d * CELL + 11, `ΔW = BA, rank ≤ ${r}`),
      );
      const { lora, full } = glanceCounts(d, k, r);
      const real = glanceCounts(big.d, big.k, r);
      rOut.value = String(r);
      svg.setAttribute('aria-label', `A frozen ${d}×${k} matrix W₀ beside a ${d}×${r} matrix B and an ${r}×${k} matrix A, whose product ΔW is a ${d}×${k} matrix of rank at most ${r}.`);
      // A matrix this small shows the limit too: past dk/(d + k) the factors outnumber W₀.
      const share = lora <= full
        ? `${formatPercent(lora / full)} of the ${formatInt(full)} in W₀`
        : `more than the ${formatInt(full)} in W₀ itself, so at this size rank ${r} saves nothing`;
      said.textContent = `Rank ${r}: B and A hold ${r} × (${d} + ${k}) = ${formatInt(lora)} numbers, ${share}. `
        + `For ${big.name}, ${formatInt(big.d)} × ${formatInt(big.k)}, `
        + `rank ${r} trains ${formatInt(real.lora)} numbers instead of ${formatInt(real.full)}.`;
    };
    state.subscribe(draw);
    draw();
  }
}

if (!customElements.get('lora-glance')) customElements.define('lora-glance', LoraGlance);
