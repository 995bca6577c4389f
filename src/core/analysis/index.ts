/**
 * Analysis of trained adapters (the LoRA paper's §7): low-rank SVDs, the
 * normalised subspace similarity φ, ΔW against W, equal parameter budgets.
 * Plain TypeScript on Float64Array; no tfjs, no DOM.
 */
export * from './linalg';
export * from './lowrank';
export * from './similarity';
export * from './delta-vs-w';
export * from './budget';
