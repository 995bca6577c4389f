/**
 * Quantization data types: each is a sorted set of distinct levels in [−1, 1].
 * A value x in a block with absolute maximum m is stored as the index of the
 * level nearest to x/m, and restored as level·m (absmax scaling).
 */
import { normalQuantile } from './normal';

export interface QuantDataType {
  readonly name: string;
  /** Storage bits per code. */
  readonly bits: number;
  /** Distinct levels, ascending, within [−1, 1]. Codes index into this array. */
  readonly levels: Float32Array;
}

function dataType(name: string, bits: number, values: number[]): QuantDataType {
  const distinct = [...new Set(values.map((v) => (v === 0 ? 0 : v)))].sort((a, b) => a - b);
  if (distinct.length > 2 ** bits) throw new Error(`${name}: ${distinct.length} levels do not fit in ${bits} bits`);
  return Object.freeze({ name, bits, levels: Float32Array.from(distinct) });
}

/** torch.linspace(start, end, steps): the second half is computed from the end, as torch does. */
function linspace(start: number, end: number, steps: number): number[] {
  const step = (end - start) / (steps - 1);
  return Array.from({ length: steps }, (_, i) => (i < steps / 2 ? start + i * step : end - (steps - 1 - i) * step));
}

/**
 * NormalFloat levels, following bitsandbytes `create_normal_map(offset, use_extra_value)`:
 * with the extra value, 2^{k−1} positive quantiles Φ⁻¹(linspace(offset, ½, 2^{k−1}+1)[:−1]),
 * 2^{k−1}−1 negative ones −Φ⁻¹(linspace(offset, ½, 2^{k−1})[:−1]) and an exact 0, all
 * divided by the largest. The asymmetry is what lets 2^k codes contain an exact zero
 * (QLoRA §3). Quantiles stop at `offset` < 1 because Φ⁻¹(1) = ∞.
 * bitsandbytes evaluates in float32 (torch.linspace); we use float64 and round the result
 * to float32, which agrees with its published table to ~1e-7.
 */
export function normalFloatLevels(offset = 0.9677083, useExtraValue = true, bits = 4): Float32Array {
  const half = 2 ** (bits - 1);
  const positive = linspace(offset, 0.5, useExtraValue ? half + 1 : half).slice(0, -1).map(normalQuantile);
  const negative = linspace(offset, 0.5, half).slice(0, -1).map((p) => -normalQuantile(p));
  const values = [...positive, 0, ...negative].sort((a, b) => a - b);
  const max = values[values.length - 1];
  return Float32Array.from(new Set(values.map((v) => v / max)));
}

/** NF4: QLoRA's 4-bit NormalFloat (7 negative levels, 0, 8 positive levels). */
export const NF4: QuantDataType = Object.freeze({ name: 'NF4', bits: 4, levels: normalFloatLevels() });

/**
 * FP4 as OCP/IEEE-style E2M1 (1 sign, 2 exponent bits with bias 1, 1 mantissa bit, subnormals):
 * magnitudes {0, 0.5, 1, 1.5, 2, 3, 4, 6}, divided by 6 so absmax maps to ±1. ±0 share a
 * level, so 15 distinct levels. bitsandbytes' own "fp4" uses a different exponent bias,
 * magnitudes {0, 0.0625, 2, 3, 4, 6, 8, 12}/12; we show the standard E2M1 grid (the one
 * MX/NVFP4 formats use) because its values are the ones a reader can derive from the bits.
 */
export const FP4_E2M1: QuantDataType = (() => {
  const magnitudes: number[] = [];
  for (let exponent = 0; exponent < 4; exponent++) {
    for (let mantissa = 0; mantissa < 2; mantissa++) {
      // exponent 0 is subnormal: 0.m × 2^(1−bias); otherwise 1.m × 2^(e−bias), bias = 1.
      magnitudes.push(exponent === 0 ? mantissa / 2 : (1 + mantissa / 2) * 2 ** (exponent - 1));
    }
  }
  const max = Math.max(...magnitudes);
  return dataType('FP4 (E2M1)', 4, magnitudes.flatMap((m) => [m / max, -m / max]));
})();

/** Symmetric integer grid −q..q divided by q, q = 2^{bits−1} − 1. */
export function symmetricIntLevels(bits: number): Float32Array {
  const q = 2 ** (bits - 1) - 1;
  return Float32Array.from({ length: 2 * q + 1 }, (_, i) => (i - q) / q);
}

/**
 * INT4 absmax: levels −7..7 / 7 (as bitsandbytes' "int4" table). Absmax scaling maps the
 * block maximum to ±7 exactly, so the extra two's-complement code −8 would never be used;
 * dropping it keeps the grid symmetric with an exact zero (15 of 16 codes used).
 */
export const INT4: QuantDataType = dataType('INT4', 4, Array.from(symmetricIntLevels(4)));

/** INT8 absmax: levels −127..127 / 127. */
export const INT8: QuantDataType = dataType('INT8', 8, Array.from(symmetricIntLevels(8)));

/**
 * bitsandbytes' signed 8-bit "dynamic" map (`create_dynamic_map(signed=True)`, Dettmers 2015):
 * for decade i = 0..6, 2^i linearly spaced fraction midpoints in (0.1, 1) scaled by 10^{i−6},
 * both signs, plus 0 and 1. It spends levels on small magnitudes; bitsandbytes uses it for the
 * second-level quantization of the absmax constants (double quantization).
 */
export const DYNAMIC8: QuantDataType = (() => {
  const values: number[] = [0, 1];
  for (let i = 0; i < 7; i++) {
    const boundaries = linspace(0.1, 1, 2 ** i + 1);
    for (let j = 0; j < boundaries.length - 1; j++) {
      const mean = ((boundaries[j] + boundaries[j + 1]) / 2) * 10 ** (i - 6);
      values.push(mean, -mean);
    }
  }
  return dataType('dynamic 8-bit', 8, values);
})();

/** The data types the site quantizes with, by name (the QLoRA cells' choices). */
export const QUANT_FORMAT_IDS = ['NF4', 'FP4', 'INT4', 'INT8'] as const;
export type QuantFormat = (typeof QUANT_FORMAT_IDS)[number];
export const QUANT_FORMATS: Record<QuantFormat, QuantDataType> = { NF4, FP4: FP4_E2M1, INT4, INT8 };
