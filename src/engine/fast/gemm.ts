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
 * backend, a browser or Node with relaxed SIMD, a synchronous compile (a
 * worker or Node; a main thread may refuse one for a module over 4 KB) and a
 * non-shared memory (tfjs's single-threaded build). Otherwise `gemmFor`
 * returns null and the engine uses tfjs's own kernels. The choice is made once
 * per backend, so a seeded run gives the same numbers from its first step.
 */
import { tf } from '../tf';
import { GEMM_WASM_BASE64 } from './wasm/gemm.wasm';

type Ptr = number;
interface GemmExports {
  pack8(B: Ptr, P: Ptr, K: number, N: number): void;
  transpose(A: Ptr, T: Ptr, R: number, C: number): void;
  gemm(A: Ptr, P: Ptr, B: Ptr, C: Ptr, M: number, K: number, N: number, bias: Ptr, relu: number): void;
  gemm_tn(A: Ptr, P: Ptr, B: Ptr, C: Ptr, M: number, K: number, N: number): void;
  gemm_nt(A: Ptr, T: Ptr, C: Ptr, M: number, K: number, N: number, bias: Ptr, relu: number): void;
  relu_grad(g: Ptr, y: Ptr, out: Ptr, n: number): void;
  lowrank_add(U: Ptr, V: Ptr, C: Ptr, M: number, R: number, N: number, s: number, relu: number): void;
  scale(p: Ptr, n: number, s: number): void;
  adam(p: Ptr, m: Ptr, v: Ptr, g: Ptr, p1: Ptr, m1: Ptr, v1: Ptr, n: number, ...scalars: number[]): void;
}

type TensorInfo = tf.TensorInfo;

/** B is packed into strips only when it has at least this many rows … */
const PACK_MIN_ROWS = 32;
/** … and, unless it is kept for later products, when A has more than this many (else each strip is read once or twice). */
const PACK_MIN_USES = 8;
/** Products with fewer output columns than this take dot products of rows (gemm_nt) instead of 8-column strips. */
const NARROW = 16;

/** The parts of tfjs's BackendWasm used here (public methods and fields in tfjs 4.x). */
interface WasmBackend {
  wasm: { asm?: { memory?: WebAssembly.Memory } };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined; has(dataId: object): boolean };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  disposeData(dataId: object): boolean;
}

let compiled: WebAssembly.Module | null | undefined;

