// What the /your-handwriting/ cells share on the page: the reader's set of drawings (kept in
// localStorage, never sent anywhere), which adapters the worker holds, and which one reads the pad.
import { MAX_DRAWINGS, addDrawing, loadStored, saveStored, type Drawing, type KeyValueStore } from '../../src/core/handwriting/drawings';

export interface AdapterEntry { id: string; label: string; rank: number; fileBytes: number }

type Listener = () => void;

function browserStore(): KeyValueStore | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

class HandwritingStore {
  drawings: Drawing[] = [];
  /** Why the set is not kept, or could not be read (shown to the reader), else null. */
  storageNote: string | null = null;
  /** Adapters the worker holds, in table order ('mine' first once trained). */
  adapters: AdapterEntry[] = [];
  /** Which model reads the pad: 'base' or an adapter id. */
  reader = 'base';
  private listeners = new Set<Listener>();
  private loaded = false;

  load(): void {
    if (this.loaded) return;
    this.loaded = true;
    const r = loadStored(browserStore());
    this.drawings = r.drawings;
    this.storageNote = r.note;
  }

  subscribe(f: Listener): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private changed(): void {
    this.listeners.forEach((f) => f());
  }

  private persist(): void {
    const note = saveStored(browserStore(), this.drawings);
    if (note) this.storageNote = note;
  }

  add(label: number, pixels: Uint8Array, source: Drawing['source']): Drawing {
    this.drawings = addDrawing(this.drawings, label, pixels, source);
    this.persist();
    this.changed();
    return this.drawings[this.drawings.length - 1];
  }

  /** Adds drawings read from a file (keeping their split); nothing already in the set is replaced. */
  addAll(more: Drawing[]): void {
    if (this.drawings.length + more.length > MAX_DRAWINGS) throw new Error(`That would make ${this.drawings.length + more.length} drawings; the set holds at most ${MAX_DRAWINGS}.`);
    this.drawings = [...this.drawings, ...more];
    this.persist();
    this.changed();
  }

  removeLast(): void {
    this.drawings = this.drawings.slice(0, -1);
    this.persist();
    this.changed();
  }

  clear(): void {
    this.drawings = [];
    this.persist();
    this.changed();
  }

  setAdapter(entry: AdapterEntry): void {
    this.adapters = [...this.adapters.filter((a) => a.id !== entry.id), entry].sort((a, b) => (a.id === 'mine' ? -1 : b.id === 'mine' ? 1 : 0));
    this.changed();
  }

  removeAdapter(id: string): void {
    this.adapters = this.adapters.filter((a) => a.id !== id);
    if (this.reader === id) this.reader = 'base';
    this.changed();
  }

  setReader(id: string): void {
    this.reader = id;
    this.changed();
  }
}

export const store = new HandwritingStore();
