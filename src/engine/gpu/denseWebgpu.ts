/**
 * The LoRA dense layer on tfjs's WebGPU backend as three tfjs kernels of the
 * engine's own instead of some thirty stock ones:
 *
 *   forward   h = act(x·W₀ᵀ + b + s·(x·Aᵀ)·Bᵀ)           one kernel, two GPU programs
 *   backward  dAᵀ, dBᵀ (and d(down), kept for dx)          one kernel, four GPU programs
 *             dx = g·W₀ + d(down)·A                         one kernel, one GPU program
 *
 * with g = dh, masked where h = 0 when act is ReLU (tfjs's own ReLU gradient:
 * dy·step(x), and h > 0 exactly where the pre-activation is). Shapes as in
 * docs/architecture.md: x n×k, kernel (W₀ᵀ) k×d, b d, Aᵀ k×r, Bᵀ r×d.
 *
 * Why. At batch 64 a LoRA step on a GPU is bound by the number of dispatches,
 * not by arithmetic (issue 15): with stock ops each layer is a matMul, a bias
 * add, a scale, the rank-r matMuls, an add and a ReLU forward and about twice
 * as many kernels back. Fused, a LoRA r = 4 step of the three-layer MLP is
 * three forward kernels, five backward ones, the loss's two and Adam's six.
 *
 * The gradient. tfjs asks for each input's gradient separately, and only for
 * inputs on the path to the trained variables (so the first layer's dx, whose
 * x is data, is never computed). Aᵀ's and Bᵀ's gradients come from one kernel,
 * run by whichever of the two is asked first; its outputs stay alive on the
 * op's tape node (disposed by tfjs when the backward pass ends) and each
 * gradient is handed out as a second handle on the same GPU buffer (secondHandle). dx reuses
 * that kernel's d(down). W₀ and b are frozen in LoRA; if a caller trains them
 * anyway their gradients are computed with stock ops, correct if not fused.
 *
 * The programs. Each output element (or each column of four rows, for the two
 * big products) is one GPU thread summing in order: simple, correct on every
 * adapter, and a dispatch each. On the software adapter of CI only the
 * numbers can be checked, not the speed; tiled products (as tfjs's own
 * matMul) would be the next step where a real GPU shows the big products
 * dominating. Programs are plain objects in the shape tfjs-backend-webgpu
 * 4.22's runWebGPUProgram expects; nothing here imports that backend.
 */
import { tf, type Tensor, type Tensor1D, type Tensor2D } from '../tf';
import { fastPathEnabled, saveForGradient, secondHandle, type DenseActivation } from '../fast/ops';

export const GPU_DENSE_KERNEL = 'LoraLiveGpuDense';
const PARAM_GRAD_KERNEL = 'LoraLiveGpuDenseParamGrad';
const INPUT_GRAD_KERNEL = 'LoraLiveGpuDenseInputGrad';

type TensorInfo = tf.TensorInfo;
interface ProgramUniform { type: 'int32' | 'float32'; data: number[] }
interface WebGpuBackendLike {
  runWebGPUProgram(program: object, inputs: TensorInfo[], dtype: 'float32', uniforms?: ProgramUniform[]): TensorInfo;
  disposeData(dataId: object): void;
}

const WORKGROUP = 64;
/** Rows of the output each thread of the two big products computes: one read of a W₀ entry serves ROWS rows. */
const ROWS = 4;

/**
 * A program whose `threads` threads run `body` (WGSL, with `index`, the thread's number, and the
 * inputs as plain arrays named `in…`). Sizes come from the inputs' shape uniforms (uniforms.inXShape
 * etc.); uniforms.threads and uniforms.scale are this program's own.
 */
