/**
 * Fast dense layers: the same maths as tf.matMul / tf.add / tf.relu, with a
 * gradient that suits machines without a GPU.
 *
 * Why. tfjs's own gradient of C = A·B is dA = dC·Bᵀ and dB = Aᵀ·dC, computed
 * with matMul's transposeA / transposeB flags. On the WASM backend a product
 * with a transposed operand takes a slow path (~3 GFLOP/s against 30–40 for
 * the plain product; see README, "Speed on machines without a GPU"), and those
 * two products are most of a training step. Here the same products are formed
 * without the flags: dB = transpose(A)·dC (A is a batch of rows, cheap to
 * transpose) and dA = transpose(B·transpose(dC)) when B is the big operand
 * (a frozen W₀ᵀ never needs copying), else dC·transpose(B). Where the
 * browser has WASM relaxed SIMD, the products themselves run on gemm.ts
 * (fused multiply-add), transposes included.
 *
 * How. The op is a kernel of its own (FAST_DENSE_KERNEL: matMul + bias +
 * activation in one pass) so that it can carry its own gradient. tfjs asks
 * for each input's gradient lazily and only for inputs on the path to the
 * trained variables, so a frozen kernel or bias costs nothing in the backward
 * pass, and neither does the input gradient of the first layer (the data
 * needs none).
 *
 * Only the WASM backend takes this path. On WebGL and WebGPU transposed
 * operands cost nothing and on the plain-JS CPU backend the fast path measured
 * no faster, so there the ops are exactly tf.matMul / tf.add / tf.relu, as
 * before.
 *
 * `setFastPath(false)` switches every op here back to plain tf.matMul /
 * tf.add / tf.relu with tfjs's stock autodiff: the reference the tests
 * compare against.
 */
import { tf, type Tensor, type Tensor1D, type Tensor2D } from '../tf';
import { gemmFor } from './gemm';

export type DenseActivation = 'linear' | 'relu';

/** The kernel name under which tfjs's _FusedMatMul (or, on WASM, gemm.ts) runs with our gradient. */
export const FAST_DENSE_KERNEL = 'LoraLiveDense';
/** Gradient products on WASM with gemm.ts: aᵀ·g and g·bᵀ without forming a transpose as a tensor. */
const TA_KERNEL = 'LoraLiveMatMulTA';
const TB_KERNEL = 'LoraLiveMatMulTB';
/** ReLU that keeps its output for the gradient (tfjs's keeps a copy of its input) and its gradient in one pass. */
const RELU_KERNEL = 'LoraLiveRelu';
const RELU_GRAD_KERNEL = 'LoraLiveReluGrad';
/** Addition of two same-shaped tensors; tfjs's Add keeps copies of both inputs for its gradient (to undo broadcasting). */
const ADD_KERNEL = 'LoraLiveAdd';

/** Backends whose matMul is slow with a transposed operand (measured), so the gradient transposes explicitly. */
const EXPLICIT_TRANSPOSE = new Set(['wasm']);

let fast = true;
const registered = new Set<string>();
let gradientRegistered = false;

/** Turns the fast path on (the default) or off (plain tfjs ops and autodiff, the reference). */
export function setFastPath(on: boolean): void {
  fast = on;
}

export function fastPathEnabled(): boolean {
  return fast;
}

/** Runs f with the fast path switched on or off, then restores the previous setting. */
export function withFastPath<T>(on: boolean, f: () => T): T {
  const previous = fast;
  fast = on;
  try {
    return f();
  } finally {
    fast = previous;
  }
}

/** Whether the fast path changes anything on the current backend (only WASM: see above). */
export function fastPathApplies(): boolean {
  return tf.getBackend() === 'wasm';
}

