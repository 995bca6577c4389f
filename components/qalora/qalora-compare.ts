// <qalora-compare>: LoRA merged + re-quantized vs QA-LoRA merged into the zero points (job qlora.compare).
import { cellState, firstConnect } from '../lib/cell-state';
import type { StateStore } from '../lib/state';
import { showMessage, clearMessage } from '../lib/messages';
import { formatInt, formatMs, formatPercent } from '../lib/format';
import { whenNear } from '../lib/onscreen';
import { clearPlot, renderPlot } from '../lib/plot';
import type { CompareEvent, CompareParams, ComparePhase, PhaseResult, Score } from '../../src/api/qlora';
import { BITS_OPTIONS, GROUP_TARGETS, TASK_OPTIONS } from '../qlora/settings';
import { groupSizesFor } from '../../src/core/quant/qalora';
import { requantSentence, signedPoints } from './compare-text';
import { BUSY_MESSAGE } from '../lib/engine-lock';
import { RunController, OFFSCREEN_NOTE } from '../lib/run-controller';
import { formatSmall } from '../qlora/format-small';

const OWNER = 'qalora-compare';
const SIZES = [784, 1000, 2000, 10];
const schema = {
  task: { kind: 'enum', options: TASK_OPTIONS, default: 'rotated', label: 'Task' },
  group: { kind: 'enum', options: GROUP_TARGETS, default: '32', label: 'Group size' },
  bits: { kind: 'enum', options: BITS_OPTIONS, default: '4', label: 'Bits' },
  rank: { kind: 'int', min: 1, max: 64, default: 8, label: 'Rank r' },
  steps: { kind: 'int', min: 1, max: 1000, default: 100, label: 'Steps' },
  seed: { kind: 'int', min: 0, max: 999999, default: 0, label: 'Seed' },
} as const;
const PHASE_NAME: Record<ComparePhase, string> = { lora: 'LoRA', qalora: 'QA-LoRA' };

interface LossPoint { phase: string; step: number; loss: number }

class QaLoraCompare extends HTMLElement {
  private state!: StateStore<typeof schema>;
  private ctl!: RunController;
  private loss: LossPoint[] = [];
  private near = false;

  connectedCallback(): void {
    if (!firstConnect(this)) return;
    this.state = cellState(this, schema, this.dataset.prefix ?? 'qc', 'input[data-key], select[data-key]');
    const showSettings = () => {
      this.out('rank').value = String(this.state.get('rank'));
      this.out('groups').value = groupSizesFor(SIZES, Number(this.state.get('group'))).join(', ');
    };
    this.ctl = new RunController(this, {
      owner: OWNER, busyMessage: BUSY_MESSAGE, offscreenNote: OFFSCREEN_NOTE,
      start: () => [this.button('run')], stop: this.button('stop'),
      lock: () => this.querySelectorAll<HTMLInputElement | HTMLSelectElement>('[data-role="settings"] :is(input, select)[data-key]'),
    });
    this.state.subscribe(() => { showSettings(); if (!this.ctl.active) this.clearResults('Settings changed: press the button to run again.'); });
    showSettings();
    this.button('run').addEventListener('click', () => void this.ctl.session(() => this.run()));
    whenNear(this, () => { this.near = true; });
  }

  private out(role: string): HTMLOutputElement {
    return this.querySelector<HTMLOutputElement>(`output[data-role="${role}"]`)!;
  }

  private button(role: string): HTMLButtonElement {
    return this.querySelector<HTMLButtonElement>(`button[data-role="${role}"]`)!;
  }

  private clearResults(status: string): void {
    for (const role of ['fp32', 'quant', 'lora-params', 'qa-params', 'lora-before', 'qa-before', 'lora-after', 'qa-after', 'lora-grid', 'qa-grid', 'lora-ms', 'qa-ms']) this.out(role).value = '—';
    this.loss = [];
    clearPlot(this.querySelector<HTMLElement>('[data-role="loss"]')!);
    this.querySelector<HTMLProgressElement>('progress')!.value = 0;
    this.out('status').value = status;
  }

