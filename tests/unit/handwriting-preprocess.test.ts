// The /your-handwriting/ chapter's DOM-free parts: MNIST-style preprocessing of a free drawing,
// augmentation, and the personal set of drawings (split, prompts, storage, files).
import { describe, expect, it } from 'vitest';
import { BOX, EMPTY_REASON, PEN, SIDE, inkBox, massCentre, preprocess, type Stroke } from '../../src/core/handwriting/preprocess';
import { augment, transform } from '../../src/core/handwriting/augment';
import {
  DrawingsFileError, STORAGE_KEY, addDrawing, loadStored, nextPrompt, pack, parseDrawings, readiness, saveStored, serializeDrawings,
  type Drawing, type KeyValueStore,
} from '../../src/core/handwriting/drawings';

const ok = (strokes: Stroke[]) => {
  const r = preprocess(strokes);
  if (r.empty) throw new Error('expected ink');
  return r;
};
const inked = (p: Uint8Array) => inkBox(p, 0)!;

describe('preprocess (the MNIST way)', () => {
  it('a vertical line drawn off-centre comes out centred: mass centre at (14, 14) within a pixel, 20 px tall', () => {
    const r = ok([[[30, 10], [30, 60]]]); // top-left corner of a 280 px pad, short
    // The centre of mass summed here, pixel centres at (col + 0.5, row + 0.5), not by the module's massCentre.
    let m = 0, sx = 0, sy = 0;
    r.pixels.forEach((v, i) => {
      m += v;
      sx += v * ((i % SIDE) + 0.5);
      sy += v * (Math.floor(i / SIDE) + 0.5);
    });
    const [cx, cy] = [sx / m, sy / m];
    expect(Math.abs(cx - 14)).toBeLessThan(0.5);
    expect(Math.abs(cy - 14)).toBeLessThan(0.5);
    expect(r.massCentre[0]).toBeCloseTo(cx, 10);
    expect(r.massCentre[1]).toBeCloseTo(cy, 10);
    expect(massCentre(r.pixels)![0]).toBeCloseTo(cx, 10);
    const [c0, r0, c1, r1] = inked(r.pixels);
    expect(r1 - r0 + 1).toBeGreaterThanOrEqual(BOX - 1);
    expect(r1 - r0 + 1).toBeLessThanOrEqual(BOX + 1);
    expect(c1 - c0 + 1).toBeLessThanOrEqual(Math.ceil(PEN) + 1); // a line stays a line
  });

  it('keeps the aspect ratio: a 1:2 rectangle fills 20 px tall and about half as wide', () => {
    const rect: Stroke = [[200, 100], [240, 100], [240, 180], [200, 180], [200, 100]];
    const r = ok([rect]);
    const [c0, r0, c1, r1] = inked(r.pixels);
    const w = c1 - c0 + 1;
    const h = r1 - r0 + 1;
    expect(h).toBeGreaterThanOrEqual(BOX - 1);
    expect(h).toBeLessThanOrEqual(BOX + 1);
    const expectedW = (BOX - PEN) / 2 + PEN; // the centre line scales by one factor; the pen adds its width
    expect(Math.abs(w - expectedW)).toBeLessThanOrEqual(1.5);
    // And a wide shape is limited by its width instead.
    const wide = ok([[[0, 0], [90, 0], [90, 30]]]);
    const b = inked(wide.pixels);
    expect(b[2] - b[0] + 1).toBeGreaterThanOrEqual(BOX - 1);
    expect(b[3] - b[1] + 1).toBeLessThan(12);
  });

  it('the same shape drawn small in a corner and large in the middle gives the same image (up to anti-aliasing)', () => {
    const shape: Stroke = [[0, 0], [10, 0], [10, 10], [0, 20], [10, 20]]; // a 2
    const small = ok([shape.map(([x, y]) => [5 + x * 0.5, 7 + y * 0.5] as const)]);
    const large = ok([shape.map(([x, y]) => [100 + x * 12, 40 + y * 12] as const)]);
    let diff = 0;
    for (let i = 0; i < SIDE * SIDE; i++) diff = Math.max(diff, Math.abs(small.pixels[i] - large.pixels[i]));
    expect(diff).toBeLessThanOrEqual(2);
    const [cx, cy] = massCentre(small.pixels)!;
    expect(Math.hypot(cx - 14, cy - 14)).toBeLessThan(0.5);
  });

  it('centres by the centre of mass, not the box: a shape heavy on one side is shifted the other way', () => {
    // A long vertical bar at the left with a short tick at the right: the mass lies left of the box centre.
    const r = ok([[[0, 0], [0, 100]], [[50, 50], [50, 56]]]);
    const [c0, , c1] = inked(r.pixels);
    expect((c0 + c1 + 1) / 2).toBeGreaterThan(14.5); // the box's middle is right of the field's centre
    const [cx] = massCentre(r.pixels)!;
    expect(Math.abs(cx - 14)).toBeLessThan(0.5);
  });

  it('anti-aliases: a diagonal line has grey levels between 0 and 255', () => {
    const r = ok([[[0, 0], [37, 100]]]);
    const greys = [...r.pixels].filter((v) => v > 0 && v < 255);
    expect(greys.length).toBeGreaterThan(10);
  });

  it('an empty drawing is a clear "draw something" state, never NaN; a tap is a dot; bad points are skipped', () => {
    for (const strokes of [[], [[]], [[[NaN, 3] as const]]] as Stroke[][]) {
      const r = preprocess(strokes);
      expect(r).toEqual({ empty: true, reason: EMPTY_REASON });
    }
    const dot = ok([[[50, 50]]]);
    expect(dot.massCentre.every(Number.isFinite)).toBe(true);
    expect(Math.hypot(dot.massCentre[0] - 14, dot.massCentre[1] - 14)).toBeLessThan(0.5);
    const mixed = ok([[[10, 10], [NaN, 5], [10, 40]]]);
    expect([...mixed.pixels].every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
  });
});

describe('augment', () => {
  const img = ok([[[0, 0], [0, 100]], [[0, 0], [40, 0]]]).pixels;
  it('the identity leaves the image unchanged; a shift of one pixel moves the mass by one pixel', () => {
    expect(transform(img, 0, 0, 0, 1)).toEqual(img);
    const [cx, cy] = massCentre(transform(img, 1, 0, 0, 1))!;
    const [ox, oy] = massCentre(img)!;
    expect(cx - ox).toBeCloseTo(1, 1);
    expect(cy - oy).toBeCloseTo(0, 1);
  });
  it('makes `copies` versions per drawing, the first the original, the others different but close', () => {
    let s = 1;
    const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
    const two = new Uint8Array(2 * 784);
    two.set(img, 0);
    two.set(transform(img, 0, 0, 90, 1), 784);
    const out = augment(two, Uint8Array.of(3, 7), 5, rand);
    expect(out.n).toBe(10);
    expect([...out.labels]).toEqual([3, 3, 3, 3, 3, 7, 7, 7, 7, 7]);
    expect(out.images.subarray(0, 784)).toEqual(img);
    const c = massCentre(out.images.subarray(784, 2 * 784))!;
    expect(Math.hypot(c[0] - 14, c[1] - 14)).toBeLessThan(4);
    expect(out.images.subarray(784, 2 * 784)).not.toEqual(img);
    expect(() => augment(two, Uint8Array.of(3), 2, rand)).toThrow(/Expected 1 images/);
  });
});

describe('the personal set', () => {
  const px = (v: number) => new Uint8Array(784).fill(v);
  const three7s = () => [1, 2, 3].reduce<Drawing[]>((s, i) => addDrawing(s, 7, px(i)), []);

  it('holds out every third drawing of a digit, decided when it is added', () => {
    let set = three7s();
    expect(set.map((d) => d.heldOut)).toEqual([false, false, true]);
    set = addDrawing(set, 2, px(9));
    expect(set[3].heldOut).toBe(false);
    expect(pack(set, 'train').n).toBe(3);
    expect([...pack(set, 'heldOut').labels]).toEqual([7]);
    expect(pack(set, 'heldOut').images[0]).toBe(3);
    expect(() => addDrawing(set, 10, px(1))).toThrow(/digit from 0 to 9/);
    expect(() => addDrawing(set, 1, new Uint8Array(5))).toThrow(/784 pixels/);
  });

  it('prompts for the digit with the fewest drawings until each has three, and says what training needs', () => {
    expect(nextPrompt([])).toEqual({ label: 0, have: 0, of: 3 });
    expect(readiness([])).toMatch(/Add some drawings/);
    let set: Drawing[] = [];
    for (let d = 0; d < 10; d++) set = addDrawing(set, d, px(d));
    expect(nextPrompt(set)).toEqual({ label: 0, have: 1, of: 3 });
    expect(readiness(set)).toMatch(/third drawing/);
    for (let d = 0; d < 10; d++) set = addDrawing(addDrawing(set, d, px(d)), d, px(d));
    expect(nextPrompt(set)).toBeNull();
    expect(readiness(set)).toBeNull();
  });

  it('round-trips through JSON; wrong, truncated and foreign files are refused with the reason', () => {
    const set = three7s();
    const text = serializeDrawings(set, 'Ada');
    const back = parseDrawings(text);
    expect(back.name).toBe('Ada');
    expect(back.drawings).toEqual(set);
    const reason = (t: string) => {
      try {
        parseDrawings(t);
      } catch (e) {
        expect(e).toBeInstanceOf(DrawingsFileError);
        return (e as Error).message;
      }
      return 'accepted';
    };
    expect(reason(text.slice(0, text.length - 20))).toMatch(/not valid JSON/);
    expect(reason('{"format":"something-else"}')).toMatch(/not a LoRA, live drawings file/);
    expect(reason(text.replace('"version":1', '"version":2'))).toMatch(/version 2/);
    expect(reason(text.replace('"label":7', '"label":12'))).toMatch(/^Drawing 1: the label/);
    const short = JSON.parse(text);
    short.drawings[1].pixels = short.drawings[1].pixels.slice(0, 40);
    expect(reason(JSON.stringify(short))).toMatch(/^Drawing 2: it does not have 784 pixels/);
  });

  it('is kept in the browser store and survives a reload; a damaged or refusing store gives a note, not a crash', () => {
    const map = new Map<string, string>();
    const store: KeyValueStore = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v), removeItem: (k) => void map.delete(k) };
    expect(loadStored(store)).toEqual({ drawings: [], note: null });
    expect(saveStored(store, three7s())).toBeNull();
    expect(loadStored(store).drawings).toEqual(three7s());
    expect(saveStored(store, [])).toBeNull();
    expect(map.has(STORAGE_KEY)).toBe(false);
    map.set(STORAGE_KEY, '{"format":"lora-live-drawings"');
    expect(loadStored(store)).toEqual({ drawings: [], note: expect.stringMatching(/could not be read/) });
    const full: KeyValueStore = { ...store, setItem: () => { throw Object.assign(new Error('full'), { name: 'QuotaExceededError' }); } };
    expect(saveStored(full, three7s())).toMatch(/QuotaExceededError.*Download them/);
    expect(loadStored(null).note).toMatch(/does not keep data/);
  });
});

describe('cell text', async () => {
  const { scoreText, adapterFileName, drawingsFileName } = await import('../../components/your-handwriting/settings');
  it('scores read "k of n (p%)" in the site\'s percent format, and an empty set says so instead of a percentage', () => {
    expect(scoreText({ correct: 964, n: 1000 })).toBe('964 of 1,000 (96.4%)');
    expect(scoreText({ correct: 2, n: 3 })).toBe('2 of 3 (66.7%)');
    expect(scoreText({ correct: 0, n: 0 })).toBe('no drawings to measure on');
  });
  it('file names carry the reader’s name, made safe', () => {
    expect(adapterFileName(4, ' Ada Lovelace ')).toBe('handwriting-ada-lovelace-r4.lora');
    expect(adapterFileName(8, '../..')).toBe('handwriting-mine-r8.lora');
    expect(drawingsFileName('Zoë')).toBe('drawings-zoe.json');
  });
});
