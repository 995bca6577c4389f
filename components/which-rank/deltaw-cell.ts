// <deltaw-cell>: trains (or reuses) r = 4 and r = 64 adapters on one layer and
// measures how ΔW relates to the frozen W (the LoRA paper's §7.3).
import { formatNumber, formatPercent, formatRatio } from '../lib/format';
import type { DeltaVsWResult } from '../../src/api/whichrank';
import { setupAnalysisCell } from './analysis-cell';

const fmt = (x: number) => formatNumber(x, x < 1 ? 3 : 2);
const amp = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');

/** Plain-language reading of the reader's own numbers (only what they show). */
export function reading(r: DeltaVsWResult): string {
  const [small, large] = r.comparisons;
  const parts: string[] = [];
  for (const c of [small, large]) {
    const vsRandom = c.projDelta / c.projRandom;
    const vsOwn = c.projDelta / c.projW;
    parts.push(`At r = ${c.rank}, the directions ΔW uses hold ${fmt(c.projDelta)} of W: ${vsRandom >= 1 ? `${formatRatio(vsRandom)} what random directions hold` : `less than random directions (${fmt(c.projRandom)})`}, and ${formatPercent(vsOwn, 0)} of what W’s own top-${c.rank} directions hold.`);
  }
  parts.push(small.amplification > large.amplification
    ? `ΔW amplifies its directions by ${amp(small.amplification)} at r = ${small.rank} against ${amp(large.amplification)} at r = ${large.rank}: the small rank concentrates the change on a few directions, as in the paper.`
    : `Here the amplification is not larger at r = ${small.rank} (${amp(small.amplification)}) than at r = ${large.rank} (${amp(large.amplification)}), unlike in the paper.`);
  return parts.join(' ');
}

class DeltaWCell extends HTMLElement {
  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const out = (role: string) => this.querySelector<HTMLOutputElement>(`output[data-role="${role}"]`);
    const show = (r: DeltaVsWResult | null) => {
      for (const rank of [4, 64]) {
        const c = r?.comparisons.find((x) => x.rank === rank);
        for (const key of ['projDelta', 'projW', 'projRandom', 'deltaNorm'] as const) out(`${key}-${rank}`)!.value = c ? fmt(c[key]) : '—';
        out(`amplification-${rank}`)!.value = c ? amp(c.amplification) : '—';
        out(`score-${rank}`)!.value = c ? formatPercent(c.score, 1) : '—';
      }
      out('wNorm')!.value = r ? fmt(r.wNorm) : '—';
      out('reading')!.value = r ? reading(r) : '';
    };
    setupAnalysisCell(this, 'whichrank.deltaVsW', (r) => show(r), () => show(null));
  }
}

if (!customElements.get('deltaw-cell')) customElements.define('deltaw-cell', DeltaWCell);
