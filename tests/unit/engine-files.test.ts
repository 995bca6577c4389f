import { beforeAll, describe, expect, it } from 'vitest';
import {
  AdapterFileError, LoraModel, Mlp, fromFloat16, loadBaseModel, packBaseModel, parseAdapters, serializeAdapters, tf, toFloat16,
} from '../../src/engine/index';
import { useWasm } from './helpers';

beforeAll(useWasm);

describe('fp16', () => {
  it('encodes values with the IEEE half-precision bit patterns', () => {
    const bits = toFloat16(new Float32Array([1, -2, 0.5, 65504, 1e6, 2 ** -24, 0, -0]));
    expect(Array.from(bits)).toEqual([0x3c00, 0xc000, 0x3800, 0x7bff, 0x7c00, 0x0001, 0x0000, 0x8000]);
    expect(Array.from(fromFloat16(bits))).toEqual([1, -2, 0.5, 65504, Infinity, 2 ** -24, 0, -0]);
  });

  it('rounds to within half a unit in the last place', () => {
    const xs = new Float32Array(1000).map((_, i) => Math.sin(i) * 3);
    const back = fromFloat16(toFloat16(xs));
    xs.forEach((x, i) => expect(Math.abs(back[i] - x)).toBeLessThanOrEqual(Math.abs(x) * 2 ** -11 + 1e-12));
  });
});

describe('files', () => {
  function trainedLike(base: Mlp) {
    const model = LoraModel.withAdapters(base, [0, 2], { rank: 3, alpha: 6, scaling: 'alpha/sqrt(r)' }, 4);
    // Give B some values, as training would.
    for (const a of model.adapters) if (a) a.Bt.assign(tf.randomNormal(a.Bt.shape, 0, 0.1, 'float32', 1));
    return model;
  }

  it('round-trips an adapter file', async () => {
    const base = Mlp.random([20, 8, 6, 4], 2);
    const model = trainedLike(base);
    const bytes = await serializeAdapters(base, model.adapters, { task: 'rotated' });
    const { adapters, info } = parseAdapters(bytes, base);
    expect(info).toEqual({ task: 'rotated' });
    expect(adapters[1]).toBeNull();
    for (const l of [0, 2]) {
      const a = adapters[l]!;
      const b = model.adapters[l]!;
      expect([a.rank, a.alpha, a.scaling]).toEqual([3, 6, 'alpha/sqrt(r)']);
      expect(Array.from(a.At.dataSync())).toEqual(Array.from(b.At.dataSync()));
      expect(Array.from(a.Bt.dataSync())).toEqual(Array.from(b.Bt.dataSync()));
    }
    // Small: r(d+k) floats per adapter plus a short header.
    expect(bytes.length).toBeLessThan(4 * (3 * (20 + 8) + 3 * (6 + 4)) + 600);
    adapters.forEach((a) => a?.dispose());
    model.disposeAdapters();
    base.dispose();
  });

  it('refuses files for another base, damaged files and foreign files, with a reason', async () => {
    const base = Mlp.random([20, 8, 6, 4], 2);
    const other = Mlp.random([20, 8, 6, 4], 3);
    const wider = Mlp.random([20, 9, 6, 4], 2);
    const model = trainedLike(base);
    const bytes = await serializeAdapters(base, model.adapters);
    expect(() => parseAdapters(bytes, other)).toThrow(/different base model/);
    expect(() => parseAdapters(bytes, wider)).toThrow(/20→8→6→4 network/);
    expect(() => parseAdapters(bytes.slice(0, bytes.length - 10), base)).toThrow(AdapterFileError);
    expect(() => parseAdapters(new TextEncoder().encode('{"not": "an adapter"}'), base)).toThrow(/does not start with/);
    const corrupt = bytes.slice();
    const text = new TextDecoder().decode(corrupt.subarray(8, 400));
    const at = text.indexOf('"rank":3');
    corrupt[8 + at + 7] = '4'.charCodeAt(0); // claims rank 4; the arrays hold rank 3
    expect(() => parseAdapters(corrupt, base)).toThrow(/shapes of a rank-4 adapter/);
    const before = tf.memory().numTensors;
    expect(() => parseAdapters(corrupt, base)).toThrow();
    expect(tf.memory().numTensors).toBe(before); // a refused file leaves nothing behind
    model.disposeAdapters();
    [base, other, wider].forEach((m) => m.dispose());
  });

  it('round-trips a base model in fp16 and fingerprints it', () => {
    const base = Mlp.random([12, 6, 3], 5);
    const weights = base.readWeights();
    const meta = { sizes: [12, 6, 3], testAccuracy: 0.5, perDigitAccuracy: [], trainedOn: 'test', command: 'test', seed: 5 };
    const bytes = packBaseModel(weights, meta);
    const { model, meta: back } = loadBaseModel(bytes);
    expect(back.testAccuracy).toBe(0.5);
    model.readWeights().forEach((w, i) => {
      const want = fromFloat16(toFloat16(weights[i].kernel));
      expect(Array.from(w.kernel)).toEqual(Array.from(want));
    });
    expect(model.fingerprint).toMatch(/^[0-9a-f]{8}$/);
    expect(loadBaseModel(bytes).model.fingerprint).toBe(model.fingerprint);
    model.dispose();
    base.dispose();
  });
});
