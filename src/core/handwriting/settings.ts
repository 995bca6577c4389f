/**
 * How the personal adapter of /your-handwriting/ is trained: shared by the
 * worker job (which enforces it) and the chapter (which states it).
 */
/** LoRA on every layer of the 784→1000→2000→10 base (0-based layer indices). */
export const LAYERS = [0, 1, 2];
/** α as elsewhere on the site (components/which-rank/settings.ts). */
export const ALPHA = 8;
/** Adam's learning rate: the site's rate for the far tasks (rotated, inverted digits). */
export const LEARNING_RATE = 2e-3;
/** Jittered copies per drawing (the first is the drawing itself). */
export const COPIES = 16;
export const RANKS = [1, 2, 4, 8, 16];
export const MAX_STEPS = 1000;
