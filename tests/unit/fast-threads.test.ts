// The fast path's products cut between threads (src/engine/fast/threads.ts, gemm.ts) give the same bits as one
// thread. tfjs's WASM backend has no shared memory in Node (its threaded build does not start there), so these
// tests build a small stand-in backend on a shared WebAssembly.Memory and start the helpers with worker_threads:
// the same module, the same cutting and the same helper program as in a cross-origin isolated browser.
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../src/engine/index';
import { compileGemm, createGemm, fastThreadInfo, setSplitThresholds, setThreadSpawner, type Gemm, type WasmBackend } from '../../src/engine/fast/gemm';
import { canBlock, cut, sharedMemoryVariant, type Spawn } from '../../src/engine/fast/threads';
import { GEMM_WASM_BASE64 } from '../../src/engine/fast/wasm/gemm.wasm';
import { mulberry32 } from '../../src/core/rng';
import { relDiff, useWasm } from './helpers';

type Info = tf.TensorInfo;

/** tfjs's WASM backend as gemm.ts sees it, on a shared memory with a bump allocator. */
class SharedBackend implements WasmBackend {
  readonly memory = new WebAssembly.Memory({ initial: 1024, maximum: 16384, shared: true });
  readonly wasm = { wasmMemory: this.memory };
  readonly dataIdMap = new Map<object, { memoryOffset: number }>();
  private next = 64;

  makeOutput(shape: number[], dtype: 'float32'): Info {
    const bytes = 4 * shape.reduce((a, b) => a * b, 1);
    const offset = this.next;
    this.next = Math.ceil((offset + bytes + 16) / 64) * 64;
    const need = Math.ceil(this.next / 65536) - this.memory.buffer.byteLength / 65536;
    if (need > 0) this.memory.grow(need);
    const dataId = {};
    this.dataIdMap.set(dataId, { memoryOffset: offset });
    return { dataId, shape, dtype } as Info;
  }

  disposeData(dataId: object): boolean {
    return this.dataIdMap.delete(dataId);
  }

  put(shape: number[], values: Float32Array): Info {
    const t = this.makeOutput(shape, 'float32');
    new Float32Array(this.memory.buffer, this.dataIdMap.get(t.dataId)!.memoryOffset, values.length).set(values);
    return t;
  }

  read(t: Info): Float32Array {
    const n = t.shape.reduce((a, b) => a * b, 1);
    return new Float32Array(this.memory.buffer, this.dataIdMap.get(t.dataId)!.memoryOffset, n).slice();
  }
}

const nodeSpawn: Spawn = (source) => {
  const w = new Worker(source, { eval: true });
  w.unref(); // the test run may end while helpers wait
  return w;
};

function random(n: number, seed: number, sparse = false): Float32Array {
  const rand = mulberry32(seed);
  const out = new Float32Array(n);
  // Some exact zeros and negatives, so that ReLU and its gradient have both cases.
  for (let i = 0; i < n; i++) out[i] = sparse && rand() < 0.3 ? 0 : rand() * 2 - 1;
  return out;
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** The first index where two float arrays differ in any bit, or -1. */
function firstDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  const x = bits(a);
  const y = bits(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}

async function until(ready: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!ready()) {
    if (Date.now() - t0 > 100_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every product and pass of the fast path on one Gemm; the results read back. */
function allProducts(g: Gemm, be: SharedBackend, [M, K, N]: [number, number, number], seed: number): Float32Array[] {
  const r = 3;
  const A = be.put([M, K], random(M * K, seed));
  const B = be.put([K, N], random(K * N, seed + 1));
  const bias = be.put([N], random(N, seed + 2));
  const U = be.put([M, r], random(M * r, seed + 3));
  const V = be.put([r, N], random(r * N, seed + 4));
  const G = be.put([M, N], random(M * N, seed + 5, true));
  const W = be.put([K, N], random(K * N, seed + 6));
  const out: Float32Array[] = [];
  const keep = (t: Info) => out.push(be.read(t));
  keep(g.matMul(A, B, null, false, false));
  keep(g.matMul(A, B, bias, true, true)); // packed and kept (a weight)
  keep(g.matMul(A, B, bias, true, false, { U, V, s: 0.37 })); // the fused low-rank term, then ReLU
  keep(g.matMul(A, B, null, false, false, { U, V, s: 2 }));
  keep(g.matMulTA(A, G)); // Aᵀ·G [K×N]
  keep(g.matMulTA(A, G, 0.5));
  keep(g.matMulTB(G, W)); // G·Wᵀ [M×K]
  keep(g.matMulTB(G, W, 1.5));
  keep(g.reluGrad(G, be.put([M, N], random(M * N, seed + 7, true))));
  const scalars = [0.9, 0.1, 0.999, 0.001, 0.19, 0.002, 1e-7, -0.01];
  for (const t of g.adam(G, be.put([M, N], random(M * N, seed + 8)), be.put([M, N], random(M * N, seed + 9).map(Math.abs)), B.shape[0] === M ? B : G, scalars)) keep(t);
  return out;
}

describe('the products module for a shared memory', () => {
  it('is the same code with a shared memory import, which the plain module cannot take', () => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 100, shared: true });
    expect(() => new WebAssembly.Instance(compileGemm(false)!, { env: { memory } })).toThrow();
    const plain = Uint8Array.from(atob(GEMM_WASM_BASE64), (c) => c.charCodeAt(0));
    const shared = sharedMemoryVariant(plain)!;
    expect(shared.length).toBe(plain.length + 3); // flags 0 → 3 and a 3-byte maximum; the code section unchanged
    expect(Buffer.from(shared.subarray(-20000)).equals(Buffer.from(plain.subarray(-20000)))).toBe(true);
    expect(() => new WebAssembly.Instance(compileGemm(true)!, { env: { memory } })).not.toThrow();
  });

  it('cuts ranges into near-equal contiguous pieces', () => {
    expect(cut(16, 2)).toEqual([0, 8, 16]);
    expect(cut(17, 3)).toEqual([0, 6, 11, 17]);
    expect(cut(2, 4)).toEqual([0, 1, 2]); // never an empty piece
  });
});

