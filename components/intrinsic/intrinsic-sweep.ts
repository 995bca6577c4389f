// <intrinsic-sweep>: draws the script's precomputed accuracy-vs-d sweep, runs
// the reader's own sweep in the engine worker (job intrinsic.sweep: direct
// training first, then one subspace run per d), and adds the reader's single
// runs from <intrinsic-run> as they finish.
import { cellState, firstConnect } from '../lib/cell-state';
import type { StateStore } from '../lib/state';
import { clearMessage, showMessage } from '../lib/messages';
import { formatInt, formatNumber, formatPercent } from '../lib/format';
import { whenNear } from '../lib/onscreen';
import { engine } from '../lib/engine';
import { RunController } from '../lib/run-controller';
import type { SweepParams } from '../../src/api/intrinsic';
import { readD90, type SweepPoint } from '../../src/core/intrinsic';
import sweep from '../../src/generated/intrinsic-sweep.json';
import { SWEEP_LISTS, listText, logCrossing, sweepProgressText, sweepSchema, type SweepList } from './logic';
import { RUN_RESULT_EVENT, type RunResultDetail } from './run-result';
import { drawSweep, type ChartData } from './sweep-chart';

const SESSION = 'intrinsic-sweep';

class IntrinsicSweep extends HTMLElement {
  private state!: StateStore<typeof sweepSchema>;
  private ctl!: RunController;
  private near = false;
  private data: ChartData = {
    script: { points: sweep.points.map(({ d, accuracy }) => ({ d, accuracy })), baseline: sweep.baseline.accuracy, threshold: sweep.threshold, d90: sweep.d90.firstReaching },
    browser: { points: [], baseline: null, threshold: null, d90: null },
    singles: [],
  };

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    this.state = cellState(this, sweepSchema, this.dataset.prefix ?? 'sw');
    // A different series, length or seed is a different experiment: start the reader's curve afresh.
    this.state.subscribe(() => {
      this.out('ds').value = listText(this.state.get('list') as SweepList);
      if (this.ctl.active) return;
      this.data.browser = { points: [], baseline: null, threshold: null, d90: null };
      this.showOutputs();
      this.redraw();
    });
    this.ctl = new RunController(this, {
      owner: SESSION, start: () => [this.button('run')], pause: this.button('pause'), stop: this.button('stop'),
      lock: () => this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-key]'),
      busyNote: 'The cell above is training; the sweep can run when it finishes or is stopped.',
    });
    this.button('run').addEventListener('click', () => void this.ctl.session(() => this.run()));
    this.button('reset').addEventListener('click', () => void this.reset());
    document.addEventListener(RUN_RESULT_EVENT, (e) => {
      const { d, accuracy } = (e as CustomEvent<RunResultDetail>).detail;
      this.data.singles.push({ d, accuracy });
      this.redraw();
    });
    this.showOutputs();
    this.out('ds').value = listText(this.state.get('list') as SweepList);
    whenNear(this, () => {
      this.near = true;
      this.redraw();
    });
  }

  private out(role: string): HTMLOutputElement {
    return this.querySelector<HTMLOutputElement>(`output[data-role="${role}"]`)!;
  }

  private button(role: string): HTMLButtonElement {
    return this.querySelector<HTMLButtonElement>(`button[data-role="${role}"]`)!;
  }

  private redraw(): void {
    this.fillTable();
    if (!this.near) return;
    drawSweep(this.querySelector<HTMLElement>('[data-role="chart"]')!, this.data).catch((e: Error) =>
      showMessage(this, 'chart', `The chart could not be drawn: ${e.message}`, 'error'));
  }

  private fillTable(): void {
    const rows: [string, SweepPoint][] = [
      ...this.data.script.points.map((p) => ['Script (full MNIST)', p] as [string, SweepPoint]),
      ...this.data.browser.points.map((p) => ['Your sweep', p] as [string, SweepPoint]),
      ...this.data.singles.map((p) => ['Your single run', p] as [string, SweepPoint]),
    ];
    const body = this.querySelector('tbody[data-role="rows"]')!;
    body.replaceChildren(...rows.map(([source, p]) => {
      const tr = document.createElement('tr');
      for (const text of [source, formatInt(p.d), formatPercent(p.accuracy, 1)]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }));
  }

  private showOutputs(): void {
    const b = this.data.browser;
    this.out('baseline').value = b.baseline === null ? '—' : formatPercent(b.baseline, 1);
    this.out('threshold').value = b.threshold === null ? '—' : formatPercent(b.threshold, 1);
    if (b.baseline === null || !b.points.length) {
      this.out('d90').value = '—';
      return;
    }
    const r = readD90(b.points, b.baseline);
    const crossing = logCrossing(b.points, r);
    b.threshold = r.threshold;
    b.d90 = r.firstReaching;
    this.out('threshold').value = formatPercent(r.threshold, 1);
    this.out('d90').value = r.firstReaching === null
      ? `not reached (largest d so far: ${formatInt(Math.max(...b.points.map((p) => p.d)))})`
      : crossing === null ? formatInt(r.firstReaching)
        : `${formatInt(r.firstReaching)} (crossing near ${formatInt(crossing)})`;
  }

  /** Runs inside the controller's session (the engine claimed, the settings locked). */
  private async run(): Promise<void> {
    clearMessage(this, 'run');
    const { list, steps, seed } = this.state.values();
    const ds = [...SWEEP_LISTS[list as SweepList]];
    const params: SweepParams = { session: SESSION, ds, steps, seed };
    const bar = this.querySelector<HTMLProgressElement>('progress[data-role="bar"]')!;
    const total = ds.length + 1;
    bar.max = total * steps;
    bar.value = 0;
    this.data.browser = { points: [], baseline: null, threshold: null, d90: null };
    this.showOutputs();
    this.redraw();
    let msPerStep = 0;
    try {
      const r = await this.ctl.job('intrinsic.sweep', params, (e) => {
        if (e.kind === 'start') {
          this.out('loss').value = '—';
          bar.value = e.index * steps;
          this.out('progress').value = sweepProgressText(e.index, e.total, 0, steps, msPerStep);
        } else if (e.kind === 'step') {
          msPerStep = e.msPerStep;
          if (Number.isFinite(e.loss)) this.out('loss').value = formatNumber(e.loss, 3);
          bar.value = e.index * steps + e.step;
          this.out('progress').value = sweepProgressText(e.index, e.total, e.step, steps, msPerStep);
        } else {
          if (e.mode === 'direct') this.data.browser.baseline = e.accuracy;
          else this.data.browser.points.push({ d: e.d, accuracy: e.accuracy });
          this.showOutputs();
          this.redraw();
        }
      });
      bar.value = bar.max;
      this.out('progress').value = `Done: direct training and ${formatInt(r.points.length)} subspace runs of ${formatInt(steps)} steps each.`;
    } catch (e) {
      const err = e as Error;
      if (err.name === 'JobStopped') this.out('progress').value = 'Stopped. Run the sweep again to continue where it stopped (finished runs are kept).';
      else showMessage(this, 'run', `${err.message} Press Reset to start again.`, 'error');
    }
  }

  private async reset(): Promise<void> {
    this.ctl.stop();
    while (this.ctl.active) await new Promise((r) => setTimeout(r, 20));
    try {
      await engine().run('intrinsic.reset', { session: SESSION, what: 'sweep' }).done;
    } catch (e) {
      showMessage(this, 'run', (e as Error).message, 'error');
      return;
    }
    clearMessage(this, 'run');
    this.data.browser = { points: [], baseline: null, threshold: null, d90: null };
    this.data.singles = [];
    this.out('loss').value = '—';
    const bar = this.querySelector<HTMLProgressElement>('progress[data-role="bar"]')!;
    bar.value = 0;
    this.out('progress').value = 'Your sweep has not run yet.';
    this.showOutputs();
    this.redraw();
  }
}

if (!customElements.get('intrinsic-sweep')) customElements.define('intrinsic-sweep', IntrinsicSweep);
