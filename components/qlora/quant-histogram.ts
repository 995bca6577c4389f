// <quant-histogram>: one weight matrix of the base, quantized in the worker (job qlora.layer).
import { defineState, bindInput } from '../lib/state';
import { showMessage, clearMessage, showNotes } from '../lib/messages';
import { formatBytes, formatInt, formatNumber, formatPercent, formatRatio } from '../lib/format';
import { bitsPerWeightText, formatSigned, formatSmall } from './format-small';
import { whenNear } from '../lib/onscreen';
import { renderPlot } from '../lib/plot';
import { engine } from '../lib/engine';
import type { LayerResult } from '../../src/api/qlora';
import { BLOCK_OPTIONS, FORMAT_OPTIONS, blockValue, type BlockOption } from './settings';

const schema = {
  layer: { kind: 'enum', options: ['1', '2', '3'], default: '1', label: 'Weight matrix' },
  format: { kind: 'enum', options: FORMAT_OPTIONS, default: 'NF4', label: 'Data type' },
  block: { kind: 'enum', options: BLOCK_OPTIONS, default: '64', label: 'Block size' },
} as const;

class QuantHistogram extends HTMLElement {
  private seq = 0;

  connectedCallback(): void {
    if (this.dataset.ready) return;
    this.dataset.ready = '1';
    const state = defineState(schema, { prefix: this.dataset.prefix ?? 'qh' });
    showNotes(this, 'url', state.notes);
    for (const el of this.querySelectorAll<HTMLSelectElement>('select[data-key]')) {
      bindInput(state, el.dataset.key as keyof typeof schema, el, (n) => showNotes(this, 'input', n));
    }
    let near = false;
    const update = () => near && void this.compute(state.values());
    state.subscribe(update);
    whenNear(this, () => { near = true; update(); });
  }

  private out(role: string): HTMLOutputElement {
    return this.querySelector<HTMLOutputElement>(`output[data-role="${role}"]`)!;
  }

  private async compute(v: { layer: string; format: (typeof FORMAT_OPTIONS)[number]; block: BlockOption }): Promise<void> {
    const seq = ++this.seq;
    const status = this.out('status');
    status.value = 'Quantizing…';
    status.classList.add('pending');
    try {
      const r = await engine().run('qlora.layer', { layer: Number(v.layer) - 1, format: v.format, blockSize: blockValue(v.block) }).done;
      if (seq !== this.seq) return; // a newer setting is on its way
      clearMessage(this, 'engine');
      this.show(r);
      status.value = `Quantized ${formatInt(r.n)} weights of layer ${r.layer + 1} (${formatInt(r.d)} × ${formatInt(r.k)}) to ${r.format} in ${formatInt(r.blocks)} block${r.blocks === 1 ? '' : 's'}.`;
      status.classList.remove('pending');
    } catch (e) {
      if (seq !== this.seq) return;
      status.value = 'No result.';
      showMessage(this, 'engine', `Could not quantize: ${(e as Error).message}`, 'error');
    }
  }

  private show(r: LayerResult): void {
    this.out('mse').value = formatSmall(r.error.mse);
    this.out('max').value = formatSmall(r.error.maxAbs);
    this.out('rel').value = formatPercent(r.error.relativeFrobenius, 2);
    this.out('blocks').value = `${formatInt(r.blocks)} of ${formatInt(r.blockSize)} weights; median absmax ${formatSmall(r.absmax.median)}`;
    this.out('bits').value = bitsPerWeightText(r.storage.plain);
    this.out('bits-dq').value = bitsPerWeightText(r.storage.dq);
    this.out('fp32').value = formatBytes(r.model.fp32Bytes);
    this.out('size').value = `${formatBytes(r.model.plainBytes)}, or ${formatBytes(r.model.dqBytes)} with double quantization (${formatRatio(r.model.fp32Bytes / r.model.dqBytes)} smaller)`;
    this.out('levels').value = r.levels.length > 20
      ? `${r.levels.length} levels from −1 to 1 in steps of 1/127`
      : r.levels.map(formatSigned).join(', ');
    void this.draw(r);
  }

  private async draw(r: LayerResult): Promise<void> {
    const hist = this.querySelector<HTMLElement>('[data-role="hist"]')!;
    const few = r.levels.length <= 20;
    await renderPlot(hist, (Plot, { width, theme }) => Plot.plot({
      width, height: 240, marginLeft: 64,
      x: { label: 'weight ÷ its block’s absmax', domain: [-1, 1] },
      y: { label: 'weights', grid: true, tickFormat: (t: number) => formatInt(t) },
      marks: [
        Plot.rectY(r.histogram, { x1: 'x0', x2: 'x1', y: 'count', fill: theme.series[0], fillOpacity: 0.75 }),
        few ? Plot.ruleX(r.levels, { stroke: theme.series[1], strokeWidth: 1.5, strokeDasharray: '3,2' }) : null,
        Plot.ruleY([0], { stroke: theme.fg }),
      ],
    }), { label: `Histogram of layer ${r.layer + 1}'s ${formatInt(r.n)} weights divided by their block's absmax, with the ${r.levels.length} ${r.format} levels drawn as dashed lines.` });
    const codes = this.querySelector<HTMLElement>('[data-role="codes"]')!;
    const rows = r.levels.map((level, i) => ({ level, share: r.codeCounts[i] / r.n }));
    const used = rows.filter((row) => row.share > 0).length;
    await renderPlot(codes, (Plot, { width, theme }) => Plot.plot({
      width, height: 180, marginLeft: 64,
      x: { label: 'level', domain: [-1.05, 1.05] },
      y: { label: 'share of weights', grid: true, tickFormat: (t: number) => formatPercent(t, 0) },
      marks: [
        Plot.ruleX(rows, { x: 'level', y: 'share', stroke: theme.series[2], strokeWidth: few ? 6 : 1.5 }),
        Plot.ruleY([0], { stroke: theme.fg }),
      ],
    }), { label: `Share of the weights rounded to each of the ${r.levels.length} levels; ${used} levels are used. The largest share is ${formatPercent(Math.max(...rows.map((x) => x.share)))}.` });
  }
}

if (!customElements.get('quant-histogram')) customElements.define('quant-histogram', QuantHistogram);
