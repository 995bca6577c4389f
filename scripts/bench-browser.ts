/**
 * `npm run bench -- --browser`: the engine's benchmark in headless Chromium,
 * per backend (wasm, webgl, cpu; webgpu with --webgpu), each in a Web Worker
 * as the site runs it, stock tfjs next to the fast path. It builds no site: it
 * bundles scripts/bench-page/worker.ts in memory with esbuild and serves that,
 * a blank page and tfjs's .wasm files from 127.0.0.1.
 *
 *   npm run bench -- --browser                          # wasm, webgl, cpu, and the site's own pick
 *   npm run bench -- --browser --backends=wasm --reps=25
 *   npm run bench -- --browser --models=gpt             # only /attention/'s transformer (mlp, gpt by default)
 *   npm run bench -- --browser --webgpu                 # adds WebGPU (--enable-unsafe-webgpu)
 *   npm run bench -- --browser --gpu                    # a machine with a GPU: flags for a hardware
 *                                                       # adapter, prints the adapters Chromium found
 *   npm run bench -- --browser --liftoff                # V8's default WASM tiering (see bench.ts)
 *   npm run bench -- --browser --isolated --threads=1,2  # COOP/COEP headers: multithreaded WASM, the fast path's
 *                                                       # LoRA r=4 / full / forward per thread count, and the
 *                                                       # parallel efficiency (speed-up ÷ threads)
 *
 * Chromium: /usr/bin/chromium (apt-get install -y chromium), or CHROMIUM=path.
 */
