/**
 * Formats benchmark results as a plain-text table (Node and browser modes of
 * `npm run bench` print the same table).
 */
import { ratios, type BenchResult, type BenchRow, type PathName } from './benchmark';
import { formatDispatchCount, formatKernelProfile } from './kernelProfile';

/** The targets the engine is held to (README, "Speed on machines without a GPU"), for WASM-SIMD at batch 64, r = 4. */
export const TARGETS = { loraOverFull: 0.4, loraOverForward: 2.0, mergedOverBase: 1.03, loraStepMs: 30 };

const fmt = (v: number | undefined, digits = 1) => (v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits));

export function formatTable(result: BenchResult): string {
  const { rows } = result;
  const names = [...new Set(rows.map((r) => r.name))];
  const paths = (['reference', 'fast-xnn', 'fast'] as const).filter((p) => rows.some((r) => r.path === p));
  const get = (name: string, path: PathName): BenchRow | undefined => rows.find((r) => r.name === name && r.path === path);
  const title: Record<PathName, string> = { reference: 'stock tfjs', 'fast-xnn': 'fast, no FMA', fast: 'fast path' };
  const lines: string[] = [];
  lines.push(`backend ${result.backend}: ${result.sizes.join('→')}, batch ${result.batch}; median ms (min–max of the timed runs)`);
  if (!result.fastPathApplies) lines.push('  (the fast path applies to WASM and, for Adam and the loss, WebGPU: on this backend the engine runs the stock tfjs ops, so one column)');
  lines.push(`  ${'figure'.padEnd(20)} ${paths.map((p) => title[p].padStart(22)).join(' ')} ${'speed-up'.padStart(9)} ${'memory MB'.padStart(10)}`);
  for (const name of names) {
    const cell = (r?: BenchRow) => (r ? `${fmt(r.ms)} (${fmt(Math.min(...r.samples))}–${fmt(Math.max(...r.samples))})` : '—');
    const ref = get(name, 'reference');
    const fast = get(name, 'fast') ?? get(name, 'fast-xnn');
    const speedup = ref && fast ? `${fmt(ref.ms / fast.ms, 2)}×` : '—';
    const mem = fast ?? ref;
    lines.push(
      `  ${label(name).padEnd(20)} ${paths.map((p) => cell(get(name, p)).padStart(22)).join(' ')} ${speedup.padStart(9)} ${fmt(mem ? mem.bytes / 1e6 : undefined).padStart(10)}`,
    );
  }
  for (const path of paths) {
    const q = ratios(rows, path);
    if (!Object.keys(q).length) continue;
    lines.push(
      `  ratios, ${title[path].padEnd(12)}: LoRA r=4 ÷ full ${fmt(q.loraOverFull, 2)} (target ≤ ${TARGETS.loraOverFull}),` +
        ` LoRA r=4 ÷ forward ${fmt(q.loraOverForward, 2)} (≤ ${TARGETS.loraOverForward}; FLOP floor 1.72),` +
        ` merged ÷ base ${fmt(q.mergedOverBase, 3)} (≤ ${TARGETS.mergedOverBase}), unmerged ÷ base ${fmt(q.unmergedOverBase, 3)}`,
    );
  }
  if (result.kernelProfile) lines.push(formatKernelProfile(result.kernelProfile));
  if (result.dispatches) lines.push(`  ${formatDispatchCount(result.dispatches)}`);
  return lines.join('\n');
}

function label(name: string): string {
  if (name.startsWith('lora')) return `${name} step`;
  if (name === 'full') return 'full FT step';
  if (name === 'forward') return 'forward (base)';
  if (name === 'infer base') return 'infer base (paired)';
  return name;
}
