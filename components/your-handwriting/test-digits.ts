// Build time only (Node; imported by the chapter's .mdx and .astro files, never by a page script):
// how many MNIST test digits the site serves, read from the very file the worker measures on
// (public/data/mnist-test.bin, written by scripts/prepare-data.ts before every build), so the
// chapter's prose cannot drift from the live figures.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unpackDigits } from '../../src/core/digits';

export const MNIST_TEST_N = unpackDigits(new Uint8Array(readFileSync(join(process.cwd(), 'public', 'data', 'mnist-test.bin')))).n;
