// Inline notices and errors inside a cell. Each cell has one live region
// (role="status", created on first use); messages are keyed by their source
// so a cell can replace or clear, e.g., its 'url' notes independently of 'input' errors.
// The key is kept in data-msg, not data-key: cells find their controls by [data-key],
// and a message carrying that attribute was once bound as a control (a TypeError
// that killed /merge-and-switch/'s switching cell whenever its link had a note).

export type Tone = 'notice' | 'error';

/** The cell's message region (a polite live region), created at the cell's top if missing. */
export function messageRegion(cell: HTMLElement): HTMLElement {
  let region = cell.querySelector<HTMLElement>(':scope .cell-messages');
  if (!region) {
    region = document.createElement('div');
    region.className = 'cell-messages';
    region.setAttribute('role', 'status');
    cell.prepend(region);
  }
  return region;
}

/** Show (or replace) the message with this key. */
export function showMessage(cell: HTMLElement, key: string, text: string, tone: Tone = 'notice'): void {
  const region = messageRegion(cell);
  let p = region.querySelector<HTMLElement>(`[data-msg="${CSS.escape(key)}"]`);
  if (!p) {
    p = document.createElement('p');
    p.className = 'cell-msg';
    p.dataset.msg = key;
    region.append(p);
  }
  p.dataset.tone = tone;
  p.textContent = text;
}

/** Remove the message with this key (if any). */
export function clearMessage(cell: HTMLElement, key: string): void {
  messageRegion(cell).querySelector(`[data-msg="${CSS.escape(key)}"]`)?.remove();
}

/** Show a list of notes under one key (joined), or clear it when empty. */
export function showNotes(cell: HTMLElement, key: string, notes: readonly string[], tone: Tone = 'notice'): void {
  if (notes.length) showMessage(cell, key, notes.join(' '), tone);
  else clearMessage(cell, key);
}
