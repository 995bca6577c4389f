// <quant-accuracy>: test accuracy of the base quantized per data type and block size (job qlora.sweep).
import { cellState, firstConnect } from '../lib/cell-state';
import { bindInput } from '../lib/state';
import { showMessage, clearMessage } from '../lib/messages';
import { formatInt, formatNumber, formatPercent } from '../lib/format';
import { whenNear } from '../lib/onscreen';
import { clearPlot, renderPlot } from '../lib/plot';
import type { SweepCell, SweepParams } from '../../src/api/qlora';
import { FORMAT_OPTIONS, SWEEP_BLOCKS, blockValue } from './settings';
import { BUSY_MESSAGE } from '../lib/engine-lock';
import { RunController } from '../lib/run-controller';

const OWNER = 'quant-accuracy';
const schema = { dq: { kind: 'bool', default: false, label: 'Double quantization' } } as const;
const blockName = (b: number | 'tensor') => (b === 'tensor' ? 'whole matrix' : String(b));

class QuantAccuracy extends HTMLElement {
  private ctl!: RunController;
  private cells: SweepCell[] = [];
  private near = false;

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    const state = cellState(this, schema, this.dataset.prefix ?? 'qa', null);
    bindInput(state, 'dq', this.querySelector<HTMLInputElement>('input[data-key="dq"]')!);
    state.subscribe(() => { if (!this.ctl.active) this.clear(); });
    this.ctl = new RunController(this, {
      owner: OWNER, busyMessage: BUSY_MESSAGE, stop: this.button('stop'),
      start: () => [this.button('run')], lock: () => [this.querySelector<HTMLInputElement>('input[data-key="dq"]')!],
    });
    this.button('run').addEventListener('click', () => void this.run(state.get('dq')));
    whenNear(this, () => { this.near = true; });
  }

  private button(role: string): HTMLButtonElement {
    return this.querySelector<HTMLButtonElement>(`button[data-role="${role}"]`)!;
  }

  private out(sel: string): HTMLOutputElement {
    return this.querySelector<HTMLOutputElement>(sel)!;
  }

  private clear(): void {
    this.cells = [];
    for (const o of this.querySelectorAll<HTMLOutputElement>('output[data-cell]')) o.value = '—';
    this.querySelector<HTMLProgressElement>('progress')!.value = 0;
    this.out('output[data-role="status"]').value = 'Settings changed: press Measure.';
    clearPlot(this.querySelector<HTMLElement>('[data-role="chart"]')!);
  }

  private run(dq: boolean): Promise<boolean> {
    return this.ctl.session(() => this.measure(dq));
  }

  private async measure(dq: boolean): Promise<void> {
    clearMessage(this, 'run');
    this.clear();
    const status = this.out('output[data-role="status"]');
    const progress = this.querySelector<HTMLProgressElement>('progress')!;
    const params: SweepParams = { formats: [...FORMAT_OPTIONS], blocks: SWEEP_BLOCKS.map(blockValue), doubleQuant: dq };
    status.value = 'Loading the base and the test digits…';
    const job = this.ctl.job('qlora.sweep', params, (e) => {
      if (e.kind === 'fp32') {
        this.out('output[data-role="fp32"]').value = `${formatPercent(e.accuracy)} of ${formatInt(e.n)}`;
      } else {
        this.cells.push(e.cell);
        this.out(`output[data-cell="${e.cell.format}/${e.cell.block}"]`).value = `${formatPercent(e.cell.accuracy)} (${formatInt(e.cell.flipped)})`;
        progress.value = e.index + 1;
        status.value = `Measured ${e.index + 1} of ${e.total}: ${e.cell.format}, ${blockName(e.cell.block)} (${formatNumber(e.cell.bitsPerWeight, 3)} bits per weight).`;
        if (this.near) void this.draw();
      }
    });
    try {
      const r = await job;
      const four = r.cells.filter((c) => c.format !== 'INT8');
      const best = four.length ? four.reduce((a, b) => (b.relativeError < a.relativeError ? b : a)) : null;
      const worst = r.cells.reduce((a, b) => (b.accuracy < a.accuracy ? b : a));
      status.value = `Done. The fp32 base scores ${formatPercent(r.fp32)}; the lowest accuracy measured is ${formatPercent(worst.accuracy)} (${worst.format}, ${blockName(worst.block)}).`
        + (best ? ` Smallest 4-bit weight error: ${best.format} with ${blockName(best.block)} (${formatPercent(best.relativeError, 2)}).` : '');
    } catch (e) {
      const err = e as Error;
      if (err.name === 'JobStopped') status.value = `Stopped after ${this.cells.length} of ${FORMAT_OPTIONS.length * SWEEP_BLOCKS.length}.`;
      else showMessage(this, 'run', `The measurement failed: ${err.message}`, 'error');
    }
  }

  private draw() {
    const chart = this.querySelector<HTMLElement>('[data-role="chart"]')!;
    const rows = this.cells.map((c) => ({ ...c, blockName: blockName(c.block) }));
    const order = SWEEP_BLOCKS.map((b) => blockName(blockValue(b)));
    return renderPlot(chart, (Plot, { width, theme }) => Plot.plot({
      width, height: 240, marginLeft: 64, marginBottom: 40,
      x: { label: 'block size', domain: order, type: 'point', padding: 0.3 },
      y: { label: 'relative error', grid: true, type: 'log', tickFormat: (t: number) => formatPercent(t, 1) },
      color: { legend: true, domain: [...FORMAT_OPTIONS], range: [...theme.series, theme.muted] },
      marks: [
        Plot.line(rows, { x: 'blockName', y: 'relativeError', stroke: 'format', z: 'format', strokeWidth: 2 }),
        Plot.dot(rows, { x: 'blockName', y: 'relativeError', fill: 'format', r: 4 }),
      ],
    }), { label: `Relative weight error of the quantized base for each data type as the block size grows: ${rows.map((c) => `${c.format} ${c.blockName} ${formatPercent(c.relativeError, 1)}`).join('; ')}.` });
  }
}

if (!customElements.get('quant-accuracy')) customElements.define('quant-accuracy', QuantAccuracy);
