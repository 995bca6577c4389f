// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { unified } from '@astrojs/markdown-remark';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';
import siteIntegration from './src/site/integration.ts';
import { CSP_DIRECTIVES, CSP_SCRIPT_RESOURCES, CSP_STYLE_RESOURCES } from './src/site/csp.ts';
import { THEME_BOOTSTRAP } from './src/site/theme-bootstrap.ts';
import { tfjsWasmThreads } from './src/site/tfjs-threads.ts';
import { createHash } from 'node:crypto';

/** @param {string} text @returns {`sha256-${string}`} */
const sha256 = (text) => `sha256-${createHash('sha256').update(text).digest('base64')}`;

// Static site. Markdown AND MDX go through the unified processor so that
// $…$ / $$…$$ become KaTeX HTML at build time (MDX inherits markdown.processor).
// KaTeX's CSS and fonts are bundled by Vite from the layout (no CDN).
export default defineConfig({
  output: 'static',
  trailingSlash: 'ignore',
  build: { format: 'directory' },
  markdown: {
    processor: unified({ remarkPlugins: [remarkMath], rehypePlugins: [rehypeKatex] }),
  },
  integrations: [mdx(), siteIntegration()],
  // A Content-Security-Policy <meta> tag on every page (src/site/csp.ts); Astro
  // adds the hashes of the scripts it inlines; the theme bootstrap (is:inline) is hashed here.
  security: {
    csp: {
      directives: CSP_DIRECTIVES,
      scriptDirective: { resources: CSP_SCRIPT_RESOURCES, hashes: [sha256(THEME_BOOTSTRAP)] },
      styleDirective: { resources: CSP_STYLE_RESOURCES },
    },
  },
  devToolbar: { enabled: false },
  // ES-module workers, so the engine worker can load job modules on demand. tfjsWasmThreads keeps
  // tfjs's threaded WebAssembly working after minification (cross-origin isolated pages; see the file).
  vite: { plugins: [tfjsWasmThreads()], worker: { format: 'es', plugins: () => [tfjsWasmThreads()] } },
});
