/**
 * Helper threads for the fast path's WebAssembly products (gemm.ts), on the
 * shared memory of tfjs's threaded build.
 *
 * Why. A training step of the site's network is ~90 % three big products,
 * which run at about one core's peak (README, "Speed on machines without a
 * GPU"); only more cores make them faster. On a cross-origin isolated page
 * tfjs's WASM memory is a shared WebAssembly.Memory, so other threads can run
 * the same module on the same tensors, in place.
 *
 * How. Each helper is a Web Worker (a worker_threads Worker in Node tests)
 * that instantiates the products' module on that memory and then blocks in
 * Atomics.wait on a small control block (its own SharedArrayBuffer). A
 * product is cut into disjoint blocks of output rows or columns (gemm.c
 * computes every element the same way whatever the block, so the result is
 * bit-for-bit the one-thread result, whatever the number of threads); the
 * caller writes each helper's block into its slot, bumps a generation counter
 * and notifies, computes its own block, then waits. A block whose helper has
 * not yet woken (a busy machine, a helper still starting) is taken back and
 * computed by the caller: no job waits on a thread that is not running.
 * Every slot without a block is marked claimed before the generation is
 * bumped, and a helper claims only a slot whose claim is older than the
 * generation it woke for: the caller does not wait for idle helpers, so one
 * descheduled at any point must never read a slot the next job is writing.
 *
 * The caller blocks in Atomics.wait, which a page's main thread may not do:
 * the pool is only made where that is allowed (the engine's Web Worker, Node).
 * The helpers' source is a string run as a classic worker from a blob: URL,
 * so no bundler has to find or rename it.
 */

/** One call of a module export: its index in the name list, then its arguments (numbers). */
export type Call = readonly number[];
/** The calls one thread makes for one job, in order (e.g. a block of a product, then the same block's low-rank term). */
export type Part = readonly Call[];

/** Something that runs `HELPER_SOURCE` in a thread and can pass it a message (a Web Worker, a worker_threads Worker). */
export interface HelperThread {
  postMessage(message: unknown): void;
  terminate(): unknown;
  /** Set by the pool: called with a message when the helper cannot start (it then takes no blocks). */
  onHelperError?: (message: string) => void;
}
export type Spawn = (source: string) => HelperThread;

const MAX_CALLS = 4;
const MAX_ARGS = 16;
/** Most helpers a pool runs (slots in the control block). */
export const MAX_HELPERS = 63;

// Control block, Int32 words: [GEN] the job's generation, [STOP]; then per slot (helper) 4 words.
const GEN = 0;
const STOP = 1;
const SLOTS = 4;
const CLAIM = 0; // the generation whose block this slot's work was taken for (by its helper or by the caller)
const DONE = 1; // the generation this slot's block was finished for
const FAILED = 2; // the generation at which the block threw
const READY = 3; // 1 once the helper has its instance
// Then Float64 words, per slot: the number of calls, then per call the export's index, the argument count, the arguments.
const PART_WORDS = 1 + MAX_CALLS * (2 + MAX_ARGS);
const F64_BASE = Math.ceil(((SLOTS + 4 * (MAX_HELPERS + 1)) * 4) / 8);
const CONTROL_BYTES = (F64_BASE + PART_WORDS * (MAX_HELPERS + 1)) * 8;
/**
 * How long a helper polls the control block before it sleeps in Atomics.wait, ms: the next product of a
 * training step is often tens of µs away, and waking a sleeping thread costs about that much again.
 */
const SPIN_MS = 0.2;
/** How long the caller polls for a helper's block before it sleeps, ms (it has nothing else to do). */
const WAIT_SPIN_MS = 2;

/**
 * The helper's whole program. Kept in step with the layout constants above
 * (passed in its first message). Plain ES2017 in a string: no bundler touches it.
 */