  /** Runs inside the controller's session (the engine claimed, the settings locked). */
  private async run(): Promise<void> {
    clearMessage(this, 'run');
    this.clearResults('Quantizing the base…');
    const v = this.state.values();
    const params: CompareParams = {
      task: v.task, groupTarget: Number(v.group), bits: Number(v.bits), rank: v.rank, steps: v.steps, seed: v.seed,
    };
    const progress = this.querySelector<HTMLProgressElement>('progress')!;
    progress.max = 2 * v.steps;
    try {
      const r = await this.ctl.job('qlora.compare', params, (e) => this.onEvent(e, params));
      const drop = r.lora.beforeMerge.score - r.lora.afterMerge.score;
      this.out('status').value = `Done. ${requantSentence(-drop)}; `
        + `QA-LoRA’s merged model scores ${formatPercent(r.qalora.afterMerge.score)}, exactly as before merging, with every weight still on the INT${params.bits} grid.`;
    } catch (e) {
      const err = e as Error;
      if (err.name === 'JobStopped') this.out('status').value = 'Stopped. Finished results stay in the table.';
      else showMessage(this, 'run', err.name === 'TrainingDiverged' ? err.message : `The comparison failed: ${err.message}`, 'error');
    }
  }

  private onEvent(e: CompareEvent, p: CompareParams): void {
    if (e.kind === 'base') {
      this.out('groups').value = e.groupSizes.join(', ');
      this.out('fp32').value = scoreText(e.fp32);
      this.out('quant').value = `${scoreText(e.quantized)} (INT${p.bits})`;
      this.out('status').value = 'Training the LoRA adapter…';
    } else if (e.kind === 'step') {
      this.querySelector<HTMLProgressElement>('progress')!.value = (e.phase === 'qalora' ? p.steps : 0) + e.step;
      this.out('status').value = `Training the ${PHASE_NAME[e.phase]} adapter: step ${formatInt(e.step)} of ${formatInt(e.steps)}.`;
      if (Number.isFinite(e.loss)) this.loss.push({ phase: PHASE_NAME[e.phase], step: e.step, loss: e.loss });
      this.drawLoss();
    } else {
      this.showPhase(e.phase, e.result, p.bits);
      if (e.phase === 'lora') this.out('status').value = 'Training the QA-LoRA adapter…';
    }
  }

  private showPhase(phase: ComparePhase, r: PhaseResult, bits: number): void {
    const k = phase === 'lora' ? 'lora' : 'qa';
    this.out(`${k}-params`).value = formatInt(r.params);
    this.out(`${k}-before`).value = scoreText(r.beforeMerge);
    this.out(`${k}-after`).value = `${scoreText(r.afterMerge)} (${signedPoints(r.afterMerge.score - r.beforeMerge.score)})`;
    this.out(`${k}-ms`).value = formatMs(r.msPerStep);
    this.out(`${k}-grid`).value = phase === 'lora'
      ? `No: ${formatInt(r.grid.offGrid)} of ${formatInt(r.grid.weights)} merged weights fall between INT${bits} levels, so the model is quantized again (relative weight change ${formatPercent(r.requantError ?? 0, 2)}).`
      : r.grid.offGrid === 0
        ? `Yes: all ${formatInt(r.grid.weights)} on the grid (largest deviation ${formatSmall(r.grid.maxDeviation)} of a step); codes and scales ${r.codesUnchanged ? 'unchanged' : 'changed'}, only the zero points moved.`
        : `No: ${formatInt(r.grid.offGrid)} of ${formatInt(r.grid.weights)} off the grid.`;
  }

  private drawLoss(): void {
    if (!this.near) return;
    const chart = this.querySelector<HTMLElement>('[data-role="loss"]')!;
    const rows = this.loss;
    void renderPlot(chart, (Plot, { width, theme }) => Plot.plot({
      width, height: 220, marginLeft: 56,
      x: { label: 'training step' },
      y: { label: 'training loss', grid: true, type: 'log' },
      color: { legend: true, domain: ['LoRA', 'QA-LoRA'], range: [theme.series[0], theme.series[1]] },
      marks: [Plot.line(rows, { x: 'step', y: 'loss', stroke: 'phase', z: 'phase', strokeWidth: 2 })],
    }), { label: `Training loss of the LoRA and QA-LoRA adapters over the steps; last values: ${['LoRA', 'QA-LoRA'].map((ph) => { const l = rows.filter((r) => r.phase === ph).pop(); return l ? `${ph} ${l.loss.toFixed(3)} at step ${l.step}` : `${ph} not started`; }).join(', ')}.` });
  }
}

function scoreText(s: Score): string {
  return formatPercent(s.score);
}


if (!customElements.get('qalora-compare')) customElements.define('qalora-compare', QaLoraCompare);
