import { describe, expect, it } from 'vitest';
import { defineState, readState, parseValue, serializeValue, roundStep, quote } from '../../components/lib/state';

const schema = {
  rank: { kind: 'int', min: 1, max: 64, default: 4, label: 'Rank' },
  alpha: { kind: 'number', min: 0, max: 128, default: 8 },
  on: { kind: 'bool', default: true },
  task: { kind: 'enum', options: ['digits', 'fashion'], default: 'digits' },
  layers: { kind: 'set', options: ['1', '2', '3'], default: ['1', '2', '3'] },
  m: { kind: 'text', default: '', maxLength: 10 },
} as const;

describe('readState', () => {
  it('uses defaults when keys are absent, without notes', () => {
    const { values, notes } = readState(schema, new URLSearchParams(''));
    expect(values).toEqual({ rank: 4, alpha: 8, on: true, task: 'digits', layers: ['1', '2', '3'], m: '' });
    expect(notes).toEqual([]);
  });

  it('reads valid values with a prefix', () => {
    const q = new URLSearchParams('x.rank=16&x.alpha=0.5&x.on=0&x.task=fashion&x.layers=3,1&x.m=1,2;3,4');
    const { values, notes } = readState(schema, q, 'x');
    expect(values).toEqual({ rank: 16, alpha: 0.5, on: false, task: 'fashion', layers: ['1', '3'], m: '1,2;3,4' });
    expect(notes).toEqual([]);
  });

  it('clamps and repairs bad values, with a note for each', () => {
    const q = new URLSearchParams('rank=999&alpha=abc&on=maybe&task=cifar&layers=2,9&m=01234567890');
    const { values, notes } = readState(schema, q);
    expect(values).toEqual({ rank: 64, alpha: 8, on: true, task: 'digits', layers: ['2'], m: '' });
    expect(notes).toHaveLength(6);
    expect(notes[0]).toBe('Rank: 999 is above the maximum 64; using 64.');
    expect(notes.join(' ')).toMatch(/alpha: “abc” is not a number; using 8/);
    expect(notes.join(' ')).toMatch(/“cifar” is not one of digits, fashion/);
    expect(notes.join(' ')).toMatch(/ignored “9”/);
  });

  it('rounds non-integers for int keys', () => {
    expect(parseValue(schema.rank, '2.6', 'rank')).toEqual({ value: 3, note: 'Rank: 2.6 is not a whole number, rounded to 3; using 3.' });
    expect(parseValue(schema.rank, '-5', 'rank').value).toBe(1);
  });

  it('serialises values back to query form', () => {
    expect(serializeValue(schema.on, false)).toBe('0');
    expect(serializeValue(schema.layers, ['1', '3'])).toBe('1,3');
    expect(serializeValue(schema.alpha, 0.1 + 0.2)).toBe('0.3');
  });
});

describe('defineState', () => {
  it('validates set() like URL input and notifies subscribers of changes only', () => {
    const s = defineState(schema, { search: '?rank=8' });
    const seen: string[][] = [];
    s.subscribe((_, changed) => seen.push(changed as string[]));
    expect(s.get('rank')).toBe(8);
    expect(s.set('rank', 100)).toEqual(['Rank: 100 is above the maximum 64; using 64.']);
    expect(s.get('rank')).toBe(64);
    s.set('rank', '64');
    s.update({ task: 'fashion', on: false });
    expect(seen).toHaveLength(2);
    expect(seen[0]).toEqual(['rank']);
    expect([...seen[1]].sort()).toEqual(['on', 'task']);
  });
});

describe('notes about bad link values (issue 13)', () => {
  it('says a value is missing instead of showing empty quotes', () => {
    expect(parseValue(schema.rank, '', 'rank').note).toBe('Rank: no value given; using 4.');
    expect(parseValue(schema.task, '', 'task').note).toBe('task: no value given; using digits.');
    expect(parseValue(schema.on, ' ', 'on').note).toBe('on: no value given; using on.');
    for (const s of [schema.rank, schema.alpha, schema.on, schema.task]) expect(parseValue(s, '', 'x').note).not.toMatch(/“”/);
  });

  it('cuts a long value in a note, saying how long it was', () => {
    const long = 'x'.repeat(4000);
    const note = parseValue(schema.task, long, 'task').note!;
    expect(note.length).toBeLessThan(120);
    expect(note).toMatch(/“x{24}…” \(4,000 characters\) is not one of digits, fashion/);
    expect(quote('abc')).toBe('“abc”');
  });

  it('treats a number too large for a double as out of range, not as "not a number"', () => {
    const huge = '7'.repeat(5000);
    const r = parseValue(schema.rank, huge, 'rank');
    expect(r.value).toBe(64);
    expect(r.note).toMatch(/^Rank: 7{24}… \(5,000 characters\) is above the maximum 64; using 64\.$/);
    expect(parseValue(schema.rank, '-1e999', 'rank').value).toBe(1);
    expect(parseValue(schema.rank, '1e9', 'rank').note).toBe('Rank: 1000000000 is above the maximum 64; using 64.');
  });

  it('gives a set its default when nothing in the list is an option (an empty list stays empty)', () => {
    expect(parseValue(schema.layers, 'nope', 'layers')).toEqual({ value: ['1', '2', '3'], note: 'layers: “nope” is not among 1, 2, 3; using 1, 2, 3.' });
    expect(parseValue(schema.layers, '', 'layers')).toEqual({ value: [] });
  });

  it('says how long an over-long text value was', () => {
    expect(parseValue(schema.m, '1'.repeat(5000), 'm').note).toBe("m: the link's value is 5,000 characters long, more than the 10 this cell reads; using the default.");
  });
});

describe('roundStep (arrow keys on a step="any" number box)', () => {
  it('moves to the next number with one significant digit', () => {
    expect(roundStep(0.001, 1, 0.00001, 10)).toBe(0.002);
    expect(roundStep(0.009, 1, 0.00001, 10)).toBe(0.01);
    expect(roundStep(0.001, -1, 0.00001, 10)).toBe(0.0009);
    expect(roundStep(0.0015, -1, 0.00001, 10)).toBe(0.001);
    expect(roundStep(0.0015, 1, 0.00001, 10)).toBe(0.002);
    expect(roundStep(0.3, 1, 0, 1)).toBe(0.4);
    expect(roundStep(0.3, -1, 0, 1)).toBe(0.2);
    expect(roundStep(4, 1, 0.25, 4096)).toBe(5);
    expect(roundStep(9, 1, 0.25, 4096)).toBe(10);
    expect(roundStep(0.25, -1, 0.25, 4096)).toBe(0.25);
    expect(roundStep(0.25, 1, 0.25, 4096)).toBe(0.3);
  });

  it('stays within the range', () => {
    expect(roundStep(10, 1, 0.00001, 10)).toBe(10);
    expect(roundStep(0.00001, -1, 0.00001, 10)).toBe(0.00001);
    expect(roundStep(NaN, 1, 2, 10)).toBe(2);
    expect(roundStep(0, 1, -5, 5)).toBe(1);
    expect(roundStep(-0.5, 1, -5, 5)).toBe(-0.4);
  });
});
