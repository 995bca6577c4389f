// Stands in for src/worker/resources in job tests: a small base the test sets,
// and task data made from synthetic digits (cached per task and split).
//   vi.mock('../../src/worker/resources', () => import('./fake-resources'));
//   fake.base = Mlp.random([784, 16, 10], 1);
import { DigitTensors, TASKS, type TaskId } from '../../src/engine/index';
import { syntheticDigits } from './helpers';

/** `taskDataError`: when set, taskData throws it (to test a job's clean-up when its data fails). */
export const fake = { base: null as unknown, taskDataError: null as Error | null };
const cache = new Map<string, DigitTensors>();

export async function baseModel() {
  return { model: fake.base, meta: {} };
}

export async function taskData(task: TaskId | 'original', split: 'train' | 'test'): Promise<DigitTensors> {
  if (fake.taskDataError) throw fake.taskDataError;
  const key = `${task}:${split}`;
  if (!cache.has(key)) {
    const pool = syntheticDigits(split === 'train' ? 200 : 100, split === 'train' ? 1 : 2);
    cache.set(key, new DigitTensors(task === 'original' ? pool : split === 'train' ? TASKS[task].train(pool) : TASKS[task].test(pool)));
  }
  return cache.get(key)!;
}
