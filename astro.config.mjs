// @ts-check
import { defineConfig } from 'astro/config';
import mdx from '@astrojs/mdx';
import { unified } from '@astrojs/markdown-remark';
import remarkMath from 'remark-math';
import rehypeKatex from 'rehype-katex';

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
  integrations: [mdx()],
  devToolbar: { enabled: false },
  // ES-module workers, so the engine worker can load job modules on demand.
  vite: { worker: { format: 'es' } },
});
