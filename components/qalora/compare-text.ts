// Sentences of the /qa-lora/ comparison cell (DOM-free, unit-tested).

/** A change in accuracy in percentage points: “+1.2 points”, “−0.3 points”, “no change”. */
export function signedPoints(delta: number): string {
  const pts = Math.round(delta * 1000) / 10;
  if (pts === 0) return 'no change';
  return `${pts > 0 ? '+' : '−'}${Math.abs(pts).toFixed(1)} points`;
}

/** What re-quantizing the merged LoRA model did to its score ("changed … by no change" read badly). */
export function requantSentence(delta: number): string {
  const change = signedPoints(delta);
  return change === 'no change'
    ? 'Re-quantizing left the LoRA model’s score unchanged'
    : `Re-quantizing changed the LoRA model’s score by ${change}`;
}
