// The frozen quantized base behind /qlora/: decoding, orientation, storage, and QLoRA training on it.
import { beforeAll, describe, expect, it } from 'vitest';
import { LoraModel, Mlp, tf } from '../../src/engine/index';
import {
  INT4, INT8, NF4, blockErrorBound, dequantizeBlockwise, dequantizeConstants, doubleQuantize, quantizeBlockwise,
} from '../../src/core/quant/index';
import { QuantizedMlp, type QuantizeOptions } from '../../src/engine/quantizedBase';
import { disposeAll, expectTrainerLearnsWithoutLeaks, useWasm } from './helpers';

beforeAll(useWasm);

// Odd sizes on purpose: 51·33 = 1683 and 33·7 = 231 weights leave a partial last block and a padding nibble.
const SIZES = [51, 33, 7];

/** Our kernel is W₀ᵀ (k×d); the quant engine sees W₀ (d×k) flattened row by row, as bitsandbytes sees nn.Linear.weight. */
function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j];
  return out;
}

function kernelOf(q: QuantizedMlp, i: number): Float32Array {
  return tf.tidy(() => q.layerTensors(i).kernel.dataSync() as Float32Array);
}

describe('QuantizedMlp', () => {
  const cases: QuantizeOptions[] = [
    { format: 'NF4', blockSize: 64 },
    { format: 'INT4', blockSize: 16 },
    { format: 'INT8', blockSize: 64 },
    { format: 'FP4', blockSize: 'tensor' },
  ];
  for (const opts of cases) {
    it(`decodes ${opts.format}, block ${opts.blockSize}, to exactly the quant engine's dequantizeBlockwise (transposed)`, () => {
      const mlp = Mlp.random(SIZES, 3);
      const weights = mlp.readWeights();
      const q = QuantizedMlp.fromMlp(mlp, opts);
      weights.forEach((w, i) => {
        const w0 = transpose(w.kernel, w.dIn, w.dOut); // k×d → d×k
        const block = opts.blockSize === 'tensor' ? w0.length : opts.blockSize;
        const dtype = { NF4, INT4, INT8, FP4: q.layers[i].dtype }[opts.format]!;
        const expected = transpose(dequantizeBlockwise(quantizeBlockwise(w0, dtype, block)), w.dOut, w.dIn); // back to k×d
        const got = kernelOf(q, i);
        expect(got.length).toBe(w.kernel.length);
        expect(Array.from(got)).toEqual(Array.from(expected));
      });
      q.dispose();
      mlp.dispose();
    });
  }

  it('puts each weight where it came from: every decoded weight is within its block error bound of the original', () => {
    const mlp = Mlp.random(SIZES, 4);
    const w = mlp.readWeights()[0];
    const q = QuantizedMlp.fromMlp(mlp, { format: 'NF4', blockSize: 64 });
    const got = kernelOf(q, 0);
    const absmax = q.layers[0].absmax!;
    let worst = 0;
    for (let j = 0; j < w.dIn; j++) {
      for (let i = 0; i < w.dOut; i++) {
        const e = i * w.dIn + j; // position in W₀, which decides the block
        const err = Math.abs(got[j * w.dOut + i] - w.kernel[j * w.dOut + i]);
        expect(err).toBeLessThanOrEqual(blockErrorBound(NF4, absmax[Math.floor(e / 64)]) + 1e-7);
        worst = Math.max(worst, err);
      }
    }
    expect(worst).toBeGreaterThan(0); // it really is quantized
    q.dispose();
    mlp.dispose();
  });

  it('with double quantization decodes with the constants recovered from the 8-bit second level', () => {
    const mlp = Mlp.random(SIZES, 5);
    const w = mlp.readWeights()[0];
    const q = QuantizedMlp.fromMlp(mlp, { format: 'NF4', blockSize: 16, doubleQuant: true });
    expect(q.layers[0].absmax).toBeNull();
    const w0 = transpose(w.kernel, w.dIn, w.dOut);
    const first = quantizeBlockwise(w0, NF4, 16);
    const expected = transpose(dequantizeBlockwise(first, dequantizeConstants(doubleQuantize(first.absmax))), w.dOut, w.dIn);
    const got = kernelOf(q, 0);
    let diff = 0;
    for (let i = 0; i < got.length; i++) diff = Math.max(diff, Math.abs(got[i] - expected[i]));
    expect(diff).toBeLessThan(1e-7);
    q.dispose();
    mlp.dispose();
  });

  it('stores 4-bit codes two per byte plus the constants, and counts them exactly', () => {
    const mlp = Mlp.random(SIZES, 6);
    const plain = QuantizedMlp.fromMlp(mlp, { format: 'NF4', blockSize: 64 });
    const dq = QuantizedMlp.fromMlp(mlp, { format: 'NF4', blockSize: 64, doubleQuant: true });
    const int8 = QuantizedMlp.fromMlp(mlp, { format: 'INT8', blockSize: 64 });
    // Layer 1: 1683 weights → 842 bytes of codes; 27 blocks → 108 bytes of fp32 absmax,
    // or 27 one-byte codes + 1 fp32 second-level constant + the fp32 mean with double quantization.
    expect(plain.storage().perLayer[0].bytes).toBe(842 + 108);
    expect(dq.storage().perLayer[0].bytes).toBe(842 + 27 + 4 + 4);
    expect(int8.storage().perLayer[0].bytes).toBe(1683 + 108);
    for (const q of [plain, dq, int8]) {
      const s = q.storage();
      for (const l of s.perLayer) expect(l.bytes).toBe(l.breakdown.totalBytes);
      expect(s.biasBytes).toBe(4 * (33 + 7));
      expect(s.fp32Bytes).toBe(4 * (51 * 33 + 33 + 33 * 7 + 7));
      q.dispose();
    }
    mlp.dispose();
  });

  it('keeps its own fingerprint and the fp32 biases', () => {
    const mlp = Mlp.random(SIZES, 7);
    const q = QuantizedMlp.fromMlp(mlp, { format: 'NF4', blockSize: 64, doubleQuant: true });
    expect(q.fingerprint).toBe(`${mlp.fingerprint}:NF4:b64:dq`);
    expect(QuantizedMlp.fromMlp(mlp, { format: 'INT4', blockSize: 'tensor' }).fingerprint).toBe(`${mlp.fingerprint}:INT4:tensor`);
    const bias = tf.tidy(() => q.layerTensors(1).bias.dataSync());
    expect(Array.from(bias)).toEqual(Array.from(mlp.readWeights()[1].bias));
    q.dispose();
    mlp.dispose();
  });

  it('rejects a block size that is not a positive integer', () => {
    const mlp = Mlp.random(SIZES, 8);
    expect(() => QuantizedMlp.fromMlp(mlp, { format: 'NF4', blockSize: 0 })).toThrow(/block size/);
    expect(() => QuantizedMlp.fromMlp(mlp, { format: 'NF4', blockSize: 2.5 })).toThrow(/block size/);
    mlp.dispose();
  });
});

