// scripts/check-imports.ts: the layer rules. A small fixture tree breaks each rule once and keeps one
// allowed import of each kind; the checker must name exactly the broken ones. The checkout itself must
// pass (the same check `npm test` runs as a gate).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkImports, importsOf } from '../../scripts/check-imports';

const root = mkdtempSync(join(tmpdir(), 'check-imports-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function write(path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

write('src/core/tasks.ts', `import { helper } from './helper';\nimport { fraction } from 'mathjs';\nexport const x = 1;\n`);
write('src/core/helper.ts', `export const helper = 1;\n`);
write('src/core/bad-tf.ts', `import * as tf from '@tensorflow/tfjs-core';\n`);
write('src/core/bad-up.ts', `import { lora } from '../engine/lora';\n`);
write('src/engine/lora.ts', `import { x } from '../core/tasks';\nimport { tf } from './tf';\n`);
write('src/engine/tf.ts', `export const tf = 1;\n`);
write('src/engine/bad.ts', `import type { TrainParams } from '../api/lora';\n`);
write('src/api/lora.ts', `import type { TaskId } from '../core/tasks';\n// import { nope } from '../engine/lora';  (a comment, not an import)\n`);
write('src/api/protocol.ts', `import type { BackendInfo } from '../engine/backend';\n`);
write('src/api/bad.ts', `import { BACKENDS } from '../engine/backend';\n`);
write('src/engine/backend.ts', `export const BACKENDS = [];\n`);
write('src/worker/jobs/lora.ts', `import { tf } from '../../engine/tf';\nimport type { TrainParams } from '../../api/lora';\n`);
write('src/worker/jobs/bad.ts', `import { ALPHA } from '../../../components/which-rank/settings';\n`);
write('src/layouts/Base.astro', `---\nimport SiteHeader from '../../components/SiteHeader.astro';\n---\n`);
write('components/SiteHeader.astro', `---\nimport { chapters } from '../src/site/chapters';\n---\n`);
write('components/which-rank/settings.ts', `export { ALPHA } from '../../src/core/tasks';\n`);
write('components/mlp/cell.ts', `import type { TrainParams } from '../../src/api/lora';\nimport { engine } from '../lib/engine';\nconst m = () => import('../../src/engine/lora');\n`);
write('components/mlp/Code.astro', `---\nimport source from '../../src/engine/lora.ts?raw';\n---\n<script>import type { J } from '../../src/worker/jobs/lora';</script>\n`);
write('content/mlp.mdx', `import { TASKS } from '../src/core/tasks';\nimport { T } from '../src/engine/data';\n\n# Text\n`);

describe('scripts/check-imports.ts', () => {
  it('finds each broken rule in a fixture tree, and nothing else', () => {
    const found = checkImports(root).map((v) => `${v.file}:${v.line} ${v.spec}`);
    expect(found.sort()).toEqual([
      'components/mlp/Code.astro:4 ../../src/worker/jobs/lora', // UI imports worker internals
      'components/mlp/cell.ts:3 ../../src/engine/lora', // UI imports the engine (dynamic import too)
      'content/mlp.mdx:2 ../src/engine/data', // content imports the engine
      'src/api/bad.ts:1 ../engine/backend', // api imports a value from the engine
      'src/core/bad-tf.ts:1 @tensorflow/tfjs-core', // core imports tfjs
      'src/core/bad-up.ts:1 ../engine/lora', // core imports outside core
      'src/engine/bad.ts:1 ../api/lora', // the engine imports a layer above it
      'src/worker/jobs/bad.ts:1 ../../../components/which-rank/settings', // the worker climbs into the UI
    ]);
  });

  it('says which rule', () => {
    const byFile = new Map(checkImports(root).map((v) => [v.file, v.rule]));
    expect(byFile.get('src/worker/jobs/bad.ts')).toMatch(/src\/ must not import components/);
    expect(byFile.get('src/core/bad-tf.ts')).toMatch(/tfjs/);
  });

  it('reads imports, exports-from and import() with their lines, not comments', () => {
    const refs = importsOf(`import a from './a';\n/* import b from './b'; */\nexport { c } from './c';\n// import d from './d';\nconst e = await import('./e');\nimport type { F } from './f';\nimport './g.css';\n`);
    expect(refs.map((r) => [r.spec, r.line, r.typeOnly])).toEqual([
      ['./a', 1, false], ['./c', 3, false], ['./f', 6, true], ['./g.css', 7, false], ['./e', 5, false],
    ]);
  });

  it('passes on this checkout', () => {
    expect(checkImports(process.cwd())).toEqual([]);
  });
});