/** Registers the kernels for the current backend; false where the fast path does not apply (not WASM). */
function ensureKernel(): boolean {
  const backend = tf.getBackend();
  if (registered.has(backend)) return true;
  if (!fastPathApplies()) return false;
  if (!tf.getKernel(FAST_DENSE_KERNEL, backend)) {
    const fused = tf.getKernel('_FusedMatMul', backend);
    const reshape = tf.getKernel('Reshape', backend);
    if (!fused || !reshape) return false;
    tf.registerKernel({ kernelName: FAST_DENSE_KERNEL, backendName: backend, kernelFunc: denseKernel(fused.kernelFunc, reshape.kernelFunc) });
    const alpha = (args: Parameters<tf.KernelFunc>[0]) => ((args.attrs?.alpha as number | undefined) ?? 1);
    tf.registerKernel({ kernelName: TA_KERNEL, backendName: backend, kernelFunc: (args) => withGemm(args, (g, i) => g.matMulTA(i.a!, i.b!, alpha(args))) });
    tf.registerKernel({ kernelName: TB_KERNEL, backendName: backend, kernelFunc: (args) => withGemm(args, (g, i) => g.matMulTB(i.a!, i.b!, alpha(args))) });
    const stockAdd = tf.getKernel('Add', backend);
    if (stockAdd) tf.registerKernel({ kernelName: ADD_KERNEL, backendName: backend, kernelFunc: stockAdd.kernelFunc });
    const stockRelu = tf.getKernel('Relu', backend);
    if (stockRelu) tf.registerKernel({ kernelName: RELU_KERNEL, backendName: backend, kernelFunc: stockRelu.kernelFunc });
    tf.registerKernel({ kernelName: RELU_GRAD_KERNEL, backendName: backend, kernelFunc: (args) => withGemm(args, (g, i) => g.reluGrad(i.dy!, i.y!)) });
  }
  if (!gradientRegistered) {
    // Nothing for tfjs to save: dense() saves what the gradient needs itself (see saveForGradient).
    tf.registerGradient({ kernelName: FAST_DENSE_KERNEL, inputsToSave: [], outputsToSave: [], gradFunc: denseGradient });
    tf.registerGradient({
      kernelName: ADD_KERNEL,
      inputsToSave: [],
      outputsToSave: [],
      // Two handles on dy, not one object twice: tfjs disposes a gradient once it has added it to another.
      gradFunc: (dy) => ({ a: () => tf.reshape(dy as Tensor, (dy as Tensor).shape), b: () => tf.reshape(dy as Tensor, (dy as Tensor).shape) }),
    });
    tf.registerGradient({
      kernelName: RELU_KERNEL,
      inputsToSave: [],
      outputsToSave: [],
      gradFunc: (dy, saved) => ({ x: () => tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: dy as Tensor, y: saved[0] }) as Tensor }),
    });
    gradientRegistered = true;
  }
  registered.add(backend);
  return true;
}

type TensorInfo = tf.TensorInfo;
interface KernelArgs {
  inputs: Record<string, TensorInfo | undefined>;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}

/**
 * 2-D in, 2-D out around the backend's rank-3 fused kernel. The reshapes are
 * done inside the kernel, on the backend, as tfjs's own kernels do: a reshape
 * recorded on the gradient tape would make tfjs save a copy of its input
 * (the whole weight matrix on WASM) for a gradient nobody asks for.
 */
function denseKernel(fused: tf.KernelFunc, reshape: tf.KernelFunc): tf.KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as KernelArgs;
    const { a, b, bias, u, v } = inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; u?: TensorInfo; v?: TensorInfo };
    const gemm = gemmFor(backend);
    const lowRank = u && v ? { U: u, V: v, s: (attrs?.lowRankScale as number | undefined) ?? 1 } : undefined;
    if (gemm) return gemm.matMul(a, b, bias ?? null, attrs?.activation === 'relu', attrs?.keepPacked === true, lowRank);
    // dense() sends a low-rank term here only when gemm.ts is available.
    const [n, k] = a.shape;
    const d = b.shape[1];
    const to = (x: TensorInfo, shape: number[]) => reshape({ inputs: { x }, backend, attrs: { shape } }) as TensorInfo;
    const a3 = to(a, [1, n, k]);
    const b3 = to(b, [1, k, d]);
    const out3 = fused({ inputs: bias ? { a: a3, b: b3, bias } : { a: a3, b: b3 }, backend, attrs }) as TensorInfo;
    const out = to(out3, [n, d]);
    for (const t of [a3, b3, out3]) backend.disposeData(t.dataId);
    return out;
  };
}

function withGemm(args: Parameters<tf.KernelFunc>[0], f: (g: NonNullable<ReturnType<typeof gemmFor>>, inputs: KernelArgs['inputs']) => TensorInfo): TensorInfo {
  const { inputs, backend } = args as unknown as KernelArgs;
  const gemm = gemmFor(backend);
  if (!gemm) throw new Error('The WASM matrix products are not available here.');
  return f(gemm, inputs);
}

/** Whether the gradient products can run on gemm.ts (the WASM backend with relaxed SIMD). */
function gemmHere(): boolean {
  return tf.getBackend() === 'wasm' && ensureKernel() && gemmFor(tf.backend()) !== null;
}

