// Keyboard focus survives a button that disables itself. Pressing Enter on "Train"
// starts a run, the cell disables Train while it runs, and the browser then moves
// focus to <body>: the next Tab starts again from the top of the page. Cells set
// `disabled` in many places (each its own run logic), so instead of asking each to
// move focus, one observer watches `disabled` change on the page: when the control
// that had focus becomes disabled and focus fell to <body>, focus moves to the
// nearest enabled button of the same cell (Train → Pause or Stop; Pause, once the
// run ends → Train). If none is enabled yet (a cell that enables Stop only once its
// job has started), it waits a moment for one.
//
// Installed once by state.ts, which every cell with controls imports.

const WAIT_MS = 3000;

/** The cell around a control: its custom element (tag with a dash), else its figure. */
function cellOf(el: Element): Element | null {
  for (let p: Element | null = el.parentElement; p; p = p.parentElement) {
    if (p.localName.includes('-')) return p;
  }
  return el.closest('figure');
}

const usable = (b: HTMLButtonElement) => !b.matches(':disabled') && b.getClientRects().length > 0 && !b.closest('[hidden], [inert]');

/** The enabled button nearest to `from` in the cell's button order (earlier wins a tie). */
export function nearestButton(from: Element, cell: Element): HTMLButtonElement | null {
  const all = [...cell.querySelectorAll<HTMLButtonElement>('button')];
  let at = all.indexOf(from as HTMLButtonElement);
  if (at < 0) {
    // Not a button (a field): measure from the first button that follows it.
    at = all.findIndex((b) => from.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
    if (at < 0) at = all.length;
  }
  let best: HTMLButtonElement | null = null;
  let bestDist = Infinity;
  all.forEach((b, i) => {
    const dist = Math.abs(i - at);
    if (usable(b) && dist < bestDist) { best = b; bestDist = dist; }
  });
  return best;
}

export function keepFocus(doc: Document = document): void {
  const w = doc.defaultView as (Window & { __keepFocus?: boolean }) | null;
  if (!w || w.__keepFocus) return;
  w.__keepFocus = true;
  let last: Element | null = null;
  let orphan: { el: Element; cell: Element; until: number } | null = null;
  doc.addEventListener('focusin', (e) => { last = e.target as Element; orphan = null; });
  // Chromium blurs a focused control that became disabled only at its next rendering update,
  // so until then the disabled control itself still counts as lost focus.
  const lost = () => !doc.activeElement || doc.activeElement === doc.body || doc.activeElement.matches(':disabled');
  const rescue = () => {
    if (!orphan) return;
    if (performance.now() > orphan.until || !lost()) { orphan = null; return; }
    const next = nearestButton(orphan.el, orphan.cell);
    if (next) { orphan = null; next.focus(); }
  };
  new MutationObserver((records) => {
    if (last && records.some((r) => r.target === last || (r.target as Element).contains(last))
      && last.matches(':disabled') && lost()) {
      const cell = cellOf(last);
      if (cell) orphan = { el: last, cell, until: performance.now() + WAIT_MS };
    }
    rescue();
  }).observe(doc.documentElement, { subtree: true, attributes: true, attributeFilter: ['disabled'] });
}
