/**
 * The reader's personal set of labelled drawings: which ones train the adapter
 * and which are held out to measure it, what to draw next, and the JSON form
 * used both for the browser's storage and for the downloadable file.
 * Plain TypeScript: no DOM, no tfjs (storage is passed in).
 */
import { SIDE } from './preprocess';

export interface Drawing {
  label: number;
  /** 784 grey levels (0 background, 255 ink), row by row. */
  pixels: Uint8Array;
  /** Set aside to measure the adapter; never trained on. */
  heldOut: boolean;
  /** 'drawn' on the pad, or 'sample' from the site's MNIST training digits (the keyboard route). */
  source: 'drawn' | 'sample';
}

export const FORMAT = 'lora-live-drawings';
export const VERSION = 1;
/** Drawings asked for per digit; every HOLD_EVERY-th one of a digit is held out. */
export const PER_DIGIT = 3;
export const HOLD_EVERY = 3;
/** Enough for any classroom; keeps storage and files small (about 1 kB a drawing). */
export const MAX_DRAWINGS = 500;

export class DrawingsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrawingsFileError';
  }
}

export const countOf = (set: readonly Drawing[], label: number) => set.filter((d) => d.label === label).length;

/**
 * Adds a drawing; the split is decided once, here: the 3rd, 6th, … drawing of
 * each digit is held out, so every digit drawn three times has one drawing to
 * measure on, and the split never changes as more are added.
 */
export function addDrawing(set: readonly Drawing[], label: number, pixels: Uint8Array, source: Drawing['source'] = 'drawn'): Drawing[] {
  if (!Number.isInteger(label) || label < 0 || label > 9) throw new Error(`A label is a digit from 0 to 9 (got ${label}).`);
  if (pixels.length !== SIDE * SIDE) throw new Error(`A drawing has ${SIDE * SIDE} pixels (got ${pixels.length}).`);
  if (set.length >= MAX_DRAWINGS) throw new Error(`The set holds at most ${MAX_DRAWINGS} drawings; remove some first.`);
  const heldOut = (countOf(set, label) + 1) % HOLD_EVERY === 0;
  return [...set, { label, pixels: Uint8Array.from(pixels), heldOut, source }];
}

/** The digit to ask for next: the one with the fewest drawings below PER_DIGIT (lowest first), or null when all have enough. */
export function nextPrompt(set: readonly Drawing[]): { label: number; have: number; of: number } | null {
  let best: number | null = null;
  for (let d = 0; d < 10; d++) {
    const c = countOf(set, d);
    if (c < PER_DIGIT && (best === null || c < countOf(set, best))) best = d;
  }
  return best === null ? null : { label: best, have: countOf(set, best), of: PER_DIGIT };
}

/** Images and labels of one part of the set, packed for the worker. */
export function pack(set: readonly Drawing[], part: 'train' | 'heldOut' | 'all'): { images: Uint8Array; labels: Uint8Array; n: number } {
  const chosen = set.filter((d) => part === 'all' || d.heldOut === (part === 'heldOut'));
  const images = new Uint8Array(chosen.length * SIDE * SIDE);
  chosen.forEach((d, i) => images.set(d.pixels, i * SIDE * SIDE));
  return { images, labels: Uint8Array.from(chosen.map((d) => d.label)), n: chosen.length };
}

/** What training needs before it can start, or null when the set is ready. */
export function readiness(set: readonly Drawing[]): string | null {
  const train = set.filter((d) => !d.heldOut);
  const held = set.filter((d) => d.heldOut);
  if (!train.length) return 'Add some drawings first: two of a digit train the adapter, the third is kept aside to test it.';
  if (!held.length) return 'Add a third drawing of any digit: it is kept aside, so the adapter can be measured on drawings it never saw.';
  return null;
}

