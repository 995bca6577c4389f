/** Events several job families stream (tf-free). */

/** One reported training step of a run that trains up to `steps` steps in all. */
export interface StepEvent {
  kind: 'step';
  step: number;
  steps: number;
  loss: number;
  msPerStep: number;
}

/** What a training job streams: its steps and, every so often, an evaluation at a step (`E`: what it measured). */
export type TrainingEvent<E> = StepEvent | ({ kind: 'eval'; step: number } & E);
