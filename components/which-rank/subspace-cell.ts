// <subspace-cell>: trains (or reuses) A at r = 8, r = 64 and r = 64 with another
// seed on one layer, and draws φ(i, j) between their right-singular subspaces.
import { formatNumber, formatPercent } from '../lib/format';
import { clearPlot, renderPlot } from '../lib/plot';
import { showMessage } from '../lib/messages';
import type { SubspaceResult } from '../../src/api/whichrank';
import { setupAnalysisCell } from './analysis-cell';

const phi = (grid: number[], cols: number, i: number, j: number) => grid[(i - 1) * cols + (j - 1)];
const fmt = (x: number) => formatNumber(x, 2);

function heatmap(el: HTMLElement, grid: number[], rows: number, cols: number, name: string) {
  const data = grid.map((v, n) => ({ i: Math.floor(n / cols) + 1, j: (n % cols) + 1, v }));
  const square = rows === cols;
  return renderPlot(el, (Plot, { width }) => {
    const w = square ? Math.min(width, 420) : width;
    const plotW = w - 60;
    const cell = plotW / cols;
    return Plot.plot({
      width: w, height: Math.round(rows * Math.max(cell, 10)) + 70, marginLeft: 40, marginRight: 20, marginBottom: 36,
      x: { domain: [0.5, cols + 0.5], label: 'j', ticks: cols === 64 ? [1, 8, 16, 32, 64] : undefined },
      y: { domain: [0.5, rows + 0.5], reverse: true, label: 'i', ticks: rows === 64 ? [1, 8, 16, 32, 64] : [1, 2, 4, 8] },
      color: { type: 'linear', domain: [0, 1], scheme: 'viridis', legend: true, label: 'φ' },
      marks: [Plot.raster(data, { x: 'j', y: 'i', fill: 'v', width: cols, height: rows, x1: 0.5, x2: cols + 0.5, y1: 0.5, y2: rows + 0.5, imageRendering: 'pixelated' })],
    });
  }, { label: `${name}: φ(1, 1) = ${fmt(phi(grid, cols, 1, 1))}, φ(${rows}, ${cols}) = ${fmt(phi(grid, cols, rows, cols))}; φ(${Math.min(rows, 8)}, 8) = ${fmt(phi(grid, cols, Math.min(rows, 8), 8))}.` });
}

class SubspaceCell extends HTMLElement {
  private last: SubspaceResult | null = null;

  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const out = (role: string) => this.querySelector<HTMLOutputElement>(`output[data-role="${role}"]`)!;
    const slot = (role: string) => this.querySelector<HTMLElement>(`[data-role="${role}"]`)!;
    const show = (r: SubspaceResult | null) => {
      this.last = r;
      out('scores').value = r ? r.scores.map((s) => `r = ${s.rank}, seed ${s.seed}: ${formatPercent(s.score, 1)}`).join('; ') : '—';
      out('ranks11').value = r ? fmt(phi(r.ranks, r.large, 1, 1)) : '—';
      out('ranks88').value = r ? fmt(phi(r.ranks, r.large, r.small, r.small)) : '—';
      out('seeds11').value = r ? fmt(phi(r.seeds, r.large, 1, 1)) : '—';
      out('seeds6464').value = r ? fmt(phi(r.seeds, r.large, r.large, r.large)) : '—';
      out('random6464').value = r ? `${fmt(phi(r.random, r.large, r.large, r.large))} (expected ${fmt(r.large / r.k)} = 64/${r.k})` : '—';
      if (!r) {
        for (const role of ['ranks', 'seeds', 'random']) clearPlot(slot(role));
        return;
      }
      Promise.all([
        heatmap(slot('ranks'), r.ranks, r.small, r.large, 'r = 8 against r = 64'),
        heatmap(slot('seeds'), r.seeds, r.large, r.large, 'r = 64, two seeds'),
        heatmap(slot('random'), r.random, r.large, r.large, 'Two random subspaces'),
      ]).catch((e: Error) => showMessage(this, 'chart', `The heatmaps could not be drawn: ${e.message}`, 'error'));
    };
    setupAnalysisCell(this, 'whichrank.subspace', (r) => show(r), () => {
      if (this.last) show(null);
    });
  }
}

if (!customElements.get('subspace-cell')) customElements.define('subspace-cell', SubspaceCell);
