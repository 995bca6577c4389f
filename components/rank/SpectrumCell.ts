// <spectrum-cell>: singular values (computed in the engine worker) and the Eckart–Young
// error of the best rank-r approximation; for a digit, the approximation itself.
import { cellState, firstConnect } from '../lib/cell-state';
import { bindInput } from '../lib/state';
import { clearMessage, showMessage, showNotes } from '../lib/messages';
import { whenNear } from '../lib/onscreen';
import { renderPlot } from '../lib/plot';
import { engine } from '../lib/engine';
import { formatInt, formatMs, formatNumber, formatPercent } from '../lib/format';
import { lowRankErrors, numericalRank, rankRApproximation } from '../../src/core/eigen';
import type { DigitSpectrum } from '../../src/api/spectrum';
import { SPECTRUM_MATRICES, spectrumSchema, type SpectrumMatrix } from './SpectrumState';

interface Loaded {
  key: string;
  /** Singular values below this are rounding noise of the Gram-matrix route. */
  floor: number;
  rank: number;
  matrix: SpectrumMatrix;
  sigma: Float64Array;
  errors: Float64Array;
  digit?: DigitSpectrum;
  note: string;
}

class SpectrumCell extends HTMLElement {
  private cache = new Map<string, Promise<Loaded>>();

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    const state = cellState(this, spectrumSchema, this.dataset.prefix ?? 'spec', null);
    const q = <T extends Element = HTMLElement>(sel: string) => this.querySelector<T>(sel)!;
    const onNotes = (n: string[]) => showNotes(this, 'input', n);
    const rInput = q<HTMLInputElement>('[data-key="r"]');
    bindInput(state, 'm', q<HTMLSelectElement>('[data-key="m"]'), onNotes);
    bindInput(state, 'digit', q<HTMLInputElement>('[data-key="digit"]'), onNotes);
    bindInput(state, 'r', rInput, onNotes);
    const status = q<HTMLOutputElement>('[data-role="status"]');
    const set = (el: Element, text: string) => { if (el.textContent !== text) el.textContent = text; };

    let current: Loaded | null = null;
    let wanted = '';
    let near = false;

    const matrix = () => SPECTRUM_MATRICES.find((m) => m.id === state.get('m'))!;
    const keyOf = () => (state.get('m') === 'digit' ? `digit:${state.get('digit')}` : state.get('m'));
    const rankMax = (m: SpectrumMatrix) => Math.min(m.m, m.n);

    const render = () => {
      const m = matrix();
      q('[data-role="digit-control"]').hidden = m.id !== 'digit';
      q('[data-role="digits"]').hidden = m.id !== 'digit';
      const max = rankMax(m);
      rInput.max = String(max);
      if (state.get('r') > max) {
        showNotes(this, 'input', [`r: a ${m.m}×${m.n} matrix has at most ${max} singular values; using ${max}.`]);
        state.set('r', max);
        return; // the change re-renders
      }
      const r = state.get('r');
      for (const role of ['r', 'r2', 'r3']) set(q(`[data-role="${role}"]`), String(r));
      const stored = r * (m.m + m.n);
      set(q('[data-role="stored"]'), stored < m.m * m.n
        ? `r(m + n) = ${formatInt(stored)} numbers instead of mn = ${formatInt(m.m * m.n)}`
        : `r(m + n) = ${formatInt(stored)} numbers, no fewer than the ${formatInt(m.m * m.n)} of the matrix itself`);
      const data = current && current.key === keyOf() ? current : null;
      set(q('[data-role="error"]'), data ? formatPercent(data.errors[r], 2) : '—');
      if (!data) return;
      if (data.digit) drawDigits(this, data.digit, r);
      if (near) {
        void drawSpectrum(q('[data-role="spectrum"]'), data, r);
        void drawErrors(q('[data-role="errors"]'), data, r);
      }
    };

    const load = (): Promise<Loaded> => {
      const key = keyOf();
      let p = this.cache.get(key);
      if (!p) {
        const m = matrix();
        p = m.id === 'digit'
          ? engine().run('spectrum.digit', { index: state.get('digit') }).done.then((d) => {
            const floor = d.sigma[0] * 1e-7;
            const rank = numericalRank(d.sigma, floor);
            return {
              key, matrix: m, sigma: d.sigma, errors: lowRankErrors(d.sigma), digit: d, floor, rank,
              note: `Test digit no. ${d.index}, ${d.label === 8 ? 'an' : 'a'} ${d.label}, has rank ${rank}`
                + `${rank < 28 ? `: the other ${28 - rank} singular values are 0 up to rounding` : ''}.`,
            };
          })
          : engine().run('spectrum.weights', { layer: m.layer }).done.then((w) => ({
            key, matrix: m, sigma: w.sigma, errors: lowRankErrors(w.sigma),
            floor: w.sigma[0] * 1e-3, rank: numericalRank(w.sigma, w.sigma[0] * 1e-3),
            note: `W₀ of layer ${w.layer + 1} is ${formatInt(w.d)}×${formatInt(w.k)}: ${formatInt(w.sigma.length)} singular values, `
              + `computed in ${formatMs(w.gramMs)} (Gram matrix) + ${formatMs(w.eigenMs)} (eigenvalues).`,
          }));
        p.catch(() => this.cache.delete(key));
        this.cache.set(key, p);
      }
      return p;
    };

