/**
 * A free drawing → the 28×28 image an MNIST model expects, made the way the
 * MNIST digits were made (LeCun et al. 1998; the MNIST page): the ink's
 * bounding box is scaled to fit a 20×20 box keeping its aspect ratio,
 * anti-aliased to grey levels, then placed in the 28×28 field so that its
 * centre of mass sits at the field's centre. Plain TypeScript: no DOM, no tfjs.
 *
 * Coordinates are continuous: pixel (col, row) covers [col, col+1) × [row, row+1),
 * so the field's centre is (14, 14) and a pixel's centre is (col + 0.5, row + 0.5).
 * Ink is 255, background 0 (white on black, as in MNIST).
 */
export const SIDE = 28;
/** The box the ink is scaled into (MNIST: 20×20 inside the 28×28 field). */
export const BOX = 20;
/**
 * Pen width in output pixels. A reader's pen has a fixed width on the screen, so a
 * small drawing scaled up would come out bold and a large one hairline-thin;
 * redrawing the centre line with one pen in the 28×28 frame gives every drawing
 * about the stroke width typical of MNIST digits (2–3 px).
 */
export const PEN = 2.4;
/** Sub-samples per pixel side for anti-aliasing (4 × 4 = 16 grey steps per pixel). */
const SUB = 4;

export type Point = readonly [number, number];
export type Stroke = readonly Point[];

export type Processed =
  | { empty: true; reason: string }
  | {
      empty: false;
      /** 784 grey levels, row by row. */
      pixels: Uint8Array;
      /** Centre of mass of the result, in field coordinates (≈ 14, 14). */
      massCentre: [number, number];
      /** The ink's extent in the field before centring: width and height in pixels. */
      inkSize: [number, number];
    };

export const EMPTY_REASON = 'Draw a digit first: the pad is empty.';

/** True if the strokes hold at least one finite point. */
export function hasInk(strokes: readonly Stroke[]): boolean {
  return strokes.some((s) => s.some(([x, y]) => Number.isFinite(x) && Number.isFinite(y)));
}

/**
 * Renders the strokes' centre lines, mapped by (x, y) → (x·scale + dx, y·scale + dy),
 * with a round pen of width PEN: each sub-sample is inked if it lies within PEN/2
 * of a segment, and a pixel's grey level is the share of its inked sub-samples.
 */
export function rasterize(strokes: readonly Stroke[], scale: number, dx: number, dy: number): Uint8Array {
  const n = SIDE * SUB;
  const hit = new Uint8Array(n * n);
  const r = PEN / 2;
  const r2 = r * r;
  for (const stroke of strokes) {
    const pts = stroke.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y)).map(([x, y]) => [x * scale + dx, y * scale + dy] as const);
    for (let i = 0; i < pts.length; i++) {
      // A lone point is a segment of length 0: a dot.
      const [ax, ay] = pts[i];
      const [bx, by] = pts[Math.min(i + 1, pts.length - 1)];
      if (i > 0 && i === pts.length - 1) break;
      const vx = bx - ax;
      const vy = by - ay;
      const len2 = vx * vx + vy * vy;
      const x0 = Math.max(0, Math.floor((Math.min(ax, bx) - r) * SUB));
      const x1 = Math.min(n - 1, Math.ceil((Math.max(ax, bx) + r) * SUB));
      const y0 = Math.max(0, Math.floor((Math.min(ay, by) - r) * SUB));
      const y1 = Math.min(n - 1, Math.ceil((Math.max(ay, by) + r) * SUB));
      for (let sy = y0; sy <= y1; sy++) {
        const py = (sy + 0.5) / SUB;
        for (let sx = x0; sx <= x1; sx++) {
          const px = (sx + 0.5) / SUB;
          const t = len2 > 0 ? Math.max(0, Math.min(1, ((px - ax) * vx + (py - ay) * vy) / len2)) : 0;
          const ex = px - (ax + t * vx);
          const ey = py - (ay + t * vy);
          if (ex * ex + ey * ey <= r2) hit[sy * n + sx] = 1;
        }
      }
    }
  }
  const out = new Uint8Array(SIDE * SIDE);
  for (let row = 0; row < SIDE; row++) {
    for (let col = 0; col < SIDE; col++) {
      let c = 0;
      for (let a = 0; a < SUB; a++) for (let b = 0; b < SUB; b++) c += hit[(row * SUB + a) * n + col * SUB + b];
      out[row * SIDE + col] = Math.round((c / (SUB * SUB)) * 255);
    }
  }
  return out;
}

/** Centre of mass of a 28×28 image in field coordinates, or null if it is blank. */
export function massCentre(pixels: ArrayLike<number>): [number, number] | null {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let row = 0; row < SIDE; row++) {
    for (let col = 0; col < SIDE; col++) {
      const v = pixels[row * SIDE + col];
      m += v;
      sx += v * (col + 0.5);
      sy += v * (row + 0.5);
    }
  }
  return m > 0 ? [sx / m, sy / m] : null;
}

/** The drawing as MNIST would have it; an empty drawing gives { empty: true } with a reason, never NaN. */
export function preprocess(strokes: readonly Stroke[]): Processed {
  if (!hasInk(strokes)) return { empty: true, reason: EMPTY_REASON };
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const s of strokes) {
    for (const [x, y] of s) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      minX = Math.min(minX, x); maxX = Math.max(maxX, x);
      minY = Math.min(minY, y); maxY = Math.max(maxY, y);
    }
  }
  // The centre line is scaled so that the ink (centre line plus the pen) spans BOX pixels
  // along its longer side; one factor for both axes keeps the aspect ratio.
  const extent = Math.max(maxX - minX, maxY - minY);
  const scale = extent > 0 ? (BOX - PEN) / extent : 1;
  // First pass: the box centred in the field, to measure where the mass lies.
  const w = (maxX - minX) * scale;
  const h = (maxY - minY) * scale;
  let dx = (SIDE - w) / 2 - minX * scale;
  let dy = (SIDE - h) / 2 - minY * scale;
  const first = rasterize(strokes, scale, dx, dy);
  const c = massCentre(first);
  if (!c) return { empty: true, reason: EMPTY_REASON };
  // Second pass: shift by the sub-pixel amount that puts the centre of mass at (14, 14).
  // Rendering again (rather than resampling the first image) keeps the edges sharp.
  dx += SIDE / 2 - c[0];
  dy += SIDE / 2 - c[1];
  const pixels = rasterize(strokes, scale, dx, dy);
  const mc = massCentre(pixels);
  if (!mc) return { empty: true, reason: EMPTY_REASON };
  return { empty: false, pixels, massCentre: mc, inkSize: [w + PEN, h + PEN] };
}

/** The bounding box of the non-zero pixels: [col0, row0, col1, row1] inclusive, or null. */
export function inkBox(pixels: ArrayLike<number>, threshold = 0): [number, number, number, number] | null {
  let c0 = SIDE, r0 = SIDE, c1 = -1, r1 = -1;
  for (let row = 0; row < SIDE; row++) {
    for (let col = 0; col < SIDE; col++) {
      if (pixels[row * SIDE + col] > threshold) {
        c0 = Math.min(c0, col); c1 = Math.max(c1, col);
        r0 = Math.min(r0, row); r1 = Math.max(r1, row);
      }
    }
  }
  return c1 < 0 ? null : [c0, r0, c1, r1];
}