function program(key: string, outputShape: number[], inputs: string[], threads: number, body: string): object {
  return {
    variableNames: inputs,
    outputShape,
    shaderKey: `loraLiveDense_${key}`,
    dispatchLayout: { x: outputShape.map((_, i) => i) },
    dispatch: [Math.max(1, Math.ceil(threads / WORKGROUP)), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    uniforms: 'threads : i32, scale : f32,',
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.threads) {
          ${body}
        }
      }`,
  };
}

function run(backend: unknown, prog: object, inputs: TensorInfo[], threads: number, scale: number): TensorInfo {
  return (backend as WebGpuBackendLike).runWebGPUProgram(prog, inputs, 'float32', [
    { type: 'int32', data: [threads] },
    { type: 'float32', data: [scale] },
  ]);
}

/** g at (row, col) of an n×d gradient: dy, or dy where the layer's ReLU output is positive. */
const gradAt = (relu: boolean, at: string) => (relu ? `select(0.0, inDy[${at}], inY[${at}] > 0.0)` : `inDy[${at}]`);

/**
 * WGSL for a small output (rows × `cols`): one thread per entry (i, j), summing `term` over t < `inner`,
 * then scaled by uniforms.scale (1 where there is no s: exact).
 */
function dotBody(cols: string, inner: string, term: string): string {
  return `
          let cols = ${cols};
          let inner = ${inner};
          let i = index / cols;
          let j = index - i * cols;
          var acc = 0.0;
          for (var t = 0; t < inner; t++) { acc += ${term}; }
          setOutputAtIndex(index, uniforms.scale * acc);`;
}

/** down = x·Aᵀ, n×r. */
function down(backend: unknown, x: TensorInfo, at: TensorInfo): TensorInfo {
  const [n] = x.shape;
  const r = at.shape[1];
  const body = dotBody('uniforms.inAtShape[1]', 'uniforms.inXShape[1]', 'inX[i * inner + t] * inAt[t * cols + j]');
  return run(backend, program('down', [n, r], ['inX', 'inAt'], n * r, body), [x, at], n * r, 1);
}

/**
 * WGSL for an n×cols output that is a product summed over `inner` plus a rank-r term: one thread per
 * output column c and block of ROWS rows, so that each W₀ entry read serves ROWS rows. In the
 * expressions: `rr` a row (clamped into the batch), `t` the summed index, `row` an output row, `j` the
 * rank index; `finish` writes the output from `acc` (the product) and `low` (the rank-r sum).
 */
function blockedProduct(o: { n: string; cols: string; inner: string; r: string; a: string; w: string; low: string; finish: string }): string {
  return `
          let n = ${o.n};
          let cols = ${o.cols};
          let inner = ${o.inner};
          let r = ${o.r};
          let c = index % cols;
          let row0 = (index / cols) * ${ROWS};
          var prod : array<f32, ${ROWS}>;
          for (var t = 0; t < inner; t++) {
            let wv = ${o.w};
            for (var q = 0; q < ${ROWS}; q++) {
              let rr = min(row0 + q, n - 1);
              prod[q] += ${o.a} * wv;
            }
          }
          for (var q = 0; q < ${ROWS}; q++) {
            let row = row0 + q;
            if (row < n) {
              var low = 0.0;
              for (var j = 0; j < r; j++) { low += ${o.low}; }
              let acc = prod[q];
              ${o.finish}
            }
          }`;
}

/** act(x·W₀ᵀ + b + s·down·Bᵀ), n×d. */
function forwardMain(backend: unknown, x: TensorInfo, w: TensorInfo, bias: TensorInfo, dn: TensorInfo, bt: TensorInfo, scale: number, relu: boolean): TensorInfo {
  const [n] = x.shape;
  const d = w.shape[1];
  const threads = Math.ceil(n / ROWS) * d;
  const body = blockedProduct({
    n: 'uniforms.inXShape[0]', cols: 'uniforms.inWShape[1]', inner: 'uniforms.inXShape[1]', r: 'uniforms.inBtShape[0]',
    a: 'inX[rr * inner + t]', w: 'inW[t * cols + c]', low: 'inDown[row * r + j] * inBt[j * cols + c]',
    finish: `let v = acc + inBias[c] + uniforms.scale * low;
              setOutputAtIndex(row * cols + c, ${relu ? 'max(v, 0.0)' : 'v'});`,
  });
  return run(backend, program(`fwd_${relu ? 'relu' : 'linear'}`, [n, d], ['inX', 'inW', 'inBias', 'inDown', 'inBt'], threads, body), [x, w, bias, dn, bt], threads, scale);
}

/** [dAᵀ k×r, dBᵀ r×d, d(down) n×r] from dy (and the ReLU output y). */
function paramGrads(backend: unknown, dy: TensorInfo, x: TensorInfo, at: TensorInfo, bt: TensorInfo, y: TensorInfo | null, scale: number): TensorInfo[] {
  const relu = y !== null;
  const [n, k] = x.shape;
  const [r, d] = bt.shape;
  const gIn = relu ? ['inDy', 'inY'] : ['inDy'];
  const gInfo = relu ? [dy, y] : [dy];
  const variant = relu ? 'relu' : 'linear';
  const dn = down(backend, x, at);
  // dBᵀ = s·downᵀ·g (r×d), summing over the batch.
  const dBt = run(backend, program(`dbt_${variant}`, [r, d], ['inDown', ...gIn], r * d,
    dotBody('uniforms.inDyShape[1]', 'uniforms.inDyShape[0]', `inDown[t * uniforms.inDownShape[1] + i] * ${gradAt(relu, 't * cols + j')}`)), [dn, ...gInfo], r * d, scale);
  // d(down) = s·g·B (n×r), summing over d.
  const dd = run(backend, program(`ddown_${variant}`, [n, r], ['inBt', ...gIn], n * r,
    dotBody('uniforms.inBtShape[0]', 'uniforms.inDyShape[1]', `${gradAt(relu, 'i * inner + t')} * inBt[j * inner + t]`)), [bt, ...gInfo], n * r, scale);
  // dAᵀ = xᵀ·d(down) (k×r), summing over the batch.
  const dAt = run(backend, program('dat', [k, r], ['inX', 'inDd'], k * r,
    dotBody('uniforms.inDdShape[1]', 'uniforms.inXShape[0]', 'inX[t * uniforms.inXShape[1] + i] * inDd[t * cols + j]')), [x, dd], k * r, 1);
  (backend as WebGpuBackendLike).disposeData(dn.dataId);
  return [dAt, dBt, dd];
}

/** dx = g·W₀ + d(down)·A, n×k. */
function inputGrad(backend: unknown, dy: TensorInfo, w: TensorInfo, at: TensorInfo, dd: TensorInfo, y: TensorInfo | null): TensorInfo {
  const relu = y !== null;
  const [n] = dy.shape;
  const k = w.shape[0];
  const threads = Math.ceil(n / ROWS) * k;
  const body = blockedProduct({
    n: 'uniforms.inDyShape[0]', cols: 'uniforms.inWShape[0]', inner: 'uniforms.inDyShape[1]', r: 'uniforms.inAtShape[1]',
    a: gradAt(relu, 'rr * inner + t'), w: 'inW[c * inner + t]', low: 'inDd[row * r + j] * inAt[c * r + j]',
    finish: 'setOutputAtIndex(row * cols + c, acc + low);',
  });
  const inputs = relu ? [dy, y, w, at, dd] : [dy, w, at, dd];
  const names = relu ? ['inDy', 'inY', 'inW', 'inAt', 'inDd'] : ['inDy', 'inW', 'inAt', 'inDd'];
  return run(backend, program(`dx_${relu ? 'relu' : 'linear'}`, [n, k], names, threads, body), inputs, threads, 1);
}

let gradientRegistered = false;

function ensureKernels(): void {
  if (tf.getKernel(GPU_DENSE_KERNEL, 'webgpu')) return;
  tf.registerKernel({
    kernelName: GPU_DENSE_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, w, bias, at, bt } = inputs as Record<string, TensorInfo>;
      const dn = down(backend, x, at);
      const out = forwardMain(backend, x, w, bias, dn, bt, attrs!.scale as number, attrs!.activation === 'relu');
      (backend as unknown as WebGpuBackendLike).disposeData(dn.dataId);
      return out;
    },
  });
  tf.registerKernel({
    kernelName: PARAM_GRAD_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { dy, x, at, bt, y } = inputs as Record<string, TensorInfo | undefined>;
      return paramGrads(backend, dy!, x!, at!, bt!, y ?? null, attrs!.scale as number);
    },
  });
  tf.registerKernel({
    kernelName: INPUT_GRAD_KERNEL,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend }) => {
      const { dy, w, at, dd, y } = inputs as Record<string, TensorInfo | undefined>;
      return inputGrad(backend, dy!, w!, at!, dd!, y ?? null);
    },
  });
  if (gradientRegistered) return;
  gradientRegistered = true;
  // Nothing for tfjs to save: the op saves what the gradient needs itself (saveForGradient).
  tf.registerGradient({ kernelName: GPU_DENSE_KERNEL, inputsToSave: [], outputsToSave: [], gradFunc: gradient });
}

function gradient(dy: Tensor | Tensor[], saved: Tensor[], attrs: tf.NamedAttrMap) {
  const relu = attrs.activation === 'relu';
  const [x, w, ...rest] = saved as Tensor2D[];
  const y = relu ? rest.shift()! : null;
  const [at, bt] = rest;
  const g = dy as Tensor2D;
  const withY = (m: tf.NamedTensorMap) => (y ? { ...m, y } : m);
  let params: Tensor[] | null = null;
  // dAᵀ, dBᵀ and d(down), computed once for whichever gradient asks first and kept on the tape node
  // (tfjs disposes a node's saved tensors when the backward pass is done).
  const shared = (): Tensor[] => {
    if (!params) {
      params = tf.engine().runKernel(PARAM_GRAD_KERNEL, withY({ dy: g, x, at, bt }), { scale: attrs.scale }) as Tensor[];
      for (const t of params) saved.push(tf.keep(t));
    }
    return params;
  };
  // Stock ops for W₀ and b: frozen in LoRA, so these run only if a caller trains them.
  const masked = () => (y ? tf.mul(g, tf.step(y)) : g);
  return {
    x: () => tf.engine().runKernel(INPUT_GRAD_KERNEL, withY({ dy: g, w, at, dd: shared()[2] })) as Tensor,
    w: () => tf.matMul(x, masked(), true, false),
    bias: () => tf.sum(masked(), 0),
    at: () => secondHandle(shared()[0]),
    bt: () => secondHandle(shared()[1]),
  };
}

/** Whether loraDenseWebgpu runs here: the WebGPU backend, the engine's fast path on, float32 throughout. */
export function denseWebgpuApplies(x: Tensor2D, kernel: Tensor2D, At: Tensor2D, Bt: Tensor2D): boolean {
  return fastPathEnabled() && tf.getBackend() === 'webgpu' && [x, kernel, At, Bt].every((t) => t.dtype === 'float32')
    && maxThreads(x.shape[0], kernel.shape[0], Bt.shape[1], At.shape[1]) <= MAX_THREADS;
}

/**
 * The programs dispatch one dimension of workgroups, and WebGPU guarantees at most 65,535 of them
 * (maxComputeWorkgroupsPerDimension's default): a larger layer (e.g. a forward of 8,400 rows through
 * the 2000-wide layer) runs on tfjs's stock ops instead, which tile in more dimensions.
 */
const MAX_THREADS = 65_535 * WORKGROUP;

/** The most threads any of the layer's programs asks for (n rows, k in, d out, rank r). */
function maxThreads(n: number, k: number, d: number, r: number): number {
  return Math.max(n * r, Math.ceil(n / ROWS) * Math.max(k, d), k * r, r * d);
}

/**
 * act(x·kernel + bias + s·(x·At)·Bt) as one tfjs kernel on WebGPU, with its gradient in two more
 * (see above). The same numbers as the stock ops up to float32 rounding (tests/browser/backends.test.ts).
 */
export function loraDenseWebgpu(x: Tensor2D, kernel: Tensor2D, bias: Tensor1D, At: Tensor2D, Bt: Tensor2D, scale: number, activation: DenseActivation): Tensor2D {
  const [n, k] = x.shape;
  const [r, d] = Bt.shape;
  if (kernel.shape[0] !== k || kernel.shape[1] !== d || bias.shape[0] !== d || At.shape[0] !== k || At.shape[1] !== r) {
    throw new Error(`loraDense: shapes do not fit (x ${n}×${k}, kernel ${kernel.shape.join('×')}, bias ${bias.shape[0]}, Aᵀ ${At.shape.join('×')}, Bᵀ ${r}×${d}).`);
  }
  ensureKernels();
  const out = tf.engine().runKernel(GPU_DENSE_KERNEL, { x, w: kernel, bias, at: At, bt: Bt }, { scale, activation }) as Tensor2D;
  saveForGradient(out, [x, kernel, ...(activation === 'relu' ? [out] : []), At, Bt]);
  return out;
}
