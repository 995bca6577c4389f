/**
 * The tiny character-level transformer's shapes, vocabulary and parameter
 * accounting, without tfjs: the page's parameter counter imports this file, so
 * it is core: no tfjs, no DOM (tfjs lives only in the worker).
 *
 * Shapes follow the engine's convention (mlp.ts): a projection is stored
 * input-major, W ∈ R^{k×d} for y = x·W, so W_q, W_k, W_v, W_o are each d_model × d_model.
 */

export interface GptConfig {
  /** Characters the model knows (see VOCAB). */
  vocab: number;
  /** Positions: a word of up to context − 1 letters plus the start/end marker. */
  context: number;
  dModel: number;
  heads: number;
  layers: number;
  /** Width of each block's two-layer MLP (4·d_model, as in GPT-2). */
  mlpHidden: number;
}

/**
 * Index 0, '.', marks both the start and the end of a word; then a–z. Place
 * names are folded to these letters before training (scripts/prepare-words.ts):
 * LoRA on attention cannot teach the output head a letter it never saw in
 * pretraining, so a letter outside the base's alphabet would be unlearnable here.
 */
export const VOCAB = '.abcdefghijklmnopqrstuvwxyz';
export const BOUNDARY = 0;

export const GPT_CONFIG: GptConfig = { vocab: VOCAB.length, context: 16, dModel: 64, heads: 4, layers: 2, mlpHidden: 256 };

/** The projections LoRA can attach to in each block. */
export const LORA_TARGETS = ['q', 'k', 'v', 'o', 'fc1', 'fc2'] as const;
export type LoraTarget = (typeof LORA_TARGETS)[number];

export interface WeightShape {
  name: string;
  shape: number[];
  /** What it is, for the page. */
  kind: 'embedding' | 'norm' | 'attention' | 'mlp' | 'head';
}

/** Every weight of the model, in file order. */
export function gptShapes(c: GptConfig = GPT_CONFIG): WeightShape[] {
  const d = c.dModel;
  const out: WeightShape[] = [
    { name: 'tok', shape: [c.vocab, d], kind: 'embedding' },
    { name: 'pos', shape: [c.context, d], kind: 'embedding' },
  ];
  for (let l = 0; l < c.layers; l++) {
    out.push(
      { name: `l${l}.ln1.g`, shape: [d], kind: 'norm' },
      { name: `l${l}.ln1.b`, shape: [d], kind: 'norm' },
      { name: `l${l}.q`, shape: [d, d], kind: 'attention' },
      { name: `l${l}.k`, shape: [d, d], kind: 'attention' },
      { name: `l${l}.v`, shape: [d, d], kind: 'attention' },
      { name: `l${l}.o`, shape: [d, d], kind: 'attention' },
      { name: `l${l}.ln2.g`, shape: [d], kind: 'norm' },
      { name: `l${l}.ln2.b`, shape: [d], kind: 'norm' },
      { name: `l${l}.fc1`, shape: [d, c.mlpHidden], kind: 'mlp' },
      { name: `l${l}.fc1.b`, shape: [c.mlpHidden], kind: 'mlp' },
      { name: `l${l}.fc2`, shape: [c.mlpHidden, d], kind: 'mlp' },
      { name: `l${l}.fc2.b`, shape: [d], kind: 'mlp' },
    );
  }
  out.push(
    { name: 'lnf.g', shape: [d], kind: 'norm' },
    { name: 'lnf.b', shape: [d], kind: 'norm' },
    { name: 'head', shape: [d, c.vocab], kind: 'head' },
    { name: 'head.b', shape: [c.vocab], kind: 'head' },
  );
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

export function gptParamCount(c: GptConfig = GPT_CONFIG): number {
  return gptShapes(c).reduce((s, w) => s + size(w.shape), 0);
}

/** [inputs k, outputs d] of a target's matrix. */
export function targetShape(target: LoraTarget, c: GptConfig = GPT_CONFIG): [number, number] {
  if (target === 'fc1') return [c.dModel, c.mlpHidden];
  if (target === 'fc2') return [c.mlpHidden, c.dModel];
  return [c.dModel, c.dModel];
}

export interface LoraCount {
  /** Weights of one such matrix (d·k). */
  perMatrix: Record<LoraTarget, number>;
  /** r(d + k) per adapted matrix, summed over the chosen targets and all blocks. */
  adapter: number;
  /** How many matrices carry an adapter. */
  matrices: number;
  base: number;
  /** Adapter parameters as a percentage of the base's. */
  percentOfBase: number;
}

export function loraCount(targets: readonly LoraTarget[], rank: number, c: GptConfig = GPT_CONFIG): LoraCount {
  const perMatrix = Object.fromEntries(LORA_TARGETS.map((t) => { const [k, d] = targetShape(t, c); return [t, k * d]; })) as Record<LoraTarget, number>;
  const unique = [...new Set(targets)];
  const perBlock = unique.reduce((s, t) => { const [k, d] = targetShape(t, c); return s + rank * (d + k); }, 0);
  const base = gptParamCount(c);
  const adapter = perBlock * c.layers;
  return { perMatrix, adapter, matrices: unique.length * c.layers, base, percentOfBase: (100 * adapter) / base };
}

/** Lower-case letters a–z only (the caller folds diacritics first). */
export function encodeable(word: string, c: GptConfig = GPT_CONFIG): boolean {
  return word.length >= 1 && word.length <= c.context - 1 && /^[a-z]+$/.test(word);
}

/**
 * Turns words into next-character training rows of length `context`:
 * input ".word" and target "word.", padded; mask is 1 where a target counts.
 */
export function encodeWords(words: readonly string[], c: GptConfig = GPT_CONFIG): { inputs: Int32Array; targets: Int32Array; mask: Float32Array; chars: number } {
  const T = c.context;
  const inputs = new Int32Array(words.length * T);
  const targets = new Int32Array(words.length * T);
  const mask = new Float32Array(words.length * T);
  let chars = 0;
  words.forEach((w, i) => {
    if (!encodeable(w, c)) throw new Error(`"${w}" is not a word of 1–${T - 1} letters a–z.`);
    inputs[i * T] = BOUNDARY;
    for (let j = 0; j <= w.length; j++) {
      const next = j < w.length ? VOCAB.indexOf(w[j]) : BOUNDARY;
      if (j + 1 < T && j < w.length) inputs[i * T + j + 1] = next;
      targets[i * T + j] = next;
      mask[i * T + j] = 1;
      chars++;
    }
  });
  return { inputs, targets, mask, chars };
}

/**
 * Folds a place name to the model's alphabet: lower case, diacritics removed
 * (NFD, combining marks dropped), and the letters NFD does not decompose
 * mapped by hand (ł→l, ø→o, æ→ae, ß→ss, đ→d, ı→i, œ→oe, þ→th). Returns null for a
 * name that still has anything but a–z (spaces, hyphens, apostrophes): the
 * base never saw those, so those names are left out.
 */
export function foldName(name: string): string | null {
  const special: Record<string, string> = { ł: 'l', ø: 'o', æ: 'ae', ß: 'ss', đ: 'd', ı: 'i', œ: 'oe', þ: 'th', ð: 'd' };
  const s = name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[łøæßđıœþð]/g, (ch) => special[ch]);
  return /^[a-z]+$/.test(s) ? s : null;
}

