/**
 * The one place the engine imports TensorFlow.js from. We use tfjs-core plus
 * explicit backends rather than the `@tensorflow/tfjs` bundle: the engine needs
 * no layers or converter, and that keeps the site's download small.
 */
import * as tf from '@tensorflow/tfjs-core';
import '#tf-gradients';
export { tf };
export type { Tensor, Tensor1D, Tensor2D, Variable, Scalar } from '@tensorflow/tfjs-core';
