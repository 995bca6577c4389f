// Settings of the /which-rank/ cells. What the worker's jobs also use is defined in src/core/tasks.ts
// (learning rates, α) and src/api/whichrank.ts (the analysis ranks), and re-exported here.
export { ALPHA, LEARNING_RATE } from '../../src/core/tasks';
export { ANALYSIS } from '../../src/api/whichrank';

export const SWEEP_RANKS = [1, 2, 4, 8, 16, 64] as const;
export const STEP_CHOICES = [25, 50, 100, 200, 400] as const;

/** The rank sweep adapts the two hidden layers (0-based 0 and 1): a rank above 10 means nothing on the 10-output layer. */
export const RANK_SWEEP_LAYERS = [0, 1] as const;

/** The target sweep's choices: which layers carry adapters (0-based). */
export const TARGETS = [
  { id: 'l1', label: 'Layer 1 only', layers: [0] },
  { id: 'l2', label: 'Layer 2 only', layers: [1] },
  { id: 'l3', label: 'Layer 3 only', layers: [2] },
  { id: 'all', label: 'All three layers', layers: [0, 1, 2] },
] as const;
