// How a chapter is cut into presentation slides (DOM-free, unit-tested).
// A chapter's <main> is a flat list of blocks: headings, paragraphs, figures.
// A projected slide must be readable from the back of the room, so a figure (a live
// cell with its controls and charts) gets the screen to itself:
//   - every heading starts a new slide;
//   - a figure is a slide of its own (with the heading just before it, if that
//     heading has no text under it yet);
//   - text after a figure starts a new slide;
//   - a run of text is cut where the next block would not fit the screen (never right
//     after a heading): text is measured when presentation mode starts and again only
//     when the window changes size (text does not change size while presenting, unlike
//     a cell that draws), so the slides hold still during a talk.
// Blocks marked 'skip' (chapter tools, previous/next links) belong to no slide.

export type Block = 'heading' | 'figure' | 'text' | 'skip';

/**
 * The slide number of each block (0-based), or -1 for skipped blocks. `heights` (CSS px at
 * presentation size, one per block) and `room` (the height a slide has) cut long runs of text;
 * without them only headings and figures cut.
 */
export function assignSlides(blocks: readonly Block[], heights: readonly number[] = [], room = Infinity): number[] {
  const out: number[] = [];
  let slide = -1;
  let kinds: Block[] = []; // the current slide's blocks
  let used = 0; // their height
  const start = () => { slide++; kinds = []; used = 0; };
  blocks.forEach((b, i) => {
    if (b === 'skip') { out.push(-1); return; }
    const h = heights[i] ?? 0;
    const empty = kinds.length === 0;
    const onlyHeading = kinds.length > 0 && kinds.every((k) => k === 'heading');
    const hasFigure = kinds.includes('figure');
    if (slide < 0
      || (!empty && b === 'heading')
      || (!empty && b === 'figure' && !onlyHeading)
      || hasFigure
      || (!empty && !onlyHeading && b === 'text' && used + h > room)) start();
    out.push(slide);
    kinds.push(b);
    used += h;
  });
  return out;
}

/** Number of slides for an assignment. */
export const slideCount = (assigned: readonly number[]) => Math.max(-1, ...assigned) + 1;

/** Keys that step through slides, and what they do. */
export function slideKey(key: string): 'next' | 'prev' | 'first' | 'last' | 'exit' | null {
  switch (key) {
    case 'ArrowRight': case 'PageDown': return 'next';
    case 'ArrowLeft': case 'PageUp': return 'prev';
    case 'Home': return 'first';
    case 'End': return 'last';
    case 'Escape': return 'exit';
    default: return null;
  }
}

/** Clamp a 1-based slide number from the URL to a 0-based index. */
export function slideFromParam(raw: string | null, count: number): number {
  const n = Math.round(Number(raw));
  if (!Number.isFinite(n) || n < 1) return 0;
  return Math.min(n, count) - 1;
}
