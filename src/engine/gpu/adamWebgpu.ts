/**
 * Adam's update on tfjs's WebGPU backend in three GPU programs per variable
 * instead of tf.train.adam's fourteen kernels (each its own dispatch).
 *
 * Why. At batch 64 a LoRA step on a GPU is bound by the number of
 * dispatches, not by arithmetic: tf.train.adam took 84 of a LoRA r = 4
 * step's 218 kernels for its six small factors. Here the new first moment,
 * the new second moment and the new weights are one element-wise program
 * each (a WebGPU program has one output), with the operations in
 * tf.train.adam's order, so the result is tfjs's up to the GPU's rounding
 * (tests/browser/backends.test.ts holds it against WASM).
 *
 * The kernel takes the same inputs and attributes as the WASM one in
 * fast/adam.ts (LoraLiveAdam), so FusedAdam runs unchanged on either.
 * Nothing here imports the WebGPU backend: the programs are plain objects
 * in the shape its runWebGPUProgram expects (tfjs-backend-webgpu 4.22).
 */
import type { tf } from '../tf';

interface ProgramUniform { type: 'float32'; data: number[] }
interface WebGpuBackendLike {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], dtype: 'float32', uniforms?: ProgramUniform[]): tf.TensorInfo;
}

const WORKGROUP = 64;

/** An element-wise program over `size` outputs with the given inputs, scalar uniforms and WGSL body. */
function program(key: string, shape: number[], inputs: string[], uniforms: string[], body: string): object {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: inputs,
    outputShape: shape,
    shaderKey: `loraLiveAdam_${key}`,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.ceil(size / WORKGROUP), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    uniforms: uniforms.map((u) => `${u} : f32,`).join(' '),
    getUserCode: () => `
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}

const read = (name: string) => `get${name[0].toUpperCase()}${name.slice(1)}ByOutputIndex(index)`;

/** [p′, m′, v′] for one variable: a = {b1, omb1, b2, omb2, c1, c2, eps, neglr} as fast/adam.ts passes them. */
export function adamWebgpu(backend: unknown, p: tf.TensorInfo, m: tf.TensorInfo, v: tf.TensorInfo, g: tf.TensorInfo, a: Record<string, number>): tf.TensorInfo[] {
  const b = backend as WebGpuBackendLike;
  const shape = [...p.shape];
  const u = (...names: string[]) => names.map((n) => ({ type: 'float32' as const, data: [a[n]] }));
  // m′ = m·β₁ + g·(1 − β₁)
  const m1 = b.runWebGPUProgram(program('m', shape, ['m', 'g'], ['b1', 'omb1'], `setOutputAtIndex(index, ${read('m')} * uniforms.b1 + ${read('g')} * uniforms.omb1);`), [m, g], 'float32', u('b1', 'omb1'));
  // v′ = v·β₂ + g²·(1 − β₂)
  const v1 = b.runWebGPUProgram(program('v', shape, ['v', 'g'], ['b2', 'omb2'], `let g = ${read('g')};
          setOutputAtIndex(index, ${read('v')} * uniforms.b2 + (g * g) * uniforms.omb2);`), [v, g], 'float32', u('b2', 'omb2'));
  // p′ = p + (m′/c₁) / (√(v′/c₂) + ε) · (−lr)
  const p1 = b.runWebGPUProgram(program('p', shape, ['p', 'm', 'v'], ['c1', 'c2', 'eps', 'neglr'], `let mh = ${read('m')} / uniforms.c1;
          let vh = ${read('v')} / uniforms.c2;
          setOutputAtIndex(index, (mh / (sqrt(vh) + uniforms.eps)) * uniforms.neglr + ${read('p')});`), [p, m1, v1], 'float32', u('c1', 'c2', 'eps', 'neglr'));
  return [p1, m1, v1];
}
