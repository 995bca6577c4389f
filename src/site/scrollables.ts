// A region that scrolls sideways (a long display formula, a wide figure on a
// phone) must be reachable by keyboard, or keyboard users cannot scroll it
// (axe: scrollable-region-focusable). Give every such region that actually
// overflows, and has nothing focusable inside, a tab stop; take it away again
// when it fits.
const SELECTOR = '.katex-display, .figure-body';

function update(): void {
  for (const el of document.querySelectorAll<HTMLElement>(SELECTOR)) {
    // Inside a block that is not laid out (content-visibility: auto, global.css) a size query would
    // force its layout: such a region is checked when its block is laid out (the listener below).
    if (el.checkVisibility && !el.checkVisibility({ contentVisibilityAuto: true })) continue;
    const scrolls = el.scrollWidth > el.clientWidth + 1
      && !el.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])');
    const ours = el.dataset.scrollFocus === '1';
    if (scrolls && !el.hasAttribute('tabindex')) {
      el.tabIndex = 0;
      el.dataset.scrollFocus = '1';
    } else if (!scrolls && ours) {
      el.removeAttribute('tabindex');
      delete el.dataset.scrollFocus;
    }
  }
}

let frame = 0;
const soon = () => { cancelAnimationFrame(frame); frame = requestAnimationFrame(update); };
update();
addEventListener('resize', soon);
addEventListener('load', soon);
document.fonts?.ready.then(soon);
// A block far from the screen is not laid out (content-visibility: auto, global.css): a formula that is
// such a block measures as fitting until then, so re-check when one is laid out (the event does not bubble).
addEventListener('contentvisibilityautostatechange', soon, { capture: true });
// Cells fill their figures after load; re-check when the page's layout changes size.
new ResizeObserver(soon).observe(document.body);
