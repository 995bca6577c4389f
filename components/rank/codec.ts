// Matrix entries ⇄ one URL-friendly string: "1,2,3;4,5,6". DOM-free.

/** Encode entry texts; commas/semicolons inside an entry are dropped. */
export function encodeMatrix(grid: string[][]): string {
  return grid.map((row) => row.map((t) => t.trim().replace(/[,;]/g, '')).join(',')).join(';');
}

/**
 * Decode to exactly rows × cols entries. Missing entries become "0" and
 * surplus ones are dropped; each such correction is described in `notes`.
 */
export function decodeMatrix(text: string, rows: number, cols: number): { grid: string[][]; notes: string[] } {
  const notes: string[] = [];
  const src = text === '' ? [] : text.split(';').map((r) => r.split(','));
  if (src.length && src.length !== rows) {
    notes.push(`The link gave ${src.length} row${src.length === 1 ? '' : 's'} of entries for a ${rows}-row matrix; ${src.length < rows ? 'missing rows are filled with 0' : 'extra rows are dropped'}.`);
  }
  const ragged = src.some((r) => r.length !== cols);
  if (ragged) notes.push(`Some rows in the link do not have ${cols} entries; they are padded with 0 or cut.`);
  const grid = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => src[i]?.[j] ?? '0'),
  );
  return { grid, notes };
}
