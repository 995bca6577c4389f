// What the parameter cell shows, as text: per-layer shapes in the paper's notation
// (W₀ ∈ R^{d×k}, B ∈ R^{d×r}, A ∈ R^{r×k}), adapter sizes, totals and fp32 training
// memory for LoRA and for full fine-tuning. DOM-free and tfjs-free, so the same
// strings are rendered on the server (before any script runs) and on every change.
import { paramSummary, layerShapes } from '../../src/core/params';
import { formatBytes, formatInt, formatPercent, formatRatio } from '../lib/format';

export interface LayerRow {
  layer: number; // 1-based, as the text names layers
  adapted: boolean;
  base: string; // "W₀ 1000×784 + b 1000"
  baseCount: string; // "785,000"
  adapter: string; // "B 1000×4 · A 4×784" or "no adapter"
  adapterCount: string; // "7,136" or "0"
  /** A remark when the rank is larger than the update can use or the factors outgrow W₀. */
  note: string;
}

export interface MemoryRow {
  what: string;
  lora: string;
  full: string;
}

export interface ParamView {
  rows: LayerRow[];
  base: string;
  adapter: string;
  total: string;
  trainable: string;
  memory: MemoryRow[];
  adamSaving: string;
}

/** Layers are 1-based here (as in the prose and the URL); the engine counts from 0. */
export function paramView(sizes: readonly number[], layers1: readonly number[], rank: number): ParamView {
  const layers0 = layers1.map((l) => l - 1);
  const s = paramSummary(sizes, layers0, rank);
  const rows = layerShapes(sizes).map((shape): LayerRow => {
    const adapted = layers0.includes(shape.layer);
    const { d, k } = shape;
    const adapter = adapted ? rank * (d + k) : 0;
    const notes: string[] = [];
    if (adapted && rank > Math.min(d, k)) notes.push(`ΔW is ${d}×${k}, so its rank is at most ${Math.min(d, k)}; a larger r adds numbers, not rank`);
    if (adapted && adapter >= d * k) notes.push(`B and A together hold more numbers than W₀ itself (${formatInt(d * k)})`);
    return {
      layer: shape.layer + 1,
      adapted,
      base: `W₀ ${d}×${k} + b ${d}`,
      baseCount: formatInt(shape.weights + shape.biases),
      adapter: adapted ? `B ${d}×${rank} · A ${rank}×${k}` : 'no adapter',
      adapterCount: formatInt(adapter),
      note: notes.length ? `${notes.join('; ')}.` : '',
    };
  });
  const row = (what: string, lora: number, full: number): MemoryRow => ({ what, lora: formatBytes(lora), full: formatBytes(full) });
  const frozen = 4 * s.base; // LoRA keeps the base in memory, frozen; full fine-tuning trains it
  const lora = s.loraBytes;
  const full = s.fullBytes;
  return {
    rows,
    base: formatInt(s.base),
    adapter: formatInt(s.adapter),
    total: formatInt(s.total),
    trainable: s.adapter === 0
      ? 'nothing, since no layer has an adapter.'
      : `${formatPercent(s.trainablePercent / 100)} of the adapted model’s ${formatInt(s.total)} parameters.`,
    memory: [
      row('Frozen weights', frozen, 0),
      row('Trained weights', lora.trained, full.trained),
      row('Their gradients', lora.gradients, full.gradients),
      row('Adam’s two moments', lora.adam, full.adam),
      row('Total', frozen + lora.trained + lora.gradients + lora.adam, full.trained + full.gradients + full.adam),
    ],
    adamSaving: s.adapter === 0 ? '—' : formatRatio(full.adam / lora.adam),
  };
}
