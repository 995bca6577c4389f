/**
 * What jobs share inside one worker, loaded once and only when first needed:
 * the base model and the digit subsets, all served by the site itself.
 */
import { DigitTensors, TASKS, loadBaseModel, unpackDigits, type BaseModelMeta, type Digits, type Mlp, type TaskId } from '../engine/index';

let siteBase = '/';
export function setSiteBase(base: string): void {
  siteBase = base.endsWith('/') ? base : `${base}/`;
}

async function fetchBytes(path: string): Promise<Uint8Array> {
  const res = await fetch(`${siteBase}${path}`);
  if (!res.ok) throw new Error(`Could not load ${path} (HTTP ${res.status}).`);
  return new Uint8Array(await res.arrayBuffer());
}

const once = <T>(f: () => Promise<T>) => {
  let p: Promise<T> | null = null;
  return () => (p ??= f().catch((e) => ((p = null), Promise.reject(e))));
};

export const baseModel: () => Promise<{ model: Mlp; meta: BaseModelMeta }> = once(async () => loadBaseModel(await fetchBytes('models/base-mlp.bin')));
export const baseModelBytes = once(() => fetchBytes('models/base-mlp.bin'));
const trainDigits = once(async () => unpackDigits(await fetchBytes('data/mnist-train.bin')));
const testDigits = once(async () => unpackDigits(await fetchBytes('data/mnist-test.bin')));

export function digits(split: 'train' | 'test'): Promise<Digits> {
  return split === 'train' ? trainDigits() : testDigits();
}

const taskCache = new Map<string, Promise<DigitTensors>>();
/** A task's examples on the current backend ('original' = plain digits, the pretraining task). */
export function taskData(task: TaskId | 'original', split: 'train' | 'test'): Promise<DigitTensors> {
  const key = `${task}:${split}`;
  let p = taskCache.get(key);
  if (!p) {
    p = digits(split).then((d) => new DigitTensors(task === 'original' ? d : split === 'train' ? TASKS[task].train(d) : TASKS[task].test(d)));
    taskCache.set(key, p);
  }
  return p;
}

// The /attention/ chapter: the tiny character GPT's base and its words (scripts/pretrain-gpt.ts, prepare-words.ts).
export const gptBase = once(async () => (await import('../engine/gptFile')).loadGpt(await fetchBytes('models/base-gpt.bin')));
export const wordsFile = once(async () => JSON.parse(new TextDecoder().decode(await fetchBytes('data/words.json'))) as import('../engine/gptShapes').WordsFile);
