// DOM-free parts of the classroom and reader features: slide cutting, slide keys,
// lock/hide rules, progress text and time-left estimate.
import { describe, expect, it } from 'vitest';
import { assignSlides, slideCount, slideFromParam, slideKey } from '../../components/classroom/slides';
import { classroomRules, controlMode, listMatches, withRules } from '../../components/lib/classroom';
import { Eta, progressText, timeLeftText } from '../../components/lib/progress';

describe('assignSlides', () => {
  it('starts a slide at each heading and gives each figure a slide of its own', () => {
    // h1 lede | h2 p p | fig | p | fig | p | h2+fig | fig
    const blocks = ['heading', 'text', 'heading', 'text', 'text', 'figure', 'text', 'figure', 'text', 'heading', 'figure', 'figure'] as const;
    expect(assignSlides(blocks)).toEqual([0, 0, 1, 1, 1, 2, 3, 4, 5, 6, 6, 7]);
    expect(slideCount(assignSlides(blocks))).toBe(8);
  });
  it('skips blocks that belong to no slide', () => {
    expect(assignSlides(['heading', 'skip', 'text', 'figure', 'skip'])).toEqual([0, -1, 0, 1, -1]);
    expect(assignSlides(['skip'])).toEqual([-1]);
    expect(slideCount([-1])).toBe(0);
  });
  it('does not leave an empty slide before a leading figure', () => {
    expect(assignSlides(['figure', 'figure', 'text'])).toEqual([0, 1, 2]);
  });
  it('cuts a run of text where the next block would not fit', () => {
    const blocks = ['heading', 'text', 'text', 'text', 'text', 'figure', 'text'] as const;
    // room 500: h2 60 + 200 + 200 fit; the next 200 does not; a block taller than the room still gets a slide.
    expect(assignSlides(blocks, [60, 200, 200, 200, 900, 1500, 100], 500)).toEqual([0, 0, 0, 1, 2, 3, 4]);
    // A heading keeps the text under it even when that text is too tall for the room left.
    expect(assignSlides(['heading', 'text', 'heading', 'text'], [60, 100, 60, 900], 500)).toEqual([0, 0, 1, 1]);
    // Without heights, text is never cut.
    expect(assignSlides(blocks)).toEqual([0, 0, 0, 0, 0, 1, 2]);
  });
});

describe('slide keys and URL', () => {
  it('maps the presenter keys', () => {
    expect(['ArrowRight', 'PageDown', 'ArrowLeft', 'PageUp', 'Home', 'End', 'Escape', 'a'].map(slideKey))
      .toEqual(['next', 'next', 'prev', 'prev', 'first', 'last', 'exit', null]);
  });
  it('clamps the slide number from a link', () => {
    expect(slideFromParam('3', 5)).toBe(2);
    expect(slideFromParam('99', 5)).toBe(4);
    expect(slideFromParam('0', 5)).toBe(0);
    expect(slideFromParam('abc', 5)).toBe(0);
    expect(slideFromParam(null, 5)).toBe(0);
  });
});

describe('classroom rules', () => {
  it('reads comma lists and repeated parameters', () => {
    const r = classroomRules('?lock=mt.rank,%20mt.task&lock=mt.rank&hide=mt.seed&mt.rank=8');
    expect(r).toEqual({ lock: ['mt.rank', 'mt.task'], hide: ['mt.seed'] });
    expect(classroomRules('')).toEqual({ lock: [], hide: [] });
  });
  it('matches keys exactly, by cell prefix and by *', () => {
    expect(listMatches(['mt.rank'], 'mt.rank')).toBe(true);
    expect(listMatches(['mt.rank'], 'mt.ranks')).toBe(false);
    expect(listMatches(['mt.*'], 'mt.seed')).toBe(true);
    expect(listMatches(['mt.*'], 'mp.rank')).toBe(false);
    expect(listMatches(['*'], 'anything')).toBe(true);
  });
  it('lets hide win over lock', () => {
    const r = { lock: ['mt.*'], hide: ['mt.seed'] };
    expect(controlMode(r, 'mt.seed')).toBe('hidden');
    expect(controlMode(r, 'mt.rank')).toBe('locked');
    expect(controlMode(r, 'mp.rank')).toBe('free');
  });
  it('writes lists into a query string, keeping the other parameters', () => {
    expect(withRules('?mt.rank=8&lock=old', { lock: ['mt.rank', 'mt.task'], hide: [] })).toBe('?mt.rank=8&lock=mt.rank,mt.task');
    expect(withRules('?lock=a&hide=b', { lock: [], hide: [] })).toBe('');
  });
});

describe('progress', () => {
  it('writes steps with separators and the time left', () => {
    expect(progressText(40, 200, 12_400)).toBe('step 40 of 200 · about 12 s left');
    expect(progressText(1200, 5000, null)).toBe('step 1,200 of 5,000');
    expect(progressText(200, 200, 5000)).toBe('step 200 of 200');
    expect(progressText(3, 10, 400, 'rank')).toBe('rank 3 of 10 · less than a second left');
    expect(progressText(NaN, 10, null)).toBe('step 0 of 10');
  });
  it('rounds long waits to minutes', () => {
    expect(timeLeftText(89_000)).toBe('about 89 s left');
    expect(timeLeftText(150_000)).toBe('about 3 min left');
    expect(timeLeftText(NaN)).toBe('');
  });
  it('estimates from the steps after the first one', () => {
    let t = 0;
    const eta = new Eta(() => t);
    eta.observe(1); // the first step took long (warm-up): not counted
    expect(eta.msLeft(100)).toBeNull();
    t = 100; eta.observe(2);
    t = 200; eta.observe(3);
    expect(eta.msLeft(100)).toBeNull(); // two steps but only 0.2 s
    t = 400; eta.observe(5);
    expect(eta.msLeft(100)).toBe(9500); // 100 ms a step since step 1, 95 steps left
    eta.reset();
    expect(eta.msLeft(100)).toBeNull();
  });
});
