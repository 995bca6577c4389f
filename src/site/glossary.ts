// Glossary: each term names the chapter that explains it and, optionally, the
// heading there. <Term id="rank">rank</Term> (components/Term.astro) links a
// word to that place; <Term id="rank" define>rank</Term> in the defining chapter
// marks the definition itself (a <dfn id="term-rank">), which then becomes the
// link target. A term whose chapter is not written yet renders as plain text.

export interface GlossaryEntry {
  /** The term as usually written. */
  term: string;
  /** One sentence: what it means on this site. */
  definition: string;
  /** Slug of the chapter that explains it (content/<chapter>.mdx). */
  chapter: string;
  /** Heading text in that chapter to link to (its slug is looked up at build time). */
  section?: string;
}

export const GLOSSARY = {
  rank: {
    term: 'rank', chapter: 'rank', section: 'Rows, columns and rank',
    definition: 'The number of linearly independent rows (equivalently, columns) of a matrix.',
  },
  'outer-product': {
    term: 'outer product', chapter: 'rank', section: 'Rank one: outer products',
    definition: 'A column times a row, u vᵀ: a matrix of rank one.',
  },
  'singular-values': {
    term: 'singular values', chapter: 'rank', section: 'Low rank can be almost everything',
    definition: 'The scale factors of a matrix along its principal directions; the best rank-r approximation keeps the r largest (Eckart–Young).',
  },
  'foundation-model': {
    term: 'foundation model', chapter: 'why-peft',
    definition: 'A large network trained once on broad data and then adapted to narrower tasks.',
  },
  'fine-tuning': {
    term: 'fine-tuning', chapter: 'why-peft', section: 'One full copy per task',
    definition: 'Continuing to train a pretrained model on a task’s examples; full fine-tuning changes every weight.',
  },
  adapter: {
    term: 'adapter layer', chapter: 'why-peft', section: 'Adapter layers add latency',
    definition: 'A small bottleneck network inserted after a layer and trained while the model stays frozen (Houlsby et al. 2019).',
  },
  'prefix-tuning': {
    term: 'prefix tuning', chapter: 'why-peft', section: 'Prefix tuning is hard to optimise and uses up the context',
    definition: 'Training continuous vectors prepended to the sequence at every layer of a frozen model (Li and Liang 2021); prompt tuning (Lester et al. 2021) trains such vectors at the input embeddings only.',
  },
  'intrinsic-dimension': {
    term: 'intrinsic dimension', chapter: 'intrinsic-dimension', section: 'Training in a random subspace',
    definition: 'The fewest trainable directions, in a random subspace of the weights, that still reach 90 % of full training’s score.',
  },
  lora: {
    term: 'LoRA', chapter: 'delta-w', section: 'The decomposition',
    definition: 'Low-rank adaptation: keep W₀ frozen and train the update as a product BA of two thin matrices.',
  },
  merge: {
    term: 'merging', chapter: 'delta-w', section: 'Merging costs nothing at inference',
    definition: 'Adding the trained update BA into W₀, so the adapted model runs exactly as fast as the base.',
  },
  scaling: {
    term: 'scaling α/r', chapter: 'alpha-r',
    definition: 'The factor that multiplies LoRA’s update BA: α/r in the LoRA paper, α/√r in rsLoRA.',
  },
  quantization: {
    term: 'quantization', chapter: 'qlora',
    definition: 'Storing weights with fewer bits (for example 4-bit NF4 in blocks of 64), at the price of rounding error.',
  },
  qlora: {
    term: 'QLoRA', chapter: 'qlora',
    definition: 'LoRA trained on top of a 4-bit quantized frozen base model (Dettmers et al. 2023).',
  },
  'qa-lora': {
    term: 'QA-LoRA', chapter: 'qa-lora',
    definition: 'Quantization-aware LoRA: group-wise adapters whose update can be merged into the quantized weights (Xu et al. 2023).',
  },
} satisfies Record<string, GlossaryEntry>;

export type TermId = keyof typeof GLOSSARY;

export function glossaryEntry(id: string): GlossaryEntry {
  const e = (GLOSSARY as Record<string, GlossaryEntry>)[id];
  if (!e) throw new Error(`No glossary term "${id}" in src/site/glossary.ts (known: ${Object.keys(GLOSSARY).join(', ')})`);
  return e;
}

export const termAnchor = (id: string) => `term-${id}`;

/** Whether an MDX body defines a term with <Term id="…" define>. */
export function definesTerm(body: string, id: string): boolean {
  const re = new RegExp(`<Term\\b(?=[^>]*\\bid=["']${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["'])(?=[^>]*\\bdefine\\b)[^>]*>`);
  return re.test(body);
}
