// Render an Observable Plot figure into a container. Plot is imported
// dynamically (it is large), once a chart comes near the screen. The figure gets
// role="img" and an aria-label, follows the container's width, and is redrawn when
// the theme changes, using colours read from the site's CSS variables (see
// src/styles/theme.css).
import { whenNear } from './onscreen';

type PlotModule = typeof import('@observablehq/plot');

export interface PlotTheme {
  fg: string;
  muted: string;
  bg: string;
  accent: string;
  border: string;
  /** Categorical colours that contrast with the background in both themes. */
  series: string[];
}

export interface PlotContext { width: number; theme: PlotTheme }

/** The current theme's colours, as computed for `el`. */
export function themeColors(el: Element = document.documentElement): PlotTheme {
  const cs = getComputedStyle(el);
  const v = (name: string) => cs.getPropertyValue(name).trim();
  return {
    fg: v('--fg'), muted: v('--muted'), bg: v('--bg'), accent: v('--accent'), border: v('--border'),
    series: [v('--series-1'), v('--series-2'), v('--series-3'), v('--series-4')],
  };
}

/**
 * How much larger charts are drawn in presentation mode (components/classroom/present.ts): the CSS
 * variable --present-chart-zoom (classroom.css sets 1.5; a cell whose slide is dense with charts sets less).
 */
function presentZoom(container: HTMLElement): number {
  if (!document.documentElement.classList.contains('presenting')) return 1;
  const z = parseFloat(getComputedStyle(container).getPropertyValue('--present-chart-zoom'));
  return Number.isFinite(z) && z > 0 ? z : 1;
}

const active = new WeakMap<HTMLElement, () => void>();
/** Containers that have come near the screen once (their charts draw at once from then on). */
const seen = new WeakSet<HTMLElement>();
/** One wait per container, however many times its chart is asked for before it comes near. */
const nearing = new WeakMap<HTMLElement, Promise<void>>();
/** Containers still waiting to come near, each with the function that lets its chart draw now. */
const waiting = new Map<HTMLElement, () => void>();
/** renderPlot calls not settled yet. */
const pending = new Set<Promise<unknown>>();

/**
 * Resolves once `container` has come within a screen of view. Plot (~380 kB of script whose
 * evaluation builds the page's first Intl number format: ~80 ms of main thread on a laptop, four
 * times that on a phone) is loaded only for a chart the reader is about to see, not for every
 * cell that starts near the top of a long chapter.
 */
function near(container: HTMLElement): Promise<void> {
  if (seen.has(container)) return Promise.resolve();
  let wait = nearing.get(container);
  if (!wait) {
    wait = new Promise<void>((resolve) => {
      let cancel = () => {};
      const arrive = () => {
        cancel();
        seen.add(container);
        nearing.delete(container);
        waiting.delete(container);
        resolve();
      };
      waiting.set(container, arrive);
      cancel = whenNear(container, arrive);
    });
    nearing.set(container, wait);
  }
  return wait;
}

/**
 * Draw every chart still waiting to come near the screen, and resolve once every chart asked for
 * is drawn: the printed handout (components/classroom/print.ts) shows every figure a cell has.
 */
export async function drawAllCharts(): Promise<void> {
  for (const arrive of [...waiting.values()]) arrive();
  await Promise.allSettled([...pending]);
}

const generation = new WeakMap<HTMLElement, number>();
/** Ends the wait of the call that is waiting for its container to come near, once a later call or a clear replaces it. */
const wake = new WeakMap<HTMLElement, () => void>();

/** A new generation for `container`: a draw asked for before it is dropped, and stops waiting at once (its data is freed). */
function supersede(container: HTMLElement): number {
  active.get(container)?.();
  wake.get(container)?.();
  const gen = (generation.get(container) ?? 0) + 1;
  generation.set(container, gen);
  return gen;
}

