// Every chapter in content/ keeps the citation rule of src/site/citations.ts: known ids only, a
// References section (at least one <Cite>), and a <Cite> beside every pointer into a paper. New
// chapters are picked up by listing the folder. The checker itself is tested on deliberate violations.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIBLIOGRAPHY } from '../../src/site/bibliography';
import { checkCitations, proseUnits } from '../../src/site/citations';

const CONTENT = join(__dirname, '../../content');
const KNOWN = new Set(Object.keys(BIBLIOGRAPHY));
const chapters = readdirSync(CONTENT).filter((f) => f.endsWith('.mdx')).sort();

describe('every chapter cites its sources', () => {
  it('finds the chapters', () => expect(chapters.length).toBeGreaterThanOrEqual(10));
  it.each(chapters)('%s', (file) => {
    const problems = checkCitations(readFileSync(join(CONTENT, file), 'utf8'), KNOWN)
      .map((p) => `${file}:${p.line}: ${p.message}`);
    expect(problems).toEqual([]);
  });
});

// Issue 13, item 16: build-tool details (commands, source paths, engine identifiers) belong in the
// "show the code" views, not in what the reader reads.
const BUILD_DETAIL = /npm run|\bsrc\/|\b[\w-]+\.ts\b|LoraModel\.|paramSummary|constantBitsPerParameter|TrainingDiverged|\{base\.command\}/;
describe('chapter prose shows no build-tool details', () => {
  it.each(chapters)('%s', (file) => {
    const found = proseUnits(readFileSync(join(CONTENT, file), 'utf8'))
      .filter((u) => BUILD_DETAIL.test(u.text)).map((u) => `${file}:${u.line}: ${BUILD_DETAIL.exec(u.text)![0]}`);
    expect(found).toEqual([]);
  });
  it('would catch one', () => {
    expect(BUILD_DETAIL.test('computed ahead of time by `npm run intrinsic-sweep`')).toBe(true);
    expect(BUILD_DETAIL.test('noted in `src/engine/subspace.ts`')).toBe(true);
    expect(BUILD_DETAIL.test('(in the engine, `LoraModel.swap`)')).toBe(true);
  });
});

const head = "---\ntitle: T\ndescription: D\norder: 1\n---\nimport Cite from '../components/Cite.astro';\n\n";

describe('the citation checker', () => {
  it('accepts a chapter that follows the rule', () => {
    const src = `${head}LoRA matches fine-tuning on GPT-3 (Table 4) <Cite id="hu2021lora" at="Table 4" />.\n\n`
      + '$$\nx = \\text{Table 9}\n$$\n\nPlain prose with no paper pointer.\n';
    expect(checkCitations(src, KNOWN)).toEqual([]);
  });
  it('fails on an id missing from the bibliography', () => {
    const src = `${head}As <Cite id="nobody2099" /> found.\n`;
    expect(checkCitations(src, KNOWN)).toEqual([{ line: 8, message: 'cites "nobody2099", which is not in src/site/bibliography.ts' }]);
  });
  it('fails on a chapter with no citation, which would have no References', () => {
    const problems = checkCitations('---\ntitle: T\n---\n\nNo sources at all.\n', KNOWN);
    expect(problems.map((p) => p.message)).toEqual(['cites nothing with <Cite>, so it has no References section']);
  });
  it('fails on <Cite> without its import', () => {
    const problems = checkCitations('Text <Cite id="hu2021lora" />.\n', KNOWN);
    expect(problems.map((p) => p.message)).toEqual(['uses <Cite> without importing it']);
  });
  it('fails on a paper location with no citation in its paragraph', () => {
    for (const pointer of ['Table 4', '§4.2', 'Eq. 4', 'equation (3)', 'Figure 2', 'footnote 7', 'Appendix E', 'Section 7']) {
      const src = `${head}Cited here <Cite id="hu2021lora" />.\n\nThe paper's ${pointer} reports 73.4.\nA second line.\n`;
      const problems = checkCitations(src, KNOWN);
      expect(problems, pointer).toHaveLength(1);
      expect(problems[0].line, pointer).toBe(10);
      expect(problems[0].message, pointer).toMatch(/with no <Cite> in the same paragraph$/);
      // the same paragraph with a citation passes
      expect(checkCitations(src.replace('reports 73.4.', 'reports 73.4 <Cite id="hu2021lora" />.'), KNOWN), pointer).toEqual([]);
    }
  });
  it('judges each list item on its own', () => {
    const src = `${head}- memory fell to 350 GB (§4.2) <Cite id="hu2021lora" at="§4.2" />;\n- 25 % faster (footnote 5).\n`;
    expect(checkCitations(src, KNOWN)).toEqual([{ line: 9, message: 'mentions “footnote 5…” with no <Cite> in the same paragraph' }]);
  });
  it('skips frontmatter, imports, exports, code and display math', () => {
    const src = `${head}export const t = 'Table 3';\nexport const u = 2;\n\n\`\`\`\nTable 1\n\`\`\`\n\n$$\n\\S 4\n$$\n\nProse.\n`;
    expect(proseUnits(src).map((u) => u.text)).toEqual(['Prose.']);
  });
});