/**
 * The seeded split rule for words and place names: a word is held out when a
 * hash of (seed, word) falls in the first `percent` of 100 buckets. It depends
 * on the word alone, not on the list's order, so it is stable across package
 * versions and duplicates always land on the same side.
 */
export function isHeldOut(word: string, seed: number, percent: number): boolean {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), 0x01000193) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
  return h % 100 < percent;
}

/** The downstream tasks: place names of countries whose spelling differs clearly from English (ISO codes as in GeoNames). */
export const COUNTRIES = [
  { code: 'IT', name: 'Italy' },
  { code: 'PL', name: 'Poland' },
  { code: 'FI', name: 'Finland' },
  { code: 'JP', name: 'Japan' },
] as const;

/** What the shipped base's file states about its training (src/engine/gptFile.ts, scripts/pretrain-gpt.ts). */
export interface GptMeta {
  config: GptConfig;
  vocab: string;
  trainedOn: string;
  steps: number;
  batchSize: number;
  seed: number;
  /** Held-out English words (the split rule in this file), nats per character, measured on the fp16 weights. */
  heldOutLoss: number;
  heldOutWords: number;
  /** The same on the 1,000-word sample the page serves (public/data/words.json). */
  sampleLoss: number;
  trainingSeconds: number;
  backend: string;
  command: string;
  [key: string]: unknown;
}

/** What scripts/prepare-words.ts writes to public/data/words.json. */
export interface WordsFile {
  vocab: string;
  context: number;
  seed: number;
  heldOutPercent: number;
  source: string;
  /** Held-out English words (never seen in pretraining), a sample for the page. */
  english: string[];
  countries: CountryWords[];
}

export interface CountryWords {
  code: string;
  name: string;
  /** A few real names as GeoNames spells them (with diacritics), for the page. */
  examples: { original: string; folded: string }[];
  train: string[];
  test: string[];
  /** Distinct names in GeoNames for this country, and how many were left out (not one word a–z after folding, or too long). */
  total: number;
  leftOut: number;
}
