// The header's search box: loads Pagefind (/pagefind/pagefind.js, built by
// `astro build`) on first use, searches as the reader types, and lists matching
// chapters with an excerpt and links to the matching sections.
// ArrowDown moves from the box into the results; Escape closes them.
import { answersQuery } from './relevance';

interface PagefindResult {
  url: string;
  excerpt: string;
  /** The page's indexed text; `locations` are word indices into it (split on white space). */
  content?: string;
  locations?: number[];
  meta: { title?: string };
  sub_results?: { url: string; title: string; excerpt: string }[];
}
interface Pagefind {
  options(o: Record<string, unknown>): Promise<void>;
  init(): Promise<void>;
  debouncedSearch(q: string, o?: unknown, ms?: number): Promise<{ results: { data(): Promise<PagefindResult> }[] } | null>;
}

const MAX_RESULTS = 8;
const root = document.querySelector<HTMLElement>('.site-search');
const input = root?.querySelector<HTMLInputElement>('input[type="search"]');
const panel = root?.querySelector<HTMLElement>('.search-panel');
const statusEl = root?.querySelector<HTMLElement>('.search-status');
const list = root?.querySelector<HTMLOListElement>('.search-results');

let loading: Promise<Pagefind> | null = null;
function load(): Promise<Pagefind> {
  const url = '/pagefind/pagefind.js';
  loading ??= (import(/* @vite-ignore */ url) as Promise<Pagefind>).then(async (pf) => {
    await pf.options({ excerptLength: 24 });
    await pf.init();
    return pf;
  });
  return loading;
}

function setOpen(open: boolean): void {
  if (!panel || !input) return;
  panel.hidden = !open;
}

function item(r: PagefindResult): HTMLLIElement {
  const li = document.createElement('li');
  const a = document.createElement('a');
  a.className = 'result-title';
  a.href = r.url;
  a.textContent = r.meta.title ?? r.url;
  const p = document.createElement('p');
  p.innerHTML = r.excerpt; // Pagefind escapes the page text and adds only <mark>
  li.append(a, p);
  const sections = (r.sub_results ?? []).filter((s) => s.url.includes('#')).slice(0, 3);
  if (sections.length) {
    const ul = document.createElement('ul');
    ul.className = 'result-sections';
    for (const s of sections) {
      const sli = document.createElement('li');
      const sa = document.createElement('a');
      sa.href = s.url;
      sa.textContent = s.title;
      sli.append(sa);
      ul.append(sli);
    }
    li.append(ul);
  }
  return li;
}

async function search(query: string): Promise<void> {
  if (!statusEl || !list) return;
  const q = query.trim();
  if (!q) { list.replaceChildren(); statusEl.textContent = ''; setOpen(false); return; }
  setOpen(true);
  let pf: Pagefind;
  try {
    pf = await load();
  } catch {
    loading = null;
    statusEl.textContent = 'Search is not available here: its index is made by `npm run build`.';
    return;
  }
  const found = await pf.debouncedSearch(q, {}, 150);
  if (found === null || input?.value.trim() !== q) return; // a newer search replaced this one
  // Pagefind's loose matches ("banana" → the "BA" of ΔW = BA) are dropped: see relevance.ts.
  const all = await Promise.all(found.results.map((r) => r.data()));
  if (input?.value.trim() !== q) return;
  const data = all.filter((r) => answersQuery(q, r.content ?? '', r.locations ?? []));
  list.replaceChildren(...data.slice(0, MAX_RESULTS).map(item));
  const n = data.length;
  statusEl.textContent = n === 0 ? `No chapter mentions “${q}”.`
    : `${n} ${n === 1 ? 'chapter matches' : 'chapters match'} “${q}”.`;
}

if (root && input && panel && list) {
  input.addEventListener('focus', () => { load().catch(() => { loading = null; }); }, { once: true });
  input.addEventListener('input', () => { search(input.value).catch(() => {}); });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      const first = list.querySelector<HTMLAnchorElement>('a');
      if (first && !panel.hidden) { e.preventDefault(); first.focus(); }
    }
  });
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !panel.hidden) {
      setOpen(false);
      input.focus();
    } else if ((e.key === 'ArrowDown' || e.key === 'ArrowUp') && e.target instanceof HTMLAnchorElement) {
      const links = [...list.querySelectorAll<HTMLAnchorElement>('a')];
      const i = links.indexOf(e.target) + (e.key === 'ArrowDown' ? 1 : -1);
      e.preventDefault();
      (i < 0 ? input : links[Math.min(i, links.length - 1)]).focus();
    }
  });
  document.addEventListener('click', (e) => {
    if (!root.contains(e.target as Node)) setOpen(false);
  });
  root.addEventListener('focusout', (e) => {
    if (!root.contains(e.relatedTarget as Node | null) && e.relatedTarget !== null) setOpen(false);
  });
  input.addEventListener('focus', () => { if (input.value.trim() && list.childElementCount) setOpen(true); });
}
