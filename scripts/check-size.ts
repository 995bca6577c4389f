// Gate: JavaScript a page ships before any live cell hydrates, gzipped, per page.
// For each built page in dist/: its <script> tags (module or classic, inline or
// src) and <link rel="modulepreload">s, then every module they import STATICALLY
// (import/export … from, import "…"), recursively; dynamic import() is where a
// cell loads its heavy code near the viewport, so it is not followed. Each file is
// counted once per page. Fails when a page is over budget, or when tfjs, mathjs
// or Observable Plot sits in a page's static graph (they must load with the cells
// that need them, through import()).
//
//   npm run check:size              (after npm run build; prints a table)
//   tsx scripts/check-size.ts [dist] [--budget=60]
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { pathToFileURL } from 'node:url';
import { init, parse as parseModule } from 'es-module-lexer';
import { parse as parseHtml, type DefaultTreeAdapterMap } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
type Element = DefaultTreeAdapterMap['element'];

export const BUDGET_KB = 60;

/** Libraries that must never be in a page's static graph, found by a string each one's code contains. */
export const HEAVY: { name: string; marker: RegExp }[] = [
  { name: 'tfjs', marker: /tfjsflags/ },
  { name: 'mathjs', marker: /typed-function/ },
  { name: 'Observable Plot', marker: /plot-d6a7b5/ },
];

export interface ScriptRef { kind: 'src' | 'inline'; src?: string; code?: string; module: boolean }

const attr = (el: Element, name: string) => el.attrs.find((a) => a.name === name)?.value;

/** The scripts and module preloads of one HTML document. */
export function pageScripts(html: string): ScriptRef[] {
  const out: ScriptRef[] = [];
  const visit = (node: Node) => {
    if ('tagName' in node) {
      const el = node as Element;
      if (el.tagName === 'script') {
        const type = attr(el, 'type');
        const module = type === 'module';
        if (type === undefined || type === '' || module || type === 'text/javascript') {
          const src = attr(el, 'src');
          if (src) out.push({ kind: 'src', src, module });
          else {
            const text = el.childNodes.map((c) => ('value' in c ? (c as { value: string }).value : '')).join('');
            if (text.trim()) out.push({ kind: 'inline', code: text, module });
          }
        }
      } else if (el.tagName === 'link' && attr(el, 'rel') === 'modulepreload' && attr(el, 'href')) {
        out.push({ kind: 'src', src: attr(el, 'href'), module: true });
      }
    }
    const kids = 'content' in node && node.content ? node.content.childNodes
      : 'childNodes' in node ? node.childNodes : [];
    kids.forEach(visit);
  };
  visit(parseHtml(html));
  return out;
}

/** Specifiers a module imports statically (not import(), not import.meta). */
export function staticImports(code: string): string[] {
  const [imports] = parseModule(code);
  return imports.filter((i) => i.d === -1 && i.n).map((i) => i.n as string);
}

export interface PageSize {
  page: string;
  files: { url: string; raw: number; gzip: number }[];
  raw: number;
  gzip: number;
  heavy: string[];
}

const gz = (buf: Buffer | string) => gzipSync(buf, { level: 9 }).length;

/** Sizes for one page: every script and its static imports, each file once. */
export function measurePage(dist: string, pageUrl: string, html: string): PageSize {
  const files = new Map<string, { raw: number; gzip: number }>();
  const heavy = new Set<string>();
  const seen = new Set<string>();
  const check = (code: string) => HEAVY.forEach((h) => { if (h.marker.test(code)) heavy.add(h.name); });
  const follow = (url: string) => {
    if (seen.has(url)) return;
    seen.add(url);
    const file = path.join(dist, decodeURIComponent(url));
    if (!file.startsWith(dist) || !existsSync(file)) throw new Error(`${pageUrl}: script ${url} is not in ${dist}`);
    const buf = readFileSync(file);
    const code = buf.toString('utf8');
    files.set(url, { raw: buf.length, gzip: gz(buf) });
    check(code);
    for (const spec of staticImports(code)) follow(resolve(spec, url, pageUrl));
  };
  let inline = 0;
  for (const s of pageScripts(html)) {
    if (s.kind === 'src') follow(resolve(s.src!, pageUrl, pageUrl));
    else {
      const code = s.code!;
      files.set(`(inline script ${++inline})`, { raw: Buffer.byteLength(code), gzip: gz(code) });
      check(code);
      if (s.module) for (const spec of staticImports(code)) follow(resolve(spec, pageUrl, pageUrl));
    }
  }
  const list = [...files].map(([url, v]) => ({ url, ...v }));
  return {
    page: pageUrl,
    files: list,
    raw: list.reduce((s, f) => s + f.raw, 0),
    gzip: list.reduce((s, f) => s + f.gzip, 0),
    heavy: [...heavy],
  };
}

function resolve(spec: string, from: string, page: string): string {
  const u = new URL(spec, `http://site${from}`);
  if (u.host !== 'site') throw new Error(`${page}: imports ${spec} from another host`);
  return u.pathname;
}

/** Every built page: "/" and "/<chapter>/" (Pagefind's folder is not a page). */
export function builtPages(dist: string): string[] {
  const pages: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) { if (name !== 'pagefind' && name !== '_astro') walk(full); }
      else if (name === 'index.html') {
        const rel = path.relative(dist, dir).split(path.sep).join('/');
        pages.push(rel ? `/${rel}/` : '/');
      }
    }
  };
  walk(dist);
  return pages.sort();
}

const kb = (n: number) => (n / 1000).toFixed(1);

export async function checkSizes(dist: string, budgetKb = BUDGET_KB): Promise<{ rows: PageSize[]; failures: string[] }> {
  await init;
  const rows = builtPages(dist).map((page) =>
    measurePage(dist, page, readFileSync(path.join(dist, page, 'index.html'), 'utf8')));
  const failures: string[] = [];
  for (const r of rows) {
    if (r.gzip > budgetKb * 1000) failures.push(`${r.page}: ${kb(r.gzip)} kB gzipped is over the ${budgetKb} kB budget`);
    if (r.heavy.length) failures.push(`${r.page}: ${r.heavy.join(', ')} loaded before any cell hydrates (use a dynamic import())`);
  }
  return { rows, failures };
}

export function sizeTable(rows: PageSize[], budgetKb = BUDGET_KB): string {
  const head = ['page', 'files', 'raw kB', 'gzip kB', `budget ${budgetKb} kB`];
  const body = rows.map((r) => [r.page, String(r.files.length), kb(r.raw), kb(r.gzip),
    r.gzip <= budgetKb * 1000 && !r.heavy.length ? `ok (${Math.round((100 * r.gzip) / (budgetKb * 1000))}%)` : 'OVER']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const dist = path.resolve(args.find((a) => !a.startsWith('--')) ?? 'dist');
  const budget = Number(args.find((a) => a.startsWith('--budget='))?.slice(9) ?? BUDGET_KB);
  const verbose = args.includes('--verbose');
  const { rows, failures } = await checkSizes(dist, budget);
  console.log('JavaScript before any live cell hydrates (scripts + static imports, gzip -9):\n');
  console.log(sizeTable(rows, budget));
  if (verbose) for (const r of rows) {
    console.log(`\n${r.page}`);
    for (const f of [...r.files].sort((a, b) => b.gzip - a.gzip)) console.log(`  ${kb(f.gzip).padStart(6)} kB  ${f.url}`);
  }
  if (failures.length) {
    console.error(`\nJavaScript budget exceeded:\n- ${failures.join('\n- ')}`);
    process.exit(1);
  }
  console.log(`\nAll ${rows.length} pages within ${budget} kB.`);
}
