// Training settings shared by the /which-rank/ cells and their worker jobs
// (plain data: imported by the page and by the worker).
import type { TaskId } from '../../src/engine/data';

/**
 * Adam learning rate per task. The close task ("fix the 4s") trains on 4s
 * only: at 3·10⁻⁴ the network learns to call nearly everything a 4 within
 * 200 steps, so it gets a gentle rate; the far tasks need a larger one.
 */
export const LEARNING_RATE: Record<TaskId, number> = { fours: 1e-4, rotated: 2e-3, inverted: 2e-3 };

/** α is held fixed while r varies, as in the paper (scale α/r). */
export const ALPHA = 8;

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

/** The ranks the subspace and ΔW-vs-W analyses train, after the paper's §7.2–7.3. */
export const ANALYSIS = { small: 8, large: 64, tiny: 4 } as const;
