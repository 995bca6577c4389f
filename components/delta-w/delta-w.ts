// <delta-w-cell>: trains LoRA on one layer (lora.train, session "dw") in short stretches,
// and after each stretch asks the worker what ΔW = s·BA looks like (delta-w.analyse).
import { defineState, bindInput } from '../lib/state';
import { clearMessage, showMessage, showNotes } from '../lib/messages';
import { whenNear } from '../lib/onscreen';
import { renderPlot } from '../lib/plot';
import type { LegendOptions } from '@observablehq/plot';
import { engine } from '../lib/engine';
import { RunController, runFailure } from '../lib/run-controller';
import { backendLine } from '../lib/backend-line';
import { formatMs, formatNumber, formatPercent } from '../lib/format';
import type { DeltaAnalysis } from '../../src/api/delta-w';
import type { TrainParams } from '../../src/api/lora';
import { deltaSchema, LAYER_D, LAYER_K, timingText, timingsDiffer } from './delta-state';

const SESSION = 'dw';
const CHUNK = 10;
/** Two significant digits: 0.12, −3.4e-4. */
const short = (x: number) => (Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? formatNumber(x, 2) : x.toExponential(1).replace('-', '−'));
const sci = (x: number) => (x === 0 ? '0' : Math.abs(x) >= 0.01 && Math.abs(x) < 1000 ? formatNumber(x, 4) : x.toExponential(2));

class DeltaWCell extends HTMLElement {
  private history: { step: number; norm: number }[] = [];
  private last: DeltaAnalysis | null = null;
  private near = false;

  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const state = defineState(deltaSchema, { prefix: this.dataset.prefix ?? SESSION });
    const q = <T extends Element = HTMLElement>(sel: string) => this.querySelector<T>(sel)!;
    const onNotes = (n: string[]) => showNotes(this, 'input', n);
    const rInput = q<HTMLInputElement>('[data-key="r"]');
    const fitRank = (notes: string[]) => {
      const l = Number(state.get('layer')) - 1;
      const max = Math.min(deltaSchema.r.max, LAYER_D[l], LAYER_K[l]);
      rInput.max = String(max);
      if (state.get('r') > max) {
        notes.push(`Rank r: layer ${l + 1} has only ${LAYER_D[l]} outputs, so r ≤ ${max}; using ${max}.`);
        state.set('r', max);
      }
      return notes;
    };
    showNotes(this, 'url', fitRank([...state.notes]));
    for (const key of ['layer', 'task'] as const) bindInput(state, key, q<HTMLSelectElement>(`[data-key="${key}"]`), onNotes);
    for (const key of ['r', 'steps', 'seed'] as const) bindInput(state, key, q<HTMLInputElement>(`[data-key="${key}"]`), onNotes);

