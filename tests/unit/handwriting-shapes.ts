// Synthetic "handwriting" for tests: a few shapes a reader might use for digits, each drawn with a
// little random wobble, in the pad's pixel coordinates (280 × 280). Shared by the unit tests of the
// handwriting jobs; the browser test draws the same shapes with the mouse.
import type { Stroke } from '../../src/core/handwriting/preprocess';

/** label → strokes of an idealised shape in a unit square (0..1). */
export const SHAPES: Record<number, [number, number][][]> = {
  // A personal style the base has not seen: a 2 written as a "Z", a 4 as a cross "+", a 7 as a "Γ".
  2: [[[0.1, 0.1], [0.9, 0.1], [0.1, 0.9], [0.9, 0.9]]],
  4: [[[0.5, 0.05], [0.5, 0.95]], [[0.1, 0.5], [0.9, 0.5]]],
  7: [[[0.3, 0.95], [0.3, 0.1], [0.9, 0.1]]],
};

/** One drawing of `label`: the shape placed in the pad with a seeded offset, size and wobble. */
export function drawShape(label: number, seed: number, pad = 280): Stroke[] {
  let s = (seed * 9301 + label * 49297 + 233280) % 233280 || 1;
  const r = () => ((s = (s * 9301 + 49297) % 233280) / 233280);
  const size = pad * (0.45 + 0.25 * r());
  const ox = (pad - size) * r();
  const oy = (pad - size) * r();
  return SHAPES[label].map((stroke) => stroke.map(([x, y]) => [ox + (x + (r() - 0.5) * 0.08) * size, oy + (y + (r() - 0.5) * 0.08) * size] as const));
}