export const HELPER_SOURCE = `'use strict';
(function () {
  var nodePort = typeof require === 'function' ? require('worker_threads').parentPort : null;
  function start(m) {
    var L = m.layout;
    var exp = new WebAssembly.Instance(m.module, { env: { memory: m.memory } }).exports;
    var fns = m.names.map(function (n) { return exp[n]; });
    var i32 = new Int32Array(m.control), f64 = new Float64Array(m.control);
    var s = L.SLOTS + 4 * m.slot, base = L.F64_BASE + L.PART_WORDS * m.slot;
    var seen = Atomics.load(i32, L.GEN);
    Atomics.store(i32, s + L.READY, 1);
    for (;;) {
      var g = Atomics.load(i32, L.GEN), t0 = performance.now(), n = 0;
      while (g === seen && ((++n & 63) !== 0 || performance.now() - t0 < L.SPIN_MS)) g = Atomics.load(i32, L.GEN);
      while (g === seen) { Atomics.wait(i32, L.GEN, seen); g = Atomics.load(i32, L.GEN); }
      seen = g;
      if (Atomics.load(i32, L.STOP)) return;
      // Claim g only from an older claim ((c - g) | 0 < 0: generations wrap). This thread may have been
      // descheduled since it read g; if the caller has since marked or taken this slot for a newer job,
      // claiming g would hand this thread that job's block, which the caller computes as well.
      var c = Atomics.load(i32, s + L.CLAIM);
      if (((c - g) | 0) >= 0 || Atomics.compareExchange(i32, s + L.CLAIM, c, g) !== c) continue;
      try {
        var calls = f64[base], p = base + 1;
        for (var k = 0; k < calls; k++) {
          var fn = fns[f64[p]], argc = f64[p + 1], args = [];
          for (var a = 0; a < argc; a++) args.push(f64[p + 2 + a]);
          fn.apply(null, args);
          p += 2 + L.MAX_ARGS;
        }
      } catch (e) {
        Atomics.store(i32, s + L.FAILED, g);
      }
      Atomics.store(i32, s + L.DONE, g);
      Atomics.notify(i32, s + L.DONE);
    }
  }
  function guarded(m) {
    try { start(m); } catch (e) { (nodePort || self).postMessage({ helperError: String((e && e.message) || e) }); }
  }
  if (nodePort) nodePort.once('message', guarded);
  else self.onmessage = function (e) { self.onmessage = null; guarded(e.data); };
})();
`;

const LAYOUT = { GEN, STOP, SLOTS, CLAIM, DONE, FAILED, READY, F64_BASE, PART_WORDS, MAX_ARGS, SPIN_MS };

/** Whether this thread may block in Atomics.wait (not a page's main thread) and has shared memory at all. */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return false;
  try {
    // A value that does not match returns at once, but the check for whether this thread may wait comes first.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** The browser's way to start a helper: a classic Web Worker from a blob: URL; null where there is none. */
export function browserSpawn(): Spawn | null {
  if (typeof Worker !== 'function' || typeof Blob !== 'function' || typeof URL?.createObjectURL !== 'function') return null;
  return (source) => {
    const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
    const worker = new Worker(url, { name: 'lora-live gemm helper' });
    // The worker has fetched its script once it runs; the URL is not needed after that.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    const h: HelperThread = {
      postMessage: (m) => worker.postMessage(m),
      terminate: () => worker.terminate(),
    };
    worker.onmessage = (e: MessageEvent<{ helperError?: string }>) => e.data?.helperError && h.onHelperError?.(e.data.helperError);
    worker.onerror = (e) => {
      e.preventDefault();
      h.onHelperError?.(e.message || 'the helper worker failed to load');
    };
    return h;
  };
}

/** A set of helper threads running one module's exports on one shared memory. */
export class ThreadPool {
  private readonly i32: Int32Array;
  private readonly f64: Float64Array;
  private readonly helpers: HelperThread[] = [];
  private generation = 0;
  private closed = false;
  /** Jobs run with helpers; blocks computed by helpers; blocks taken back by the caller (helper not yet awake). */
  readonly stats = { jobs: 0, helperBlocks: 0, takenBack: 0 };
  /** Why helpers failed to start, as they reported it. */
  readonly errors: string[] = [];

