// Small, DOM-free helpers of the /alpha-r/ cells.
export interface LossPoint { step: number; loss: number }

/** Mean loss over the last `window` steps of a run (each report covers the steps since the previous one). */
export function finalLoss(losses: readonly LossPoint[], window = 10): number {
  if (!losses.length) return NaN;
  const last = losses[losses.length - 1].step;
  const tail = losses.filter((l) => l.step > last - window);
  return tail.reduce((s, l) => s + l.loss, 0) / tail.length;
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
