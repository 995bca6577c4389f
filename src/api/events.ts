/** Events several job families stream (tf-free). */

/** One reported training step of a run that trains up to `steps` steps in all. */
export interface StepEvent {
  kind: 'step';
  step: number;
  steps: number;
  loss: number;
  msPerStep: number;
}
