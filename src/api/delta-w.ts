/**
 * The contract of the `delta-w.*` jobs (/delta-w/): what ΔW = s·B·A of the session's `lora.train`
 * run looks like, and what merging it costs.
 */
export interface HeatmapData {
  /** Which rows (outputs, of d) and columns (inputs, of k) are shown, in the paper's orientation. */
  rows: number[];
  cols: number[];
  /** W₀ and ΔW at those rows and columns, row-major (rows.length × cols.length). */
  w0: Float32Array;
  dw: Float32Array;
}

export interface DeltaAnalysis {
  step: number;
  layer: number;
  d: number;
  k: number;
  rank: number;
  scale: number;
  /** Singular values of ΔW (r of them), from the r×r core of the factors. */
  sigma: number[];
  tolerance: number;
  numericalRank: number;
  /** ‖ΔW‖_F from the formed matrix, and √Σσ² from the core: the two should agree. */
  frobenius: number;
  frobeniusFromSigma: number;
  w0Frobenius: number;
  heat: HeatmapData;
}

export interface AnalyseParams { session: string; layer: number; rank: number }
export interface MergeParams { session: string; batch: number; samples: number }
/** Merged against unmerged on a batch of test digits: the largest logit difference and the median time of a pass each way. */
export interface MergeResult {
  batch: number; samples: number; maxAbsDiff: number; maxAbs: number; unmergedMs: number; mergedMs: number;
  /** The middle half [q1, q3] of each set of timings: two medians mean little without their spread. */
  unmergedQuartiles: [number, number]; mergedQuartiles: [number, number]; backend: string;
}
