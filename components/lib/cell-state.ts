// A cell's URL state with its controls bound: the set-up every cell with settings starts with.
import { bindInput, defineState, type Schema, type StateStore } from './state';
import { showNotes } from './messages';

/**
 * Reads the cell's state from the URL (repairs are shown as the 'url' note), and binds every
 * control matching `controls` by its data-key (repairs of what the reader enters: the 'input' note).
 * `controls` null: the cell binds its controls itself (groups of boxes, a control it needs by name).
 */
export function cellState<const S extends Schema>(cell: HTMLElement, schema: S, prefix: string | undefined, controls: string | null = '[data-key]'): StateStore<S> {
  const state = defineState(schema, { prefix });
  showNotes(cell, 'url', state.notes);
  for (const el of controls === null ? [] : cell.querySelectorAll<HTMLInputElement | HTMLSelectElement>(controls)) {
    bindInput(state, el.dataset.key as keyof S & string, el, (n) => showNotes(cell, 'input', n));
  }
  return state;
}

/** True the first time a cell connects (a custom element connects again whenever it is moved). */
export function firstConnect(cell: HTMLElement): boolean {
  if (cell.dataset.ready) return false;
  cell.dataset.ready = '1';
  return true;
}
