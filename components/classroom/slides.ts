// How a chapter is cut into presentation slides (DOM-free, unit-tested).
// A chapter's <main> is a flat list of blocks: headings, paragraphs, figures.
// A slide is a run of text that ends with at most one figure, so a teacher shows
// one figure at a time with the words that lead to it:
//   - every heading starts a new slide;
//   - a figure joins the text before it, unless that slide already has a figure;
//   - text after a figure starts a new slide.
// Blocks marked 'skip' (chapter tools, previous/next links) belong to no slide.

export type Block = 'heading' | 'figure' | 'text' | 'skip';

/** The slide number of each block (0-based), or -1 for skipped blocks. */
export function assignSlides(blocks: readonly Block[]): number[] {
  const out: number[] = [];
  let slide = -1;
  let size = 0; // blocks in the current slide
  let hasFigure = false;
  const start = () => { slide++; size = 0; hasFigure = false; };
  for (const b of blocks) {
    if (b === 'skip') { out.push(-1); continue; }
    if (slide < 0 || (size > 0 && (b === 'heading' || hasFigure))) start();
    out.push(slide);
    size++;
    if (b === 'figure') hasFigure = true;
  }
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
