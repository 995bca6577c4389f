// The thread pool of the fast path (src/engine/fast/threads.ts) when a helper thread is descheduled at the worst
// moment. A busy machine can stop any thread for milliseconds anywhere; these tests make that happen on purpose:
// the real helper program, run with worker_threads, is given stalls (Atomics.wait on a private buffer) at chosen
// points — before it says it is ready, between reading a new generation and claiming its slot, and between
// claiming its slot and reading it. Each job is `scale` (x *= 2, in place) on its own array of ones, so a block
// computed twice shows up as a 4, and the last check comes after every stall has ended: nothing may write into a
// job's memory after run() has returned or thrown.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { compileGemm } from '../../src/engine/fast/gemm';
import { canBlock, cut, HELPER_SOURCE, nextGeneration, ThreadPool, type Part, type Spawn } from '../../src/engine/fast/threads';

type Stall = 'beforeReady' | 'afterWake' | 'afterClaim';
const STALLS: Stall[] = ['beforeReady', 'afterWake', 'afterClaim'];

/** Inserts `text` after the one occurrence of `anchor` in the helper's source (and fails loudly if it moved). */
function insertAfter(source: string, anchor: string, text: string): string {
  const at = source.indexOf(anchor);
  if (at < 0 || source.indexOf(anchor, at + 1) >= 0) throw new Error(`the helper source has changed: "${anchor.trim()}" is not one line`);
  return source.slice(0, at + anchor.length) + text + source.slice(at + anchor.length);
}

/**
 * The helper program with a stall at each point, each taken once, for as many ms as its message's `stalls` say.
 * `probe` (per slot, one Int32 per stall point) reads 1 while the helper is in that stall and 2 after.
 */
function stallingSource(source: string): string {
  let s = insertAfter(
    source,
    '    var L = m.layout;\n',
    `    var stalls = m.stalls || {}, probe = new Int32Array(m.probe), names = ${JSON.stringify(STALLS)};
    function stall(w) {
      var ms = stalls[w], k = ${STALLS.length} * m.slot + names.indexOf(w);
      if (!ms) return;
      stalls[w] = 0;
      Atomics.store(probe, k, 1);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
      Atomics.store(probe, k, 2);
    }
`,
  );
  s = insertAfter(s, '    var seen = Atomics.load(i32, L.GEN);\n', "    stall('beforeReady');\n");
  s = insertAfter(s, '      seen = g;\n', "      stall('afterWake');\n");
  s = insertAfter(s, 'Atomics.compareExchange(i32, s + L.CLAIM, c, g) !== c) continue;\n', "      stall('afterClaim');\n");
  return s;
}

interface Rig {
  pool: ThreadPool;
  /** Where helper `slot` is in stall `w`: 0 not reached, 1 in it, 2 past it. */
  probe(slot: number, w: Stall): number;
  /** n floats of the shared memory, all ones, at a fresh place. */
  ones(n: number): number;
  read(ptr: number, n: number): Float32Array;
  /** Parts that scale n floats at ptr by 2, cut `parts` ways. */
  scaleParts(ptr: number, n: number, parts: number): Part[];
  close(): void;
}

const SCALE = 0; // the index of 'scale' in the names given to the pool

function rig(helpers: number, stalls: Record<number, Partial<Record<Stall, number>>>): Rig {
  const module = compileGemm(true)!;
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 16384, shared: true });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, unknown>;
  const probe = new Int32Array(new SharedArrayBuffer(4 * STALLS.length * (helpers + 1)));
  const source = stallingSource(HELPER_SOURCE);
  const spawn: Spawn = () => {
    const w = new Worker(source, { eval: true });
    w.unref();
    return {
      postMessage: (m: { slot: number }) => w.postMessage({ ...m, stalls: stalls[m.slot] ?? {}, probe: probe.buffer }),
      terminate: () => w.terminate(),
    };
  };
  let next = 8 << 20; // well above the module's own data and stack
  return {
    pool: new ThreadPool(module, memory, exports, ['scale'], helpers, spawn),
    probe: (slot, w) => Atomics.load(probe, STALLS.length * slot + STALLS.indexOf(w)),
    ones(n) {
      const ptr = next;
      next += 4 * n + 64;
      new Float32Array(memory.buffer, ptr, n).fill(1);
      return ptr;
    },
    read: (ptr, n) => new Float32Array(memory.buffer, ptr, n).slice(),
    scaleParts(ptr, n, parts) {
      const b = cut(n, parts);
      return b.slice(1).map((e, p) => [[SCALE, ptr + 4 * b[p], e - b[p], 2]]);
    },
    close() {
      this.pool.close();
    },
  };
}

