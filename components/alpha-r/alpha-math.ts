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
