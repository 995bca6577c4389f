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
  lines.push(`backend ${result.backend}: ${result.model ?? result.sizes.join('→')}, batch ${result.batch}; median ms (min–max of the timed runs)`);
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
    // The targets are the MLP's (README); the transformer's ratios are printed bare.
    if (result.model) {
      lines.push(`  ratios, ${title[path].padEnd(12)}: LoRA r=4 ÷ full ${fmt(q.loraOverFull, 2)}, LoRA r=4 ÷ forward ${fmt(q.loraOverForward, 2)}`);
      continue;
    }
    lines.push(
      `  ratios, ${title[path].padEnd(12)}: LoRA r=4 ÷ full ${fmt(q.loraOverFull, 2)} (target ≤ ${TARGETS.loraOverFull}),` +
        ` LoRA r=4 ÷ forward ${fmt(q.loraOverForward, 2)} (≤ ${TARGETS.loraOverForward}; FLOP floor 1.72),` +
        ` merged ÷ base ${fmt(q.mergedOverBase, 3)} (≤ ${TARGETS.mergedOverBase}), unmerged ÷ base ${fmt(q.unmergedOverBase, 3)}`,
    );
  }
  if (result.model && result.backend === 'wasm') {
    const lora = get('lora r=4', 'fast') ?? get('lora r=4', 'reference');
    lines.push(`  LoRA r=4 step ${fmt(lora?.ms)} ms (issue 17's target on WASM: ≤ ${TARGETS.loraStepMs} ms on an idle 2-core machine)`);
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

/**
 * Issue 14's targets for the fast path on 2 threads (cross-origin isolated Chromium, the 2-core machine of
 * README's figures, batch 64, 784→1000→2000→10): ms per LoRA r = 4 step, full fine-tuning step and forward
 * pass, and the parallel efficiency (speed-up ÷ threads) of the LoRA step.
 */
export const THREAD_TARGETS = { threads: 2, loraStepMs: 10, fullStepMs: 18, forwardMs: 5.5, efficiency: 0.8 };

/**
 * One line per figure and path: ms at each thread count, the speed-up over the fewest threads measured,
 * and the parallel efficiency (speed-up ÷ the ratio of thread counts). NaN-free: '—' where a figure is
 * missing.
 */
export function formatScaling(runs: { threads: number; result: BenchResult }[], isolated: boolean): string {
  if (!runs.length) return '';
  const base = runs.reduce((a, b) => (b.threads < a.threads ? b : a));
  const lines = [`scaling with threads (fast path products${isolated ? '' : '; not cross-origin isolated, so one thread each'}): ms, speed-up over ${base.threads} thread(s), efficiency = speed-up ÷ (threads ÷ ${base.threads})`];
  const keys = [...new Set(runs.flatMap((r) => r.result.rows.map((row) => `${row.path}\u0000${row.name}`)))];
  for (const key of keys) {
    const [path, name] = key.split('\u0000') as [PathName, string];
    const ms = (r: { result: BenchResult }) => r.result.rows.find((row) => row.path === path && row.name === name)?.ms;
    const b = ms(base);
    const cells = runs.map((r) => {
      const m = ms(r);
      if (r === base) return `${r.threads}: ${fmt(m)}`;
      const speedup = b !== undefined && m !== undefined ? b / m : undefined;
      const eff = speedup !== undefined ? speedup / (r.threads / base.threads) : undefined;
      return `${r.threads}: ${fmt(m)} (×${fmt(speedup, 2)}, efficiency ${fmt(eff, 2)})`;
    });
    lines.push(`  ${`${path} ${label(name)}`.padEnd(28)} ${cells.join('   ')}`);
  }
  const at = runs.find((r) => r.threads === THREAD_TARGETS.threads);
  if (at) {
    const get = (name: string) => at.result.rows.find((row) => row.path === 'fast' && row.name === name)?.ms;
    const one = runs.find((r) => r.threads === 1)?.result.rows.find((row) => row.path === 'fast' && row.name === 'lora r=4')?.ms;
    const lora = get('lora r=4');
    const eff = one !== undefined && lora !== undefined ? one / lora / THREAD_TARGETS.threads : undefined;
    lines.push(
      `  targets at ${THREAD_TARGETS.threads} threads: LoRA r=4 ${fmt(lora)} ms (≤ ${THREAD_TARGETS.loraStepMs}), full ${fmt(get('full'))} ms (≤ ${THREAD_TARGETS.fullStepMs}),` +
        ` forward ${fmt(get('forward'))} ms (≤ ${THREAD_TARGETS.forwardMs}), LoRA efficiency ${fmt(eff, 2)} (≥ ${THREAD_TARGETS.efficiency})`,
    );
  }
  return lines.join('\n');
}
