// The /qlora/ and /qa-lora/ cells share one engine worker per page. A long job (a sweep, a
// training run) claims it so that two of them never interleave and report each other's time.
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

export const BUSY_MESSAGE = 'Another cell on this page is using the engine; wait for it to finish or stop it.';
