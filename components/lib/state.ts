// Declarative cell state kept in the URL query string (like TensorFlow
// Playground's state.ts). A schema names each key, its kind and valid range;
// reading clamps/repairs bad values and explains each repair in a note the cell
// shows to the reader. Several cells share one query string: give each a prefix
// (keys become "prefix.key"). Changes are written with history.replaceState.
//
//   const state = defineState({
//     rank: { kind: 'int', min: 1, max: 64, default: 4, label: 'rank' },
//     task: { kind: 'enum', options: ['digits', 'fashion'], default: 'digits' },
//   }, { prefix: 'train' });
//   showNotes(cell, 'url', state.notes);      // corrections made to the link
//   bindInput(state, 'rank', rangeInput);     // two-way binding
//   state.subscribe((v) => redraw(v.rank));
//
// Classroom links (?lock=train.rank&hide=train.task) fix or hide bound controls:
// see classroom.ts; bindInput applies them.
import { markControl } from './classroom';
import { keepFocus } from './keep-focus';

// A button that disables itself (Train while running) hands keyboard focus to its
// neighbour (keep-focus.ts); every cell with controls imports this module.
if (typeof document !== 'undefined') keepFocus(document);

export type IntSpec = { kind: 'int'; min: number; max: number; default: number; label?: string };
export type NumberSpec = { kind: 'number'; min: number; max: number; default: number; label?: string };
export type BoolSpec = { kind: 'bool'; default: boolean; label?: string };
export type EnumSpec = { kind: 'enum'; options: readonly string[]; default: string; label?: string };
export type SetSpec = { kind: 'set'; options: readonly string[]; default: readonly string[]; label?: string };
export type TextSpec = { kind: 'text'; default: string; maxLength: number; pattern?: RegExp; label?: string };
export type Spec = IntSpec | NumberSpec | BoolSpec | EnumSpec | SetSpec | TextSpec;
export type Schema = Record<string, Spec>;

export type ValueOf<S extends Spec> = S extends IntSpec | NumberSpec ? number
  : S extends BoolSpec ? boolean
  : S extends { kind: 'enum'; options: readonly (infer O)[] } ? O
  : S extends { kind: 'set'; options: readonly (infer O)[] } ? O[]
  : string;
export type Values<S extends Schema> = { -readonly [K in keyof S]: ValueOf<S[K]> };

const TRUE = ['1', 'true', 'on', 'yes'];
const FALSE = ['0', 'false', 'off', 'no'];

/** A raw value for a note, quoted unless `plain`; a long one is cut, so a note stays short and inside its cell. */
export function quote(raw: string, plain = false): string {
  const [open, close] = plain ? ['', ''] : ['“', '”'];
  if (raw.length <= 32) return `${open}${raw}${close}`;
  return `${open}${raw.slice(0, 24)}…${close} (${raw.length.toLocaleString('en-US')} characters)`;
}

