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
}

type TensorInfo = tf.TensorInfo;

/** B is packed into strips only when it has at least this many rows. */
const PACK_MIN_ROWS = 32;

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
  private readonly packed = new Map<object, TensorInfo>();

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

  private free(...infos: (TensorInfo | null)[]): void {
    for (const t of infos) if (t) this.backend.disposeData(t.dataId);
  }

  /** Frees the packed copies of matrices that no longer exist (a variable since assigned, a disposed model). */
  releaseStale(): void {
    for (const [dataId, info] of this.packed) {
      if (!this.backend.dataIdMap.has(dataId)) {
        this.free(info);
        this.packed.delete(dataId);
      }
    }
  }

  /** B [K×N] packed in 8-column strips, or null when N < 8 (no strips). Cached when `keep`: until B's memory is freed. */
  private pack(B: TensorInfo, K: number, N: number, keep: boolean): { P: TensorInfo | null; temporary: boolean } {
    // Packing pays when the strips are long (many rows of B, each a cache line apart); a few rows are read as they are.
    if (N < 8 || K < PACK_MIN_ROWS) return { P: null, temporary: false };
    if (keep) {
      this.releaseStale();
      const hit = this.packed.get(B.dataId);
      if (hit) return { P: hit, temporary: false };
    }
    const P = this.scratch(K * (N - (N % 8)));
    this.fn.pack8(this.ptr(B), this.ptr(P), K, N);
    if (keep) this.packed.set(B.dataId, P);
    return { P, temporary: !keep };
  }

  /** out [M×N] = A [M×K] · B [K×N] (+ bias) (ReLU). `keepPacked`: B is a weight worth packing once. */
  matMul(A: TensorInfo, B: TensorInfo, bias: TensorInfo | null, relu: boolean, keepPacked: boolean): TensorInfo {
    const [M, K] = A.shape;
    const N = B.shape[1];
    const { P, temporary } = this.pack(B, K, N, keepPacked);
    const out = this.backend.makeOutput([M, N], 'float32');
    this.fn.gemm(this.ptr(A), P ? this.ptr(P) : 0, this.ptr(B), this.ptr(out), M, K, N, bias ? this.ptr(bias) : 0, relu ? 1 : 0);
    if (temporary) this.free(P);
    return out;
  }

  /** out [K×D] = Aᵀ · G for A [N×K], G [N×D]: a weight gradient xᵀ·dy. */
  matMulTA(A: TensorInfo, G: TensorInfo): TensorInfo {
    const [N, K] = A.shape;
    const D = G.shape[1];
    const { P, temporary } = this.pack(G, N, D, false);
    const out = this.backend.makeOutput([K, D], 'float32');
    this.fn.gemm_tn(this.ptr(A), P ? this.ptr(P) : 0, this.ptr(G), this.ptr(out), K, N, D);
    if (temporary) this.free(P);
    return out;
  }

  /** out [N×K] = G · Bᵀ for G [N×D], B [K×D]: an input gradient dy·W₀. */
  matMulTB(G: TensorInfo, B: TensorInfo): TensorInfo {
    const [N, D] = G.shape;
    const K = B.shape[0];
    if (K * D <= N * D + N * K / 2) {
      // B is the small side (an adapter factor): G · transpose(B).
      const Bt = this.scratch(D * K);
      this.fn.transpose(this.ptr(B), this.ptr(Bt), K, D);
      const BtInfo = { dataId: Bt.dataId, shape: [D, K], dtype: 'float32' } as TensorInfo;
      const out = this.matMul(G, BtInfo, null, false, false);
      this.free(Bt);
      return out;
    }
    // B is big (a frozen W₀ᵀ): transpose(B · transpose(G)), which reads B once, row by row.
    const Gt = this.scratch(D * N);
    this.fn.transpose(this.ptr(G), this.ptr(Gt), N, D);
    const GtInfo = { dataId: Gt.dataId, shape: [D, N], dtype: 'float32' } as TensorInfo;
    const outT = this.matMul(B, GtInfo, null, false, false);
    const out = this.backend.makeOutput([N, K], 'float32');
    this.fn.transpose(this.ptr(outT), this.ptr(out), K, N);
    this.free(Gt, outT);
    return out;
  }
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
