/**
 * The tf-free, DOM-free core: exact maths, quantization, parameter counts, digits and tasks,
 * LoRA's configuration, file formats. It imports nothing else of the project (scripts/check-imports.ts
 * enforces it), so pages, the worker, the engine and scripts can all use it. Heavy or rarely used
 * modules (exactRank with mathjs, peftCost) are imported from their own files.
 */
export * from './binfile';
export * from './modelFile';
export * from './adapterFile';
export * from './digits';
export * from './tasks';
export * from './rng';
export * from './params';
export * from './lora';
export * from './intrinsic';
export * from './quant/index';
export * from './analysis/index';
export * from './stats';
