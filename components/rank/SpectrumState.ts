// URL state and choices of the spectrum cell.
export const SPECTRUM_MATRICES = [
  { id: 'digit', label: 'An MNIST digit (28×28)', layer: -1, m: 28, n: 28 },
  { id: 'w1', label: 'Layer 1 weights W₀ (1,000×784)', layer: 0, m: 1000, n: 784 },
  { id: 'w2', label: 'Layer 2 weights W₀ (2,000×1,000)', layer: 1, m: 2000, n: 1000 },
  { id: 'w3', label: 'Layer 3 weights W₀ (10×2,000)', layer: 2, m: 10, n: 2000 },
] as const;

export type SpectrumMatrix = (typeof SPECTRUM_MATRICES)[number];

export const spectrumSchema = {
  m: { kind: 'enum', options: SPECTRUM_MATRICES.map((x) => x.id), default: 'digit', label: 'Matrix' },
  digit: { kind: 'int', min: 0, max: 999, default: 0, label: 'Test digit' },
  r: { kind: 'int', min: 1, max: 1000, default: 3, label: 'Singular values kept r' },
} as const;