async function until(ready: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!ready()) {
    if (Date.now() - t0 > 60_000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Indices whose value is not 2 (each element scaled exactly once), as "index: value". */
function notTwo(a: Float32Array): string[] {
  const out: string[] = [];
  a.forEach((v, i) => v !== 2 && out.length < 5 && out.push(`${i}: ${v}`));
  return out;
}

const N = 4096;
const STALL_MS = 1000;

/**
 * Runs a second job (fresh ones, cut `parts` ways) while the first job's helpers may still be stalled, then
 * checks that each element of the second job was scaled exactly once as run() returns, and that both jobs'
 * arrays still hold exactly 2s once every stall has ended.
 */
async function runSecondJobThenCheckBoth(r: Rig, x1: number, parts: number): Promise<void> {
  const x2 = r.ones(N);
  r.pool.run(r.scaleParts(x2, N, parts));
  expect(notTwo(r.read(x2, N)), 'as run() returns').toEqual([]);
  await sleep(STALL_MS + 500);
  expect(notTwo(r.read(x1, N)), 'first job').toEqual([]);
  expect(notTwo(r.read(x2, N)), 'second job, after every stall').toEqual([]);
}

describe.runIf(canBlock())('the thread pool when helpers are descheduled at the worst moment', () => {
  it('a helper left without a block, stalled between claiming its slot and reading it, does not run the next job\'s block', async () => {
    // Five threads; the first job is cut in two, so helpers 2–4 have no block. Had they claimed the job anyway
    // and stalled before reading their slot, the second job (cut five ways) would rewrite those slots, the
    // caller would take the blocks back (their claims are for the old job) and the helpers would then run them
    // a second time.
    const r = rig(4, { 2: { afterClaim: STALL_MS }, 3: { afterClaim: STALL_MS }, 4: { afterClaim: STALL_MS } });
    try {
      await until(() => r.pool.size === 5, 'the helpers');
      const x1 = r.ones(N);
      r.pool.run(r.scaleParts(x1, N, 2));
      await sleep(200); // every helper has woken for the first job by now
      await runSecondJobThenCheckBoth(r, x1, 5);
    } finally {
      r.close();
    }
  }, 90_000);

  it('a helper stalled between reading a new generation and claiming its slot does not take a later job\'s block', async () => {
    // Helpers 2 and 3 read the first job's generation, then stall before they claim. The second job uses their
    // slots; the caller takes those blocks back. When the helpers go on, their slots are claimed for a newer job
    // than the one they read: they must not claim them back for the old one (and then run the new block again).
    const r = rig(3, { 2: { afterWake: STALL_MS }, 3: { afterWake: STALL_MS } });
    try {
      await until(() => r.pool.size === 4, 'the helpers');
      const x1 = r.ones(N);
      r.pool.run(r.scaleParts(x1, N, 2));
      await until(() => r.probe(2, 'afterWake') === 1 && r.probe(3, 'afterWake') === 1, 'helpers 2 and 3 to stall');
      const x2 = r.ones(N);
      r.pool.run(r.scaleParts(x2, N, 4));
      expect(r.probe(2, 'afterWake'), 'helper 2 still stalled as the second job ends').toBe(1);
      await sleep(STALL_MS + 500);
      expect(notTwo(r.read(x1, N)), 'first job').toEqual([]);
      expect(notTwo(r.read(x2, N)), 'second job, after every stall').toEqual([]);
      // And the pool goes on working with those helpers.
      const x3 = r.ones(N);
      r.pool.run(r.scaleParts(x3, N, 4));
      expect(notTwo(r.read(x3, N)), 'third job').toEqual([]);
    } finally {
      r.close();
    }
  }, 90_000);

  it('a helper that becomes ready just after a job started does not run that job\'s slot, nor the next job\'s twice', async () => {
    // Helper 2 reads the generation, then stalls before it says it is ready, so the first job (cut in two) is
    // made without it; then it wakes for that job, and would claim its slot and stall before reading it.
    const r = rig(2, { 2: { beforeReady: 600, afterClaim: STALL_MS } });
    try {
      await until(() => r.pool.size === 2 && r.probe(2, 'beforeReady') === 1, 'helper 1 ready and helper 2 in its stall');
      const x1 = r.ones(N);
      r.pool.run(r.scaleParts(x1, N, 2));
      await until(() => r.pool.size === 3, 'helper 2');
      await sleep(200); // helper 2 has seen the first job's generation by now
      await runSecondJobThenCheckBoth(r, x1, 3);
    } finally {
      r.close();
    }
  }, 90_000);

  it('when the calling thread\'s own block traps, run() throws only once no helper is still writing', async () => {
    // Helper 1 claims its block and stalls before computing it. The caller's block traps (out of bounds). If
    // run() threw at once, the helper would scale its block after the error had reached the caller, whose error
    // path may already have freed (and reused) that memory.
    const r = rig(1, { 1: { afterClaim: STALL_MS } });
    try {
      await until(() => r.pool.size === 2, 'the helper');
      const x = r.ones(N);
      const [, helperPart] = r.scaleParts(x, N, 2);
      const trap: Part = [[SCALE, 0x7ffffff0, N, 2]]; // past the end of the memory
      expect(() => r.pool.run([trap, helperPart])).toThrow(/out of bounds/);
      const atThrow = r.read(x, N);
      await sleep(STALL_MS + 500);
      expect(r.probe(1, 'afterClaim'), 'the helper has had its stall').not.toBe(1);
      expect(Array.from(r.read(x, N)), 'memory after every stall, as when run() threw').toEqual(Array.from(atThrow));
      // The pool still works.
      const y = r.ones(N);
      r.pool.run(r.scaleParts(y, N, 2));
      expect(notTwo(r.read(y, N))).toEqual([]);
    } finally {
      r.close();
    }
  }, 90_000);
});

describe('generations', () => {
  it('wrap as int32 (never 0), and the newer is still the one the older subtracts from to a positive', () => {
    const newer = (a: number, b: number) => ((a - b) | 0) > 0; // the helper's test, in threads.ts's HELPER_SOURCE
    for (const start of [1, 0x7ffffffe, -3]) {
      let g = start;
      for (let k = 0; k < 6; k++) {
        const next = nextGeneration(g);
        expect(next).not.toBe(0);
        expect(newer(next, g), `${next} after ${g}`).toBe(true);
        expect(newer(g, next), `${g} before ${next}`).toBe(false);
        g = next;
      }
    }
    expect(nextGeneration(0x7fffffff)).toBe(-0x80000000);
    expect(nextGeneration(-1)).toBe(1);
  });
});
