// A context fake for job tests: a small base the test sets, and task data made from synthetic digits
// (cached per task and split). Jobs read resources through their context, so no module is mocked:
//   fake.base = Mlp.random([784, 16, 10], 1);
//   await jobs.train(params, new JobContext(onEvent, new Map(), fake));
import type { Mlp } from '../../src/engine/index';
import { taskDataFrom, type Resources } from '../../src/worker/resources';
import { syntheticDigits } from './helpers';

const digits: Resources['digits'] = async (split) => syntheticDigits(split === 'train' ? 200 : 100, split === 'train' ? 1 : 2);
const cachedTaskData = taskDataFrom(digits);

/** `taskDataError`: when set, taskData throws it (to test a job's clean-up when its data fails). */
export const fake: Resources & { base: Mlp; taskDataError: Error | null } = {
  base: null as unknown as Mlp,
  taskDataError: null,
  baseModel: async () => ({ model: fake.base, meta: {} as never }),
  digits,
  taskData: async (task, split) => {
    if (fake.taskDataError) throw fake.taskDataError;
    return cachedTaskData(task, split);
  },
};
