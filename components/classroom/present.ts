// Presentation mode: the chapter as large-type slides, one figure at a time.
// On with the "Presentation mode" checkbox or ?present=1 (and &slide=N), off with
// Escape, the Exit button or the checkbox. ArrowRight/PageDown and ArrowLeft/PageUp
// step (Home/End: first/last) unless focus is in a control that uses those keys.
// Slides show and hide the page's own blocks, so live cells keep their state and
// keep running: nothing is re-created.
import { assignSlides, slideCount, slideFromParam, slideKey, type Block } from './slides';

const main = document.querySelector<HTMLElement>('main.page');
const toggle = document.getElementById('present-toggle') as HTMLInputElement | null;
const bar = document.querySelector<HTMLElement>('.present-bar');
const counter = bar?.querySelector<HTMLOutputElement>('output');

let blocks: HTMLElement[] = [];
let kinds: Block[] = [];
let assigned: number[] = [];
let count = 0;
let current = 0;
/** The scale that fits the current slide on the screen (1: it fits as it is). */
let scale = 1;
let watcher: ResizeObserver | null = null;
let fitFrame = 0;

function classify(el: HTMLElement): Block {
  if (el.matches('.chapter-tools, .present-bar, .chapter-nav, script, style')) return 'skip';
  if (/^H[1-4]$/.test(el.tagName) || (el.tagName === 'SECTION' && el.querySelector(':scope > h2'))) return 'heading';
  if (el.tagName === 'FIGURE' || el.tagName.includes('-') || el.tagName === 'DETAILS'
    || el.querySelector('figure, input, select, button, output, canvas, svg:not(.katex svg)')) return 'figure';
  return 'text';
}

/** Cut the chapter into slides. Called with presentation type on and every block shown, so text is measured as it will be projected. */
function layout(): void {
  if (!main || !bar) return;
  blocks = [...main.children].filter((c): c is HTMLElement => c instanceof HTMLElement);
  const heights = blocks.map((el) => {
    const cs = getComputedStyle(el); // grid items' margins do not collapse: both count
    return el.getBoundingClientRect().height + parseFloat(cs.marginTop || '0') + parseFloat(cs.marginBottom || '0');
  });
  const room = bar.getBoundingClientRect().top - 12 - parseFloat(getComputedStyle(main).paddingTop || '0');
  kinds = blocks.map(classify);
  assigned = assignSlides(kinds, heights, room);
  count = slideCount(assigned);
}

const presenting = () => document.documentElement.classList.contains('presenting');

function writeUrl(): void {
  const url = new URL(location.href);
  if (presenting()) {
    url.searchParams.set('present', '1');
    url.searchParams.set('slide', String(current + 1));
  } else {
    url.searchParams.delete('present');
    url.searchParams.delete('slide');
  }
  const q = url.searchParams.toString().replace(/%2C/gi, ',');
  history.replaceState(history.state, '', `${url.pathname}${q ? `?${q}` : ''}${url.hash}`);
}

function show(i: number, focus = true): void {
  current = Math.max(0, Math.min(count - 1, i));
  let first: HTMLElement | null = null;
  blocks.forEach((el, k) => {
    const on = assigned[k] === current;
    el.classList.toggle('slide-off', !on && assigned[k] >= 0);
    if (on && !first) first = el;
  });
  // A figure's slide is set at reading type (a cell in two columns on a wide screen, classroom.css): at
  // presentation type a cell with its charts is two to three screens tall and would shrink to a third.
  // Its charts follow their containers' new widths (plot.ts observes them); nothing else changes.
  document.documentElement.classList.toggle('present-figure', kinds.some((k, j) => k === 'figure' && assigned[j] === current));
  if (counter) counter.value = `Slide ${current + 1} of ${count}`;
  bar?.querySelector<HTMLButtonElement>('[data-role="prev"]')?.toggleAttribute('disabled', current === 0);
  bar?.querySelector<HTMLButtonElement>('[data-role="next"]')?.toggleAttribute('disabled', current === count - 1);
  window.scrollTo(0, 0);
  watchSlide();
  const target = first as HTMLElement | null;
  if (focus && target) {
    if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
    target.focus({ preventScroll: true });
  }
  writeUrl();
}

/**
 * Scale the slide so that all of it shows on the screen it is projected on, above the slide bar:
 * a cell with its controls and charts can be taller than a 720 px screen at presentation type
 * size. The slide shrinks (around its top centre, with a transform: nothing reflows, so a chart
 * keeps its layout) just enough, and is measured again whenever its content changes size (a chart
 * drawn, a result shown) or the window does.
 */
