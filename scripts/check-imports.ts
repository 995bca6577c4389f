// The import rules that keep the code's layers apart (`npm run check:imports`; `npm test` runs it as a
// gate). From the bottom up:
//
//   src/core/     tf-free, DOM-free: exact maths, quantization, parameter counts, digits and tasks, file
//                 formats. Imports nothing else of the project and no tfjs.
//   src/api/      the page↔worker contract (src/api/jobs.ts) and the constants a job and its cell share.
//                 Imports src/core only, and no tfjs (one type-only exception: the backend's names).
//   src/engine/   tfjs models and training. Imports src/core, never the worker, the contract or the UI.
//   src/worker/   the jobs: thin, they order engine calls. Imports engine, core and api.
//   components/,  cells and the site's components. May import src/api, src/core, src/site and data; the
//   content/      engine is reached only through the engine client (components/lib/engine.ts), which
//                 starts src/worker/engine.worker.ts as a Worker, not as an import.
//
// And nothing in src/ imports components/, except the page shell (src/pages/, src/layouts/), which is
// where Astro composes the components into pages.
//
// Why a script and not an ESLint plugin: the rules are few, they must see .astro and .mdx files as well
// as .ts, and the project has no linter to hang them on.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Violation {
  file: string;
  line: number;
  spec: string;
  rule: string;
}

export interface ImportRef {
  spec: string;
  line: number;
  typeOnly: boolean;
}

const SCANNED = ['src', 'components', 'content'];
const EXTENSIONS = /\.(ts|mts|js|mjs|astro|mdx)$/;
const TFJS = /^(@tensorflow\/|#tf-gradients$)/;

/** Every import, export-from and dynamic import() with a string literal, outside comments. */
export function importsOf(text: string): ImportRef[] {
  // Blank out comments but keep their newlines, so line numbers stay right.
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' '))
    .replace(/^\s*\/\/.*$/gm, (c) => ' '.repeat(c.length))
    .replace(/^(.*?[;,{(])\s*\/\/ .*$/gm, '$1');
  const refs: ImportRef[] = [];
  const patterns = [
    /\b(?:import|export)\s+(type\s+)?(?:[\w*{}\s,$]+?\s+from\s*)?['"]([^'"\n]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"\n]+)['"]\s*\)/g,
  ];
  for (const [i, re] of patterns.entries()) {
    for (const m of code.matchAll(re)) {
      const spec = i === 0 ? m[2] : m[1];
      const typeOnly = i === 0 && !!m[1];
      refs.push({ spec, line: code.slice(0, m.index).split('\n').length, typeOnly });
    }
  }
  return refs;
}

function walk(root: string, dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(join(root, dir));
  } catch {
    return;
  }
  for (const name of names) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const rel = dir ? `${dir}/${name}` : name;
    if (statSync(join(root, rel)).isDirectory()) walk(root, rel, out);
    else if (EXTENSIONS.test(name)) out.push(rel);
  }
}

const under = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

/** The rule a file's import breaks, or null. `target` is the imported file's path from the root (null for a package). */
export function ruleBroken(file: string, ref: ImportRef, target: string | null): string | null {
  const { spec, typeOnly } = ref;
  if (spec.includes('?raw')) return null; // source read as text (the "show the code" box), not code that runs
  const shell = under(file, 'src/pages') || under(file, 'src/layouts');
  if (target && under(target, 'components') && under(file, 'src') && !shell) {
    return 'src/ must not import components/ (only the page shell, src/pages and src/layouts, composes them)';
  }
  if (under(file, 'src/core')) {
    if (target === null && TFJS.test(spec)) return 'src/core/ must not import tfjs';
    if (target !== null && !under(target, 'src/core')) return 'src/core/ imports nothing outside src/core/';
  }
  if (under(file, 'src/api')) {
    if (target === null && TFJS.test(spec)) return 'src/api/ must not import tfjs';
    const backendTypes = typeOnly && target === 'src/engine/backend.ts';
    if (target !== null && !under(target, 'src/api') && !under(target, 'src/core') && !backendTypes) {
      return 'src/api/ imports only src/api/ and src/core/';
    }
  }
  if (under(file, 'src/engine') && target !== null) {
    for (const above of ['src/worker', 'src/api', 'src/site', 'src/pages', 'src/layouts']) {
      if (under(target, above)) return `src/engine/ must not import ${above}/ (the engine is below it)`;
    }
  }
  if ((under(file, 'components') || under(file, 'content')) && target !== null) {
    if (under(target, 'src/engine') || under(target, 'src/worker')) {
      return 'components and content reach the engine only through the engine client (components/lib/engine.ts) and the contract in src/api/';
    }
  }
  return null;
}

function resolveTarget(root: string, file: string, spec: string): string | null {
  if (!spec.startsWith('.') && !spec.startsWith('/')) return null; // a package (or #tf-gradients)
  const abs = resolve(root, dirname(file), spec.split('?')[0]);
  const rel = relative(root, abs).split(sep).join('/');
  for (const ext of ['', '.ts', '.js', '/index.ts']) {
    try {
      if (statSync(join(root, rel + ext)).isFile()) return rel + ext;
    } catch {
      // try the next extension
    }
  }
  return rel;
}

/** Every broken rule under `root` (a checkout, or a test's fixture tree). */
export function checkImports(root: string): Violation[] {
  const files: string[] = [];
  for (const dir of SCANNED) walk(root, dir, files);
  const out: Violation[] = [];
  for (const file of files.sort()) {
    for (const ref of importsOf(readFileSync(join(root, file), 'utf8'))) {
      const rule = ruleBroken(file, ref, resolveTarget(root, file, ref.spec));
      if (rule) out.push({ file, line: ref.line, spec: ref.spec, rule });
    }
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const found = checkImports(root);
  for (const v of found) console.log(`${v.file}:${v.line}: '${v.spec}': ${v.rule}`);
  console.log(found.length ? `import rules: ${found.length} broken` : 'import rules: ok');
  process.exit(found.length ? 1 : 0);
}