    const trainBtn = q<HTMLButtonElement>('[data-role="train"]');
    const pauseBtn = q<HTMLButtonElement>('[data-role="pause"]');
    const resetBtn = q<HTMLButtonElement>('[data-role="reset"]');
    const mergeBtn = q<HTMLButtonElement>('[data-role="merge"]');
    const progress = q<HTMLOutputElement>('[data-role="progress"]');
    const out = (role: string, text: string) => { q(`[data-role="${role}"]`).textContent = text; };
    // Pause ends the run after its current stretch and keeps what it learnt (the controller's Stop).
    // Reset stays available while training, as in /mlp/: it stops the run, then resets.
    const ctl = new RunController(this, {
      errorKey: 'error', start: () => [trainBtn], stop: pauseBtn,
      lock: () => this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-key]'),
    });
    const syncMerge = () => { mergeBtn.disabled = ctl.busy || !this.last || this.last.step === 0; };
    ctl.onChange(syncMerge);
    const params = (steps: number): TrainParams => {
      const v = state.values();
      return {
        session: SESSION, task: v.task, mode: 'lora', layers: [Number(v.layer) - 1], rank: v.r, alpha: v.r,
        scaling: 'alpha/r', init: 'kaiming-uniform', learningRate: 1e-3, batchSize: 64, steps, seed: v.seed, evalEvery: 0,
      };
    };

    const analyse = async () => {
      const a = await engine().run('delta-w.analyse', { session: SESSION, layer: Number(state.get('layer')) - 1, rank: state.get('r') }).done;
      this.last = a;
      if (!this.history.length || this.history[this.history.length - 1].step !== a.step) this.history.push({ step: a.step, norm: a.frobenius });
      out('step', String(a.step));
      out('norm', `${sci(a.frobenius)} (${sci(a.w0Frobenius)}; ratio ${formatPercent(a.frobenius / a.w0Frobenius, 2)})`);
      out('rank', a.step === 0 ? `0 (B = 0) ≤ r = ${a.rank}` : `${a.numericalRank} ≤ r = ${a.rank}`);
      out('sigma', a.step === 0 ? 'all 0' : `${a.sigma.map(sci).join(', ')}  (√Σσ² = ${sci(a.frobeniusFromSigma)})`);
      if (this.near) this.draw();
      return a;
    };

    const reset = (why: string) => ctl.reset(async () => {
      clearMessage(this, 'error');
      this.history = [];
      this.last = null;
      out('loss', '—');
      out('score', '—');
      for (const r of ['diff', 'unmerged-ms', 'merged-ms']) out(r, '—');
      await engine().run('lora.reset', { session: SESSION }).done;
      progress.value = why;
      await analyse();
    });

    const train = async (current: () => boolean) => {
      if (!current()) return;
      await ctl.session(() => stretches(current));
    };
    /** Trains in stretches of CHUNK steps, analysing ΔW after each, until the target or a Pause. */
    const stretches = async (current: () => boolean) => {
      clearMessage(this, 'error');
      const target = (this.last?.step ?? 0) + state.get('steps');
      try {
        let step = this.last?.step ?? 0;
        while (step < target && !ctl.stopping && current()) {
          const next = Math.min(target, step + CHUNK);
          progress.value = `Training: step ${step} of ${target}…`;
          const r = await ctl.job('lora.train', params(next), (e) => {
            if (e.kind === 'step' && e.loss !== undefined) out('loss', formatNumber(e.loss, 3));
          });
          if (!current()) return; // a Reset came: it runs next and redraws
          step = r.step;
          out('score', formatPercent(r.evaluation.score, 1));
          await analyse();
        }
        const b = await engine().backend;
        if (current()) progress.value = `${ctl.stopping ? 'Paused' : 'Trained'} at step ${step} on ${backendLine(b)}. Press Train for ${state.get('steps')} more steps.`;
      } catch (e) {
        const text = runFailure(e, 'delta-w training');
        if (text && current()) {
          showMessage(this, 'error', text, 'error');
          progress.value = 'Stopped. Reset to start again.';
        }
      }
      // A Reset asked for during this run comes next, and the controller leaves the controls to it
      // until B = 0 again: enabling them here would show Train ready beside the old step count.
    };
    trainBtn.addEventListener('click', () => ctl.train(train));
    resetBtn.addEventListener('click', () => void reset('Reset: B = 0 again, so ΔW = 0.'));
    // Queued like Train, so a Reset waits for it instead of disposing the adapter it is merging.
    mergeBtn.addEventListener('click', () => ctl.train(async (current) => {
      if (!current()) return;
      await ctl.session(() => merge());
    }));
    const merge = async () => {
      clearMessage(this, 'error');
      progress.value = 'Merging into a copy and timing both versions…';
      try {
        const m = await engine().run(
          'delta-w.merge', { session: SESSION, batch: 64, samples: 20 }).done;
        out('diff', `${m.maxAbsDiff.toExponential(1)} (logits up to ${formatNumber(m.maxAbs, 1)} in size)`);
        out('unmerged-ms', timingText(m.unmergedMs, m.unmergedQuartiles, formatMs));
        out('merged-ms', timingText(m.mergedMs, m.mergedQuartiles, formatMs));
        progress.value = `Merged and compared on ${m.batch} test digits (median of ${m.samples} timings each). `
          + (timingsDiffer(m.unmergedQuartiles, m.mergedQuartiles)
            ? `The merged pass was ${m.mergedMs < m.unmergedMs ? 'faster' : 'slower'}, by more than the timings scatter.`
            : 'The middle halves of the two sets of timings overlap: on this device the difference is within the noise.');
      } catch (e) {
        showMessage(this, 'error', (e as Error).message, 'error');
      }
    };

    state.subscribe((_, changed) => {
      if (changed.includes('layer')) showNotes(this, 'input', fitRank([]));
      if (changed.some((k) => k !== 'steps') && this.near) void reset('Settings changed: a fresh adapter, B = 0, so ΔW = 0.');
    });
    whenNear(this, () => {
      this.near = true;
      void reset('Not trained yet: B = 0, so ΔW = 0.').catch((e) => showMessage(this, 'error', (e as Error).message, 'error'));
    });
  }

  private draw(): void {
    const a = this.last;
    if (!a) return;
    void heatmap(this.querySelector<HTMLElement>('[data-role="heat-w0"]')!, a, 'w0');
    void heatmap(this.querySelector<HTMLElement>('[data-role="heat-dw"]')!, a, 'dw');
    const hist = this.history;
    void renderPlot(this.querySelector<HTMLElement>('[data-role="history"]')!, (Plot, { width, theme }) => Plot.plot({
      width, height: 200, marginLeft: 60,
      // A lone point at step 0 made a [0, 0] domain with one tick, "0.000000": steps are whole numbers from 0.
      x: { label: 'training step', domain: [0, Math.max(10, ...hist.map((h) => h.step))], tickFormat: (v: number) => formatNumber(v, 0) },
      // Before training every norm is 0: keep a [0, 1] axis then rather than a degenerate one.
      y: { label: '‖ΔW‖_F', grid: true, zero: true, ...(hist.some((h) => h.norm > 0) ? {} : { domain: [0, 1], ticks: [0, 0.5, 1] }) },
      marks: [
        Plot.line(hist, { x: 'step', y: 'norm', stroke: theme.series[0], strokeWidth: 2 }),
        Plot.dot(hist, { x: 'step', y: 'norm', fill: theme.series[0], r: 3 }),
      ],
    }), { label: `Frobenius norm of ΔW after each stretch of training: ${hist.map((h) => `step ${h.step}: ${sci(h.norm)}`).join(', ')}.` });
  }
}

