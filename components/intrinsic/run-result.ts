/** A finished single run, announced to the sweep chart (which draws it on top). */
export interface RunResultDetail { d: number; steps: number; seed: number; accuracy: number }
export const RUN_RESULT_EVENT = 'intrinsic-run-result';
