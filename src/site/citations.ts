// The citation rule every chapter must keep (checked by tests/unit/citations.test.ts over content/*.mdx):
//  1. every <Cite id="…"> names an entry of the bibliography;
//  2. every chapter cites at least once, so the chapter layout gives it a References section;
//  3. a chapter that cites imports Cite;
//  4. a paragraph or list item that points into a paper — "Table 4", "§4.1", "Eq. 4", "equation (3)",
//     "Figure 2", "footnote 7", "Appendix E", "Section 7" — has a <Cite> in that same paragraph or item,
//     so a reader can always tell which paper a location belongs to.
// DOM-free and dependency-free, so the unit test and any build script can run it.
import { citedIds } from './bibliography';

export interface CitationProblem { line: number; message: string }

/** A location inside a paper, as the chapters write them. */
export const PAPER_LOCATION =
  /§\s*[A-Z]?\d|\b(?:tables?|figures?|fig\.|eqs?\.|equations?|footnotes?|sections?)\s*\(?\d|\bappendix\s+[A-H]\b/i;

interface Unit { line: number; text: string }

/** The prose of an MDX body cut into paragraphs and list items (1-based source lines), without
 *  frontmatter, import/export blocks, fenced code and display math. */
export function proseUnits(source: string): Unit[] {
  const lines = source.split('\n');
  const units: Unit[] = [];
  let i = 0;
  if (lines[0]?.trim() === '---') {
    i = 1;
    while (i < lines.length && lines[i].trim() !== '---') i++;
    i++;
  }
  let current: Unit | null = null;
  const flush = () => { if (current && current.text.trim()) units.push(current); current = null; };
  let skipBlock = false; // an import/export statement runs until the next blank line
  for (; i < lines.length; i++) {
    const line = lines[i];
    const t = line.trim();
    if (t.startsWith('```')) { // fenced code: skip to the closing fence
      flush();
      for (i++; i < lines.length && !lines[i].trim().startsWith('```'); i++);
      continue;
    }
    if (t === '$$') { // display math: skip to the closing $$
      for (i++; i < lines.length && lines[i].trim() !== '$$'; i++);
      continue;
    }
    if (t === '') { flush(); skipBlock = false; continue; }
    if (skipBlock) continue;
    if (!current && /^(import|export)\s/.test(t)) { skipBlock = true; continue; }
    if (/^(?:[-*+]|\d+\.)\s/.test(t)) { flush(); current = { line: i + 1, text: t }; continue; }
    if (!current) current = { line: i + 1, text: t };
    else current.text += ` ${t}`;
  }
  flush();
  return units;
}

/** Every way an MDX chapter breaks the rule above. */
export function checkCitations(source: string, known: ReadonlySet<string>): CitationProblem[] {
  const problems: CitationProblem[] = [];
  const lineOf = (index: number) => source.slice(0, index).split('\n').length;
  for (const m of source.matchAll(/<Cite\b[^>]*?\bid=["']([^"']+)["']/g)) {
    if (!known.has(m[1])) problems.push({ line: lineOf(m.index ?? 0), message: `cites "${m[1]}", which is not in src/site/bibliography.ts` });
  }
  for (const m of source.matchAll(/<Cite\b(?![^>]*\bid=)[^>]*>/g)) {
    problems.push({ line: lineOf(m.index ?? 0), message: '<Cite> without an id' });
  }
  if (citedIds(source).length === 0) problems.push({ line: 1, message: 'cites nothing with <Cite>, so it has no References section' });
  else if (!/^import\s+Cite\s+from\s/m.test(source)) problems.push({ line: 1, message: 'uses <Cite> without importing it' });
  for (const u of proseUnits(source)) {
    const m = PAPER_LOCATION.exec(u.text);
    if (m && !/<Cite\b/.test(u.text)) {
      problems.push({ line: u.line, message: `mentions “${m[0].trim()}…” with no <Cite> in the same paragraph` });
    }
  }
  return problems;
}
