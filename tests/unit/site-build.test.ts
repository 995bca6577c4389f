// Build-time helpers: precache selection, bibliography and glossary, and the
// size gate's HTML/module parsing.
import { describe, expect, it } from 'vitest';
import { init } from 'es-module-lexer';
import { fileUrl, shouldPrecache } from '../../src/site/precache';
import { BIBLIOGRAPHY, citedIds, reference } from '../../src/site/bibliography';
import { GLOSSARY, definesTerm, glossaryEntry } from '../../src/site/glossary';
import { pageScripts, staticImports } from '../../scripts/check-size';

describe('precache', () => {
  it('keeps pages, code, woff2 fonts, data, model, wasm and the search index', () => {
    for (const f of ['index.html', 'rank/index.html', '_astro/a.B1.js', '_astro/Base.x.css', '_astro/KaTeX_Main-Regular.B2.woff2',
      'data/mnist-train.bin', 'models/base-mlp.bin', 'tfjs/tfjs-backend-wasm-simd.wasm', 'pagefind/pagefind.js',
      'pagefind/wasm.en.pagefind', 'pagefind/index/en_1.pf_index', 'pagefind/pagefind-entry.json', 'favicon.ico']) {
      expect(shouldPrecache(f), f).toBe(true);
    }
    for (const f of ['sw.js', '_astro/KaTeX_Main-Regular.x.woff', '_astro/KaTeX_Main-Regular.x.ttf', '_astro/a.js.map',
      'pagefind/pagefind-ui.js', 'pagefind/pagefind-component-ui.css']) {
      expect(shouldPrecache(f), f).toBe(false);
    }
  });
  it('maps files to the URLs they are served at', () => {
    expect(fileUrl('index.html')).toBe('/');
    expect(fileUrl('rank/index.html')).toBe('/rank/');
    expect(fileUrl('data/mnist-test.bin')).toBe('/data/mnist-test.bin');
  });
});

describe('bibliography', () => {
  it('links each paper the site relies on to its arXiv page', () => {
    const arxiv: Record<string, string> = {
      hu2021lora: '2106.09685', dettmers2023qlora: '2305.14314', xu2023qalora: '2309.14717', li2018intrinsic: '1804.08838',
      aghajanyan2020intrinsic: '2012.13255', kalajdzievski2023rslora: '2312.03732', houlsby2019adapters: '1902.00751',
      li2021prefix: '2101.00190', lester2021prompt: '2104.08691',
    };
    for (const [id, num] of Object.entries(arxiv)) expect(reference(id).url).toBe(`https://arxiv.org/abs/${num}`);
    expect(reference('eckart1936').year).toBe(1936);
    expect(reference('lecun1998mnist').title).toMatch(/Document Recognition/);
    expect(() => reference('nope2020')).toThrow(/No reference "nope2020"/);
    for (const r of Object.values(BIBLIOGRAPHY)) expect(r.url).toMatch(/^https:\/\//);
  });
  it('finds cited ids in an MDX body, in order, once each', () => {
    const body = 'As <Cite id="hu2021lora" at="§4.2" /> show… <Cite bare id=\'li2018intrinsic\'/> and <Cite id="hu2021lora" />';
    expect(citedIds(body)).toEqual(['hu2021lora', 'li2018intrinsic']);
    expect(citedIds('no citations')).toEqual([]);
  });
});

describe('glossary', () => {
  it('finds a term definition in an MDX body', () => {
    expect(definesTerm('the <Term id="rank" define>rank</Term> of', 'rank')).toBe(true);
    expect(definesTerm('the <Term define id="rank">rank</Term>', 'rank')).toBe(true);
    expect(definesTerm('the <Term id="rank">rank</Term>', 'rank')).toBe(false);
    expect(definesTerm('<Term id="outer-product" define>', 'rank')).toBe(false);
  });
  it('names a chapter for every term', () => {
    for (const e of Object.values(GLOSSARY)) expect(e.chapter).toMatch(/^[a-z-]+$/);
    expect(() => glossaryEntry('nope')).toThrow(/No glossary term/);
  });
});

describe('size gate parsing', () => {
  it('lists the scripts of a page', () => {
    const html = `<html><head><script type="module" src="/_astro/a.js"></script><script>var x=1</script>
      <link rel="modulepreload" href="/_astro/c.js"><script type="application/ld+json">{"a":1}</script></head>
      <body><script type="module">import "./b.js";</script></body></html>`;
    expect(pageScripts(html)).toEqual([
      { kind: 'src', src: '/_astro/a.js', module: true },
      { kind: 'inline', code: 'var x=1', module: false },
      { kind: 'src', src: '/_astro/c.js', module: true },
      { kind: 'inline', code: 'import "./b.js";', module: true },
    ]);
  });
  it('follows static imports and re-exports, not dynamic import()', async () => {
    await init;
    const code = 'import{a as b}from"./x.js";import"./y.js";export{c}from"./z.js";const m=()=>import("./heavy.js");import.meta.url;';
    expect(staticImports(code)).toEqual(['./x.js', './y.js', './z.js']);
  });
});
