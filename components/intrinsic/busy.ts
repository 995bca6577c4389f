// The chapter's two training cells share the page's one engine worker. Two runs
// at once would interleave step by step and slow each other, so a cell claims
// the engine while it trains and the other waits.
let owner: string | null = null;
const listeners = new Set<() => void>();

export function claim(who: string): boolean {
  if (owner && owner !== who) return false;
  owner = who;
  listeners.forEach((f) => f());
  return true;
}

export function release(who: string): void {
  if (owner !== who) return;
  owner = null;
  listeners.forEach((f) => f());
}

export const busyOwner = (): string | null => owner;

export function onBusyChange(f: () => void): void {
  listeners.add(f);
}

/** A finished single run, announced to the sweep chart (which draws it on top). */
export interface RunResultDetail { d: number; steps: number; seed: number; accuracy: number }
export const RUN_RESULT_EVENT = 'intrinsic-run-result';