import http from 'node:http';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import type { BenchResult, PathName } from '../src/engine/fast/benchmark';
import { formatScaling, formatTable, TARGETS } from '../src/engine/fast/report';
import { machineLine, parseArgs } from './bench-page/args';
import type { BenchRequest } from './bench-page/worker';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const wasmDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>engine benchmark</title></head><body>
<p>Engine benchmark: driven by scripts/bench-browser.ts.</p>
<script type="module">
window.runBench = (request) => new Promise((resolve, reject) => {
  const worker = new Worker('/bench-worker.js', { type: 'module' });
  const out = { logs: [] };
  worker.onmessage = (e) => {
    const m = e.data;
    if (m.kind === 'log') { out.logs.push(m.line); console.log(m.line); }
    if (m.kind === 'backend') Object.assign(out, { info: m.info, wasmThreads: m.wasmThreads, wasmSimd: m.wasmSimd, isolated: m.isolated, fastThreads: m.fastThreads });
    if (m.kind === 'done') { Object.assign(out, { result: m.result, gpt: m.gpt, fastThreadsReady: m.fastThreadsReady, threadStats: m.threadStats }); worker.terminate(); resolve(out); }
    if (m.kind === 'error') { worker.terminate(); reject(new Error(m.message)); }
  };
  worker.onerror = (e) => { worker.terminate(); reject(new Error(e.message || 'worker failed')); };
  worker.postMessage(request);
});
</script></body></html>`;

/** The benchmark's worker (or another entry: tests/browser/fast-threads.test.ts), bundled in memory with esbuild. */
export async function bundleWorker(entry = path.join(root, 'scripts', 'bench-page', 'worker.ts')): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return out.outputFiles[0].text;
}

/** Serves a blank page, the bundled worker at /bench-worker.js and tfjs's .wasm files; COOP/COEP when `isolated`. */
export async function serve(workerJs: string, isolated: boolean): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const headers: Record<string, string> = { 'Cache-Control': 'no-cache' };
    if (isolated) Object.assign(headers, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' });
    const send = (type: string, body: string | Buffer) => res.writeHead(200, { ...headers, 'Content-Type': type }).end(body);
    if (url.pathname === '/') return send('text/html; charset=utf-8', PAGE);
    if (url.pathname === '/bench-worker.js') return send('text/javascript; charset=utf-8', workerJs);
    // tfjs's threaded build fetches its .wasm again from its pthread workers, relative to the site root.
    const wasm = url.pathname.match(/^\/(?:tfjs\/)?([\w.-]+\.wasm)$/);
    if (wasm && existsSync(path.join(wasmDir, wasm[1]))) return send('application/wasm', readFileSync(path.join(wasmDir, wasm[1])));
    if (url.pathname === '/favicon.ico') return void res.writeHead(204, headers).end();
    if (process.env.BENCH_DEBUG) console.log(`  404 ${url.pathname}`);
    res.writeHead(404, headers).end('not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

interface PageResult {
  info: { name: string; reason: string };
  wasmThreads: number | null;
  wasmSimd: boolean | null;
  isolated: boolean;
  /** The fast path's products: threads asked for, and why one where so. */
  fastThreads?: { threads: number; started: number; oneThreadBecause: string | null } | null;
  /** Threads that had started by the end of the run. */
  fastThreadsReady?: number | null;
  threadStats?: { jobs: number; helperBlocks: number; takenBack: number; errors: string[] } | null;
  /** The MLP's table (null with --models=gpt). */
  result: BenchResult | null;
  /** /attention/'s transformer (src/engine/gptBenchmark.ts; null with --models=mlp and with --threads). */
  gpt?: BenchResult | null;
  /** Errors the page or its worker logged. */
  errors?: string[];
}

async function runInPage(browser: Browser, origin: string, request: BenchRequest): Promise<PageResult> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'log') console.log(`    ${m.text()}`);
    else if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
  });
  try {
    await page.goto(`${origin}/`);
    const result = (await page.evaluate((r) => (window as unknown as { runBench(r: unknown): Promise<unknown> }).runBench(r), request)) as PageResult;
    return { ...result, errors };
  } catch (e) {
    throw new Error(`${(e as Error).message}${errors.length ? `\n  page errors: ${errors.join('\n  ')}` : ''}`);
  } finally {
    await context.close();
  }
}

/**
 * Flags that let Chromium use a real GPU where there is one: WebGPU is behind a flag on Linux, the GPU
 * blocklist would refuse many drivers, and headless Chromium draws through ANGLE, which needs Vulkan to
 * reach the hardware on Linux.
 */
export const GPU_ARGS = [
  '--enable-unsafe-webgpu',
  '--ignore-gpu-blocklist',
  '--enable-gpu',
  '--use-angle=vulkan',
  '--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan',
];

interface Adapters {
  webgpu: { found: boolean; fallback?: boolean; vendor?: string; architecture?: string; device?: string; description?: string; why?: string };
  webgl: { renderer: string; vendor: string; software: boolean } | { why: string };
}

/** What Chromium offers this page: the WebGPU adapter (hardware or fallback) and the WebGL renderer. */
async function findAdapters(browser: Browser, origin: string): Promise<Adapters> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(`${origin}/`);
    return await page.evaluate(async () => {
      const software = /swiftshader|llvmpipe|softpipe|software|basic render/i;
      const out = {} as Adapters;
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(o?: unknown): Promise<null | { isFallbackAdapter?: boolean; info?: Record<string, unknown> }> } }).gpu;
      if (!gpu) out.webgpu = { found: false, why: 'navigator.gpu is missing' };
      else {
        const a = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch((e: Error) => { out.webgpu = { found: false, why: e.message }; return null; });
        if (a) {
          const info = (a.info ?? {}) as Record<string, string | boolean | undefined>;
          out.webgpu = { found: true, fallback: Boolean(a.isFallbackAdapter ?? info.isFallbackAdapter), vendor: info.vendor as string, architecture: info.architecture as string, device: info.device as string, description: info.description as string };
        } else out.webgpu ??= { found: false, why: 'requestAdapter() returned null' };
      }
      const gl = document.createElement('canvas').getContext('webgl2');
      if (!gl) out.webgl = { why: 'no WebGL2 context' };
      else {
        const ext = gl.getExtension('WEBGL_debug_renderer_info');
        const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
        const vendor = String(ext ? gl.getParameter(ext.UNMASKED_VENDOR_WEBGL) : gl.getParameter(gl.VENDOR));
        out.webgl = { renderer, vendor, software: software.test(renderer) };
      }
      return out;
    });
  } finally {
    await context.close();
  }
}

function describeAdapters(a: Adapters, flags: string[]): string {
  const w = a.webgpu;
  const webgpu = !w.found ? `WebGPU: no adapter (${w.why})`
    : `WebGPU: ${w.fallback ? 'software fallback adapter' : 'hardware adapter'} ${[w.vendor, w.architecture, w.device, w.description].filter(Boolean).join(' / ') || '(no adapter info)'}`;
  const webgl = 'why' in a.webgl ? `WebGL: ${a.webgl.why}` : `WebGL: ${a.webgl.software ? 'software renderer' : 'hardware renderer'} ${a.webgl.renderer} (${a.webgl.vendor})`;
  const hardware = (w.found && !w.fallback) || (!('why' in a.webgl) && !a.webgl.software);
  const verdict = hardware ? '' : `
No hardware adapter found: Chromium offers only software WebGPU/WebGL here. Tried the flags ${flags.join(' ')}. ` +
    'On Linux, check that the GPU driver and Vulkan (vulkaninfo) work, or point CHROMIUM= at a Chrome build with GPU support.';
  return `${webgpu}
