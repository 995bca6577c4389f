/**
 * Quantization engine for the QLoRA / QA-LoRA chapters. Pure typed-array math: no DOM, no tfjs,
 * so it runs the same in Node, a Web Worker and the page.
 *
 * Data types (dtypes):     NF4, FP4_E2M1, INT4, INT8, DYNAMIC8 — sorted levels in [−1, 1];
 *                          normalFloatLevels() builds NF4 from normalQuantile() (normal).
 * Block-wise absmax:       quantizeBlockwise(x, dtype, blockSize = 64) → { codes, absmax },
 *                          dequantizeBlockwise(q, absmax?); packNibbles / unpackNibbles (pack).
 * Asymmetric INT4:         quantizeBlockwiseMinMax(x, blockSize, bits) → { codes, scale, zeroPoint } (minmax).
 * Double quantization:     doubleQuantize(absmax, 256) / dequantizeConstants(dq);
 *                          storageBreakdown(n, options), constantBitsPerParameter(options).
 * Errors:                  meanSquaredError, maxAbsError, relativeFrobeniusError, errorReport,
 *                          maxRoundingError(dtype), blockErrorBound(dtype, absmax).
 * QA-LoRA:                 quantizeGroupwise, dequantizeGroupwise, poolGroups, qaLoraForward,
 *                          mergeQaLora, checkOnGrid, pooledAdapterWeight, mergeLoraAndRequantize.
 * Synthetic data:          seededNormalArray(n, seed).
 */
export { normalQuantile } from './normal';
export { NF4, FP4_E2M1, INT4, INT8, DYNAMIC8, normalFloatLevels, symmetricIntLevels, QUANT_FORMATS, QUANT_FORMAT_IDS, type QuantDataType, type QuantFormat } from './dtypes';
export {
  quantizeBlockwise,
  dequantizeBlockwise,
  levelMidpoints,
  nearestLevelIndex,
  assertFinite,
  blockCount,
  type BlockwiseQuantized,
} from './blockwise';
export { packNibbles, unpackNibbles } from './pack';
export { quantizeBlockwiseMinMax, dequantizeBlockwiseMinMax, type MinMaxQuantized } from './minmax';
export {
  doubleQuantize,
  dequantizeConstants,
  storageBreakdown,
  constantBitsPerParameter,
  type DoubleQuantizedConstants,
  type StorageOptions,
  type StorageBreakdown,
} from './doubleQuant';
export {
  meanSquaredError,
  maxAbsError,
  relativeFrobeniusError,
  errorReport,
  maxRoundingError,
  blockErrorBound,
  type ErrorReport,
} from './errors';
export {
  matrix,
  matMul,
  matVec,
  groupCount,
  quantizeGroupwise,
  dequantizeGroupwise,
  poolGroups,
  qaLoraForward,
  mergeQaLora,
  checkOnGrid,
  pooledAdapterWeight,
  mergeLoraAndRequantize,
  type Matrix,
  type GroupPooling,
  type GroupwiseQuantized,
  type GridCheck,
  type RequantizedMerge,
} from './qalora';
export { seededNormalArray } from './seededNormal';
