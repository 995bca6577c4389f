// One MDX file per chapter in ./content; the file name is the URL (content/rank.mdx → /rank/).
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { z } from 'astro/zod';

const chapters = defineCollection({
  loader: glob({ base: './content', pattern: '*.mdx' }),
  schema: z.object({
    /** Chapter title, used in the header, contents and <title>. */
    title: z.string().min(1),
    /** What the chapter lets the reader do; shown on the contents page. */
    description: z.string().min(1),
    /** Reading order (1 = first). */
    order: z.number(),
  }),
});

export const collections = { chapters };