/** A plain decimal or exponent number, however long (Number() of a 400-digit number is Infinity). */
const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Parse one raw query value (null = absent) into a valid value, plus a note if it was repaired. */
export function parseValue(spec: Spec, raw: string | null, name: string): { value: unknown; note?: string } {
  const label = spec.label ?? name;
  const dflt = spec.kind === 'set' ? [...spec.default] : spec.default;
  if (raw === null) return { value: dflt };
  const bad = (why: string) => ({ value: dflt, note: `${label}: ${why}; using ${show(spec, dflt)}.` });
  // An empty value ("?x.rank=") is a value the link left out, not an empty pair of quotes.
  const empty = raw.trim() === '' && spec.kind !== 'set' && spec.kind !== 'text';
  if (empty) return bad('no value given');
  switch (spec.kind) {
    case 'int':
    case 'number': {
      const text = raw.trim();
      let n = Number(text);
      if (!Number.isFinite(n)) {
        // A number too large for a double is still a number: clamp it like any other out-of-range value.
        if (!NUMERIC.test(text)) return bad(`${quote(raw)} is not a number`);
        n = text.startsWith('-') ? -Infinity : Infinity;
      }
      let v = spec.kind === 'int' && Number.isFinite(n) ? Math.round(n) : n;
      const shown = Number.isFinite(v) ? String(v) : quote(text, true);
      const notes: string[] = [];
      if (v !== n) notes.push(`${quote(text, true)} is not a whole number, rounded to ${v}`);
      if (v < spec.min) { notes.push(`${shown} is below the minimum ${spec.min}`); v = spec.min; }
      if (v > spec.max) { notes.push(`${shown} is above the maximum ${spec.max}`); v = spec.max; }
      return notes.length ? { value: v, note: `${label}: ${notes.join('; ')}; using ${v}.` } : { value: v };
    }
    case 'bool': {
      const s = raw.trim().toLowerCase();
      if (TRUE.includes(s)) return { value: true };
      if (FALSE.includes(s)) return { value: false };
      return bad(`${quote(raw)} is not on/off`);
    }
    case 'enum':
      return spec.options.includes(raw) ? { value: raw } : bad(`${quote(raw)} is not one of ${spec.options.join(', ')}`);
    case 'set': {
      const items = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const unknown = items.filter((s) => !spec.options.includes(s));
      const value = spec.options.filter((o) => items.includes(o));
      const listed = unknown.slice(0, 3).map((s) => quote(s)).join(', ') + (unknown.length > 3 ? ` and ${unknown.length - 3} more` : '');
      // A list with nothing usable in it is a broken link, not a choice of none ("?x.layers=" is that).
      if (unknown.length && !value.length) return bad(`${listed} ${unknown.length > 1 ? 'are' : 'is'} not among ${spec.options.join(', ')}`);
      return unknown.length
        ? { value, note: `${label}: ignored ${listed} (choose from ${spec.options.join(', ')}).` }
        : { value };
    }
    case 'text':
      if (raw.length > spec.maxLength) {
        return bad(`the link's value is ${raw.length.toLocaleString('en-US')} characters long, more than the ${spec.maxLength.toLocaleString('en-US')} this cell reads`);
      }
      if (spec.pattern && !spec.pattern.test(raw)) return bad(`${quote(raw)} has an unexpected form`);
      return { value: raw };
  }
}

/** The query-string form of a value. */
export function serializeValue(spec: Spec, value: unknown): string {
  if (spec.kind === 'bool') return value ? '1' : '0';
  if (spec.kind === 'set') return (value as string[]).join(',');
  if (spec.kind === 'number') return String(Number((value as number).toPrecision(12)));
  return String(value);
}

function show(spec: Spec, v: unknown): string {
  if (spec.kind === 'set') return (v as string[]).length ? (v as string[]).join(', ') : 'none';
  if (spec.kind === 'bool') return v ? 'on' : 'off';
  return spec.kind === 'text' ? 'the default' : String(v);
}

/** Read every key of a schema from query parameters; notes describe each repair. */
export function readState<S extends Schema>(schema: S, params: URLSearchParams, prefix = ''):
  { values: Values<S>; notes: string[] } {
  const values = {} as Record<string, unknown>;
  const notes: string[] = [];
  for (const [key, spec] of Object.entries(schema)) {
    const r = parseValue(spec, params.get(paramName(prefix, key)), key);
    values[key] = r.value;
    if (r.note) notes.push(r.note);
  }
  return { values: values as Values<S>, notes };
}

export const paramName = (prefix: string, key: string) => (prefix ? `${prefix}.${key}` : key);

export interface StateStore<S extends Schema> {
  readonly schema: S;
  readonly prefix: string;
  /** Repairs made while reading the URL (show them with messages.showNotes). */
  readonly notes: readonly string[];
  get<K extends keyof S>(key: K): ValueOf<S[K]>;
  values(): Values<S>;
  /** Set one key (raw strings/numbers are validated like URL values); returns repair notes. */
  set<K extends keyof S>(key: K, value: unknown): string[];
  /** Set several keys at once (one URL write, one notification). */
  update(partial: { [K in keyof S]?: unknown }): string[];
  subscribe(fn: (values: Values<S>, changed: (keyof S)[]) => void): () => void;
}

export interface StateOptions {
  /** Namespace for this cell's keys in the query string. */
  prefix?: string;
  /** Query string to read (default: location.search). */
  search?: string;
  /** Write the URL on change (default: true in a browser). */
  writeUrl?: boolean;
}

/** Every store made on this page, in order: the reader tests read each cell's schema and values here. */
const registry: StateStore<Schema>[] = typeof window === 'undefined' ? []
  : ((window as unknown as { __cellStates?: StateStore<Schema>[] }).__cellStates ??= []);