/*
 * Which side to transpose. XNNPACK (under tfjs's WASM matMul) packs the second
 * operand of every product whose second operand is new, which costs about 1.5×
 * what transposing the same number of elements costs (measured on this
 * backend); both are small next to the products themselves. So each gradient
 * product below is formed the way that packs and transposes fewest elements.
 */

/** s·(product of a and b): the engine's GEMM kernel where it runs, else `product` scaled by s. */
function scaledProduct(kernel: string, a: Tensor2D, b: Tensor2D, s: number, product: (a: Tensor2D, b: Tensor2D) => Tensor2D): Tensor2D {
  if (gemmHere()) return tf.engine().runKernel(kernel, { a, b }, { alpha: s }) as Tensor2D;
  const out = product(a, b);
  return s === 1 ? out : tf.mul(out, s);
}

/** s·g·bᵀ for g [n,d], b [k,d] → [n,k], without a transposed-operand matMul. */
export function matMulTransposeB(g: Tensor2D, b: Tensor2D, s = 1): Tensor2D {
  return scaledProduct(TB_KERNEL, g, b, s, productTransposeB);
}

function productTransposeB(g: Tensor2D, b: Tensor2D): Tensor2D {
  const [n, d] = g.shape;
  const k = b.shape[0];
  if (!EXPLICIT_TRANSPOSE.has(tf.getBackend())) return tf.matMul(g, b, false, true);
  // g·transpose(b) packs and transposes k·d; transpose(b·transpose(g)) packs n·d and transposes n·d + n·k.
  return 2.5 * k * d <= 2.5 * n * d + n * k ? tf.matMul(g, tf.transpose(b)) : (tf.transpose(tf.matMul(b, tf.transpose(g))) as Tensor2D);
}

/** s·aᵀ·g for a [n,k], g [n,d] → [k,d], without a transposed-operand matMul. */
export function matMulTransposeA(a: Tensor2D, g: Tensor2D, s = 1): Tensor2D {
  return scaledProduct(TA_KERNEL, a, g, s, productTransposeA);
}

function productTransposeA(a: Tensor2D, g: Tensor2D): Tensor2D {
  const [n, k] = a.shape;
  const d = g.shape[1];
  if (!EXPLICIT_TRANSPOSE.has(tf.getBackend())) return tf.matMul(a, g, true, false);
  // transpose(a)·g packs n·d, transposes n·k; transpose(transpose(g)·a) packs n·k, transposes n·d + k·d.
  return 1.5 * n * d + n * k <= 1.5 * n * k + n * d + k * d ? tf.matMul(tf.transpose(a), g) : (tf.transpose(tf.matMul(tf.transpose(g), a)) as Tensor2D);
}

function denseGradient(dy: Tensor | Tensor[], saved: Tensor[], attrs: tf.NamedAttrMap) {
  const [a, b, ...rest] = saved as Tensor2D[];
  const y = attrs.activation === 'relu' ? rest.shift()! : null;
  const [u, v] = rest;
  let g = dy as Tensor2D;
  // ReLU passes the gradient where its output is positive (as tfjs's own fused gradient does).
  if (y) g = gemmHere() ? (tf.engine().runKernel(RELU_GRAD_KERNEL, { dy: g, y }) as Tensor2D) : tf.mul(g, tf.step(y));
  return {
    a: () => matMulTransposeB(g, b),
    b: () => matMulTransposeA(a, g),
    bias: () => tf.sum(g, 0),
    ...(u && v ? { u: () => matMulTransposeB(g, v, attrs.lowRankScale as number), v: () => matMulTransposeA(u, g, attrs.lowRankScale as number) } : {}),
  };
}

/** A rank-r term s·u·v (u [n,r], v [r,d]) that dense() adds to x·w before the activation. */
export interface LowRankTerm {
  u: Tensor2D;
  v: Tensor2D;
  /** s (1 if left out). */
  scale?: number;
}

/**
 * x·w (+ bias) (+ s·u·v) (then ReLU): x [n,k], w [k,d], bias [d], u [n,r], v [r,d] → [n,d].
 * The same numbers as tf.relu(tf.add(tf.add(tf.matMul(x, w), bias), tf.matMul(tf.mul(u, s), v)))
 * up to float rounding. On WASM the rank-r term is added in the same pass over
 * the output as the product (it is r more terms of each sum).
 */
