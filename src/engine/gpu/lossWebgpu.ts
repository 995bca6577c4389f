/**
 * Softmax cross-entropy against integer labels on tfjs's WebGPU backend: the
 * loss in one GPU program and its gradient in one, instead of the twenty-odd
 * kernels of tf.losses.softmaxCrossEntropy(tf.oneHot(labels), logits)
 * forward and back. The same kernels (LoraLiveSoftmaxXent and its gradient)
 * and the same maths as the WASM ones in fast/loss.ts, in float32.
 *
 * The loss program is a single GPU thread: at batch 64 and ten classes it
 * sums 640 numbers, less work than one dispatch costs. Programs are plain
 * objects in the shape tfjs-backend-webgpu 4.22's runWebGPUProgram expects.
 */
import type { tf } from '../tf';

interface WebGpuBackendLike {
  runWebGPUProgram(program: object, inputs: tf.TensorInfo[], dtype: 'float32'): tf.TensorInfo;
}

const WORKGROUP = 64;

// −log softmax(z)[label] for row r, and the row's max and Σexp (for the gradient).
const ROW = `
  fn rowStats(r : i32) -> vec2<f32> {
    let classes = uniforms.logitsShape[1];
    var mx = getLogits(r, 0);
    for (var j = 1; j < classes; j++) { mx = max(mx, getLogits(r, j)); }
    var s = 0.0;
    for (var j = 0; j < classes; j++) { s += exp(getLogits(r, j) - mx); }
    return vec2<f32>(mx, s);
  }`;

function program(key: string, shape: number[], inputs: string[], body: string): object {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    variableNames: inputs,
    outputShape: shape,
    shaderKey: `loraLiveXent_${key}`,
    dispatchLayout: { x: shape.map((_, i) => i) },
    dispatch: [Math.max(1, Math.ceil(size / WORKGROUP)), 1, 1],
    workgroupSize: [WORKGROUP, 1, 1],
    size: true,
    getUserCode: () => `${ROW}
      fn main(index : i32) {
        if (index < uniforms.size) {
          ${body}
        }
      }`,
  };
}

/** Mean over the rows of −log softmax(logits)[label]: a scalar. */
export function xentWebgpu(backend: unknown, logits: tf.TensorInfo, labels: tf.TensorInfo): tf.TensorInfo {
  const body = `
          let n = uniforms.logitsShape[0];
          var total = 0.0;
          for (var r = 0; r < n; r++) {
            let st = rowStats(r);
            total += st.x + log(st.y) - getLogits(r, i32(getLabels(r)));
          }
          setOutputAtIndex(index, select(0.0, total / f32(n), n > 0));`;
  return (backend as WebGpuBackendLike).runWebGPUProgram(program('loss', [], ['logits', 'labels'], body), [logits, labels], 'float32');
}

/** d loss / d logits: (softmax − onehot(label))·dy/n, one thread per entry. */
export function xentGradWebgpu(backend: unknown, logits: tf.TensorInfo, labels: tf.TensorInfo, dy: tf.TensorInfo): tf.TensorInfo {
  const body = `
          let classes = uniforms.logitsShape[1];
          let r = index / classes;
          let j = index - r * classes;
          let st = rowStats(r);
          let p = exp(getLogits(r, j) - st.x) / st.y;
          let hot = select(0.0, 1.0, j == i32(getLabels(r)));
          setOutputAtIndex(index, (p - hot) * (getDy() / f32(uniforms.logitsShape[0])));`;
  return (backend as WebGpuBackendLike).runWebGPUProgram(program('grad', [...logits.shape], ['logits', 'labels', 'dy'], body), [logits, labels, dy], 'float32');
}
