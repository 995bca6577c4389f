// A context fake for job tests: a small base the test sets, and task data made from synthetic digits
// (cached per task and split). Jobs read resources through their context, so no module is mocked:
//   fake.base = Mlp.random([784, 16, 10], 1);
//   await jobs.train(params, new JobContext(onEvent, new Map(), fake));
// For /attention/: fake.gpt = Gpt.random(undefined, 3), and fake.wordsData (a few place names) or your own.
import type { Mlp } from '../../src/engine/index';
import type { Gpt } from '../../src/engine/gpt';
import type { WordsFile } from '../../src/core/gpt';
import { taskDataFrom, type Resources } from '../../src/worker/resources';
import { syntheticDigits } from './helpers';

const digits: Resources['digits'] = async (split) => syntheticDigits(split === 'train' ? 200 : 100, split === 'train' ? 1 : 2);
const cachedTaskData = taskDataFrom(digits);

/** A words file with a handful of Polish names in place of the site's public/data/words.json. */
const smallWords: WordsFile = {
  vocab: '.abcdefghijklmnopqrstuvwxyz', context: 16, seed: 0, heldOutPercent: 20, source: 'test',
  english: ['house', 'garden'],
  countries: [{
    code: 'PL', name: 'Poland', examples: [], total: 12, leftOut: 0,
    train: ['zgierz', 'szczecin', 'lodz', 'gdansk', 'torun', 'radom', 'kielce', 'opole', 'rzeszow', 'przemysl'],
    test: ['sopot', 'gniezno'],
  }],
};

/** `taskDataError`: when set, taskData throws it (to test a job's clean-up when its data fails). */
export const fake: Resources & { base: Mlp; gpt: Gpt; wordsData: WordsFile; taskDataError: Error | null } = {
  base: null as unknown as Mlp,
  gpt: null as unknown as Gpt,
  wordsData: smallWords,
  taskDataError: null,
  baseModel: async () => ({ model: fake.base, meta: {} as never }),
  digits,
  taskData: async (task, split) => {
    if (fake.taskDataError) throw fake.taskDataError;
    return cachedTaskData(task, split);
  },
  gptBase: async () => ({ model: fake.gpt, meta: {} as never }),
  words: async () => fake.wordsData,
};
