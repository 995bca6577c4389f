// What the cost calculator shows, as text, for given control values. DOM-free, so the
// Astro markup can render the defaults and the script can update them alike.
import { costSummary, presetById, toMiB, type AttentionMatrix, type Precision } from '../../src/core/peftCost';
import { DASH, formatBytes, formatInt, formatNumber, formatPercent, formatRatio } from '../lib/format';

export interface CostValues { model: string; r: number; mats: string[]; layers: string[]; prec: string; tasks: number }

export interface CostView {
  kind: 'transformer' | 'mlp';
  problem: string | null;
  source: string;
  shape: string;
  rows: { key: string; full: string; lora: string }[];
  reduction: string;
  /** The storage row's name: "Storage for 1 task", "Storage for 100 tasks". */
  tasksLabel: string;
  /** Set when r is above the rank an adapted d×k matrix can have, min(d, k). */
  rankNote: string | null;
  /** Numbers for the chart (bytes), or null when nothing is adapted. */
  bars: { what: string; method: 'Full fine-tuning' | 'LoRA'; bytes: number }[] | null;
}

/** "37.7 MB (36.0 MiB)" for adapter-sized files; decimal units otherwise. */
export function bytesWithMiB(b: number): string {
  if (!Number.isFinite(b)) return DASH;
  return b >= 1e6 && b < 1e11 ? `${formatBytes(b)} (${formatNumber(toMiB(b), 1)} MiB)` : formatBytes(b);
}

const MATRIX_NAMES: Record<string, string> = { q: 'W_q', k: 'W_k', v: 'W_v', o: 'W_o' };

export function costView(v: CostValues): CostView {
  const preset = presetById(v.model);
  const selection = preset.kind === 'transformer'
    ? (v.mats as AttentionMatrix[])
    : v.layers.map((l) => Number(l) - 1);
  const shape = preset.kind === 'transformer'
    ? `${preset.layers} layers, d_model = ${formatInt(preset.dModel)}; each adapted matrix is ${formatInt(preset.dModel)}×${formatInt(preset.dModel)}`
    : `layers ${preset.sizes.slice(1).map((d, i) => `${formatInt(d)}×${formatInt(preset.sizes[i])}`).join(', ')} (d×k)`;
  const empty = selection.length === 0;
  const problem = empty
    ? (preset.kind === 'transformer' ? 'Choose at least one matrix to adapt.' : 'Choose at least one layer to adapt.')
    : null;
  const c = costSummary(preset, v.r, empty ? [] : selection, v.prec as Precision, v.tasks);
  const lora = (s: string) => (empty ? DASH : s);
  const rows = [
    { key: 'trainable', full: formatInt(c.params), lora: lora(formatInt(c.trainable)) },
    { key: 'share', full: '100%', lora: lora(formatPercent(c.fraction)) },
    { key: 'file', full: bytesWithMiB(c.fullCheckpointBytes), lora: lora(bytesWithMiB(c.adapterBytes)) },
    { key: 'adam', full: formatBytes(c.adamFullBytes), lora: lora(bytesWithMiB(c.adamLoraBytes)) },
    { key: 'tasks', full: formatBytes(c.fullTasksBytes), lora: lora(formatBytes(c.loraTasksBytes)) },
  ];
  const what = preset.kind === 'transformer'
    ? v.mats.map((m) => MATRIX_NAMES[m]).join(', ')
    : v.layers.map((l) => `layer ${l}`).join(', ');
  const reduction = empty ? DASH : `LoRA at r = ${v.r} on ${what} trains ${formatRatio(c.reduction)} fewer numbers than full fine-tuning.`;
  const bars = empty ? null : [
    { what: 'File per task', method: 'Full fine-tuning' as const, bytes: c.fullCheckpointBytes },
    { what: 'File per task', method: 'LoRA' as const, bytes: c.adapterBytes },
    { what: 'Adam moments', method: 'Full fine-tuning' as const, bytes: c.adamFullBytes },
    { what: 'Adam moments', method: 'LoRA' as const, bytes: c.adamLoraBytes },
  ];
  // A d×k matrix has rank at most min(d, k): a larger r adds r·(d + k) numbers and nothing BA can express.
  const shapes = preset.kind === 'transformer'
    ? (empty ? [] : [{ name: 'each adapted matrix', d: preset.dModel, k: preset.dModel }])
    : v.layers.map((l) => Number(l)).sort((a, b) => a - b).map((l) => ({ name: `layer ${l}`, d: preset.sizes[l], k: preset.sizes[l - 1] }));
  const over = shapes.filter((m) => v.r > Math.min(m.d, m.k));
  const rankNote = over.length
    ? `r = ${formatInt(v.r)} is more than ${over.map((m) => `${m.name} (${formatInt(m.d)}×${formatInt(m.k)}) can use: its rank is at most min(d, k) = ${formatInt(Math.min(m.d, m.k))}`).join('; ')}. `
      + `Its ΔW = BA still has rank ≤ min(d, k), while the counts below are for r = ${formatInt(v.r)}, r·(d + k) numbers per matrix.`
    : null;
  const tasksLabel = `Storage for ${formatInt(v.tasks)} task${v.tasks === 1 ? '' : 's'}`;
  return { kind: preset.kind, problem, source: preset.source, shape, rows, reduction, tasksLabel, rankNote, bars };
}
