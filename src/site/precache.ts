// The service worker's precache list, made from the built site (dist/) at the
// end of `astro build` (see ./integration.ts). Every page, script, stylesheet,
// font, data set, model and WebAssembly file a chapter can ask for is listed, so
// that after one visit the whole site works without a network.
// Node only (reads the file system).
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface PrecacheEntry {
  /** Site URL: "/" for index.html, "/rank/" for rank/index.html, "/_astro/x.js" otherwise. */
  url: string;
  /** Content hash: the worker refetches only entries whose revision changed. */
  revision: string;
  bytes: number;
}

/**
 * Which built files go into the precache. Left out: the service worker itself,
 * KaTeX's .woff/.ttf fonts (every browser that runs service workers takes the
 * .woff2 one), source maps, and Pagefind's prebuilt UI bundles (the site uses
 * only pagefind.js and the index).
 */
export function shouldPrecache(rel: string): boolean {
  const p = rel.split(path.sep).join('/');
  if (p === 'sw.js' || p.endsWith('.map')) return false;
  if (/\.(woff|ttf|eot)$/.test(p)) return false;
  if (p.startsWith('pagefind/')) return !/^pagefind\/pagefind-(ui|component-ui|modular-ui|highlight)/.test(p);
  return /\.(html|js|mjs|css|woff2|svg|ico|png|json|bin|wasm|webmanifest|txt)$/.test(p);
}

/** The URL a built file is served at (directory pages end in "/"). */
export function fileUrl(rel: string): string {
  const p = rel.split(path.sep).join('/');
  if (p === 'index.html') return '/';
  if (p.endsWith('/index.html')) return `/${p.slice(0, -'index.html'.length)}`;
  return `/${p}`;
}

function walk(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full, base) : [path.relative(base, full)];
  });
}

/** The precache list for a built site, sorted by URL. */
export function precacheEntries(distDir: string): PrecacheEntry[] {
  return walk(distDir)
    .filter(shouldPrecache)
    .map((rel) => {
      const bytes = readFileSync(path.join(distDir, rel));
      const revision = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
      return { url: fileUrl(rel), revision, bytes: bytes.length };
    })
    .sort((a, b) => a.url.localeCompare(b.url));
}
