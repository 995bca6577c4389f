// <latency-cell>: times the base, a sequential bottleneck adapter and LoRA (unmerged,
// merged) on this device, in the engine worker, and shows the medians and every sample.
import { cellState, firstConnect } from '../lib/cell-state';
import { bindInput } from '../lib/state';
import { clearMessage, showMessage, showNotes } from '../lib/messages';
import { whenNear } from '../lib/onscreen';
import { clearPlot, renderPlot } from '../lib/plot';
import { backendLabel } from '../lib/backend-line';
import { engine } from '../lib/engine';
import { RunController } from '../lib/run-controller';
import { formatMs, formatNumber } from '../lib/format';
import type { LatencyResult, Variant } from '../../src/api/peft';
import { quantile } from '../../src/core/stats';

const BATCHES = [1, 64];
const NAMES: Record<Variant, string> = {
  base: 'base', adapter: 'bottleneck adapter', lora: 'LoRA, not merged', merged: 'LoRA, merged',
};

const schema = {
  after: { kind: 'enum', options: ['1', '2'], default: '1', label: 'After layer' },
  m: { kind: 'enum', options: ['4', '16', '64', '256'], default: '16', label: 'Bottleneck m' },
  samples: { kind: 'int', min: 5, max: 100, default: 25, label: 'Samples' },
} as const;

const signedPercent = (x: number) => `${x >= 0 ? '+' : '−'}${formatNumber(Math.abs(x) * 100, 1)}%`;

class LatencyCell extends HTMLElement {

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    const state = cellState(this, schema, this.dataset.prefix ?? 'lat', null);
    const q = <T extends Element = HTMLElement>(sel: string) => this.querySelector<T>(sel)!;
    const onNotes = (n: string[]) => showNotes(this, 'input', n);
    bindInput(state, 'after', q<HTMLSelectElement>('[data-key="after"]'), onNotes);
    bindInput(state, 'm', q<HTMLSelectElement>('[data-key="m"]'), onNotes);
    bindInput(state, 'samples', q<HTMLInputElement>('[data-key="samples"]'), onNotes);
    const runBtn = q<HTMLButtonElement>('[data-role="run"]');
    const stopBtn = q<HTMLButtonElement>('[data-role="stop"]');
    const progress = q<HTMLOutputElement>('[data-role="progress"]');
    const ctl = new RunController(this, { start: () => [runBtn], stop: stopBtn });
    let near = false;
    whenNear(this, () => (near = true));
    // Results belong to the settings they were measured with: a change (or a new run) clears them,
    // so a table from another m or layer is never shown as if it were the current one.
    state.subscribe(() => { if (!ctl.active) this.clear('Settings changed: press Measure.'); });

    runBtn.addEventListener('click', () => void ctl.session(async () => {
      clearMessage(this, 'error');
      const backend = engine().backend.then((b) => backendLabel(b.name), () => 'an unknown backend');
      let lastBackend = 'this device';
      void backend.then((b) => (lastBackend = b));
      this.clear('Starting the engine…');
      const v = state.values();
      const job = ctl.job('peft.latency', {
        after: Number(v.after) - 1, bottleneck: Number(v.m), batches: BATCHES, samples: v.samples, seed: 1,
      }, (e) => { progress.value = `Measuring on ${lastBackend}: sample ${e.done} of ${e.total}…`; });
      try {
        const r = await job;
        const name = await backend;
        progress.value = `Measured on ${name} with a bottleneck of m = ${v.m} after layer ${v.after}: ${v.samples} samples per model and batch size, after a warm-up.`;
        this.show(r, name, near);
      } catch (e) {
        const err = e as Error;
        if (err.name === 'JobStopped') progress.value = 'Stopped. Press Measure to start again.';
        else {
          progress.value = 'No measurement.';
          showMessage(this, 'error', `The measurement failed: ${err.message}`, 'error');
        }
      }
    }));
  }

  /** Empty the table, the summary and the chart. */
  private clear(status: string): void {
    for (const el of this.querySelectorAll('tr[data-variant] [data-f]')) el.textContent = el.getAttribute('data-f')!.startsWith('rel') ? '' : '—';
    this.querySelector<HTMLOutputElement>('[data-role="summary"]')!.value = '';
    clearPlot(this.querySelector<HTMLElement>('[data-role="chart"]')!);
    this.querySelector<HTMLOutputElement>('[data-role="progress"]')!.value = status;
  }

  private show(r: LatencyResult, backend: string, drawNow: boolean): void {
    const med = (v: Variant, b: number) => r.rows.find((x) => x.variant === v && x.batch === b)!;
    for (const row of r.rows) {
      const tr = this.querySelector(`tr[data-variant="${row.variant}"]`)!;
      const base = med('base', row.batch).medianMs;
      tr.querySelector(`[data-f="ms-${row.batch}"]`)!.textContent = formatMs(row.medianMs);
      tr.querySelector(`[data-f="rel-${row.batch}"]`)!.textContent = row.variant === 'base' ? '' : `(${signedPercent(row.medianMs / base - 1)})`;
    }
    const parts = BATCHES.map((b) => {
      const base = med('base', b);
      const spread = (quantile(base.samplesMs, 0.75) - quantile(base.samplesMs, 0.25)) / base.medianMs;
      const ad = med('adapter', b).medianMs / base.medianMs - 1;
      const mg = med('merged', b).medianMs / base.medianMs - 1;
      return `At batch ${b}, the adapter changed the median by ${signedPercent(ad)} and the merged LoRA model by ${signedPercent(mg)}; `
        + `the base’s own samples scatter by ${formatNumber(spread * 100, 1)}% (interquartile range over median).`;
    });
    this.querySelector<HTMLOutputElement>('[data-role="summary"]')!.value =
      `On ${backend}: ${parts.join(' ')} Merged and unmerged LoRA gave the same logits up to ${r.mergeMaxAbsDiff.toExponential(1)} (largest difference).`;
    if (drawNow) void drawChart(this.querySelector<HTMLElement>('[data-role="chart"]')!, r);
  }
}

function drawChart(el: HTMLElement, r: LatencyResult) {
  const points = r.rows.flatMap((row) => row.samplesMs.map((ms) => ({ variant: NAMES[row.variant], batch: `batch ${row.batch}`, ms })));
  const medians = r.rows.map((row) => ({ variant: NAMES[row.variant], batch: `batch ${row.batch}`, ms: row.medianMs }));
  const label = `Every timed sample, in milliseconds per forward pass, for each model at batch 1 and batch 64. Medians: ${r.rows
    .map((row) => `${NAMES[row.variant]} at batch ${row.batch}, ${formatMs(row.medianMs)}`).join('; ')}.`;
  return renderPlot(el, (Plot, { width, theme }) => Plot.plot({
    width, height: 260, marginLeft: 130, marginRight: 72, // room for the facet labels "batch 64"

    fy: { label: null },
    facet: { data: points, y: 'batch' },
    // '~g': 0.4, 2, 10 — milliseconds, not SI prefixes ("400m" would read as 400 ms).
    x: { type: 'log', label: 'ms per forward pass (log scale)', grid: true, tickFormat: '~g' },
    y: { label: null, domain: Object.values(NAMES) },
    marks: [
      Plot.dot(points, { x: 'ms', y: 'variant', fy: 'batch', stroke: theme.series[0], strokeOpacity: 0.5, r: 2.5 }),
      Plot.tickX(medians, { x: 'ms', y: 'variant', fy: 'batch', stroke: theme.fg, strokeWidth: 2 }),
    ],
  }), { label });
}

if (!customElements.get('latency-cell')) customElements.define('latency-cell', LatencyCell);
