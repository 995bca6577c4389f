/**
 * Adam in one pass per variable on the WASM backend.
 *
 * Why. tf.train.adam updates each variable with 14 element-wise kernels, and
 * for LoRA's small factors the cost is in the calls, not the arithmetic: six
 * r = 4 factors took 84 kernel calls and about 1.3 ms of a 20 ms training
 * step. Here one WebAssembly loop (wasm/gemm.c, `adam`) does the whole update
 * of a variable, with every operation rounded to float32 in the order
 * tf.train.adam performs them, so the weights are bit-identical to tfjs's
 * (tests/unit/fast-adam.test.ts checks that).
 *
 * `adam(lr)` gives this optimizer where it applies (the WASM backend with the
 * module of gemm.ts, and WebGPU with gpu/adamWebgpu.ts) and tf.train.adam(lr)
 * everywhere else.
 */
import { tf, type Tensor, type Variable } from '../tf';
import { gemmFor } from './gemm';
import { fastPathApplies, fastPathEnabled } from './ops';
import { adamWebgpu } from '../gpu/adamWebgpu';

const ADAM_KERNEL = 'LoraLiveAdam';
// tf.train.adam's defaults.
const BETA1 = 0.9;
const BETA2 = 0.999;
/** tfjs's float32 epsilon: the ε tf.train.adam takes by default on WASM, CPU and WebGPU. */
export const ADAM_EPSILON = 1e-7;

/**
 * Adam's ε, the same on every backend that computes in float32.
 *
 * Why. tf.train.adam takes ε from the backend (`backend.epsilon()`), and
 * tfjs 4.22's WebGL backend answers 1e-4, its float16 value, even where it
 * computes in float32: its floatPrecision() returns 16 whenever
 * WEBGL_RENDER_FLOAT32_ENABLED is set (tensorflow/tfjs#6980, still open).
 * Adam's step is lr·m̂/(√v̂ + ε), so a gradient entry much smaller than
 * 1e-4 moved ~1,000× less on WebGL than on WASM: /mlp/ trained to
 * visibly different accuracies (83.1 % against 76.5 % after 40 steps).
 * Only where WebGL really renders to half floats (some phones) does ε stay
 * the backend's 1e-4, because 1e-7 is not a float16 number there.
 */
export function adamEpsilon(): number {
  if (tf.getBackend() === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED')) return tf.backend().epsilon();
  return ADAM_EPSILON;
}

const f32 = Math.fround;

export class FusedAdam extends tf.Optimizer {
  static readonly className = 'FusedAdam';
  /** tf.Optimizer answers instanceof for any object with an optimizer's methods; this class means itself. */
  static [Symbol.hasInstance](instance: unknown): boolean {
    return typeof instance === 'object' && instance !== null && Object.prototype.isPrototypeOf.call(FusedAdam.prototype, instance);
  }
  /** β₁ᵗ and β₂ᵗ, kept in float32 as tfjs keeps them (a float32 product of float32 numbers is exact in a double, then rounded once). */
  private accBeta1 = f32(BETA1);
  private accBeta2 = f32(BETA2);
  private readonly moments = new Map<string, { m: Variable; v: Variable }>();
  private readonly epsilon: number;

  constructor(readonly learningRate: number) {
    super();
    this.epsilon = adamEpsilon();
    ensureAdamKernel();
  }

  applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: Tensor }[]): void {
    const grads = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const attrs = {
      b1: f32(BETA1),
      omb1: f32(1 - BETA1),
      b2: f32(BETA2),
      omb2: f32(1 - BETA2),
      c1: f32(1 - this.accBeta1),
      c2: f32(1 - this.accBeta2),
      eps: f32(this.epsilon),
      neglr: f32(-this.learningRate),
    };
    tf.tidy(() => {
      for (const { name, tensor: g } of grads) {
        if (g == null) continue;
        const value = tf.engine().registeredVariables[name];
        let state = this.moments.get(name);
        if (!state) {
          state = { m: tf.variable(tf.zerosLike(value), false), v: tf.variable(tf.zerosLike(value), false) };
          this.moments.set(name, state);
        }
        const [p1, m1, v1] = tf.engine().runKernel(ADAM_KERNEL, { p: value, m: state.m, v: state.v, g }, attrs) as Tensor[];
        state.m.assign(m1);
        state.v.assign(v1);
        value.assign(p1);
      }
    });
    // tfjs multiplies by β as a float32 tensor: f32(0.999), not the double 0.999.
    this.accBeta1 = f32(this.accBeta1 * f32(BETA1));
    this.accBeta2 = f32(this.accBeta2 * f32(BETA2));
    this.incrementIterations();
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, beta1: BETA1, beta2: BETA2, epsilon: this.epsilon };
  }
}

function ensureAdamKernel(): void {
  const backend = tf.getBackend();
  if (tf.getKernel(ADAM_KERNEL, backend)) return;
  tf.registerKernel({
    kernelName: ADAM_KERNEL,
    backendName: backend,
    kernelFunc: ({ inputs, backend: b, attrs }) => {
      if (backend === 'webgpu') {
        const { p, m, v, g } = inputs as Record<string, tf.TensorInfo>;
        return adamWebgpu(b, p, m, v, g, attrs as Record<string, number>);
      }
      const gemm = gemmFor(b as tf.KernelBackend);
      if (!gemm) throw new Error('The WASM Adam kernel is not available here.');
      const { p, m, v, g } = inputs as Record<string, tf.TensorInfo>;
      const a = attrs as Record<string, number>;
      return gemm.adam(p, m, v, g, [a.b1, a.omb1, a.b2, a.omb2, a.c1, a.c2, a.eps, a.neglr]);
    },
  });
}

/**
 * Adam: one kernel per variable on WASM (FusedAdam with gemm.ts) and on WebGPU (FusedAdam with
 * gpu/adamWebgpu.ts: three GPU programs), tf.train.adam elsewhere or with the fast path off;
 * ε from adamEpsilon() on every backend.
 */
export function adam(learningRate: number): tf.Optimizer {
  const onWasm = fastPathApplies() && gemmFor(tf.backend()) !== null;
  const applies = fastPathEnabled() && (onWasm || tf.getBackend() === 'webgpu');
  return applies ? new FusedAdam(learningRate) : tf.train.adam(learningRate, BETA1, BETA2, adamEpsilon());
}

/** Only for tests: the variables holding Adam's moments. */
export function adamMoments(opt: FusedAdam): Variable[] {
  return [...(opt as unknown as { moments: Map<string, { m: Variable; v: Variable }> }).moments.values()].flatMap(({ m, v }) => [m, v]);
}
