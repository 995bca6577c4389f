// <merge-latency>: trains a short adapter in the worker, merges a copy into a
// clone of the base, times base / unmerged / merged inference, then unmerges
// and reports how exactly the round trip restores W₀.
import { cellState, firstConnect } from '../lib/cell-state';
import { clearMessage, showMessage } from '../lib/messages';
import { formatMs, formatPercent } from '../lib/format';
import type { Timing } from '../../src/api/merge';
import { RunController } from '../lib/run-controller';
import { backendLabel, formatDiff, signedVsBase } from './format';
import { backendLine } from '../lib/backend-line';
import { engine } from '../lib/engine';

const schema = {
  steps: { kind: 'enum', options: ['25', '50', '100', '200'], default: '50', label: 'Training steps' },
  repeats: { kind: 'enum', options: ['10', '30', '100'], default: '30', label: 'Timed samples' },
  seed: { kind: 'int', min: 0, max: 9999, default: 1, label: 'Seed' },
} as const;

class MergeLatency extends HTMLElement {
  connectedCallback(): void {
    if (!firstConnect(this)) return;
    const state = cellState(this, schema, this.dataset.prefix ?? 'ml');
    const q = <T extends Element>(sel: string) => this.querySelector<T>(sel)!;
    const out = (role: string, scope: ParentNode = this) => scope.querySelector<HTMLOutputElement>(`output[data-role="${role}"]`)!;
    const bar = q<HTMLProgressElement>('progress');
    const run = q<HTMLButtonElement>('button[data-role="run"]');
    const runner = new RunController(this, { stop: q<HTMLButtonElement>('button[data-role="stop"]'), lock: () => [run, ...this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-key]')] });

    run.addEventListener('click', async () => {
      clearMessage(this, 'run');
      const steps = Number(state.get('steps'));
      const repeats = Number(state.get('repeats'));
      bar.max = steps + 2 * repeats;
      bar.value = 0;
      out('progress').value = 'Starting…';
      const outcome = await runner.run('merge.latency', { session: 'merge-latency', task: 'rotated', steps, repeats, seed: state.get('seed') }, (e) => {
        if (e.kind === 'step') {
          bar.value = e.step;
          out('progress').value = `Training: step ${e.step} of ${e.steps}`;
        } else {
          bar.value = steps + e.done;
          out('progress').value = `Timing: sample round ${e.done} of ${e.total}`;
        }
      });
      if (!outcome.ok) {
        out('progress').value = outcome.stopped ? 'Stopped.' : 'Stopped with an error.';
        if (!outcome.stopped) showMessage(this, 'run', `${outcome.error.message} Run again to retry.`, 'error');
        return;
      }
      const r = outcome.result;
      bar.value = bar.max;
      out('progress').value = `Done: ${r.repeats} samples per model and batch size.`;
      for (const t of r.timings) {
        const row = q<HTMLTableRowElement>(`tr[data-batch="${t.batch}"]`);
        for (const m of ['base', 'unmerged', 'merged'] as const) {
          const x: Timing = t[m];
          out(m, row).value = formatMs(x.median);
          const vsBase = m === 'base' ? '' : ` · ${signedVsBase(x.median / t.base.median - 1)}`;
          row.querySelector<HTMLElement>(`[data-spread="${m}"]`)!.textContent = `spread ${formatMs(x.q1).replace(/ m?s$/, '')}–${formatMs(x.q3)}${vsBase}`;
        }
      }
      out('diff').value = formatDiff(r.check.mergedVsUnmerged);
      out('restored').value = formatDiff(r.check.restoredWeights);
      out('score').value = `${formatPercent(r.score.unmerged, 1)} / ${formatPercent(r.score.merged, 1)}`;
      // The page's engine, with its thread count (the timings depend on it); the job's own name if they differ.
      const info = await engine().backend.catch(() => null);
      out('backend').value = info && info.name === r.backend ? backendLine(info) : backendLabel(r.backend);
    });
  }
}


if (!customElements.get('merge-latency')) customElements.define('merge-latency', MergeLatency);
