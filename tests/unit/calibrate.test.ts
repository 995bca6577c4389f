// Choosing the backend by measuring (src/engine/calibrate.ts), in Node with WASM and CPU as the candidates
// (a browser without a hardware GPU has only WebAssembly, and then nothing is measured).
import { afterAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/engine/index';
import { chooseBackend, describeCalibration, fastest, type Calibration, type CalibrationCache } from '../../src/engine/calibrate';
import { useWasm } from './helpers';

afterAll(useWasm);

function memoryCache(): CalibrationCache & { puts: number; map: Map<string, Calibration> } {
  const map = new Map<string, Calibration>();
  return {
    map,
    puts: 0,
    async get(k) { return map.get(k); },
    async put(k, v) { this.puts++; map.set(k, v); },
  };
}

const small = { sizes: [784, 32, 10], steps: 2, includeSoftware: true, candidates: ['wasm', 'cpu'] as const };

describe('describeCalibration and fastest', () => {
  it('prints each candidate and the choice, as the backend line shows it', () => {
    const c: Calibration = { choice: 'webgpu', cached: false, timings: [{ name: 'wasm', msPerStep: 9.63 }, { name: 'webgpu', msPerStep: 2.81 }, { name: 'webgl', msPerStep: null, note: 'not measured (out of time)' }] };
    expect(describeCalibration(c)).toBe('WebAssembly 9.6 ms/step · WebGPU 2.8 ms/step · WebGL not measured (out of time) → WebGPU');
    expect(describeCalibration({ ...c, cached: true })).toMatch(/→ WebGPU \(measured on an earlier visit\)$/);
    expect(fastest(c.timings)).toBe('webgpu');
    expect(fastest([{ name: 'wasm', msPerStep: null }])).toBeNull();
  });
});

describe('chooseBackend', () => {
  it('times each candidate, picks the fastest, caches it, and uses the cache next time', async () => {
    const cache = memoryCache();
    const first = await chooseBackend({ ...small, candidates: [...small.candidates], version: 'v1', cache, budgetMs: 60_000 });
    expect(first.calibration?.timings.map((t) => t.name)).toEqual(['wasm', 'cpu']);
    for (const t of first.calibration!.timings) expect(t.msPerStep).toBeGreaterThan(0);
    // The plain-JavaScript CPU backend is many times slower than WASM-SIMD.
    expect(first.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(first.reason).toMatch(/^WebAssembly [\d.,]+ ms\/step · CPU [\d.,]+ ms\/step → WebAssembly$/);
    expect(cache.puts).toBe(1);

    const again = await chooseBackend({ ...small, candidates: [...small.candidates], version: 'v1', cache, budgetMs: 60_000 });
    expect(again.calibration?.cached).toBe(true);
    expect(again.reason).toMatch(/earlier visit/);
    expect(cache.puts).toBe(1);
    // A new version of the site measures again.
    await chooseBackend({ ...small, candidates: [...small.candidates], version: 'v2', cache, budgetMs: 60_000 });
    expect(cache.puts).toBe(2);
  }, 120_000);

  it('stays inside its time budget, and does not cache an incomplete measurement', async () => {
    const cache = memoryCache();
    const t0 = performance.now();
    const c = await chooseBackend({ ...small, candidates: [...small.candidates], version: 'v1', cache, budgetMs: 1 });
    expect(performance.now() - t0).toBeLessThan(5_000); // one warm-up step of a small network at most, per started candidate
    expect(cache.puts).toBe(0);
    expect(['wasm', 'cpu']).toContain(c.name);
  });

  it('measures nothing where there is one candidate, and a forced backend is used as asked', async () => {
    const cache = memoryCache();
    const one = await chooseBackend({ version: 'v1', cache, candidates: ['wasm'] });
    expect(one.name).toBe('wasm');
    expect(one).not.toHaveProperty('calibration');
    const forced = await chooseBackend({ version: 'v1', cache, prefer: 'cpu' });
    expect(forced.name).toBe('cpu');
    expect(forced).not.toHaveProperty('calibration');
    expect(cache.puts).toBe(0);
  });
});