/**
 * Empty a chart's container (a cell with nothing to show). Use this, not `replaceChildren()`: a chart
 * still waiting to come near the screen would otherwise be drawn later, with the data it was asked with.
 */
export function clearPlot(container: HTMLElement): void {
  supersede(container);
  container.replaceChildren();
}

/**
 * Draw `build(Plot, {width, theme})` into `container`, replacing what was there, once the
 * container is within a screen of view (the promise settles then).
 * Redraws on resize and theme change until the returned function is called
 * (or renderPlot is called again on the same container).
 */
export function renderPlot(
  container: HTMLElement,
  build: (Plot: PlotModule, ctx: PlotContext) => SVGSVGElement | HTMLElement,
  opts: { label: string },
): Promise<() => void> {
  const p = drawWhenNear(container, build, opts);
  pending.add(p);
  const settled = () => void pending.delete(p);
  p.then(settled, settled);
  return p;
}

async function drawWhenNear(
  container: HTMLElement,
  build: (Plot: PlotModule, ctx: PlotContext) => SVGSVGElement | HTMLElement,
  opts: { label: string },
): Promise<() => void> {
  const gen = supersede(container);
  // Until the container comes near; a later call (a training chart is asked for at every step) ends this wait.
  await new Promise<void>((resolve) => {
    wake.set(container, resolve);
    void near(container).then(resolve);
  });
  if (generation.get(container) !== gen) return () => {};
  wake.delete(container);
  const Plot = await import('@observablehq/plot');
  container.classList.add('plot-container');
  let lastWidth = -1;
  let lastZoom = 1;
  /** A redraw was skipped while the chart was hidden: the next one must happen. */
  let stale = false;
  const draw = (force: boolean) => {
    // A drawn chart on a hidden slide (display: none) has no width: it is drawn again when it is
    // shown (the ResizeObserver reports it), not at a made-up width now.
    if (container.clientWidth === 0 && container.firstChild) { stale = true; return; }
    // In presentation mode the prose is set large; a chart drawn at the container's full width
    // would keep its 10 px labels. It is drawn narrower and enlarged to the same width instead.
    const zoom = presentZoom(container);
    const width = Math.max(240, Math.floor(container.clientWidth / zoom));
    if (!force && !stale && width === lastWidth && zoom === lastZoom) return;
    lastWidth = width;
    lastZoom = zoom;
    stale = false;
    const el = build(Plot, { width, theme: themeColors(container) });
    if (zoom !== 1) el.style.zoom = String(zoom);
    // The whole figure is one image with one name; Plot's per-mark labels on <g>
    // elements are not permitted ARIA there (axe: aria-prohibited-attr).
    // The mark's name is kept as data-mark (e.g. "x-axis tick label"): tests find the axes by it.
    el.querySelectorAll('[aria-label], [aria-description]').forEach((n) => {
      const mark = n.getAttribute('aria-label');
      if (mark) n.setAttribute('data-mark', mark);
      n.removeAttribute('aria-label');
      n.removeAttribute('aria-description');
    });
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', opts.label);
    container.replaceChildren(el);
  };
  // Each chart draws in a task of its own (not in the one that loaded Plot, nor with the
  // page's other charts), so a page with several charts has no long task at load.
  await new Promise<void>((resolve) => setTimeout(resolve, 0));
  // A later call for the same container replaced this one while it waited: draw only the latest.
  if (generation.get(container) !== gen) return () => {};
  active.get(container)?.();
  draw(true);
  let frame = 0;
  const ro = new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => draw(false));
  });
  ro.observe(container);
  const onTheme = () => draw(true);
  document.addEventListener('themechange', onTheme);
  document.addEventListener('presentchange', onTheme);
  const dispose = () => {
    ro.disconnect();
    cancelAnimationFrame(frame);
    document.removeEventListener('themechange', onTheme);
    document.removeEventListener('presentchange', onTheme);
    active.delete(container);
  };
  active.set(container, dispose);
  return dispose;
}
