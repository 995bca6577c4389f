// <alpha-slider>: one LoRA run at a chosen α (and rank, scaling, optimizer); runs pile up
// in a table and a chart so the reader can compare; divergence is caught and shown.
import { cellState, firstConnect } from '../lib/cell-state';
import { bindInput } from '../lib/state';
import { clearMessage, showMessage, showNotes } from '../lib/messages';
import { whenNear } from '../lib/onscreen';
import { clearPlot, renderPlot } from '../lib/plot';
import { formatInt, formatNumber, formatPercent } from '../lib/format';
import type { AlphaRunEvent, AlphaRunResult } from '../../src/api/alphar';
import { SLIDER_LR, sliderSchema } from './alpha-state';
import { divergedText, finalLoss, scaleOf } from './alpha-math';
import { RunController } from '../lib/run-controller';

const ME = 'slider';
const MAX_RUNS = 8;

interface SliderRun {
  id: number;
  alpha: number;
  scale: number;
  label: string;
  losses: AlphaRunEvent[];
  result: AlphaRunResult | null;
  diverged: string | null;
  /** The last step a run reached when Stop cut it short (null: it ran all its steps). */
  stoppedAt: number | null;
}

const fmtAlpha = (a: number) => formatInt(a);

class AlphaSlider extends HTMLElement {
  private runs: SliderRun[] = [];
  private nextId = 1;
  private near = false;

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    const state = cellState(this, sliderSchema, this.dataset.prefix ?? 'al', null);
    const q = <T extends Element = HTMLElement>(sel: string) => this.querySelector<T>(sel)!;
    const onNotes = (n: string[]) => showNotes(this, 'input', n);
    const slider = q<HTMLInputElement>('[data-key="log2alpha"]');
    bindInput(state, 'log2alpha', slider, onNotes);
    for (const k of ['r', 'scaling', 'opt'] as const) bindInput(state, k, q<HTMLSelectElement>(`[data-key="${k}"]`), onNotes);
    for (const k of ['steps', 'seed'] as const) bindInput(state, k, q<HTMLInputElement>(`[data-key="${k}"]`), onNotes);
    const runBtn = q<HTMLButtonElement>('[data-role="run"]');
    const stopBtn = q<HTMLButtonElement>('[data-role="stop"]');
    const clearBtn = q<HTMLButtonElement>('[data-role="clear"]');
    const progress = q<HTMLOutputElement>('[data-role="progress"]');

    const showAlpha = () => {
      const alpha = 2 ** state.get('log2alpha');
      const r = Number(state.get('r'));
      const sc = state.get('scaling');
      q('[data-role="alpha"]').textContent = fmtAlpha(alpha);
      slider.setAttribute('aria-valuetext', `α = ${fmtAlpha(alpha)}`);
      q('[data-role="scale"]').textContent = `${sc === 'alpha/r' ? 'α/r' : 'α/√r'} = ${fmtAlpha(alpha)}/${sc === 'alpha/r' ? r : `√${r}`} = ${formatNumber(scaleOf(alpha, r, sc), 3)}`;
    };
    state.subscribe(showAlpha);
    showAlpha();
    const ctl = new RunController(this, { owner: ME, start: () => [runBtn], stop: stopBtn, lock: () => [clearBtn] });
    whenNear(this, () => { this.near = true; this.draw(); });