  /**
   * @param module the products' module, compiled for a shared memory import
   * @param memory the shared memory (tfjs's)
   * @param exports the caller's own instance's exports (the caller computes a block too)
   * @param names the exports a Call may name, by index
   * @param helperCount threads besides the caller
   */
  constructor(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    private readonly exports: Record<string, unknown>,
    private readonly names: readonly string[],
    helperCount: number,
    spawn: Spawn,
  ) {
    const control = new SharedArrayBuffer(CONTROL_BYTES);
    this.i32 = new Int32Array(control);
    this.f64 = new Float64Array(control);
    const n = Math.max(0, Math.min(MAX_HELPERS, Math.floor(helperCount)));
    for (let slot = 1; slot <= n; slot++) {
      const h = spawn(HELPER_SOURCE);
      h.onHelperError = (message) => this.errors.push(message);
      h.postMessage({ module, memory, control, slot, names, layout: LAYOUT });
      this.helpers.push(h);
    }
  }

  /** Threads that can take a block now: the caller and every helper that has started. */
  get size(): number {
    return 1 + this.readySlots().length;
  }

  /** Threads asked for: the caller and every helper, started or not. */
  get capacity(): number {
    return 1 + this.helpers.length;
  }

  private readySlots(): number[] {
    const out: number[] = [];
    for (let slot = 1; slot <= this.helpers.length; slot++) if (Atomics.load(this.i32, SLOTS + 4 * slot + READY) === 1) out.push(slot);
    return out;
  }

  private call(c: Call): void {
    const f = this.exports[this.names[c[0]]] as (...a: number[]) => void;
    f(...c.slice(1));
  }

  /**
   * Runs the parts, part 0 on this thread and the others on helpers, and
   * returns when all are done. At most `size` parts.
   */
  run(parts: readonly Part[]): void {
    if (parts.length === 0) return;
    const slots = this.closed ? [] : this.readySlots();
    if (parts.length - 1 > slots.length) throw new Error(`threads: ${parts.length} parts for ${slots.length + 1} threads.`);
    if (parts.length === 1) {
      for (const c of parts[0]) this.call(c);
      return;
    }
    for (const part of parts) check(part);
    const g = (this.generation = nextGeneration(this.generation));
    const used = slots.slice(0, parts.length - 1);
    used.forEach((slot, k) => this.write(slot, parts[k + 1]));
    // Every other slot, ready or not, is marked taken for g before g is announced. Its helper then skips g
    // and never reads its slot: the caller does not wait for it, so by the time a late helper read the slot
    // the next job could be rewriting it (and, its claim being older, take that job's block back as well).
    for (let slot = 1; slot <= this.helpers.length; slot++) if (!used.includes(slot)) Atomics.store(this.i32, SLOTS + 4 * slot + CLAIM, g);
    Atomics.store(this.i32, GEN, g);
    Atomics.notify(this.i32, GEN);
    this.stats.jobs++;
    // Whatever happens on this thread (a WASM trap), no helper may still be writing into the job's tensors when
    // run() returns or throws: the caller's error path may free them.
    let threw = false;
    let error: unknown;
    try {
      for (const c of parts[0]) this.call(c);
    } catch (e) {
      threw = true;
      error = e;
    }
    let failed = false;
    used.forEach((slot, k) => {
      const s = SLOTS + 4 * slot;
      const c = Atomics.load(this.i32, s + CLAIM);
      if (c !== g && Atomics.compareExchange(this.i32, s + CLAIM, c, g) === c) {
        // Its helper has not woken up yet: this thread computes the block (the same bits), unless the job has already failed.
        this.stats.takenBack++;
        if (threw) return;
        try {
          for (const call of parts[k + 1]) this.call(call);
        } catch (e) {
          threw = true;
          error = e;
        }
        return;
      }
      this.stats.helperBlocks++;
      this.waitDone(s, g);
      if (Atomics.load(this.i32, s + FAILED) === g) failed = true;
    });
    if (threw) throw error;
    if (failed) throw new Error('A helper thread of the WebAssembly products failed.');
  }

  private write(slot: number, part: Part): void {
    const base = F64_BASE + PART_WORDS * slot;
    this.f64[base] = part.length;
    part.forEach((c, k) => {
      const args = c.length - 1;
      const p = base + 1 + k * (2 + MAX_ARGS);
      this.f64[p] = c[0];
      this.f64[p + 1] = args;
      for (let a = 0; a < args; a++) this.f64[p + 2 + a] = c[a + 1];
    });
  }

