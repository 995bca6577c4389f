// The transformer the site ships must reproduce the held-out loss the site states
// (measured by scripts/pretrain-gpt.ts on exactly these fp16 weights).
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { GptLora, heldOutLoss, sampleWords } from '../../src/engine/gpt';
import { loadGpt } from '../../src/engine/gptFile';
import { GPT_CONFIG } from '../../src/core/gpt';
import { buildWordsFile } from '../../scripts/prepare-words';
import stated from '../../src/generated/base-gpt.json';
import { useWasm } from './helpers';

beforeAll(useWasm);

describe('the shipped transformer', () => {
  it('reaches its stated loss on the page’s held-out English sample again', async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../../public/models/base-gpt.bin', import.meta.url)));
    const { model, meta } = loadGpt(bytes);
    expect(meta.config).toEqual(GPT_CONFIG);
    expect(meta.sampleLoss).toBe(stated.sampleLoss);
    const sample = buildWordsFile().english;
    expect(sample).toHaveLength(1000);
    const loss = await heldOutLoss(new GptLora(model), sample);
    expect(Math.abs(loss - stated.sampleLoss)).toBeLessThan(1e-4);
    // Far better than guessing among 27 symbols (ln 27 ≈ 3.30).
    expect(loss).toBeLessThan(2.3);
    expect((await sampleWords(new GptLora(model), 4, 1, 0.8)).every((w) => /^[a-z]+…?$/.test(w))).toBe(true);
    model.dispose();
  });
});
