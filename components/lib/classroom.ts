// Classroom links: a teacher's URL can fix some controls and hide others, e.g.
//   /mlp/?mt.rank=8&lock=mt.rank,mt.task&hide=mt.seed
// Names are the state keys that state.ts writes ("prefix.key"); "mt.*" matches
// every key of one cell, "*" every key on the page. A locked control shows the
// value from the URL, is disabled (screen readers still read it, with its label)
// and says so in a visible note; a hidden control is removed from view but its URL
// value still applies. bindInput() calls markControl() for every control it binds,
// so every cell gets this for free; a cell with hand-made controls can call
// markControl() itself.

export interface ClassroomRules { lock: string[]; hide: string[] }

/** Split one or more comma lists into names (blank and duplicate names dropped). */
function names(values: string[]): string[] {
  return [...new Set(values.flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean))];
}

/** The lock/hide lists of a query string. */
export function classroomRules(search: string = typeof location === 'undefined' ? '' : location.search): ClassroomRules {
  const p = new URLSearchParams(search);
  return { lock: names(p.getAll('lock')), hide: names(p.getAll('hide')) };
}

/** Whether a list names a state key: exactly, by "prefix.*", or by "*". */
export function listMatches(list: readonly string[], name: string): boolean {
  return list.some((r) => r === name || r === '*' || (r.endsWith('.*') && name.startsWith(r.slice(0, -1))));
}

export type ControlMode = 'free' | 'locked' | 'hidden';

/** What the rules say about one key (hide wins over lock). */
export function controlMode(rules: ClassroomRules, name: string): ControlMode {
  return listMatches(rules.hide, name) ? 'hidden' : listMatches(rules.lock, name) ? 'locked' : 'free';
}

/** A query string with new lock/hide lists (other parameters kept, commas left readable). */
export function withRules(search: string, rules: ClassroomRules): string {
  const p = new URLSearchParams(search);
  p.delete('lock');
  p.delete('hide');
  if (rules.lock.length) p.set('lock', rules.lock.join(','));
  if (rules.hide.length) p.set('hide', rules.hide.join(','));
  const q = p.toString().replace(/%2C/gi, ',');
  return q ? `?${q}` : '';
}

// ---- DOM side -------------------------------------------------------------

type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** Keep a control disabled even when its cell re-enables its controls after a run. */
function pinDisabled(el: Control): void {
  el.disabled = true;
  Object.defineProperty(el, 'disabled', { configurable: true, get: () => true, set: () => {} });
}

let noteId = 0;
function lockNote(): HTMLElement {
  const note = document.createElement('span');
  note.className = 'lock-note';
  note.id = `lock-note-${++noteId}`;
  note.textContent = 'fixed by this link';
  return note;
}

/** The element that holds a group's controls and nothing else bound (a fieldset or role=group). */
function groupBox(els: Control[]): HTMLElement | null {
  const box = els[0].closest<HTMLElement>('fieldset, [role="group"], [role="radiogroup"]');
  if (!box || !els.every((e) => box.contains(e))) return null;
  const others = [...box.querySelectorAll('input, select, textarea')].filter((e) => !els.includes(e as Control));
  return others.length ? null : box;
}

/** What to hide for one control: its label(s), its output, and a wrapper that holds only those. */
function hideTargets(el: Control): HTMLElement[] {
  const targets = new Set<HTMLElement>([el]);
  const labels = [...(el.labels ?? [])];
  labels.forEach((l) => targets.add(l));
  if (el.id) document.querySelectorAll<HTMLElement>(`output[for~="${CSS.escape(el.id)}"]`).forEach((o) => targets.add(o));
  const wrapper = el.parentElement;
  if (wrapper && !wrapper.matches('fieldset, form, .controls, figure, main, [data-prefix]') && !wrapper.tagName.includes('-')) {
    const kids = [...wrapper.children] as HTMLElement[];
    if (kids.length && kids.every((k) => targets.has(k) || k.contains(el))) targets.add(wrapper);
  }
  // A label that wraps the control hides it anyway; hiding the control alone would leave the text.
  return [...targets];
}

/**
 * Apply the page's lock/hide rules to the control(s) bound to `name` ("prefix.key").
 * Marks them with data-state-key (print and the classroom-link builder read it).
 */
export function markControl(name: string, els: Control[], rules: ClassroomRules = classroomRules()): ControlMode {
  for (const el of els) el.dataset.stateKey = name;
  const mode = controlMode(rules, name);
  if (mode === 'free' || els.length === 0) return mode;
  const box = els.length > 1 || (els[0] instanceof HTMLInputElement && els[0].type === 'radio') ? groupBox(els) : null;
  if (mode === 'hidden') {
    const targets = box ? [box] : els.flatMap(hideTargets);
    for (const t of targets) t.classList.add('classroom-hidden');
    return mode;
  }
  els.forEach(pinDisabled);
  const note = lockNote();
  const legend = box?.querySelector(':scope > legend:not(.sr-only)');
  const label = els.length === 1 ? els[0].labels?.[0] : null;
  if (legend) legend.append(' ', note);
  else if (box) box.append(note);
  else if (label) label.append(' ', note);
  else els[els.length - 1].after(note);
  for (const el of els) {
    const ids = new Set((el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean));
    if (!label) ids.add(note.id);
    if (ids.size) el.setAttribute('aria-describedby', [...ids].join(' '));
  }
  return mode;
}
