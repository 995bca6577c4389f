// The personal set's text: the summary computed from the actual counts, the article before a
// number ("an 8"), and the label picker keeping the reader's digit while it still needs drawings.
import { describe, expect, it } from 'vitest';
import { addDrawing, promptFor, setSummary, withArticle, type Drawing } from '../../src/core/handwriting/drawings';

const px = new Uint8Array(784);
const setOf = (perDigit: (d: number) => number): Drawing[] => {
  let s: Drawing[] = [];
  for (let d = 0; d < 10; d++) for (let i = 0; i < perDigit(d); i++) s = addDrawing(s, d, px);
  return s;
};

describe('set summary', () => {
  it('says the real count per digit, not always three (a file loaded twice gives six of each)', () => {
    expect(setSummary(setOf(() => 3))).toBe('30 drawings: three of every digit');
    expect(setSummary(setOf(() => 6))).toBe('60 drawings: six of every digit');
    expect(setSummary(setOf((d) => (d === 4 ? 8 : 3)))).toBe('35 drawings: between 3 and 8 of each digit');
    expect(setSummary(setOf(() => 20))).toBe('200 drawings: 20 of every digit');
  });
});

describe('withArticle', () => {
  it('uses "an" where the number is spoken with a vowel sound', () => {
    expect([0, 1, 2, 7, 8, 9].map(withArticle)).toEqual(['a 0', 'a 1', 'a 2', 'a 7', 'an 8', 'a 9']);
    expect([11, 18, 80, 81, 800, 12, 100, 18000, 1100].map(withArticle)).toEqual(['an 11', 'an 18', 'an 80', 'an 81', 'an 800', 'a 12', 'a 100', 'an 18000', 'a 1100']);
  });
});

describe('promptFor (the label picker after an Add)', () => {
  it('keeps the chosen digit while it still needs drawings: three 0s in a row stay 0s', () => {
    let s: Drawing[] = [];
    for (let i = 0; i < 3; i++) {
      const p = promptFor(s, 0)!;
      expect(p).toEqual({ label: 0, have: i, of: 3, moved: false });
      s = addDrawing(s, p.label, px);
    }
    // Three 0s: now the picker moves on, and says so.
    expect(promptFor(s, 0)).toEqual({ label: 1, have: 0, of: 3, moved: true });
  });
  it('keeps a digit the reader picked out of order, and ends with null once every digit has three', () => {
    expect(promptFor(setOf(() => 0), 5)).toEqual({ label: 5, have: 0, of: 3, moved: false });
    expect(promptFor(setOf(() => 3), 5)).toBeNull();
  });
});
