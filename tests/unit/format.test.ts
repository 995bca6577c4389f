import { describe, expect, it } from 'vitest';
import { formatInt, formatNumber, formatBytes, formatMs, formatPercent, formatRatio, DASH } from '../../components/lib/format';

describe('format', () => {
  it('uses thousands separators', () => {
    expect(formatInt(2807010)).toBe('2,807,010');
    expect(formatInt(784000)).toBe('784,000');
    expect(formatNumber(1234.567)).toBe('1,234.57');
    expect(formatNumber(7.38e36)).toBe('7.4 × 10³⁶');
    expect(formatNumber(-2.5e-3 * 1e16)).toBe('−2.5 × 10¹³');
  });
  it('formats bytes, ms, percentages and ratios', () => {
    expect(formatBytes(950)).toBe('950 B');
    expect(formatBytes(12_345)).toBe('12.3 kB');
    expect(formatBytes(33_900_000)).toBe('33.9 MB');
    expect(formatMs(0.4213)).toBe('0.42 ms');
    expect(formatMs(208)).toBe('208 ms');
    expect(formatMs(25_000)).toBe('25 s');
    expect(formatPercent(0.5)).toBe('50%');
    expect(formatPercent(7136 / 784000)).toBe('0.91%');
    expect(formatRatio(784000 / 7136)).toBe('110×');
  });
  it('never prints NaN', () => {
    for (const f of [formatInt, formatNumber, formatBytes, formatMs, formatPercent, formatRatio]) {
      expect(f(NaN)).toBe(DASH);
      expect(f(Infinity)).toBe(DASH);
    }
  });
});