  private waitDone(s: number, g: number): void {
    const t0 = performance.now();
    let n = 0;
    for (;;) {
      const d = Atomics.load(this.i32, s + DONE);
      if (d === g) return;
      if ((++n & 63) !== 0 || performance.now() - t0 < WAIT_SPIN_MS) continue;
      Atomics.wait(this.i32, s + DONE, d, 1000);
      // A claimed block takes milliseconds; a minute means the helper is gone (its error cannot reach this blocked thread).
      if (performance.now() - t0 > 60_000) throw new Error('A helper thread of the WebAssembly products stopped responding.');
    }
  }

  /** Stops and ends the helpers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.i32, STOP, 1);
    Atomics.store(this.i32, GEN, (this.generation = nextGeneration(this.generation)));
    Atomics.notify(this.i32, GEN);
    for (const h of this.helpers) h.terminate();
  }
}

/** The generation after g: int32 arithmetic, so that helpers can order two by the sign of their difference; never 0 (the control block's initial value). */
export function nextGeneration(g: number): number {
  return (g + 1) | 0 || 1;
}

/** Throws, before anything is written, if a part does not fit its slot. */
function check(part: Part): void {
  if (part.length > MAX_CALLS) throw new Error(`threads: at most ${MAX_CALLS} calls per part.`);
  for (const c of part) if (c.length - 1 > MAX_ARGS) throw new Error(`threads: at most ${MAX_ARGS} arguments per call.`);
}

/**
 * Cuts a range of `units` units (rows in fours, columns in eights) into at most
 * `parts` contiguous pieces of near-equal size; returns the boundaries in units.
 */
export function cut(units: number, parts: number): number[] {
  const n = Math.max(1, Math.min(parts, units));
  return Array.from({ length: n + 1 }, (_, p) => Math.round((p * units) / n));
}

/**
 * A WASM module's bytes with its imported memory declared shared (maximum
 * 65536 pages, wasm32's 4 GiB): what a module must declare to be instantiated
 * on a shared memory. Only the import's limits change; build.sh checks that
 * lld's own shared-memory build of gemm.c is exactly this. Null if the module
 * imports no memory.
 */
export function sharedMemoryVariant(bytes: Uint8Array): Uint8Array<ArrayBuffer> | null {
  const leb = (p: number): [number, number] => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const b = bytes[p++];
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if (!(b & 0x80)) return [v, p];
    }
  };
  const putLeb = (v: number): number[] => {
    const out: number[] = [];
    do {
      let b = v & 0x7f;
      v = Math.floor(v / 128);
      if (v) b |= 0x80;
      out.push(b);
    } while (v);
    return out;
  };
  let p = 8; // magic and version
  while (p < bytes.length) {
    const id = bytes[p];
    const [size, start] = leb(p + 1);
    const end = start + size;
    if (id === 2) {
      let [count, q] = leb(start);
      const body: number[] = [...putLeb(count)];
      let found = false;
      while (count--) {
        const entryStart = q;
        for (let name = 0; name < 2; name++) {
          const [len, s] = leb(q);
          q = s + len;
        }
        const kind = bytes[q++];
        if (kind === 2) {
          const flags = bytes[q];
          const [min, afterMin] = leb(q + 1);
          // The names and the kind as they are; then the limits: shared, with a maximum.
          body.push(...bytes.subarray(entryStart, q), 0x03, ...putLeb(min), ...putLeb(65536));
          q = flags & 1 ? leb(afterMin)[1] : afterMin;
          found = true;
        } else {
          if (kind === 0) q = leb(q)[1];
          else if (kind === 1) {
            const flags = bytes[q + 1];
            q = leb(q + 2)[1];
            if (flags & 1) q = leb(q)[1];
          } else if (kind === 3) q += 2;
          else return null;
          body.push(...bytes.subarray(entryStart, q));
        }
      }
      if (!found) return null;
      const section = [2, ...putLeb(body.length), ...body];
      const out = new Uint8Array(new ArrayBuffer(p + section.length + (bytes.length - end)));
      out.set(bytes.subarray(0, p), 0);
      out.set(section, p);
      out.set(bytes.subarray(end), p + section.length);
      return out;
    }
    p = end;
  }
  return null;
}
