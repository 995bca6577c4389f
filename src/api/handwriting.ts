/**
 * The contract of the `handwriting.*` jobs (/your-handwriting/): the base's reading of one drawing,
 * sample digits, a personal adapter trained on the reader's drawings, its scores, and adapters as
 * files. The settings the cells and the jobs share live in src/core/handwriting/settings.ts.
 */

/** Drawings (or digits) as 28×28 bytes, 784 per image, with their labels. */
export interface ImageSet { images: Uint8Array; labels: Uint8Array }

/** 'base', 'mine' (the adapter trained here) or the id of a loaded file. */
export type AdapterRef = string;

export interface Score { correct: number; n: number }

export interface AdapterSummary { id: string; name: string; rank: number; params: number; fileBytes: number }

export interface PredictParams { session: string; pixels: Uint8Array; adapter: AdapterRef }
export interface PredictResult { probs: number[] }

export interface SampleParams { index: number }
/** A digit of the site's MNIST training subset: its pixels, label, and where it is among `of`. */
export interface SampleResult { pixels: Uint8Array; label: number; index: number; of: number }

export interface HwTrainParams {
  session: string;
  train: ImageSet;
  heldOut: ImageSet;
  rank: number;
  steps: number;
  seed: number;
}

export type HwTrainEvent = { kind: 'step'; step: number; steps: number; loss: number } | { kind: 'scoring' };

export interface HwTrainResult {
  steps: number;
  rank: number;
  params: number;
  /** Examples trained on: drawings × COPIES. */
  examples: number;
  heldOut: { base: Score; adapter: Score };
  mnist: { base: Score; adapter: Score };
  fileBytes: number;
}

export interface TableParams { session: string; adapters: AdapterRef[]; sets: ImageSet[] }
/** Per adapter: its score on each set of drawings, and on the MNIST test digits. */
export interface TableResult { rows: { adapter: AdapterRef; sets: Score[]; mnist: Score }[] }

export interface SaveParams { session: string }
export interface SaveResult { bytes: Uint8Array; rank: number }

export interface LoadParams { session: string; bytes: Uint8Array; name: string }

export interface UnloadParams { session: string; id: AdapterRef }
export interface UnloadResult { numTensors: number }