describe('QLoRA on the quantized base', () => {
  it('with B = 0 adapters computes exactly what the quantized base computes alone', () => {
    const mlp = Mlp.random(SIZES, 9);
    const q = QuantizedMlp.fromMlp(mlp, { format: 'NF4', blockSize: 64, doubleQuant: true });
    const x = tf.randomUniform([5, 51], 0, 1, 'float32', 1) as tf.Tensor2D;
    const plain = tf.tidy(() => new LoraModel(q).forward(x).dataSync());
    const adapted = LoraModel.withAdapters(q, [0, 1, 2].slice(0, 2), { rank: 3, alpha: 6 }, 1);
    const withAdapters = tf.tidy(() => adapted.forward(x).dataSync());
    expect(Array.from(withAdapters)).toEqual(Array.from(plain));
    // …and not what the fp32 base computes.
    const fp32 = tf.tidy(() => new LoraModel(mlp).forward(x).dataSync());
    expect(Array.from(fp32)).not.toEqual(Array.from(plain));
    adapted.disposeAdapters();
    disposeAll(x, q, mlp);
  });

  it('trains only A and B, leaves the stored base untouched, learns, and keeps the tensor count flat', async () => {
    const mlp = Mlp.random([784, 48, 10], 2);
    const q = QuantizedMlp.fromMlp(mlp, { format: 'NF4', blockSize: 64, doubleQuant: true });
    const packed = q.layers.map((l) => Uint8Array.from(l.packed));
    const dqCodes = q.layers.map((l) => Uint8Array.from(l.dq!.quantized.codes));
    const biases = [0, 1].map((i) => tf.tidy(() => Array.from(q.layerTensors(i).bias.dataSync())));
    const model = LoraModel.withAdapters(q, [0, 1], { rank: 4, alpha: 8 }, 3);
    const before = model.variables().map((v) => Array.from(v.dataSync()));
    await expectTrainerLearnsWithoutLeaks(model, 1);
    model.variables().forEach((v, i) => expect(Array.from(v.dataSync())).not.toEqual(before[i]));
    q.layers.forEach((l, i) => {
      expect(Array.from(l.packed)).toEqual(Array.from(packed[i]));
      expect(Array.from(l.dq!.quantized.codes)).toEqual(Array.from(dqCodes[i]));
      expect(Array.from(tf.tidy(() => q.layerTensors(i).bias.dataSync()))).toEqual(biases[i]);
    });
    model.disposeAdapters();
    q.dispose();
    mlp.dispose();
  });
});
