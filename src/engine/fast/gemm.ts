/**
 * Matrix products with fused multiply-add on tfjs's WASM backend.
 *
 * tfjs 4.22's WASM build multiplies through XNNPACK with WASM SIMD but without
 * fused multiply-add. The small module built from wasm/gemm.c uses relaxed
 * SIMD's f32x4.relaxed_madd and runs the engine's big products ~1.4× faster
 * here (README, "Speed on machines without a GPU"). It shares tfjs's WASM
 * memory, so it reads and writes tensors in place: no copies.
 *
 * Used only where it can be used exactly the same way every time: the WASM
 * backend, a browser or Node with relaxed SIMD, and a synchronous compile (a
 * worker or Node; a main thread may refuse one for a module over 4 KB).
 * Otherwise `gemmFor` returns null and the engine uses tfjs's own kernels. The
 * choice is made once per backend, so a seeded run gives the same numbers
 * from its first step.
 *
 * Threads. On a cross-origin isolated page tfjs runs its threaded build, whose
 * memory is shared; then the module is instantiated for a shared memory and
 * the big products, the packing, Adam and the ReLU gradient are cut into
 * blocks of output rows or columns that helper threads compute on the same
 * memory (threads.ts). gemm.c computes each output element the same way
 * whatever the block, so the numbers are the same bits for any thread count.
 * With an ordinary memory (not isolated, or Node) nothing changes: one thread.
 */
import { tf } from '../tf';
import { GEMM_WASM_BASE64 } from './wasm/gemm.wasm';
import { browserSpawn, canBlock, cut, sharedMemoryVariant, ThreadPool, type Call, type Part, type Spawn } from './threads';

type Ptr = number;
/** The module's exports, by index in a Call (threads.ts). Signatures: gemm.c. */
const NAMES = ['pack8', 'transpose', 'gemm', 'gemm_tn', 'gemm_nt', 'relu_grad', 'adam', 'lowrank_add', 'scale'] as const;
type Name = (typeof NAMES)[number];
const FN = Object.fromEntries(NAMES.map((n, i) => [n, i])) as Record<Name, number>;
type Exports = Record<Name, (...args: number[]) => void>;

/** A product is cut for another thread only if each gets at least this many multiply-adds (~10 µs here) … */
let MIN_MACS_PER_THREAD = 1 << 18;
/** … and a pass over memory (packing, a transpose, Adam, a ReLU gradient) this many elements. */
let MIN_ELEMENTS_PER_THREAD = 1 << 15;

/** For tests: cut even tiny products (1 and 1 cut everything that has two blocks), or back to the defaults (no argument). */
export function setSplitThresholds(macs = 1 << 18, elements = 1 << 15): void {
  MIN_MACS_PER_THREAD = macs;
  MIN_ELEMENTS_PER_THREAD = elements;
}
/** The most threads the products use: a batch of 64 rows is 16 blocks of 4. */
export const MAX_THREADS = 16;

type TensorInfo = tf.TensorInfo;

/** B is packed into strips only when it has at least this many rows … */
const PACK_MIN_ROWS = 32;
/** … and, unless it is kept for later products, when A has more than this many (else each strip is read once or twice). */
const PACK_MIN_USES = 8;
/** Products with fewer output columns than this take dot products of rows (gemm_nt) instead of 8-column strips. */
const NARROW = 16;

/** The parts of tfjs's BackendWasm used here (public methods and fields in tfjs 4.x). */
export interface WasmBackend {
  /** tfjs's Emscripten module: its memory is `asm.memory` (single-threaded build) or `wasmMemory` (threaded build). */
  wasm: { asm?: { memory?: WebAssembly.Memory }; wasmMemory?: WebAssembly.Memory };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined; has(dataId: object): boolean };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): boolean;
}

const compiled = new Map<boolean, WebAssembly.Module | null>();

/** The module, for an ordinary or a shared memory (the same code: threads.ts, sharedMemoryVariant). */
export function compileGemm(shared: boolean): WebAssembly.Module | null {
  if (compiled.has(shared)) return compiled.get(shared)!;
  let module: WebAssembly.Module | null = null;
  try {
    const plain = base64Bytes(GEMM_WASM_BASE64);
    const bytes = shared ? sharedMemoryVariant(plain) : plain;
    if (bytes && typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) module = new WebAssembly.Module(bytes);
  } catch {
    module = null; // no relaxed SIMD, or a synchronous compile refused here
  }
  compiled.set(shared, module);
  return module;
}

