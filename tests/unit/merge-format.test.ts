// Formatting in the /merge-and-switch/ cells: tiny differences, swap times, file names.
import { describe, expect, it } from 'vitest';
import { backendLabel, formatDiff, formatSwapMs } from '../../components/merge/format';
import { backendLabel as lineLabel } from '../../components/lib/backend-line';
import { adapterFileName } from '../../components/merge/settings';

describe('merge cell formatting', () => {
  it('writes differences in scientific notation with superscript exponents', () => {
    expect(formatDiff(9.5e-6)).toBe('9.5 × 10⁻⁶');
    expect(formatDiff(7.46e-9)).toBe('7.5 × 10⁻⁹');
    expect(formatDiff(9.96e-7)).toBe('1.0 × 10⁻⁶'); // rounds up into the next decade
    expect(formatDiff(0)).toBe('0 (bit-identical)');
    expect(formatDiff(NaN)).toBe('—');
  });

  it('does not claim a precision the page timer lacks', () => {
    expect(formatSwapMs(0)).toBe('under 0.1 ms');
    expect(formatSwapMs(0.25)).toBe('0.3 ms');
    expect(formatSwapMs(Infinity)).toBe('—');
  });

  it('names adapter files by task, rank and steps, without odd characters', () => {
    expect(adapterFileName('rotated', 8, 100)).toBe('lora-rotated-r8-100steps.lora');
    expect(adapterFileName('../x y', 4, 5)).toBe('lora-xy-r4-5steps.lora');
    // One wording for backends site-wide: the merge cell uses components/lib/backend-line.ts's.
    expect(backendLabel).toBe(lineLabel);
    expect(backendLabel('wasm')).toBe('WebAssembly');
  });
});