function compile(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  compiled = null;
  try {
    const bytes = base64Bytes(GEMM_WASM_BASE64);
    if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) compiled = new WebAssembly.Module(bytes);
  } catch {
    compiled = null; // no relaxed SIMD, or a synchronous compile refused here
  }
  return compiled;
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
    private readonly fn: GemmExports,
  ) {}

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
    return this.cached(B, keep, `pack8 ${K}×${N}`, K * (N - (N % 8)), (P) => this.fn.pack8(this.ptr(B), this.ptr(P), K, N));
  }

  /** B [K×N] transposed (N×K rows) for gemm_nt. Cached when `keep`, like a packed copy. */
  private transposed(B: TensorInfo, K: number, N: number, keep: boolean): { P: TensorInfo; temporary: boolean } {
    return this.cached(B, keep, `transpose ${K}×${N}`, K * N, (T) => this.fn.transpose(this.ptr(B), this.ptr(T), K, N)) as { P: TensorInfo; temporary: boolean };
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
    if (N < NARROW) {
      const { P: T, temporary } = this.transposed(B, K, N, keepPacked);
      this.fn.gemm_nt(this.ptr(A), this.ptr(T), this.ptr(out), M, K, N, biasPtr, reluNow);
      if (temporary) this.free(T);
    } else {
      const { P, temporary } = this.pack(B, K, N, M, keepPacked);
      this.fn.gemm(this.ptr(A), P ? this.ptr(P) : 0, this.ptr(B), this.ptr(out), M, K, N, biasPtr, reluNow);
      if (temporary) this.free(P);
    }
    if (lowRank) this.fn.lowrank_add(this.ptr(lowRank.U), this.ptr(lowRank.V), this.ptr(out), M, lowRank.U.shape[1], N, lowRank.s, relu ? 1 : 0);
    return out;
  }

  /** The gradient through a ReLU: dy where its output y is positive, else 0. */
  reluGrad(dy: TensorInfo, y: TensorInfo): TensorInfo {
    const out = this.backend.makeOutput(y.shape, 'float32');
    this.fn.relu_grad(this.ptr(dy), this.ptr(y), this.ptr(out), sizeOf(y));
    return out;
  }

  /** One Adam step for one variable (see gemm.c, `adam`): new value, first and second moments. */
  adam(p: TensorInfo, m: TensorInfo, v: TensorInfo, g: TensorInfo, scalars: number[]): TensorInfo[] {
    const [p1, m1, v1] = [0, 1, 2].map(() => this.backend.makeOutput(p.shape, 'float32'));
    this.fn.adam(this.ptr(p), this.ptr(m), this.ptr(v), this.ptr(g), this.ptr(p1), this.ptr(m1), this.ptr(v1), sizeOf(p), ...scalars);
    return [p1, m1, v1];
  }

  /** out *= s in place (a product of our own, not yet a tensor anyone else holds). */
  private scaled(out: TensorInfo, s: number): TensorInfo {
    if (s !== 1) this.fn.scale(this.ptr(out), sizeOf(out), s);
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
      this.fn.transpose(this.ptr(G), this.ptr(Gt), N, D);
      const outT = this.matMul(this.view(Gt, [D, N]), A, null, false, false);
      const out = this.backend.makeOutput([K, D], 'float32');
      this.fn.transpose(this.ptr(outT), this.ptr(out), D, K);
      this.free(Gt, outT);
      return out;
    }
    const { P, temporary } = this.pack(G, N, D, K, false);
    const out = this.backend.makeOutput([K, D], 'float32');
    this.fn.gemm_tn(this.ptr(A), P ? this.ptr(P) : 0, this.ptr(G), this.ptr(out), K, N, D);
    if (temporary) this.free(P);
    return out;
  }

  private productTB(G: TensorInfo, B: TensorInfo): TensorInfo {
    const [N, D] = G.shape;
    const K = B.shape[0];
    if (K < NARROW) {
      // B has few rows (a rank-r factor): dot products of G's rows with B's.
      const out = this.backend.makeOutput([N, K], 'float32');
      this.fn.gemm_nt(this.ptr(G), this.ptr(B), this.ptr(out), N, D, K, 0, 0);
      return out;
    }
    if (K * D <= N * D + N * K / 2) {
      // B is the smaller side: G · transpose(B).
      const Bt = this.scratch(D * K);
      this.fn.transpose(this.ptr(B), this.ptr(Bt), K, D);
      const out = this.matMul(G, this.view(Bt, [D, K]), null, false, false);
      this.free(Bt);
      return out;
    }
    // B is big (a frozen W₀ᵀ): transpose(B · transpose(G)), which reads B once, row by row.
    const Gt = this.scratch(D * N);
    this.fn.transpose(this.ptr(G), this.ptr(Gt), N, D);
    const outT = this.matMul(B, this.view(Gt, [D, N]), null, false, false);
    const out = this.backend.makeOutput([N, K], 'float32');
    this.fn.transpose(this.ptr(outT), this.ptr(out), K, N);
    this.free(Gt, outT);
    return out;
  }
}

function sizeOf(t: TensorInfo): number {
  return t.shape.reduce((a, b) => a * b, 1);
}

const instances = new WeakMap<object, Gemm | null>();
let enabled = true;

/** Switches the FMA products off (tfjs's XNNPACK kernels instead) or back on; for tests and benchmarks. */
export function setFmaProducts(on: boolean): void {
  enabled = on;
}

/** The FMA products for the current backend, or null where they cannot be used (then tfjs's kernels are). */
export function gemmFor(backend: tf.KernelBackend): Gemm | null {
  if (!enabled) return null;
  if (instances.has(backend)) return instances.get(backend)!;
  let g: Gemm | null = null;
  const wasm = backend as unknown as WasmBackend;
  const memory = wasm.wasm?.asm?.memory;
  const module = memory instanceof WebAssembly.Memory ? compile() : null;
  if (memory && module && typeof wasm.makeOutput === 'function' && wasm.dataIdMap) {
    try {
      const instance = new WebAssembly.Instance(module, { env: { memory } });
      g = new Gemm(wasm, instance.exports as unknown as GemmExports);
    } catch {
      g = null; // e.g. tfjs's threaded build, whose memory is shared
    }
  }
  instances.set(backend, g);
  return g;
}
