/** LoRA's configuration and scale: plain numbers, shared by the engine, the jobs and the cells. */

/** α/r is the LoRA paper's scale; α/√r is rank-stabilised LoRA (Kalajdzievski 2023). */
export type LoraScaling = 'alpha/r' | 'alpha/sqrt(r)';

/**
 * 'kaiming-uniform': what loralib and Hugging Face PEFT do by default for A,
 * U(−1/√k, 1/√k). 'gaussian': the paper's text, "random Gaussian"; we use
 * N(0, 1/k) so both have a comparable scale.
 */
export type LoraInit = 'kaiming-uniform' | 'gaussian';

export interface LoraConfig {
  rank: number;
  alpha: number;
  scaling?: LoraScaling;
  init?: LoraInit;
}

export function loraScale(rank: number, alpha: number, scaling: LoraScaling = 'alpha/r'): number {
  return scaling === 'alpha/r' ? alpha / rank : alpha / Math.sqrt(rank);
}