    runBtn.addEventListener('click', () => void ctl.session(async () => {
      clearMessage(this, 'error');
      const v = state.values();
      const alpha = 2 ** v.log2alpha;
      const r = Number(v.r);
      const run: SliderRun = {
        id: this.nextId++, alpha, scale: scaleOf(alpha, r, v.scaling),
        label: `#${this.nextId - 1}: α = ${fmtAlpha(alpha)}, r = ${r}, ${v.scaling === 'alpha/r' ? 'α/r' : 'α/√r'}, ${v.opt === 'adam' ? 'Adam' : 'SGD'}`,
        losses: [], result: null, diverged: null, stoppedAt: null,
      };
      this.runs.push(run);
      if (this.runs.length > MAX_RUNS) this.runs.shift();
      this.renderTable();
      const job = ctl.job('alphar.train', {
        task: 'rotated', layers: [0, 1, 2], rank: r, alpha, scaling: v.scaling, optimizer: v.opt,
        learningRate: SLIDER_LR[v.opt], steps: v.steps, seed: v.seed,
      }, (e) => {
        run.losses.push(e);
        progress.value = `Run ${run.label}: step ${e.step} of ${v.steps}, loss ${formatNumber(e.loss, 3)}`;
        this.draw();
      });
      try {
        run.result = await job;
        run.losses = run.result.losses;
        const start = run.losses[0]?.loss;
        const end = finalLoss(run.losses);
        const reached = run.losses.at(-1)?.step ?? 0;
        if (ctl.stopping && reached < v.steps) run.stoppedAt = reached;
        progress.value = run.stoppedAt !== null ? `Run ${run.label} stopped at step ${run.stoppedAt} of ${v.steps}; its row shows the loss and score it had reached. `
          + `Training loss went from ${formatNumber(start, 3)} (first steps) to ${formatNumber(end, 3)} (last steps).`
          : `Run ${run.label} done. The base model scores ${formatPercent(run.result.baseScore, 1)} on rotated digits; `
          + `this run’s training loss went from ${formatNumber(start, 3)} (first steps) to ${formatNumber(end, 3)} (last steps)`
          + `${end > start ? ': higher than where it started, so the updates overshoot.' : '.'}`;
      } catch (e) {
        const err = e as Error;
        if (err.name === 'TrainingDiverged') {
          run.diverged = /at step (\d+)/.exec(err.message)?.[1] ?? '?';
          showMessage(this, 'error', divergedText(err.message, runBtn.textContent?.trim() ?? 'Train', clearBtn.textContent?.trim() ?? 'Clear runs'), 'error');
          progress.value = `Run ${run.label} diverged.`;
        } else {
          this.runs = this.runs.filter((x) => x !== run);
          showMessage(this, 'error', `The run failed: ${err.message}`, 'error');
          progress.value = 'No run.';
        }
      } finally {
        this.renderTable();
        this.draw();
      }
    }));
    clearBtn.addEventListener('click', () => {
      this.runs = [];
      clearMessage(this, 'error');
      progress.value = 'Runs cleared.';
      this.renderTable();
      clearPlot(this.querySelector<HTMLElement>('[data-role="curves"]')!);
    });
  }

  private renderTable(): void {
    const tbody = this.querySelector('[data-role="rows"]')!;
    const baseScore = this.runs.find((r) => r.result)?.result?.baseScore;
    const baseRow = document.createElement('tr');
    if (baseScore !== undefined) {
      baseRow.innerHTML = '<th scope="row">base</th><td>—</td><td>0</td><td>—</td><td>0%</td><td><output></output></td>';
      baseRow.querySelector('output')!.textContent = formatPercent(baseScore, 1);
    }
    tbody.replaceChildren(...(baseScore !== undefined ? [baseRow] : []), ...this.runs.map((run) => {
      const tr = document.createElement('tr');
      if (run.diverged) tr.className = 'diverged';
      const res = run.result;
      const ratio = res ? Math.sqrt(res.layerNorms.reduce((s, l) => s + l.norm ** 2, 0) / res.layerNorms.reduce((s, l) => s + l.w0Norm ** 2, 0)) : NaN;
      const cells = [
        `#${run.id}`, fmtAlpha(run.alpha), formatNumber(run.scale, 3),
        run.diverged ? `diverged at step ${run.diverged}` : res ? `${formatNumber(finalLoss(res.losses), 3)}${run.stoppedAt !== null ? ` (stopped at step ${run.stoppedAt})` : ''}` : 'training…',
        res ? formatPercent(ratio, 2) : '—',
        res ? formatPercent(res.score, 1) : '—',
      ];
      cells.forEach((text, i) => {
        const td = document.createElement(i === 0 ? 'th' : 'td');
        if (i === 0) (td as HTMLTableCellElement).scope = 'row';
        const o = document.createElement('output');
        o.textContent = text;
        td.append(o);
        tr.append(td);
      });
      return tr;
    }));
  }

  private draw(): void {
    if (!this.near) return;
    // A diverged run may have no finite loss to draw: its legend entry says so instead of promising a line.
    const drawn = (r: SliderRun) => r.losses.some((l) => Number.isFinite(l.loss) && l.loss > 0);
    const legendName = (r: SliderRun) => (r.diverged ? `${r.label} (diverged at step ${r.diverged}${drawn(r) ? '' : '; nothing to draw'})` : r.label);
    const points = this.runs.flatMap((run) => run.losses.filter((l) => Number.isFinite(l.loss) && l.loss > 0).map((l) => ({ ...l, run: legendName(run) })));
    if (!points.length) return;
    const labels = this.runs.map(legendName);
    void renderPlot(this.querySelector<HTMLElement>('[data-role="curves"]')!, (Plot, { width, theme }) => Plot.plot({
      width, height: 280, marginLeft: 60,
      x: { label: 'step' },
      y: { type: 'log', label: 'training loss (log scale)', grid: true, ticks: 6 },
      color: { domain: labels, range: [...theme.series, theme.fg, theme.muted, theme.accent, theme.series[0]], legend: true },
      marks: [Plot.line(points, { x: 'step', y: 'loss', stroke: 'run', z: 'run', strokeWidth: 2 })],
    }), { label: `Training loss against step for each run: ${this.runs.map((r) => `${r.label}: ${r.diverged ? 'diverged' : r.result ? `final loss ${formatNumber(finalLoss(r.losses), 3)}` : 'training'}`).join('; ')}.` });
  }
}

if (!customElements.get('alpha-slider')) customElements.define('alpha-slider', AlphaSlider);
