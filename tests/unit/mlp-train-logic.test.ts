// DOM-free logic of the /mlp/ training cell.
import { describe, expect, it } from 'vitest';
import { changeSummary, evalEveryFor, failureText, runKey } from '../../components/mlp/train-logic';
import { readState } from '../../components/lib/state';
import { trainSchema } from '../../components/mlp/train-state';

const settings = { task: 'fours' as const, rank: 4, alpha: 4, lr: 0.001, layers: ['1', '2', '3'], seed: 0 };

describe('training cell logic', () => {
  it('continues a run only while the settings are the same', () => {
    expect(runKey(settings)).toBe(runKey({ ...settings, layers: ['3', '1', '2'] }));
    expect(runKey(settings)).not.toBe(runKey({ ...settings, rank: 8 }));
    expect(runKey(settings)).not.toBe(runKey({ ...settings, seed: 1 }));
    expect(runKey(settings)).not.toBe(runKey({ ...settings, task: 'rotated' }));
  });

  it('measures accuracy about eight times a run', () => {
    expect(evalEveryFor(1)).toBe(0);
    expect(evalEveryFor(40)).toBe(5);
    expect(evalEveryFor(5)).toBe(1);
    expect(evalEveryFor(1000)).toBe(125);
  });

  it('sums up a fix that breaks other digits', () => {
    const base = { accuracy: 0.964, score: 0.933, perDigit: [1, 1, 0.963, 0.956, 0.933, 0.978, 0.941, 0.957, 0.932, 0.981] };
    const now = { accuracy: 0.765, score: 1, perDigit: [0.909, 0.954, 0.926, 0.856, 1, 0.892, 0.565, 0.835, 0.612, 0.087] };
    expect(changeSummary('fours', base, now)).toBe(
      'Accuracy on the 4s: 93.3% → 100%; all test digits: 96.4% → 76.5%; largest drop: 9s, 98.1% → 8.7%.');
  });

  it('names the largest gain on a far task', () => {
    const base = { accuracy: 0.1, score: 0.1, perDigit: [0.58, 0.01, 0.09, 0.03, 0.1, 0.01, 0.13, 0.02, 0.03, 0.07] };
    const now = { accuracy: 0.8, score: 0.8, perDigit: [0.97, 0.96, 0.92, 0.59, 0.86, 0.67, 0.82, 0.82, 0.78, 0.84] };
    expect(changeSummary('rotated', base, now)).toBe('Accuracy on rotated digits: 10% → 80%; largest gain: 1s, 1% → 96%.');
  });

  it('asks for a reset after divergence, and passes other errors through', () => {
    expect(failureText({ name: 'TrainingDiverged', message: 'Training diverged at step 3.' }))
      .toEqual({ text: 'Training diverged at step 3. Press Reset to start again.', mustReset: true });
    expect(failureText({ name: 'Error', message: 'Choose at least one layer to adapt.' }).mustReset).toBe(false);
  });

  it('clamps bad links to valid settings with a note', () => {
    const { values, notes } = readState(trainSchema, new URLSearchParams('mt.rank=999&mt.lr=abc&mt.task=nope'), 'mt');
    expect(values.rank).toBe(64);
    expect(values.lr).toBe(0.001);
    expect(values.task).toBe('fours');
    expect(notes).toHaveLength(3);
  });
});