describe('the fast path on tfjs in Node', () => {
  beforeAll(useWasm);
  it('runs on one thread and says why (tfjs has no shared memory here)', () => {
    expect(fastThreadInfo(tf.backend())).toEqual({ threads: 1, started: 1, oneThreadBecause: "tfjs's WebAssembly memory is not shared here" });
  });
});

describe.runIf(canBlock())('products cut between threads (worker_threads on a shared memory)', () => {
  const be = new SharedBackend();
  let one: Gemm;
  const many = new Map<number, Gemm>();

  beforeAll(async () => {
    setThreadSpawner(nodeSpawn);
    one = createGemm(be)!;
    one.resizeThreads(1);
    for (const n of [2, 3, 4]) {
      const g = createGemm(be)!;
      g.resizeThreads(n);
      many.set(n, g);
    }
    await until(() => [...many].every(([n, g]) => g.readyThreads === n), 'the helper threads');
  }, 120_000); // nine worker_threads starting on a busy machine

  afterAll(() => {
    for (const g of [one, ...many.values()]) g?.closeThreads();
    setThreadSpawner(null);
    setSplitThresholds();
  });

  it('are right (against float64 products) on one thread', () => {
    const [M, K, N] = [37, 70, 45];
    const a = random(M * K, 1);
    const b = random(K * N, 2);
    const ref = new Float32Array(M * N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
      let c = 0;
      for (let k = 0; k < K; k++) c += a[i * K + k] * b[k * N + j];
      ref[i * N + j] = c;
    }
    const got = be.read(one.matMul(be.put([M, K], a), be.put([K, N], b), null, false, false));
    expect(relDiff(got, ref)).toBeLessThan(1e-5);
  });

  // Odd sizes (1, 3, 7, 63, 65) hit every row-of-4 and column-of-8 remainder at block edges; the big ones are the
  // site's layers (batch 64, 784→1000→2000→10) and a 1000-ish odd one.
  const shapes: [number, number, number][] = [
    [1, 1, 1], [3, 7, 1], [7, 3, 63], [65, 63, 7], [63, 65, 3], [1, 65, 1000], [65, 1, 63], [7, 1003, 65],
    [64, 784, 1000], [64, 1000, 2000], [64, 2000, 10], [1003, 65, 7], [999, 63, 1001],
  ];
  for (const thresholds of ['cut everything', 'default'] as const) {
    describe(thresholds === 'default' ? 'as the engine cuts them' : 'with every product cut, however small', () => {
      beforeAll(() => (thresholds === 'default' ? setSplitThresholds() : setSplitThresholds(1, 1)));
      for (const shape of shapes) {
        if (thresholds === 'cut everything' && shape[0] * shape[1] * shape[2] > 2e7) continue; // the default run has them
        it(`equal one thread's bit for bit, ${shape.join('×')}, 2, 3 and 4 threads`, () => {
          const want = allProducts(one, be, shape, shape[0] + shape[1] + shape[2]);
          for (const [n, g] of many) {
            const got = allProducts(g, be, shape, shape[0] + shape[1] + shape[2]);
            got.forEach((t, k) => expect(firstDifference(t, want[k]), `${n} threads, result ${k}`).toBe(-1));
          }
        });
      }
    });
  }

  it('gave blocks to the helpers (not all taken back by the calling thread)', () => {
    for (const [n, g] of many) {
      const s = g.threadStats()!;
      expect(s.jobs, `${n} threads`).toBeGreaterThan(20);
      expect(s.helperBlocks, `${n} threads`).toBeGreaterThan(0);
    }
  });
});

describe.runIf(canBlock())('a helper that never wakes', () => {
  it('costs nothing but time: the calling thread takes its blocks back, with the same bits', () => {
    const be = new SharedBackend();
    // Says it is ready, then never looks at the control block.
    setThreadSpawner((_source) => ({
      postMessage(m: { control: SharedArrayBuffer; slot: number; layout: Record<string, number> }) {
        Atomics.store(new Int32Array(m.control), m.layout.SLOTS + 4 * m.slot + m.layout.READY, 1);
      },
      terminate() {},
    }));
    setSplitThresholds(1, 1);
    try {
      const one = createGemm(be)!;
      one.resizeThreads(1);
      const stuck = createGemm(be)!;
      stuck.resizeThreads(3);
      expect(stuck.readyThreads).toBe(3);
      const want = allProducts(one, be, [65, 63, 70], 5);
      const got = allProducts(stuck, be, [65, 63, 70], 5);
      got.forEach((t, k) => expect(firstDifference(t, want[k]), `result ${k}`).toBe(-1));
      expect(stuck.threadStats()!.takenBack).toBeGreaterThan(0);
      expect(stuck.threadStats()!.helperBlocks).toBe(0);
      stuck.closeThreads();
    } finally {
      setThreadSpawner(null);
      setSplitThresholds();
    }
  });
});
