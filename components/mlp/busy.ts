// The page's cells share one engine worker. Two training runs at once would
// interleave step by step and each would report the other's time per step, so a
// cell claims the engine for training and the other cells wait.

let owner: string | null = null;
const listeners = new Set<(owner: string | null) => void>();

/** Claim the engine for `who`; false if another cell holds it. */
export function claim(who: string): boolean {
  if (owner && owner !== who) return false;
  owner = who;
  listeners.forEach((f) => f(owner));
  return true;
}

export function release(who: string): void {
  if (owner !== who) return;
  owner = null;
  listeners.forEach((f) => f(owner));
}

export const busyOwner = () => owner;

export function onBusyChange(f: (owner: string | null) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}
