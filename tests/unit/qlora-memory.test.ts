// The QLoRA cell's memory table, checked against sums done by hand for the site's 784→1000→2000→10 MLP.
import { beforeAll, describe, expect, it } from 'vitest';
import { Mlp } from '../../src/engine/index';
import { QuantizedMlp } from '../../src/engine/quantizedBase';
import { loraParams, qloraMemory, quantizedWeightBytes } from '../../src/core/quant/memory';
import { useWasm } from './helpers';

beforeAll(useWasm);

const SIZES = [784, 1000, 2000, 10];
// NF4, blocks of 64, double quantization, per layer: codes n/2 bytes; one 8-bit code per block;
// one fp32 constant per 256 blocks; one fp32 mean.
//   784·1000 = 784,000:  392,000 + 12,250 + 48·4 + 4   =   404,446
//   1000·2000 = 2,000,000: 1,000,000 + 31,250 + 123·4 + 4 = 1,031,746
//   2000·10 = 20,000:    10,000 + 313 + 2·4 + 4         =    10,325
const NF4_DQ_BYTES = 404_446 + 1_031_746 + 10_325;
// Without double quantization: n/2 + 4 bytes per block of 64 (the last block of layer 3 is partial).
const NF4_BYTES = (392_000 + 4 * 12_250) + (1_000_000 + 4 * 31_250) + (10_000 + 4 * 313);

describe('QLoRA memory accounting', () => {
  it('counts the stored 4-bit weights exactly', () => {
    expect(quantizedWeightBytes(SIZES, { bits: 4, blockSize: 64, doubleQuant: true })).toBe(NF4_DQ_BYTES);
    expect(quantizedWeightBytes(SIZES, { bits: 4, blockSize: 64, doubleQuant: false })).toBe(NF4_BYTES);
    // One block per matrix: codes plus one fp32 constant each.
    expect(quantizedWeightBytes(SIZES, { bits: 4, blockSize: 'tensor', doubleQuant: false })).toBe(392_000 + 1_000_000 + 10_000 + 3 * 4);
  });

  it('adds fp32 adapters, their gradients and two Adam moments, against 16 bytes per parameter for full fine-tuning', () => {
    const m = qloraMemory(SIZES, [0, 1, 2], 8, { bits: 4, blockSize: 64, doubleQuant: true });
    expect(loraParams(SIZES, [0, 1, 2], 8)).toBe(8 * (1784 + 3000 + 2010));
    expect(m.adapterParams).toBe(54_352);
    expect(m.baseBiases).toBe(4 * 3010);
    expect(m.qloraTotal).toBe(NF4_DQ_BYTES + 4 * 3010 + 16 * 54_352);
    expect(m.fullParams).toBe(2_807_010);
    expect(m.fullTotal).toBe(16 * 2_807_010);
  });

  it('agrees with the bytes a QuantizedMlp of the same shape actually holds', () => {
    const mlp = Mlp.random(SIZES, 1);
    const q = QuantizedMlp.fromMlp(mlp, { format: 'NF4', blockSize: 64, doubleQuant: true });
    expect(q.storage().weightBytes).toBe(NF4_DQ_BYTES);
    expect(q.storage().biasBytes).toBe(4 * 3010);
    q.dispose();
    mlp.dispose();
  });
});
