// Reading the page's bound controls (those bindInput marked with data-state-key):
// their names, human labels and current values in words. Used by the printed
// handout (settings under each figure) and the classroom-link builder.

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Bound controls under `root`, grouped by state key, in document order. */
export function boundControls(root: ParentNode): Map<string, Control[]> {
  const map = new Map<string, Control[]>();
  root.querySelectorAll<Control>('[data-state-key]').forEach((el) => {
    const key = el.dataset.stateKey!;
    map.set(key, [...(map.get(key) ?? []), el]);
  });
  return map;
}

/** Visible text of an element without the controls, outputs and notes inside it. */
function textOf(el: Element): string {
  const copy = el.cloneNode(true) as Element;
  copy.querySelectorAll('input, select, textarea, output, .lock-note, .sr-only, [aria-hidden="true"]').forEach((n) => n.remove());
  return (copy.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** A control group's label: its legend or aria-label, else its (first) control's label. */
export function controlLabel(els: Control[]): string {
  const first = els[0];
  const group = els.length > 1 || (first instanceof HTMLInputElement && first.type === 'radio')
    ? first.closest('fieldset, [role="group"], [role="radiogroup"]') : null;
  if (group) {
    const legend = group.querySelector(':scope > legend');
    const named = group.getAttribute('aria-label') ?? (legend ? textOf(legend) : '');
    if (named) return named;
  }
  const own = first.getAttribute('aria-label') ?? (first.labels?.[0] ? textOf(first.labels[0]) : '');
  return own || first.dataset.stateKey || first.name || 'setting';
}

/** A control group's value in words. */
export function controlValue(els: Control[]): string {
  const first = els[0];
  if (first instanceof HTMLSelectElement) return first.selectedOptions[0]?.textContent?.trim() ?? first.value;
  if (first instanceof HTMLInputElement && (first.type === 'checkbox' || first.type === 'radio')) {
    if (els.length === 1 && first.type === 'checkbox') return first.checked ? 'on' : 'off';
    const picked = (els as HTMLInputElement[]).filter((e) => e.checked).map((e) => (e.labels?.[0] ? textOf(e.labels[0]) : '') || e.value);
    return picked.length ? picked.join(', ') : 'none';
  }
  return first.value;
}
