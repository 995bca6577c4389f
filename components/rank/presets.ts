// Preset matrices for the rank cell, sliced to any size up to 6×6. DOM-free.
// FULL = L·U with unit lower-triangular L and upper-triangular U (non-zero
// diagonal), so every top-left r×c slice has rank min(r, c).
const FULL = [
  [2, 1, 0, -1, 3, 1],
  [2, 2, 2, -1, 2, 2],
  [-2, 0, 3, 2, -4, -2],
  [0, 1, 1, 0, 1, 3],
  [2, 1, 1, -1, 2, -2],
  [0, -1, -2, 1, 4, -1],
];
const U = [1, 2, -1, 3, 2, -2];
const V = [2, -1, 3, 1, -2, 1];

export type PresetName = 'full' | 'outer' | 'duplicated';

export const PRESETS: { name: PresetName; label: string }[] = [
  { name: 'full', label: 'Full rank' },
  { name: 'outer', label: 'Rank-1 outer product' },
  { name: 'duplicated', label: 'Duplicated rows' },
];

/** The preset as entry texts, rows × cols (each 1..6). */
export function preset(name: PresetName, rows: number, cols: number): string[][] {
  const cell = (i: number, j: number): number => {
    if (name === 'outer') return U[i] * V[j];
    if (name === 'duplicated') return FULL[Math.floor(i / 2)][j];
    return FULL[i][j];
  };
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => String(cell(i, j))));
}

/** The rank each preset has by construction. */
export function presetRank(name: PresetName, rows: number, cols: number): number {
  if (name === 'outer') return 1;
  if (name === 'duplicated') return Math.min(Math.ceil(rows / 2), cols);
  return Math.min(rows, cols);
}
