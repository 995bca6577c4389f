// The written chapters in reading order, with previous/next neighbours.
import { getCollection, type CollectionEntry } from 'astro:content';

export type Chapter = CollectionEntry<'chapters'>;

/** Chapters sorted by their `order` field (only files that exist in content/). */
export async function chaptersInOrder(): Promise<Chapter[]> {
  const all = await getCollection('chapters');
  return all.sort((a, b) => a.data.order - b.data.order || a.id.localeCompare(b.id));
}

/** The URL of a chapter: its file name as one path segment. */
export function chapterHref(id: string): string {
  return `/${id}/`;
}
