// What a cell says about where it computes (DOM-free, unit-tested):
//   backendLine(info)  "WebAssembly, 2 threads"
//                      "WebAssembly, 1 thread: this page is not cross-origin isolated"
//   backendNote(info)  why this backend: "Fastest available here: …", or, when the page asked for
//                      one with ?backend=… that cannot start, that it is not available here, why,
//                      and what runs instead.
import type { BackendInfo, BackendName } from '../../src/api/protocol';

const NAMES: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  webgl: 'WebGL',
  wasm: 'WebAssembly',
  cpu: 'CPU (plain JavaScript)',
};

export const backendLabel = (name: string): string => NAMES[name as BackendName] ?? name;

type Line = Pick<BackendInfo, 'name' | 'threads' | 'singleThreadWhy'>;

/** The backend and, on WebAssembly, its thread count (and why only one). */
export function backendLine(info: Line): string {
  const name = backendLabel(info.name);
  if (info.name !== 'wasm') return name;
  const n = Math.max(1, Math.floor(info.threads || 1));
  if (n > 1) return `${name}, ${n} threads`;
  return info.singleThreadWhy ? `${name}, 1 thread: ${info.singleThreadWhy}` : `${name}, 1 thread`;
}

/** Why this backend runs: chosen by the reader, the fastest here, or instead of one that could not start. */
export function backendNote(info: Pick<BackendInfo, 'name' | 'reason' | 'skipped' | 'requested'>): string {
  const here = backendLabel(info.name);
  if (info.requested) {
    const asked = backendLabel(info.requested.name);
    return `${asked} was requested (?backend=${info.requested.name}) but is not available here: ${info.requested.why}. Running on ${here} instead.`;
  }
  // chooseBackend may add a note to the reason ("chosen by you; software adapter: …"): still the reader's choice.
  const chosen = /^chosen by you(?:; (.+))?$/s.exec(info.reason);
  if (chosen) return `Chosen in the address (?backend=${info.name})${chosen[1] ? `; ${chosen[1]}` : ''}.`;
  const skipped = info.skipped.filter((s) => s.name !== info.name);
  if (!skipped.length) return 'The fastest backend available here.';
  return `The fastest backend available here; skipped ${skipped.map((s) => `${backendLabel(s.name)} (${s.why})`).join(', ')}.`;
}
