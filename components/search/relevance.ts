// Which Pagefind results really match what the reader typed. DOM-free (unit-tested).
//
// When no indexed word starts with a search term, Pagefind falls back to indexed words that are
// short prefixes of it: "banana" found the "BA" of ΔW = BA in nine chapters, "xyzzy" the "x" of
// formulas, "zzzqqq" the "Z." of an author's initial. A result is kept only if one of the words at
// its match locations starts with the term (typing "ran" finds "rank"), or shares with it a stem of
// at least four letters that leaves at most three of the term's letters out ("merging" finds
// "merge", "ranks" finds "rank").

const WORD = /[\p{L}\p{N}]+/gu;

/** Lowercased letter-and-digit runs: "ΔW=BA," → ["δw", "ba"]. */
export function subwords(text: string): string[] {
  return text.toLowerCase().match(WORD) ?? [];
}

/** Whether an indexed word answers a search term: it begins with the term, or shares its stem. */
export function fits(term: string, word: string): boolean {
  if (!term || !word) return false;
  if (word.startsWith(term)) return true;
  let common = 0;
  while (common < term.length && term[common] === word[common]) common++;
  return common >= Math.max(4, term.length - 3);
}

/** Whether a result whose text is `content` and whose matches sit at `locations` (word indices) answers `query`. */
export function answersQuery(query: string, content: string, locations: readonly number[]): boolean {
  const terms = subwords(query);
  if (!terms.length) return false;
  const words = content.split(/\s+/);
  return locations.some((i) => subwords(words[i] ?? '').some((w) => terms.some((t) => fits(t, w))));
}
