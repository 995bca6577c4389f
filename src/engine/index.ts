/**
 * The LoRA, live engine: plain TypeScript on tfjs-core, no DOM. It runs in
 * Node (tests, scripts, benchmarks), in the site's Web Worker, and in a
 * browser test. See README.md, "The engine", for the public API.
 */
export { tf, readAsync, readScalar } from './tf';
export type { Tensor, Tensor1D, Tensor2D, Variable, Scalar } from './tf';
export * from './backend';
export * from '../core/rng';
export * from './mlp';
export * from './lora';
export * from '../core/params';
export * from './data';
export * from './trainer';
export * from './merge';
export * from '../core/binfile';
export * from './modelFile';
export * from './adapterFile';
export * from './intrinsic';
export * from './weightOperator';
