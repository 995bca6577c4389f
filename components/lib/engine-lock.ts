// A page's cells share one engine worker. Two long jobs at once (training runs,
// sweeps) would interleave step by step and each would report the other's time
// per step, so a cell claims the engine for such a job and the others wait.
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

export const busyOwner = (): string | null => owner;

/** Called whenever the engine is claimed or released; returns an unsubscribe function. */
export function onBusyChange(f: (owner: string | null) => void): () => void {
  listeners.add(f);
  return () => listeners.delete(f);
}

export const BUSY_MESSAGE = 'Another cell on this page is using the engine; wait for it to finish, or stop it (a run scrolled off screen pauses until you scroll back to it).';
