// The two training cells of /alpha-r/ share one engine worker; two runs at once would
// interleave step by step and distort each other's timing. A cell takes the lock to train.
let owner: string | null = null;
const listeners = new Set<() => void>();

export function take(who: string): boolean {
  if (owner && owner !== who) return false;
  owner = who;
  listeners.forEach((f) => f());
  return true;
}

export function give(who: string): void {
  if (owner !== who) return;
  owner = null;
  listeners.forEach((f) => f());
}

export const holder = () => owner;
export const onLockChange = (f: () => void) => listeners.add(f);