/** Create a store for a schema, reading the current URL. */
export function defineState<const S extends Schema>(schema: S, opts: StateOptions = {}): StateStore<S> {
  const prefix = opts.prefix ?? '';
  const hasLocation = typeof location !== 'undefined';
  const search = opts.search ?? (hasLocation ? location.search : '');
  const writeUrl = (opts.writeUrl ?? true) && hasLocation && typeof history !== 'undefined';
  const { values, notes } = readState(schema, new URLSearchParams(search), prefix);
  const listeners = new Set<(v: Values<S>, changed: (keyof S)[]) => void>();

  const write = () => {
    if (!writeUrl) return;
    const params = new URLSearchParams(location.search);
    for (const [key, spec] of Object.entries(schema)) params.set(paramName(prefix, key), serializeValue(spec, values[key]));
    const q = params.toString().replace(/%2C/gi, ',').replace(/%2F/gi, '/').replace(/%3B/gi, ';');
    history.replaceState(history.state, '', `${location.pathname}?${q}${location.hash}`);
  };

  const store: StateStore<S> = {
    schema,
    prefix,
    notes,
    get: (key) => values[key],
    values: () => ({ ...values }),
    set: (key, value) => store.update({ [key]: value } as { [K in keyof S]?: unknown }),
    update(partial) {
      const out: string[] = [];
      const changed: (keyof S)[] = [];
      for (const [key, raw] of Object.entries(partial)) {
        const spec = schema[key];
        if (!spec) throw new Error(`unknown state key "${key}"`);
        const text = typeof raw === 'string' ? raw : serializeValue(spec, raw);
        const r = parseValue(spec, text, key);
        if (r.note) out.push(r.note);
        if (serializeValue(spec, r.value) !== serializeValue(spec, values[key])) {
          (values as Record<string, unknown>)[key] = r.value;
          changed.push(key as keyof S);
        }
      }
      if (changed.length) {
        write();
        listeners.forEach((fn) => fn({ ...values }, changed));
      }
      return out;
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
  if (notes.length) write(); // make the address show what the page now shows
  registry.push(store as unknown as StateStore<Schema>);
  return store;
}

/**
 * The next "round" number above (dir = 1) or below (dir = -1) `value`: one significant
 * digit, d × 10^k (0.001 → 0.002 → … → 0.009 → 0.01 → 0.02), kept within [min, max].
 * Arrow keys on a number box with step="any" (learning rate, α) move by this, since
 * those values span several powers of ten and a fixed step fits none of them.
 */
export function roundStep(value: number, dir: 1 | -1, min: number, max: number): number {
  const clamp = (v: number) => Math.min(max, Math.max(min, v));
  return Number.isFinite(value) ? clamp(nextRound(value, dir)) : clamp(min);
}

function nextRound(value: number, dir: 1 | -1): number {
  if (value === 0) return dir;
  if (value < 0) return -nextRound(-value, dir > 0 ? -1 : 1);
  const unit = 10 ** Math.floor(Math.log10(value));
  const digit = value / unit; // in [1, 10) up to rounding
  const d = dir > 0 ? Math.floor(digit + 1e-9) + 1 : Math.ceil(digit - 1e-9) - 1;
  return Number(((d >= 1 ? d : 0.9) * unit).toPrecision(12));
}

type Bindable = HTMLInputElement | HTMLSelectElement;

/** Controls whose every change is a finished choice (sliders, checkboxes, radios, menus): applied as they move. */
function isLive(el: Bindable): boolean {
  return !(el instanceof HTMLInputElement) || ['range', 'checkbox', 'radio', 'color'].includes(el.type);
}

/**
 * Bind native control(s) to a key, both ways. Works with range/number/text
 * inputs and <select> (int, number, enum, text), a checkbox (bool), a group of
 * radios (enum) or of checkboxes (set; each box's value is an option).
 * `onNotes` receives repair notes (e.g. a typed number was clamped).
 *
 * Sliders, checkboxes, radios and menus apply on every `input` event. A typed field (number or
 * text) applies when the reader commits it (Enter, leaving the field, the browser's
 * `change`), never keystroke by keystroke: "0.01" passes through "0" and "0.0",
 * which a per-keystroke clamp would rewrite under the reader's fingers. What they
 * typed stays as typed until then; an out-of-range or empty value gets a note on commit.
 */
export function bindInput<S extends Schema>(store: StateStore<S>, key: keyof S & string,
  target: Bindable | Iterable<HTMLInputElement>, onNotes?: (notes: string[]) => void): () => void {
  const spec = store.schema[key];
  if (!spec) throw new Error(`bindInput: "${key}" is not a key of this cell's state (${Object.keys(store.schema).join(', ')})`);
  const els: Bindable[] = 'tagName' in target ? [target] : [...target];
  const group = els.length > 1 || (els[0] instanceof HTMLInputElement && els[0].type === 'radio');
  /** Typed fields edited since their last commit. */
  const pending = new Set<Bindable>();
  const setEl = () => {
    const v = store.get(key) as unknown;
    for (const el of els) {
      if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
        el.checked = spec.kind === 'set' ? (v as string[]).includes(el.value)
          : spec.kind === 'bool' && !group ? Boolean(v) : el.value === String(v);
      } else if (el.value !== serializeValue(spec, v) || (el instanceof HTMLInputElement && el.validity.badInput)) {
        el.value = serializeValue(spec, v);
      }
      pending.delete(el);
    }
  };
  if (spec.kind === 'int' || spec.kind === 'number') {
    for (const el of els) if (el instanceof HTMLInputElement) {
      if (!el.min) el.min = String(spec.min);
      if (!el.max) el.max = String(spec.max);
    }
  }
  const read = (el: Bindable): unknown => {
    if (spec.kind === 'set') return els.filter((e) => (e as HTMLInputElement).checked).map((e) => e.value);
    if (el instanceof HTMLInputElement && el.type === 'checkbox') return el.checked;
    return el.value;
  };
  const commit = (el: Bindable) => {
    pending.delete(el);
    let notes: string[];
    const numeric = spec.kind === 'int' || spec.kind === 'number';
    if (numeric && el.value.trim() === '') {
      // A number box reports "" both when emptied and when it holds something that is not a number ("1e", "-").
      const bad = el instanceof HTMLInputElement && el.validity.badInput;
      notes = [`${spec.label ?? key}: ${bad ? 'that is not a number' : 'the field is empty'}; keeping ${show(spec, store.get(key))}.`];
    } else {
      notes = store.set(key, read(el));
    }
    setEl();
    onNotes?.(notes);
  };
  const onInput = (e: Event) => {
    const el = e.target as Bindable;
    if (el instanceof HTMLInputElement && el.type === 'radio' && !el.checked) return;
    if (!isLive(el)) { pending.add(el); return; }
    const notes = store.set(key, read(el));
    if (notes.length) setEl();
    onNotes?.(notes);
  };
  const onCommit = (e: Event) => {
    const el = e.target as Bindable;
    if (isLive(el)) { if (e.type === 'change') onInput(e); return; }
    if (pending.has(el) || (el instanceof HTMLInputElement && el.validity.badInput)) commit(el);
  };
  const onKey = (e: Event) => {
    const ev = e as KeyboardEvent;
    const el = ev.target as Bindable;
    if (isLive(el) || ev.isComposing || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === 'Enter') { commit(el); return; }
    if (!(el instanceof HTMLInputElement) || el.type !== 'number' || (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown')) return;
    const dir = ev.key === 'ArrowUp' ? 1 : -1;
    if (spec.kind === 'number' && el.step === 'any') {
      // The browser would step by 1 from the minimum; step to the next round number instead.
      ev.preventDefault();
      const typed = Number(el.value);
      const from = el.value.trim() !== '' && Number.isFinite(typed) ? typed : (store.get(key) as number);
      el.value = String(roundStep(from, dir, spec.min, spec.max));
      commit(el);
    } else {
      // The browser steps the value (by `step`, within min/max); apply it as it lands.
      setTimeout(() => { if (el.value.trim() !== '') commit(el); });
    }
  };
  for (const el of els) {
    el.addEventListener('input', onInput);
    el.addEventListener('change', onCommit);
    el.addEventListener('blur', onCommit);
    el.addEventListener('keydown', onKey);
  }
  const unsub = store.subscribe((_, changed) => { if (changed.includes(key)) setEl(); });
  setEl();
  markControl(paramName(store.prefix, key), els);
  return () => {
    unsub();
    for (const el of els) {
      el.removeEventListener('input', onInput);
      el.removeEventListener('change', onCommit);
      el.removeEventListener('blur', onCommit);
      el.removeEventListener('keydown', onKey);
    }
  };
}