function base64Bytes(b64: string): Uint8Array<ArrayBuffer> {
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Products on one WASM backend instance; a cache of packed weights for variables. */
export class Gemm {
  /** Rearranged copies of weights, by the weight's memory; `form` says which copy of which shape it is. */
  private readonly packed = new Map<object, { P: TensorInfo; form: string }>();

  constructor(
    private readonly backend: WasmBackend,
    private readonly fn: Exports,
    /** Helper threads on the same (shared) memory, or null: every product on this thread. */
    private pool: ThreadPool | null = null,
  ) {}

  /** Threads the products are cut for: this one and the helpers asked for (some may still be starting). */
  get threads(): number {
    return this.pool?.capacity ?? 1;
  }

  /** Threads that take blocks now: this one and the helpers that have started. */
  get readyThreads(): number {
    return this.pool?.size ?? 1;
  }

  /** Counts of the helpers' work (threads.ts, ThreadPool.stats); null without helpers. */
  threadStats(): (ThreadPool['stats'] & { errors: string[] }) | null {
    return this.pool ? { ...this.pool.stats, errors: [...this.pool.errors] } : null;
  }

  /** Ends the helper threads; the products run on this thread from then on. */
  closeThreads(): void {
    this.pool?.close();
    this.pool = null;
  }

  /** Cuts the products for n threads from the next call (starts or ends helpers). */
  resizeThreads(n: number): void {
    if (this.pool?.capacity === n) return;
    this.closeThreads();
    this.pool = startThreads(this, n, this.fn);
  }

  /** How many blocks to cut `work` into: one per thread that has started, each with at least `min` of it. */
  private parts(work: number, min: number): number {
    if (!this.pool) return 1;
    return Math.max(1, Math.min(this.pool.size, Math.floor(work / min)));
  }

  /** Runs the parts (each a list of calls), part 0 on this thread; one part runs here directly, as without threads. */
  private exec(parts: Part[]): void {
    if (parts.length === 1 || !this.pool) {
      for (const part of parts) for (const [f, ...args] of part) this.fn[NAMES[f]](...args);
    } else {
      this.pool.run(parts);
    }
  }

  /**
   * Blocks [i0, i1, j0, j1] of an M×N output for `work` multiply-adds: rows in
   * fours or columns in eights (gemm.c's tiles), the dimension that splits the
   * bigger operand (`byRows`: A, whose rows are C's, is the bigger one) unless
   * it has too few units for the threads.
   */
  private blocks(M: number, N: number, work: number, byRows: boolean): [number, number, number, number][] {
    const t = this.parts(work, MIN_MACS_PER_THREAD);
    if (t === 1) return [[0, M, 0, N]];
    const rowUnits = Math.ceil(M / 4);
    const colUnits = Math.ceil(N / 8);
    let rows = byRows;
    if (rows && rowUnits < t && colUnits > rowUnits) rows = false;
    else if (!rows && colUnits < t && rowUnits > colUnits) rows = true;
    const b = cut(rows ? rowUnits : colUnits, t);
    return b.slice(1).map((e, p) =>
      rows ? [Math.min(M, 4 * b[p]), Math.min(M, 4 * e), 0, N] : [0, M, Math.min(N, 8 * b[p]), Math.min(N, 8 * e)],
    );
  }

  /** Blocks [e0, e1) of n elements, in fours, for a pass over memory. */
  private ranges(n: number): [number, number][] {
    const b = cut(Math.ceil(n / 4), this.parts(n, MIN_ELEMENTS_PER_THREAD));
    return b.slice(1).map((e, p) => [Math.min(n, 4 * b[p]), Math.min(n, 4 * e)]);
  }

  /** B [K×N] packed in 8-column strips into P, the strips cut between threads. */
  private pack8(B: Ptr, P: Ptr, K: number, N: number): void {
    const strips = Math.floor(N / 8);
    const b = cut(strips, this.parts(K * strips * 8, MIN_ELEMENTS_PER_THREAD));
    this.exec(b.slice(1).map((e, p) => [[FN.pack8, B, P, K, N, 8 * b[p], 8 * e]]));
  }

  /** T [C×R] = transpose of A [R×C], rows of A cut between threads. */
  private transpose(A: Ptr, T: Ptr, R: number, C: number): void {
    this.exec(this.rowRanges(R, R * C, MIN_ELEMENTS_PER_THREAD).map(([i0, i1]) => [[FN.transpose, A, T, R, C, i0, i1]]));
  }

  /** Row blocks [i0, i1) (in fours) of R rows for `work`. */
  private rowRanges(R: number, work: number, min: number): [number, number][] {
    const b = cut(Math.ceil(R / 4), this.parts(work, min));
    return b.slice(1).map((e, p) => [Math.min(R, 4 * b[p]), Math.min(R, 4 * e)]);
  }

  private ptr(t: TensorInfo): Ptr {
    const d = this.backend.dataIdMap.get(t.dataId);
    if (!d) throw new Error('gemm: a tensor is not in WASM memory.');
    return d.memoryOffset;
  }

  private scratch(size: number): TensorInfo {
    return this.backend.makeOutput([Math.max(size, 1)], 'float32');
  }

  /** The same memory seen with another 2-D shape. */
  private view(t: TensorInfo, shape: number[]): TensorInfo {
    return { dataId: t.dataId, shape, dtype: 'float32' } as TensorInfo;
  }

  private free(...infos: (TensorInfo | null)[]): void {
    for (const t of infos) if (t) this.backend.disposeData(t.dataId);
  }

  /** Frees the packed copies of matrices that no longer exist (a variable since assigned, a disposed model). */
  releaseStale(): void {
    for (const [dataId, { P }] of this.packed) {
      if (!this.backend.dataIdMap.has(dataId)) {
        this.free(P);
        this.packed.delete(dataId);
      }
    }
  }

  /** B [K×N] packed in 8-column strips, or null when N < 8 (no strips). Cached when `keep`: until B's memory is freed. */
  private pack(B: TensorInfo, K: number, N: number, M: number, keep: boolean): { P: TensorInfo | null; temporary: boolean } {
    // Packing pays when the strips are long (many rows of B, each a cache line apart) and read many times.
    if (N < 8 || K < PACK_MIN_ROWS || (!keep && M <= PACK_MIN_USES)) return { P: null, temporary: false };
    return this.cached(B, keep, `pack8 ${K}×${N}`, K * (N - (N % 8)), (P) => this.pack8(this.ptr(B), this.ptr(P), K, N));
  }

  /** B [K×N] transposed (N×K rows) for gemm_nt. Cached when `keep`, like a packed copy. */
  private transposed(B: TensorInfo, K: number, N: number, keep: boolean): { P: TensorInfo; temporary: boolean } {
    return this.cached(B, keep, `transpose ${K}×${N}`, K * N, (T) => this.transpose(this.ptr(B), this.ptr(T), K, N)) as { P: TensorInfo; temporary: boolean };
  }

  /**
   * A rearranged copy of B made by `fill`; kept until B's memory is freed when `keep` (a weight). The
   * form is part of the key: two tensors can share memory with different shapes (tf.reshape).
   */
  private cached(B: TensorInfo, keep: boolean, form: string, size: number, fill: (P: TensorInfo) => void): { P: TensorInfo | null; temporary: boolean } {
    if (keep) {
      this.releaseStale();
      const hit = this.packed.get(B.dataId);
      if (hit?.form === form) return { P: hit.P, temporary: false };
      if (hit) this.forget(B);
    }
    const P = this.scratch(size);
    fill(P);
    if (keep) this.packed.set(B.dataId, { P, form });
    return { P, temporary: !keep };
  }

  /** Forgets the rearranged copy of B's memory. */
  private forget(B: TensorInfo): void {
    const hit = this.packed.get(B.dataId);
    if (hit) {
      this.free(hit.P);
      this.packed.delete(B.dataId);
    }
  }

  /**
   * out [M×N] = A [M×K] · B [K×N] (+ bias) (+ s · U [M×R] · V [R×N]) (ReLU).
   * `keepPacked`: B is a weight worth packing once.
   */
  matMul(A: TensorInfo, B: TensorInfo, bias: TensorInfo | null, relu: boolean, keepPacked: boolean, lowRank?: { U: TensorInfo; V: TensorInfo; s: number }): TensorInfo {
    const [M, K] = A.shape;
    const N = B.shape[1];
    const out = this.backend.makeOutput([M, N], 'float32');
    // With a low-rank term the activation comes after it.
    const reluNow = relu && !lowRank ? 1 : 0;
    const biasPtr = bias ? this.ptr(bias) : 0;
    const [a, c] = [this.ptr(A), this.ptr(out)];
    // The low-rank term of a block right after the block's product, while it is still in cache.
    const lowRankCall = (i0: number, i1: number, j0: number, j1: number): Call[] =>
      lowRank ? [[FN.lowrank_add, this.ptr(lowRank.U), this.ptr(lowRank.V), c, M, lowRank.U.shape[1], N, lowRank.s, relu ? 1 : 0, i0, i1, j0, j1]] : [];
    if (N < NARROW) {
      const { P: T, temporary } = this.transposed(B, K, N, keepPacked);
      const t = this.ptr(T);
      // Rows of A and C: the same call on the block's first row, with the block's row count.
      this.exec(
        this.rowRanges(M, M * K * N, MIN_MACS_PER_THREAD).map(([i0, i1]) => [
          [FN.gemm_nt, a + 4 * i0 * K, t, c + 4 * i0 * N, i1 - i0, K, N, biasPtr, reluNow],
          ...lowRankCall(i0, i1, 0, N),
        ]),
      );
      if (temporary) this.free(T);
    } else {
      const { P, temporary } = this.pack(B, K, N, M, keepPacked);
      const [p, b] = [P ? this.ptr(P) : 0, this.ptr(B)];
      this.exec(
        this.blocks(M, N, M * K * N, M >= N).map(([i0, i1, j0, j1]) => [
          [FN.gemm, a, p, b, c, M, K, N, biasPtr, reluNow, i0, i1, j0, j1],
          ...lowRankCall(i0, i1, j0, j1),
        ]),
      );
      if (temporary) this.free(P);
    }
    return out;
  }

  /** The gradient through a ReLU: dy where its output y is positive, else 0. */
  reluGrad(dy: TensorInfo, y: TensorInfo): TensorInfo {
    const out = this.backend.makeOutput(y.shape, 'float32');
    const [g, yy, o] = [this.ptr(dy), this.ptr(y), this.ptr(out)];
    this.exec(this.ranges(sizeOf(y)).map(([e0, e1]) => [[FN.relu_grad, g + 4 * e0, yy + 4 * e0, o + 4 * e0, e1 - e0]]));
    return out;
  }

  /** One Adam step for one variable (see gemm.c, `adam`): new value, first and second moments. */
  adam(p: TensorInfo, m: TensorInfo, v: TensorInfo, g: TensorInfo, scalars: number[]): TensorInfo[] {
    const [p1, m1, v1] = [0, 1, 2].map(() => this.backend.makeOutput(p.shape, 'float32'));
    const ptrs = [p, m, v, g, p1, m1, v1].map((t) => this.ptr(t));
    // Element by element: any cut gives the same bits.
    this.exec(this.ranges(sizeOf(p)).map(([e0, e1]) => [[FN.adam, ...ptrs.map((q) => q + 4 * e0), e1 - e0, ...scalars]]));
    return [p1, m1, v1];
  }

  /** out *= s in place (a product of our own, not yet a tensor anyone else holds). */
  private scaled(out: TensorInfo, s: number): TensorInfo {
    if (s === 1) return out;
    const o = this.ptr(out);
    this.exec(this.ranges(sizeOf(out)).map(([e0, e1]) => [[FN.scale, o + 4 * e0, e1 - e0, s]]));
    return out;
  }

  /** out [K×D] = s · Aᵀ · G for A [N×K], G [N×D]: a weight gradient xᵀ·dy. */
  matMulTA(A: TensorInfo, G: TensorInfo, s = 1): TensorInfo {
    return this.scaled(this.productTA(A, G), s);
  }

  /** out [N×K] = s · G · Bᵀ for G [N×D], B [K×D]: an input gradient dy·W₀. */
  matMulTB(G: TensorInfo, B: TensorInfo, s = 1): TensorInfo {
    return this.scaled(this.productTB(G, B), s);
  }

  private productTA(A: TensorInfo, G: TensorInfo): TensorInfo {
    const [N, K] = A.shape;
    const D = G.shape[1];
    if (D < NARROW) {
      // A narrow gradient (a rank-r factor's): (Gᵀ·A)ᵀ, a product with D rows, then one small transpose.
      const Gt = this.scratch(N * D);
      this.transpose(this.ptr(G), this.ptr(Gt), N, D);
      const outT = this.matMul(this.view(Gt, [D, N]), A, null, false, false);
      const out = this.backend.makeOutput([K, D], 'float32');
      this.transpose(this.ptr(outT), this.ptr(out), D, K);
      this.free(Gt, outT);
      return out;
    }
    const { P, temporary } = this.pack(G, N, D, K, false);
    const out = this.backend.makeOutput([K, D], 'float32');
    const [a, p, g, c] = [this.ptr(A), P ? this.ptr(P) : 0, this.ptr(G), this.ptr(out)];
    // C's rows are A's columns: cut rows when A is the bigger operand.
    this.exec(this.blocks(K, D, N * K * D, K >= D).map(([i0, i1, j0, j1]) => [[FN.gemm_tn, a, p, g, c, K, N, D, i0, i1, j0, j1]]));
    if (temporary) this.free(P);
    return out;
  }

  private productTB(G: TensorInfo, B: TensorInfo): TensorInfo {
    const [N, D] = G.shape;
    const K = B.shape[0];
    if (K < NARROW) {
      // B has few rows (a rank-r factor): dot products of G's rows with B's.
      const out = this.backend.makeOutput([N, K], 'float32');
      const [g, b, c] = [this.ptr(G), this.ptr(B), this.ptr(out)];
      this.exec(this.rowRanges(N, N * D * K, MIN_MACS_PER_THREAD).map(([i0, i1]) => [[FN.gemm_nt, g + 4 * i0 * D, b, c + 4 * i0 * K, i1 - i0, D, K, 0, 0]]));
      return out;
    }
    if (K * D <= N * D + N * K / 2) {
      // B is the smaller side: G · transpose(B).
      const Bt = this.scratch(D * K);
      this.transpose(this.ptr(B), this.ptr(Bt), K, D);
      const out = this.matMul(G, this.view(Bt, [D, K]), null, false, false);
      this.free(Bt);
      return out;
    }
    // B is big (a frozen W₀ᵀ): transpose(B · transpose(G)), which reads B once, row by row.
    const Gt = this.scratch(D * N);
    this.transpose(this.ptr(G), this.ptr(Gt), N, D);
    const outT = this.matMul(B, this.view(Gt, [D, N]), null, false, false);
    const out = this.backend.makeOutput([N, K], 'float32');
    this.transpose(this.ptr(outT), this.ptr(out), K, N);
    this.free(Gt, outT);
    return out;
  }
}

function sizeOf(t: TensorInfo): number {
  return t.shape.reduce((a, b) => a * b, 1);
}

const instances = new WeakMap<object, Gemm | null>();
/** Every instance made, to re-size their threads (a WeakMap cannot be walked). */
const made = new Set<WeakRef<Gemm>>();
let enabled = true;
let threadSetting: number | 'auto' = 'auto';
let spawnOverride: Spawn | null = null;

/** Switches the FMA products off (tfjs's XNNPACK kernels instead) or back on; for tests and benchmarks. */
export function setFmaProducts(on: boolean): void {
  enabled = on;
}

/**
 * Threads for the products where tfjs's memory is shared (a cross-origin
 * isolated page): a number, or 'auto' (the default) for
 * navigator.hardwareConcurrency, all of the machine's cores, at most
 * MAX_THREADS. Products already set up are re-cut from their next call; the
 * numbers do not change with the count.
 */
export function setFastThreads(n: number | 'auto'): void {
  if (n !== 'auto' && !(Number.isInteger(n) && n >= 1)) throw new Error(`setFastThreads: a whole number ≥ 1 or 'auto' (got ${n}).`);
  threadSetting = n;
  for (const ref of made) {
    const g = ref.deref();
    if (!g) made.delete(ref);
    else g.resizeThreads(wantedThreads());
  }
}

/** How helper threads are started (the browser's Worker by default); for tests in Node (worker_threads). */
export function setThreadSpawner(spawn: Spawn | null): void {
  spawnOverride = spawn;
}

function wantedThreads(): number {
  if (threadSetting !== 'auto') return Math.min(threadSetting, MAX_THREADS);
  const cores = typeof navigator === 'object' ? Number(navigator.hardwareConcurrency) : NaN;
  return Number.isInteger(cores) && cores > 1 ? Math.min(cores, MAX_THREADS) : 1;
}

/** Why the products run on one thread, or null when they have helpers. */
function oneThreadReason(memory: WebAssembly.Memory, wanted: number, spawn: Spawn | null): string | null {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated;
  if (!isShared(memory)) return isolated === false ? 'this page is not cross-origin isolated' : "tfjs's WebAssembly memory is not shared here";
  if (wanted <= 1) return threadSetting === 'auto' ? 'this device reports one core' : 'one thread asked for';
  if (!canBlock()) return 'this thread may not wait for others (a page\'s main thread)';
  if (!spawn) return 'no Web Workers here';
  return null;
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;
}

/**
 * The products on a WASM backend's memory: `backend.wasm`'s memory by
 * default, or `memory` (tests build a backend of their own on a shared
 * memory). Null where the module cannot run here.
 */
export function createGemm(backend: WasmBackend, memory?: WebAssembly.Memory): Gemm | null {
  const mem = memory ?? backend.wasm?.asm?.memory ?? backend.wasm?.wasmMemory;
  if (!(mem instanceof WebAssembly.Memory) || typeof backend.makeOutput !== 'function' || !backend.dataIdMap) return null;
  const shared = isShared(mem);
  const module = compileGemm(shared);
  if (!module) return null;
  let g: Gemm;
  try {
    const instance = new WebAssembly.Instance(module, { env: { memory: mem } });
    g = new Gemm(backend, instance.exports as unknown as Exports);
  } catch {
    return null;
  }
  threading.set(g, { module, memory: mem });
  made.add(new WeakRef(g));
  g.resizeThreads(wantedThreads());
  return g;
}

/** What a Gemm needs to start helper threads. */
const threading = new WeakMap<Gemm, { module: WebAssembly.Module; memory: WebAssembly.Memory }>();
const reasons = new WeakMap<Gemm, string | null>();

/** Starts `n − 1` helper threads for a Gemm on a shared memory (or none: see oneThreadReason). */
function startThreads(g: Gemm, n: number, exports: Record<string, unknown>): ThreadPool | null {
  const t = threading.get(g);
  if (!t) return null;
  const spawn = spawnOverride ?? browserSpawn();
  const reason = oneThreadReason(t.memory, n, spawn);
  reasons.set(g, reason);
  if (reason) return null;
  try {
    return new ThreadPool(t.module, t.memory, exports, NAMES, n - 1, spawn!);
  } catch (e) {
    reasons.set(g, `helper threads failed to start (${(e as Error).message})`);
    return null;
  }
}

/** The FMA products for the current backend, or null where they cannot be used (then tfjs's kernels are). */
export function gemmFor(backend: tf.KernelBackend): Gemm | null {
  if (!enabled) return null;
  if (instances.has(backend)) return instances.get(backend)!;
  const g = createGemm(backend as unknown as WasmBackend);
  instances.set(backend, g);
  return g;
}

/**
 * How many threads the fast path's products use on this backend (`threads`:
 * asked for; `started`: running now), and why only one where that is so (for
 * the training cells' backend line). Null where the WASM products do not run
 * (another backend, no relaxed SIMD).
 */
export function fastThreadInfo(backend: tf.KernelBackend = tf.backend()): FastThreadInfo | null {
  const g = gemmFor(backend);
  if (!g) return null;
  const errors = g.threadStats()?.errors ?? [];
  const because = g.threads > 1 ? (errors.length ? `helper threads failed: ${errors[0]}` : null) : (reasons.get(g) ?? null);
  return { threads: g.threads, started: g.readyThreads, oneThreadBecause: because };
}

export interface FastThreadInfo {
  threads: number;
  started: number;
  oneThreadBecause: string | null;
}

/**
 * Sets up the products on this backend and waits until their helper threads
 * have started (at most `timeoutMs`). Call it once after initBackend, before
 * training: a worker's own workers start only when its event loop turns, and a
 * training loop whose awaits all resolve at once (tfjs's WASM data()) never
 * lets it. Until they start the products run on one thread (the same numbers).
 */
export async function startFastThreads(backend: tf.KernelBackend = tf.backend(), timeoutMs = 5000): Promise<FastThreadInfo | null> {
  const g = gemmFor(backend);
  const t0 = Date.now();
  while (g && g.readyThreads < g.threads && !g.threadStats()?.errors.length && Date.now() - t0 < timeoutMs) {
    await new Promise((r) => setTimeout(r, 5));
  }
  return fastThreadInfo(backend);
}