function fit(): void {
  if (!main || !bar || !presenting()) return;
  const on = blocks.filter((_, k) => assigned[k] === current && !blocks[k].classList.contains('slide-off'));
  if (!on.length) return;
  const rects = on.map((el) => el.getBoundingClientRect());
  const mainRect = main.getBoundingClientRect();
  // Sizes as laid out, before this scale: rectangles include the current transform.
  const bottom = (Math.max(...rects.map((r) => r.bottom)) - mainRect.top) / scale;
  const width = Math.max(...rects.map((r) => r.width)) / scale;
  const barTop = bar.getBoundingClientRect().top;
  const room = barTop - 12 - mainRect.top; // the slide ends above the bar, so the bar covers nothing
  const next = Math.min(1, room / bottom, (document.documentElement.clientWidth - 16) / width);
  if (Math.abs(next - scale) < 0.005) return;
  scale = next;
  main.style.transform = scale < 1 ? `scale(${scale})` : '';
  main.style.transformOrigin = 'top center';
}

function scheduleFit(): void {
  cancelAnimationFrame(fitFrame);
  fitFrame = requestAnimationFrame(fit);
}

function watchSlide(): void {
  watcher?.disconnect();
  watcher = new ResizeObserver(scheduleFit);
  blocks.forEach((el, k) => { if (assigned[k] === current) watcher!.observe(el); });
  fit();
}

function unfit(): void {
  watcher?.disconnect();
  watcher = null;
  scale = 1;
  if (main) main.style.transform = main.style.transformOrigin = '';
}

/**
 * Cut the slides again for a new window size (full screen, a projector with another resolution),
 * staying on the slide that shows the block the current slide starts with.
 */
function recut(): void {
  if (!presenting()) return;
  const anchor = blocks.find((_, k) => assigned[k] === current);
  document.documentElement.classList.remove('present-figure');
  blocks.forEach((el) => el.classList.remove('slide-off'));
  unfit();
  layout();
  const k = anchor ? blocks.indexOf(anchor) : -1;
  show(k >= 0 && assigned[k] >= 0 ? assigned[k] : Math.min(current, count - 1), false);
}

let recutTimer = 0;
let lastSize = '';
function onResize(): void {
  const size = `${innerWidth}×${innerHeight}`;
  if (size === lastSize) return;
  lastSize = size;
  clearTimeout(recutTimer);
  recutTimer = window.setTimeout(recut, 250);
}

/** Start presenting at slide `start` (0-based), or at the 1-based slide named in a link. */
function enter(start: number | string | null = 0): void {
  if (!main || !bar) return;
  document.documentElement.classList.add('presenting');
  bar.hidden = false;
  blocks.forEach((el) => el.classList.remove('slide-off'));
  lastSize = `${innerWidth}×${innerHeight}`;
  layout();
  if (count === 0) {
    document.documentElement.classList.remove('presenting');
    bar.hidden = true;
    return;
  }
  if (toggle) toggle.checked = true;
  document.dispatchEvent(new CustomEvent('presentchange'));
  show(typeof start === 'number' ? start : slideFromParam(start, count));
}

function exit(): void {
  if (!presenting()) return;
  document.documentElement.classList.remove('presenting', 'present-figure');
  unfit();
  document.dispatchEvent(new CustomEvent('presentchange'));
  blocks.forEach((el) => el.classList.remove('slide-off'));
  if (bar) bar.hidden = true;
  if (toggle) toggle.checked = false;
  writeUrl();
  const slideStart = blocks.find((_, k) => assigned[k] === current);
  slideStart?.scrollIntoView({ block: 'start' });
  toggle?.focus({ preventScroll: true });
}

/** Keys belong to the focused control when it uses them (sliders, text, selects, radios). */
function usesKeys(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement) return true;
  if (t instanceof HTMLInputElement) return !['checkbox', 'button', 'submit', 'reset'].includes(t.type);
  return t.closest('[role="slider"], [role="spinbutton"], [role="grid"], [role="listbox"], [role="tablist"], [role="menu"], [role="radiogroup"]') !== null;
}

if (main && bar && toggle) {
  // The bar is position: fixed; inside a scaled <main> it would be scaled and moved with the slide.
  document.body.append(bar);
  window.addEventListener('resize', () => { scheduleFit(); onResize(); });
  toggle.addEventListener('change', () => (toggle.checked ? enter(0) : exit()));
  bar.addEventListener('click', (e) => {
    const role = (e.target as HTMLElement).closest('button')?.dataset.role;
    if (role === 'prev') show(current - 1, false);
    else if (role === 'next') show(current + 1, false);
    else if (role === 'exit') exit();
  });
  document.addEventListener('keydown', (e) => {
    if (!presenting() || e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const action = slideKey(e.key);
    if (!action) return;
    if (action === 'exit') {
      if (e.target instanceof HTMLSelectElement) return;
      e.preventDefault();
      exit();
      return;
    }
    if (usesKeys(e.target)) return;
    e.preventDefault();
    show(action === 'next' ? current + 1 : action === 'prev' ? current - 1 : action === 'first' ? 0 : count - 1);
  });
  const params = new URLSearchParams(location.search);
  if (['1', 'true', 'on', 'yes'].includes(params.get('present') ?? '')) {
    enter(params.get('slide') ?? '1');
  }
}