/**
 * The ramp legend's end ticks (±max) are centred on its ends: margins keep their labels inside it.
 * Plot takes a legend's options from its scale's (legend.d.ts); the scale's type does not list them.
 */
const LEGEND_MARGINS: Pick<LegendOptions, 'marginLeft' | 'marginRight'> = { marginLeft: 16, marginRight: 16 };

function heatmap(el: HTMLElement, a: DeltaAnalysis, which: 'w0' | 'dw') {
  const { rows, cols } = a.heat;
  const values = a.heat[which];
  // Colour range: the 99th percentile of |entry|, so a few outliers do not wash the rest out.
  const abs = Array.from(values, Math.abs).sort((x, y) => x - y);
  const m = abs.length ? abs[Math.floor(0.99 * (abs.length - 1))] || abs[abs.length - 1] : 0;
  const data = Array.from(values, (v, i) => ({ row: Math.floor(i / cols.length), col: i % cols.length, v }));
  const name = which === 'w0' ? 'W₀' : 'ΔW';
  const sampled = rows.length < a.d || cols.length < a.k;
  const title = `${name}, ${a.d}×${a.k}${sampled ? `, ${rows.length}×${cols.length} entries shown` : ''}`;
  const label = `${title}, as a heatmap${m === 0 ? ': all entries are 0.' : `; colours run from −${sci(m)} to ${sci(m)}.`}`;
  return renderPlot(el, (Plot, { width }) => {
    const w = Math.min(width, 420);
    const cell = Math.max(2, Math.floor((w - 20) / cols.length));
    return Plot.plot({
      width: w, height: cell * rows.length + 10, marginLeft: 10, marginRight: 10, marginTop: 5, marginBottom: 5,
      caption: title,
      x: { axis: null },
      y: { axis: null },
      color: {
        type: 'linear', scheme: 'RdBu', domain: [-(m || 1), m || 1], clamp: true, legend: true, ...LEGEND_MARGINS,
        label: `${name} entry${m === 0 ? ' (all 0)' : ''}`, ticks: [-(m || 1), 0, m || 1], tickFormat: (v: number) => (v === 0 ? '0' : short(v)),
      },
      marks: [Plot.cell(data, { x: 'col', y: 'row', fill: 'v', inset: 0 })],
    });
  }, { label });
}

if (!customElements.get('delta-w-cell')) customElements.define('delta-w-cell', DeltaWCell);
