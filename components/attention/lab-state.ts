// The training cell's settings (kept in the URL, prefix "al"), DOM-free so they can be unit-tested.
import { COUNTRIES, GPT_CONFIG, LORA_TARGETS } from '../../src/core/gpt';

export const labSchema = {
  country: { kind: 'enum', options: COUNTRIES.map((c) => c.code), default: 'IT', label: 'Country' },
  targets: { kind: 'set', options: LORA_TARGETS, default: ['q', 'k', 'v', 'o'], label: 'Matrices' },
  rank: { kind: 'int', min: 1, max: 64, default: 4, label: 'Rank' },
  alpha: { kind: 'number', min: 0.01, max: 1024, default: 8, label: 'α' },
  lr: { kind: 'number', min: 1e-5, max: 1, default: 0.01, label: 'Learning rate' },
  steps: { kind: 'int', min: 1, max: 2000, default: 150, label: 'Steps per run' },
  seed: { kind: 'int', min: 0, max: 999_999, default: 0, label: 'Seed' },
  temperature: { kind: 'number', min: 0.1, max: 2, default: 0.8, label: 'Temperature' },
  sampleSeed: { kind: 'int', min: 0, max: 999_999, default: 1, label: 'Sample seed' },
  block: { kind: 'int', min: 1, max: GPT_CONFIG.layers, default: GPT_CONFIG.layers, label: 'Block' },
  head: { kind: 'int', min: 1, max: GPT_CONFIG.heads, default: 1, label: 'Head' },
} as const;

/** The word the "Look inside" view starts with (a plain field, not kept in the URL: a half-typed word is not an error). */
export const INSIDE_WORD = 'szczecin';

/** Settings that define a run: changing one starts a fresh adapter. */
export function labRunKey(v: { country: string; targets: readonly string[]; rank: number; alpha: number; lr: number; seed: number }): string {
  return JSON.stringify([v.country, [...v.targets].sort(), v.rank, v.alpha, v.lr, v.seed]);
}

/** Measure held-out loss about five times a run, but not more often than every 10 steps. */
export function evalEveryFor(steps: number): number {
  return Math.max(10, Math.ceil(steps / 5));
}

/** "2.31 → 1.84 nats/char (−20 %)". */
export function lossChange(base: number, now: number): string {
  if (!Number.isFinite(base) || !Number.isFinite(now)) return '—';
  const pct = (100 * (now - base)) / base;
  return `${base.toFixed(3)} → ${now.toFixed(3)} nats/char (${pct <= 0 ? '−' : '+'}${Math.abs(pct).toFixed(0)} %)`;
}

/** Why the adapter on/off switch is disabled before any training (the page's first text and the cell's after a Reset or Keep). */
export const ADAPTER_NONE = 'No adapter is trained yet: train one, then switch it off and on to compare with the base.';

/** What the adapter on/off switch says beside itself, and announces (the summary), once an adapter is trained. */
export function adapterSwitchText(on: boolean, country: string, base: number, heldOut: number): { why: string; summary: string } {
  return on
    ? { why: `On: the ${country} adapter is applied to the frozen base.`, summary: `Adapter on: ${country}, held-out names: ${lossChange(base, heldOut)}.` }
    : { why: 'Off: the frozen base alone; the adapter is kept, not forgotten.', summary: `Adapter off: the base alone scores ${base.toFixed(3)} nats/char on ${country}’s held-out names.` };
}
