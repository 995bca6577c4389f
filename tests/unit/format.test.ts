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
  it('prints what Intl.NumberFormat en-US prints (it is not used: its first use costs ~60 ms)', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let i = 0; i < 5000; i++) {
      const n = (rand() - 0.3) * 10 ** Math.floor(rand() * 19 - 8);
      const digits = Math.floor(rand() * 10);
      const want = new Intl.NumberFormat('en-US', { maximumFractionDigits: digits }).format(n).replace(/^-0$/, '0');
      expect(formatNumber(n, digits), `${n} to ${digits} decimals`).toBe(want);
    }
    expect(formatInt(-0.2)).toBe('0');
    expect(formatInt(999_999.6)).toBe('1,000,000');
    expect(formatNumber(100, 2)).toBe('100');
  });
  it('never prints NaN', () => {
    for (const f of [formatInt, formatNumber, formatBytes, formatMs, formatPercent, formatRatio]) {
      expect(f(NaN)).toBe(DASH);
      expect(f(Infinity)).toBe(DASH);
    }
  });
});
