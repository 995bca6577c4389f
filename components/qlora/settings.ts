// Settings shared by the /qlora/ and /qa-lora/ cells and their worker jobs (plain data, no tfjs).
import type { TaskId } from '../../src/engine/data';

export const TASK_OPTIONS = ['fours', 'rotated', 'inverted'] as const satisfies readonly TaskId[];

/** The data types the histogram and accuracy cells offer (names as in src/engine/quantizedBase). */
export const FORMAT_OPTIONS = ['NF4', 'FP4', 'INT4', 'INT8'] as const;
export type FormatOption = (typeof FORMAT_OPTIONS)[number];

/** Block sizes: powers of two from 16 to 4096, or one block for the whole matrix. */
export const BLOCK_OPTIONS = ['16', '32', '64', '128', '256', '512', '1024', '2048', '4096', 'tensor'] as const;
export type BlockOption = (typeof BLOCK_OPTIONS)[number];
export const blockValue = (b: BlockOption): number | 'tensor' => (b === 'tensor' ? 'tensor' : Number(b));

/** The accuracy table's columns. */
export const SWEEP_BLOCKS = ['64', '256', '1024', '4096', 'tensor'] as const satisfies readonly BlockOption[];

/**
 * Adam learning rates per task (as the /which-rank/ cells use): "fix the 4s" trains on 4s
 * only and at a larger rate soon calls every digit a 4, so it gets a gentle one.
 */
export const LEARNING_RATE: Record<TaskId, number> = { fours: 1e-4, rotated: 2e-3, inverted: 2e-3 };

/** α is held fixed while the rank varies (scale α/r), as in the LoRA paper. */
export const ALPHA = 8;

/** QLoRA's base: NF4, blocks of 64, double quantization (Dettmers et al. 2023). */
export const QLORA_BASE = { format: 'NF4', blockSize: 64, doubleQuant: true } as const;

/** QA-LoRA group-size targets; each layer uses the largest divisor of its input size not above it. */
export const GROUP_TARGETS = ['8', '16', '32', '64', '128'] as const;
export const BITS_OPTIONS = ['4', '3', '2'] as const;
