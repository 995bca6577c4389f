// Astro integration for the built site (runs at the end of `astro build`):
// 1. Pagefind indexes the chapters' text into dist/pagefind/ (the header's search box);
// 2. the service worker is written to dist/sw.js with the precache list of every
//    built file (src/site/precache.ts), so the site works offline after one visit.
// Both run after Astro has written every page, so they see the final HTML.
import type { AstroIntegration } from 'astro';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as pagefind from 'pagefind';
import { precacheEntries } from './precache';

const SW_SOURCE = fileURLToPath(new URL('./sw.js', import.meta.url));
const PLACEHOLDER = '/* PRECACHE_MANIFEST */ []';

async function buildSearchIndex(dist: string): Promise<number> {
  try {
    // Formulas: index KaTeX's MathML text once; skip its visual copy and the TeX source.
    const { index, errors } = await pagefind.createIndex({ forceLanguage: 'en', excludeSelectors: ['.katex-html', 'annotation'] });
    if (!index) throw new Error(`Pagefind: ${errors.join('; ')}`);
    const added = await index.addDirectory({ path: dist });
    if (added.errors.length) throw new Error(`Pagefind: ${added.errors.join('; ')}`);
    const written = await index.writeFiles({ outputPath: path.join(dist, 'pagefind') });
    if (written.errors.length) throw new Error(`Pagefind: ${written.errors.join('; ')}`);
    return added.page_count;
  } finally {
    await pagefind.close();
  }
}

export function writeServiceWorker(dist: string): { files: number; bytes: number } {
  const source = readFileSync(SW_SOURCE, 'utf8');
  if (!source.includes(PLACEHOLDER)) throw new Error('src/site/sw.js lost its PRECACHE_MANIFEST placeholder');
  const entries = precacheEntries(dist);
  const manifest = JSON.stringify(entries.map(({ url, revision }) => ({ url, revision })));
  writeFileSync(path.join(dist, 'sw.js'), source.replace(PLACEHOLDER, manifest));
  return { files: entries.length, bytes: entries.reduce((s, e) => s + e.bytes, 0) };
}

export default function siteIntegration(): AstroIntegration {
  return {
    name: 'lora-live-site',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const dist = fileURLToPath(dir);
        const pages = await buildSearchIndex(dist);
        logger.info(`search index: ${pages} chapters indexed into pagefind/`);
        const sw = writeServiceWorker(dist);
        logger.info(`service worker: ${sw.files} files (${(sw.bytes / 1e6).toFixed(1)} MB) precached for offline use`);
      },
    },
  };
}