    const refresh = async () => {
      const key = keyOf();
      if (current?.key === key) return render();
      wanted = key;
      const m = matrix();
      status.value = m.id === 'digit' ? 'Computing the digit’s singular values…' : `Computing the singular values of the ${formatInt(m.m)}×${formatInt(m.n)} matrix…`;
      render();
      try {
        const data = await load();
        if (wanted !== data.key) return; // the reader moved on
        current = data;
        clearMessage(this, 'error');
        status.value = data.note;
        render();
      } catch (e) {
        if (wanted !== key) return;
        status.value = 'No singular values.';
        showMessage(this, 'error', `Could not compute the singular values: ${(e as Error).message}`, 'error');
      }
    };

    state.subscribe((_, changed) => {
      if (changed.includes('m') || changed.includes('digit')) void (near ? refresh() : render());
      else render();
    });
    render();
    whenNear(this, () => { near = true; void refresh(); });
  }
}

function paint(canvas: HTMLCanvasElement, pixels: ArrayLike<number>): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    const v = Math.round(255 * Math.min(1, Math.max(0, pixels[i])));
    img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
    img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function drawDigits(cell: HTMLElement, d: DigitSpectrum, r: number): void {
  const original = cell.querySelector<HTMLCanvasElement>('[data-role="original"]')!;
  const approx = cell.querySelector<HTMLCanvasElement>('[data-role="approx"]')!;
  paint(original, d.image);
  paint(approx, rankRApproximation(d.image, 28, 28, d.v, r));
  original.setAttribute('aria-label', `Test digit no. ${d.index}, a handwritten ${d.label}, 28×28 pixels`);
  approx.setAttribute('aria-label', `Its best rank-${r} approximation`);
}

function drawSpectrum(el: HTMLElement, data: Loaded, r: number) {
  const pts = Array.from(data.sigma, (s, i) => ({ i: i + 1, s, kept: i < r ? 'kept' : 'dropped' })).filter((p) => p.s > data.floor);
  const zeros = data.sigma.length - pts.length;
  const label = `Singular values σ₁ … σ${pts.length} on a log scale, from ${formatNumber(pts[0].s, 3)} down to ${formatNumber(pts[pts.length - 1].s, 4)}`
    + `${zeros ? `; ${zeros} more are 0 up to rounding and not drawn` : ''}; the first ${r} are kept.`;
  return renderPlot(el, (Plot, { width, theme }) => Plot.plot({
    width: Math.min(width, 760), height: 260, marginLeft: 64,
    x: { label: 'i', ...(data.sigma.length > 100 ? { type: 'log' } : { domain: [0, data.sigma.length + 1] }) },
    // Plain decimals ('~g': 0.01, 0.0001): SI prefixes ("10m", "100µ") read as units here.
    y: { type: 'log', label: 'singular value σᵢ', grid: true, ticks: 5, tickFormat: '~g' },
    color: { domain: ['kept', 'dropped'], range: [theme.series[0], theme.muted], legend: true },
    marks: [
      Plot.dot(pts, { x: 'i', y: 's', fill: 'kept', r: pts.length > 100 ? 1.5 : 3 }),
      Plot.ruleX([r + 0.5], { stroke: theme.fg, strokeDasharray: '3,3' }),
    ],
  }), { label });
}

function drawErrors(el: HTMLElement, data: Loaded, r: number) {
  const pts = Array.from(data.errors, (e, rr) => ({ r: rr, e }));
  const label = `Relative error of the best rank-r approximation against r: 100% at r = 0, ${formatPercent(data.errors[r], 2)} at r = ${r}, 0 at r = ${pts.length - 1}.`;
  return renderPlot(el, (Plot, { width, theme }) => Plot.plot({
    width: Math.min(width, 760), height: 240, marginLeft: 64,
    x: { label: 'rank r' },
    y: { label: 'relative error', domain: [0, 1], grid: true, tickFormat: (v: number) => `${Math.round(v * 100)}%` },
    marks: [
      Plot.line(pts, { x: 'r', y: 'e', stroke: theme.series[0], strokeWidth: 2 }),
      Plot.dot([{ r, e: data.errors[r] }], { x: 'r', y: 'e', fill: theme.series[1], r: 5 }),
    ],
  }), { label });
}

if (!customElements.get('spectrum-cell')) customElements.define('spectrum-cell', SpectrumCell);
