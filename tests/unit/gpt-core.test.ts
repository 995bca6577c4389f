// tf-free parts of the /attention/ chapter: vocabulary, encoding, folding, split, counts.
import { describe, expect, it } from 'vitest';
import { GPT_CONFIG, encodeWords, foldName, gptParamCount, isHeldOut, loraCount } from '../../src/core/gpt';

describe('character encoding', () => {
  it('turns a word into ".word" → "word." rows with a mask', () => {
    const c = { ...GPT_CONFIG, context: 5 };
    const e = encodeWords(['ab'], c);
    expect(Array.from(e.inputs)).toEqual([0, 1, 2, 0, 0]);
    expect(Array.from(e.targets)).toEqual([1, 2, 0, 0, 0]);
    expect(Array.from(e.mask)).toEqual([1, 1, 1, 0, 0]);
    expect(e.chars).toBe(3);
    // A word of context − 1 letters fills the row exactly.
    expect(Array.from(encodeWords(['abcd'], c).mask)).toEqual([1, 1, 1, 1, 1]);
    expect(() => encodeWords(['abcde'], c)).toThrow(/1–4 letters/);
    expect(() => encodeWords(['Ab'], c)).toThrow();
  });

  it('folds place names to a–z and leaves out what cannot be folded', () => {
    expect(foldName('Żyrardów')).toBe('zyrardow');
    expect(foldName('Ylöjärvi')).toBe('ylojarvi');
    expect(foldName('Łódź')).toBe('lodz');
    expect(foldName('Shingū')).toBe('shingu');
    expect(foldName('San Giovanni in Fiore')).toBeNull();
    expect(foldName("Sant'Antioco")).toBeNull();
  });

  it('splits by a seeded hash of the word alone', () => {
    const words = Array.from({ length: 2000 }, (_, i) => `w${i.toString(36)}`.replace(/\d/g, (d) => 'abcdefghij'[+d]));
    const held = words.filter((w) => isHeldOut(w, 17, 15)).length;
    expect(held / words.length).toBeGreaterThan(0.11);
    expect(held / words.length).toBeLessThan(0.19);
    expect(words.map((w) => isHeldOut(w, 17, 15))).toEqual(words.map((w) => isHeldOut(w, 17, 15)));
    expect(words.some((w) => isHeldOut(w, 17, 15) !== isHeldOut(w, 18, 15))).toBe(true);
  });
});

describe('parameter counts', () => {
  it('count the base and LoRA r(d+k) by formula', () => {
    const d = 64, V = 27, T = 16, L = 2, F = 256;
    const perBlock = 2 * d + 4 * d * d + 2 * d + d * F + F + F * d + d;
    expect(gptParamCount()).toBe(V * d + T * d + L * perBlock + 2 * d + d * V + V);
    const c = loraCount(['q', 'v'], 8);
    expect(c.adapter).toBe(L * 2 * 8 * (d + d));
    expect(c.perMatrix.q).toBe(d * d);
    expect(c.perMatrix.fc1).toBe(d * F);
    expect(c.matrices).toBe(4);
    // The paper's Table 5 budget: r=8 on one type = r=4 on two = r=2 on all four.
    expect(loraCount(['q'], 8).adapter).toBe(loraCount(['q', 'k'], 4).adapter);
    expect(loraCount(['q'], 8).adapter).toBe(loraCount(['q', 'k', 'v', 'o'], 2).adapter);
    expect(loraCount(['q', 'q'], 8).adapter).toBe(loraCount(['q'], 8).adapter);
  });
});
