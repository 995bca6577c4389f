// Pure helpers for the /intrinsic-dimension/ cells: URL schemas, the sweep's
// d lists, progress text. No DOM, so they are unit-tested in Node.
import { baseParamCount } from '../../src/core/params';
import { PAPER_FC_SIZES, type D90, type SweepPoint } from '../../src/core/intrinsic';
import { DASH, formatInt, formatNumber, formatPercent } from '../lib/format';

/** Parameters of the 784-200-200-10 network: 199,210. */
export const D = baseParamCount(PAPER_FC_SIZES);

/** The single-run cell's controls (URL prefix "id"). */
export const runSchema = {
  d: { kind: 'int', min: 1, max: D, default: 300, label: 'Subspace dimension d' },
  steps: { kind: 'int', min: 10, max: 5000, default: 300, label: 'Steps' },
  seed: { kind: 'int', min: 0, max: 9999, default: 0, label: 'Seed' },
} as const;

/** The d series a sweep can run. */
export const SWEEP_LISTS = {
  quick: [10, 50, 100, 300, 1000],
  wide: [10, 50, 100, 200, 300, 500, 750, 1000, 2000],
} as const;
export type SweepList = keyof typeof SWEEP_LISTS;
export const SWEEP_LIST_LABELS: Record<SweepList, string> = {
  quick: `Quick (${SWEEP_LISTS.quick.length} values)`,
  wide: `Wide (${SWEEP_LISTS.wide.length} values)`,
};

/** "d = 10, 50, 100, 300, 1,000" */
export function listText(list: SweepList): string {
  return `d = ${SWEEP_LISTS[list].map((d) => formatInt(d)).join(', ')}`;
}

/** The sweep cell's controls (URL prefix "sw"). */
export const sweepSchema = {
  list: { kind: 'enum', options: ['quick', 'wide'], default: 'quick', label: 'Values of d' },
  steps: { kind: 'int', min: 10, max: 3000, default: 200, label: 'Steps per run' },
  seed: { kind: 'int', min: 0, max: 9999, default: 0, label: 'Seed' },
} as const;

/** "0.151 %" style share of D that d is. */
export function shareOfD(d: number): string {
  return Number.isFinite(d) && d >= 1 ? formatPercent(d / D, 2) : DASH;
}

/** A time estimate: "under 1 s", "2.4 s", "38 s", "3 min 5 s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return DASH;
  if (ms < 1000) return 'under 1 s';
  const s = ms / 1000;
  if (s < 10) return `${formatNumber(s, 1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min ${whole % 60} s`;
}

const left = (ms: number) => (ms < 1000 ? 'under 1 s left' : `about ${formatDuration(ms)} left`);

/** "Step 120 of 300 · about 2.4 s left" (or without the estimate before the first timing). */
export function progressText(step: number, steps: number, msPerStep: number): string {
  const base = `Step ${formatInt(step)} of ${formatInt(steps)}`;
  if (!(msPerStep > 0) || step >= steps) return base;
  return `${base} · ${left((steps - step) * msPerStep)}`;
}

/** Progress through a sweep: runs done (counting the baseline) and an estimate of the time left. */
export function sweepProgressText(index: number, total: number, step: number, steps: number, msPerStep: number): string {
  const label = index === 0 ? 'direct training (baseline)' : `subspace run ${formatInt(index)} of ${formatInt(total - 1)}`;
  const remaining = (total - index) * steps - step;
  const base = `Run ${formatInt(index + 1)} of ${formatInt(total)}, ${label}: step ${formatInt(step)} of ${formatInt(steps)}`;
  return msPerStep > 0 ? `${base} · ${left(remaining * msPerStep)} in the sweep` : base;
}

/**
 * Where the chart's line crosses the 90 % threshold. The chart's d axis is logarithmic, so its
 * straight segments are straight in log d, and the crossing is read in log d too (a straight line
 * in d would put it elsewhere than the line the reader sees). Null where readD90 has no crossing.
 */
export function logCrossing(points: readonly SweepPoint[], r: D90): number | null {
  if (r.firstReaching === null || r.interpolated === null) return null;
  const sorted = [...points].filter((p) => Number.isFinite(p.accuracy) && p.d > 0).sort((a, b) => a.d - b.d);
  const i = sorted.findIndex((p) => p.d === r.firstReaching);
  if (i <= 0) return r.interpolated;
  const [a, b] = [sorted[i - 1], sorted[i]];
  const t = (r.threshold - a.accuracy) / (b.accuracy - a.accuracy);
  return Math.exp(Math.log(a.d) + t * (Math.log(b.d) - Math.log(a.d)));
}
