/**
 * The contract of the `spectrum.*` jobs (/rank/): singular values of a base weight matrix and of
 * one test digit.
 */
export interface WeightSpectrum {
  layer: number; // 0-based
  /** The paper's shape: W₀ ∈ R^{d×k}. */
  d: number;
  k: number;
  sigma: Float64Array;
  gramMs: number;
  eigenMs: number;
}

export interface DigitSpectrum {
  index: number;
  label: number;
  /** 28×28 pixels in [0, 1], row-major. */
  image: Float64Array;
  sigma: Float64Array;
  /** Right singular vectors (28×28, columns). */
  v: Float64Array;
}

export interface WeightsParams { layer: number }
export interface DigitParams { index: number }
