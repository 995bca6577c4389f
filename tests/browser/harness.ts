// Shared set-up for browser tests: serve dist/, launch Debian's Chromium through
// playwright-core, and open pages that record every console error, failed
// request, request to another host and Content-Security-Policy violation as a "problem".
import { afterAll, beforeAll, expect } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { readdirSync } from 'node:fs';
import { serveDir, type Served } from './server';

const ARGS = ['--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface OpenOptions {
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
  /** Service workers are blocked unless a test asks for them (offline tests): each would precache ~15 MB. */
  serviceWorkers?: 'allow' | 'block';
}

export interface OpenedPage { page: Page; context: BrowserContext; problems: string[] }

export interface OpenedCell extends OpenedPage {
  /** The locator for the cell's selector; its element is scrolled into view. */
  cell: Locator;
}

export interface Site {
  origin: string;
  browser: Browser;
  /** Open `path` in a fresh context (a new profile: no storage carried over). */
  open(path: string, opts?: OpenOptions): Promise<OpenedPage>;
  /**
   * Open `path` and scroll the cell matching `selector` into view: cells start their work (and some
   * their engine) only once they are on screen, so most tests begin this way.
   */
  openCell(path: string, selector: string, opts?: OpenOptions): Promise<OpenedCell>;
  /** Open `path` with JavaScript off: the page as served, before any script runs (no problems are recorded). */
  openWithoutScripts(path: string): Promise<{ page: Page; context: BrowserContext }>;
}

export interface SiteOptions {
  /**
   * Extra Chromium flags for this file's browser, e.g. WEBGPU_ARGS. The default launch (no extra flags)
   * is what every other test file gets.
   */
  args?: string[];
  /** Serve every response with COOP/COEP (a cross-origin isolated site). */
  isolated?: boolean;
}

/** Chromium's WebGPU is off in headless Linux builds; with this flag it offers a software (fallback) adapter. */
export const WEBGPU_ARGS = ['--enable-unsafe-webgpu'];

/** Launches Debian's Chromium with the tests' flags plus `extra`. */
export function launchChromium(extra: string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: [...ARGS, ...extra] });
}

/** Call at the top of a test file: starts the server and browser once for the file. */
export function useSite(opts: SiteOptions = {}): Site {
  let served: Served;
  const site = {} as Site;
  beforeAll(async () => {
    served = await serveDir(undefined, { isolated: opts.isolated });
    site.origin = served.origin;
    site.browser = await launchChromium(opts.args);
    site.open = (path, opts) => openPage(site.browser, served.origin, path, opts);
    site.openCell = async (path, selector, opts) => {
      const opened = await site.open(path, opts);
      const cell = opened.page.locator(selector);
      await cell.scrollIntoViewIfNeeded();
      return { ...opened, cell };
    };
    site.openWithoutScripts = async (path) => {
      const context = await site.browser.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${served.origin}${path}`);
      return { page, context };
    };
  });
  afterAll(async () => {
    await site.browser?.close();
    await served?.close();
  });
  return site;
}

async function openPage(browser: Browser, origin: string, path: string, opts: OpenOptions = {}): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
    colorScheme: opts.colorScheme ?? 'light',
    serviceWorkers: opts.serviceWorkers ?? 'block',
  });
  const problems: string[] = [];
  // Anything for another host is blocked and reported: the site must be self-contained.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    problems.push(`request to another host: ${url}`);
    return route.abort();
  });
  // Content-Security-Policy violations are problems too (the event, besides Chromium's console message).
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline code'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  const page = await context.newPage();
  page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url})`); });
  // Errors inside workers too: the engine worker's own console, and Emscripten's report of a crashed
  // WebAssembly thread ("worker sent an error!", a warning) which is how a broken pthread shows itself.
  page.on('worker', (worker) => worker.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`worker console error: ${msg.text()} (${worker.url().slice(0, 80)})`);
  }));
  page.on('console', (msg) => { if (msg.type() === 'warning' && /worker sent an error/.test(msg.text())) problems.push(`worker crashed: ${msg.text()}`); });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => {
    if (req.url().startsWith(origin)) problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`);
  });
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`); });
  await page.goto(origin + path, { waitUntil: 'load' });
  return { page, context, problems };
}

/**
 * The end of a page test: the page recorded no problem (console error, failed or foreign request, CSP
 * violation, crashed worker) while the test drove it; then its context is closed. On a failure the
 * context is left open, as it was when each test wrote these two lines itself.
 */
export async function expectNoProblemsAndClose(problems: string[], context: BrowserContext): Promise<void> {
  expect(problems).toEqual([]);
  await context.close();
}

/** Scroll through the whole page so every lazily started cell starts, then wait for the network to settle. */
export async function scrollThrough(page: Page): Promise<void> {
  await page.evaluate(async () => {
    for (let y = 0; y <= document.body.scrollHeight; y += window.innerHeight / 2) {
      window.scrollTo(0, y);
      await new Promise((r) => setTimeout(r, 50));
    }
    window.scrollTo(0, 0);
  });
  await page.waitForLoadState('networkidle');
}

/** URL paths of every chapter in content/ (file name = path), plus the contents page. */
export function sitePaths(): string[] {
  const chapters = readdirSync('content').filter((f) => f.endsWith('.mdx')).map((f) => `/${f.replace(/\.mdx$/, '')}/`);
  return ['/', ...chapters.sort()];
}