${webgl}${verdict}`;
}

export async function runBrowserBench(argv: string[]): Promise<void> {
  const threadsArg = argv.find((a) => a.startsWith('--threads='))?.split('=')[1];
  const threadCounts = threadsArg?.split(',').filter(Boolean).map(Number);
  if (threadCounts?.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--threads must be a list of positive integers (got ${threadsArg}).`);
  // Thread counts matter to WASM only; by default they measure the issue's three figures on the fast path.
  const opts = parseArgs(argv, threadCounts ? { backends: ['wasm'], reps: 15, slowReps: 5 } : { backends: ['default', 'wasm', 'webgl', 'cpu'], reps: 15, slowReps: 5 });
  if (threadCounts) {
    if (!argv.some((a) => a.startsWith('--ranks='))) opts.ranks = [4];
    if (!argv.some((a) => a.startsWith('--only='))) opts.only = ['lora', 'full', 'forward'];
    if (!argv.some((a) => a.startsWith('--paths='))) opts.paths = ['fast'];
  }
  if (opts.gpu && !argv.some((a) => a.startsWith('--backends='))) opts.backends = ['default', 'webgpu', 'webgl', 'wasm'];
  if ((opts.webgpu || opts.gpu) && !opts.backends.includes('webgpu')) opts.backends.push('webgpu');
  const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) throw new Error(`No Chromium at ${executablePath}: apt-get install -y chromium, or set CHROMIUM=path.`);

  const workerJs = await bundleWorker();
  const server = await serve(workerJs, opts.isolated);
  const args = ['--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  if (opts.gpu) args.push(...GPU_ARGS);
  else if (opts.webgpu) args.push('--enable-unsafe-webgpu');
  if (!argv.includes('--liftoff')) args.push('--js-flags=--no-liftoff'); // steady-state figures: see bench.ts
  const browser = await chromium.launch({ executablePath, headless: true, args });
  console.log(`Chromium ${browser.version()} (headless); ${machineLine()}${opts.isolated ? '; cross-origin isolated' : ''}${argv.includes('--liftoff') ? '' : '; V8 --no-liftoff'}`);
  const results: { label: string; threads?: number; page: PageResult }[] = [];
  let adapters: Adapters | undefined;
  try {
    if (opts.gpu || opts.webgpu) {
      adapters = await findAdapters(browser, server.origin);
      console.log(describeAdapters(adapters, opts.gpu ? GPU_ARGS : ['--enable-unsafe-webgpu']));
    }
    for (const name of opts.backends) {
      for (const threads of threadCounts ?? [undefined]) {
        const site = name === 'default';
        const request: BenchRequest = {
          prefer: site ? undefined : (name as BenchRequest['prefer']),
          threads,
          opts: {
            ranks: site ? [4] : opts.ranks,
            reps: opts.reps,
            warmup: opts.warmup,
            slowReps: opts.slowReps,
            only: site ? ['lora', 'full', 'forward'] : opts.only,
            paths: opts.paths as PathName[] | undefined,
            kernels: opts.kernels,
            // Kernels, GPU programs and reads per LoRA r=4 step: ten more steps per backend.
            dispatches: true,
          },
          // Thread scaling is measured on the MLP's products only.
          models: threadCounts ? ['mlp'] : opts.models,
        };
        const what = site ? "the site's default backend (initBackend() with no preference)" : `backend ${name}`;
        console.log(`\n${what}${threads ? `, ${threads} thread(s) asked for` : ''}: running…`);
        try {
          const page = await runInPage(browser, server.origin, request);
          if (!site && page.info.name !== name) {
            console.log(`backend ${name}: not available here (${page.info.reason}); measured ${page.info.name} instead, not reported`);
            if (page.errors?.length) console.log(`  logged: ${page.errors.join('\n  ')}`);
            continue;
          }
          const f = page.fastThreads;
          const fastNote = f ? `; the fast path's products: ${f.threads} thread(s)${f.oneThreadBecause ? ` (${f.oneThreadBecause})` : ''}, ${f.started} started before timing, ${page.fastThreadsReady ?? '?'} at the end` : '';
          const threadNote = page.wasmThreads !== null ? `; WASM ${page.wasmSimd ? 'SIMD' : 'without SIMD'}, tfjs ${page.wasmThreads} thread(s)${page.isolated ? ', cross-origin isolated' : ''}${fastNote}` : '';
          console.log(`${site ? `site default = ${page.info.name} (${page.info.reason})` : `backend ${page.info.name}`}${threadNote}`);
          if (page.threadStats) console.log(`  helper threads: ${page.threadStats.jobs} jobs cut, ${page.threadStats.helperBlocks} blocks computed by helpers, ${page.threadStats.takenBack} taken back${page.threadStats.errors.length ? `; helper errors: ${page.threadStats.errors.join('; ')}` : ''}`);
          if (page.errors?.length) console.log(`  logged: ${page.errors.join('\n  ')}`);
          if (page.result) console.log(formatTable(page.result));
          if (page.gpt) console.log(formatTable(page.gpt));
          results.push({ label: site ? `default (${page.info.name})` : name, threads, page });
          if (site && page.result) {
            const lora = page.result.rows.find((r) => r.path === 'fast' && r.name === 'lora r=4');
            if (lora) console.log(`  LoRA r=4 step on the site's default backend: ${lora.ms.toFixed(1)} ms (target ≤ ${TARGETS.loraStepMs} ms)`);
          }
        } catch (e) {
          console.log(`backend ${name}: failed: ${(e as Error).message}`);
        }
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  if (threadCounts && threadCounts.length > 1) console.log(`\n${formatScaling(results.filter((r) => r.threads !== undefined && r.page.result).map((r) => ({ threads: r.page.fastThreads?.threads ?? r.threads!, result: r.page.result! })), opts.isolated)}`);
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify({ machine: machineLine(), chromium: true, adapters, results }, null, 2));
    console.log(`\nraw samples written to ${opts.json}`);
  }
}
