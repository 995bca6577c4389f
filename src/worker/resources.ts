/**
 * What jobs share inside one worker: the base model and the digit subsets, and /attention/'s GPT and
 * words. A job reads them through its context (`ctx.resources`), never as module globals, so a test hands a job a small base and
 * synthetic digits (tests/unit/fake-resources.ts) without mocking any module. The worker's own
 * resources (siteResources) load each file once, from the site itself, only when first needed.
 */
import { DigitTensors, TASKS, loadBaseModel, unpackDigits, type BaseModelMeta, type Digits, type Mlp, type TaskId } from '../engine/index';
import type { Gpt } from '../engine/gpt';
import type { GptMeta, WordsFile } from '../core/gpt';

export interface Resources {
  /** The pretrained base every chapter adapts (frozen: jobs only read it, or clone it). */
  baseModel(): Promise<{ model: Mlp; meta: BaseModelMeta }>;
  /** The plain digits of a split. */
  digits(split: 'train' | 'test'): Promise<Digits>;
  /** A task's examples on the current backend ('original' = plain digits, the pretraining task). */
  taskData(task: TaskId | 'original', split: 'train' | 'test'): Promise<DigitTensors>;
  /** The /attention/ chapter's tiny character GPT, pretrained on English words (frozen, like baseModel). */
  gptBase(): Promise<{ model: Gpt; meta: GptMeta }>;
  /** The /attention/ chapter's words: held-out English words and each country's place names, split. */
  words(): Promise<WordsFile>;
}

const once = <T>(f: () => Promise<T>) => {
  let p: Promise<T> | null = null;
  return () => (p ??= f().catch((e) => ((p = null), Promise.reject(e))));
};

/** Task data made from a source of plain digits, cached per task and split. */
export function taskDataFrom(digits: Resources['digits']): Resources['taskData'] {
  const cache = new Map<string, Promise<DigitTensors>>();
  return (task, split) => {
    const key = `${task}:${split}`;
    let p = cache.get(key);
    if (!p) {
      p = digits(split).then((d) => new DigitTensors(task === 'original' ? d : split === 'train' ? TASKS[task].train(d) : TASKS[task].test(d)));
      cache.set(key, p);
    }
    return p;
  };
}

/** The worker's resources: files served by the site under `base` (its base URL). */
export function siteResources(base: string): Resources {
  const root = base.endsWith('/') ? base : `${base}/`;
  const fetchBytes = async (path: string): Promise<Uint8Array> => {
    const res = await fetch(`${root}${path}`);
    if (!res.ok) throw new Error(`Could not load ${path} (HTTP ${res.status}).`);
    return new Uint8Array(await res.arrayBuffer());
  };
  const trainDigits = once(async () => unpackDigits(await fetchBytes('data/mnist-train.bin')));
  const testDigits = once(async () => unpackDigits(await fetchBytes('data/mnist-test.bin')));
  const digits = (split: 'train' | 'test') => (split === 'train' ? trainDigits() : testDigits());
  return {
    baseModel: once(async () => loadBaseModel(await fetchBytes('models/base-mlp.bin'))),
    digits,
    taskData: taskDataFrom(digits),
    // The GPT's engine code loads only with the first /attention/ job, not with every worker.
    gptBase: once(async () => (await import('../engine/gptFile')).loadGpt(await fetchBytes('models/base-gpt.bin'))),
    words: once(async () => JSON.parse(new TextDecoder().decode(await fetchBytes('data/words.json'))) as WordsFile),
  };
}

const memos = new WeakMap<Resources, Map<string, Promise<unknown>>>();
/**
 * A value a job derives from the resources and keeps for the worker's lifetime (the NF4 base, the
 * base's score on a task, a weight matrix's spectrum), computed once per set of resources; a failure
 * is not kept, so the next call tries again.
 */
export function memo<T>(res: Resources, key: string, f: () => Promise<T>): Promise<T> {
  let m = memos.get(res);
  if (!m) memos.set(res, (m = new Map()));
  let p = m.get(key) as Promise<T> | undefined;
  if (!p) {
    p = f();
    m.set(key, p);
    p.catch(() => m!.delete(key));
  }
  return p;
}
