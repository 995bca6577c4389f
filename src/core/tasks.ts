/**
 * The downstream tasks the site fine-tunes on, and the evaluation they are
 * scored from. Plain data and byte transforms (no tfjs), so a cell can list the
 * tasks and name them without loading the engine.
 */
import { rotate90, invert, selectDigits, type Digits } from './digits';

export interface Evaluation {
  n: number;
  accuracy: number; // 0..1
  perDigit: number[]; // accuracy for each true label (NaN-free: 0 if a label is absent)
  counts: number[]; // examples per true label
}

/** The tasks, in the order the cells list them. */
export const TASK_IDS = ['fours', 'rotated', 'inverted'] as const;
export type TaskId = (typeof TASK_IDS)[number];

export interface Task {
  id: TaskId;
  title: string;
  /** How far from pretraining: 'close' tasks need little rank, 'far' ones more. */
  distance: 'close' | 'far';
  description: string;
  /** Training examples for the task, made from a pool of ordinary digits. */
  train(pool: Digits): Digits;
  /** Test examples for the task, made from ordinary test digits. */
  test(pool: Digits): Digits;
  /** The accuracy that measures the task, from an evaluation on test(). */
  score(e: Evaluation): number;
}

const filterLabel = (d: Digits, label: number) =>
  selectDigits(d, Array.from(d.labels.keys()).filter((i) => d.labels[i] === label));

export const TASKS: Record<TaskId, Task> = {
  // The PyTorch tutorial this network comes from fine-tunes on its weakest digit, 9. Our
  // pretrained base's weakest digit is 4 (see src/generated/base-model.json; a test checks it).
  fours: {
    id: 'fours',
    title: 'Fix the 4s',
    distance: 'close',
    description: 'Fine-tune on 4s only, the base model’s weakest digit; watch what happens to the other digits.',
    train: (d) => filterLabel(d, 4),
    test: (d) => d,
    score: (e) => e.perDigit[4],
  },
  rotated: {
    id: 'rotated',
    title: 'Rotated digits',
    distance: 'far',
    description: 'Every digit turned a quarter turn clockwise: the same labels, pixels the base has never seen there.',
    train: rotate90,
    test: rotate90,
    score: (e) => e.accuracy,
  },
  inverted: {
    id: 'inverted',
    title: 'Inverted digits',
    distance: 'far',
    description: 'White digits become black on white: every pixel flipped, 255 − p.',
    train: invert,
    test: invert,
    score: (e) => e.accuracy,
  },
};


/** How the cells name each task in prose and charts. */
export const TASK_LABEL = Object.fromEntries(TASK_IDS.map((id) => [id, TASKS[id].title])) as Record<TaskId, string>;

/**
 * Adam learning rate per task, as the /which-rank/, /merge-and-switch/ and /qlora/ cells train. The
 * close task ("fix the 4s") trains on 4s only: at 3·10⁻⁴ the network learns to call nearly everything
 * a 4 within 200 steps, so it gets a gentle rate; the far tasks need a larger one.
 */
export const LEARNING_RATE: Record<TaskId, number> = { fours: 1e-4, rotated: 2e-3, inverted: 2e-3 };

/** LoRA's α, held fixed while r varies, as in the LoRA paper (scale α/r). */
export const ALPHA = 8;
