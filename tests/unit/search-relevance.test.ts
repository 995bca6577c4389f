// The search box drops Pagefind's loose matches (issue 13, item 14): words as Pagefind returned them
// for these queries on the built site (content split on white space, at the match locations).
import { describe, expect, it } from 'vitest';
import { answersQuery, fits, subwords } from '../../components/search/relevance';

describe('search relevance', () => {
  it('splits formula tokens into words', () => {
    expect(subwords('ΔW=BA,B∈Rd×r,')).toEqual(['δw', 'ba', 'b', 'rd', 'r']);
  });
  it('refuses short prefixes of the query that Pagefind falls back to', () => {
    expect(answersQuery('banana', 'ΔW = BA. Train ΔW=BA,B∈Rd×r,', [2, 4])).toBe(false);
    expect(answersQuery('xyzzy', 'gradient x⊤. and x', [1, 3])).toBe(false);
    expect(answersQuery('zzzqqq', 'P. Wallis, Z. Allen-Zhu', [2])).toBe(false);
  });
  it('keeps the word itself, words it begins, and its stems', () => {
    expect(answersQuery('rank', 'its Rank. is low', [1])).toBe(true);
    expect(answersQuery('ran', 'a rank-r update', [1])).toBe(true);
    expect(answersQuery('ranks', 'a rank-r update', [1])).toBe(true);
    expect(answersQuery('merging', 'Merge the adapter', [0])).toBe(true);
    expect(answersQuery('BA', 'ΔW=BA,B∈Rd×r,', [0])).toBe(true);
    expect(fits('adapters', 'adapt')).toBe(true);
    expect(fits('banana', 'ba')).toBe(false);
  });
});
