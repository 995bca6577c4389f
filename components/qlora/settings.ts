// Settings of the /qlora/ and /qa-lora/ cells (plain data, no tfjs). What the worker's jobs also use is
// defined in src/core (tasks, learning rates, α, data types) and src/api/qlora.ts (QLoRA's base), and
// re-exported here.
export { ALPHA, LEARNING_RATE, TASK_IDS as TASK_OPTIONS } from '../../src/core/tasks';
export { QLORA_BASE } from '../../src/api/qlora';
import { QUANT_FORMAT_IDS } from '../../src/core/quant/dtypes';

/** The data types the histogram and accuracy cells offer (src/core/quant/dtypes.ts). */
export const FORMAT_OPTIONS = QUANT_FORMAT_IDS;
export type FormatOption = (typeof FORMAT_OPTIONS)[number];

/** Block sizes: powers of two from 16 to 4096, or one block for the whole matrix. */
export const BLOCK_OPTIONS = ['16', '32', '64', '128', '256', '512', '1024', '2048', '4096', 'tensor'] as const;
export type BlockOption = (typeof BLOCK_OPTIONS)[number];
export const blockValue = (b: BlockOption): number | 'tensor' => (b === 'tensor' ? 'tensor' : Number(b));

/** The accuracy table's columns. */
export const SWEEP_BLOCKS = ['64', '256', '1024', '4096', 'tensor'] as const satisfies readonly BlockOption[];

/** QA-LoRA group-size targets; each layer uses the largest divisor of its input size not above it. */
export const GROUP_TARGETS = ['8', '16', '32', '64', '128'] as const;
export const BITS_OPTIONS = ['4', '3', '2'] as const;
