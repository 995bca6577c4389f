// The editable matrix: a table of native text inputs (one per entry).
// ArrowUp / ArrowDown nudge an entry by ±1 (±10 with Shift).

/** Add `delta` to an integer, decimal or a/b entry; null if the text is not one of those. */
export function nudge(text: string, delta: number): string | null {
  const s = text.trim().replace(/\u2212/g, '-');
  if (s === '') return String(delta);
  if (/^[+-]?\d+$/.test(s)) return String(BigInt(s) + BigInt(delta));
  const frac = /^([+-]?\d+)\s*\/\s*(\d+)$/.exec(s);
  if (frac && BigInt(frac[2]) !== 0n) return `${BigInt(frac[1]) + BigInt(delta) * BigInt(frac[2])}/${frac[2]}`;
  const dec = /^[+-]?\d*\.(\d+)$/.exec(s);
  if (dec) return (Number(s) + delta).toFixed(dec[1].length);
  return null;
}

export class MatrixGrid {
  private inputs: HTMLInputElement[][] = [];

  constructor(private table: HTMLTableElement, private onEdit: () => void) {
    table.addEventListener('input', () => this.onEdit());
    table.addEventListener('keydown', (e) => this.onKey(e));
  }

  /** Rebuild the table for these entry texts. */
  setEntries(grid: string[][]): void {
    const body = document.createElement('tbody');
    this.inputs = grid.map((row, i) => {
      const tr = body.insertRow();
      const th = document.createElement('th');
      th.scope = 'row';
      th.textContent = `row ${i + 1}`;
      tr.append(th);
      return row.map((text, j) => {
        const input = document.createElement('input');
        Object.assign(input, { type: 'text', value: text, autocomplete: 'off', spellcheck: false });
        input.setAttribute('aria-label', `Row ${i + 1}, column ${j + 1}`);
        input.dataset.row = String(i);
        input.dataset.col = String(j);
        tr.insertCell().append(input);
        return input;
      });
    });
    this.table.replaceChildren(body);
  }

  entries(): string[][] {
    return this.inputs.map((row) => row.map((input) => input.value));
  }

  /** Mark entries as invalid (aria-invalid), clearing all others. */
  markInvalid(cells: { row: number; col: number }[]): void {
    this.inputs.flat().forEach((input) => input.removeAttribute('aria-invalid'));
    for (const { row, col } of cells) this.inputs[row]?.[col]?.setAttribute('aria-invalid', 'true');
  }

  /** Highlight dependent rows; `notes` maps row → its dependency sentence (used as a tooltip). */
  markDependent(notes: Map<number, string>): void {
    [...this.table.rows].forEach((tr, i) => {
      tr.classList.toggle('dependent', notes.has(i));
      const tag = Object.assign(document.createElement('span'), { className: 'sr-only', textContent: ' (dependent)' });
      tr.cells[0].replaceChildren(`row ${i + 1}`, ...(notes.has(i) ? [tag] : []));
      tr.title = notes.get(i) ?? '';
    });
  }

  private onKey(e: KeyboardEvent): void {
    const input = e.target as HTMLInputElement;
    if (!(input instanceof HTMLInputElement) || (e.key !== 'ArrowUp' && e.key !== 'ArrowDown')) return;
    const next = nudge(input.value, (e.key === 'ArrowUp' ? 1 : -1) * (e.shiftKey ? 10 : 1));
    if (next === null) return;
    e.preventDefault();
    input.value = next;
    this.onEdit();
  }
}