export function dense(x: Tensor2D, w: Tensor2D, bias?: Tensor1D | null, activation: DenseActivation = 'linear', lowRank?: LowRankTerm | null): Tensor2D {
  const [n, k] = x.shape;
  const [k2, d] = w.shape;
  if (k !== k2) throw new Error(`dense: x has ${k} columns but the weight matrix has ${k2} rows.`);
  if (bias && (bias.rank !== 1 || bias.shape[0] !== d)) throw new Error(`dense: the bias must have ${d} entries.`);
  if (lowRank) {
    const [un, r] = lowRank.u.shape;
    if (un !== n || lowRank.v.shape[0] !== r || lowRank.v.shape[1] !== d) throw new Error(`dense: the low-rank term must be ${n}×r · r×${d}.`);
    const float32 = [x, w, lowRank.u, lowRank.v].every((t) => t.dtype === 'float32');
    if (!fast || !float32 || !gemmHere()) {
      const s = lowRank.scale ?? 1;
      const h = add(dense(x, w, bias), matMul(s === 1 ? lowRank.u : tf.mul(lowRank.u, s), lowRank.v));
      return activation === 'relu' ? relu(h) : h;
    }
  }
  if (!fast || x.dtype !== 'float32' || w.dtype !== 'float32' || !ensureKernel()) {
    let h = tf.matMul(x, w);
    if (bias) h = tf.add(h, bias);
    return (activation === 'relu' ? tf.relu(h) : h) as Tensor2D;
  }
  const inputs: tf.NamedTensorMap = { a: x, b: w };
  if (bias) inputs.bias = bias;
  if (lowRank) {
    inputs.u = lowRank.u;
    inputs.v = lowRank.v;
  }
  // A variable (a weight) is worth keeping packed for the WASM products: it is used again, unchanged, next step.
  const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0, keepPacked: w instanceof tf.Variable, lowRankScale: lowRank?.scale ?? 1 };
  const out = tf.engine().runKernel(FAST_DENSE_KERNEL, inputs, attrs) as Tensor2D;
  saveForGradient(out, [x, w, ...(activation === 'relu' ? [out] : []), ...(lowRank ? [lowRank.u, lowRank.v] : [])]);
  return out;
}

/**
 * Keeps what the gradient needs alive until the backward pass is done. tfjs
 * would save copies (its WASM backend copies every saved tensor: 8 MB for the
 * 1000×2000 kernel, each step); a reshape is a second handle on the same
 * memory. The handles go on the op's own tape node, whose saved tensors tfjs
 * disposes once the gradients are computed, whether or not they were needed.
 */
export function saveForGradient(out: Tensor, tensors: Tensor[]): void {
  const engine = tf.engine();
  if (!engine.isTapeOn()) return; // no gradient being recorded: nothing to keep
  const tape = engine.state.activeTape;
  const node = tape?.[tape.length - 1];
  if (!node?.saved || node.outputs[0] !== out) throw new Error('A fast kernel was not recorded for its gradient.');
  for (const t of tensors) node.saved.push(tf.keep(secondHandle(t)));
}

/**
 * A second handle on t's memory, made on the backend: not a kernel, not on the tape. It is what every
 * backend's Reshape does for an unchanged shape (count a reference to the data, wrap it in a tensor),
 * done directly, so that the kernel counts of `npm run bench` (kernelProfile.ts) count kernels only.
 */
export function secondHandle<T extends Tensor>(t: T): T {
  const engine = tf.engine();
  (engine.backend as unknown as { incRef(dataId: object): void }).incRef(t.dataId);
  return engine.makeTensorFromTensorInfo({ dataId: t.dataId, shape: t.shape, dtype: t.dtype }) as T;
}

/** tf.add(a, b) for tensors of the same shape, keeping nothing for the gradient (which is dy for both). */
export function add<T extends Tensor>(a: T, b: T): T {
  const same = a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((s, i) => s === b.shape[i]);
  if (!fast || !same || !ensureKernel() || !tf.getKernel(ADD_KERNEL, tf.getBackend())) return tf.add(a, b);
  return tf.engine().runKernel(ADD_KERNEL, { a, b }) as T;
}

/** tf.relu(x), keeping its output (not a copy of its input) for a one-pass gradient. */
export function relu<T extends Tensor>(x: T): T {
  if (!fast || x.dtype !== 'float32' || !gemmHere() || !tf.getKernel(RELU_KERNEL, tf.getBackend())) return tf.relu(x);
  const out = tf.engine().runKernel(RELU_KERNEL, { x }) as T;
  saveForGradient(out, [out]);
  return out;
}

/** a·b for a [n,k], b [k,d]: tf.matMul(a, b) with the fast gradient. */
export function matMul(a: Tensor2D, b: Tensor2D): Tensor2D {
  return dense(a, b, null, 'linear');
}
