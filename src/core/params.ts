/**
 * Parameter accounting, by formula. A dense layer d×k has d·k weights and d
 * biases; a rank-r adapter on it adds r·(d+k): B is d×r and A is r×k.
 */
export interface LayerShape {
  layer: number; // 0-based
  d: number; // outputs
  k: number; // inputs
  weights: number;
  biases: number;
}

export function layerShapes(sizes: readonly number[]): LayerShape[] {
  return sizes.slice(1).map((d, i) => ({ layer: i, d, k: sizes[i], weights: d * sizes[i], biases: d }));
}

export function baseParamCount(sizes: readonly number[]): number {
  return layerShapes(sizes).reduce((s, l) => s + l.weights + l.biases, 0);
}

export function adapterParamCount(d: number, k: number, rank: number): number {
  return rank * (d + k);
}

export interface ParamSummary {
  base: number;
  perLayer: { layer: number; d: number; k: number; adapter: number }[];
  adapter: number;
  total: number;
  /** Trainable share of all parameters in the adapted model, in percent. */
  trainablePercent: number;
  /** Bytes at fp32 of what LoRA trains, and of Adam's two moment estimates for it. */
  loraBytes: { trained: number; adam: number; gradients: number };
  /** The same for full fine-tuning of the base. */
  fullBytes: { trained: number; adam: number; gradients: number };
}

export const BYTES_PER_PARAM = { fp32: 4, fp16: 2, int8: 1, int4: 0.5 } as const;

export function paramSummary(sizes: readonly number[], layers: readonly number[], rank: number): ParamSummary {
  const shapes = layerShapes(sizes);
  const perLayer = shapes
    .filter((s) => layers.includes(s.layer))
    .map((s) => ({ layer: s.layer, d: s.d, k: s.k, adapter: adapterParamCount(s.d, s.k, rank) }));
  const base = baseParamCount(sizes);
  const adapter = perLayer.reduce((s, l) => s + l.adapter, 0);
  const bytes = (n: number) => ({ trained: 4 * n, adam: 8 * n, gradients: 4 * n });
  return {
    base,
    perLayer,
    adapter,
    total: base + adapter,
    trainablePercent: (100 * adapter) / (base + adapter),
    loraBytes: bytes(adapter),
    fullBytes: bytes(base),
  };
}
