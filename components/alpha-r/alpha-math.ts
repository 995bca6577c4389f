// Small, DOM-free helpers of the /alpha-r/ cells.
export interface LossPoint { step: number; loss: number }

/** Mean loss over the last `window` steps of a run (each report covers the steps since the previous one). */
export function finalLoss(losses: readonly LossPoint[], window = 10): number {
  if (!losses.length) return NaN;
  const last = losses[losses.length - 1].step;
  const tail = losses.filter((l) => l.step > last - window);
  return tail.reduce((s, l) => s + l.loss, 0) / tail.length;
}

/** Mean loss over the first `window` steps of a run: how fast it starts, which is what the chapter's
 *  first-step argument predicts (under Adam: about equal at every rank with α/r, faster at larger
 *  ranks with α/√r). A run shorter than the window gives its mean over all reports. */
export function earlyLoss(losses: readonly LossPoint[], window = 10): number {
  if (!losses.length) return NaN;
  const head = losses.filter((l) => l.step <= window);
  const pts = head.length ? head : losses.slice(0, 1);
  return pts.reduce((s, l) => s + l.loss, 0) / pts.length;
}

/** The LoRA scale s for α, r and a scaling rule. */
export const scaleOf = (alpha: number, r: number, scaling: string): number =>
  (scaling === 'alpha/r' ? alpha / r : alpha / Math.sqrt(r));

/**
 * The divergence message of the α slider. The engine's own ends "…then reset", but this cell has no
 * Reset: each run starts afresh, so it names the cell's real buttons instead.
 */
export function divergedText(engineMessage: string, trainName: string, clearName: string): string {
  const what = engineMessage.replace(/\s*Lower the learning rate or α, then reset\.\s*$/, '').replace(/[.:]?\s*$/, '.');
  return `${what} Nothing is kept from a diverged run: choose a smaller α (or Adam) and press “${trainName}” again, or “${clearName}” to empty the table and chart.`;
}
