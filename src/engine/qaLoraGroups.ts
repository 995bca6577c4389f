/**
 * QA-LoRA group sizes (pure: no tfjs, so pages can import it). QA-LoRA cuts each row of W₀ into
 * groups of g consecutive inputs, so g must divide the layer's input size k exactly.
 */

/** The largest divisor of n that is at most `target` (1 if there is none above 1). */
export function largestDivisorAtMost(n: number, target: number): number {
  for (let g = Math.min(n, Math.floor(target)); g > 1; g--) if (n % g === 0) return g;
  return 1;
}

/**
 * A group size for each layer. Our inputs are 784 = 2⁴·7², 1000 = 2³·5³ and 2000 = 2⁴·5³, whose
 * only common divisors are 1, 2, 4 and 8, so each layer takes the largest divisor of its own k
 * that does not exceed the target.
 */
export function groupSizesFor(sizes: readonly number[], target: number): number[] {
  return sizes.slice(0, -1).map((k) => largestDivisorAtMost(k, target));
}
