import { describe, expect, it } from 'vitest';
import { encodeMatrix, decodeMatrix } from '../../components/rank/codec';
import { nudge } from '../../components/rank/matrix-grid';
import { counts } from '../../components/rank/counts';

describe('matrix codec', () => {
  it('round-trips entries', () => {
    const grid = [['1', '-2/3'], ['0.5', 'x']];
    expect(decodeMatrix(encodeMatrix(grid), 2, 2)).toEqual({ grid, notes: [] });
  });
  it('pads or cuts to the requested size with notes', () => {
    const { grid, notes } = decodeMatrix('1,2;3', 3, 2);
    expect(grid).toEqual([['1', '2'], ['3', '0'], ['0', '0']]);
    expect(notes).toHaveLength(2);
  });
});

describe('nudge', () => {
  it('steps integers, decimals and fractions', () => {
    expect(nudge('3', 1)).toBe('4');
    expect(nudge('-1', -10)).toBe('-11');
    expect(nudge('0.25', 1)).toBe('1.25');
    expect(nudge('1/3', 1)).toBe('4/3');
    expect(nudge('', 1)).toBe('1');
    expect(nudge('abc', 1)).toBeNull();
  });
});

describe('parameter counts', () => {
  it('matches d·k and r(d+k) for the 1000×784 layer', () => {
    expect(counts(1000, 784, 4)).toEqual({ full: 784_000, lora: 7_136 });
  });
});