const toBase64 = (b: Uint8Array) => {
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
};
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** The set as JSON text (storage and download). */
export function serializeDrawings(set: readonly Drawing[], name = ''): string {
  return JSON.stringify({
    format: FORMAT, version: VERSION, side: SIDE, name,
    drawings: set.map((d) => ({ label: d.label, heldOut: d.heldOut, source: d.source, pixels: toBase64(d.pixels) })),
  });
}

/** Reads a drawings file; a wrong, truncated or foreign file throws DrawingsFileError with the reason. */
export function parseDrawings(text: string): { drawings: Drawing[]; name: string } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new DrawingsFileError('This is not a drawings file: it is not valid JSON (perhaps cut short).');
  }
  const o = data as { format?: unknown; version?: unknown; side?: unknown; name?: unknown; drawings?: unknown };
  if (!o || typeof o !== 'object' || o.format !== FORMAT) throw new DrawingsFileError('This is not a LoRA, live drawings file.');
  if (o.version !== VERSION) throw new DrawingsFileError(`This drawings file is version ${String(o.version)}; this page reads version ${VERSION}.`);
  if (o.side !== SIDE) throw new DrawingsFileError(`The drawings in this file are not ${SIDE}×${SIDE}.`);
  if (!Array.isArray(o.drawings)) throw new DrawingsFileError('The file has no list of drawings.');
  if (o.drawings.length > MAX_DRAWINGS) throw new DrawingsFileError(`The file holds ${o.drawings.length} drawings; at most ${MAX_DRAWINGS} are read.`);
  const drawings = o.drawings.map((d: unknown, i: number): Drawing => {
    const x = d as { label?: unknown; heldOut?: unknown; source?: unknown; pixels?: unknown };
    const where = `Drawing ${i + 1}`;
    if (!Number.isInteger(x?.label) || (x.label as number) < 0 || (x.label as number) > 9) throw new DrawingsFileError(`${where}: the label is not a digit from 0 to 9.`);
    if (typeof x.heldOut !== 'boolean') throw new DrawingsFileError(`${where}: it does not say whether it is held out.`);
    let pixels: Uint8Array;
    try {
      pixels = fromBase64(String(x.pixels));
    } catch {
      throw new DrawingsFileError(`${where}: the pixels are not readable.`);
    }
    if (typeof x.pixels !== 'string' || pixels.length !== SIDE * SIDE) throw new DrawingsFileError(`${where}: it does not have ${SIDE * SIDE} pixels.`);
    return { label: x.label as number, heldOut: x.heldOut, source: x.source === 'sample' ? 'sample' : 'drawn', pixels };
  });
  return { drawings, name: typeof o.name === 'string' ? o.name.slice(0, 80) : '' };
}

/** Where the set is kept in the browser (localStorage-like; passed in so it can be tested). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export const STORAGE_KEY = 'lora-live:your-handwriting:drawings';

/** The saved set, or an empty one with a note saying why if what is stored cannot be read (the next save replaces it). */
export function loadStored(store: KeyValueStore | null): { drawings: Drawing[]; note: string | null } {
  if (!store) return { drawings: [], note: 'This browser does not keep data for this page, so your drawings last only until you leave it.' };
  let text: string | null;
  try {
    text = store.getItem(STORAGE_KEY);
  } catch {
    return { drawings: [], note: 'This browser does not let the page keep data, so your drawings last only until you leave it.' };
  }
  if (!text) return { drawings: [], note: null };
  try {
    return { drawings: parseDrawings(text).drawings, note: null };
  } catch (e) {
    return { drawings: [], note: `Your saved drawings could not be read (${(e as Error).message}); starting with an empty set.` };
  }
}

/** Saves the set; returns a note if the browser refused (e.g. storage full or blocked). */
export function saveStored(store: KeyValueStore | null, set: readonly Drawing[]): string | null {
  if (!store) return null;
  try {
    if (set.length) store.setItem(STORAGE_KEY, serializeDrawings(set));
    else store.removeItem(STORAGE_KEY);
    return null;
  } catch (e) {
    return `Your drawings could not be saved in this browser (${(e as Error).name}); they last until you leave the page. Download them to keep them.`;
  }
}
