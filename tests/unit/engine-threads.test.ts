// initBackend's report: WASM thread count (1 in Node: tfjs starts WebAssembly threads only in a
// browser; isolated.test.ts checks a browser gets every core), engineThreads(), and a requested
// backend that cannot start (named in `requested`, with the reason, and the next one runs).
import { describe, expect, it } from 'vitest';
import { engineThreads, initBackend, wasmThreadPlan } from '../../src/engine/index';

describe('engine threads and the requested backend', () => {
  it('reports one WASM thread in Node, and why', async () => {
    const info = await initBackend({ prefer: 'wasm' });
    expect(info.name).toBe('wasm');
    expect(info.threads).toBe(1);
    expect(info.singleThreadWhy).toBe('tfjs runs WebAssembly threads only in a browser');
    expect(info.requested).toBeUndefined();
    expect(info.reason).toBe('chosen by you');
    expect(engineThreads()).toBe(1);
    expect(wasmThreadPlan()).toEqual({ threads: 1, why: 'tfjs runs WebAssembly threads only in a browser' });
  });

  it('names a requested backend that cannot start, says why, and runs the next one', async () => {
    const info = await initBackend({ prefer: 'webgl' });
    expect(info.requested).toEqual({ name: 'webgl', why: 'not available outside a browser' });
    expect(info.name).not.toBe('webgl');
    expect(info.reason).toMatch(/^webgl was asked for but is not available here: not available outside a browser/);
    await initBackend({ prefer: 'wasm' });
  });
});
