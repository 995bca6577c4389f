// Settings shared by the subspace and ΔW-vs-W cells: both train their adapters in
// one worker session, so adapters one cell trained are reused by the other
// when the task, layer, steps and seed agree.
import type { TaskId } from '../../src/core/tasks';
import type { AnalysisEvent, AnalysisParams } from '../../src/api/whichrank';

export const ANALYSIS_SESSION = 'which-rank-analysis';

export const analysisSchema = {
  task: { kind: 'enum', options: ['rotated', 'fours', 'inverted'], default: 'rotated', label: 'Task' },
  layer: { kind: 'enum', options: ['1', '2'], default: '1', label: 'Layer' },
  steps: { kind: 'enum', options: ['50', '100', '200', '400'], default: '200', label: 'Steps per adapter' },
  seed: { kind: 'int', min: 0, max: 9999, default: 1, label: 'Seed' },
} as const;

export function analysisParams(v: { task: string; layer: string; steps: string; seed: number }): AnalysisParams {
  return { session: ANALYSIS_SESSION, task: v.task as TaskId, layer: Number(v.layer) - 1, steps: Number(v.steps), seed: v.seed };
}

export function trainProgressText(e: AnalysisEvent): string {
  return `Adapter ${e.index + 1} of ${e.total}: r = ${e.rank}, seed ${e.seed} · step ${e.step} of ${e.steps}`;
}

/** The layer's shape in the paper's orientation, W ∈ R^{d×k}. */
export function layerShape(sizes: readonly number[], layer1: number): { d: number; k: number } {
  return { d: sizes[layer1], k: sizes[layer1 - 1] };
}
